import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { codes, type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Lookups by ID through the real stack: `node(id:)` refetches every type at the cost of one upstream call,
 * `nodes(ids:)` batches per type, and unknown IDs give NOT_FOUND on their own field only.
 */
let stack: TestStack;
let dataset: Dataset;

const ZEROS = '0'.repeat(32);
const MISSING = {
  farmId: `farm-${ZEROS}`,
  queueId: `queue-${ZEROS}`,
  jobId: `job-${ZEROS}`,
  sessionId: `session-${ZEROS}`,
  fleetId: `fleet-${ZEROS}`,
  workerId: `worker-${ZEROS}`,
};
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The same encoding as graphql-relay's toGlobalId. */
const globalId = (type: string, path: string) => Buffer.from(`${type}:${path}`, 'utf8').toString('base64');

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

/** Runs a query and returns the response with the emulator's per-operation call delta. */
async function run<T>(query: string, variables: Record<string, unknown> = {}) {
  const before = stack.emulator?.calls() ?? {};
  const response = await stack.query<T>(query, variables);
  const after = stack.emulator?.calls() ?? {};
  const delta: Record<string, number> = {};
  for (const [operation, count] of Object.entries(after)) {
    const d = count - (before[operation] ?? 0);
    if (d > 0) delta[operation] = d;
  }
  return { response, delta };
}

function firstFarm() {
  const farm = dataset.farms[0];
  if (!farm) throw new Error('no farm');
  return farm;
}
function queuesOf(farmId: string) {
  return dataset.queues.get(farmId) ?? [];
}
function jobsOf(farmId: string, queueId: string) {
  return dataset.jobs.get(`${farmId}/${queueId}`) ?? [];
}
function sessionsOf(farmId: string, queueId: string, jobId: string) {
  return dataset.sessions.get(`${farmId}/${queueId}/${jobId}`) ?? [];
}
function fleetsOf(farmId: string) {
  return dataset.fleets.get(farmId) ?? [];
}
function workersOf(farmId: string, fleetId: string) {
  return dataset.workers.get(`${farmId}/${fleetId}`) ?? [];
}

interface Ids {
  id: string;
}
interface FarmOut extends Ids {
  farmId: string;
  displayName: string;
  createdAt: string;
  updatedAt: string | null;
}
interface QueueOut extends Ids {
  farmId: string;
  queueId: string;
  displayName: string;
  status: string;
  createdAt: string;
}
interface JobOut extends Ids {
  farmId: string;
  queueId: string;
  jobId: string;
  name: string;
  lifecycleStatus: string;
  createdAt: string;
}
interface SessionOut extends Ids {
  farmId: string;
  queueId: string;
  jobId: string;
  sessionId: string;
  fleetId: string;
  workerId: string;
  lifecycleStatus: string;
  startedAt: string;
}
interface FleetOut extends Ids {
  farmId: string;
  fleetId: string;
  displayName: string;
  status: string;
  createdAt: string;
}
interface WorkerOut extends Ids {
  farmId: string;
  fleetId: string;
  workerId: string;
  status: string;
  hostName: string | null;
  createdAt: string;
}

const FARM_FIELDS = 'id farmId displayName createdAt updatedAt';
const QUEUE_FIELDS = 'id farmId queueId displayName status createdAt';
const JOB_FIELDS = 'id farmId queueId jobId name lifecycleStatus createdAt';
const SESSION_FIELDS = 'id farmId queueId jobId sessionId fleetId workerId lifecycleStatus startedAt';
const FLEET_FIELDS = 'id farmId fleetId displayName status createdAt';
const WORKER_FIELDS = 'id farmId fleetId workerId status hostName createdAt';

describe('node(id:) refetches every entity type', () => {
  let farm: FarmOut;
  let queue: QueueOut;
  let job: JobOut;
  let session: SessionOut;
  let sessionFleet: FleetOut;
  let sessionWorker: WorkerOut;
  let fleet: FleetOut;
  let worker: WorkerOut;

  beforeAll(async () => {
    type Tree = {
      farms: {
        nodes: Array<
          FarmOut & {
            queues: {
              nodes: Array<
                QueueOut & {
                  jobs: {
                    nodes: Array<
                      JobOut & {
                        sessions: { nodes: Array<SessionOut & { fleet: FleetOut; worker: WorkerOut }> };
                      }
                    >;
                  };
                }
              >;
            };
            fleets: { nodes: Array<FleetOut & { workers: { nodes: WorkerOut[] } }> };
          }
        >;
      };
    };
    const response = await stack.query<Tree>(`{
      farms(first: 1) { nodes { ${FARM_FIELDS}
        queues(first: 1) { nodes { ${QUEUE_FIELDS}
          jobs(first: 30) { nodes { ${JOB_FIELDS}
            sessions(first: 1) { nodes { ${SESSION_FIELDS}
              fleet { ${FLEET_FIELDS} } worker { ${WORKER_FIELDS} } } } } } } }
        fleets(first: 1) { nodes { ${FLEET_FIELDS} workers(first: 1) { nodes { ${WORKER_FIELDS} } } } } } }
    }`);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const f = response.data?.farms.nodes[0];
    const q = f?.queues.nodes[0];
    const j = q?.jobs.nodes.find((candidate) => candidate.sessions.nodes.length > 0);
    const s = j?.sessions.nodes[0];
    const fl = f?.fleets.nodes[0];
    const w = fl?.workers.nodes[0];
    if (!f || !q || !j || !s || !fl || !w) throw new Error('the seeded tree lacks an entity');
    const { sessions: _s, ...jobFields } = j;
    const { fleet: sf, worker: sw, ...sessionFields } = s;
    const { workers: _w, ...fleetFields } = fl;
    farm = {
      farmId: f.farmId,
      id: f.id,
      displayName: f.displayName,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
    };
    queue = {
      id: q.id,
      farmId: q.farmId,
      queueId: q.queueId,
      displayName: q.displayName,
      status: q.status,
      createdAt: q.createdAt,
    };
    job = jobFields;
    session = sessionFields;
    sessionFleet = sf;
    sessionWorker = sw;
    fleet = fleetFields;
    worker = w;
  });

  async function refetch<T>(id: string, typeName: string, fields: string, operation: string): Promise<T> {
    const { response, delta } = await run<{ node: (T & { __typename: string }) | null }>(
      `query($id: ID!) { node(id: $id) { __typename ... on ${typeName} { ${fields} } } }`,
      { id },
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data?.node?.__typename).toBe(typeName);
    expect(response.extensions?.upstream?.byOperation).toEqual({ [operation]: 1 });
    expect(response.extensions?.upstream?.calls).toBe(1);
    expect(delta).toEqual({ [operation]: 1 });
    const node = response.data?.node;
    if (!node) throw new Error(`node(id:) returned no ${typeName}`);
    const { __typename: _, ...rest } = node;
    return rest as T;
  }

  it('Farm → one GetFarm', async () => {
    const again = await refetch<FarmOut>(farm.id, 'Farm', FARM_FIELDS, 'GetFarm');
    expect(again).toEqual(farm);
    const record = dataset.farms.find((candidate) => candidate.farmId === farm.farmId);
    expect(again.displayName).toBe(record?.displayName);
    expect(again.createdAt).toBe(record?.createdAt);
    expect(again.updatedAt).toBe(record?.updatedAt ?? null);
  });

  it('Queue → one GetQueue', async () => {
    const again = await refetch<QueueOut>(queue.id, 'Queue', QUEUE_FIELDS, 'GetQueue');
    expect(again).toEqual(queue);
    const record = queuesOf(queue.farmId).find((candidate) => candidate.queueId === queue.queueId);
    expect(again.displayName).toBe(record?.displayName);
    expect(again.status).toBe(record?.status);
  });

  it('Job → one BatchGetJob', async () => {
    const again = await refetch<JobOut>(job.id, 'Job', JOB_FIELDS, 'BatchGetJob');
    expect(again).toEqual(job);
    const record = jobsOf(job.farmId, job.queueId).find((candidate) => candidate.jobId === job.jobId);
    expect(again.name).toBe(record?.name);
    expect(again.lifecycleStatus).toBe(record?.lifecycleStatus);
    expect(again.createdAt).toBe(record?.createdAt);
  });

  it('Session → one BatchGetSession', async () => {
    const again = await refetch<SessionOut>(session.id, 'Session', SESSION_FIELDS, 'BatchGetSession');
    expect(again).toEqual(session);
    const record = sessionsOf(session.farmId, session.queueId, session.jobId).find(
      (candidate) => candidate.sessionId === session.sessionId,
    );
    expect(again.fleetId).toBe(record?.fleetId);
    expect(again.workerId).toBe(record?.workerId);
    expect(again.startedAt).toBe(record?.startedAt);
  });

  it('Fleet (from a session and from farm.fleets) → one GetFleet', async () => {
    for (const original of [sessionFleet, fleet]) {
      const again = await refetch<FleetOut>(original.id, 'Fleet', FLEET_FIELDS, 'GetFleet');
      expect(again).toEqual(original);
      const record = fleetsOf(original.farmId).find((candidate) => candidate.fleetId === original.fleetId);
      expect(again.displayName).toBe(record?.displayName);
      expect(again.status).toBe(record?.status);
    }
    expect(sessionFleet.fleetId).toBe(session.fleetId);
  });

  it('Worker (from a session and from fleet.workers) → one BatchGetWorker', async () => {
    for (const original of [sessionWorker, worker]) {
      const again = await refetch<WorkerOut>(original.id, 'Worker', WORKER_FIELDS, 'BatchGetWorker');
      expect(again).toEqual(original);
      const record = workersOf(original.farmId, original.fleetId).find(
        (candidate) => candidate.workerId === original.workerId,
      );
      expect(again.status).toBe(record?.status);
      expect(again.hostName).toBe(record?.hostProperties?.hostName ?? null);
      expect(again.createdAt).toBe(record?.createdAt);
    }
    expect(sessionWorker.workerId).toBe(session.workerId);
  });
});

describe('nodes(ids:) batches by type', () => {
  it('40 jobs + 30 sessions + 3 fleets + 2 farms → 1 BatchGetJob, 1 BatchGetSession, 3 GetFleet, 2 GetFarm', async () => {
    const farm = firstFarm();
    type Listing = {
      farms: { nodes: Array<{ id: string; farmId: string }> };
      farm: {
        fleets: { nodes: Array<{ id: string; fleetId: string }> };
        queues: { nodes: Array<{ jobs: { nodes: Array<{ id: string; jobId: string }> } }> };
      };
      job: { sessions: { nodes: Array<{ id: string; sessionId: string }> } };
    };
    const edge = dataset.edgeJobs.get(99);
    if (!edge) throw new Error('no edge job');
    const listing = await stack.query<Listing>(
      `query($f: ID!, $q: ID!, $j: ID!) {
        farms(first: 2) { nodes { id farmId } }
        farm(farmId: $f) {
          fleets(first: 3) { nodes { id fleetId } }
          queues(first: 5) { nodes { jobs(first: 100) { nodes { id jobId } } } }
        }
        job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: 30) { nodes { id sessionId } } }
      }`,
      { f: farm.farmId, q: edge.queueId, j: edge.jobId },
    );
    expect(listing.errors, JSON.stringify(listing.errors)).toBeUndefined();
    const data = listing.data as Listing;
    const jobIds = data.farm.queues.nodes.flatMap((q) => q.jobs.nodes.map((j) => j.id)).slice(0, 40);
    const sessionIds = data.job.sessions.nodes.map((s) => s.id);
    const fleetIds = data.farm.fleets.nodes.map((f) => f.id);
    const farmIds = data.farms.nodes.map((f) => f.id);
    expect([jobIds.length, sessionIds.length, fleetIds.length, farmIds.length]).toEqual([40, 30, 3, 2]);

    // Interleave the types, then add duplicates: the result order must follow `ids` exactly.
    const pools = [jobIds, sessionIds, fleetIds, farmIds].map((pool) => [...pool]);
    const ids: string[] = [];
    while (pools.some((pool) => pool.length > 0)) {
      for (const pool of pools) {
        const next = pool.shift();
        if (next !== undefined) ids.push(next);
      }
    }
    const duplicates = [jobIds[0], sessionIds[5], fleetIds[2], farmIds[1], jobIds[39], jobIds[0]] as string[];
    const requested = [...ids, ...duplicates];
    expect(requested.length).toBe(81);

    const { response, delta } = await run<{ nodes: Array<{ id: string; __typename: string } | null> }>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }',
      { ids: requested },
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data?.nodes.map((node) => node?.id)).toEqual(requested);
    const typeOf = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[0];
    expect(response.data?.nodes.map((node) => node?.__typename)).toEqual(requested.map(typeOf));
    const expected = { BatchGetJob: 1, BatchGetSession: 1, GetFleet: 3, GetFarm: 2 };
    expect(response.extensions?.upstream?.byOperation).toEqual(expected);
    expect(response.extensions?.upstream?.calls).toBe(7);
    expect(delta).toEqual(expected);

    // The same set without the duplicates costs the same.
    const unique = await run('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(unique.response.extensions?.upstream?.byOperation).toEqual(expected);
    expect(unique.delta).toEqual(expected);
  });

  it('resolved nodes carry their own data (not a neighbour’s)', async () => {
    const farm = firstFarm();
    const queue = queuesOf(farm.farmId)[1];
    if (!queue) throw new Error('no second queue');
    const jobs = jobsOf(farm.farmId, queue.queueId).slice(0, 5);
    const ids = jobs.map((job) => globalId('Job', `${farm.farmId}/${queue.queueId}/${job.jobId}`)).reverse();
    const { response } = await run<{
      nodes: Array<{ jobId: string; name: string; priority: number } | null>;
    }>('query($ids: [ID!]!) { nodes(ids: $ids) { ... on Job { jobId name priority } } }', { ids });
    expect(response.errors).toBeUndefined();
    expect(response.data?.nodes).toEqual(
      [...jobs].reverse().map((job) => ({ jobId: job.jobId, name: job.name, priority: job.priority })),
    );
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });
  });

  it('more than 100 ids → BAD_USER_INPUT, zero upstream calls; exactly 100 is fine', async () => {
    const farm = firstFarm();
    const farmId = globalId('Farm', farm.farmId);
    const tooMany = await run('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array.from({ length: 101 }, () => farmId),
    });
    expect(codes(tooMany.response)).toEqual(['BAD_USER_INPUT']);
    expect(tooMany.response.status).toBe(400); // refused by the preflight, before execution
    expect(tooMany.response.errors?.[0]?.message).toMatch(/100/);
    expect(tooMany.response.data ?? null).toBeNull();
    expect(tooMany.response.extensions?.upstream?.calls).toBe(0);
    expect(tooMany.delta).toEqual({});

    const hundred = await run<{ nodes: Array<{ id: string } | null> }>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids: Array.from({ length: 100 }, () => farmId) },
    );
    expect(hundred.response.errors).toBeUndefined();
    expect(hundred.response.data?.nodes).toHaveLength(100);
    expect(hundred.response.extensions?.upstream?.byOperation).toEqual({ GetFarm: 1 });
    expect(hundred.delta).toEqual({ GetFarm: 1 });
  });
});

