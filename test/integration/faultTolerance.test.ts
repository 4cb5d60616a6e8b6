import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dataset, type EmulatorHandle, startEmulator } from '../../src/emulator/index.js';
import { globalIdOf } from '../../src/ids/globalId.js';
import { codes, type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Upstream faults through the real stack (HTTP → Apollo → loaders → SDK with the gateway's retry strategy →
 * emulator): injected throttling and 5xx under a sustained workload, an emulator killed and restarted, a hanging
 * upstream cut at the operation deadline, Retry-After against the deadline, and the upstream concurrency limit.
 * Nothing asserts timings, except generous hang guards.
 */

const FAULT_CODES = new Set(['UPSTREAM_THROTTLED', 'UPSTREAM_UNAVAILABLE']);

/**
 * Operations of the sustained fault workload. Each throttled retry waits for the emulator's `Retry-After: 1`, so
 * the run takes about 0.1 s per operation at concurrency 20.
 */
const WORKLOAD = 200;

interface Op {
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Six realistic dashboard queries over the demo studio farm. */
function workloadOps(dataset: Dataset): Op[] {
  const farm = dataset.farms[0];
  const queue = farm && dataset.queues.get(farm.farmId)?.[1];
  const job = queue && dataset.jobs.get(`${farm.farmId}/${queue.queueId}`)?.[0];
  const fleet = farm && dataset.fleets.get(farm.farmId)?.[1];
  const edge = dataset.edgeJobs.get(99);
  if (!farm || !queue || !job || !fleet || !edge)
    throw new Error('the demo dataset lacks a farm, queue, job or fleet');
  const jobKeys = [...(dataset.jobs.get(`${farm.farmId}/${queue.queueId}`) ?? [])]
    .slice(0, 5)
    .map((j) => globalIdOf('Job', { farmId: farm.farmId, queueId: queue.queueId, jobId: j.jobId }));
  return [
    {
      name: 'farms overview',
      query:
        '{ farms(first: 5) { nodes { displayName queues(first: 5) { nodes { displayName status } } } } }',
      variables: {},
    },
    {
      name: 'queue board',
      query: `query($farmId: ID!, $queueId: ID!) { queue(farmId: $farmId, queueId: $queueId) {
        displayName jobs(first: 3) { nodes { name lifecycleStatus taskRunStatus priority
          sessions(first: 5) { pageInfo { hasNextPage } nodes { lifecycleStatus worker { hostName } fleet { displayName } } } } } } }`,
      variables: { farmId: farm.farmId, queueId: queue.queueId },
    },
    {
      name: 'job detail',
      query: `query($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
        name description queue { displayName farm { displayName } }
        sessions(first: 40) { nodes { sessionId log { logDriver } fleet { displayName } worker { status } } } } }`,
      variables: { ...edge },
    },
    {
      name: 'fleet workers',
      query: `query($farmId: ID!, $fleetId: ID!) { fleet(farmId: $farmId, fleetId: $fleetId) {
        displayName roleArn workers(first: 10) { nodes { workerId status fleet { displayName } } } } }`,
      variables: { farmId: farm.farmId, fleetId: fleet.fleetId },
    },
    {
      name: 'farm fleets',
      query: `query($farmId: ID!) { farm(farmId: $farmId) { displayName
        fleets { nodes { displayName status workers(first: 3) { nodes { workerId } } } } } }`,
      variables: { farmId: farm.farmId },
    },
    {
      name: 'jobs by id',
      query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Job { name lifecycleStatus priority } } }',
      variables: { ids: jobKeys },
    },
  ];
}

interface Tally {
  ok: number;
  partial: number;
  byCode: Record<string, number>;
  malformed: string[];
  lostData: string[];
}

/**
 * Checks a response is well formed: HTTP 200, `data` present; either no errors (then the data equals the fault-free
 * answer: no successful data lost or altered) or errors only with the upstream fault codes, each at a field path.
 */
