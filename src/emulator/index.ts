/**
 * Embedded AWS Deadline Cloud emulator: a loopback HTTP server speaking the service's restJson1 protocol
 * (API 2023-10-12) over a deterministic demo dataset, so the real `@aws-sdk/client-deadline` works against it:
 *
 *   new DeadlineClient({ endpoint: handle.endpoint, region: 'us-west-2',
 *     credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, disableHostPrefix: true })
 */
import type { AddressInfo } from 'node:net';
import { ClientTokens, DEFAULT_CLIENT_TOKEN_TTL_MS } from './clientTokens.js';
import type { Dataset, SeedSizes } from './dataset.js';
import { assertRate, FaultInjector, type InjectableError, type LostAnswer } from './faultInjection.js';
import { PageTokenCodec } from './pageTokens.js';
import { DEFAULT_READ_ROLE_TTL_MS, ReadRoleCredentials } from './readRoles.js';
import { EMULATOR_CALLER, OPERATIONS } from './routes.js';
import { generateDataset } from './seed.js';
import { CallCounter, createEmulatorServer, InFlightGauge } from './server.js';
import { type LogEvent, SessionLogs } from './sessionLogs.js';
import { DeadlineStore, Paginator } from './store.js';
import { DEFAULT_AGGREGATION_IN_PROGRESS_MS, SessionsStatisticsAggregations } from './usage.js';
import { WorkUpdates } from './workUpdates.js';

export {
  GET_LOG_EVENTS_MAX_BYTES,
  GET_LOG_EVENTS_MAX_LIMIT,
  LOG_EVENT_OVERHEAD_BYTES,
} from './cloudWatchLogs.js';
export type {
  Dataset,
  DependencyStatus,
  FarmRecord,
  FleetRecord,
  JobRecord,
  JobRef,
  QueueRecord,
  SeedSizes,
  SessionActionDefinition,
  SessionActionRecord,
  SessionActionStatus,
  SessionRecord,
  StepLink,
  StepParameter,
  StepRecord,
  StepRef,
  TaskParameterValue,
  TaskRecord,
  WorkerRecord,
  WorkerSessionRef,
} from './dataset.js';
export {
  DEFAULT_SEED_SIZES,
  datasetToJson,
  EDGE_SESSION_COUNTS,
  EDGE_TASK_COUNTS,
  rollUpTaskRunStatus,
  sessionsByWorker,
  TASK_RUN_STATUS_PRECEDENCE,
} from './dataset.js';
export type { InjectableError, LostAnswer } from './faultInjection.js';
export { DEFAULT_READ_ROLE_TTL_MS } from './readRoles.js';
export { EMULATOR_CALLER } from './routes.js';
/** The Search* operations' field-name tables and limits, as data (the filter evaluator stays internal). */
export type { ComparisonOperator, FieldFilterType, SearchField, SearchJobField } from './search.js';
export {
  COMPARISON_OPERATORS,
  SEARCH_DEFAULT_PAGE_SIZE,
  SEARCH_JOB_FIELDS,
  SEARCH_MAX_GROUP_DEPTH,
  SEARCH_MAX_GROUP_FILTERS,
  SEARCH_RESULT_CAP,
  SEARCH_STEP_FIELDS,
  SEARCH_TASK_FIELDS,
  SEARCH_WORKER_FIELDS,
} from './search.js';
export { DATASET_NOW, generateDataset } from './seed.js';
export type { LogEvent } from './sessionLogs.js';
export { LARGE_SESSION_LOG_LINES } from './sessionLogs.js';
export {
  CUSTOMER_MANAGED_HOURLY_RATE_USD,
  HOURLY_RATE_USD,
  USAGE_GROUP_BY_FIELDS,
  USAGE_PERIODS,
  USAGE_STATISTICS,
} from './usage.js';
export { FINISHED_TASK_RUN_STATUSES } from './workUpdates.js';

const logsByDataset = new WeakMap<Dataset, SessionLogs>();

function logsOf(dataset: Dataset): SessionLogs {
  let logs = logsByDataset.get(dataset);
  if (!logs) {
    logs = new SessionLogs(dataset);
    logsByDataset.set(dataset, logs);
  }
  return logs;
}

/**
 * The events GetLogEvents serves for a log group and stream of `dataset` (a session's log: its `log` configuration's
 * group and stream; a worker's: `/aws/deadline/<farmId>/<fleetId>` and its worker ID), in stream order; undefined
 * when there is no such stream. The tests' independent truth for walking the logs through the API. Do not modify.
 */
export function logEventsOf(
  dataset: Dataset,
  group: string,
  stream: string,
): readonly LogEvent[] | undefined {
  return logsOf(dataset).events(group, stream);
}

