import { DeadlineClient } from '@aws-sdk/client-deadline';
import type { GatewayConfig } from '../config.js';
import { mapUpstreamError, type UpstreamCallInfo } from '../errors/mapUpstreamError.js';
import { countCallsIn, installCallCounter, type UpstreamCallTally } from './upstreamCalls.js';

/** Operations an endpoint turned out not to support, per client (see loaders/batchFallback.ts). */
const unsupportedByClient = new WeakMap<DeadlineClient, Set<string>>();

/**
 * The only place a DeadlineClient is built. One client per process, shared by every request: it holds the
 * connection pool, the credentials and the retry token bucket.
 */
export function createDeadlineClient(
  config: Pick<GatewayConfig, 'upstream'>,
  target: { region: string | undefined; endpoint?: string },
): DeadlineClient {
  // The SDK warns (multi-line, on every start) that its releases after January 2027 need Node 22. This project pins
  // @aws-sdk/client-deadline 3.1107.0, which supports Node 20; the README says so. Keep start-up output readable.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = new DeadlineClient({
    ...(target.region === undefined ? {} : { region: target.region }),
    maxAttempts: config.upstream.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: Math.min(config.upstream.requestTimeoutMs, 3000),
      requestTimeout: config.upstream.requestTimeoutMs,
    },
    ...(target.endpoint === undefined
      ? {}
      : {
          endpoint: target.endpoint,
          // Deadline operations carry the host prefix `management.`; a custom endpoint must be used as is.
          disableHostPrefix: true,
          // Emulators and test doubles accept any SigV4 signature: no need to look for real credentials.
          credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
        }),
  });
  installCallCounter(client);
  return client;
}

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

  constructor(
    readonly client: DeadlineClient,
    readonly tally: UpstreamCallTally,
  ) {}

  /** Operations this client's endpoint does not support; shared by every request of the client. */
  get unsupportedOperations(): Set<string> {
    let set = unsupportedByClient.get(this.client);
    if (!set) {
      set = new Set();
      unsupportedByClient.set(this.client, set);
    }
    return set;
  }

  async call<T>(info: UpstreamCallInfo, send: (client: DeadlineClient) => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await countCallsIn(this.tally, () => send(this.client));
    } catch (error) {
      throw mapUpstreamError(error, info);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) this.scheduleFlush();
    }
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
