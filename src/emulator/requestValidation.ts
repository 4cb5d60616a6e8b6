/**
 * Input validation against the constraints of service-2.json (patterns anchored, lengths, ranges, enums). A
 * `RequestFields` collects every failed field, then throws one ValidationException (FIELD_VALIDATION_FAILED)
 * listing them in `fieldList`, like AWS's "2 validation errors detected: …".
 *
 * A value that cannot be read as its type at all (`maxResults=abc`, a number where the body needs a string) is a
 * deserialisation failure, which a restJson1 server reports before and instead of any constraint check: it throws
 * at once, reason CANNOT_PARSE, without a fieldList (Smithy's reference servers answer these with a 400
 * SerializationException, a shape the Deadline model does not have; CANNOT_PARSE is the model's reason for it).
 */
import {
  type AwsError,
  fieldValidationError,
  type ValidationFieldError,
  validationError,
} from './awsErrors.js';

/** A model pattern, matched whole, with its source as the model spells it (quoted in messages). */
const pattern = (source: string) => ({ regex: new RegExp(`^(?:${source})$`), source });

/** Resource ID patterns from the model (`FarmId`, `QueueId`, …), anchored. */
export const ID_PATTERNS = {
  farmId: pattern('farm-[0-9a-f]{32}'),
  queueId: pattern('queue-[0-9a-f]{32}'),
  jobId: pattern('job-[0-9a-f]{32}'),
  sessionId: pattern('session-[0-9a-f]{32}'),
  fleetId: pattern('fleet-[0-9a-f]{32}'),
  workerId: pattern('worker-[0-9a-f]{32}'),
  stepId: pattern('step-[0-9a-f]{32}'),
  taskId: pattern('task-[0-9a-f]{32}-(0|([1-9][0-9]{0,9}))'),
  sessionActionId: pattern('sessionaction-[0-9a-f]{32}-(0|([1-9][0-9]{0,9}))'),
} as const;

export type IdField = keyof typeof ID_PATTERNS;

const PRINCIPAL_ID_SOURCE =
  '([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}';
const PRINCIPAL_ID = new RegExp(`^(?:${PRINCIPAL_ID_SOURCE})$`);
const INTEGER = /^-?\d+$/;
/** The model's `integer` is 32-bit: a literal outside this range cannot be read as one. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const MAX_NEXT_TOKEN_LENGTH = 4096;

/** How a value appears in a message: quoted and cut short, so huge inputs do not echo back whole. */
function shown(value: string): string {
  return `'${value.length > 64 ? `${value.slice(0, 64)}…` : value}'`;
}

/** A JSON value that can be read as a structure. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value at `path` that cannot be read as `expected` (see the file comment). */
export function cannotParse(path: string, expected: string): AwsError {
  return validationError('CANNOT_PARSE', `Value at '${path}' cannot be parsed: expected ${expected}`);
}

export class RequestFields {
  private readonly failures: ValidationFieldError[] = [];

  fail(name: string, message: string): void {
    this.failures.push({ name, message });
  }

  /** Throws the collected failures, if any. */
  assertValid(): void {
    if (this.failures.length > 0) throw fieldValidationError(this.failures);
  }

  /** An ID against its model pattern; `path` names it in the answer (a path label by its name, by default). */
  id(field: IdField, value: string, path: string = field): string {
    if (!ID_PATTERNS[field].regex.test(value)) {
      this.fail(
        path,
        `Value ${shown(value)} at '${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ID_PATTERNS[field].source}`,
      );
    }
    return value;
  }

  /** A required member that is absent (or JSON null, which restJson1 reads as absent). */
  missing(path: string): void {
    this.fail(path, `Value null at '${path}' failed to satisfy constraint: Member must not be null`);
  }

  /** A query parameter: absent → undefined; repeated → a failure (the model has no list-valued query here). */
  private single(query: URLSearchParams, name: string): string | undefined {
    const values = query.getAll(name);
    if (values.length > 1) {
      this.fail(name, `Query parameter '${name}' must be sent at most once, got ${values.length} values`);
    }
    return values[0];
  }

