import { describe, expect, it } from 'vitest';
import {
  computeRetryDelay,
  DEFAULT_RETRY_TIMINGS,
  DeadlineRetryStrategy,
  retryScopeFor,
} from '../../src/upstream/retryStrategy.js';

const now = 1_000_000;

describe('computeRetryDelay: exponential backoff with full jitter', () => {
  it('grows as base × 2^retry, scaled by the jitter, capped at 20 s', () => {
    const delay = (retryCount: number, random: number, errorType: 'THROTTLING' | 'TRANSIENT' = 'TRANSIENT') =>
      computeRetryDelay({ retryCount, errorType, random, now });
    expect(delay(0, 0.999_999)).toBe(49);
    expect(delay(1, 0.5)).toBe(50);
    expect(delay(3, 0.5)).toBe(200);
    expect(delay(0, 0)).toBe(0);
    // Throttling backs off from 1 s.
    expect(delay(0, 0.5, 'THROTTLING')).toBe(500);
    expect(delay(2, 0.5, 'THROTTLING')).toBe(2000);
    // The cap: 20 s, whatever the retry.
    expect(delay(30, 0.999_999, 'THROTTLING')).toBe(19_999);
  });

  it('never waits less than Retry-After asks', () => {
    expect(
      computeRetryDelay({ retryCount: 0, errorType: 'THROTTLING', random: 0.1, now, retryAfterMs: 1000 }),
    ).toBe(1000);
    // A jittered backoff longer than Retry-After wins.
    expect(
      computeRetryDelay({ retryCount: 2, errorType: 'THROTTLING', random: 0.9, now, retryAfterMs: 1000 }),
    ).toBe(3600);
    // Fractions of a millisecond round up: never earlier than asked.
    expect(
      computeRetryDelay({ retryCount: 0, errorType: 'TRANSIENT', random: 0, now, retryAfterMs: 10.2 }),
    ).toBe(11);
    // A date in the past (negative) counts as "now".
    expect(
      computeRetryDelay({ retryCount: 0, errorType: 'TRANSIENT', random: 0, now, retryAfterMs: -500 }),
    ).toBe(0);
    // Without a deadline, an excessive Retry-After is capped at the maximum delay.
    expect(
      computeRetryDelay({ retryCount: 0, errorType: 'THROTTLING', random: 0, now, retryAfterMs: 3_600_000 }),
    ).toBe(DEFAULT_RETRY_TIMINGS.maxDelayMs);
  });

  it('makes no retry that would end after the deadline', () => {
    const base = { retryCount: 0, errorType: 'THROTTLING' as const, random: 0, now };
    // Retry-After 1 s with 2 s left: retried after 1 s.
    expect(computeRetryDelay({ ...base, retryAfterMs: 1000, deadlineAt: now + 2000 })).toBe(1000);
    // Retry-After 1 s with 0.9 s left: no retry (the call fails with the throttling error now).
    expect(computeRetryDelay({ ...base, retryAfterMs: 1000, deadlineAt: now + 900 })).toBeUndefined();
    // Retry-After 60 s with a deadline: honoured in full, so no retry within a 10 s budget.
    expect(computeRetryDelay({ ...base, retryAfterMs: 60_000, deadlineAt: now + 10_000 })).toBeUndefined();
    // The retry must leave the attempt itself some time (minAttemptMs, 50 ms).
    expect(computeRetryDelay({ ...base, retryAfterMs: 1000, deadlineAt: now + 1049 })).toBeUndefined();
    expect(computeRetryDelay({ ...base, retryAfterMs: 1000, deadlineAt: now + 1050 })).toBe(1000);
    // The jittered backoff is bounded too.
    expect(computeRetryDelay({ ...base, random: 0.9, deadlineAt: now + 500 })).toBeUndefined();
    expect(computeRetryDelay({ ...base, random: 0.4, deadlineAt: now + 500 })).toBe(400);
    // Deadline already passed.
    expect(computeRetryDelay({ ...base, deadlineAt: now - 1 })).toBeUndefined();
  });
});

describe('DeadlineRetryStrategy (the SDK RetryStrategyV2 the client uses)', () => {
  const throttled = (retryAfterMs?: number) => ({
    errorType: 'THROTTLING' as const,
    ...(retryAfterMs === undefined ? {} : { retryAfterHint: new Date(now + retryAfterMs) }),
  });

  it('retries throttling and transient errors up to maxAttempts, not client errors', async () => {
    const strategy = new DeadlineRetryStrategy(
      3,
      DEFAULT_RETRY_TIMINGS,
      () => 0.5,
      () => now,
    );
    const first = await strategy.acquireInitialRetryToken('');
    expect(first.getRetryCount()).toBe(0);
    const second = await strategy.refreshRetryTokenForRetry(first, throttled());
    expect(second.getRetryCount()).toBe(1);
    expect(second.getRetryDelay()).toBe(500);
    const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' });
    expect(third.getRetryDelay()).toBe(50);
    await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow(
      /attempts/,
    );
    await expect(strategy.refreshRetryTokenForRetry(first, { errorType: 'CLIENT_ERROR' })).rejects.toThrow();
    await expect(strategy.refreshRetryTokenForRetry(first, { errorType: 'SERVER_ERROR' })).rejects.toThrow();
  });

  it('takes Retry-After from the hint, and the deadline of the call from its scope', async () => {
    const strategy = new DeadlineRetryStrategy(
      3,
      DEFAULT_RETRY_TIMINGS,
      () => 0,
      () => now,
    );
    const first = await strategy.acquireInitialRetryToken('');
    expect((await strategy.refreshRetryTokenForRetry(first, throttled(1000))).getRetryDelay()).toBe(1000);
    // The call's deadline arrives in the token's scope (set by the call-context middleware, upstreamCalls.ts).
    const roomy = await strategy.acquireInitialRetryToken(retryScopeFor(now + 2000));
    expect((await strategy.refreshRetryTokenForRetry(roomy, throttled(1000))).getRetryDelay()).toBe(1000);
    const tight = await strategy.acquireInitialRetryToken(retryScopeFor(now + 500));
    await expect(strategy.refreshRetryTokenForRetry(tight, throttled(1000))).rejects.toThrow(/deadline/);
    // A retry token carries the deadline on to the next retry.
    const next = await strategy.refreshRetryTokenForRetry(roomy, throttled(100));
    await expect(strategy.refreshRetryTokenForRetry(next, throttled(5000))).rejects.toThrow(/deadline/);
  });

  it('has no retry quota: sustained failures keep their retries', async () => {
    const strategy = new DeadlineRetryStrategy(
      2,
      DEFAULT_RETRY_TIMINGS,
      () => 0,
      () => now,
    );
    const first = await strategy.acquireInitialRetryToken('');
    for (let i = 0; i < 1000; i += 1) {
      expect(
        (await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' })).getRetryCount(),
      ).toBe(1);
    }
  });
});
