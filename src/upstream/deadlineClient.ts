/**
 * The one DeadlineClient of the process and its settings: `createDeadlineClient` builds it (retries, timeouts,
 * concurrency limit, page cache and coalescing, call counting, failure log), and the settings it was built with are
 * looked up per client by `DeadlineUpstream` (deadlineUpstream.ts), readiness and metrics.
 */
import { DeadlineClient } from '@aws-sdk/client-deadline';
import type { PageCache } from '../cache/types.js';
import type { GatewayConfig } from '../config.js';
import type { UpstreamSite } from '../errors/mapUpstreamError.js';
import type { Logger } from '../logging.js';
import { ConcurrencyLimiter, DEFAULT_UPSTREAM_CONCURRENCY } from './concurrencyLimit.js';
import { installFailureLog } from './failureLog.js';
import { LeanRestJsonProtocol } from './leanResponses.js';
import { DEFAULT_OPERATION_TIMEOUT_MS } from './operationDeadline.js';
import { DEFAULT_RETRY_TIMINGS, DeadlineRetryStrategy, type RetryTimings } from './retryStrategy.js';
import { installCallCounter } from './upstreamCalls.js';
import { UpstreamSharing, type UpstreamSharingOptions } from './upstreamSharing.js';

/** How the gateway protects Deadline and itself; every field has a default. */
export interface UpstreamLimits {
  /** Deadline calls in flight at once, for the whole process (default 64); further calls queue (FIFO). */
  maxConcurrency?: number;
  /** Time budget of one GraphQL operation's upstream work (default 10 s); see operationDeadline.ts. */
  operationTimeoutMs?: number;
  /** Backoff constants (tests shorten them); default: the SDK's standard values. */
  retryTimings?: Partial<RetryTimings>;
}

/** What a client was built with, shared by every request that uses it. */
export interface ClientSettings {
  limiter: ConcurrencyLimiter;
  operationTimeoutMs: number;
  /** Page cache and coalescing of this client's calls; none for a client built without them. */
  sharing?: UpstreamSharing;
  /** Where the client sends its calls, and whether error messages may name it (upstreamFailure.ts). */
  site: UpstreamSite;
}

/** The settings of each client built by `createDeadlineClient`. */
const settingsByClient = new WeakMap<DeadlineClient, ClientSettings>();

/** The settings of `client`; the defaults for a client not built by `createDeadlineClient` (a test's own). */
export function settingsOf(client: DeadlineClient): ClientSettings {
  let settings = settingsByClient.get(client);
  if (!settings) {
    settings = {
      limiter: new ConcurrencyLimiter(DEFAULT_UPSTREAM_CONCURRENCY),
      operationTimeoutMs: DEFAULT_OPERATION_TIMEOUT_MS,
      site: { target: {} },
    };
    settingsByClient.set(client, settings);
  }
  return settings;
}

/** The concurrency limiter of a client (read-only use: metrics, tests and diagnostics). */
export function upstreamLimiterOf(client: DeadlineClient): ConcurrencyLimiter {
  return settingsOf(client).limiter;
}

/** The page cache a client's calls go through, if any (read-only use: its figures in the metrics). */
export function pageCacheOf(client: DeadlineClient): PageCache | undefined {
  return settingsOf(client).sharing?.cache;
}

/** Where a client sends its calls, and whether messages to callers may name it (readiness, diagnostics). */
export function upstreamSiteOf(client: DeadlineClient): UpstreamSite {
  return settingsOf(client).site;
}

/**
 * The only place a DeadlineClient is built (besides `resolvedRegion`'s short-lived probe). One client per process,
 * shared by every request: it holds the connection pool, the credentials, the retry quota and the upstream
 * concurrency limit. Its successful outputs are the wire's JSON (timestamps are ISO strings, not `Date`s:
 * leanResponses.ts); its errors are the SDK's.
 *
 * `config.production: false` lets error messages to GraphQL callers and `/readyz` name the endpoint and hosts;
 * unset or true, they never do (no internal addresses in production). `logger` gets one warning per failed call of
 * an operation whose cause is not Deadline's answer (failureLog.ts).
 */
export function createDeadlineClient(
  config: {
    upstream: Pick<GatewayConfig['upstream'], 'maxAttempts' | 'requestTimeoutMs'> &
      Partial<GatewayConfig['upstream']>;
    production?: boolean;
  },
  target: { region: string | undefined; endpoint?: string },
  limits: UpstreamLimits = {},
  sharing?: UpstreamSharingOptions,
  logger?: Logger,
): DeadlineClient {
  quietNodeVersionWarning();
  const maxConcurrency = limits.maxConcurrency ?? DEFAULT_UPSTREAM_CONCURRENCY;
  const limiter = new ConcurrencyLimiter(maxConcurrency);
  // Enough sockets for every slot (the SDK's default pool has 50).
  const agent = { keepAlive: true, maxSockets: Math.max(50, maxConcurrency) };
  const client = new DeadlineClient({
    ...(target.region === undefined ? {} : { region: target.region }),
    maxAttempts: config.upstream.maxAttempts,
    // Successful answers JSON.parse'd as sent, timestamps as ISO strings; errors the SDK's own (leanResponses.ts).
    protocol: LeanRestJsonProtocol,
    // Throttling and 5xx retried with backoff and full jitter, honouring Retry-After, bounded by the deadline.
    retryStrategy: new DeadlineRetryStrategy(config.upstream.maxAttempts, {
      ...DEFAULT_RETRY_TIMINGS,
      ...limits.retryTimings,
    }),
    requestHandler: {
      connectionTimeout: Math.min(config.upstream.requestTimeoutMs, 3000),
      requestTimeout: config.upstream.requestTimeoutMs,
      // Without this the SDK only logs a warning when an attempt exceeds requestTimeout, and a hung
      // attempt waits forever. With it, the attempt fails with TimeoutError and is retried like a 5xx.
      throwOnRequestTimeout: true,
      httpAgent: agent,
      httpsAgent: agent,
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
  const upstreamTarget = { endpoint: target.endpoint, region: target.region };
  if (logger) installFailureLog(client, upstreamTarget, logger);
  settingsByClient.set(client, {
    limiter,
    operationTimeoutMs: limits.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS,
    ...(sharing ? { sharing: new UpstreamSharing(sharing) } : {}),
    site: { target: upstreamTarget, namesTarget: config.production === false },
  });
  return client;
}

/** The region the SDK's own chain resolves when AWS_REGION is unset (shared config, instance metadata). */
export async function resolvedRegion(): Promise<string> {
  quietNodeVersionWarning();
  const probe = new DeadlineClient({});
  try {
    return await probe.config.region();
  } catch {
    throw new Error(
      'DEADLINE_BACKEND=aws needs a region: set AWS_REGION, or a region in the AWS config (AWS_PROFILE).',
    );
  } finally {
    probe.destroy();
  }
}

/**
 * Silences the SDK's multi-line notice, on every start, that its later releases need a newer Node line: the pinned
 * SDK supports the Node lines package.json's `engines` names (docs/development.md), and start-up output stays
 * readable.
 */
function quietNodeVersionWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
