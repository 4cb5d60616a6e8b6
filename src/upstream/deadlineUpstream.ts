/**
 * `DeadlineUpstream`: what loaders use to reach Deadline in one GraphQL request, over the process's one
 * DeadlineClient (deadlineClient.ts) and its settings: page cache, coalescing, concurrency limit, time budget.
 */
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { mapUpstreamError, type UpstreamCallInfo } from '../errors/mapUpstreamError.js';
import { type ClientSettings, settingsOf } from './deadlineClient.js';
import { type DeadlineStage, OperationDeadlineError } from './operationDeadline.js';
import { bindCallContext, type UpstreamCallTally } from './upstreamCalls.js';
import {
  type FarmGenerationsSeen,
  isCacheable,
  type SharedCall,
  type SharedRequest,
  type UpstreamSharing,
} from './upstreamSharing.js';

/** Operations an endpoint turned out not to support, per client (see loaders/batchFallback.ts). */
const unsupportedByClient = new WeakMap<DeadlineClient, Set<string>>();

/**
 * What loaders use to reach Deadline in one GraphQL request: counts the calls in the request's tally, maps
 * failures to GraphQL errors in one place, and schedules the request's batches.
 *
 * Batch scheduling: a DataLoader batch is dispatched when none of the request's upstream calls is in flight
 * (`whenIdle`), not at the next tick. Calls answered at different times (the sessions of two jobs) then feed one
 * batch (one BatchGetWorker for the workers of both) instead of one batch each: the request's dependent rounds stay
 * the same, and the number of calls drops to what Deadline's 100-item batches allow.
 */
export class DeadlineUpstream {
  private inFlight = 0;
  private waiting: Array<() => void> = [];
  private flushScheduled = false;
  private abandoned = false;
  private readonly controllers = new Set<AbortController>();
  private readonly settings: ClientSettings;
  /** The farm generations this request read (shared ones: once per farm, again after an eviction here). */
  private readonly generations: FarmGenerationsSeen = new Map();
  /** The operation's time budget (ms), and the absolute time (epoch ms) when it runs out. */
  readonly budgetMs: number;
  readonly deadlineAt: number;

  /** `operationTimeoutMs`: the operation's budget, counted from now; default: the client's (DEFAULT_OPERATION_TIMEOUT_MS). */
  constructor(
    readonly client: DeadlineClient,
    readonly tally: UpstreamCallTally,
    options: { operationTimeoutMs?: number } = {},
  ) {
    this.settings = settingsOf(client);
    this.budgetMs = options.operationTimeoutMs ?? this.settings.operationTimeoutMs;
    this.deadlineAt = Date.now() + this.budgetMs;
  }

  /** Operations this client's endpoint does not support; shared by every request of the client. */
  get unsupportedOperations(): Set<string> {
    let set = unsupportedByClient.get(this.client);
    if (!set) {
      set = new Set();
      unsupportedByClient.set(this.client, set);
    }
    return set;
  }

  /**
   * One Deadline call: `send` receives the client to send its command with. The command is answered from the page
   * cache when it holds it; joins an identical call in flight (coalescing); otherwise waits for a slot of the
   * process-wide concurrency limit, then sends, with retries, all bounded by the operation's deadline. A call
   * waiting for a slot counts as in flight (for `whenIdle`).
   */
  async call<T>(info: UpstreamCallInfo, send: (client: DeadlineClient) => Promise<T>): Promise<T> {
    this.inFlight += 1;
    const budgetMs = this.budgetMs;
    const controller = new AbortController();
    const progress: { stage: DeadlineStage } = { stage: 'before' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const remaining = this.deadlineAt - Date.now();
      if (this.abandoned) throw new OperationDeadlineError(info.operation, 'abandoned', budgetMs);
      if (remaining <= 0) throw new OperationDeadlineError(info.operation, 'before', budgetMs);
      this.controllers.add(controller);
      timer = setTimeout(
        () => controller.abort(new OperationDeadlineError(info.operation, progress.stage, budgetMs)),
        remaining,
      );
      return await send(this.clientFor(info.operation, controller.signal, progress));
    } catch (error) {
      const site = this.settings.site;
      if (error instanceof OperationDeadlineError) throw mapUpstreamError(error, info, site);
      if (controller.signal.aborted) {
        const reason: unknown = controller.signal.reason;
        const stageAtAbort = reason instanceof OperationDeadlineError ? reason.stage : progress.stage;
        throw mapUpstreamError(
          new OperationDeadlineError(info.operation, stageAtAbort, budgetMs),
          info,
          site,
        );
      }
      throw mapUpstreamError(error, info, site);
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
      this.inFlight -= 1;
      if (this.inFlight === 0) this.scheduleFlush();
    }
  }

  /** The client a `send` callback receives: the shared client, whose `send` goes through `sendShared`. */
  private clientFor(
    operation: string,
    signal: AbortSignal,
    progress: { stage: DeadlineStage },
  ): DeadlineClient {
    const send = ((command: SdkCommand, options?: object) =>
      this.sendShared(
        operation,
        command,
        { ...options, abortSignal: signal },
        progress,
      )) as DeadlineClient['send'];
    return Object.create(this.client, { send: { value: send } }) as DeadlineClient;
  }

