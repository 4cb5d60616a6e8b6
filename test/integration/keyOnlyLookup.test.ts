import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * `job(…)` skips BatchGetJob when its selection is key fields plus `sessions` (ListSessions proves the job exists):
 * one upstream call, and a missing job is still null with a NOT_FOUND error naming it, at `job` as the Get would
 * give it. A page that fails otherwise is the list's failure: the lookup makes its Get after all and stands.
 */
let stack: TestStack;
let dataset: Dataset;

const ZEROS = '0'.repeat(32);

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

function someJob(data: Dataset = dataset) {
  const [parent, jobs] = [...data.jobs].find(([, jobs]) => jobs.length > 0) ?? [];
  const [farmId, queueId] = parent?.split('/') ?? [];
  const jobId = jobs?.[0]?.jobId;
  if (!farmId || !queueId || !jobId) throw new Error('no job');
  return { farmId, queueId, jobId };
}

const missingJob = () => ({ ...someJob(), jobId: `job-${ZEROS}` });

const SESSIONS = `query S($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 100, $withName: Boolean = false) {
  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
    id farmId queueId jobId __typename
    name @include(if: $withName)
    sessions(first: $first) { edges { node { id sessionId startedAt lifecycleStatus } } }
  }
}`;

interface JobOut {
  job: {
    id: string;
    jobId: string;
    name?: string;
    sessions: { edges: Array<{ node: { sessionId: string } }> };
  } | null;
}

describe('job(…) with only key fields and sessions', () => {
  it('makes ListSessions only, and answers as the lookup would', async () => {
    const key = someJob();
    const response = await stack.query<JobOut>(SESSIONS, key);
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
    expect(response.data?.job?.jobId).toBe(key.jobId);
    expect(response.data?.job?.id).toBe(
      Buffer.from(`Job:${key.farmId}/${key.queueId}/${key.jobId}`).toString('base64'),
    );
    const expected = (dataset.sessions.get(`${key.farmId}/${key.queueId}/${key.jobId}`) ?? []).length;
    expect(response.data?.job?.sessions.edges).toHaveLength(Math.min(expected, 100));
  });

  it('still looks the job up when another field of it is selected (here through @include)', async () => {
    const key = someJob();
    const response = await stack.query<JobOut>(SESSIONS, { ...key, withName: true });
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1, ListSessions: 1 });
    expect(typeof response.data?.job?.name).toBe('string');
  });

  it('gives null and a NOT_FOUND naming the job when the job does not exist', async () => {
    const key = missingJob();
    const response = await stack.query<JobOut>(SESSIONS, key);
    expect(response.data).toEqual({ job: null });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(response.errors?.[0]?.message).toContain(
      `Job ${key.farmId}/${key.queueId}/${key.jobId} does not exist`,
    );
    expect(response.errors?.[0]?.path).toEqual(['job']);
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
  });

  it('a throttled page fails `sessions` alone: the job is looked up after all and keeps its fields', async () => {
    const key = someJob();
    stack.emulator?.failNext('ListSessions', 'ThrottlingException');
    const response = await stack.query<JobOut>(SESSIONS, key);
    expect(response.data?.job).toMatchObject({ jobId: key.jobId, sessions: null });
    expect(response.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['UPSTREAM_THROTTLED', ['job', 'sessions']],
    ]);
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1, BatchGetJob: 1 });
  });

  it('a list resumed with `after:` proves the job with its own call too', async () => {
    const edge = dataset.edgeJobs.get(99);
    if (!edge) throw new Error('no job with 99 sessions');
    const key = { farmId: edge.farmId, queueId: edge.queueId, jobId: edge.jobId };
    const first = await stack.query<{ job: { sessions: { pageInfo: { endCursor: string } } } }>(
      `query S($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
         sessions(first: 1) { pageInfo { endCursor } } } }`,
      key,
    );
    const after = first.data?.job.sessions.pageInfo.endCursor;
    expect(after).toBeTruthy();
    const next = await stack.query<{ job: { jobId: string; sessions: { nodes: unknown[] } } }>(
      `query S($farmId: ID!, $queueId: ID!, $jobId: ID!, $after: String) {
         job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { jobId sessions(first: 1, after: $after) { nodes { id } } } }`,
      { ...key, after },
    );
    expect(next.errors).toBeUndefined();
    expect(next.data?.job.sessions.nodes).toHaveLength(1);
    expect(next.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
  });

  it('looks the job up when sessions(first: 0) makes no call', async () => {
    const found = await stack.query<JobOut>(SESSIONS, { ...someJob(), first: 0 });
    expect(found.errors).toBeUndefined();
    expect(found.data?.job?.sessions.edges).toEqual([]);
    expect(found.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });

    const missing = await stack.query<JobOut>(SESSIONS, { ...missingJob(), first: 0 });
    expect(missing.data).toEqual({ job: null });
    expect(missing.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(missing.errors?.[0]?.message).toContain(`job-${ZEROS} does not exist`);
  });

  it('keeps the lookup for key fields alone, so a missing job is never a silent answer', async () => {
    const query = `query J($farmId: ID!, $queueId: ID!, $jobId: ID!, $s: Boolean = false) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { jobId sessions @include(if: $s) { nodes { id } } }
    }`;
    const found = await stack.query<JobOut>(query, someJob());
    expect(found.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });

    const missing = await stack.query<JobOut>(query, missingJob());
    expect(missing.data).toEqual({ job: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['job']]]);
    expect(missing.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });
  });

  it('counts fragments: a fragment asking for another field keeps the lookup', async () => {
    const query = `query J($farmId: ID!, $queueId: ID!, $jobId: ID!) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { ...Keys ... on Job { priority } }
    }
    fragment Keys on Job { id sessions(first: 5) { nodes { id } } }`;
    const response = await stack.query<JobOut>(query, someJob());
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1, ListSessions: 1 });
  });
});