export interface EmulatorOptions {
  /** Default '127.0.0.1' (loopback only). */
  host?: string;
  /** Default 0 = ephemeral. */
  port?: number;
  /** Dataset seed, default 1. */
  seed?: number;
  sizes?: Partial<SeedSizes>;
  /** Added latency per call, default 0. */
  latencyMs?: number;
  /** 0..1 share of calls answered 429 ThrottlingException, default 0. */
  throttleRate?: number;
  /** 0..1 share of calls answered 500 InternalServerErrorException, default 0. */
  errorRate?: number;
  /** Pagination token lifetime, default 86_400_000 (24 h). */
  tokenTtlMs?: number;
  /** Page size when maxResults is omitted, default 100. */
  defaultMaxResults?: number;
  /** Any call touching these farms → 403 AccessDeniedException. */
  deniedFarmIds?: string[];
  /** Clock, default Date.now. */
  now?: () => number;
  /** How long a usage statistics aggregation stays IN_PROGRESS after its Start, default 200 ms. */
  aggregationInProgressMs?: number;
  /** How long an Update* call's client token is remembered, default 3_600_000 (1 h). */
  clientTokenTtlMs?: number;
  /** Lifetime of AssumeQueueRoleForRead / AssumeFleetRoleForRead credentials, default 900_000 (15 min). */
  readRoleTtlMs?: number;
}

export interface EmulatorHandle {
  /** e.g. 'http://127.0.0.1:41234' */
  readonly endpoint: string;
  readonly port: number;
  /**
   * The live data, in the exact order the List* calls return it: the seed, with the changes the Update* calls made
   * since (records are changed in place). Read it, never write it; copy what a test must compare after a change.
   */
  readonly dataset: Dataset;
  /** Requests received per operation name since start/reset, failed ones included ('UnknownOperation' for no match). */
  calls(): Record<string, number>;
  totalCalls(): number;
  resetCalls(): void;
  /** Requests being served now (read-only gauge). */
  inFlight(): number;
  /** The most requests served at once since start or `resetMaxInFlight()`. */
  maxInFlight(): number;
  resetMaxInFlight(): void;
  setLatency(ms: number): void;
  setFaults(faults: { throttleRate?: number; errorRate?: number }): void;
  /**
   * The next `count` (default 1) calls of `operation` (or of any operation, with '*') fail with `error`. With
   * `only` (path labels of that operation, e.g. `{ jobId }` for ListSessions), only calls whose path carries all
   * those values fail and count down; the others are served as usual.
   */
  failNext(
    operation: string,
    error: InjectableError,
    count?: number,
    only?: Readonly<Record<string, string>>,
  ): void;
  /**
   * The next `count` (default 1) calls of `operation` that succeed are served in full (an Update* call's change is
   * made and its answer kept for its client token), and then the client gets `how` instead of the answer: a 500
   * InternalServerErrorException (default) or a dropped connection. The SDK retries both; a retry with the same
   * client token gets the kept answer and changes nothing again. `only` as for failNext.
   */
  loseNextAnswer(
    operation: string,
    how?: LostAnswer,
    count?: number,
    only?: Readonly<Record<string, string>>,
  ): void;
  /** Moves the emulator clock forward: tokens older than the TTL then fail, client tokens are forgotten. */
  advanceClock(ms: number): void;
  setTokenTtl(ms: number): void;
  /** How long Update* client tokens are remembered from now on. */
  setClientTokenTtl(ms: number): void;
  /** How long usage statistics aggregations started from now on stay IN_PROGRESS. */
  setAggregationInProgressMs(ms: number): void;
  /** The next usage statistics aggregation started ends FAILED or TIMEOUT instead of COMPLETED. */
  failNextAggregation(outcome: 'FAILED' | 'TIMEOUT'): void;
  /** How long read-role credentials issued from now on last. */
  setReadRoleTtl(ms: number): void;
  /** `logEventsOf` on this emulator's live dataset. */
  logEventsOf(group: string, stream: string): readonly LogEvent[] | undefined;
  close(): Promise<void>;
}

/**
 * Catches typos early (a misspelt operation name or label would otherwise never fire): `operation` is served or
 * '*', and `only` names at least one label of its path, each with a non-empty value.
 */