  private async sendShared(
    operation: string,
    command: SdkCommand,
    options: { abortSignal: AbortSignal },
    progress: { stage: DeadlineStage },
  ): Promise<unknown> {
    const sharing = this.settings.sharing;
    const shareable = sharing?.requestOf(command);
    if (!sharing || !shareable) return this.sendNow(operation, command, options, progress);
    // Waiting on the cache or on another request's call is waiting for Deadline's answer.
    progress.stage = 'call';
    // The key under the farms' generations: entries stored and calls started before an eviction do not match.
    const keyed = sharing.keyOf(shareable, this.generations);
    const key = typeof keyed === 'string' ? keyed : await raceAbort(keyed, options.abortSignal);
    const request = key === shareable.key ? shareable : { ...shareable, key };
    if (request.ttlMs > 0 && sharing.cache) {
      const cached = await raceAbort(sharing.cache.get(request.key), options.abortSignal);
      if (cached !== undefined) {
        this.tally.cacheHits += 1;
        return cached;
      }
    }
    // Join an identical call in flight. When it fails for a reason of its owner's (cancelled, or cut short by a
    // time budget shorter than ours), make the call again — joining whichever request makes it first, so the
    // followers of a cut call still share one call — a bounded number of times.
    for (let joined = 0; sharing.coalesce && joined < MAX_JOINS; joined++) {
      const leader = sharing.inFlight.get(request.key);
      if (!leader) break;
      this.tally.coalesced += 1;
      try {
        return await raceAbort(leader.promise, options.abortSignal);
      } catch (error) {
        if (options.abortSignal.aborted || !failedForItsOwner(leader, error, this.deadlineAt)) throw error;
        this.tally.coalesced -= 1;
      }
    }
    return this.sendAndShare(sharing, request, operation, command, options, progress);
  }

  private sendAndShare(
    sharing: UpstreamSharing,
    request: SharedRequest,
    operation: string,
    command: SdkCommand,
    options: { abortSignal: AbortSignal },
    progress: { stage: DeadlineStage },
  ): Promise<unknown> {
    const promise = this.sendNow(operation, command, options, progress).then((output) => {
      if (request.ttlMs > 0 && isCacheable(output))
        sharing.cache?.set(request.key, output as object, request.ttlMs);
      return output;
    });
    if (sharing.coalesce) {
      const entry: SharedCall = { promise, signal: options.abortSignal, deadlineAt: this.deadlineAt };
      sharing.inFlight.set(request.key, entry);
      const forget = () => {
        if (sharing.inFlight.get(request.key) === entry) sharing.inFlight.delete(request.key);
      };
      promise.then(forget, forget);
    }
    return promise;
  }

  /** The Deadline call itself: a slot of the concurrency limit, then the SDK (retries inside), counted. */
  private async sendNow(
    operation: string,
    command: SdkCommand,
    options: { abortSignal: AbortSignal },
    progress: { stage: DeadlineStage },
  ): Promise<unknown> {
    progress.stage = 'queue';
    const release = await this.settings.limiter.acquire(options.abortSignal);
    try {
      // A slot freed by a call the deadline just cut goes to the next waiter before that waiter's own timer fires.
      if (Date.now() >= this.deadlineAt) throw new OperationDeadlineError(operation, 'queue', this.budgetMs);
      progress.stage = 'call';
      bindCallContext(options.abortSignal, { tally: this.tally, deadlineAt: this.deadlineAt });
      return await this.client.send(command, options);
    } finally {
      release();
    }
  }

  /**
   * After a mutation on `farmId` (whether it succeeded or not: a failed or timed-out write may have been applied):
   * this request's later calls, and every request that starts once this resolved, on any replica, read the farm
   * afresh (`UpstreamSharing.evictFarm`). Never rejects. This request's loaders keep what they already loaded:
   * clear them too before reading back what was written.
   */
  async evictFarm(farmId: string): Promise<void> {
    await this.settings.sharing?.evictFarm(farmId);
  }

  /**
   * The operation's response has been sent: cancel the calls still in flight or queued (left behind by a sibling
   * that failed early) so they free their slots, and refuse new ones.
   */
  abandon(): void {
    this.abandoned = true;
    for (const controller of this.controllers) {
      controller.abort(new OperationDeadlineError('the call', 'abandoned', this.budgetMs));
    }
    this.controllers.clear();
  }

  /** DataLoader `batchScheduleFn`: runs `dispatch` once the request has no upstream call in flight. */
  readonly whenIdle = (dispatch: () => void): void => {
    this.waiting.push(dispatch);
    this.scheduleFlush();
  };

  private scheduleFlush(): void {
    if (this.flushScheduled || this.waiting.length === 0) return;
    this.flushScheduled = true;
    // setImmediate runs after the promise jobs of answered calls, so the resolvers they unblock have queued their
    // loads by then.
    setImmediate(() => {
      this.flushScheduled = false;
      if (this.inFlight > 0) return; // the last call in flight schedules the flush when it ends
      const batches = this.waiting;
      this.waiting = [];
      for (const dispatch of batches) dispatch();
    });
  }
}

/** How many failed calls of others a request joins before it makes the call itself. */
const MAX_JOINS = 3;

/**
 * Whether a joined call failed for a reason of its owner's, not Deadline's answer to the request: its owner
 * cancelled it, or it ran into its owner's time budget (a deadline, or a retry the budget refused after throttling
 * or a server error) while this request's budget runs longer.
 */
function failedForItsOwner(leader: SharedCall, error: unknown, deadlineAt: number): boolean {
  if (leader.signal.aborted) return true;
  if (deadlineAt <= leader.deadlineAt) return false;
  if (error instanceof OperationDeadlineError) return true;
  const { $retryable, $metadata, name } = (error ?? {}) as {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    name?: string;
  };
  const status = $metadata?.httpStatusCode ?? 0;
  return $retryable !== undefined || status === 429 || status >= 500 || name === 'TimeoutError';
}

/** A Deadline command as `DeadlineClient.send` takes it. */
type SdkCommand = Parameters<DeadlineClient['send']>[0];

/** `promise`, or the signal's reason as soon as `signal` aborts (the promise itself runs on). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
