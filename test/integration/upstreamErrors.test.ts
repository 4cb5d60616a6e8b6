import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, EmulatorHandle } from '../../src/emulator/index.js';
import { codes, type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';
import { SESSIONS_PAGE, type SessionsPageData } from '../helpers/walk.js';

/**
 * Deadline failures reach clients as stable codes on the failing field only, with the AWS request ID and no
 * internals; `extensions.upstream` always tells the truth about the calls made.
 */
let stack: TestStack;
let emulator: EmulatorHandle;
let dataset: Dataset;
/** Every response of this file, checked for leaks at the end. */
const seen: Array<GraphQLResponse<unknown>> = [];

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  emulator = stack.emulator as EmulatorHandle;
  dataset = emulator.dataset;
});
afterAll(() => stack.close());

function firstJob() {
  const farm = dataset.farms[0];
  const queue = farm && dataset.queues.get(farm.farmId)?.[0];
  const job = dataset.edgeJobs.get(99);
  if (!farm || !queue || !job) throw new Error('dataset lacks a job');
  return { ...job } as Record<string, unknown> & typeof job;
}

/** Runs a query on `on` and returns the response with the emulator's per-operation request delta. */
async function run<T>(on: TestStack, query: string, variables: Record<string, unknown> = {}) {
  const before = on.emulator?.calls() ?? {};
  const response = await on.query<T>(query, variables);
  seen.push(response as GraphQLResponse<unknown>);
  const after = on.emulator?.calls() ?? {};
  const delta: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after)) {
    const d = count - (before[operation] ?? 0);
    if (d > 0) delta[operation] = d;
  }
  return { response, delta };
}

const SESSIONS_AND_FARMS = /* GraphQL */ `
  query($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    farms { nodes { displayName } }
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { name sessions(first: 5) { nodes { sessionId } } }
  }
`;
type SessionsAndFarms = {
  farms: { nodes: Array<{ displayName: string }> } | null;
  job: { name: string; sessions: { nodes: Array<{ sessionId: string }> } | null } | null;
};

function expectUpstreamError(response: GraphQLResponse<unknown>, code: string, operation: string) {
  expect(response.status).toBe(200);
  expect(codes(response), JSON.stringify(response.errors)).toEqual([code]);
  const extensions = response.errors?.[0]?.extensions ?? {};
  expect(extensions.upstreamOperation).toBe(operation);
  expect(typeof extensions.awsRequestId).toBe('string');
  expect((extensions.awsRequestId as string).length).toBeGreaterThan(0);
  expect(response.errors?.[0]?.message).toContain(operation);
}

