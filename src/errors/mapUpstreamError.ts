import { GraphQLError } from 'graphql';
import { OperationDeadlineError } from '../upstream/operationDeadline.js';
import { ErrorCode, gatewayError } from './codes.js';

/**
 * The one place where Deadline Cloud (SDK) failures become GraphQL errors. Messages say what happened and what to
 * do; they never carry stack traces, credentials or SDK internals. The AWS request ID goes into `extensions` so
 * support can trace the call.
 */

export interface UpstreamCallInfo {
  /** The Deadline operation, e.g. `ListSessions`. */
  operation: string;
  /** True when the call replayed a pagination token taken from a client's cursor. */
  resumedFromCursor?: boolean;
}

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $retryable?: { throttling?: boolean };
  retryAfterSeconds?: unknown;
  code?: unknown;
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

export function mapUpstreamError(error: unknown, call: UpstreamCallInfo): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const e: SdkErrorLike = typeof error === 'object' && error !== null ? (error as SdkErrorLike) : {};
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const extensions: Record<string, unknown> = { upstreamOperation: call.operation };
  if (e.$metadata?.requestId) extensions.awsRequestId = e.$metadata.requestId;
  if (status !== undefined) extensions.upstreamStatus = status;
  const fail = (code: ErrorCode, message: string) =>
    gatewayError(code, message, extensions, error instanceof Error ? error : undefined);

  if (error instanceof OperationDeadlineError) {
    // The operation's time budget ran out (waiting for a slot or for Deadline): the field fails, the rest of the
    // response goes out with what finished.
    extensions.timeBudgetMs = error.budgetMs;
    return fail(ErrorCode.UPSTREAM_UNAVAILABLE, error.message);
  }
  if (name === 'ResourceNotFoundException') {
    return fail(
      ErrorCode.NOT_FOUND,
      `Deadline Cloud reports that the requested resource does not exist (${call.operation}). Check the IDs.`,
    );
  }
  if (name === 'AccessDeniedException' || status === 403) {
    return fail(
      ErrorCode.FORBIDDEN,
      `Deadline Cloud denied the gateway access (${call.operation}). Ask an administrator to grant the gateway's ` +
        'role access to this resource.',
    );
  }
  if (name === 'ThrottlingException' || status === 429 || e.$retryable?.throttling === true) {
    if (typeof e.retryAfterSeconds === 'number') extensions.retryAfterSeconds = e.retryAfterSeconds;
    return fail(
      ErrorCode.UPSTREAM_THROTTLED,
      `Deadline Cloud is throttling requests (${call.operation}). Retry in a few seconds, or request fewer items.`,
    );
  }
  if (name === 'ValidationException' || status === 400) {
    if (call.resumedFromCursor) {
      return fail(
        ErrorCode.CURSOR_EXPIRED,
        'This cursor can no longer be resumed: Deadline Cloud no longer accepts the pagination token inside it ' +
          '(tokens expire 24 hours after they are issued). Restart from the first page by omitting `after`.',
      );
    }
    return fail(
      ErrorCode.BAD_USER_INPUT,
      `Deadline Cloud rejected the request (${call.operation}): ${sanitize(e.message)}`,
    );
  }
  if (status === 404 || status === 405 || status === 501) {
    // Not a Deadline "resource not found" (that one is typed): the endpoint does not serve this operation.
    return fail(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `The Deadline endpoint does not serve ${call.operation} (HTTP ${status}). Check that DEADLINE_ENDPOINT points ` +
        'at a Deadline Cloud API.',
    );
  }
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  if (
    name === 'InternalServerErrorException' ||
    (status !== undefined && status >= 500) ||
    name === 'TimeoutError' ||
    name === 'AbortError' ||
    (networkCode !== undefined && NETWORK_ERROR_CODES.has(networkCode))
  ) {
    return fail(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Deadline Cloud is unavailable or failed to answer (${call.operation}). Retry later.`,
    );
  }
  return fail(
    ErrorCode.INTERNAL_SERVER_ERROR,
    `The gateway could not complete a Deadline Cloud call (${call.operation}).`,
  );
}

/** Upstream validation messages are safe to show, but keep them to one bounded line. */
function sanitize(message: unknown): string {
  if (typeof message !== 'string' || message.length === 0) return 'no reason given.';
  return message.replace(/\s+/g, ' ').slice(0, 300);
}
