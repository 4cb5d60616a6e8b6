import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { DATALOADER_EXAMPLE } from '../helpers/exampleQueries.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import type { JobRef } from '../helpers/walk.js';

/**
 * The N+1 guard: how many Deadline calls each query makes, counted by the gateway (`extensions.upstream`) and
 * cross-checked against the emulator's own request counter.
 */
let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 400 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

const sessionsOf = (job: JobRef) => dataset.sessions.get(`${job.farmId}/${job.queueId}/${job.jobId}`) ?? [];

/** Runs a query and checks that the gateway's count equals what the emulator received. */
async function run<T>(query: string, variables: Record<string, unknown> = {}) {
  stack.emulator?.resetCalls();
  const response = await stack.query<T>(query, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  const byOperation = response.extensions?.upstream?.byOperation ?? {};
  expect(byOperation).toEqual(stack.emulator?.calls());
  return { data: response.data as T, calls: byOperation };
}

describe('the section 6 example', () => {
  it('1 ListSessions, 1 GetFleet per distinct fleet, ⌈distinct workers / 100⌉ BatchGetWorker', async () => {
    const job = dataset.edgeJobs.get(250) as JobRef;
    const page = sessionsOf(job).slice(0, 100);
    const fleets = new Set(page.map((s) => s.fleetId));
    const workers = new Set(page.map((s) => `${s.fleetId}/${s.workerId}`));
    expect(fleets.size).toBeGreaterThan(1);

    const { data, calls } = await run<{
      job: { sessions: { nodes: Array<{ fleet: { displayName: string }; worker: { hostName: string } }> } };
    }>(DATALOADER_EXAMPLE, { ...job });
    // No BatchGetJob: the job is selected for its sessions only, which ListSessions proves (src/resolvers/rootLookup.ts).
    expect(calls).toEqual({
      ListSessions: 1,
      GetFleet: fleets.size,
      BatchGetWorker: Math.ceil(workers.size / 100),
    });
    const fleetNames = new Map((dataset.fleets.get(job.farmId) ?? []).map((f) => [f.fleetId, f.displayName]));
    expect(data.job.sessions.nodes.map((n) => n.fleet.displayName)).toEqual(
      page.map((s) => fleetNames.get(s.fleetId)),
    );
    const hostNames = new Map(
      [...dataset.workers.values()]
        .flat()
        .map((w) => [`${w.fleetId}/${w.workerId}`, w.hostProperties?.hostName]),
    );
    expect(data.job.sessions.nodes.map((n) => n.worker.hostName)).toEqual(
      page.map((s) => hostNames.get(`${s.fleetId}/${s.workerId}`)),
    );
  });

  it('workers of two jobs batch across the whole request, 100 per BatchGetWorker', async () => {
    const a = dataset.edgeJobs.get(250) as JobRef;
    const b = dataset.edgeJobs.get(400) as JobRef;
    const workers = new Set(
      [...sessionsOf(a).slice(0, 100), ...sessionsOf(b).slice(0, 100)].map(
        (s) => `${s.fleetId}/${s.workerId}`,
      ),
    );
    const fleets = new Set(
      [...sessionsOf(a).slice(0, 100), ...sessionsOf(b).slice(0, 100)].map((s) => s.fleetId),
    );
    const { calls } = await run(
      `query($f: ID!, $q: ID!, $a: ID!, $b: ID!) {
        a: job(farmId: $f, queueId: $q, jobId: $a) { sessions(first: 100) { nodes { worker { hostName } fleet { fleetId } } } }
        b: job(farmId: $f, queueId: $q, jobId: $b) { sessions(first: 100) { nodes { worker { hostName } fleet { fleetId } } } }
      }`,
      { f: a.farmId, q: a.queueId, a: a.jobId, b: b.jobId },
    );
    expect(calls.BatchGetJob).toBeUndefined();
    expect(calls.ListSessions).toBe(2);
    expect(calls.GetFleet).toBe(fleets.size);
    expect(calls.BatchGetWorker).toBe(Math.ceil(workers.size / 100));
  });
});

describe('priming from list pages', () => {
  it('Session.job of a listed job costs no BatchGetJob', async () => {
    const farmId = dataset.farms[0]?.farmId ?? '';
    const queueId = dataset.queues.get(farmId)?.[1]?.queueId ?? '';
    const queueJobs = dataset.jobs.get(`${farmId}/${queueId}`) ?? [];
    const listed = queueJobs.slice(0, 5);
    const withSessions = listed.filter(
      (job) => (dataset.sessions.get(`${farmId}/${queueId}/${job.jobId}`) ?? []).length > 0,
    );
    const { data, calls } = await run<{
      queue: {
        jobs: { nodes: Array<{ name: string; sessions: { nodes: Array<{ job: { name: string } }> } }> };
      };
    }>(
      `query($f: ID!, $q: ID!) { queue(farmId: $f, queueId: $q) {
        jobs(first: 5) { nodes { name sessions(first: 3) { nodes { job { name } } } } } } }`,
      { f: farmId, q: queueId },
    );
    expect(calls).toEqual({ ListJobs: 1, ListSessions: listed.length });
    expect(withSessions.length).toBeGreaterThan(0);
    for (const job of data.queue.jobs.nodes) {
      for (const session of job.sessions.nodes) expect(session.job.name).toBe(job.name);
    }
  });

  it('Worker.fleet and Session.fleet of listed fleets cost no GetFleet', async () => {
    const farmId = dataset.farms[0]?.farmId;
    const { calls } = await run(
      `query($f: ID!) { farm(farmId: $f) { fleets(first: 10) { nodes { displayName workers(first: 5) { nodes { fleet { displayName } } } } } } }`,
      { f: farmId },
    );
    expect(calls.GetFleet).toBeUndefined();
    expect(calls.ListFleets).toBe(1);
    expect(calls.ListWorkers).toBe(dataset.fleets.get(farmId ?? '')?.length);
  });
});

describe('summaries never hide details', () => {
  it('a detail-only field of listed jobs loads every detail in one BatchGetJob', async () => {
    const farmId = dataset.farms[0]?.farmId ?? '';
    const queueId = dataset.queues.get(farmId)?.[0]?.queueId ?? '';
    const jobs = (dataset.jobs.get(`${farmId}/${queueId}`) ?? []).slice(0, 10);
    const { data, calls } = await run<{
      queue: { jobs: { nodes: Array<{ name: string; description: string | null }> } };
    }>(
      'query($f: ID!, $q: ID!) { queue(farmId: $f, queueId: $q) { jobs(first: 10) { nodes { name description } } } }',
      { f: farmId, q: queueId },
    );
    expect(calls).toEqual({ ListJobs: 1, BatchGetJob: 1 });
    expect(data.queue.jobs.nodes).toEqual(
      jobs.map((j) => ({ name: j.name, description: j.description ?? null })),
    );
    expect(jobs.some((j) => j.description)).toBe(true);
  });

  it('a looked-up job serves summary and detail fields from one BatchGetJob', async () => {
    const job = dataset.edgeJobs.get(1) as JobRef;
    const { calls } = await run(
      'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { name priority description parameters { name value } } }',
      { f: job.farmId, q: job.queueId, j: job.jobId },
    );
    expect(calls).toEqual({ BatchGetJob: 1 });
  });

  it('session details (log, host) come from BatchGetSession, once for the whole page', async () => {
    const job = dataset.edgeJobs.get(99) as JobRef;
    const { data, calls } = await run<{
      job: {
        sessions: {
          nodes: Array<{
            log: { logDriver: string } | null;
            hostProperties: { hostName: string | null } | null;
          }>;
        };
      };
    }>(
      'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: 99) { nodes { log { logDriver } hostProperties { hostName } } } } }',
      { f: job.farmId, q: job.queueId, j: job.jobId },
    );
    expect(calls).toEqual({ ListSessions: 1, BatchGetSession: 1 });
    expect(data.job.sessions.nodes.every((n) => n.log !== null && n.log.logDriver.length > 0)).toBe(true);
  });
});

describe('no upstream call twice with the same arguments in one request', () => {
  it('aliases of the same lookup and the same connection page share calls', async () => {
    const job = dataset.edgeJobs.get(101) as JobRef;
    const { calls } = await run(
      `query($f: ID!, $q: ID!, $j: ID!) {
        a: job(farmId: $f, queueId: $q, jobId: $j) { name s1: sessions(first: 10) { nodes { sessionId } } }
        b: job(farmId: $f, queueId: $q, jobId: $j) { name s2: sessions(first: 10) { nodes { sessionId } } }
        c: queue(farmId: $f, queueId: $q) { displayName job(jobId: $j) { name } }
      }`,
      { f: job.farmId, q: job.queueId, j: job.jobId },
    );
    expect(calls).toEqual({ BatchGetJob: 1, ListSessions: 1, GetQueue: 1 });
  });

  it('a page that needs no hasNextPage makes a single ListSessions even where the upstream page ends', async () => {
    const job = dataset.edgeJobs.get(100) as JobRef;
    const { calls } = await run(
      'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: 100) { nodes { sessionId } } } }',
      { f: job.farmId, q: job.queueId, j: job.jobId },
    );
    expect(calls.ListSessions).toBe(1);
  });

  it('loaders are per request: the same query twice makes its calls twice', async () => {
    const job = dataset.edgeJobs.get(1) as JobRef;
    const query = 'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { name } }';
    const first = await run(query, { f: job.farmId, q: job.queueId, j: job.jobId });
    const second = await run(query, { f: job.farmId, q: job.queueId, j: job.jobId });
    expect(first.calls).toEqual({ BatchGetJob: 1 });
    expect(second.calls).toEqual({ BatchGetJob: 1 });
  });
});
