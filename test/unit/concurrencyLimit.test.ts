import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../../src/upstream/concurrencyLimit.js';

describe('ConcurrencyLimiter', () => {
  it('admits up to the limit, then serves waiters first come, first served', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((release) => {
      order.push('c');
      return release;
    });
    const d = limiter.acquire().then((release) => {
      order.push('d');
      return release;
    });
    expect(limiter.inUse).toBe(2);
    expect(limiter.queued).toBe(2);
    a();
    a(); // a second release is ignored
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(limiter.inUse).toBe(2);
    b();
    (await d)();
    releaseC();
    expect(order).toEqual(['c', 'd']);
    expect(limiter.inUse).toBe(0);
    expect(limiter.maxInUse).toBe(2);
  });

  it('a waiter whose signal aborts leaves the queue with the reason', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error('deadline'));
    await expect(waiting).rejects.toThrow('deadline');
    expect(limiter.queued).toBe(1);
    held();
    (await next)();
    expect(limiter.inUse).toBe(0);
    await expect(limiter.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('rejects a limit below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});
