import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as Sdk from '@aws-sdk/client-deadline';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DATASET_NOW,
  type EmulatorHandle,
  type InjectableError,
  startEmulator,
} from '../../src/emulator/index.js';
import { mapUpstreamError } from '../../src/errors/mapUpstreamError.js';
import {
  ENTITY_TYPES,
  type EntityType,
  keyOf,
  keyUnder,
  type ParentKey,
  parentTypeOf,
} from '../../src/ids/keys.js';
import { commandOf } from '../../src/loaders/entityLoader.js';
import {
  ENTITIES,
  type EntityDefinition,
  type OperationName,
  operationsOf,
} from '../../src/model/entities.js';
import { Fleet } from '../../src/resolvers/Fleet.js';
import { Job } from '../../src/resolvers/Job.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import { LeanRestJsonProtocol } from '../../src/upstream/leanResponses.js';

/**
 * The lean response path (src/upstream/leanResponses.ts) against the SDK's documented one: two clients built by
 * `createDeadlineClient` over one emulator, the second given back the SDK's own `AwsRestJsonProtocol`. For every
 * operation the gateway calls, over the emulator's whole demo dataset (every farm, queue, fleet, job, session and
 * worker; every page; BatchGet with missing keys), the outputs are equal once timestamps are compared as instants;
 * unknown enum values come from a loopback server with canned answers. Failures (400, 404, 409, 429 with and
 * without Retry-After, 500, a non-JSON 502, truncated bodies) give the same error, status, attempts and the
 * gateway's mapped error on both. Nothing leaves loopback.
 */

type Client = Sdk.DeadlineClient;
type Output = Record<string, unknown> & { $metadata: Record<string, unknown> };

interface Pair {
  lean: Client;
  sdk: Client;
}

const RETRY_TIMINGS = { baseDelayMs: 1, throttlingBaseDelayMs: 1, maxDelayMs: 3000, minAttemptMs: 1 };
const MAX_ATTEMPTS = 3;

/** A gateway client (lean), and the same client given back the SDK's own protocol. */
function clientsOf(endpoint: string): Pair {
  const build = () =>
    createDeadlineClient(
      { upstream: { maxAttempts: MAX_ATTEMPTS, requestTimeoutMs: 5000 } },
      { region: 'us-west-2', endpoint },
      { retryTimings: RETRY_TIMINGS },
    );
  const lean = build();
  const sdk = build();
  const config = sdk.config as unknown as {
    protocol: unknown;
    protocolSettings: ConstructorParameters<typeof AwsRestJsonProtocol>[0];
  };
  // The client set its protocol's serde context (disableHostPrefix, stream collector…) once, when it was built.
  const protocol = new AwsRestJsonProtocol(config.protocolSettings);
  protocol.setSerdeContext(sdk.config as never);
  config.protocol = protocol;
  expect(lean.config.protocol).toBeInstanceOf(LeanRestJsonProtocol);
  expect(sdk.config.protocol).not.toBeInstanceOf(LeanRestJsonProtocol);
  return { lean, sdk };
}

function send(client: Client, operation: OperationName, input: object): Promise<Output> {
  return client.send(commandOf(operation, input)) as Promise<unknown> as Promise<Output>;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** Whether a lean output holds no Date anywhere (it is the wire's JSON). */
function hasDate(value: unknown): boolean {
  if (value instanceof Date) return true;
  if (Array.isArray(value)) return value.some(hasDate);
  return isObject(value) && Object.values(value).some(hasDate);
}

/**
 * Both outputs with timestamps as `toISOString()` instants: the SDK's Dates, and the lean side's strings where the
 * SDK has a Date (`new Date(s).toISOString()`); a request ID becomes its presence.
 */
function normalized(sdk: unknown, lean: unknown, key = ''): [unknown, unknown] {
  if (sdk instanceof Date) {
    expect(typeof lean, `${key}: the lean path's timestamp is the wire's string`).toBe('string');
    return [sdk.toISOString(), new Date(lean as string).toISOString()];
  }
  if (key === 'requestId' && typeof sdk === 'string' && typeof lean === 'string') return ['<id>', '<id>'];
  if (Array.isArray(sdk) && Array.isArray(lean) && sdk.length === lean.length) {
    const pairs = sdk.map((item, index) => normalized(item, lean[index], key));
    return [pairs.map(([s]) => s), pairs.map(([, l]) => l)];
  }
  if (isObject(sdk) && isObject(lean)) {
    const s: Record<string, unknown> = {};
    const l: Record<string, unknown> = {};
    for (const member of new Set([...Object.keys(sdk), ...Object.keys(lean)])) {
      const [a, b] = normalized(sdk[member], lean[member], member);
      if (member in sdk) s[member] = a;
      if (member in lean) l[member] = b;
    }
    return [s, l];
  }
  return [sdk, lean];
}

/** Sends one call on both clients and expects equal outputs; returns the lean one. */
async function expectSameOutput(pair: Pair, operation: OperationName, input: object): Promise<Output> {
  const [lean, sdk] = await Promise.all([
    send(pair.lean, operation, input),
    send(pair.sdk, operation, input),
  ]);
  expect(hasDate(lean), `${operation}: no Date on the lean path`).toBe(false);
  const [s, l] = normalized(sdk, lean);
  expect(l, `${operation} ${JSON.stringify(input)}`).toStrictEqual(s);
  return lean;
}

/** Runs `task` over `items`, `width` at a time. */
async function eachLimited<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await task(item);
      }
    }),
  );
}

