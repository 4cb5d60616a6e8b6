import {
  BatchGetJobCommand,
  BatchGetWorkerCommand,
  type DeadlineClient,
  GetFarmCommand,
  GetFleetCommand,
  ListJobsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
} from '@aws-sdk/client-deadline';
import type { Dataset, SessionRecord } from '../../src/emulator/index.js';
import { failureOf, GraphQLClient } from '../lib/load.js';
import type { LatencySeries, Row, ScenarioResult } from '../lib/result.js';
import { dependentRounds } from '../lib/rounds.js';
import {
  CHAIN_PAGE_SIZE,
  documentedSdkClient,
  type InProcessStack,
  UPSTREAM_MAX_CONCURRENCY,
} from '../lib/stack.js';
import { cpuMs, round, summarize, total } from '../lib/stats.js';
import { floorOperations, TransportFloor } from '../lib/transportFloor.js';

/**
 * Scenarios 1 and 2: upstream efficiency (calls made vs the fewest the Deadline API allows) of a dashboard query
 * and of a federation `_entities` batch, and the dashboard's critical path under 25 ms of latency per call.
 */
export const DASHBOARD_SHAPE = { queues: 5, jobs: 10, sessions: 20 };

export const DASHBOARD = /* GraphQL */ `
  query Dashboard($farmId: ID!) {
    farm(farmId: $farmId) {
      displayName
      queues(first: ${DASHBOARD_SHAPE.queues}) {
        nodes {
          queueId
          displayName
          status
          jobs(first: ${DASHBOARD_SHAPE.jobs}) {
            nodes {
              jobId
              name
              description
              lifecycleStatus
              taskRunStatus
              priority
              createdAt
              sessions(first: ${DASHBOARD_SHAPE.sessions}) {
                pageInfo { hasNextPage endCursor }
                nodes {
                  sessionId
                  lifecycleStatus
                  startedAt
                  endedAt
                  fleet { displayName }
                  worker { workerId status hostName }
                }
              }
            }
          }
        }
      }
    }
  }
`;

const ENTITIES = /* GraphQL */ `
  query Entities($representations: [_Any!]!) {
    _entities(representations: $representations) {
      __typename
      ... on Queue { id displayName }
      ... on Job { id name priority jobStatus: lifecycleStatus }
      ... on Session { id workerId lifecycleStatus }
      ... on Fleet { id displayName }
      ... on Worker { id status }
    }
  }
`;

/** A Relay global ID, computed independently of the gateway: base64 of `Type:path`. */
const gid = (type: string, ...parts: string[]) =>
  Buffer.from(`${type}:${parts.join('/')}`).toString('base64');

const batches = (n: number) => Math.ceil(n / 100);

/** `items` in the batches of at most 100 a BatchGet* call takes (as many as `batches(items.length)`). */
const inBatches = <T>(items: T[]): T[][] =>
  Array.from({ length: batches(items.length) }, (_, i) => items.slice(i * 100, (i + 1) * 100));

/** The minimum per operation, with how it was derived. */
interface Minimum {
  byOperation: Record<string, number>;
  /** Another reading of the API floor (bulk List instead of per-key Gets), when it is lower. */
  listFloor?: { byOperation: Record<string, number>; why: string };
}

/**
 * The fewest Deadline calls the dashboard needs, from the dataset:
 * - GetFarm 1 (the farm's displayName).
 * - ListQueues 1 (5 queues fit one page of ≤ 100; `hasNextPage` is not selected on queues).
 * - ListJobs 1 per listed queue (10 jobs fit one page).
 * - ListSessions 1 per listed job: Deadline has no cross-job session list. `hasNextPage` is selected, but a page of
 *   20 inside an upstream page of 100 never ends where a token-carrying (full) upstream page ends, so no look-ahead
 *   is needed (with first % 100 = 0 it would be: + 1 per job with ≥ first sessions; computed below anyway).
 * - BatchGetJob ⌈listed jobs / 100⌉: `description` is detail-only (GetJob/BatchGetJob), identifiers may span queues.
 * - BatchGetWorker ⌈distinct workers of the listed sessions / 100⌉ (identifiers may span fleets).
 * - GetFleet 1 per distinct fleet of the listed sessions (no BatchGetFleet). Lower floor: one ListFleets per farm
 *   (its summaries carry displayName) when the farm has fewer fleet pages than distinct fleets: reported separately.
 */
