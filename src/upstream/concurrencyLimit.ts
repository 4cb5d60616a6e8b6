/** The process-wide limit on Deadline calls in flight: its default, and the semaphore that enforces it. */

/**
 * Deadline calls in flight at once for the whole process, unless UPSTREAM_MAX_CONCURRENCY says otherwise. One
 * dependent round of a typical dashboard (50 jobs' session pages plus their details, 51 calls) fits in one wave, so
 * its wall time is one upstream latency, not two. Deadline's per-API rate quotas are not published; throttling is
 * retried with backoff (retryStrategy.ts), and the page cache keeps steady polling far below this. Lower it when an
 * account's quotas are tight.
 */
export const DEFAULT_UPSTREAM_CONCURRENCY = 64;

/**
 * A FIFO counting semaphore: at most `limit` holders at once, waiters served in arrival order. The one instance
 * per DeadlineClient bounds the Deadline calls of the whole process, so one large query cannot start hundreds of
 * calls at once (and other requests keep their turn in the queue).
 */
export class ConcurrencyLimiter {
  private active = 0;
  private peak = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`The concurrency limit must be an integer ≥ 1, got ${String(limit)}`);
    }
  }

  /** Holders now. */
  get inUse(): number {
    return this.active;
  }

  /** Waiters now. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Most holders at once since start. */
  get maxInUse(): number {
    return this.peak;
  }

  /**
   * Resolves with a release function once a slot is free; rejects with the signal's reason if it aborts first
   * (the waiter then leaves the queue). Call the release function exactly once (extra calls are ignored).
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.take();
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(signal?.reason);
      };
      // Called by `release` with the slot already handed over (active unchanged).
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(this.releaser());
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): void {
    this.active += 1;
    if (this.active > this.peak) this.peak = this.active;
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active -= 1;
    };
  }
}
