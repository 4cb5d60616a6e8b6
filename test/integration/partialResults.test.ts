import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatorHandle } from '../../src/emulator/index.js';
import { codes, type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Partial results (docs/errors.md, "Partial results"): a field whose value needs its own Deadline call is nullable,
 * so a call that fails past the gateway's retries nulls that field only, with one error at its exact path, and
 * everything else the operation asked for arrives as if nothing had failed. Through the real stack (HTTP → Apollo
 * → loaders → SDK with 3 attempts → emulator), with throttling aimed at exactly one call.
 */
let stack: TestStack;
let emulator: EmulatorHandle;

beforeAll(async () => {
  stack = await startTestStack({ maxAttempts: 3 });
  emulator = stack.emulator as EmulatorHandle;
});
afterAll(() => stack.close());

/** A dashboard: farms → queues → jobs → sessions, next to a root lookup of one farm with its fleets. */
const DASHBOARD = /* GraphQL */ `
  query Dashboard($farmId: ID!) {
    farms(first: 5) {
      pageInfo { hasNextPage }
      nodes {
        farmId
        displayName
        queues(first: 5) {
          nodes {
            queueId
            displayName
            status
            jobs(first: 3) {
              nodes {
                jobId
                name
                lifecycleStatus
                sessions(first: 5) {
                  pageInfo { hasNextPage endCursor }
                  nodes { sessionId lifecycleStatus startedAt }
                }
              }
            }
          }
        }
      }
    }
    farm(farmId: $farmId) { displayName fleets { nodes { fleetId displayName } } }
  }
`;

interface Sessions {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ sessionId: string }>;
}
interface DashboardJob {
  jobId: string;
  name: string;
  sessions: Sessions | null;
}
interface DashboardData {
  farms: {
    nodes: Array<{
      farmId: string;
      queues: { nodes: Array<{ queueId: string; jobs: { nodes: DashboardJob[] } | null }> } | null;
    }>;
  } | null;
  farm: { displayName: string; fleets: { nodes: unknown[] } | null } | null;
}

/** A job in the middle of the dashboard: a job before and after it in its queue, and sessions of its own. */
function middleJob(data: DashboardData): { path: Array<string | number>; job: DashboardJob } {
  for (const [f, farm] of (data.farms?.nodes ?? []).entries()) {
    for (const [q, queue] of (farm.queues?.nodes ?? []).entries()) {
      const jobs = queue.jobs?.nodes ?? [];
      const j = 1;
      const job = jobs[j];
      if (jobs.length === 3 && job && (job.sessions?.nodes.length ?? 0) > 0) {
        return { path: ['farms', 'nodes', f, 'queues', 'nodes', q, 'jobs', 'nodes', j, 'sessions'], job };
      }
    }
  }
  throw new Error('the demo dataset has no queue with three jobs');
}

/** `data` with the value at `path` replaced by null (a deep copy). */
function withNullAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1) as string | number] = null;
  return copy;
}