/**
 * The same for the other root lookups: farm (queues, fleets), queue (jobs), fleet (workers). Each case: the lookup's
 * arguments for an existing and a missing parent, the selection, and the calls each makes.
 */
interface ParentCase {
  lookup: string;
  args: string;
  key: () => Record<string, string>;
  missing: () => Record<string, string>;
  keyFields: string;
  list: string;
  listCall: string;
  getCall: string;
  missingMessage: (key: Record<string, string>) => string;
}

function someFarm() {
  const farmId = dataset.farms[0]?.farmId;
  if (!farmId) throw new Error('no farm');
  return { farmId };
}

function someQueue() {
  const { farmId, queueId } = someJob();
  return { farmId, queueId };
}

function someFleet() {
  const [farmId, fleets] = [...dataset.fleets].find(([, fleets]) => fleets.length > 0) ?? [];
  const fleetId = fleets?.[0]?.fleetId;
  if (!farmId || !fleetId) throw new Error('no fleet');
  return { farmId, fleetId };
}

const PARENTS: ParentCase[] = [
  {
    lookup: 'farm',
    args: 'farmId: $farmId',
    key: someFarm,
    missing: () => ({ farmId: `farm-${ZEROS}` }),
    keyFields: 'id farmId',
    list: 'queues',
    listCall: 'ListQueues',
    getCall: 'GetFarm',
    missingMessage: (key) => `Farm ${key.farmId} does not exist`,
  },
  {
    lookup: 'farm',
    args: 'farmId: $farmId',
    key: someFarm,
    missing: () => ({ farmId: `farm-${ZEROS}` }),
    keyFields: 'farmId',
    list: 'fleets',
    listCall: 'ListFleets',
    getCall: 'GetFarm',
    missingMessage: (key) => `Farm ${key.farmId} does not exist`,
  },
  {
    lookup: 'queue',
    args: 'farmId: $farmId, queueId: $queueId',
    key: someQueue,
    missing: () => ({ ...someQueue(), queueId: `queue-${ZEROS}` }),
    keyFields: 'id farmId queueId',
    list: 'jobs',
    listCall: 'ListJobs',
    getCall: 'GetQueue',
    missingMessage: (key) => `Queue ${key.farmId}/${key.queueId} does not exist`,
  },
  {
    lookup: 'fleet',
    args: 'farmId: $farmId, fleetId: $fleetId',
    key: someFleet,
    missing: () => ({ ...someFleet(), fleetId: `fleet-${ZEROS}` }),
    keyFields: 'id farmId fleetId',
    list: 'workers',
    listCall: 'ListWorkers',
    getCall: 'GetFleet',
    missingMessage: (key) => `Fleet ${key.farmId}/${key.fleetId} does not exist`,
  },
];