function checkTarget(
  method: string,
  operationName: string,
  only: Readonly<Record<string, string>> | undefined,
): void {
  const operation = OPERATIONS.find((candidate) => candidate.name === operationName);
  if (operationName !== '*' && !operation) {
    throw new RangeError(`${method}: unknown operation '${operationName}'`);
  }
  if (only === undefined) return;
  if (!operation) throw new RangeError(`${method}: \`only\` needs a named operation, not '*'`);
  const labels = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const names = Object.keys(only);
  if (names.length === 0) throw new RangeError(`${method}: \`only\` names no label`);
  for (const name of names) {
    if (!labels.includes(name)) {
      throw new RangeError(
        `${method}: ${operation.name} has no path label '${name}' (it has: ${labels.join(', ') || 'none'})`,
      );
    }
    if (typeof only[name] !== 'string' || only[name] === '') {
      throw new RangeError(`${method}: label '${name}' needs a non-empty string value`);
    }
  }
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a number ≥ 0, got ${String(value)}`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const seed = options.seed ?? 1;
  let latencyMs = options.latencyMs ?? 0;
  let tokenTtlMs = options.tokenTtlMs ?? 86_400_000;
  const defaultMaxResults = options.defaultMaxResults ?? 100;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError(`port must be 0–65535, got ${port}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  assertNonNegative('latencyMs', latencyMs);
  assertNonNegative('tokenTtlMs', tokenTtlMs);
  const aggregationInProgressMs = options.aggregationInProgressMs ?? DEFAULT_AGGREGATION_IN_PROGRESS_MS;
  assertNonNegative('aggregationInProgressMs', aggregationInProgressMs);
  assertRate('throttleRate', options.throttleRate ?? 0);
  assertRate('errorRate', options.errorRate ?? 0);
  if (!Number.isInteger(defaultMaxResults) || defaultMaxResults < 1 || defaultMaxResults > 100) {
    throw new RangeError(`defaultMaxResults must be an integer 1–100, got ${defaultMaxResults}`);
  }

  const baseClock = options.now ?? Date.now;
  let clockOffsetMs = 0;
  const clock = () => baseClock() + clockOffsetMs;

  const dataset = generateDataset(seed, options.sizes);
  const store = new DeadlineStore(dataset);
  const clientTokens = new ClientTokens(clock, options.clientTokenTtlMs ?? DEFAULT_CLIENT_TOKEN_TTL_MS);
  assertNonNegative('clientTokenTtlMs', clientTokens.ttlMs);
  const updates = new WorkUpdates(store, { principal: EMULATOR_CALLER, now: clock });
  const paginator = new Paginator(new PageTokenCodec(clock, () => tokenTtlMs), () => defaultMaxResults);
  const usage = new SessionsStatisticsAggregations(store, clock, aggregationInProgressMs);
  const faults = new FaultInjector(seed, {
    throttleRate: options.throttleRate ?? 0,
    errorRate: options.errorRate ?? 0,
  });
  const readRoleTtlMs = options.readRoleTtlMs ?? DEFAULT_READ_ROLE_TTL_MS;
  assertNonNegative('readRoleTtlMs', readRoleTtlMs);
  const readRoles = new ReadRoleCredentials(clock, readRoleTtlMs);
  const calls = new CallCounter();
  const inFlight = new InFlightGauge();
  const server = createEmulatorServer({
    inFlight,
    context: {
      store,
      paginator,
      deniedFarmIds: new Set(options.deniedFarmIds ?? []),
      usage,
      updates,
      clientTokens,
      readRoles,
    },
    logs: { readRoles, logs: logsOf(dataset), now: clock },
    faults,
    calls,
    latencyMs: () => latencyMs,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    endpoint: `http://${urlHost}:${address.port}`,
    port: address.port,
    dataset,
    calls: () => calls.snapshot(),
    totalCalls: () => calls.total(),
    resetCalls: () => calls.reset(),
    inFlight: () => inFlight.now(),
    maxInFlight: () => inFlight.max(),
    resetMaxInFlight: () => inFlight.resetMax(),
    setLatency(ms) {
      assertNonNegative('latencyMs', ms);
      latencyMs = ms;
    },
    setFaults: (rates) => faults.setRates(rates),
    failNext(operation, error, count, only) {
      checkTarget('failNext', operation, only);
      faults.failNext(operation, error, count, only === undefined ? undefined : { ...only });
    },
    loseNextAnswer(operation, how = 'InternalServerErrorException', count, only) {
      checkTarget('loseNextAnswer', operation, only);
      faults.loseNextAnswer(operation, how, count, only === undefined ? undefined : { ...only });
    },
    advanceClock(ms) {
      assertNonNegative('advanceClock ms', ms);
      clockOffsetMs += ms;
    },
    setTokenTtl(ms) {
      assertNonNegative('tokenTtlMs', ms);
      tokenTtlMs = ms;
    },
    setClientTokenTtl(ms) {
      assertNonNegative('clientTokenTtlMs', ms);
      clientTokens.ttlMs = ms;
    },
    setAggregationInProgressMs(ms) {
      assertNonNegative('aggregationInProgressMs', ms);
      usage.inProgressMs = ms;
    },
    failNextAggregation: (outcome) => usage.failNext(outcome),
    setReadRoleTtl(ms) {
      assertNonNegative('readRoleTtlMs', ms);
      readRoles.ttlMs = ms;
    },
    logEventsOf: (group, stream) => logsOf(dataset).events(group, stream),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
