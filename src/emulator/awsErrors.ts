/**
 * Deadline Cloud errors in the AWS restJson1 wire format: the model's HTTP status, an `x-amzn-ErrorType` header
 * naming the error shape, and a JSON body `{ message, ...shape members }` (never a top-level `code` key, which the
 * SDK would rank above the header). The SDK turns these into its typed exception classes.
 */

export type ValidationReason = 'UNKNOWN_OPERATION' | 'CANNOT_PARSE' | 'FIELD_VALIDATION_FAILED' | 'OTHER';

export interface ValidationFieldError {
  name: string;
  message: string;
}

export type AwsErrorName =
  | 'ValidationException'
  | 'AccessDeniedException'
  | 'ResourceNotFoundException'
  | 'ConflictException'
  | 'ThrottlingException'
  | 'InternalServerErrorException';

const STATUS_BY_ERROR: Record<AwsErrorName, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ThrottlingException: 429,
  InternalServerErrorException: 500,
};

/** An error the emulator answers with; `members` are the error shape's members besides `message`. */
export class AwsError extends Error {
  readonly status: number;

  constructor(
    readonly errorName: AwsErrorName,
    message: string,
    readonly members: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STATUS_BY_ERROR[errorName];
  }

  /** JSON body of the error response. */
  body(): Record<string, unknown> {
    return { message: this.message, ...this.members };
  }
}

export function validationError(
  reason: ValidationReason,
  message: string,
  fieldList?: ValidationFieldError[],
): AwsError {
  return new AwsError('ValidationException', message, fieldList ? { reason, fieldList } : { reason });
}

/** One ValidationException for every failed field, worded like AWS's "N validation errors detected: …". */
export function fieldValidationError(fields: ValidationFieldError[]): AwsError {
  const count = fields.length;
  const summary = fields.map((field) => field.message).join('; ');
  return validationError(
    'FIELD_VALIDATION_FAILED',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${summary}`,
    fields,
  );
}

export type ResourceType =
  | 'farm'
  | 'queue'
  | 'job'
  | 'session'
  | 'fleet'
  | 'worker'
  | 'step'
  | 'task'
  | 'sessionAction';

export function resourceNotFound(resourceType: ResourceType, resourceId: string): AwsError {
  return new AwsError(
    'ResourceNotFoundException',
    `Resource ${resourceId} of type ${resourceType} not found.`,
    {
      resourceId,
      resourceType,
    },
  );
}

export type ConflictReason =
  | 'CONFLICT_EXCEPTION'
  | 'CONCURRENT_MODIFICATION'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_IN_USE'
  | 'STATUS_CONFLICT';

/** The model's ConflictException (409): a change the resource's current state does not allow. */
export function conflict(
  reason: ConflictReason,
  message: string,
  resourceType: ResourceType | 'clientToken',
  resourceId: string,
): AwsError {
  return new AwsError('ConflictException', message, { reason, resourceId, resourceType });
}

export function accessDenied(message: string): AwsError {
  return new AwsError('AccessDeniedException', message);
}

export function throttled(): AwsError {
  return new AwsError(
    'ThrottlingException',
    'Rate exceeded',
    { serviceCode: 'deadline', quotaCode: 'emulator-throttle' },
    { 'Retry-After': '1' },
  );
}

export function internalError(message = 'An internal error occurred. Try again later.'): AwsError {
  return new AwsError('InternalServerErrorException', message);
}