export function dashboardMinimum(dataset: Dataset, farmId: string): Minimum & { sessions: SessionRecord[] } {
  const queues = (dataset.queues.get(farmId) ?? []).slice(0, DASHBOARD_SHAPE.queues);
  const jobs = queues.flatMap((queue) =>
    (dataset.jobs.get(`${farmId}/${queue.queueId}`) ?? [])
      .slice(0, DASHBOARD_SHAPE.jobs)
      .map((job) => ({ ...job, queueId: queue.queueId })),
  );
  let lookAheads = 0;
  const sessions = jobs.flatMap((job) => {
    const all = dataset.sessions.get(`${farmId}/${job.queueId}/${job.jobId}`) ?? [];
    if (DASHBOARD_SHAPE.sessions % CHAIN_PAGE_SIZE === 0 && all.length >= DASHBOARD_SHAPE.sessions)
      lookAheads++;
    return all.slice(0, DASHBOARD_SHAPE.sessions);
  });
  const workers = new Set(sessions.map((s) => `${s.fleetId}/${s.workerId}`));
  const fleets = new Set(sessions.map((s) => s.fleetId));
  const byOperation: Record<string, number> = {
    GetFarm: 1,
    ListQueues: 1,
    ListJobs: queues.length,
    ListSessions: jobs.length + lookAheads,
    BatchGetJob: batches(jobs.length),
    BatchGetWorker: batches(workers.size),
    GetFleet: fleets.size,
  };
  const farmFleets = dataset.fleets.get(farmId)?.length ?? 0;
  const listFleets = batches(farmFleets);
  const result: Minimum & { sessions: SessionRecord[] } = { byOperation: dropZeros(byOperation), sessions };
  if (listFleets < fleets.size) {
    const { GetFleet: _getFleet, ...rest } = byOperation;
    result.listFloor = {
      byOperation: dropZeros({ ...rest, ListFleets: listFleets }),
      why: `${fleets.size} distinct fleets by GetFleet, or all ${farmFleets} fleets of the farm by ${listFleets} ListFleets`,
    };
  }
  return result;
}