describe('upstream failures map to stable codes on the failing field only', () => {
  it('ThrottlingException on ListSessions → UPSTREAM_THROTTLED; the sibling root field still resolves', async () => {
    const job = firstJob();
    emulator.failNext('ListSessions', 'ThrottlingException');
    const { response, delta } = await run<SessionsAndFarms>(stack, SESSIONS_AND_FARMS, job);
    expectUpstreamError(response, 'UPSTREAM_THROTTLED', 'ListSessions');
    expect(response.errors?.[0]?.path).toEqual(['job', 'sessions']);
    expect(response.errors?.[0]?.message).toMatch(/[Rr]etry/);
    // The failed connection alone is null: its job keeps its name, and `farms` is untouched.
    expect(response.data?.job?.sessions).toBeNull();
    expect(response.data?.job?.name).toBeTypeOf('string');
    expect(response.data?.farms?.nodes.map((farm) => farm.displayName)).toEqual(
      dataset.farms.map((farm) => farm.displayName),
    );
    expect(response.extensions?.upstream?.byOperation).toEqual({
      BatchGetJob: 1,
      ListFarms: 1,
      ListSessions: 1,
    });
    expect(delta).toEqual({ BatchGetJob: 1, ListFarms: 1, ListSessions: 1 });
    // The failure was one call only: the next request succeeds.
    const again = await run<SessionsPageData>(stack, SESSIONS_PAGE, { ...job, first: 5 });
    expect(again.response.errors).toBeUndefined();
    expect(again.response.data?.job?.sessions.nodes).toHaveLength(5);
  });

  it('InternalServerErrorException → UPSTREAM_UNAVAILABLE', async () => {
    const job = firstJob();
    emulator.failNext('ListSessions', 'InternalServerErrorException');
    const { response } = await run<SessionsAndFarms>(stack, SESSIONS_AND_FARMS, job);
    expectUpstreamError(response, 'UPSTREAM_UNAVAILABLE', 'ListSessions');
    expect(response.errors?.[0]?.path).toEqual(['job', 'sessions']);
    expect(response.data?.job?.sessions).toBeNull();
    expect(response.data?.job?.name).toBeTypeOf('string');
    expect(response.data?.farms?.nodes).toHaveLength(dataset.farms.length);

    emulator.failNext('GetFarm', 'InternalServerErrorException');
    const farm = dataset.farms[0]?.farmId;
    const second = dataset.farms[1]?.farmId;
    const both = await run<{ a: { displayName: string } | null; b: { displayName: string } | null }>(
      stack,
      `{ a: farm(farmId: "${farm}") { displayName } b: farm(farmId: "${second}") { displayName } }`,
    );
    // Two distinct farms are two GetFarm calls: exactly one of them fails, the other resolves.
    expectUpstreamError(both.response, 'UPSTREAM_UNAVAILABLE', 'GetFarm');
    const nulls = [both.response.data?.a, both.response.data?.b].filter((value) => value === null);
    expect(nulls).toHaveLength(1);
    expect(both.response.errors?.[0]?.path).toEqual([both.response.data?.a === null ? 'a' : 'b']);
  });

  it('a throttled batch fails each of its nodes(ids:) entries, at their own index; other types resolve', async () => {
    const job = firstJob();
    const farm = dataset.farms[0];
    const jobs = dataset.jobs.get(`${job.farmId}/${job.queueId}`)?.slice(0, 2) ?? [];
    const gid = (type: string, path: string) => Buffer.from(`${type}:${path}`).toString('base64');
    const ids = [
      gid('Job', `${job.farmId}/${job.queueId}/${jobs[0]?.jobId}`),
      gid('Farm', farm?.farmId ?? ''),
      gid('Job', `${job.farmId}/${job.queueId}/${jobs[1]?.jobId}`),
    ];
    emulator.failNext('BatchGetJob', 'ThrottlingException');
    const { response, delta } = await run<{ nodes: Array<{ id: string } | null> }>(
      stack,
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids },
    );
    expect(response.status).toBe(200);
    expect(response.data?.nodes).toEqual([null, { id: ids[1] }, null]);
    const errors = [...(response.errors ?? [])].sort((a, b) => Number(a.path?.[1]) - Number(b.path?.[1]));
    expect(errors.map((e) => e.path)).toEqual([
      ['nodes', 0],
      ['nodes', 2],
    ]);
    for (const error of errors) {
      expect(error.extensions?.code).toBe('UPSTREAM_THROTTLED');
      expect(error.extensions?.upstreamOperation).toBe('BatchGetJob');
      expect(error.extensions?.awsRequestId).toBeTypeOf('string');
    }
    expect(delta).toEqual({ BatchGetJob: 1, GetFarm: 1 });
    expect(response.extensions?.upstream?.byOperation).toEqual(delta);
  });

  it('AccessDeniedException via failNext → FORBIDDEN', async () => {
    const job = firstJob();
    emulator.failNext('BatchGetJob', 'AccessDeniedException');
    const { response } = await run<SessionsAndFarms>(stack, SESSIONS_AND_FARMS, job);
    expectUpstreamError(response, 'FORBIDDEN', 'BatchGetJob');
    expect(response.errors?.[0]?.path).toEqual(['job']);
    expect(response.data?.job).toBeNull();
    expect(response.data?.farms?.nodes).toHaveLength(dataset.farms.length);
    // The job's first sessions page was asked for alongside the job (src/resolvers/rootLookup.ts); the job failed,
    // so the page is not shown and its error not reported.
    expect(response.extensions?.upstream?.byOperation).toEqual({
      BatchGetJob: 1,
      ListFarms: 1,
      ListSessions: 1,
    });
    expect(response.errors).toHaveLength(1);
  });

  it('AccessDeniedException via deniedFarmIds → FORBIDDEN on that farm only', async () => {
    const allowed = dataset.farms[0];
    const denied = dataset.farms[1];
    if (!allowed || !denied) throw new Error('need two farms');
    const own = await startTestStack({
      emulator: { sizes: { largeJobSessions: 120 }, deniedFarmIds: [denied.farmId] },
    });
    try {
      // Same seed and sizes: the same dataset, so the denied farm ID is one of this emulator's farms.
      expect(own.emulator?.dataset.farms.map((farm) => farm.farmId)).toEqual(
        dataset.farms.map((farm) => farm.farmId),
      );
      const { response, delta } = await run<{
        a: { displayName: string } | null;
        b: { displayName: string } | null;
        farms: { nodes: Array<{ farmId: string }> };
      }>(
        own,
        `{ a: farm(farmId: "${allowed.farmId}") { displayName } b: farm(farmId: "${denied.farmId}") { displayName }
           farms { nodes { farmId } } }`,
      );
      expectUpstreamError(response, 'FORBIDDEN', 'GetFarm');
      expect(response.errors?.[0]?.path).toEqual(['b']);
      expect(response.errors?.[0]?.extensions?.upstreamStatus).toBe(403);
      expect(response.data?.a).toEqual({ displayName: allowed.displayName });
      expect(response.data?.b).toBeNull();
      // ListFarms is authorised per account: the denied farm is still listed.
      expect(response.data?.farms.nodes.map((farm) => farm.farmId)).toContain(denied.farmId);
      expect(response.extensions?.upstream?.byOperation).toEqual({ GetFarm: 2, ListFarms: 1 });
      expect(delta).toEqual({ GetFarm: 2, ListFarms: 1 });

      // Typed lookups under the denied farm: BatchGetJob reports it per item, BatchGetSession/Worker fail the call.
      const deniedQueue = dataset.queues.get(denied.farmId)?.[0];
      const deniedJob = deniedQueue && dataset.jobs.get(`${denied.farmId}/${deniedQueue.queueId}`)?.[0];
      const deniedFleet = dataset.fleets.get(denied.farmId)?.[0];
      const deniedWorker = deniedFleet && dataset.workers.get(`${denied.farmId}/${deniedFleet.fleetId}`)?.[0];
      if (!deniedQueue || !deniedJob || !deniedFleet || !deniedWorker)
        throw new Error('denied farm is empty');
      const lookups = await run<Record<string, unknown>>(
        own,
        `{ ok: farm(farmId: "${allowed.farmId}") { displayName }
           job(farmId: "${denied.farmId}", queueId: "${deniedQueue.queueId}", jobId: "${deniedJob.jobId}") { name }
           worker(farmId: "${denied.farmId}", fleetId: "${deniedFleet.fleetId}", workerId: "${deniedWorker.workerId}") { status } }`,
      );
      expect(lookups.response.data?.ok).toEqual({ displayName: allowed.displayName });
      expect(lookups.response.data?.job).toBeNull();
      expect(lookups.response.data?.worker).toBeNull();
      const byPath = Object.fromEntries(
        (lookups.response.errors ?? []).map((e) => [String(e.path), e.extensions]),
      );
      expect(Object.keys(byPath).sort()).toEqual(['job', 'worker']);
      expect(byPath.job?.code).toBe('FORBIDDEN');
      expect(byPath.job?.upstreamOperation).toBe('BatchGetJob');
      // A per-item error of a successful batch call still names the call's AWS request ID.
      expect(byPath.job?.awsRequestId).toBeTypeOf('string');
      expect(byPath.worker?.code).toBe('FORBIDDEN');
      expect(byPath.worker?.upstreamOperation).toBe('BatchGetWorker');
      expect(byPath.worker?.awsRequestId).toBeTypeOf('string');

      // A denied queue listing under the denied farm.
      const queues = await run<{
        farms: { nodes: Array<{ farmId: string; queues: { nodes: unknown[] } | null }> } | null;
      }>(own, '{ farms { nodes { farmId queues(first: 1) { nodes { queueId } } } } }');
      const deniedIndex = dataset.farms.indexOf(denied);
      expect(codes(queues.response)).toEqual(['FORBIDDEN']);
      expect(queues.response.errors?.[0]?.extensions?.upstreamOperation).toBe('ListQueues');
      expect(queues.response.errors?.[0]?.path).toEqual(['farms', 'nodes', deniedIndex, 'queues']);
      // Only the denied farm's queues are null: every farm is listed, the others with their queue.
      const listed = queues.response.data?.farms?.nodes ?? [];
      expect(listed.map((farm) => farm.farmId)).toEqual(dataset.farms.map((farm) => farm.farmId));
      listed.forEach((farm, index) => {
        if (index === deniedIndex) expect(farm.queues).toBeNull();
        else expect(farm.queues?.nodes).toHaveLength(1);
      });
      expect(queues.delta).toEqual({ ListFarms: 1, ListQueues: dataset.farms.length });
    } finally {
      await own.close();
    }
  });
});