function check(tally: Tally, op: Op, response: GraphQLResponse<unknown>, baseline: unknown): void {
  if (response.status !== 200 || !('data' in response)) {
    tally.malformed.push(`${op.name}: HTTP ${response.status} ${JSON.stringify(response).slice(0, 300)}`);
    return;
  }
  if (!response.errors || response.errors.length === 0) {
    if (JSON.stringify(response.data) !== JSON.stringify(baseline)) tally.lostData.push(op.name);
    tally.ok += 1;
    return;
  }
  tally.partial += 1;
  for (const error of response.errors) {
    const code = error.extensions?.code ?? 'none';
    tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
    if (!FAULT_CODES.has(code) || !Array.isArray(error.path) || error.path.length === 0) {
      tally.malformed.push(`${op.name}: ${JSON.stringify(error)}`);
    }
  }
}

/** Runs `total` operations (round robin over `ops`) with `concurrency` workers; `onDone` sees every response. */
async function runWorkload(
  stack: TestStack,
  ops: Op[],
  total: number,
  concurrency: number,
  onDone: (op: Op, response: GraphQLResponse<unknown>) => void,
  afterEach?: (done: number) => Promise<void> | void,
): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const op = ops[next % ops.length] as Op;
      next += 1;
      onDone(op, await stack.query(op.query, op.variables));
      done += 1;
      await afterEach?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function emptyTally(): Tally {
  return { ok: 0, partial: 0, byCode: {}, malformed: [], lostData: [] };
}

