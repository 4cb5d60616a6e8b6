import { GraphQLError } from 'graphql';

/**
 * The `extensions.code` values this API returns. They are public API: clients branch on them, so never rename one.
 */
export const ErrorCode = {
  /** The object does not exist (any more). The field is null; its siblings still resolve. */
  NOT_FOUND: 'NOT_FOUND',
  /** Deadline Cloud refused the gateway's credentials for this resource. */
  FORBIDDEN: 'FORBIDDEN',
  /** Deadline Cloud throttled the gateway; retry after a short wait. */
  UPSTREAM_THROTTLED: 'UPSTREAM_THROTTLED',
  /** Deadline Cloud failed or could not be reached; retry later. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The `after` cursor is malformed, tampered with, or belongs to another connection. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** The cursor's upstream pagination token is no longer accepted (expired after 24 h); restart from page one. */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** An argument is out of range or malformed. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A bug in the gateway; the message is masked. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function gatewayError(
  code: ErrorCode,
  message: string,
  extensions: Record<string, unknown> = {},
  originalError?: Error,
): GraphQLError {
  // originalError stays server-side (logs); clients get the message and extensions only.
  return new GraphQLError(message, {
    extensions: { ...extensions, code },
    ...(originalError ? { originalError } : {}),
  });
}

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return gatewayError(ErrorCode.BAD_USER_INPUT, message, argumentName ? { argumentName } : {});
}

export function invalidCursor(argumentName = 'after'): GraphQLError {
  return gatewayError(
    ErrorCode.INVALID_CURSOR,
    `The \`${argumentName}\` cursor is not valid for this connection: it is malformed, was modified, or was issued ` +
      'by a different connection (another parent or field). Pass a cursor returned by this same field, or omit ' +
      `\`${argumentName}\` to start from the first page.`,
    { argumentName },
  );
}

export function notFound(typeName: string, path: string): GraphQLError {
  return gatewayError(
    ErrorCode.NOT_FOUND,
    `${typeName} ${path} does not exist or is no longer visible. Check the IDs, or refetch its parent's list.`,
    { resourceType: typeName, resourceId: path },
  );
}
