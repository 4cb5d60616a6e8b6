import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, SessionRecord, WorkerRecord } from '../../src/emulator/index.js';
import { type GraphQLErrorJson, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * `_entities` and `_service` sent straight to the Deadline subgraph, as a router sends them: every entity type by
 * every key, values checked against the emulator's dataset, per-representation errors, and the upstream budgets
 * (counted by the emulator itself).
 */
let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({
    emulator: { sizes: { jobsPerQueue: 60, workersPerFleet: 60, largeJobSessions: 400 } },
  });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

/** A Relay global ID, computed independently of the gateway's code: base64 of `Type:path`. */
const gid = (type: string, ...parts: string[]) =>
  Buffer.from(`${type}:${parts.join('/')}`).toString('base64');

const ENTITIES = /* GraphQL */ `
  query($r: [_Any!]!) {
    _entities(representations: $r) {
      __typename
      ... on Farm { id farmId displayName }
      ... on Queue { id farmId queueId displayName }
      ... on Job { id farmId queueId jobId name priority }
      ... on Session { id farmId queueId jobId sessionId workerId lifecycleStatus }
      ... on Fleet { id farmId fleetId displayName }
      ... on Worker { id farmId fleetId workerId status }
      ... on Step { id farmId queueId jobId stepId name }
      ... on Task { id farmId queueId jobId stepId taskId runStatus }
      ... on SessionAction { id farmId queueId jobId sessionActionId actionStatus: status }
    }
  }
`;

type Entity = Record<string, unknown> | null;

/** POSTs `_entities` to the subgraph and returns the response with the emulator calls it made. */
async function entities(representations: Array<Record<string, unknown>>) {
  stack.emulator?.resetCalls();
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: ENTITIES, variables: { r: representations } }),
  });
  const body = (await response.json()) as {
    data?: { _entities: Entity[] } | null;
    errors?: GraphQLErrorJson[];
  };
  return { status: response.status, ...body, calls: stack.emulator?.calls() ?? {} };
}

const MISSING_HEX = '0'.repeat(32);

interface Fixtures {
  farm: Dataset['farms'][number];
  queue: NonNullable<ReturnType<Dataset['queues']['get']>>[number];
  job: NonNullable<ReturnType<Dataset['jobs']['get']>>[number] & { farmId: string; queueId: string };
  session: SessionRecord & { farmId: string; queueId: string; jobId: string };
  fleet: NonNullable<ReturnType<Dataset['fleets']['get']>>[number];
  worker: WorkerRecord;
}

function fixtures(): Fixtures {
  const farm = dataset.farms[0] as Fixtures['farm'];
  const queue = dataset.queues.get(farm.farmId)?.[1] as Fixtures['queue'];
  const jobs = dataset.jobs.get(`${farm.farmId}/${queue.queueId}`) ?? [];
  const withSessions = jobs.find(
    (j) => (dataset.sessions.get(`${farm.farmId}/${queue.queueId}/${j.jobId}`) ?? []).length > 1,
  );
  if (!withSessions) throw new Error('dataset: no job with sessions in the second queue');
  const session = dataset.sessions.get(`${farm.farmId}/${queue.queueId}/${withSessions.jobId}`)?.[1];
  const fleet = dataset.fleets.get(farm.farmId)?.[1] as Fixtures['fleet'];
  const worker = dataset.workers.get(`${farm.farmId}/${fleet.fleetId}`)?.[2] as WorkerRecord;
  return {
    farm,
    queue,
    job: { ...withSessions, farmId: farm.farmId, queueId: queue.queueId },
    session: {
      ...(session as SessionRecord),
      farmId: farm.farmId,
      queueId: queue.queueId,
      jobId: withSessions.jobId,
    },
    fleet,
    worker,
  };
}

/** Every job of the dataset with its full key, in List order farm by farm, queue by queue. */
function allJobs() {
  return [...dataset.jobs.entries()].flatMap(([path, jobs]) => {
    const [farmId, queueId] = path.split('/') as [string, string];
    return jobs.map((job) => ({ farmId, queueId, jobId: job.jobId, name: job.name }));
  });
}

/** Every session of the dataset with its full key. */
function allSessions() {
  return [...dataset.sessions.entries()].flatMap(([path, sessions]) => {
    const [farmId, queueId, jobId] = path.split('/') as [string, string, string];
    return sessions.map((s) => ({ farmId, queueId, jobId, sessionId: s.sessionId, workerId: s.workerId }));
  });
}