describe('SDK retries (maxAttempts: 3)', () => {
  let retrying: TestStack;
  beforeAll(async () => {
    retrying = await startTestStack({ maxAttempts: 3, emulator: { sizes: { largeJobSessions: 10 } } });
  });
  afterAll(() => retrying.close());

  it('one injected InternalServerError is retried: 1 logical call, 2 attempts, 2 requests seen upstream', async () => {
    const farm = retrying.emulator?.dataset.farms[0];
    if (!farm) throw new Error('no farm');
    retrying.emulator?.failNext('GetFarm', 'InternalServerErrorException');
    const { response, delta } = await run<{ farm: { displayName: string; costScaleFactor: number } }>(
      retrying,
      `{ farm(farmId: "${farm.farmId}") { displayName costScaleFactor } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.farm).toEqual({
      displayName: farm.displayName,
      costScaleFactor: farm.costScaleFactor,
    });
    const upstream = response.extensions?.upstream;
    expect(upstream?.byOperation).toEqual({ GetFarm: 1 });
    expect(upstream?.calls).toBe(1);
    expect(upstream?.attempts).toBe(2);
    expect(delta).toEqual({ GetFarm: 2 });
  });

  it('one injected throttle is retried the same way', async () => {
    const job = retrying.emulator?.dataset.edgeJobs.get(99);
    if (!job) throw new Error('no job');
    retrying.emulator?.failNext('ListSessions', 'ThrottlingException');
    const { response, delta } = await run<SessionsPageData>(retrying, SESSIONS_PAGE, { ...job, first: 3 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.job?.sessions.nodes).toHaveLength(3);
    const upstream = response.extensions?.upstream;
    // The page selects only key fields and sessions: ListSessions alone proves the job (src/resolvers/rootLookup.ts).
    expect(upstream?.byOperation).toEqual({ ListSessions: 1 });
    expect(upstream?.calls).toBe(1);
    expect(upstream?.attempts).toBe(2);
    expect(delta).toEqual({ ListSessions: 2 });
  });

  it('a failure on every attempt gives the mapped code after 3 attempts', async () => {
    const farm = retrying.emulator?.dataset.farms[0];
    retrying.emulator?.failNext('GetFarm', 'InternalServerErrorException', 3);
    const { response, delta } = await run(retrying, `{ farm(farmId: "${farm?.farmId}") { displayName } }`);
    expectUpstreamError(response, 'UPSTREAM_UNAVAILABLE', 'GetFarm');
    expect(response.extensions?.upstream).toEqual({
      calls: 1,
      attempts: 3,
      byOperation: { GetFarm: 1 },
      cacheHits: 0,
      coalesced: 0,
    });
    expect(delta).toEqual({ GetFarm: 3 });
  });
});

describe('the upstream is gone', () => {
  it('closed emulator → UPSTREAM_UNAVAILABLE with HTTP 200, and /healthz still answers', async () => {
    const lonely = await startTestStack({ emulator: { sizes: { largeJobSessions: 10 } } });
    try {
      const farm = lonely.emulator?.dataset.farms[0];
      // Warm the connection pool first, so a kept-alive socket is also cut.
      const warm = await lonely.query(`{ farm(farmId: "${farm?.farmId}") { displayName } }`);
      expect(warm.errors).toBeUndefined();
      await lonely.emulator?.close();

      for (const query of [
        '{ farms { nodes { displayName } } }',
        `{ farm(farmId: "${farm?.farmId}") { displayName } }`,
      ]) {
        const response = await lonely.query<Record<string, unknown>>(query);
        seen.push(response as GraphQLResponse<unknown>);
        expect(response.status).toBe(200);
        expect(codes(response), JSON.stringify(response.errors)).toEqual(['UPSTREAM_UNAVAILABLE']);
        expect(response.errors?.[0]?.extensions?.upstreamOperation).toMatch(/^(ListFarms|GetFarm)$/);
        expect(response.errors?.[0]?.message).toMatch(/unavailable/);
        expect(response.extensions?.upstream?.calls).toBe(1);
      }
      const health = await fetch(`${lonely.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      // The emulator is already closed: its second close() rejects, after the gateway and client are shut.
      await lonely.close().catch(() => {});
    }
  });
});

describe('extensions.upstream tells the truth', () => {
  it('byOperation equals the emulator’s request delta on varied queries', async () => {
    const job = firstJob();
    const farm = dataset.farms[0];
    const fleet = farm && dataset.fleets.get(farm.farmId)?.[0];
    if (!farm || !fleet) throw new Error('dataset lacks a fleet');
    const queries: Array<[string, Record<string, unknown>]> = [
      ['{ farms { nodes { farmId description queues(first: 3) { nodes { queueId description } } } } }', {}],
      [
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
           name queue { displayName farm { displayName } }
           sessions(first: 40) { nodes { sessionId log { logDriver } fleet { displayName } worker { status } } } } }`,
        job,
      ],
      [
        `query($farmId: ID!, $fleetId: ID!) { fleet(farmId: $farmId, fleetId: $fleetId) {
           roleArn workers(first: 10) { nodes { workerId fleet { displayName } } } } }`,
        { farmId: farm.farmId, fleetId: fleet.fleetId },
      ],
    ];
    for (const [query, variables] of queries) {
      const { response, delta } = await run(stack, query, variables);
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      const upstream = response.extensions?.upstream;
      expect(upstream?.byOperation).toEqual(delta);
      expect(upstream?.calls).toBe(Object.values(delta).reduce((sum, n) => sum + n, 0));
      expect(upstream?.attempts).toBe(upstream?.calls);
      expect(upstream?.calls).toBeGreaterThan(1);
    }
  });

  it('every response of this file carries extensions.upstream', () => {
    expect(seen.length).toBeGreaterThan(10);
    for (const response of seen) {
      const upstream = response.extensions?.upstream;
      expect(upstream).toBeDefined();
      expect(typeof upstream?.calls).toBe('number');
      expect(typeof upstream?.attempts).toBe('number');
      expect(upstream?.byOperation).toBeTypeOf('object');
    }
  });

  it('no error of this file leaks internals', () => {
    const errors = seen.flatMap((response) => response.errors ?? []);
    expect(errors.length).toBeGreaterThanOrEqual(9);
    for (const error of errors) {
      const text = error.message;
      expect(text).not.toMatch(/\n\s+at /);
      expect(text).not.toMatch(/Exception/);
      expect(text).not.toContain('$metadata');
      expect(text).not.toMatch(/credentials/i);
      expect(text).not.toContain('AWS4-HMAC');
      expect(text).not.toMatch(/\b(AKIA|ASIA)[A-Z0-9]{16}\b/);
      expect(text).not.toMatch(/accessKeyId|secretAccessKey|Credential=/);
      expect(text).not.toMatch(/arn:aws:iam::/);
      const extensions = error.extensions ?? {};
      expect(Object.keys(extensions)).not.toContain('stacktrace');
      expect(Object.keys(extensions)).not.toContain('exception');
      const whole = JSON.stringify(error);
      expect(whole).not.toMatch(/\\n\s+at /);
      expect(whole).not.toContain('$metadata');
      expect(whole).not.toContain('AWS4-HMAC');
    }
  });
});