function dropZeros(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** A job's detail page: its steps, each step's tasks with their parameters, each task's latest run. */
export const JOB_DETAIL = /* GraphQL */ `
  query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      steps(first: 20) {
        nodes {
          stepId name taskRunStatus taskRunStatusCounts { status count }
          tasks(first: 100) {
            nodes { taskId runStatus parameters { name value } latestSessionAction { status progressPercent } }
          }
        }
      }
    }
  }
`;

/**
 * The job of the first farm with the most steps (ties: the most tasks that ran) whose steps each fit one page of
 * tasks: the job detail row's subject.
 */
export function jobDetailSubject(dataset: Dataset): { farmId: string; queueId: string; jobId: string } {
  let best: { job: { farmId: string; queueId: string; jobId: string }; score: number } | undefined;
  const farmId = dataset.farms[0]?.farmId ?? '';
  for (const queue of dataset.queues.get(farmId) ?? []) {
    for (const job of dataset.jobs.get(`${farmId}/${queue.queueId}`) ?? []) {
      const path = `${farmId}/${queue.queueId}/${job.jobId}`;
      const steps = dataset.steps.get(path) ?? [];
      const tasks = steps.map((step) => dataset.tasks.get(`${path}/${step.stepId}`) ?? []);
      if (tasks.some((list) => list.length > CHAIN_PAGE_SIZE)) continue;
      const ran = tasks.flat().filter((task) => task.latestSessionActionId).length;
      const score = steps.length * 100_000 + ran;
      if (!best || score > best.score)
        best = { job: { farmId, queueId: queue.queueId, jobId: job.jobId }, score };
    }
  }
  if (!best) throw new Error('the dataset has no job whose steps fit a page of tasks');
  return best.job;
}

/**
 * The fewest Deadline calls the job detail page needs, from the dataset: ListSteps 1 (at most 4 steps), ListTasks 1
 * per step (each fits a page; Deadline has no cross-step task list), BatchGetSessionAction ⌈tasks that ran / 100⌉
 * (`latestSessionActionId` names the run; identifiers may span steps). No GetJob: ListSteps answers
 * ResourceNotFoundException for a missing job, so it proves the job.
 */
export function jobDetailMinimum(
  dataset: Dataset,
  job: { farmId: string; queueId: string; jobId: string },
): Minimum {
  const path = `${job.farmId}/${job.queueId}/${job.jobId}`;
  const steps = dataset.steps.get(path) ?? [];
  const ran = steps
    .flatMap((step) => dataset.tasks.get(`${path}/${step.stepId}`) ?? [])
    .filter((task) => task.latestSessionActionId).length;
  return {
    byOperation: dropZeros({ ListSteps: 1, ListTasks: steps.length, BatchGetSessionAction: batches(ran) }),
  };
}

/**
 * 200 mixed references from the dataset, half by global `id`, half by native keys: 105 jobs (two BatchGetJob
 * batches), 50 sessions, 25 workers, 10 queue references, 10 fleet references (with repeats).
 */
export function entityReferences(dataset: Dataset): Array<Record<string, unknown>> {
  const jobs = [...dataset.jobs.entries()].flatMap(([path, list]) => {
    const [farmId, queueId] = path.split('/') as [string, string];
    return list.map((job) => ({ farmId, queueId, jobId: job.jobId }));
  });
  const sessions = [...dataset.sessions.entries()].flatMap(([path, list]) => {
    const [farmId, queueId, jobId] = path.split('/') as [string, string, string];
    // A few sessions from many jobs, so batches span jobs and queues.
    return list.slice(0, 2).map((s) => ({ farmId, queueId, jobId, sessionId: s.sessionId }));
  });
  const workers = [...dataset.workers.values()].flatMap((list) => list.slice(0, 9));
  const queues = [...dataset.queues.values()].flat();
  const fleets = [...dataset.fleets.values()].flat();
  const refs: Array<Record<string, unknown>> = [];
  const pick = <T>(list: readonly T[], count: number, stride: number): T[] => {
    if (list.length === 0) throw new Error('dataset too small for the _entities batch');
    return Array.from({ length: count }, (_, i) => list[(i * stride) % list.length] as T);
  };
  if (jobs.length < 105 || sessions.length < 50 || workers.length < 25) {
    throw new Error('dataset too small for the _entities batch');
  }
  pick(jobs, 105, 1).forEach((j, i) => {
    refs.push(
      i % 2 === 0
        ? { __typename: 'Job', id: gid('Job', j.farmId, j.queueId, j.jobId) }
        : { __typename: 'Job', ...j },
    );
  });
  pick(sessions, 50, 3).forEach((s, i) => {
    refs.push(
      i % 2 === 0
        ? { __typename: 'Session', id: gid('Session', s.farmId, s.queueId, s.jobId, s.sessionId) }
        : { __typename: 'Session', ...s },
    );
  });
  pick(workers, 25, 7).forEach((w, i) => {
    refs.push(
      i % 2 === 0
        ? { __typename: 'Worker', id: gid('Worker', w.farmId, w.fleetId, w.workerId) }
        : { __typename: 'Worker', farmId: w.farmId, fleetId: w.fleetId, workerId: w.workerId },
    );
  });
  pick(queues, 10, 1).forEach((q, i) => {
    refs.push(
      i % 2 === 0
        ? { __typename: 'Queue', id: gid('Queue', q.farmId, q.queueId) }
        : { __typename: 'Queue', farmId: q.farmId, queueId: q.queueId },
    );
  });
  pick(fleets, 10, 1).forEach((f, i) => {
    refs.push(
      i % 2 === 0
        ? { __typename: 'Fleet', id: gid('Fleet', f.farmId, f.fleetId) }
        : { __typename: 'Fleet', farmId: f.farmId, fleetId: f.fleetId },
    );
  });
  return refs;
}

/** The key path of a reference (global ID decoded, or native keys), without the type. */
function pathOf(ref: Record<string, unknown>): string[] {
  if (typeof ref.id === 'string') {
    const decoded = Buffer.from(ref.id, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1).split('/');
  }
  const keys = ['farmId', 'queueId', 'fleetId', 'jobId', 'workerId', 'sessionId'];
  return keys.filter((k) => typeof ref[k] === 'string').map((k) => ref[k] as string);
}

/**
 * The fewest calls for the references: ⌈distinct jobs/100⌉ BatchGetJob + ⌈distinct sessions/100⌉ BatchGetSession
 * + ⌈distinct workers/100⌉ BatchGetWorker + 1 GetQueue per distinct queue + 1 GetFleet per distinct fleet (no batch
 * API for either). Lower floor: queues and fleets by one ListQueues/ListFleets per farm (their summaries carry the
 * selected displayName), when that is fewer calls.
 */
export function entitiesMinimum(refs: Array<Record<string, unknown>>, dataset: Dataset): Minimum {
  const distinct = (type: string) =>
    new Set(refs.filter((r) => r.__typename === type).map((r) => pathOf(r).join('/')));
  const queues = distinct('Queue');
  const fleets = distinct('Fleet');
  const byOperation = dropZeros({
    BatchGetJob: batches(distinct('Job').size),
    BatchGetSession: batches(distinct('Session').size),
    BatchGetWorker: batches(distinct('Worker').size),
    GetQueue: queues.size,
    GetFleet: fleets.size,
  });
  const farmsOf = (paths: Set<string>) => new Set([...paths].map((p) => p.split('/')[0] as string));
  const listQueues = [...farmsOf(queues)].reduce(
    (sum, farmId) => sum + batches(dataset.queues.get(farmId)?.length ?? 0),
    0,
  );
  const listFleets = [...farmsOf(fleets)].reduce(
    (sum, farmId) => sum + batches(dataset.fleets.get(farmId)?.length ?? 0),
    0,
  );
  const minimum: Minimum = { byOperation };
  if (listQueues < queues.size || listFleets < fleets.size) {
    const { GetQueue, GetFleet, ...rest } = byOperation;
    minimum.listFloor = {
      byOperation: dropZeros({
        ...rest,
        ...(listQueues < queues.size ? { ListQueues: listQueues } : { GetQueue: GetQueue ?? 0 }),
        ...(listFleets < fleets.size ? { ListFleets: listFleets } : { GetFleet: GetFleet ?? 0 }),
      }),
      why: `${queues.size} distinct queues and ${fleets.size} distinct fleets by Get, or ${listQueues} ListQueues + ${listFleets} ListFleets (one page per farm)`,
    };
  }
  return minimum;
}

const fmt = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ');

function efficiencyRow(name: string, made: Record<string, number>, minimum: Minimum): Row {
  const ratio = total(made) / total(minimum.byOperation);
  const floor = minimum.listFloor;
  return {
    scenario: `1. Upstream efficiency: ${name}`,
    measured: `${total(made)} calls (${fmt(made)})`,
    limit: `${total(minimum.byOperation)} calls (${fmt(minimum.byOperation)})`,
    ratio: round(ratio),
    target: '1.00',
    meetsTarget: round(ratio) <= 1,
    notes: floor
      ? `Stricter floor with bulk List calls: ${total(floor.byOperation)} calls (${floor.why}) → ratio ${round(total(made) / total(floor.byOperation))}.`
      : undefined,
  };
}

export async function upstreamEfficiency(stack: InProcessStack): Promise<ScenarioResult> {
  const { emulator } = stack;
  const dataset = emulator.dataset;
  const farmId = dataset.farms[0]?.farmId ?? '';
  const client = new GraphQLClient(stack.url, 4);
  try {
    // --- 1a. Dashboard ---------------------------------------------------------------------------------------
    const started = performance.now();
    await client.query(DASHBOARD, { farmId }); // warm-up (JIT, sockets); counts are per request anyway
    emulator.resetCalls();
    const dashboard = await client.query(DASHBOARD, { farmId });
    const dashboardFailure = failureOf(dashboard);
    if (dashboardFailure) throw new Error(`dashboard query failed: ${dashboardFailure}`);
    const dashboardCalls = emulator.calls();
    const dashboardMin = dashboardMinimum(dataset, farmId);

    // --- 1b. _entities ---------------------------------------------------------------------------------------
    const refs = entityReferences(dataset);
    await client.query(ENTITIES, { representations: refs });
    emulator.resetCalls();
    const entities = await client.query(ENTITIES, { representations: refs });
    const entitiesFailure = failureOf(entities);
    if (entitiesFailure) throw new Error(`_entities query failed: ${entitiesFailure}`);
    const entitiesCalls = emulator.calls();
    const entitiesMin = entitiesMinimum(refs, dataset);
    const resolved = ((entities.data?._entities as unknown[]) ?? []).filter((e) => e !== null).length;

    // --- 1c. Job detail -------------------------------------------------------------------------------------
    const detailJob = jobDetailSubject(dataset);
    await client.query(JOB_DETAIL, detailJob);
    emulator.resetCalls();
    const jobDetail = await client.query(JOB_DETAIL, detailJob);
    const jobDetailFailure = failureOf(jobDetail);
    if (jobDetailFailure) throw new Error(`job detail query failed: ${jobDetailFailure}`);
    const jobDetailCalls = emulator.calls();
    const jobDetailMin = jobDetailMinimum(dataset, detailJob);
    const detailSteps =
      dataset.steps.get(`${detailJob.farmId}/${detailJob.queueId}/${detailJob.jobId}`) ?? [];

    const efficiency: ScenarioResult = {
      id: 'upstream-efficiency',
      title: '1. Upstream efficiency',
      rows: [
        efficiencyRow(
          `dashboard (farm → ${DASHBOARD_SHAPE.queues} queues → ${DASHBOARD_SHAPE.jobs} jobs → ${DASHBOARD_SHAPE.sessions} sessions → fleet, worker; job description)`,
          dashboardCalls,
          dashboardMin,
        ),
        efficiencyRow(`_entities, ${refs.length} mixed references`, entitiesCalls, entitiesMin),
        efficiencyRow(
          `job detail (${detailSteps.length} steps → their tasks → each task's latest session action)`,
          jobDetailCalls,
          jobDetailMin,
        ),
      ],
      latencies: [],
      details: {
        dashboard: {
          made: dashboardCalls,
          gatewayReported: dashboard.extensions?.upstream,
          minimum: dashboardMin.byOperation,
          listFloor: dashboardMin.listFloor,
          sessionsListed: dashboardMin.sessions.length,
        },
        jobDetail: {
          job: detailJob,
          made: jobDetailCalls,
          gatewayReported: jobDetail.extensions?.upstream,
          minimum: jobDetailMin.byOperation,
        },
        entities: {
          references: refs.length,
          resolved,
          made: entitiesCalls,
          gatewayReported: entities.extensions?.upstream,
          minimum: entitiesMin.byOperation,
          listFloor: entitiesMin.listFloor,
        },
      },
      elapsedMs: performance.now() - started,
    };

    return efficiency;
  } finally {
    client.close();
  }
}

/** What scenario 2 needs of the emulator (which runs in its own process). */
export interface LatencyControl {
  /** Where the raw SDK script (the floor) reaches it. */
  endpoint: string;
  /** The emulator process's CPU time so far (ms). */
  cpuMs(): Promise<number>;
  setLatency(ms: number): Promise<void>;
  resetMaxInFlight(): Promise<void>;
  maxInFlight(): Promise<number>;
}

type JobIds = { farmId: string; queueId: string; jobId: string };
type WorkerIds = { farmId: string; fleetId: string; workerId: string };

/**
 * The dashboard's seven Deadline operations as a floor script makes them (only the IDs of the answers are read):
 * by the SDK as documented (`sdkCalls`), or by the transport floor (bench/lib/transportFloor.ts `floorOperations`).
 */
export interface DashboardCalls {
  getFarm(farmId: string): Promise<unknown>;
  listQueues(farmId: string, maxResults: number): Promise<{ queues?: Array<{ queueId?: string }> }>;
  listJobs(
    farmId: string,
    queueId: string,
    maxResults: number,
  ): Promise<{ jobs?: Array<{ jobId?: string }> }>;
  listSessions(
    job: JobIds,
    maxResults: number,
  ): Promise<{ sessions?: Array<{ fleetId?: string; workerId?: string }> }>;
  batchGetJob(identifiers: JobIds[]): Promise<unknown>;
  batchGetWorker(identifiers: WorkerIds[]): Promise<unknown>;
  getFleet(farmId: string, fleetId: string): Promise<unknown>;
}

/** The dashboard's operations by `client.send(new …Command)`: the SDK's documented path. */
export function sdkCalls(client: DeadlineClient): DashboardCalls {
  return {
    getFarm: (farmId) => client.send(new GetFarmCommand({ farmId })),
    listQueues: (farmId, maxResults) => client.send(new ListQueuesCommand({ farmId, maxResults })),
    listJobs: (farmId, queueId, maxResults) =>
      client.send(new ListJobsCommand({ farmId, queueId, maxResults })),
    listSessions: (job, maxResults) => client.send(new ListSessionsCommand({ ...job, maxResults })),
    batchGetJob: (identifiers) => client.send(new BatchGetJobCommand({ identifiers })),
    batchGetWorker: (identifiers) => client.send(new BatchGetWorkerCommand({ identifiers })),
    getFleet: (farmId, fleetId) => client.send(new GetFleetCommand({ farmId, fleetId })),
  };
}

/**
 * Scenario 2's floors: the dashboard's minimum calls (`dashboardMinimum`), in its dependent rounds, made by a plain
 * script with no GraphQL at all: GetFarm and ListQueues; ListJobs per listed queue; ListSessions per listed job with
 * BatchGetJob for their details; BatchGetWorker and GetFleet for the listed sessions' workers and fleets. Each
 * round's calls go out together, and a round starts as soon as the answers it needs are parsed. It learns every ID
 * from the answers, as the gateway must. `calls` makes them: the SDK with the client settings the gateway uses, or
 * the transport floor. Returns the calls it made, by operation. What it measures is this script's floor (see the
 * rows' notes), not a proof for every possible client.
 */
export async function rawDashboard(calls: DashboardCalls, farmId: string): Promise<Record<string, number>> {
  const made: Record<string, number> = {};
  const send = <T>(operation: string, call: Promise<T>): Promise<T> => {
    made[operation] = (made[operation] ?? 0) + 1;
    return call;
  };
  const pageSize = CHAIN_PAGE_SIZE;
  // Round 1.
  const [, queuePage] = await Promise.all([
    send('GetFarm', calls.getFarm(farmId)),
    send('ListQueues', calls.listQueues(farmId, pageSize)),
  ]);
  const queueIds = (queuePage.queues ?? []).slice(0, DASHBOARD_SHAPE.queues).map((q) => q.queueId ?? '');
  // Round 2.
  const jobPages = await Promise.all(
    queueIds.map((queueId) => send('ListJobs', calls.listJobs(farmId, queueId, pageSize))),
  );
  const jobs = jobPages.flatMap((page, index) =>
    (page.jobs ?? [])
      .slice(0, DASHBOARD_SHAPE.jobs)
      .map((job) => ({ farmId, queueId: queueIds[index] ?? '', jobId: job.jobId ?? '' })),
  );
  // Round 3: every job's first session page, and the jobs' details.
  const detailBatches = inBatches(jobs).map((identifiers) =>
    send('BatchGetJob', calls.batchGetJob(identifiers)),
  );
  const sessionPages = await Promise.all(
    jobs.map((job) => send('ListSessions', calls.listSessions(job, pageSize))),
  );
  const sessions = sessionPages.flatMap((page) => (page.sessions ?? []).slice(0, DASHBOARD_SHAPE.sessions));
  // Round 4: the listed sessions' workers and fleets.
  const workers = new Map(
    sessions.map((s) => [
      `${s.fleetId}/${s.workerId}`,
      { farmId, fleetId: s.fleetId ?? '', workerId: s.workerId ?? '' },
    ]),
  );
  const fleetIds = new Set(sessions.map((s) => s.fleetId ?? ''));
  await Promise.all([
    ...detailBatches,
    ...inBatches([...workers.values()]).map((identifiers) =>
      send('BatchGetWorker', calls.batchGetWorker(identifiers)),
    ),
    ...[...fleetIds].map((fleetId) => send('GetFleet', calls.getFleet(farmId, fleetId))),
  ]);
  return made;
}

/** Scenario 2's targets (issue 15): gateway p50 ÷ (rounds × latency), and gateway p50 ÷ the SDK script's p50. */
const CRITICAL_PATH_TARGET = 1.4;
const VS_SDK_SCRIPT_TARGET = 0.9;

/**
 * Scenario 2: the dashboard's wall time with 25 ms added to every upstream call, vs the dependent rounds of its
 * shape × 25 ms. The emulator runs in its own process (its CPU does not delay the gateway); the gateway and the
 * client run in this one. Next to it, in the same window (runs alternate), two floors: the same calls in the same
 * rounds by a plain script (`rawDashboard`) with the SDK as documented, and with the transport floor
 * (bench/lib/transportFloor.ts), which tell the gateway's own share from the SDK's and the SDK's from the wire's.
 */
export async function criticalPath(
  url: string,
  emulator: LatencyControl,
  dataset: Dataset,
): Promise<ScenarioResult> {
  const farmId = dataset.farms[0]?.farmId ?? '';
  const dashboardMin = dashboardMinimum(dataset, farmId);
  const client = new GraphQLClient(url, 4);
  const raw = documentedSdkClient(emulator.endpoint);
  const floor = new TransportFloor(emulator.endpoint, UPSTREAM_MAX_CONCURRENCY);
  try {
    const criticalStarted = performance.now();
    const latencyMs = 25;
    const rounds = dependentRounds(DASHBOARD);
    const runs = 8;
    const gatewayRun = async (latency: number): Promise<void> => {
      const failure = failureOf(await client.query(DASHBOARD, { farmId }));
      if (failure) throw new Error(`dashboard failed at ${latency} ms latency: ${failure}`);
    };
    /** The two floor scripts, and the CPU (ms) of this process (the script; the gateway here is idle meanwhile)
     * and of the emulator during their timed runs. */
    const scripts = {
      sdk: { name: 'raw SDK', calls: sdkCalls(raw), cpu: { script: 0, emulator: 0 } },
      transport: { name: 'transport floor', calls: floorOperations(floor), cpu: { script: 0, emulator: 0 } },
    };
    type Script = (typeof scripts)[keyof typeof scripts];
    const scriptRun = async (script: Script): Promise<void> => {
      const made = await rawDashboard(script.calls, farmId);
      const operations = new Set([...Object.keys(made), ...Object.keys(dashboardMin.byOperation)]);
      if ([...operations].some((op) => made[op] !== dashboardMin.byOperation[op]))
        throw new Error(
          `the ${script.name} dashboard made ${JSON.stringify(made)}, not the minimum ${JSON.stringify(dashboardMin.byOperation)}`,
        );
    };
    const timed = async (run: () => Promise<void>, times: number[]): Promise<void> => {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    };
    const scriptTimed = async (script: Script, times: number[]): Promise<void> => {
      const [emulator0, script0] = [await emulator.cpuMs(), process.cpuUsage()];
      await timed(() => scriptRun(script), times);
      script.cpu.script += cpuMs(script0, process.cpuUsage());
      script.cpu.emulator += (await emulator.cpuMs()) - emulator0;
    };
    /** The gateway's and both scripts' runs alternate (which goes first rotates too), so all see the same machine. */
    const timeAt = async (latency: number) => {
      await emulator.setLatency(latency);
      await gatewayRun(latency);
      await scriptRun(scripts.sdk);
      await scriptRun(scripts.transport);
      const gateway: number[] = [];
      const sdk: number[] = [];
      const transport: number[] = [];
      for (const script of Object.values(scripts)) script.cpu = { script: 0, emulator: 0 };
      for (let i = 0; i < runs; i++) {
        const arms = [
          () => timed(() => gatewayRun(latency), gateway),
          () => scriptTimed(scripts.sdk, sdk),
          () => scriptTimed(scripts.transport, transport),
        ];
        for (let j = 0; j < arms.length; j++) await (arms[(i + j) % arms.length] as () => Promise<void>)();
      }
      return { gateway: summarize(gateway), sdk: summarize(sdk), transport: summarize(transport) };
    };
    const atZero = await timeAt(0);
    await emulator.resetMaxInFlight();
    const at25 = await timeAt(latencyMs);
    const maxInFlight = await emulator.maxInFlight();
    await emulator.setLatency(0);
    const limitMs = rounds * latencyMs;
    // The widest round of the minimum: every ListSessions plus the job-details BatchGetJob (round 3 of 4). With the
    // process-wide limit of UPSTREAM_MAX_CONCURRENCY calls in flight it needs ⌈calls/limit⌉ waves.
    const widest = (dashboardMin.byOperation.ListSessions ?? 0) + (dashboardMin.byOperation.BatchGetJob ?? 0);
    const waves = rounds - 1 + Math.ceil(widest / UPSTREAM_MAX_CONCURRENCY);
    const ratio = at25.gateway.p50 / limitMs;
    const vsSdk = at25.gateway.p50 / at25.sdk.p50;
    const calls = total(dashboardMin.byOperation);
    const perDashboard = (script: Script) =>
      `${round(script.cpu.script / runs, 1)} ms in the script's process, ${round(script.cpu.emulator / runs, 1)} ms in the emulator's`;
    const latencies: LatencySeries[] = [
      { label: '2. dashboard, 0 ms upstream latency', summary: atZero.gateway },
      { label: `2. dashboard, ${latencyMs} ms upstream latency`, summary: at25.gateway },
      { label: `2. raw SDK script, same ${calls} calls, 0 ms latency`, summary: atZero.sdk },
      { label: `2. raw SDK script, same ${calls} calls, ${latencyMs} ms latency`, summary: at25.sdk },
      { label: `2. transport floor, same ${calls} calls, 0 ms latency`, summary: atZero.transport },
      { label: `2. transport floor, same ${calls} calls, ${latencyMs} ms latency`, summary: at25.transport },
    ];
    const critical: ScenarioResult = {
      id: 'critical-path',
      title: '2. Critical path',
      rows: [
        {
          scenario: `2. Critical path: dashboard at ${latencyMs} ms per upstream call`,
          measured: `p50 ${round(at25.gateway.p50, 1)} ms (min ${round(at25.gateway.min, 1)}, max ${round(at25.gateway.max, 1)}; ${runs} runs); same query at 0 ms latency: p50 ${round(atZero.gateway.p50, 1)} ms`,
          limit: `${rounds} dependent rounds × ${latencyMs} ms = ${limitMs} ms`,
          ratio: round(ratio),
          target: `≤ ${CRITICAL_PATH_TARGET}`,
          meetsTarget: round(ratio) <= CRITICAL_PATH_TARGET,
          notes: `Rounds from the query shape (bench/lib/rounds.ts). The widest round holds ${widest} calls; with UPSTREAM_MAX_CONCURRENCY ${UPSTREAM_MAX_CONCURRENCY} that is ${waves} waves (${waves * latencyMs} ms → ratio ${round(at25.gateway.p50 / (waves * latencyMs))}). Peak emulator concurrency seen (gateway and script runs): ${maxInFlight}. Wall time at ${latencyMs} ms minus wall time at 0 ms: ${round(at25.gateway.p50 - atZero.gateway.p50, 1)} ms, against ${limitMs} ms of rounds: the gateway waits for Deadline no longer than the dependent rounds require; the rest is CPU work that costs the same at 0 ms latency (the SDK's deserialisation and signing of the ${calls} calls, GraphQL execution of ~1,000 sessions). Gateway / transport floor (same window): ${round(at25.gateway.p50 / at25.transport.p50)}.`,
        },
        {
          scenario: `2. Critical path vs the raw SDK script: the dashboard vs the same ${calls} calls in the same ${rounds} rounds, ${latencyMs} ms per call`,
          measured: `gateway p50 ${round(at25.gateway.p50, 1)} ms`,
          limit: `raw SDK script p50 ${round(at25.sdk.p50, 1)} ms (runs alternating with the gateway's)`,
          ratio: round(vsSdk),
          target: `≤ ${VS_SDK_SCRIPT_TARGET}`,
          meetsTarget: round(vsSdk) <= VS_SDK_SCRIPT_TARGET,
          notes: `Below 1, the gateway answers the dashboard sooner than a script making its minimum calls with the SDK as documented: possible only if its own calls cost less CPU than the SDK's documented path (issue 15). At 0 ms latency: gateway p50 ${round(atZero.gateway.p50, 1)} ms, raw SDK script ${round(atZero.sdk.p50, 1)} ms.`,
        },
        {
          scenario: `2. Floor of the design: the same ${calls} calls in the same ${rounds} rounds by a plain SDK script (no GraphQL), ${latencyMs} ms per call`,
          measured: `p50 ${round(at25.sdk.p50, 1)} ms (min ${round(at25.sdk.min, 1)}, max ${round(at25.sdk.max, 1)}; runs alternating with the gateway's); at 0 ms latency: p50 ${round(atZero.sdk.p50, 1)} ms; CPU per dashboard at ${latencyMs} ms: ${perDashboard(scripts.sdk)}`,
          limit: `${rounds} dependent rounds × ${latencyMs} ms = ${limitMs} ms`,
          ratio: round(at25.sdk.p50 / limitMs),
          target: '— (bound for the critical path row)',
          meetsTarget: null,
          notes: `bench/scenarios/upstream.ts rawDashboard with sdkCalls: the minimum calls (checked against the formula of scenario 1), with the SDK as documented (\`new DeadlineClient\`, \`client.send(new …Command)\`, its own protocol; the gateway client's keep-alive sockets and attempts), each round sent as soon as the answers it needs are parsed, no GraphQL. What it measures above ${limitMs} ms is this script's CPU (signing, sending and parsing ${calls} answers with the SDK, on one thread) and the emulator's (on the other core; it computes its answers during the latency). A client making these calls this way does that work too, and all 51 answers of round 3 must be parsed before round 4 can be sent. It is this script's measurement, not a proof for every possible client.`,
        },
        {
          scenario: `2. Transport floor: the same ${calls} calls in the same ${rounds} rounds by SigV4 + \`node:http\` keep-alive + \`JSON.parse\` (no SDK client, no GraphQL), ${latencyMs} ms per call`,
          measured: `p50 ${round(at25.transport.p50, 1)} ms (min ${round(at25.transport.min, 1)}, max ${round(at25.transport.max, 1)}; runs alternating with the gateway's and the SDK script's); at 0 ms latency: p50 ${round(atZero.transport.p50, 1)} ms; CPU per dashboard at ${latencyMs} ms: ${perDashboard(scripts.transport)}`,
          limit: `${rounds} dependent rounds × ${latencyMs} ms = ${limitMs} ms`,
          ratio: round(at25.transport.p50 / limitMs),
          target: '— (bound for the critical path row)',
          meetsTarget: null,
          notes: `bench/lib/transportFloor.ts floorOperations through the same rawDashboard: what the ${calls} calls must cost (signing, one keep-alive request, one JSON.parse each), with no SDK client. A ratio above ${CRITICAL_PATH_TARGET} would put the critical path target out of reach on this machine for a client that signs, sends and parses these calls on one thread. Transport floor / raw SDK script p50: ${round(at25.transport.p50 / at25.sdk.p50)}; CPU per dashboard ${round(scripts.transport.cpu.script / Math.max(1e-9, scripts.sdk.cpu.script))}× the SDK script's.`,
        },
      ],
      latencies,
      details: {
        latencyMs,
        rounds,
        limitMs,
        runs,
        at25: at25.gateway,
        atZero: atZero.gateway,
        floorAt25: at25.sdk,
        floorAtZero: atZero.sdk,
        transportFloorAt25: at25.transport,
        transportFloorAtZero: atZero.transport,
        cpuMsPerDashboardAt25: {
          sdkScript: round(scripts.sdk.cpu.script / runs, 2),
          transportFloor: round(scripts.transport.cpu.script / runs, 2),
        },
        widestRoundCalls: widest,
        wavesWithConcurrencyLimit: waves,
        maxInFlight,
      },
      elapsedMs: performance.now() - criticalStarted,
    };
    return critical;
  } finally {
    client.close();
    raw.destroy();
    floor.close();
  }
}