describe('unknown but well-formed IDs: NOT_FOUND on that field only', () => {
  function expectOneNotFound(response: GraphQLResponse<unknown>, path: Array<string | number>) {
    expect(response.status).toBe(200);
    expect(codes(response), JSON.stringify(response.errors)).toEqual(['NOT_FOUND']);
    expect(response.errors?.[0]?.path).toEqual(path);
    expect(response.errors?.[0]?.message).toMatch(/does not exist/);
  }

  it('Query.farm / queue / job / session / fleet / worker', async () => {
    const farm = firstFarm();
    const queue = queuesOf(farm.farmId)[0];
    const job =
      queue &&
      jobsOf(farm.farmId, queue.queueId).find(
        (j) => sessionsOf(farm.farmId, queue.queueId, j.jobId).length > 0,
      );
    const session = queue && job && sessionsOf(farm.farmId, queue.queueId, job.jobId)[0];
    const fleet = fleetsOf(farm.farmId)[0];
    const worker = fleet && workersOf(farm.farmId, fleet.fleetId)[0];
    if (!queue || !job || !session || !fleet || !worker) throw new Error('dataset lacks an entity');
    const f = farm.farmId;
    const q = queue.queueId;
    const j = job.jobId;
    const fl = fleet.fleetId;
    const cases: Array<{ a: string; b: string; name: string; expectA: unknown }> = [
      {
        a: `farm(farmId: "${f}") { displayName }`,
        b: `farm(farmId: "${MISSING.farmId}") { displayName }`,
        name: 'displayName',
        expectA: { displayName: farm.displayName },
      },
      {
        a: `queue(farmId: "${f}", queueId: "${q}") { displayName }`,
        b: `queue(farmId: "${f}", queueId: "${MISSING.queueId}") { displayName }`,
        name: 'queue',
        expectA: { displayName: queue.displayName },
      },
      {
        a: `job(farmId: "${f}", queueId: "${q}", jobId: "${j}") { name }`,
        b: `job(farmId: "${f}", queueId: "${q}", jobId: "${MISSING.jobId}") { name }`,
        name: 'job',
        expectA: { name: job.name },
      },
      {
        a: `session(farmId: "${f}", queueId: "${q}", jobId: "${j}", sessionId: "${session.sessionId}") { workerId }`,
        b: `session(farmId: "${f}", queueId: "${q}", jobId: "${j}", sessionId: "${MISSING.sessionId}") { workerId }`,
        name: 'session',
        expectA: { workerId: session.workerId },
      },
      {
        a: `fleet(farmId: "${f}", fleetId: "${fl}") { displayName }`,
        b: `fleet(farmId: "${f}", fleetId: "${MISSING.fleetId}") { displayName }`,
        name: 'fleet',
        expectA: { displayName: fleet.displayName },
      },
      {
        a: `worker(farmId: "${f}", fleetId: "${fl}", workerId: "${worker.workerId}") { status }`,
        b: `worker(farmId: "${f}", fleetId: "${fl}", workerId: "${MISSING.workerId}") { status }`,
        name: 'worker',
        expectA: { status: worker.status },
      },
      // A missing parent: the job's queue does not exist.
      {
        a: `job(farmId: "${f}", queueId: "${q}", jobId: "${j}") { name }`,
        b: `job(farmId: "${f}", queueId: "${MISSING.queueId}", jobId: "${j}") { name }`,
        name: 'job under a missing queue',
        expectA: { name: job.name },
      },
    ];
    for (const { a, b, name, expectA } of cases) {
      const { response } = await run<{ a: unknown; b: unknown }>(`{ a: ${a} b: ${b} }`);
      expectOneNotFound(response, ['b']);
      expect(response.data?.a, name).toEqual(expectA);
      expect(response.data?.b, name).toBeNull();
      expect(response.data && 'b' in response.data, name).toBe(true);
    }
  });

  it('nested Farm.queue, Queue.job, Job.session, Fleet.worker, Farm.fleet', async () => {
    const farm = firstFarm();
    const queue = queuesOf(farm.farmId)[0];
    const job =
      queue &&
      jobsOf(farm.farmId, queue.queueId).find(
        (j) => sessionsOf(farm.farmId, queue.queueId, j.jobId).length > 0,
      );
    const session = queue && job && sessionsOf(farm.farmId, queue.queueId, job.jobId)[0];
    const fleet = fleetsOf(farm.farmId)[0];
    const worker = fleet && workersOf(farm.farmId, fleet.fleetId)[0];
    if (!queue || !job || !session || !fleet || !worker) throw new Error('dataset lacks an entity');
    const cases: Array<{ query: string; path: Array<string | number>; parent: string; present: unknown }> = [
      {
        query: `{ p: farm(farmId: "${farm.farmId}") { a: queue(queueId: "${queue.queueId}") { displayName } b: queue(queueId: "${MISSING.queueId}") { displayName } } }`,
        path: ['p', 'b'],
        parent: 'Farm.queue',
        present: { displayName: queue.displayName },
      },
      {
        query: `{ p: farm(farmId: "${farm.farmId}") { a: fleet(fleetId: "${fleet.fleetId}") { displayName } b: fleet(fleetId: "${MISSING.fleetId}") { displayName } } }`,
        path: ['p', 'b'],
        parent: 'Farm.fleet',
        present: { displayName: fleet.displayName },
      },
      {
        query: `{ p: queue(farmId: "${farm.farmId}", queueId: "${queue.queueId}") { a: job(jobId: "${job.jobId}") { name } b: job(jobId: "${MISSING.jobId}") { name } } }`,
        path: ['p', 'b'],
        parent: 'Queue.job',
        present: { name: job.name },
      },
      {
        query: `{ p: job(farmId: "${farm.farmId}", queueId: "${queue.queueId}", jobId: "${job.jobId}") { a: session(sessionId: "${session.sessionId}") { workerId } b: session(sessionId: "${MISSING.sessionId}") { workerId } } }`,
        path: ['p', 'b'],
        parent: 'Job.session',
        present: { workerId: session.workerId },
      },
      {
        query: `{ p: fleet(farmId: "${farm.farmId}", fleetId: "${fleet.fleetId}") { a: worker(workerId: "${worker.workerId}") { status } b: worker(workerId: "${MISSING.workerId}") { status } } }`,
        path: ['p', 'b'],
        parent: 'Fleet.worker',
        present: { status: worker.status },
      },
    ];
    for (const { query, path, parent, present } of cases) {
      const { response } = await run<{ p: { a: unknown; b: unknown } | null }>(query);
      expectOneNotFound(response, path);
      expect(response.data?.p, parent).not.toBeNull();
      expect(response.data?.p?.a, parent).toEqual(present);
      expect(response.data?.p?.b, parent).toBeNull();
    }
  });

  it('node(id:) with a well-formed global ID of a missing object, for every type', async () => {
    const farm = firstFarm();
    const queue = queuesOf(farm.farmId)[0];
    const job = queue && jobsOf(farm.farmId, queue.queueId)[0];
    const fleet = fleetsOf(farm.farmId)[0];
    if (!queue || !job || !fleet) throw new Error('dataset lacks an entity');
    const f = farm.farmId;
    const q = queue.queueId;
    const fl = fleet.fleetId;
    const missing: Array<[string, string, string]> = [
      ['Farm', MISSING.farmId, 'GetFarm'],
      ['Queue', `${f}/${MISSING.queueId}`, 'GetQueue'],
      ['Job', `${f}/${q}/${MISSING.jobId}`, 'BatchGetJob'],
      ['Session', `${f}/${q}/${job.jobId}/${MISSING.sessionId}`, 'BatchGetSession'],
      ['Fleet', `${f}/${MISSING.fleetId}`, 'GetFleet'],
      ['Worker', `${f}/${fl}/${MISSING.workerId}`, 'BatchGetWorker'],
    ];
    const present = globalId('Farm', f);
    for (const [type, path, operation] of missing) {
      const { response, delta } = await run<{ a: { id: string } | null; b: { id: string } | null }>(
        'query($a: ID!, $b: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } }',
        { a: present, b: globalId(type, path) },
      );
      expectOneNotFound(response, ['b']);
      expect(response.data?.a, type).toEqual({ id: present });
      expect(response.data?.b, type).toBeNull();
      expect(response.errors?.[0]?.extensions?.resourceType ?? type, type).toBe(type);
      const expected = operation === 'GetFarm' ? { GetFarm: 2 } : { GetFarm: 1, [operation]: 1 };
      expect(response.extensions?.upstream?.byOperation, type).toEqual(expected);
      expect(delta, type).toEqual(expected);
    }
  });

  it('nodes(ids:) with existing and missing IDs: the missing entries are null with an error at their index', async () => {
    const farm = firstFarm();
    const queue = queuesOf(farm.farmId)[0];
    const jobs = queue ? jobsOf(farm.farmId, queue.queueId).slice(0, 2) : [];
    if (!queue || jobs.length < 2) throw new Error('dataset lacks jobs');
    const jobId = (id: string) => globalId('Job', `${farm.farmId}/${queue.queueId}/${id}`);
    const ids = [
      jobId(jobs[0]?.jobId as string),
      jobId(MISSING.jobId),
      globalId('Farm', farm.farmId),
      globalId('Farm', MISSING.farmId),
      jobId(jobs[1]?.jobId as string),
      globalId('Queue', `${farm.farmId}/${MISSING.queueId}`),
    ];
    const { response, delta } = await run<{ nodes: Array<{ id: string } | null> }>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids },
    );
    expect(response.status).toBe(200);
    expect(response.data?.nodes).toEqual([{ id: ids[0] }, null, { id: ids[2] }, null, { id: ids[4] }, null]);
    const errors = [...(response.errors ?? [])].sort((x, y) => Number(x.path?.[1]) - Number(y.path?.[1]));
    expect(errors.map((error) => error.path)).toEqual([
      ['nodes', 1],
      ['nodes', 3],
      ['nodes', 5],
    ]);
    expect(errors.map((error) => error.extensions?.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const expected = { BatchGetJob: 1, GetFarm: 2, GetQueue: 1 };
    expect(response.extensions?.upstream?.byOperation).toEqual(expected);
    expect(delta).toEqual(expected);
  });

  it('nodes(ids:) with one malformed ID among good ones: the whole request is refused by the preflight', async () => {
    const farm = firstFarm();
    const malformed = [
      'garbage',
      globalId('Job', `${farm.farmId}/queue-123`),
      globalId('Pet', farm.farmId),
      // Non-canonical base64 (no padding) of a valid ID: refused, an ID has one spelling only.
      globalId('Queue', `${farm.farmId}/${MISSING.queueId}`).replace(/=+$/, ''),
    ];
    for (const bad of malformed) {
      const { response, delta } = await run<{ nodes: unknown }>(
        'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        { ids: [globalId('Farm', farm.farmId), globalId('Farm', MISSING.farmId), bad] },
      );
      expect(response.status, bad).toBe(400);
      expect(codes(response), bad).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.extensions?.argumentName, bad).toBe('ids[2]');
      expect(response.data ?? null, bad).toBeNull();
      expect(response.extensions?.upstream?.calls, bad).toBe(0);
      expect(delta, bad).toEqual({});
    }
  });
});