  /** maxResults: 1–100 (the model's MaxResults), or 1–`max` where the operation has its own bound. */
  maxResults(query: URLSearchParams, max = 100): number | undefined {
    const raw = this.single(query, 'maxResults');
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!INTEGER.test(raw) || value < INT32.min || value > INT32.max) {
      throw cannotParse('maxResults', 'a 32-bit integer');
    }
    if (value < 1) {
      this.fail(
        'maxResults',
        `Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`,
      );
    } else if (value > max) {
      this.fail(
        'maxResults',
        `Value '${raw}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
    }
    return value;
  }

  /** nextToken: 0–4096 chars; an empty value means "no token" (the model allows length 0). */
  nextToken(query: URLSearchParams): string | undefined {
    const raw = this.single(query, 'nextToken');
    if (raw !== undefined && raw.length > MAX_NEXT_TOKEN_LENGTH) {
      this.fail(
        'nextToken',
        `Value at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NEXT_TOKEN_LENGTH}`,
      );
    }
    return raw === '' ? undefined : raw;
  }

  /** An optional ID query parameter (ListSessionActions' `sessionId`, `taskId`) against its model pattern. */
  queryId(query: URLSearchParams, field: IdField): string | undefined {
    const raw = this.single(query, field);
    return raw === undefined ? undefined : this.id(field, raw);
  }

  principalId(query: URLSearchParams): string | undefined {
    const raw = this.single(query, 'principalId');
    if (raw === undefined) return undefined;
    if (raw.length < 1 || raw.length > 47) {
      this.fail(
        'principalId',
        `Value ${shown(raw)} at 'principalId' failed to satisfy constraint: Member must have length between 1 and 47`,
      );
    } else if (!PRINCIPAL_ID.test(raw)) {
      this.fail(
        'principalId',
        `Value ${shown(raw)} at 'principalId' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PRINCIPAL_ID_SOURCE}`,
      );
    }
    return raw;
  }

  enumValue<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T | undefined {
    const raw = this.single(query, name);
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.fail(
        name,
        `Value ${shown(raw)} at '${name}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
      return undefined;
    }
    return raw as T;
  }

  /**
   * An optional integer member of a JSON body (JSON null reads as absent): a value that is not a 32-bit integer
   * cannot be parsed; one outside `min`–`max` fails its range.
   */
  memberInteger(
    body: Readonly<Record<string, unknown>>,
    name: string,
    path: string,
    min: number,
    max: number,
  ) {
    const value = body[name] ?? null;
    if (value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < INT32.min || value > INT32.max) {
      throw cannotParse(path, 'a 32-bit integer');
    }
    if (value < min) {
      this.fail(
        path,
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    } else if (value > max) {
      this.fail(
        path,
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
    }
    return value;
  }

  /** A string member of a JSON body in an enum; `required` members fail when absent. */
  memberEnum<T extends string>(
    body: Readonly<Record<string, unknown>>,
    name: string,
    path: string,
    allowed: readonly T[],
    required = false,
  ): T | undefined {
    const value = body[name] ?? null;
    if (value === null) {
      if (required) this.missing(path);
      return undefined;
    }
    if (typeof value !== 'string') throw cannotParse(path, 'a string');
    if (!(allowed as readonly string[]).includes(value)) {
      this.fail(
        path,
        `Value ${shown(value)} at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
      return undefined;
    }
    return value as T;
  }

  /** An optional string member of a JSON body with a length range; a `sensitive` value is never echoed. */
  memberString(
    body: Readonly<Record<string, unknown>>,
    name: string,
    path: string,
    min: number,
    max: number,
    sensitive = false,
  ): string | undefined {
    const value = body[name] ?? null;
    if (value === null) return undefined;
    if (typeof value !== 'string') throw cannotParse(path, 'a string');
    if (value.length < min || value.length > max) {
      this.fail(
        path,
        `Value${sensitive ? '' : ` ${shown(value)}`} at '${path}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
      );
    }
    return value;
  }

  /** The `X-Amz-Client-Token` header (the model's ClientToken: 1–64 characters); absent → undefined. */
  clientToken(value: string | undefined): string | undefined {
    if (value !== undefined && (value.length < 1 || value.length > 64)) {
      this.fail(
        'clientToken',
        `Value ${shown(value)} at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64`,
      );
    }
    return value;
  }

  /** A string query parameter with a length range (ResourceName: 1–100). */
  text(query: URLSearchParams, name: string, min: number, max: number): string | undefined {
    const raw = this.single(query, name);
    if (raw === undefined) return undefined;
    if (raw.length < min || raw.length > max) {
      this.fail(
        name,
        `Value ${shown(raw)} at '${name}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
      );
    }
    return raw;
  }
}