function allWorkers() {
  return [...dataset.workers.values()].flat();
}

describe('every entity type by every key', () => {
  it('Farm by id and by farmId', async () => {
    const { farm } = fixtures();
    const expected = { __typename: 'Farm', id: gid('Farm', farm.farmId), farmId: farm.farmId };
    const result = await entities([
      { __typename: 'Farm', id: gid('Farm', farm.farmId) },
      { __typename: 'Farm', farmId: farm.farmId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([
      { ...expected, displayName: farm.displayName },
      { ...expected, displayName: farm.displayName },
    ]);
    expect(result.calls).toEqual({ GetFarm: 1 });
  });

  it('Queue by id and by farmId queueId', async () => {
    const { queue } = fixtures();
    const expected = {
      __typename: 'Queue',
      id: gid('Queue', queue.farmId, queue.queueId),
      farmId: queue.farmId,
      queueId: queue.queueId,
      displayName: queue.displayName,
    };
    const result = await entities([
      { __typename: 'Queue', id: gid('Queue', queue.farmId, queue.queueId) },
      { __typename: 'Queue', farmId: queue.farmId, queueId: queue.queueId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([expected, expected]);
    expect(result.calls).toEqual({ GetQueue: 1 });
  });

  it('Job by id and by farmId queueId jobId', async () => {
    const { job } = fixtures();
    const expected = {
      __typename: 'Job',
      id: gid('Job', job.farmId, job.queueId, job.jobId),
      farmId: job.farmId,
      queueId: job.queueId,
      jobId: job.jobId,
      name: job.name,
      priority: job.priority,
    };
    const result = await entities([
      { __typename: 'Job', id: gid('Job', job.farmId, job.queueId, job.jobId) },
      { __typename: 'Job', farmId: job.farmId, queueId: job.queueId, jobId: job.jobId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([expected, expected]);
    expect(result.calls).toEqual({ BatchGetJob: 1 });
  });

  it('Session by id and by farmId queueId jobId sessionId', async () => {
    const { session: s } = fixtures();
    const expected = {
      __typename: 'Session',
      id: gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId),
      farmId: s.farmId,
      queueId: s.queueId,
      jobId: s.jobId,
      sessionId: s.sessionId,
      workerId: s.workerId,
      lifecycleStatus: s.lifecycleStatus,
    };
    const result = await entities([
      { __typename: 'Session', id: gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId) },
      { __typename: 'Session', farmId: s.farmId, queueId: s.queueId, jobId: s.jobId, sessionId: s.sessionId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([expected, expected]);
    expect(result.calls).toEqual({ BatchGetSession: 1 });
  });

  it('Step, Task and SessionAction by id and by their native keys, one BatchGet per type', async () => {
    const { job } = fixtures();
    const path = `${job.farmId}/${job.queueId}/${job.jobId}`;
    const step = dataset.steps
      .get(path)
      ?.find((s) => (dataset.tasks.get(`${path}/${s.stepId}`) ?? []).length > 0);
    if (!step) throw new Error('dataset: no step with tasks');
    const task = dataset.tasks.get(`${path}/${step.stepId}`)?.[0];
    const action = dataset.sessionActions.get(path)?.[0];
    if (!task || !action) throw new Error('dataset: no task or session action');
    const ids = { farmId: job.farmId, queueId: job.queueId, jobId: job.jobId };
    const stepKey = { ...ids, stepId: step.stepId };
    const taskKey = { ...stepKey, taskId: task.taskId };
    const actionKey = { ...ids, sessionActionId: action.sessionActionId };
    const expected = [
      { __typename: 'Step', id: gid('Step', ...Object.values(stepKey)), ...stepKey, name: step.name },
      {
        __typename: 'Task',
        id: gid('Task', ...Object.values(taskKey)),
        ...taskKey,
        runStatus: task.runStatus,
      },
      {
        __typename: 'SessionAction',
        id: gid('SessionAction', ...Object.values(actionKey)),
        ...actionKey,
        actionStatus: action.status,
      },
    ];
    const result = await entities([
      ...expected.map(({ __typename, id }) => ({ __typename, id })),
      { __typename: 'Step', ...stepKey },
      { __typename: 'Task', ...taskKey },
      { __typename: 'SessionAction', ...actionKey },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([...expected, ...expected]);
    expect(result.calls).toEqual({ BatchGetStep: 1, BatchGetTask: 1, BatchGetSessionAction: 1 });
  });

  it('Fleet by id and by farmId fleetId', async () => {
    const { fleet } = fixtures();
    const expected = {
      __typename: 'Fleet',
      id: gid('Fleet', fleet.farmId, fleet.fleetId),
      farmId: fleet.farmId,
      fleetId: fleet.fleetId,
      displayName: fleet.displayName,
    };
    const result = await entities([
      { __typename: 'Fleet', id: gid('Fleet', fleet.farmId, fleet.fleetId) },
      { __typename: 'Fleet', farmId: fleet.farmId, fleetId: fleet.fleetId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([expected, expected]);
    expect(result.calls).toEqual({ GetFleet: 1 });
  });

  it('Worker by id and by farmId fleetId workerId', async () => {
    const { worker: w } = fixtures();
    const expected = {
      __typename: 'Worker',
      id: gid('Worker', w.farmId, w.fleetId, w.workerId),
      farmId: w.farmId,
      fleetId: w.fleetId,
      workerId: w.workerId,
      status: w.status,
    };
    const result = await entities([
      { __typename: 'Worker', id: gid('Worker', w.farmId, w.fleetId, w.workerId) },
      { __typename: 'Worker', farmId: w.farmId, fleetId: w.fleetId, workerId: w.workerId },
    ]);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities).toEqual([expected, expected]);
    expect(result.calls).toEqual({ BatchGetWorker: 1 });
  });

  it('all six types in one request, answered in representation order', async () => {
    const { farm, queue, job, session: s, fleet, worker: w } = fixtures();
    const result = await entities([
      { __typename: 'Worker', farmId: w.farmId, fleetId: w.fleetId, workerId: w.workerId },
      { __typename: 'Session', id: gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId) },
      { __typename: 'Farm', farmId: farm.farmId },
      { __typename: 'Job', id: gid('Job', job.farmId, job.queueId, job.jobId) },
      { __typename: 'Fleet', farmId: fleet.farmId, fleetId: fleet.fleetId },
      { __typename: 'Queue', id: gid('Queue', queue.farmId, queue.queueId) },
    ]);
    expect(result.errors).toBeUndefined();
    const got = result.data?._entities ?? [];
    expect(got.map((e) => e?.__typename)).toEqual(['Worker', 'Session', 'Farm', 'Job', 'Fleet', 'Queue']);
    expect(got.map((e) => e?.id)).toEqual([
      gid('Worker', w.farmId, w.fleetId, w.workerId),
      gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId),
      gid('Farm', farm.farmId),
      gid('Job', job.farmId, job.queueId, job.jobId),
      gid('Fleet', fleet.farmId, fleet.fleetId),
      gid('Queue', queue.farmId, queue.queueId),
    ]);
    expect(result.calls).toEqual({
      BatchGetWorker: 1,
      BatchGetSession: 1,
      GetFarm: 1,
      BatchGetJob: 1,
      GetFleet: 1,
      GetQueue: 1,
    });
  });
});

describe('errors are per representation', () => {
  it('missing representations are null with NOT_FOUND at their index; the others resolve', async () => {
    const { farm, queue, job, session: s, fleet, worker: w } = fixtures();
    const representations = [
      { __typename: 'Job', farmId: job.farmId, queueId: job.queueId, jobId: job.jobId },
      { __typename: 'Job', farmId: job.farmId, queueId: job.queueId, jobId: `job-${MISSING_HEX}` },
      { __typename: 'Farm', farmId: `farm-${MISSING_HEX}` },
      { __typename: 'Farm', farmId: farm.farmId },
      { __typename: 'Queue', id: gid('Queue', queue.farmId, `queue-${MISSING_HEX}`) },
      {
        __typename: 'Session',
        farmId: s.farmId,
        queueId: s.queueId,
        jobId: s.jobId,
        sessionId: `session-${MISSING_HEX}`,
      },
      { __typename: 'Session', farmId: s.farmId, queueId: s.queueId, jobId: s.jobId, sessionId: s.sessionId },
      { __typename: 'Fleet', farmId: fleet.farmId, fleetId: `fleet-${MISSING_HEX}` },
      { __typename: 'Worker', farmId: w.farmId, fleetId: w.fleetId, workerId: `worker-${MISSING_HEX}` },
      { __typename: 'Worker', id: gid('Worker', w.farmId, w.fleetId, w.workerId) },
    ];
    const result = await entities(representations);
    expect(result.status).toBe(200);
    const got = result.data?._entities ?? [];
    expect(got).toHaveLength(representations.length);
    const missing = [1, 2, 4, 5, 7, 8];
    expect(got.map((e, i) => (e === null ? i : -1)).filter((i) => i >= 0)).toEqual(missing);
    expect(got[0]?.name).toBe(job.name);
    expect(got[3]?.displayName).toBe(farm.displayName);
    expect(got[6]?.sessionId).toBe(s.sessionId);
    expect(got[9]?.workerId).toBe(w.workerId);
    const errors = (result.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.code }));
    expect(errors).toHaveLength(missing.length);
    expect(errors).toEqual(
      expect.arrayContaining(missing.map((i) => ({ path: ['_entities', i], code: 'NOT_FOUND' }))),
    );
    // Jobs and sessions, missing or not, still go in one batch each.
    expect(result.calls.BatchGetJob).toBe(1);
    expect(result.calls.BatchGetSession).toBe(1);
    expect(result.calls.BatchGetWorker).toBe(1);
  });

  it('malformed representations are null with BAD_USER_INPUT for that index only, before any call for them', async () => {
    const { farm, job } = fixtures();
    const representations = [
      { __typename: 'Job', farmId: job.farmId, queueId: job.queueId, jobId: 'job-NOT-AN-ID' },
      { __typename: 'Job', farmId: job.farmId, queueId: job.queueId, jobId: job.jobId },
      // A Job's global ID sent as a Farm reference.
      { __typename: 'Farm', id: gid('Job', job.farmId, job.queueId, job.jobId) },
      { __typename: 'Farm', farmId: farm.farmId },
      { __typename: 'Queue', farmId: 'farm-123', queueId: `queue-${MISSING_HEX}` },
      { __typename: 'Job', id: 'not base64 at all!' },
      // A native key with a part missing.
      { __typename: 'Job', farmId: job.farmId, jobId: job.jobId },
    ];
    const result = await entities(representations);
    expect(result.status).toBe(200);
    // One bad representation must not fail the whole `_entities` field (data null, error at ['_entities']).
    expect(result.data, JSON.stringify(result.errors)).not.toBeNull();
    const got = result.data?._entities ?? [];
    expect(got).toHaveLength(representations.length);
    expect(got[1]?.name).toBe(job.name);
    expect(got[3]?.displayName).toBe(farm.displayName);
    const bad = [0, 2, 4, 5, 6];
    for (const i of bad) expect(got[i], `representation ${i}`).toBeNull();
    const errors = (result.errors ?? []).map((e) => ({ path: e.path, code: e.extensions?.code }));
    expect(errors).toHaveLength(bad.length);
    expect(errors).toEqual(
      expect.arrayContaining(bad.map((i) => ({ path: ['_entities', i], code: 'BAD_USER_INPUT' }))),
    );
    expect(result.calls).toEqual({ BatchGetJob: 1, GetFarm: 1 });
  });
});

describe('budgets', () => {
  it.each([1, 100, 101, 250])('%i job representations cost ⌈N/100⌉ BatchGetJob', async (n) => {
    const jobs = allJobs();
    expect(jobs.length).toBeGreaterThanOrEqual(n);
    // Jobs from every queue of every farm, interleaved.
    const picked = spread(jobs, (j) => `${j.farmId}/${j.queueId}`).slice(0, n);
    const result = await entities(
      picked.map((j) => ({ __typename: 'Job', farmId: j.farmId, queueId: j.queueId, jobId: j.jobId })),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((e) => e?.name)).toEqual(picked.map((j) => j.name));
    expect(result.calls).toEqual({ BatchGetJob: Math.ceil(n / 100) });
  });

  it.each([1, 100, 101, 250])('%i session representations cost ⌈N/100⌉ BatchGetSession', async (n) => {
    const sessions = spread(allSessions(), (s) => `${s.farmId}/${s.queueId}/${s.jobId}`).slice(0, n);
    expect(sessions).toHaveLength(n);
    const result = await entities(
      sessions.map((s) => ({
        __typename: 'Session',
        id: gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId),
      })),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((e) => e?.workerId)).toEqual(sessions.map((s) => s.workerId));
    expect(result.calls).toEqual({ BatchGetSession: Math.ceil(n / 100) });
  });

  it.each([1, 100, 101, 250])('%i worker representations cost ⌈N/100⌉ BatchGetWorker', async (n) => {
    const workers = spread(allWorkers(), (w) => `${w.farmId}/${w.fleetId}`).slice(0, n);
    expect(workers).toHaveLength(n);
    const result = await entities(
      workers.map((w) => ({
        __typename: 'Worker',
        farmId: w.farmId,
        fleetId: w.fleetId,
        workerId: w.workerId,
      })),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((e) => e?.status)).toEqual(workers.map((w) => w.status));
    expect(result.calls).toEqual({ BatchGetWorker: Math.ceil(n / 100) });
  });

  it('farms, queues and fleets cost one Get per distinct key, duplicates nothing extra', async () => {
    const farms = dataset.farms;
    const queues = [...dataset.queues.values()].flat();
    const fleets = [...dataset.fleets.values()].flat();
    expect(farms.length).toBeGreaterThan(1);
    expect(queues.length).toBeGreaterThan(2);
    expect(fleets.length).toBeGreaterThan(2);
    const representations = [
      ...farms.flatMap((f) => [
        { __typename: 'Farm', farmId: f.farmId },
        { __typename: 'Farm', id: gid('Farm', f.farmId) },
        { __typename: 'Farm', farmId: f.farmId },
      ]),
      ...queues.flatMap((q) => [
        { __typename: 'Queue', farmId: q.farmId, queueId: q.queueId },
        { __typename: 'Queue', id: gid('Queue', q.farmId, q.queueId) },
      ]),
      ...fleets.flatMap((f) => [
        { __typename: 'Fleet', id: gid('Fleet', f.farmId, f.fleetId) },
        { __typename: 'Fleet', farmId: f.farmId, fleetId: f.fleetId },
      ]),
    ];
    const result = await entities(representations);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((e) => e?.displayName)).toEqual([
      ...farms.flatMap((f) => [f.displayName, f.displayName, f.displayName]),
      ...queues.flatMap((q) => [q.displayName, q.displayName]),
      ...fleets.flatMap((f) => [f.displayName, f.displayName]),
    ]);
    expect(result.calls).toEqual({ GetFarm: farms.length, GetQueue: queues.length, GetFleet: fleets.length });
  });

  it('the same jobs referenced by id and by native key cost one BatchGetJob', async () => {
    const jobs = spread(allJobs(), (j) => `${j.farmId}/${j.queueId}`).slice(0, 60);
    const representations = jobs.flatMap((j) => [
      { __typename: 'Job', id: gid('Job', j.farmId, j.queueId, j.jobId) },
      { __typename: 'Job', farmId: j.farmId, queueId: j.queueId, jobId: j.jobId },
    ]);
    const result = await entities(representations);
    expect(result.errors).toBeUndefined();
    expect(result.data?._entities.map((e) => e?.name)).toEqual(jobs.flatMap((j) => [j.name, j.name]));
    // 120 representations but 60 distinct jobs: one batch, not two.
    expect(result.calls).toEqual({ BatchGetJob: 1 });
  });
});

describe('_service', () => {
  it('returns the subgraph SDL with the native keys and the demand-control directives', async () => {
    const response = await stack.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(response.errors).toBeUndefined();
    const sdl = response.data?._service.sdl ?? '';
    expect(sdl).toContain('@key(fields: "farmId queueId jobId")');
    expect(sdl).toContain('@key(fields: "farmId queueId jobId sessionId")');
    expect(sdl).toContain('@key(fields: "farmId fleetId workerId")');
    expect(sdl).toMatch(/type Job implements Node[^{]*@key\(fields: "id"\)/);
    expect(sdl).toContain('@listSize');
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
  });
});

/** Round-robin over groups, so a slice takes items of every group. */
function spread<T>(items: readonly T[], groupOf: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const lists = [...groups.values()];
  const out: T[] = [];
  for (let i = 0; out.length < items.length; i++) {
    for (const list of lists) {
      const item = list[i];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}