describe('scalars and enums come out as Deadline sent them', () => {
  it('DateTime is ISO-8601 UTC with milliseconds, equal to the wire string; enums are the upstream values', async () => {
    const farm = firstFarm();
    const edge = dataset.edgeJobs.get(99);
    if (!edge) throw new Error('no edge job');
    type Out = {
      farm: {
        createdAt: string;
        updatedAt: string | null;
        queues: {
          nodes: Array<{
            queueId: string;
            status: string;
            blockedReason: string | null;
            defaultBudgetAction: string;
            createdAt: string;
            updatedAt: string | null;
          }>;
        };
        fleets: {
          nodes: Array<{
            fleetId: string;
            status: string;
            autoScalingStatus: string | null;
            createdAt: string;
            updatedAt: string | null;
            workers: {
              nodes: Array<{ workerId: string; status: string; createdAt: string; updatedAt: string | null }>;
            };
          }>;
        };
      };
      queue: {
        jobs: {
          nodes: Array<{
            jobId: string;
            lifecycleStatus: string;
            taskRunStatus: string | null;
            targetTaskRunStatus: string | null;
            createdAt: string;
            updatedAt: string | null;
            startedAt: string | null;
            endedAt: string | null;
          }>;
        };
      };
      job: {
        sessions: {
          nodes: Array<{
            sessionId: string;
            lifecycleStatus: string;
            targetLifecycleStatus: string | null;
            startedAt: string;
            endedAt: string | null;
            updatedAt: string | null;
          }>;
        };
      };
    };
    const { response } = await run<Out>(
      `query($f: ID!, $q: ID!, $j: ID!) {
        farm(farmId: $f) { createdAt updatedAt
          queues(first: 100) { nodes { queueId status blockedReason defaultBudgetAction createdAt updatedAt } }
          fleets(first: 10) { nodes { fleetId status autoScalingStatus createdAt updatedAt
            workers(first: 100) { nodes { workerId status createdAt updatedAt } } } } }
        queue(farmId: $f, queueId: $q) { jobs(first: 100) { nodes {
          jobId lifecycleStatus taskRunStatus targetTaskRunStatus createdAt updatedAt startedAt endedAt } } }
        job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: 100) { nodes {
          sessionId lifecycleStatus targetLifecycleStatus startedAt endedAt updatedAt } } }
      }`,
      { f: farm.farmId, q: edge.queueId, j: edge.jobId },
    );
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    const data = response.data as Out;
    const stamps: string[] = [];
    const same = (label: string, actual: unknown, wire: unknown) => {
      expect(actual, label).toBe(wire ?? null);
      if (typeof actual === 'string' && /At$/.test(label)) stamps.push(actual);
    };

    same('farm.createdAt', data.farm.createdAt, farm.createdAt);
    same('farm.updatedAt', data.farm.updatedAt, farm.updatedAt);
    const queues = queuesOf(farm.farmId);
    expect(data.farm.queues.nodes.map((q) => q.queueId)).toEqual(queues.map((q) => q.queueId));
    data.farm.queues.nodes.forEach((q, i) => {
      const wire = queues[i];
      same(`queue ${i} status`, q.status, wire?.status);
      same(`queue ${i} blockedReason`, q.blockedReason, wire?.blockedReason);
      same(`queue ${i} defaultBudgetAction`, q.defaultBudgetAction, wire?.defaultBudgetAction);
      same(`queue ${i} createdAt`, q.createdAt, wire?.createdAt);
      same(`queue ${i} updatedAt`, q.updatedAt, wire?.updatedAt);
    });
    const fleets = fleetsOf(farm.farmId);
    expect(data.farm.fleets.nodes.map((f) => f.fleetId)).toEqual(fleets.map((f) => f.fleetId));
    data.farm.fleets.nodes.forEach((f, i) => {
      const wire = fleets[i];
      same(`fleet ${i} status`, f.status, wire?.status);
      same(`fleet ${i} autoScalingStatus`, f.autoScalingStatus, wire?.autoScalingStatus);
      same(`fleet ${i} createdAt`, f.createdAt, wire?.createdAt);
      same(`fleet ${i} updatedAt`, f.updatedAt, wire?.updatedAt);
      const workers = workersOf(farm.farmId, f.fleetId).slice(0, 100);
      expect(f.workers.nodes.map((w) => w.workerId)).toEqual(workers.map((w) => w.workerId));
      f.workers.nodes.forEach((w, k) => {
        same(`worker ${i}/${k} status`, w.status, workers[k]?.status);
        same(`worker ${i}/${k} createdAt`, w.createdAt, workers[k]?.createdAt);
        same(`worker ${i}/${k} updatedAt`, w.updatedAt, workers[k]?.updatedAt);
      });
    });
    const jobs = jobsOf(farm.farmId, edge.queueId).slice(0, 100);
    expect(data.queue.jobs.nodes.map((j) => j.jobId)).toEqual(jobs.map((j) => j.jobId));
    data.queue.jobs.nodes.forEach((j, i) => {
      const wire = jobs[i];
      same(`job ${i} lifecycleStatus`, j.lifecycleStatus, wire?.lifecycleStatus);
      same(`job ${i} taskRunStatus`, j.taskRunStatus, wire?.taskRunStatus);
      same(`job ${i} targetTaskRunStatus`, j.targetTaskRunStatus, wire?.targetTaskRunStatus);
      same(`job ${i} createdAt`, j.createdAt, wire?.createdAt);
      same(`job ${i} updatedAt`, j.updatedAt, wire?.updatedAt);
      same(`job ${i} startedAt`, j.startedAt, wire?.startedAt);
      same(`job ${i} endedAt`, j.endedAt, wire?.endedAt);
    });
    const sessions = sessionsOf(edge.farmId, edge.queueId, edge.jobId);
    expect(data.job.sessions.nodes.map((s) => s.sessionId)).toEqual(sessions.map((s) => s.sessionId));
    data.job.sessions.nodes.forEach((s, i) => {
      const wire = sessions[i];
      same(`session ${i} lifecycleStatus`, s.lifecycleStatus, wire?.lifecycleStatus);
      same(`session ${i} targetLifecycleStatus`, s.targetLifecycleStatus, wire?.targetLifecycleStatus);
      same(`session ${i} startedAt`, s.startedAt, wire?.startedAt);
      same(`session ${i} endedAt`, s.endedAt, wire?.endedAt);
      same(`session ${i} updatedAt`, s.updatedAt, wire?.updatedAt);
    });

    expect(stamps.length).toBeGreaterThan(100);
    for (const stamp of stamps) expect(stamp).toMatch(ISO_UTC_MS);
    // The dataset must exercise non-zero milliseconds, or the check above proves little.
    expect(stamps.some((stamp) => !stamp.endsWith('.000Z'))).toBe(true);
  });

  it('the same DateTimes through node(id:) (detail records) equal the wire strings', async () => {
    const edge = dataset.edgeJobs.get(99);
    if (!edge) throw new Error('no edge job');
    const wire = jobsOf(edge.farmId, edge.queueId).find((job) => job.jobId === edge.jobId);
    const session = sessionsOf(edge.farmId, edge.queueId, edge.jobId).find((s) => s.endedAt !== undefined);
    if (!wire || !session) throw new Error('dataset lacks an ended session');
    const { response } = await run<{
      job: {
        createdAt: string;
        updatedAt: string | null;
        startedAt: string | null;
        endedAt: string | null;
        lifecycleStatus: string;
      };
      session: {
        startedAt: string;
        endedAt: string | null;
        updatedAt: string | null;
        lifecycleStatus: string;
      };
    }>(
      `query($j: ID!, $s: ID!) {
        job: node(id: $j) { ... on Job { createdAt updatedAt startedAt endedAt lifecycleStatus } }
        session: node(id: $s) { ... on Session { startedAt endedAt updatedAt lifecycleStatus } }
      }`,
      {
        j: globalId('Job', `${edge.farmId}/${edge.queueId}/${edge.jobId}`),
        s: globalId('Session', `${edge.farmId}/${edge.queueId}/${edge.jobId}/${session.sessionId}`),
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.job).toEqual({
      createdAt: wire.createdAt,
      updatedAt: wire.updatedAt ?? null,
      startedAt: wire.startedAt ?? null,
      endedAt: wire.endedAt ?? null,
      lifecycleStatus: wire.lifecycleStatus,
    });
    expect(response.data?.session).toEqual({
      startedAt: session.startedAt,
      endedAt: session.endedAt ?? null,
      updatedAt: session.updatedAt ?? null,
      lifecycleStatus: session.lifecycleStatus,
    });
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1, BatchGetSession: 1 });
  });
});

