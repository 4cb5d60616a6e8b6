import { AsyncLocalStorage } from 'node:async_hooks';
import type { DeadlineClient } from '@aws-sdk/client-deadline';

/**
 * Counts the Deadline calls each GraphQL request makes, by operation, through SDK middleware. A request's tally is
 * carried to the middleware with AsyncLocalStorage, because the one DeadlineClient is shared by all requests.
 * Tests read the tally (the N+1 guard) and every response reports it in `extensions.upstream`.
 */
export class UpstreamCallTally {
  /** Logical calls per operation (one per `client.send`, whatever the retries). */
  readonly calls: Record<string, number> = {};
  /** HTTP attempts, retries included: what Deadline's throttling sees. */
  attempts = 0;
  /** Calls answered by the cross-request page cache (no Deadline call; src/upstream/upstreamSharing.ts). */
  cacheHits = 0;
  /** Calls that joined an identical call another request had in flight (no Deadline call of their own). */
  coalesced = 0;

  get total(): number {
    return Object.values(this.calls).reduce((sum, n) => sum + n, 0);
  }

  toJSON(): {
    calls: number;
    attempts: number;
    byOperation: Record<string, number>;
    cacheHits: number;
    coalesced: number;
  } {
    const byOperation = Object.fromEntries(Object.entries(this.calls).sort(([a], [b]) => a.localeCompare(b)));
    return {
      calls: this.total,
      attempts: this.attempts,
      byOperation,
      cacheHits: this.cacheHits,
      coalesced: this.coalesced,
    };
  }
}

const currentTally = new AsyncLocalStorage<UpstreamCallTally>();

/** Runs `call` so that the SDK calls it makes are counted in `tally`. */
export function countCallsIn<T>(tally: UpstreamCallTally, call: () => Promise<T>): Promise<T> {
  return currentTally.run(tally, call);
}

/** Installs the counting middleware on the client (once, when the client is built). */
export function installCallCounter(client: DeadlineClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const tally = currentTally.getStore();
      if (tally && context.commandName) {
        const operation = context.commandName.replace(/Command$/, '');
        tally.calls[operation] = (tally.calls[operation] ?? 0) + 1;
      }
      return next(args);
    },
    { step: 'initialize', name: 'deadlineGraphqlCallCounter', override: true },
  );
  client.middlewareStack.add(
    (next) => async (args) => {
      const tally = currentTally.getStore();
      if (tally) tally.attempts += 1;
      return next(args);
    },
    // `finalizeRequest` middleware added at normal priority runs inside the retry middleware: once per attempt.
    { step: 'finalizeRequest', name: 'deadlineGraphqlAttemptCounter', override: true },
  );
}