describe.each(PARENTS)('$lookup(…) with only key fields and $list', (c) => {
  const variables = c.args.match(/\$\w+/g)?.map((v) => `${v}: ID!`) ?? [];
  const query = (selection: string) =>
    `query P(${[...variables, '$first: Int = 5'].join(', ')}) { ${c.lookup}(${c.args}) { ${selection} } }`;
  const withList = query(`${c.keyFields} __typename ${c.list}(first: $first) { nodes { id } }`);
  type Out = Record<string, { [list: string]: { nodes: unknown[] } } | null>;

  it(`makes ${c.listCall} only, and answers as the lookup would`, async () => {
    const response = await stack.query<Out>(withList, c.key());
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ [c.listCall]: 1 });
    expect(response.data?.[c.lookup]?.[c.list]?.nodes.length).toBeGreaterThan(0);
  });

  it(`gives null and a NOT_FOUND naming the ${c.lookup} when it does not exist`, async () => {
    const key = c.missing();
    const response = await stack.query<Out>(withList, key);
    expect(response.data).toEqual({ [c.lookup]: null });
    expect(response.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', [c.lookup]]]);
    expect(response.errors?.[0]?.message).toContain(c.missingMessage(key));
    expect(response.extensions?.upstream?.byOperation).toEqual({ [c.listCall]: 1 });
  });

  it(`looks the ${c.lookup} up when the list makes no call (first: 0) or another field is selected`, async () => {
    const empty = await stack.query<Out>(withList, { ...c.key(), first: 0 });
    expect(empty.errors).toBeUndefined();
    expect(empty.extensions?.upstream?.byOperation).toEqual({ [c.getCall]: 1 });
    const missing = await stack.query<Out>(withList, { ...c.missing(), first: 0 });
    expect(missing.data).toEqual({ [c.lookup]: null });
    expect(missing.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

    const other = await stack.query<Out>(
      query(`${c.keyFields} description ${c.list}(first: $first) { nodes { id } }`),
      c.key(),
    );
    expect(other.errors).toBeUndefined();
    expect(other.extensions?.upstream?.byOperation).toEqual({ [c.getCall]: 1, [c.listCall]: 1 });
  });
});