describe('a lookup and the lists under it go out together (src/resolvers/rootLookup.ts)', () => {
  const FARM_AND_QUEUES = /* GraphQL */ `
    query FarmAndQueues($farmId: ID!, $first: Int, $after: String) {
      farm(farmId: $farmId) { displayName queues(first: $first, after: $after) { nodes { queueId } } }
    }
  `;
  type FarmAndQueues = {
    farm: { displayName: string; queues: { nodes: Array<{ queueId: string }> } } | null;
  };

  async function measured(variables: Record<string, unknown>) {
    const emulator = stack.emulator as NonNullable<TestStack['emulator']>;
    emulator.setLatency(100);
    emulator.resetMaxInFlight();
    try {
      const response = await stack.query<FarmAndQueues>(FARM_AND_QUEUES, variables);
      return { response, maxInFlight: emulator.maxInFlight() };
    } finally {
      emulator.setLatency(0);
    }
  }

  it('GetFarm and the first ListQueues are in flight at the same time: one round, not two', async () => {
    const farm = dataset.farms[0] as Dataset['farms'][number];
    const { response, maxInFlight } = await measured({ farmId: farm.farmId, first: 2 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.farm?.displayName).toBe(farm.displayName);
    expect(response.data?.farm?.queues.nodes.map((q) => q.queueId)).toEqual(
      (dataset.queues.get(farm.farmId) ?? []).slice(0, 2).map((q) => q.queueId),
    );
    // The connection used the page started with the lookup: no second ListQueues.
    expect(response.extensions?.upstream?.byOperation).toEqual({ GetFarm: 1, ListQueues: 1 });
    expect(maxInFlight).toBe(2);
  });

  it('starts nothing for `first: 0` or a list resumed from a cursor', async () => {
    const farm = dataset.farms[0] as Dataset['farms'][number];
    const none = await measured({ farmId: farm.farmId, first: 0 });
    expect(none.response.extensions?.upstream?.byOperation).toEqual({ GetFarm: 1 });
    const page = await stack.query<{ farm: { queues: { pageInfo: { endCursor: string } } } }>(
      'query($farmId: ID!) { farm(farmId: $farmId) { queues(first: 1) { pageInfo { endCursor } } } }',
      { farmId: farm.farmId },
    );
    const after = page.data?.farm.queues.pageInfo.endCursor;
    const resumed = await measured({ farmId: farm.farmId, first: 1, after });
    expect(resumed.response.errors).toBeUndefined();
    // The lookup's Get and the resumed page (its own token) run one after the other.
    expect(resumed.maxInFlight).toBe(1);
  });

  it('a missing farm is null with one NOT_FOUND; the page started with it is the only call wasted', async () => {
    const { response } = await measured({ farmId: MISSING.farmId, first: 2 });
    expect(response.data).toEqual({ farm: null });
    expect(codes(response)).toEqual(['NOT_FOUND']);
    expect(response.extensions?.upstream?.byOperation).toEqual({ GetFarm: 1, ListQueues: 1 });
  });
});
