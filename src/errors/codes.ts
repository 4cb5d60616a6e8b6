import { GraphQLError } from 'graphql';

/**
 * The `extensions.code` values this API returns. They are public API: clients branch on them, so never rename one.
 * Every code the gateway sets is here (tested: no bare code string elsewhere in src/); the codes only Apollo Server
 * sets are in ApolloErrorCode. docs/errors.md lists both, and nothing else (tested).
 */
export const ErrorCode = {
  /**
   * The request was refused before GraphQL ran: JWT authentication is on and the bearer token is missing or not
   * valid (the message says which check failed), or a router secret is required and the request does not carry it.
   * HTTP 401, with `WWW-Authenticate: Bearer …` for JWT. Send a valid token (or the secret); retrying unchanged does
   * not help.
   */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /**
   * JWT authentication is on and the identity provider's signing keys (JWKS) could not be fetched, so no token can
   * be checked. HTTP 503, before GraphQL ran; retry later.
   */
  AUTHENTICATION_UNAVAILABLE: 'AUTHENTICATION_UNAVAILABLE',
  /** The object does not exist (any more). The field is null; its siblings still resolve. */
  NOT_FOUND: 'NOT_FOUND',
  /** Deadline Cloud refused the gateway's credentials for this resource. */
  FORBIDDEN: 'FORBIDDEN',
  /** A change Deadline Cloud refused in the resource's current state (ConflictException): nothing was changed. */
  CONFLICT: 'CONFLICT',
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
  /**
   * A search page lies beyond the first 10,000 results, the most Deadline Cloud's search reaches. Narrow the
   * filter or sort the other way; retrying does not help.
   */
  SEARCH_WINDOW_EXCEEDED: 'SEARCH_WINDOW_EXCEEDED',
  /**
   * An argument is out of range or malformed. Apollo Server produces it too, for variables that do not match their
   * declared types.
   */
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
  /**
   * The HTTP request is not a GraphQL request this server accepts: a body that is not JSON or is larger than the
   * limit (HTTP 413), or a request Apollo Server refuses (a batch, a content type that could be a cross-site request,
   * a GET mutation, a persisted-query hash that does not match its query). HTTP 400 (413 for a body over the limit,
   * 405 or 415 for a method or content type Apollo Server does not take); the message says what to fix. Retrying
   * unchanged does not help. Apollo Server produces it too.
   */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A bug in the gateway; the message is masked. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The `extensions.code` values that only Apollo Server sets and that reach clients of this gateway. The gateway
 * never throws them; it recognises them (to rewrite a parse error, to count persisted-query misses) through these
 * names. They are listed in the registry because a client can receive them, so docs/errors.md documents them beside
 * the gateway's own codes. Apollo's codes that this gateway also sets (BAD_USER_INPUT, BAD_REQUEST,
 * INTERNAL_SERVER_ERROR) are in ErrorCode. PERSISTED_QUERY_NOT_SUPPORTED is not listed: persisted queries are always
 * on here. Each value is one of Apollo's `ApolloServerErrorCode` (tested).
 */
export const ApolloErrorCode = {
  /** The operation text is not valid GraphQL syntax. HTTP 400; fix the operation. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /**
   * The operation does not validate against the schema (an unknown field, a missing required argument), or asks for
   * introspection or `_service` where they are off. HTTP 400; fix the operation.
   */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** An automatic persisted query's hash is not known yet (HTTP 200): send the query text with the hash once. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /**
   * The document has several operations and `operationName` is missing or names none of them. HTTP 400; send the
   * name of the operation to run.
   */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
} as const;

export type ApolloErrorCode = (typeof ApolloErrorCode)[keyof typeof ApolloErrorCode];

/** True when `error` (a GraphQLError, or a formatted error) carries `extensions.code` `code`. */
/** The `extensions.code` of an error, or undefined (for logs and audit lines). */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

export function hasCode(error: unknown, code: ErrorCode | ApolloErrorCode): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { extensions?: { code?: unknown } }).extensions?.code === code
  );
}

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
  /**
   * The endpoint does not serve this operation: HTTP 404, 405 or 501 without a Deadline error, or Deadline's own
   * ValidationException with reason UNKNOWN_OPERATION.
   */
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