/** The same ID of another resource of the type: the pattern holds, nothing has it. */
/** An ID of the same kind that names nothing: its 32 hex digits replaced (a task's or action's number kept). */
const missingId = (id: string) => id.replace(/[0-9a-f]{32}/, 'e'.repeat(32));

describe("successful answers: the lean path gives the SDK path's outputs on the whole demo dataset", () => {
  let emulator: EmulatorHandle;
  let pair: Pair;
  const keys = new Map<EntityType, object[]>();
  const called = new Set<OperationName>();

  beforeAll(async () => {
    // A fixed clock: page tokens carry their issue time, so both clients get the same tokens.
    emulator = await startEmulator({ now: () => DATASET_NOW });
    pair = clientsOf(emulator.endpoint);
  });
  afterAll(async () => {
    pair.lean.destroy();
    pair.sdk.destroy();
    await emulator.close();
  });

  it('List*: every page under every parent (100 a page, and 3 a page under the first parent)', async () => {
    let pages = 0;
    let emptyPages = 0;
    for (const type of ENTITY_TYPES) {
      const parentType = parentTypeOf(type);
      const parents = parentType === undefined ? [{}] : (keys.get(parentType) ?? []);
      const { operation, items } = ENTITIES[type].list;
      const found: object[] = [];
      for (const [index, parent] of parents.entries()) {
        for (const maxResults of index === 0 ? [100, 3] : [100]) {
          let nextToken: string | undefined;
          do {
            const output = await expectSameOutput(pair, operation, { ...parent, maxResults, nextToken });
            const page = output[items] as object[];
            pages += 1;
            if (page.length === 0) emptyPages += 1;
            if (maxResults === 100) {
              for (const item of page) found.push(keyUnder(type, parent as ParentKey<typeof type>, item));
            }
            nextToken = output.nextToken as string | undefined;
          } while (nextToken !== undefined);
        }
      }
      called.add(operation);
      keys.set(type, found);
    }
    const dataset = emulator.dataset;
    const count = (map: ReadonlyMap<string, readonly unknown[]>) =>
      [...map.values()].reduce((sum, list) => sum + list.length, 0);
    expect(keys.get('Farm')).toHaveLength(dataset.farms.length);
    expect(keys.get('Queue')).toHaveLength(count(dataset.queues));
    expect(keys.get('Job')).toHaveLength(count(dataset.jobs));
    expect(keys.get('Session')).toHaveLength(count(dataset.sessions));
    expect(keys.get('Fleet')).toHaveLength(count(dataset.fleets));
    expect(keys.get('Worker')).toHaveLength(count(dataset.workers));
    expect(emptyPages).toBeGreaterThan(0); // the job with no sessions
    expect(pages).toBeGreaterThan(100);
  }, 120_000);

  it('Get*: every farm, queue, fleet, job, session and worker', async () => {
    for (const type of ENTITY_TYPES) {
      const operation = ENTITIES[type].get;
      await eachLimited(keys.get(type) ?? [], 8, async (key) => {
        await expectSameOutput(pair, operation, key);
      });
      called.add(operation);
    }
  }, 240_000);

  it('BatchGet*: every item in batches of 100, and per-item errors for missing keys', async () => {
    let itemErrors = 0;
    for (const type of ENTITY_TYPES) {
      const batchGet = ENTITIES[type].batchGet;
      if (batchGet === null) continue;
      const all = (keys.get(type) ?? []).map((key) => keyOf(type, key) as Record<string, string>);
      for (let start = 0; start < all.length; start += 100) {
        const identifiers = all.slice(start, start + 100);
        const output = await expectSameOutput(pair, batchGet.operation, { identifiers });
        expect(output[batchGet.items]).toHaveLength(identifiers.length);
      }
      // Missing: the item itself, and an item under a missing parent; next to two that exist.
      const [first, second] = all as [Record<string, string>, Record<string, string>];
      const parts = ENTITIES[type].key;
      const own = parts[parts.length - 1] as string;
      const parentPart = parts[parts.length - 2] as string;
      const identifiers = [
        first,
        { ...first, [own]: missingId(first[own] as string) },
        { ...second, [parentPart]: missingId(second[parentPart] as string) },
        second,
      ];
      const output = await expectSameOutput(pair, batchGet.operation, { identifiers });
      expect(output[batchGet.items]).toHaveLength(2);
      itemErrors += (output.errors as unknown[]).length;
      called.add(batchGet.operation);
    }
    const batched = ENTITY_TYPES.filter((type) => ENTITIES[type].batchGet !== null);
    expect(itemErrors).toBe(2 * batched.length);
  }, 120_000);

  it("other lists and links: every page under the first 40 owners of each (a worker's sessions, a step's links…)", async () => {
    const walk = async (operation: OperationName, input: object, items: string) => {
      let nextToken: string | undefined;
      let count = 0;
      do {
        const output = await expectSameOutput(pair, operation, { ...input, maxResults: 100, nextToken });
        count += (output[items] as unknown[]).length;
        nextToken = output.nextToken as string | undefined;
      } while (nextToken !== undefined);
      called.add(operation);
      return count;
    };
    let listed = 0;
    for (const type of ENTITY_TYPES) {
      const entry = ENTITIES[type] as EntityDefinition;
      for (const { owner, operation, items, input } of entry.alsoListed) {
        for (const key of (keys.get(owner as EntityType) ?? []).slice(0, 40)) {
          const ownerKey = key as Record<string, string>;
          listed += await walk(
            operation,
            Object.fromEntries(input.map((part) => [part, ownerKey[part]])),
            items,
          );
        }
      }
      for (const { operation, items } of entry.links) {
        for (const key of (keys.get(type) ?? []).slice(0, 40)) listed += await walk(operation, key, items);
      }
      // Searches: every page of each farm's queues or fleets (up to 10), by offset; each operation once.
      for (const { operation, items, scope } of entry.search) {
        if (called.has(operation)) continue;
        const [resource, part] =
          scope.ids === 'queueIds' ? (['Queue', 'queueId'] as const) : (['Fleet', 'fleetId'] as const);
        for (const farm of keys.get('Farm') ?? []) {
          const farmId = (farm as { farmId: string }).farmId;
          const ids = (keys.get(resource) ?? [])
            .map((key) => key as Record<string, string>)
            .filter((key) => key.farmId === farmId)
            .slice(0, 10)
            .map((key) => key[part]);
          if (ids.length === 0) continue;
          for (let itemOffset = 0; ; ) {
            const output = await expectSameOutput(pair, operation, {
              farmId,
              [scope.ids]: ids,
              itemOffset,
              pageSize: 100,
            });
            listed += (output[items] as unknown[]).length;
            if (typeof output.nextItemOffset !== 'number' || itemOffset >= 9_900) break;
            itemOffset = output.nextItemOffset;
          }
        }
        called.add(operation);
      }
    }
    expect(listed).toBeGreaterThan(0);
  }, 120_000);

  it('covered every operation the registry names', () => {
    const expected = new Set(
      Object.values(ENTITIES).flatMap((entry) => operationsOf(entry as EntityDefinition)),
    );
    expect([...called].sort()).toEqual([...expected].sort());
  });
});