async function fresh<T>(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const response = await stack.query<T>(query, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response;
}

describe('a throttled page in the middle of a dashboard', () => {
  it('nulls that job’s sessions alone: every sibling job, queue, farm and root field is intact', async () => {
    const farmId = emulator.dataset.farms[0]?.farmId;
    const baseline = await fresh<DashboardData>(DASHBOARD, { farmId });
    const { path, job } = middleJob(baseline.data as DashboardData);

    // Every attempt of that one job's ListSessions is throttled (3 attempts: the SDK retries twice).
    emulator.failNext('ListSessions', 'ThrottlingException', 3, { jobId: job.jobId });
    emulator.resetCalls();
    const response = await stack.query<DashboardData>(DASHBOARD, { farmId });

    expect(response.status).toBe(200);
    expect(response.data).toEqual(withNullAt(baseline.data, path));
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors ?? [];
    expect(error?.path).toEqual(path);
    expect(error?.extensions).toMatchObject({
      code: 'UPSTREAM_THROTTLED',
      upstreamOperation: 'ListSessions',
      retryAfterSeconds: 1,
    });
    // The same calls as the fault-free run, two more attempts (the retries of the throttled one), nothing else.
    const upstream = response.extensions?.upstream;
    expect(upstream?.byOperation).toEqual(baseline.extensions?.upstream?.byOperation);
    expect(upstream?.attempts).toBe((upstream?.calls ?? 0) + 2);
    expect(emulator.calls().ListSessions).toBe(
      (baseline.extensions?.upstream?.byOperation.ListSessions ?? 0) + 2,
    );
    // An answer with errors is never cached by HTTP caches.
    expect(response.headers.get('cache-control')).toBe('no-store');

    // The fault was that job's calls only: asked again, the dashboard is whole.
    const again = await fresh<DashboardData>(DASHBOARD, { farmId });
    expect(again.data).toEqual(baseline.data);
  });
});

describe('a failed root list', () => {
  it('nulls that root field only; the sibling root lookup keeps its data', async () => {
    const farm = emulator.dataset.farms[0];
    const query = /* GraphQL */ `
      query Roots($farmId: ID!) {
        farms { nodes { farmId } }
        farm(farmId: $farmId) { farmId displayName queues { nodes { queueId } } }
      }
    `;
    const baseline = await fresh<{ farms: unknown; farm: unknown }>(query, { farmId: farm?.farmId });
    emulator.failNext('ListFarms', 'ThrottlingException', 3);
    const response = await stack.query<{ farms: unknown; farm: unknown }>(query, { farmId: farm?.farmId });
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ farms: null, farm: baseline.data?.farm });
    expect(codes(response)).toEqual(['UPSTREAM_THROTTLED']);
    expect(response.errors?.[0]?.path).toEqual(['farms']);
    expect(response.errors?.[0]?.extensions?.upstreamOperation).toBe('ListFarms');
  });
});

describe('references and detail-only fields fail alone too', () => {
  it('a failed parent reference (Job.queue) is null at its path; the job and its sessions stay', async () => {
    const job = emulator.dataset.edgeJobs.get(99);
    if (!job) throw new Error('no job with 99 sessions');
    const query = /* GraphQL */ `
      query J($farmId: ID!, $queueId: ID!, $jobId: ID!) {
        job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          name queue { displayName } sessions(first: 2) { nodes { sessionId } }
        }
      }
    `;
    const baseline = await fresh<{ job: Record<string, unknown> }>(query, { ...job });
    emulator.failNext('GetQueue', 'InternalServerErrorException', 3, { queueId: job.queueId });
    const response = await stack.query<{ job: Record<string, unknown> }>(query, { ...job });
    expect(response.data).toEqual({ job: { ...baseline.data?.job, queue: null } });
    expect(response.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([
      ['UPSTREAM_UNAVAILABLE', ['job', 'queue']],
    ]);
  });

  it('a failed detail call nulls each listed job’s detail-only fields; the list and its summaries stay', async () => {
    const farm = emulator.dataset.farms[0];
    const queue = farm && emulator.dataset.queues.get(farm.farmId)?.[0];
    if (!farm || !queue) throw new Error('no queue');
    const query = /* GraphQL */ `
      query Q($farmId: ID!, $queueId: ID!) {
        queue(farmId: $farmId, queueId: $queueId) {
          jobs(first: 3) { nodes { jobId name parameters { name value } } }
        }
      }
    `;
    const variables = { farmId: farm.farmId, queueId: queue.queueId };
    const baseline = await fresh<{ queue: { jobs: { nodes: Array<Record<string, unknown>> } } }>(
      query,
      variables,
    );
    const jobs = baseline.data?.queue.jobs.nodes ?? [];
    expect(jobs.length).toBeGreaterThan(1);
    // The three jobs' details come in one BatchGetJob: all its attempts fail.
    emulator.failNext('BatchGetJob', 'ThrottlingException', 3);
    const response = await stack.query<{ queue: { jobs: { nodes: Array<Record<string, unknown>> } } }>(
      query,
      variables,
    );
    expect(response.data?.queue.jobs.nodes).toEqual(jobs.map((j) => ({ ...j, parameters: null })));
    expect(
      (response.errors ?? [])
        .map((e) => [e.extensions?.code, e.path])
        .sort((a, b) => String(a).localeCompare(String(b))),
    ).toEqual(
      jobs.map((_, index) => ['UPSTREAM_THROTTLED', ['queue', 'jobs', 'nodes', index, 'parameters']]),
    );
  });
});
