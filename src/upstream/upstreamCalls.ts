import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { retryScopeFor } from './retryStrategy.js';

/**
 * Counts the Deadline calls each GraphQL request makes, by operation, through SDK middleware. A request's tally
 * reaches the middleware through the call's AbortSignal (below), because the one DeadlineClient is shared by all
 * requests.
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

/** What the SDK middleware needs to know about one Deadline call: whose tally it counts in, its deadline. */
export interface CallContext {
  tally: UpstreamCallTally;
  /** The operation deadline (epoch ms), bounding the call's retries (retryStrategy.ts). */
  deadlineAt: number;
}

/**
 * The context of each call, keyed by the call's own AbortSignal: DeadlineUpstream gives every call a signal of its
 * own, and the SDK puts the signal a call was sent with into that call's handler context. No AsyncLocalStorage:
 * on Node 20 its promise hooks slow down every promise of the process.
 */
const callContexts = new WeakMap<AbortSignal, CallContext>();

/** Registers the context of the call that will be sent with `signal`. */
export function bindCallContext(signal: AbortSignal, context: CallContext): void {
  callContexts.set(signal, context);
}

/** Where the SDK keeps the options a call was sent with (`SMITHY_CONTEXT_KEY` of @smithy/types). */
const SMITHY_CONTEXT_KEY = '__smithy_context';

/** The context of the call an SDK handler context belongs to; undefined for calls outside an operation (probes). */
export function callContextOf(handlerContext: object): CallContext | undefined {
  const smithy = (handlerContext as { [SMITHY_CONTEXT_KEY]?: { abortSignal?: AbortSignal } })[
    SMITHY_CONTEXT_KEY
  ];
  const signal = smithy?.abortSignal;
  return signal && callContexts.get(signal);
}

/** Installs the counting middleware on the client (once, when the client is built). */
export function installCallCounter(client: DeadlineClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = callContextOf(context);
      if (call && context.commandName) {
        const operation = context.commandName.replace(/Command$/, '');
        call.tally.calls[operation] = (call.tally.calls[operation] ?? 0) + 1;
        // The retry middleware asks the retry strategy for its first token with this scope: the call's deadline.
        (context as { partition_id?: string }).partition_id = retryScopeFor(call.deadlineAt);
      }
      return next(args);
    },
    { step: 'initialize', name: 'deadlineGraphqlCallCounter', override: true },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const call = callContextOf(context);
      if (call) call.tally.attempts += 1;
      return next(args);
    },
    // `finalizeRequest` middleware added at normal priority runs inside the retry middleware: once per attempt.
    { step: 'finalizeRequest', name: 'deadlineGraphqlAttemptCounter', override: true },
  );
}