/** A loopback HTTP server whose answer each test sets; it counts the requests it gets. */
interface Canned {
  status: number;
  headers?: Record<string, string>;
  body: string;
  /** Close the connection after this many bytes of the body (its Content-Length promised all of it). */
  cutAfter?: number;
}

let canned: Server;
let cannedEndpoint: string;
let answer: (request: IncomingMessage) => Canned = () => ({ status: 500, body: '{}' });
let cannedHits = 0;

beforeAll(async () => {
  canned = createServer((request, response) => {
    cannedHits += 1;
    request.resume();
    request.on('end', () => {
      const { status, headers, body, cutAfter } = answer(request);
      response.writeHead(status, {
        'Content-Length': String(Buffer.byteLength(body)),
        'x-amzn-RequestId': 'canned-request',
        ...headers,
      });
      if (cutAfter === undefined) response.end(body);
      else response.write(body.slice(0, cutAfter), () => response.destroy());
    });
  });
  await new Promise<void>((resolve) => canned.listen(0, '127.0.0.1', resolve));
  cannedEndpoint = `http://127.0.0.1:${(canned.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => canned.close(() => resolve())));

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const FARM_ID = `farm-${'1'.repeat(32)}`;
const QUEUE_ID = `queue-${'2'.repeat(32)}`;
const JOB_ID = `job-${'3'.repeat(32)}`;
const FLEET_ID = `fleet-${'4'.repeat(32)}`;
const SESSIONS_INPUT = { farmId: FARM_ID, queueId: QUEUE_ID, jobId: JOB_ID, maxResults: 100 };

describe('answers the emulator cannot give (a loopback server with canned bodies)', () => {
  let pair: Pair;
  beforeAll(() => {
    pair = clientsOf(cannedEndpoint);
  });
  afterAll(() => {
    pair.lean.destroy();
    pair.sdk.destroy();
  });

  it('unknown enum values and absent optional members are passed on alike', async () => {
    const session = {
      sessionId: `session-${'5'.repeat(32)}`,
      fleetId: FLEET_ID,
      workerId: `worker-${'6'.repeat(32)}`,
      startedAt: '2025-06-02T17:59:58.123Z',
      lifecycleStatus: 'HIBERNATING_SOMEDAY',
    };
    answer = () => ({
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({ sessions: [session, { ...session, targetLifecycleStatus: 'PAUSED' }] }),
    });
    const output = await expectSameOutput(pair, 'ListSessions', SESSIONS_INPUT);
    expect((output.sessions as Array<{ lifecycleStatus: string }>)[0]?.lifecycleStatus).toBe(
      'HIBERNATING_SOMEDAY',
    );
  });

  it('timestamps of other ISO forms name the same instant on both paths', async () => {
    const job = { jobId: JOB_ID, name: 'j', lifecycleStatus: 'CREATE_COMPLETE', priority: 50 };
    answer = () => ({
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify({
        jobs: [
          { ...job, createdAt: '2025-06-02T17:59:58Z', createdBy: 'a' },
          { ...job, createdAt: '2025-06-02T19:59:58.5+02:00', createdBy: 'b' },
          { ...job, createdAt: '2025-06-02T17:59:58.123456Z', createdBy: 'c' },
        ],
      }),
    });
    await expectSameOutput(pair, 'ListJobs', { farmId: FARM_ID, queueId: QUEUE_ID, maxResults: 100 });
  });

  it('an unknown union member reads the same through the resolvers (the SDK names it $unknown)', async () => {
    const fleet = {
      farmId: FARM_ID,
      fleetId: FLEET_ID,
      displayName: 'f',
      status: 'ACTIVE',
      workerCount: 0,
      minWorkerCount: 0,
      maxWorkerCount: 1,
      roleArn: 'arn:aws:iam::123456789012:role/r',
      createdAt: '2025-06-02T17:59:58.123Z',
      createdBy: 'a',
      configuration: { quantumManaged: { qubits: 7 } },
    };
    const job = {
      jobId: JOB_ID,
      name: 'j',
      lifecycleStatus: 'CREATE_COMPLETE',
      lifecycleStatusMessage: '',
      priority: 50,
      createdAt: '2025-06-02T17:59:58.123Z',
      createdBy: 'a',
      parameters: { frames: { int: '3' }, future: { matrix: '[[1]]' } },
    };
    answer = (request) => ({
      status: 200,
      headers: JSON_HEADERS,
      body: JSON.stringify(request.url?.includes('/fleets/') ? fleet : job),
    });
    const fleetInput = { farmId: FARM_ID, fleetId: FLEET_ID };
    const jobInput = { farmId: FARM_ID, queueId: QUEUE_ID, jobId: JOB_ID };
    const [leanFleet, sdkFleet, leanJob, sdkJob] = await Promise.all([
      send(pair.lean, 'GetFleet', fleetInput),
      send(pair.sdk, 'GetFleet', fleetInput),
      send(pair.lean, 'GetJob', jobInput),
      send(pair.sdk, 'GetJob', jobInput),
    ]);
    expect(sdkFleet.configuration).toEqual({ $unknown: ['quantumManaged', { qubits: 7 }] });
    expect(leanFleet.configuration).toEqual({ quantumManaged: { qubits: 7 } });
    const configurationType = Fleet.configurationType as unknown as (fleet: object) => unknown;
    expect(configurationType(leanFleet)).toBe(configurationType(sdkFleet));
    const parameters = Job.parameters as unknown as (
      job: object,
      args: object,
      ctx: object,
    ) => Promise<unknown>;
    const ctx = { loaders: { Job: { detailOf: async (record: object) => record } } };
    const [leanParameters, sdkParameters] = await Promise.all([
      parameters({ ...leanJob, level: 'detail' }, {}, ctx),
      parameters({ ...sdkJob, level: 'detail' }, {}, ctx),
    ]);
    expect(leanParameters).toEqual([{ name: 'frames', type: 'INT', value: '3' }]);
    expect(leanParameters).toEqual(sdkParameters);
  });
});

/** What a failed call looks like to the gateway: the SDK error's class and fields, and the mapped GraphQL error. */
function failureView(error: unknown, operation: string) {
  const e = error as Record<string, unknown> & {
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  };
  const requestId = e.$metadata?.requestId;
  const scrub = (text: unknown) =>
    typeof text === 'string' && requestId ? text.split(requestId).join('<id>') : text;
  const mapped = mapUpstreamError(error, { operation }, { target: { endpoint: 'http://127.0.0.1' } });
  return {
    class: (error as object).constructor.name,
    name: e.name,
    message: scrub(e.message),
    fault: e.$fault,
    retryable: e.$retryable,
    retryAfterSeconds: e.retryAfterSeconds,
    members: Object.fromEntries(
      ['reason', 'resourceId', 'resourceType', 'fieldList', 'serviceCode', 'quotaCode', 'code']
        .filter((member) => member in e)
        .map((member) => [member, e[member]]),
    ),
    httpStatusCode: e.$metadata?.httpStatusCode,
    hasRequestId: typeof requestId === 'string',
    attempts: e.$metadata?.attempts,
    mapped: {
      message: scrub(mapped.message),
      extensions: { ...mapped.extensions, awsRequestId: scrub(mapped.extensions.awsRequestId) },
    },
  };
}

type Outcome =
  | { failed: true; view: ReturnType<typeof failureView>; waitedMs: number; hits: number }
  | { failed: false; output: Output; hits: number };

describe('failures: each answer fails alike on both paths (error, status, attempts, mapped error)', () => {
  let emulator: EmulatorHandle;
  let fromEmulator: Pair;
  let fromCanned: Pair;

  beforeAll(async () => {
    emulator = await startEmulator();
    fromEmulator = clientsOf(emulator.endpoint);
    fromCanned = clientsOf(cannedEndpoint);
  });
  afterAll(async () => {
    for (const client of [fromEmulator.lean, fromEmulator.sdk, fromCanned.lean, fromCanned.sdk])
      client.destroy();
    await emulator.close();
  });

  /** One call on one client, after `arm` (re-armed per client: injected failures are used up). */
  async function outcome(client: Client, arm: () => void, operation: OperationName, input: object) {
    arm();
    const hitsBefore = cannedHits + emulator.totalCalls();
    const started = Date.now();
    try {
      const output = await send(client, operation, input);
      return { failed: false, output, hits: cannedHits + emulator.totalCalls() - hitsBefore } as Outcome;
    } catch (error) {
      return {
        failed: true,
        view: failureView(error, operation),
        waitedMs: Date.now() - started,
        hits: cannedHits + emulator.totalCalls() - hitsBefore,
      } as Outcome;
    }
  }

  /** The call on the lean client, then on the SDK's; their outcomes must be equal. Returns the lean one. */
  async function sameOutcome(
    pair: Pair,
    arm: () => void,
    operation: OperationName,
    input: object,
  ): Promise<Outcome> {
    const lean = await outcome(pair.lean, arm, operation, input);
    const sdk = await outcome(pair.sdk, arm, operation, input);
    expect(lean.failed, `${operation}: ${JSON.stringify(lean.failed ? lean.view : lean.output)}`).toBe(
      sdk.failed,
    );
    expect(lean.hits).toBe(sdk.hits);
    if (lean.failed && sdk.failed) {
      expect(lean.view).toEqual(sdk.view);
    } else if (!lean.failed && !sdk.failed) {
      const [s, l] = normalized(sdk.output, lean.output);
      // The backoff's jitter is random; Retry-After's lower bound is checked where one was sent.
      for (const output of [s, l] as Output[]) output.$metadata.totalRetryDelay = '<jitter>';
      expect(l).toStrictEqual(s);
    }
    return lean;
  }

  const inject = (operation: string, error: InjectableError, count: number) => () =>
    emulator.failNext(operation, error, count);
  const cannedAnswer = (reply: Canned) => () => {
    answer = () => reply;
  };
  const nothing = () => {};
  /** ListFarms on the emulator, after it is told to fail the next `count` ListFarms with `error`. */
  const listFarmsFailing = (error: InjectableError, count: number) =>
    sameOutcome(fromEmulator, inject('ListFarms', error, count), 'ListFarms', { maxResults: 100 });

  function farmOfEmulator() {
    const farm = emulator.dataset.farms[0];
    if (!farm) throw new Error('no farm');
    return farm.farmId;
  }

  it('400 ValidationException: not retried', async () => {
    const result = await sameOutcome(fromEmulator, nothing, 'ListQueues', { farmId: 'farm-not-an-id' });
    expect(result).toMatchObject({
      failed: true,
      hits: 1,
      view: { name: 'ValidationException', httpStatusCode: 400 },
    });
    const token = await sameOutcome(fromEmulator, nothing, 'ListQueues', {
      farmId: farmOfEmulator(),
      nextToken: 'edited.token',
    });
    expect(token).toMatchObject({ failed: true, view: { name: 'ValidationException', attempts: 1 } });
  });

  it('404 ResourceNotFoundException: Get and List under a missing parent', async () => {
    const farmId = missingId(farmOfEmulator());
    for (const operation of ['GetFarm', 'ListQueues'] as const) {
      const result = await sameOutcome(fromEmulator, nothing, operation, { farmId });
      expect(result).toMatchObject({
        failed: true,
        view: { name: 'ResourceNotFoundException', httpStatusCode: 404, attempts: 1 },
      });
    }
  });

  it('403 AccessDeniedException: not retried', async () => {
    const result = await sameOutcome(
      fromEmulator,
      inject('ListFarms', 'AccessDeniedException', 1),
      'ListFarms',
      {},
    );
    expect(result).toMatchObject({ failed: true, hits: 1, view: { httpStatusCode: 403, attempts: 1 } });
  });

  it('409 ConflictException: typed, not retried', async () => {
    const arm = cannedAnswer({
      status: 409,
      headers: { ...JSON_HEADERS, 'x-amzn-ErrorType': 'ConflictException' },
      body: JSON.stringify({
        message: 'Conflict',
        reason: 'CONFLICT_EXCEPTION',
        resourceId: FARM_ID,
        resourceType: 'farm',
      }),
    });
    const result = await sameOutcome(fromCanned, arm, 'GetFarm', { farmId: FARM_ID });
    expect(result).toMatchObject({
      failed: true,
      hits: 1,
      view: {
        class: 'ConflictException',
        httpStatusCode: 409,
        attempts: 1,
        members: { reason: 'CONFLICT_EXCEPTION' },
      },
    });
  });

  it('429 with Retry-After: retried after the time asked, then answered', async () => {
    const result = await listFarmsFailing('ThrottlingException', 1);
    expect(result).toMatchObject({ failed: false, hits: 2, output: { $metadata: { attempts: 2 } } });
    expect(result.failed ? 0 : result.output.$metadata.totalRetryDelay).toBeGreaterThanOrEqual(1000);
  });

  it('429 with Retry-After on every attempt: fails after maxAttempts, each wait as long as asked', async () => {
    const result = await listFarmsFailing('ThrottlingException', MAX_ATTEMPTS);
    expect(result).toMatchObject({
      failed: true,
      hits: MAX_ATTEMPTS,
      view: { name: 'ThrottlingException', httpStatusCode: 429, attempts: MAX_ATTEMPTS },
    });
    expect(result.failed && result.waitedMs).toBeGreaterThanOrEqual((MAX_ATTEMPTS - 1) * 1000);
  }, 20_000);

  it('429 without Retry-After: retried with backoff, fails after maxAttempts', async () => {
    const arm = cannedAnswer({
      status: 429,
      headers: { ...JSON_HEADERS, 'x-amzn-ErrorType': 'ThrottlingException' },
      body: JSON.stringify({ message: 'Rate exceeded' }),
    });
    const result = await sameOutcome(fromCanned, arm, 'ListSessions', SESSIONS_INPUT);
    expect(result).toMatchObject({
      failed: true,
      hits: MAX_ATTEMPTS,
      view: {
        name: 'ThrottlingException',
        attempts: MAX_ATTEMPTS,
        mapped: { extensions: { code: 'UPSTREAM_THROTTLED' } },
      },
    });
  });

  it('500 InternalServerErrorException: retried; answered when it passes, failed when it lasts', async () => {
    const once = await listFarmsFailing('InternalServerErrorException', 1);
    expect(once).toMatchObject({ failed: false, hits: 2, output: { $metadata: { attempts: 2 } } });
    const lasting = await sameOutcome(
      fromEmulator,
      inject('GetFarm', 'InternalServerErrorException', MAX_ATTEMPTS),
      'GetFarm',
      { farmId: farmOfEmulator() },
    );
    expect(lasting).toMatchObject({
      failed: true,
      hits: MAX_ATTEMPTS,
      view: { name: 'InternalServerErrorException', httpStatusCode: 500, attempts: MAX_ATTEMPTS },
    });
  });

  it("a non-JSON 502 from a proxy: retried, then the SDK's parse error with the status", async () => {
    const arm = cannedAnswer({
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>',
    });
    const result = await sameOutcome(fromCanned, arm, 'ListSessions', SESSIONS_INPUT);
    expect(result).toMatchObject({
      failed: true,
      hits: MAX_ATTEMPTS,
      view: {
        httpStatusCode: 502,
        attempts: MAX_ATTEMPTS,
        mapped: { extensions: { code: 'UPSTREAM_UNAVAILABLE' } },
      },
    });
  });

  it.each([
    ['an empty body', ''],
    ['a JSON null', 'null'],
    ['a JSON array', '[{"sessions":[]}]'],
    ['a JSON string', '"sessions"'],
  ])("a 200 with %s: the SDK's answer, or its error", async (_what, body) => {
    await sameOutcome(
      fromCanned,
      cannedAnswer({ status: 200, headers: JSON_HEADERS, body }),
      'ListSessions',
      SESSIONS_INPUT,
    );
  });

  it("a truncated 200 body (complete Content-Length): the SDK's parse error", async () => {
    const body = '{"sessions":[{"sessionId":"session-5555555555555555555555555555';
    const result = await sameOutcome(
      fromCanned,
      cannedAnswer({ status: 200, headers: JSON_HEADERS, body }),
      'ListSessions',
      SESSIONS_INPUT,
    );
    expect(result).toMatchObject({ failed: true, view: { name: 'SyntaxError', httpStatusCode: 200 } });
  });

  it('a 200 body cut short by a closed connection: the same failure', async () => {
    const body = JSON.stringify({ sessions: [], padding: 'x'.repeat(4000) });
    const result = await sameOutcome(
      fromCanned,
      cannedAnswer({ status: 200, headers: JSON_HEADERS, body, cutAfter: 100 }),
      'ListSessions',
      SESSIONS_INPUT,
    );
    expect(result.failed).toBe(true);
  });

  it('a truncated error body: the same typed-or-unknown error', async () => {
    const arm = cannedAnswer({
      status: 404,
      headers: { ...JSON_HEADERS, 'x-amzn-ErrorType': 'ResourceNotFoundException' },
      body: '{"message":"Resource farm-1 of type fa',
    });
    const result = await sameOutcome(fromCanned, arm, 'GetFarm', { farmId: FARM_ID });
    expect(result).toMatchObject({ failed: true, view: { httpStatusCode: 404 } });
  });
});
