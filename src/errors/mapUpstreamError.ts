import { GraphQLError } from 'graphql';
import { OperationDeadlineError } from '../upstream/operationDeadline.js';
import { ErrorCode, gatewayError, UpstreamReason } from './codes.js';
import {
  describeUpstreamFailure,
  toldOf,
  type UpstreamFailure,
  type UpstreamTarget,
} from './upstreamFailure.js';

/**
 * The one place where Deadline Cloud (SDK) failures become GraphQL errors. Messages say what happened and what to
 * do; they never carry stack traces or credentials. The AWS request ID goes into `extensions` so support can trace
 * the call. When Deadline did not answer, `extensions.reason` gives the cause's class (upstreamFailure.ts); the
 * message names the endpoint and the fix only outside production.
 */

export interface UpstreamCallInfo {
  /** The Deadline operation, e.g. `ListSessions`. */
  operation: string;
  /** True when the call replayed a pagination token taken from a client's cursor. */
  resumedFromCursor?: boolean;
}

/** Where the call went, and whether messages may name it (never in production: no internal addresses). */
export interface UpstreamSite {
  target: UpstreamTarget;
  /** Messages may name the endpoint and hosts (outside production); default false. */
  namesTarget?: boolean;
}

interface SdkErrorLike {
  name?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $retryable?: { throttling?: boolean };
  retryAfterSeconds?: unknown;
}

const CODE_OF_REASON: Partial<Record<UpstreamReason, ErrorCode>> = {
  [UpstreamReason.CREDENTIALS_MISSING]: ErrorCode.UPSTREAM_CREDENTIALS_MISSING,
  [UpstreamReason.CREDENTIALS_REFUSED]: ErrorCode.FORBIDDEN,
  [UpstreamReason.ACCESS_DENIED]: ErrorCode.FORBIDDEN,
};

export function mapUpstreamError(
  error: unknown,
  call: UpstreamCallInfo,
  site: UpstreamSite = { target: {} },
): GraphQLError {
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
    extensions.reason = UpstreamReason.TIMEOUT;
    return fail(ErrorCode.UPSTREAM_UNAVAILABLE, error.message);
  }
  if (name === 'ResourceNotFoundException') {
    return fail(
      ErrorCode.NOT_FOUND,
      `Deadline Cloud reports that the requested resource does not exist (${call.operation}). Check the IDs.`,
    );
  }
  if (name === 'ConflictException' || status === 409) {
    return fail(
      ErrorCode.CONFLICT,
      `Deadline Cloud refused the change in the resource's current state (${call.operation}): ${sanitize(e.message)} Nothing was changed; refetch it and decide again.`,
    );
  }
  if (name === 'ThrottlingException' || status === 429 || e.$retryable?.throttling === true) {
    if (typeof e.retryAfterSeconds === 'number') extensions.retryAfterSeconds = e.retryAfterSeconds;
    return fail(
      ErrorCode.UPSTREAM_THROTTLED,
      `Deadline Cloud is throttling requests (${call.operation}). Retry in a few seconds, or request fewer items.`,
    );
  }
  const failure = describeUpstreamFailure(error, site.target);
  if (failure) {
    extensions.reason = failure.reason;
    return fail(
      CODE_OF_REASON[failure.reason] ?? ErrorCode.UPSTREAM_UNAVAILABLE,
      failureMessage(failure, call, site),
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
  if (name === 'AbortError') {
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

/**
 * What a caller is told: in production, what happened without any address (the log has the rest); elsewhere the
 * explanation too, with the endpoint and what to fix.
 */
function failureMessage(failure: UpstreamFailure, call: UpstreamCallInfo, site: UpstreamSite): string {
  const op = call.operation;
  const told = toldOf(failure, site.namesTarget);
  switch (failure.reason) {
    case UpstreamReason.CREDENTIALS_MISSING:
      return site.namesTarget === true
        ? `The gateway has no AWS credentials for Deadline Cloud (${op}): ${told} This is a server configuration ` +
            'error, not a problem with the request; retrying will not help until it is fixed.'
        : `The gateway has no AWS credentials for Deadline Cloud (${op}). This is a server configuration error, ` +
            "not a problem with the request: the gateway's operators must configure its AWS credentials (the " +
            'default credential chain: environment variables, a shared config or SSO profile, web identity, or a ' +
            'container or instance role); retrying will not help until then.';
    case UpstreamReason.CREDENTIALS_REFUSED:
      return site.namesTarget === true
        ? `Deadline Cloud refused the gateway's credentials (${op}): ${told}`
        : `Deadline Cloud refused the gateway's credentials (${op}). This is a server configuration error: the ` +
            "gateway's operators must renew or replace its AWS credentials.";
    case UpstreamReason.ACCESS_DENIED:
      return (
        `Deadline Cloud denied the gateway access (${op}). Ask an administrator to grant the gateway's role ` +
        'access to this resource.'
      );
    default:
      return site.namesTarget === true
        ? `Deadline Cloud is unavailable (${op}): ${told}`
        : `Deadline Cloud is unavailable (${op}): ${told} This is a problem between the gateway and Deadline ` +
            'Cloud, not with the request: retry later.';
  }
}

/** Upstream validation messages are safe to show, but keep them to one bounded line. */
function sanitize(message: unknown): string {
  if (typeof message !== 'string' || message.length === 0) return 'no reason given.';
  return message.replace(/\s+/g, ' ').slice(0, 300);
}