/** A forced GC when the runtime allows it (flag set at run time), so heap figures compare live objects. */
function collectGarbage(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function memory(gc: (() => void) | undefined): number {
  if (!gc) return process.memoryUsage().rss;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function baselines(stack: TestStack, ops: Op[]): Promise<Map<Op, unknown>> {
  const answers = new Map<Op, unknown>();
  for (const op of ops) {
    const response = await stack.query(op.query, op.variables);
    expect(response.errors, `${op.name}: ${JSON.stringify(response.errors)}`).toBeUndefined();
    answers.set(op, response.data);
  }
  return answers;
}

describe('sustained workload with 20% throttling + 20% 5xx and 20 ms latency', () => {
  let stack: TestStack;
  let emulator: EmulatorHandle;
  let ops: Op[];
  let expected: Map<Op, unknown>;

  beforeAll(async () => {
    stack = await startTestStack({ maxAttempts: 3 });
    emulator = stack.emulator as EmulatorHandle;
    ops = workloadOps(emulator.dataset);
    expected = await baselines(stack, ops);
  });
  afterAll(() => stack.close());

  it('answers every operation well formed, keeps memory bounded, and recovers when the faults stop', async () => {
    const gc = collectGarbage();
    // Warm up (module init, connection pool, JIT) before the first measurement.
    await runWorkload(stack, ops, 30, 10, () => {});
    const before = memory(gc);

    emulator.setLatency(20);
    emulator.setFaults({ throttleRate: 0.2, errorRate: 0.2 });
    emulator.resetCalls();
    const tally = emptyTally();
    let attempts = 0;
    let calls = 0;
    await runWorkload(stack, ops, WORKLOAD, 20, (op, response) => {
      check(tally, op, response, expected.get(op));
      calls += response.extensions?.upstream?.calls ?? 0;
      attempts += response.extensions?.upstream?.attempts ?? 0;
    });
    const after = memory(gc);
    const upstreamRequests = emulator.totalCalls();
    console.info(
      `[faultTolerance] ${WORKLOAD} operations, concurrency 20, faults 20% 429 + 20% 500, latency 20 ms: ` +
        `${tally.ok} complete, ${tally.partial} partial, errors by code ${JSON.stringify(tally.byCode)}, ` +
        `${calls} logical calls, ${attempts} attempts (${upstreamRequests} emulator requests); ` +
        `${gc ? 'heapUsed after gc' : 'rss'} ${(before / 2 ** 20).toFixed(1)} MB → ${(after / 2 ** 20).toFixed(1)} MB`,
    );

    expect(tally.malformed).toEqual([]);
    expect(tally.lostData).toEqual([]);
    expect(tally.ok + tally.partial).toBe(WORKLOAD);
    // Retries make most operations succeed despite 40% failing attempts.
    expect(tally.ok).toBeGreaterThan(tally.partial);
    expect(attempts).toBeGreaterThan(calls);
    // Generous: the operations must not retain their contexts, timers, abort controllers or queued waiters.
    expect(after - before).toBeLessThan((gc ? 40 : 150) * 2 ** 20);

    // The faults stop: every operation succeeds again, with the same data, no restart needed.
    emulator.setFaults({ throttleRate: 0, errorRate: 0 });
    const recovered = emptyTally();
    await runWorkload(stack, ops, 60, 20, (op, response) => check(recovered, op, response, expected.get(op)));
    expect(recovered).toEqual({ ok: 60, partial: 0, byCode: {}, malformed: [], lostData: [] });
  });
});

describe('the emulator dies in the middle of a workload and comes back on the same port', () => {
  it('the gateway recovers without a restart of its own', async () => {
    const stack = await startTestStack({ maxAttempts: 3 });
    const first = stack.emulator as EmulatorHandle;
    const port = first.port;
    const ops = workloadOps(first.dataset);
    const expected = await baselines(stack, ops);
    let replacement: EmulatorHandle | undefined;
    try {
      const tally = emptyTally();
      let killedAt = 0;
      let restartedAt = 0;
      await runWorkload(
        stack,
        ops,
        150,
        20,
        (op, response) => check(tally, op, response, expected.get(op)),
        async (done) => {
          if (done === 40) {
            killedAt = done;
            await first.close();
          } else if (done === 90) {
            restartedAt = done;
            replacement = await startEmulator({ port });
          }
        },
      );
      expect(killedAt).toBe(40);
      expect(restartedAt).toBe(90);
      expect(tally.malformed).toEqual([]);
      expect(tally.lostData).toEqual([]);
      // While it was down, fields failed with UPSTREAM_UNAVAILABLE (connection refused, after retries).
      expect(tally.byCode.UPSTREAM_UNAVAILABLE ?? 0).toBeGreaterThan(0);
      console.info(
        `[faultTolerance] kill/restart: 150 operations, ${tally.ok} complete, ${tally.partial} partial, ` +
          `errors by code ${JSON.stringify(tally.byCode)}`,
      );

      // After the restart: everything succeeds, same gateway process, same client.
      const recovered = emptyTally();
      await runWorkload(stack, ops, 30, 10, (op, response) =>
        check(recovered, op, response, expected.get(op)),
      );
      expect(recovered).toEqual({ ok: 30, partial: 0, byCode: {}, malformed: [], lostData: [] });
      expect(replacement?.totalCalls()).toBeGreaterThan(0);
    } finally {
      // The first emulator is closed already: stack.close() stops the gateway and client, then rejects on it.
      await stack.close().catch(() => {});
      await replacement?.close();
    }
  });
});

/** A Deadline endpoint that accepts requests and never answers. */
async function startHangingServer(): Promise<{
  url: string;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server: Server = createServer(() => {
    count += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('a hanging upstream is cut', () => {
  it('at the operation deadline: UPSTREAM_UNAVAILABLE saying the time budget ran out, never a hung request', async () => {
    const hanging = await startHangingServer();
    const stack = await startTestStack({
      endpoint: hanging.url,
      maxAttempts: 3,
      requestTimeoutMs: 60_000,
      limits: { operationTimeoutMs: 800 },
    });
    try {
      const started = Date.now();
      const response = await stack.query('{ farms { nodes { displayName } } }');
      const elapsed = Date.now() - started;
      expect(response.status).toBe(200);
      // `farms` is nullable: the failed root list is null, `data` is not.
      expect(response.data).toEqual({ farms: null });
      expect(codes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.errors?.[0]?.message).toMatch(
        /time budget \(800 ms\) ran out before Deadline Cloud answered ListFarms/,
      );
      expect(response.errors?.[0]?.path).toEqual(['farms']);
      expect(response.errors?.[0]?.extensions?.upstreamOperation).toBe('ListFarms');
      // One attempt, cut by the deadline (not by the 60 s attempt timeout), and not retried.
      expect(hanging.requests()).toBe(1);
      expect(response.extensions?.upstream).toMatchObject({ calls: 1, attempts: 1 });
      expect(elapsed, 'hang guard').toBeLessThan(3 * 800);
    } finally {
      await stack.close();
      await hanging.close();
    }
  });

  it('per attempt (UPSTREAM_TIMEOUT_MS), retried within the deadline', async () => {
    const hanging = await startHangingServer();
    const stack = await startTestStack({
      endpoint: hanging.url,
      maxAttempts: 3,
      requestTimeoutMs: 150,
      limits: { operationTimeoutMs: 5000 },
    });
    try {
      const started = Date.now();
      const response = await stack.query('{ farms { nodes { displayName } } }');
      expect(response.status).toBe(200);
      expect(codes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      // Every attempt timed out and was retried: 3 attempts, well inside the 5 s budget.
      expect(hanging.requests()).toBe(3);
      expect(response.extensions?.upstream).toMatchObject({ calls: 1, attempts: 3 });
      expect(Date.now() - started, 'hang guard').toBeLessThan(5000);
    } finally {
      await stack.close();
      await hanging.close();
    }
  });

  it('a deadline leaves the finished fields in place (partial data)', async () => {
    const stack = await startTestStack({
      maxAttempts: 1,
      emulator: { latencyMs: 300 },
      limits: { operationTimeoutMs: 1500 },
    });
    try {
      const farm = stack.emulator?.dataset.farms[0];
      // `fast` needs one call (300 ms); `slow` needs a chain of dependent calls that cannot finish in 1.5 s.
      const response = await stack.query<{ fast: unknown; slow: unknown }>(
        `query($farmId: ID!) { fast: farm(farmId: $farmId) { displayName }
          slow: farm(farmId: $farmId) { queues { nodes { jobs(first: 2) { nodes { sessions(first: 2) {
            nodes { worker { hostName fleet { workers(first: 1) { nodes { workerId } } } } } } } } } } } }`,
        { farmId: farm?.farmId },
      );
      expect(response.status).toBe(200);
      expect(response.data?.fast).toEqual({ displayName: farm?.displayName });
      expect(new Set(codes(response))).toEqual(new Set(['UPSTREAM_UNAVAILABLE']));
      for (const error of response.errors ?? []) {
        expect(error.message).toMatch(/time budget \(1500 ms\) ran out/);
        expect(error.path?.[0]).toBe('slow');
      }
    } finally {
      await stack.close();
    }
  });
});

describe('Retry-After against the deadline', () => {
  let stack: TestStack;
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    stack = await startTestStack({ maxAttempts: 3, limits: { operationTimeoutMs: 600 } });
    emulator = stack.emulator as EmulatorHandle;
  });
  afterAll(() => stack.close());

  it('a throttle whose Retry-After (1 s) ends after the deadline is not retried', async () => {
    emulator.resetCalls();
    emulator.failNext('ListFarms', 'ThrottlingException');
    const response = await stack.query('{ farms { nodes { displayName } } }');
    expect(codes(response)).toEqual(['UPSTREAM_THROTTLED']);
    expect(response.errors?.[0]?.extensions?.retryAfterSeconds).toBe(1);
    expect(emulator.calls()).toEqual({ ListFarms: 1 });
  });

  it('with budget left, the retry waits for Retry-After and succeeds', async () => {
    const roomy = await startTestStack({ maxAttempts: 3, limits: { operationTimeoutMs: 10_000 } });
    try {
      const roomyEmulator = roomy.emulator as EmulatorHandle;
      roomyEmulator.failNext('ListFarms', 'ThrottlingException');
      const started = Date.now();
      const response = await roomy.query('{ farms { nodes { displayName } } }');
      expect(response.errors).toBeUndefined();
      expect(response.extensions?.upstream).toMatchObject({ calls: 1, attempts: 2 });
      expect(roomyEmulator.calls()).toEqual({ ListFarms: 2 });
      // Never earlier than asked (a lower bound on a wait the gateway itself makes, not a performance claim).
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    } finally {
      await roomy.close();
    }
  });
});

describe('upstream concurrency limit', () => {
  it('a query fanning out over many farms never has more Deadline calls in flight than the limit', async () => {
    const stack = await startTestStack({
      emulator: { latencyMs: 50, sizes: { farms: 40 } },
      limits: { maxConcurrency: 6 },
    });
    try {
      const emulator = stack.emulator as EmulatorHandle;
      emulator.resetMaxInFlight();
      emulator.resetCalls();
      const response = await stack.query<{ farms: { nodes: Array<{ fleets: { nodes: unknown[] } }> } }>(
        '{ farms(first: 100) { nodes { displayName fleets { nodes { displayName } } } } }',
      );
      expect(response.errors).toBeUndefined();
      expect(response.data?.farms.nodes).toHaveLength(40);
      expect(emulator.calls()).toEqual({ ListFarms: 1, ListFleets: 40 });
      expect(emulator.maxInFlight()).toBe(6);
      expect(emulator.inFlight()).toBe(0);
    } finally {
      await stack.close();
    }
  });

  it('the limit is per process: concurrent requests share it', async () => {
    const stack = await startTestStack({
      emulator: { latencyMs: 50, sizes: { farms: 12 } },
      limits: { maxConcurrency: 4 },
    });
    try {
      const emulator = stack.emulator as EmulatorHandle;
      emulator.resetMaxInFlight();
      const responses = await Promise.all(
        Array.from({ length: 5 }, () =>
          stack.query('{ farms(first: 100) { nodes { fleets { nodes { fleetId } } } } }'),
        ),
      );
      for (const response of responses) expect(response.errors).toBeUndefined();
      expect(emulator.maxInFlight()).toBe(4);
    } finally {
      await stack.close();
    }
  });

  it('waiting for a slot is bounded by the deadline', async () => {
    const stack = await startTestStack({
      emulator: { latencyMs: 200, sizes: { farms: 30 } },
      limits: { maxConcurrency: 1, operationTimeoutMs: 1000 },
    });
    try {
      const farms = stack.emulator?.dataset.farms ?? [];
      // One nullable root field per farm: a farm that could not be served is null, the others keep their data.
      const query = `{ ${farms.map((farm, i) => `f${i}: farm(farmId: "${farm.farmId}") { farmId }`).join(' ')} }`;
      const response = await stack.query<Record<string, { farmId: string } | null>>(query);
      expect(response.status).toBe(200);
      const values = Object.values(response.data ?? {});
      expect(values).toHaveLength(30);
      const served = values.filter((value) => value !== null);
      expect(served.length).toBeGreaterThan(0);
      expect(served.length).toBeLessThan(30);
      expect(response.errors).toHaveLength(30 - served.length);
      expect(new Set(codes(response))).toEqual(new Set(['UPSTREAM_UNAVAILABLE']));
      expect(
        response.errors?.some((e) => /timed out waiting for an upstream slot/.test(e.message)),
        JSON.stringify(response.errors?.slice(0, 3)),
      ).toBe(true);
    } finally {
      await stack.close();
    }
  });
});

describe('emulator in-flight gauge', () => {
  it('counts requests being served and the peak', async () => {
    const emulator = await startEmulator({ latencyMs: 500 });
    try {
      expect(emulator.inFlight()).toBe(0);
      const auth = {
        authorization:
          'AWS4-HMAC-SHA256 Credential=x/20250602/us-west-2/deadline/aws4_request, SignedHeaders=host, Signature=00',
      };
      const pending = Array.from({ length: 3 }, async () => {
        const response = await fetch(`${emulator.endpoint}/2023-10-12/farms`, { headers: auth });
        return response.text();
      });
      for (let polls = 0; emulator.inFlight() < 3 && polls < 100; polls += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(emulator.inFlight()).toBe(3);
      await Promise.all(pending);
      expect(emulator.inFlight()).toBe(0);
      expect(emulator.maxInFlight()).toBe(3);
      emulator.resetMaxInFlight();
      expect(emulator.maxInFlight()).toBe(0);
    } finally {
      await emulator.close();
    }
  });
});
