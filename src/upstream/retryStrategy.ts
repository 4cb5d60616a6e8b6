import type { DeadlineClientConfig } from '@aws-sdk/client-deadline';

/**
 * The gateway's SDK retry strategy: the SDK's own retry middleware drives the attempts (and the `Retry-After`
 * parsing, the abort signal, the attempt counting), this strategy decides whether and when to retry.
 *
 * - Retried: throttling (429, ThrottlingException, `$retryable.throttling`) and transient failures (500/502/503/504,
 *   InternalServerErrorException, network errors, per-attempt timeouts), as the SDK's standard mode does.
 *   Not retried: 4xx, and 501/505… (an endpoint that does not serve an operation; see loaders/batchFallback.ts).
 * - Delay: exponential backoff with full jitter, `random × min(20 s, base × 2^retry)`, base 50 ms (1 s for
 *   throttling), the SDK's standard values; raised to Deadline's `Retry-After` (or `x-amz-retry-after`) when it
 *   sent one: the gateway never comes back earlier than asked.
 * - Bounded by the operation's deadline: a retry whose wait would end after the deadline (less a minimal attempt
 *   time) is not made; the call fails with Deadline's last error at once instead of sleeping into the deadline.
 * - No retry quota (the SDK's standard mode has a token bucket: 500 tokens, 5 per throttling retry, 14 per other,
 *   refilled by successes). At a sustained 40% failure rate it empties within a few hundred calls and then turns
 *   every transient failure into a field error. The gateway bounds what retries add otherwise: at most
 *   `maxAttempts` attempts per call, at most `maxConcurrency` calls in flight per process, backoff honouring
 *   Retry-After, and nothing past the operation deadline.
 */

type RetryStrategyV2 = Extract<
  NonNullable<DeadlineClientConfig['retryStrategy']>,
  { acquireInitialRetryToken: unknown }
>;
type RetryToken = Awaited<ReturnType<RetryStrategyV2['acquireInitialRetryToken']>>;
type RetryErrorInfo = Parameters<RetryStrategyV2['refreshRetryTokenForRetry']>[1];
export type RetryErrorType = RetryErrorInfo['errorType'];

export interface RetryTimings {
  /** Backoff base of transient failures (5xx, network, timeouts). */
  baseDelayMs: number;
  /** Backoff base after throttling. */
  throttlingBaseDelayMs: number;
  /** Cap of one backoff delay (and of a `Retry-After` when no deadline bounds the call). */
  maxDelayMs: number;
  /** A retry must leave at least this much of the deadline for its attempt. */
  minAttemptMs: number;
}

export const DEFAULT_RETRY_TIMINGS: RetryTimings = {
  baseDelayMs: 50,
  throttlingBaseDelayMs: 1000,
  maxDelayMs: 20_000,
  minAttemptMs: 50,
};

export interface RetryDelayInput {
  /** Retries made so far for this call: 0 before the first retry. */
  retryCount: number;
  errorType: RetryErrorType;
  /** What Deadline asked for (`Retry-After`), in ms from now; undefined when it sent nothing. */
  retryAfterMs?: number | undefined;
  /** A number in [0, 1): the jitter. */
  random: number;
  now: number;
  /** Absolute deadline (epoch ms) of the operation the call belongs to; undefined: unbounded. */
  deadlineAt?: number | undefined;
  timings?: RetryTimings;
}

/**
 * How long to wait before the next attempt, or undefined when the retry would end after the deadline. Pure: the
 * jitter and the clock are inputs.
 */
export function computeRetryDelay(input: RetryDelayInput): number | undefined {
  const timings = input.timings ?? DEFAULT_RETRY_TIMINGS;
  const base = input.errorType === 'THROTTLING' ? timings.throttlingBaseDelayMs : timings.baseDelayMs;
  const ceiling = Math.min(timings.maxDelayMs, base * 2 ** input.retryCount);
  const random = Math.min(Math.max(input.random, 0), 1);
  let delay = Math.floor(random * ceiling);
  if (input.retryAfterMs !== undefined && Number.isFinite(input.retryAfterMs)) {
    const asked = Math.ceil(Math.max(0, input.retryAfterMs));
    delay = Math.max(delay, input.deadlineAt === undefined ? Math.min(asked, timings.maxDelayMs) : asked);
  }
  if (input.deadlineAt !== undefined && input.now + delay + timings.minAttemptMs > input.deadlineAt) {
    return undefined;
  }
  return delay;
}

class Token implements RetryToken {
  constructor(
    private readonly count: number,
    private readonly delay: number,
    /** The operation deadline of the call this token belongs to (epoch ms), when it has one. */
    readonly deadlineAt: number | undefined,
  ) {}
  getRetryCount(): number {
    return this.count;
  }
  /** The SDK's retry middleware sleeps this long (abortably) before the next attempt. */
  getRetryDelay(): number {
    return this.delay;
  }
}

/**
 * The client is shared by all requests, so the deadline of the request a call belongs to reaches the retry
 * strategy through the retry token's scope: the SDK's retry middleware asks for the first token with the
 * handler context's `partition_id` (nothing else in this SDK reads or sets it), which the call-context middleware
 * (upstreamCalls.ts) sets to `retryScopeFor(deadlineAt)`. No AsyncLocalStorage: on Node 20 its promise hooks slow
 * down every promise of the process.
 */
const SCOPE_PREFIX = 'deadline-graphql:deadline=';

export function retryScopeFor(deadlineAt: number): string {
  return `${SCOPE_PREFIX}${deadlineAt}`;
}

function deadlineOfScope(scope: string): number | undefined {
  if (!scope.startsWith(SCOPE_PREFIX)) return undefined;
  const deadlineAt = Number.parseInt(scope.slice(SCOPE_PREFIX.length), 10);
  return Number.isFinite(deadlineAt) ? deadlineAt : undefined;
}

const RETRYABLE: ReadonlySet<RetryErrorType> = new Set(['THROTTLING', 'TRANSIENT']);

export class DeadlineRetryStrategy implements RetryStrategyV2 {
  readonly mode = 'standard';

  constructor(
    private readonly maxAttempts: number,
    private readonly timings: RetryTimings = DEFAULT_RETRY_TIMINGS,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
    return new Token(0, 0, deadlineOfScope(scope));
  }

  async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const deadlineAt = token instanceof Token ? token.deadlineAt : undefined;
    const retryCount = token.getRetryCount();
    // Throwing tells the middleware not to retry: the call then fails with Deadline's last error.
    if (!RETRYABLE.has(info.errorType)) throw new Error('Not retryable');
    if (retryCount + 1 >= this.maxAttempts) throw new Error('No attempts left');
    const now = this.now();
    const delay = computeRetryDelay({
      retryCount,
      errorType: info.errorType,
      retryAfterMs: info.retryAfterHint instanceof Date ? info.retryAfterHint.getTime() - now : undefined,
      random: this.random(),
      now,
      deadlineAt,
      timings: this.timings,
    });
    if (delay === undefined) throw new Error('The retry would end after the operation deadline');
    return new Token(retryCount + 1, delay, deadlineAt);
  }

  recordSuccess(_token: RetryToken): void {}
}
