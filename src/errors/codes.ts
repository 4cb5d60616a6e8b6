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
  /** Deadline Cloud failed or could not be reached; retry later. `extensions.reason` says why (UpstreamReason). */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /**
   * The gateway found no AWS credentials for Deadline Cloud (its default credential chain is empty or broken): a
   * server configuration error, so no Deadline call can succeed until an operator fixes it; retrying does not help.
   */
  UPSTREAM_CREDENTIALS_MISSING: 'UPSTREAM_CREDENTIALS_MISSING',
  /** The `after` cursor is malformed, tampered with, or belongs to another connection. */
  INVALID_CURSOR: 'INVALID_CURSOR',
  /** The cursor's upstream pagination token is no longer accepted (expired after 24 h); restart from page one. */
  CURSOR_EXPIRED: 'CURSOR_EXPIRED',
  /** An argument is out of range or malformed. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /**
   * The operation's worst case exceeds the configured cost limits (list items it can return, or Deadline calls it
   * can make). Rejected with HTTP 400 before any Deadline call; the message gives the cost found and how to reduce it.
   */
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  /** The operation nests fields deeper than the configured limit. Rejected with HTTP 400 before execution. */
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  /** The operation uses more aliases than the configured limit. Rejected with HTTP 400 before execution. */
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  /** The operation uses more directives than the configured limit. Rejected with HTTP 400 before execution. */
  TOO_MANY_DIRECTIVES: 'TOO_MANY_DIRECTIVES',
  /** The operation text has more tokens than the parser accepts. Rejected with HTTP 400 before it is parsed in full. */
  TOO_MANY_TOKENS: 'TOO_MANY_TOKENS',
  /** A bug in the gateway; the message is masked. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why a Deadline call failed without an answer from Deadline itself (or with a refusal of the gateway's identity):
 * the `extensions.reason` of `UPSTREAM_UNAVAILABLE`, `UPSTREAM_CREDENTIALS_MISSING` and `FORBIDDEN` errors, and the
 * `cause` of a 503 from `/readyz`. Public API like the codes: never rename one. Classified in
 * src/errors/upstreamFailure.ts.
 */
export const UpstreamReason = {
  /** Nothing accepts connections at the endpoint's address and port. */
  CONNECTION_REFUSED: 'CONNECTION_REFUSED',
  /** The endpoint's host name does not resolve (or DNS did not answer). */
  DNS: 'DNS',
  /** The connection was reset or closed before Deadline answered. */
  CONNECTION_RESET: 'CONNECTION_RESET',
  /** No route to the endpoint's host or network. */
  UNREACHABLE: 'UNREACHABLE',
  /** No connection or no answer in time (per attempt, or the operation's time budget). */
  TIMEOUT: 'TIMEOUT',
  /** The TLS handshake failed: a certificate that is not trusted, or an endpoint that does not speak TLS. */
  TLS: 'TLS',
  /** Deadline answered with a server error (HTTP 5xx) after the gateway's retries. */
  UPSTREAM_5XX: 'UPSTREAM_5XX',
  /** The endpoint answered HTTP 404, 405 or 501 without a Deadline error: it does not serve this operation. */
  OPERATION_NOT_SERVED: 'OPERATION_NOT_SERVED',
  /** The endpoint answered with something that is not Deadline's API (an HTML page, a proxy's error page). */
  NOT_DEADLINE_API: 'NOT_DEADLINE_API',
  /** The gateway has no AWS credentials (code UPSTREAM_CREDENTIALS_MISSING). */
  CREDENTIALS_MISSING: 'CREDENTIALS_MISSING',
  /** AWS does not recognise the gateway's credentials (invalid, expired, or a bad signature); code FORBIDDEN. */
  CREDENTIALS_REFUSED: 'CREDENTIALS_REFUSED',
  /** Deadline knows the gateway's identity but denies it this operation (AccessDenied); code FORBIDDEN. */
  ACCESS_DENIED: 'ACCESS_DENIED',
} as const;

export type UpstreamReason = (typeof UpstreamReason)[keyof typeof UpstreamReason];

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