describe('two lists under one lookup: the lookup waits for a first page instead of its Get', () => {
  const query = `query F($farmId: ID!, $first: Int = 2, $after: String) { farm(farmId: $farmId) { farmId queues(first: $first) { nodes { id } } fleets(first: 2, after: $after) { nodes { id } } } }`;
  const aliased = `query F($farmId: ID!) { farm(farmId: $farmId) { farmId a: queues(first: 1) { nodes { id } } b: queues(first: 2) { nodes { id } } } }`;

  it('farm { queues fleets }: ListQueues + ListFleets only; a missing farm: null, one NOT_FOUND at ["farm"]', async () => {
    const found = await stack.query<{ farm: { queues: { nodes: unknown[] }; fleets: { nodes: unknown[] } } }>(
      query,
      someFarm(),
    );
    expect(found.errors).toBeUndefined();
    expect(found.extensions?.upstream?.byOperation).toEqual({ ListQueues: 1, ListFleets: 1 });
    expect(found.data?.farm.queues.nodes.length).toBeGreaterThan(0);
    expect(found.data?.farm.fleets.nodes.length).toBeGreaterThan(0);

    const key = { farmId: `farm-${ZEROS}` };
    const missing = await stack.query(query, key);
    expect(missing.data).toEqual({ farm: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['farm']]]);
    expect(missing.errors?.[0]?.message).toContain(`Farm ${key.farmId} does not exist`);
    // Both first pages were started with the lookup (the price of one round less when the farm exists).
    expect(missing.extensions?.upstream?.byOperation).toEqual({ ListQueues: 1, ListFleets: 1 });
  });

  it('one list under two aliases: one ListQueues; a missing farm: one NOT_FOUND at ["farm"]', async () => {
    const found = await stack.query(aliased, someFarm());
    expect(found.errors).toBeUndefined();
    expect(found.extensions?.upstream?.byOperation).toEqual({ ListQueues: 1 });
    const missing = await stack.query(aliased, { farmId: `farm-${ZEROS}` });
    expect(missing.data).toEqual({ farm: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['farm']]]);
  });

  it("a failure of the proof page other than NOT_FOUND is the list's: the farm is looked up, fleets intact", async () => {
    stack.emulator?.failNext('ListQueues', 'ThrottlingException');
    const farm = someFarm();
    const throttled = await stack.query<{
      farm: { farmId: string; queues: unknown; fleets: { nodes: unknown[] } | null } | null;
    }>(query, farm);
    expect(throttled.data?.farm?.farmId).toBe(farm.farmId);
    expect(throttled.data?.farm?.queues).toBeNull();
    expect(throttled.data?.farm?.fleets?.nodes).toHaveLength(2);
    expect(throttled.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['UPSTREAM_THROTTLED', ['farm', 'queues']],
    ]);
    expect(throttled.extensions?.upstream?.byOperation).toEqual({ ListQueues: 1, ListFleets: 1, GetFarm: 1 });
  });

  it('a list left out by @skip is not a list: one list left proves the farm through its own call', async () => {
    const skipped = `query F($farmId: ID!, $skip: Boolean!) { farm(farmId: $farmId) { farmId queues(first: 2) { nodes { id } } fleets(first: 2) @skip(if: $skip) { nodes { id } } } }`;
    const found = await stack.query(skipped, { ...someFarm(), skip: true });
    expect(found.errors).toBeUndefined();
    expect(found.extensions?.upstream?.byOperation).toEqual({ ListQueues: 1 });
    const missing = await stack.query(skipped, { farmId: `farm-${ZEROS}`, skip: true });
    expect(missing.data).toEqual({ farm: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['farm']]]);
  });

  it('a list resumed with `after:` proves the farm with its own call (queues: first: 0 makes none)', async () => {
    const farm = someFarm();
    const page = await stack.query<{ farm: { fleets: { pageInfo: { endCursor: string } } } }>(
      `query F($farmId: ID!) { farm(farmId: $farmId) { fleets(first: 1) { pageInfo { endCursor } } } }`,
      farm,
    );
    const after = page.data?.farm.fleets.pageInfo.endCursor;
    expect(after).toBeTruthy();
    const found = await stack.query(query, { ...farm, first: 0, after });
    expect(found.errors).toBeUndefined();
    expect(found.extensions?.upstream?.byOperation).toEqual({ ListFleets: 1 });
  });

  it('keeps the Get when no list makes a call (first: 0 on both)', async () => {
    const both = `query F($farmId: ID!) { farm(farmId: $farmId) { farmId queues(first: 0) { nodes { id } } fleets(first: 0) { nodes { id } } } }`;
    const found = await stack.query(both, someFarm());
    expect(found.errors).toBeUndefined();
    expect(found.extensions?.upstream?.byOperation).toEqual({ GetFarm: 1 });
    const missing = await stack.query(both, { farmId: `farm-${ZEROS}` });
    expect(missing.data).toEqual({ farm: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['farm']]]);
  });
});

describe("first pages started ahead go out together with the request's batches", () => {
  it('a: queue(…) { jobs } b: farm(…) { displayName }: ListJobs and GetFarm in flight at once (one round)', async () => {
    const slow = await startTestStack({ emulator: { latencyMs: 100 } });
    try {
      const { farmId, queueId } = someJob(slow.emulator?.dataset as Dataset);
      slow.emulator?.resetMaxInFlight();
      const response = await slow.query(
        `query Q($farmId: ID!, $queueId: ID!) { a: queue(farmId: $farmId, queueId: $queueId) { queueId jobs(first: 2) { nodes { jobId } } } b: farm(farmId: $farmId) { displayName } }`,
        { farmId, queueId },
      );
      expect(response.errors).toBeUndefined();
      expect(response.extensions?.upstream?.byOperation).toEqual({ ListJobs: 1, GetFarm: 1 });
      // The connection joins the page its lookup started instead of calling at once, so the Get's batch is not
      // held back behind it.
      expect(slow.emulator?.maxInFlight()).toBe(2);
    } finally {
      await slow.close();
    }
  });
});
