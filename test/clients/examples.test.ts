import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  FarmsListDocument,
  JobDetailDocument,
  type JobDetailQuery,
  type JobLifecycleStatus,
  JobStepsDocument,
  QueueBoardDocument,
  type QueueStatus,
  type SessionActionStatus,
  SessionActionsDocument,
  SessionDetailDocument,
  type SessionLifecycleStatus,
  type SessionSummaryFragment,
  type TaskRunStatus,
  type WorkerStatus,
} from '../../examples/__generated__/graphql.js';
import type { Dataset, JobRef } from '../../src/emulator/dataset.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * The example dashboard operations (examples/operations/*.graphql), as the typed documents codegen's client preset
 * generates from them, run by Apollo Client 4 against the real stack (gateway → SDK → emulator). The results are
 * assigned to explicitly typed variables, so a change of the schema or of an operation that changes a result type
 * breaks `tsc`; at run time every value is compared with the emulator's dataset.
 */
let stack: TestStack;
let dataset: Dataset;
let requests = 0;

function newClient(): ApolloClient {
  return new ApolloClient({
    cache: new InMemoryCache({
      // Job.sessions pages with first/after: merge the pages fetchMore brings into one list of edges.
      typePolicies: { Job: { fields: { sessions: relayStylePagination() } } },
    }),
    link: new HttpLink({
      uri: `${stack.url}/graphql`,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    }),
  });
}

function jobKey(job: JobRef): string {
  return `${job.farmId}/${job.queueId}/${job.jobId}`;
}

/** The task run status counts of a job as a plain object (order is not part of the contract). */
function countsOf(counts: ReadonlyArray<{ status: TaskRunStatus; count: number }>): Record<string, number> {
  return Object.fromEntries(counts.map(({ status, count }) => [status, count]));
}

function hostNameOf(farmId: string, fleetId: string, workerId: string): string | null {
  const worker = dataset.workers.get(`${farmId}/${fleetId}`)?.find((w) => w.workerId === workerId);
  return worker?.hostProperties?.hostName ?? null;
}

beforeAll(async () => {
  stack = await startTestStack();
  if (!stack.emulator) throw new Error('no emulator');
  dataset = stack.emulator.dataset;
});

afterAll(async () => {
  await stack?.close();
});

describe('example operations with Apollo Client 4 and the generated typed documents', () => {
  it('FarmsList: every farm with its queues, in Deadline order', async () => {
    const client = newClient();
    const { data } = await client.query({ query: FarmsListDocument });
    if (!data) throw new Error('no data');
    const hasNextPage: boolean = data.farms.pageInfo.hasNextPage;
    expect(hasNextPage).toBe(false);
    expect(data.farms.nodes.map((farm) => farm.farmId)).toEqual(dataset.farms.map((farm) => farm.farmId));
    for (const farm of data.farms.nodes) {
      const record = dataset.farms.find((f) => f.farmId === farm.farmId);
      const displayName: string = farm.displayName;
      expect(displayName).toBe(record?.displayName);
      const queues = dataset.queues.get(farm.farmId) ?? [];
      expect(farm.queues.nodes.map((queue) => queue.queueId)).toEqual(queues.map((q) => q.queueId));
      for (const [i, queue] of farm.queues.nodes.entries()) {
        const status: QueueStatus = queue.status;
        expect({ displayName: queue.displayName, status }).toEqual({
          displayName: queues[i]?.displayName,
          status: queues[i]?.status,
        });
      }
    }
    client.stop();
  });

  it('QueueBoard: the first queue with its jobs and their task run status counts', async () => {
    const client = newClient();
    const farm = dataset.farms[0];
    const queue = farm && dataset.queues.get(farm.farmId)?.[0];
    if (!farm || !queue) throw new Error('no queue in the dataset');
    const jobs = dataset.jobs.get(`${farm.farmId}/${queue.queueId}`) ?? [];
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.length).toBeLessThanOrEqual(100);

    const variables = { farmId: farm.farmId, queueId: queue.queueId, first: 100 };
    const { data } = await client.query({ query: QueueBoardDocument, variables });
    const board = data?.queue;
    if (!board) throw new Error('queue is null');
    const status: QueueStatus = board.status;
    expect({ queueId: board.queueId, displayName: board.displayName, status }).toEqual({
      queueId: queue.queueId,
      displayName: queue.displayName,
      status: queue.status,
    });
    expect(board.jobs.pageInfo.hasNextPage).toBe(false);
    expect(board.jobs.nodes.map((job) => job.jobId)).toEqual(jobs.map((job) => job.jobId));
    for (const [i, job] of board.jobs.nodes.entries()) {
      const record = jobs[i];
      if (!record) throw new Error(`job ${i} missing from the dataset`);
      const name: string = job.name;
      const lifecycleStatus: JobLifecycleStatus = job.lifecycleStatus;
      const taskRunStatus: TaskRunStatus | null = job.taskRunStatus;
      const priority: number = job.priority;
      const createdAt: string = job.createdAt;
      const startedAt: string | null = job.startedAt;
      expect({ name, lifecycleStatus, taskRunStatus, priority, createdAt, startedAt }).toEqual({
        name: record.name,
        lifecycleStatus: record.lifecycleStatus,
        taskRunStatus: record.taskRunStatus ?? null,
        priority: record.priority,
        createdAt: record.createdAt,
        startedAt: record.startedAt ?? null,
      });
      expect(countsOf(job.taskRunStatusCounts)).toEqual(record.taskRunStatusCounts ?? {});
    }
    client.stop();
  });

  for (const { sessions, first } of [
    { sessions: 250, first: 30 },
    { sessions: 0, first: 25 },
  ]) {
    it(`JobDetail: fetchMore pages through ${sessions} sessions (first: ${first}), each exactly once, in order`, async () => {
      const job = dataset.edgeJobs.get(sessions);
      if (!job) throw new Error(`no edge job with ${sessions} sessions`);
      const expected = dataset.sessions.get(jobKey(job)) ?? [];
      expect(expected).toHaveLength(sessions);
      const jobRecord = dataset.jobs.get(`${job.farmId}/${job.queueId}`)?.find((j) => j.jobId === job.jobId);

      const client = newClient();
      const before = requests;
      const observable = client.watchQuery({ query: JobDetailDocument, variables: { ...job, first } });
      let latest: JobDetailQuery | undefined;
      let subscription: { unsubscribe(): void } | undefined;
      try {
        const firstPage = await new Promise<JobDetailQuery>((resolve, reject) => {
          subscription = observable.subscribe({
            next: (result) => {
              if (result.error) reject(result.error);
              else if (result.dataState === 'complete') {
                latest = result.data;
                if (!result.loading) resolve(result.data);
              }
            },
            error: reject,
          });
        });
        const name: string | undefined = firstPage.job?.name;
        expect(name).toBe(jobRecord?.name);

        // Page by page, as a "Load more" button would: `after` is the last page's endCursor.
        const served: SessionSummaryFragment[] = [];
        let connection = firstPage.job?.sessions;
        if (!connection) throw new Error('job is null');
        served.push(...connection.edges.map((edge) => edge.node));
        let rounds = 0;
        while (connection.pageInfo.hasNextPage) {
          if (++rounds > 100) throw new Error('the walk does not end');
          const after: string | null = connection.pageInfo.endCursor;
          expect(after).toBeTruthy();
          const more: ApolloClient.QueryResult<JobDetailQuery> = await observable.fetchMore({
            variables: { after },
          });
          connection = more.data?.job?.sessions;
          if (!connection) throw new Error(`job is null on round ${rounds}`);
          expect(connection.edges.length).toBeGreaterThan(0);
          served.push(...connection.edges.map((edge) => edge.node));
        }
        expect(rounds).toBe(Math.max(0, Math.ceil(sessions / first) - 1));
        expect(requests - before).toBe(rounds + 1);

        // What the server sent: every session once, in Deadline's order, with its worker's host name.
        expect(served.map((s) => s.sessionId)).toEqual(expected.map((s) => s.sessionId));
        for (const [i, session] of served.entries()) {
          const record = expected[i];
          if (!record) throw new Error(`session ${i} missing from the dataset`);
          const lifecycleStatus: SessionLifecycleStatus = session.lifecycleStatus;
          const startedAt: string = session.startedAt;
          const endedAt: string | null = session.endedAt;
          const hostName: string | null | undefined = session.worker?.hostName;
          expect({ lifecycleStatus, startedAt, endedAt, hostName }).toEqual({
            lifecycleStatus: record.lifecycleStatus,
            startedAt: record.startedAt,
            endedAt: record.endedAt ?? null,
            hostName: hostNameOf(job.farmId, record.fleetId, record.workerId),
          });
        }

        // What the cache holds after relayStylePagination merged the pages: the same list, no duplicates, and the
        // watching query sees it too.
        const cached = client.readQuery({ query: JobDetailDocument, variables: { ...job, first } });
        const merged = cached?.job?.sessions;
        if (!merged) throw new Error('the merged connection is not in the cache');
        const mergedIds = merged.edges.map((edge) => edge.node.sessionId);
        expect(mergedIds).toEqual(expected.map((s) => s.sessionId));
        expect(new Set(mergedIds).size).toBe(sessions);
        expect(merged.pageInfo.hasNextPage).toBe(false);
        await vi.waitFor(() => expect(latest?.job?.sessions.edges.length).toBe(sessions), { timeout: 2000 });
      } finally {
        subscription?.unsubscribe();
        client.stop();
      }
    });
  }

  it('SessionDetail: a session with its worker (host name, status), fleet and log', async () => {
    const client = newClient();
    const job = dataset.edgeJobs.get(250);
    if (!job) throw new Error('no edge job with 250 sessions');
    // The 250-session job covers every session status; take an ended one and a running one.
    const records = dataset.sessions.get(jobKey(job)) ?? [];
    const picks = [records.find((s) => s.endedAt), records.find((s) => !s.endedAt)];
    expect(picks.every(Boolean)).toBe(true);
    for (const record of picks) {
      if (!record) continue;
      const { data } = await client.query({
        query: SessionDetailDocument,
        variables: { ...job, sessionId: record.sessionId },
      });
      const session = data?.session;
      if (!session) throw new Error(`session ${record.sessionId} is null`);
      const workerRecord = dataset.workers
        .get(`${job.farmId}/${record.fleetId}`)
        ?.find((w) => w.workerId === record.workerId);
      const fleetRecord = dataset.fleets.get(job.farmId)?.find((f) => f.fleetId === record.fleetId);

      const sessionId: string = session.sessionId;
      const lifecycleStatus: SessionLifecycleStatus = session.lifecycleStatus;
      const endedAt: string | null = session.endedAt;
      expect({
        sessionId,
        lifecycleStatus,
        endedAt,
        fleetId: session.fleetId,
        workerId: session.workerId,
      }).toEqual({
        sessionId: record.sessionId,
        lifecycleStatus: record.lifecycleStatus,
        endedAt: record.endedAt ?? null,
        fleetId: record.fleetId,
        workerId: record.workerId,
      });

      const worker = session.worker;
      if (!worker) throw new Error('worker is null');
      const hostName: string | null = worker.hostName;
      const workerStatus: WorkerStatus = worker.status;
      expect({ workerId: worker.workerId, hostName, workerStatus }).toEqual({
        workerId: record.workerId,
        hostName: workerRecord?.hostProperties?.hostName ?? null,
        workerStatus: workerRecord?.status,
      });
      const fleetName: string | undefined = session.fleet?.displayName;
      expect(fleetName).toBe(fleetRecord?.displayName);

      const log = session.log;
      if (!log) throw new Error('log is null');
      const logDriver: string = log.logDriver;
      const options: Array<{ key: string; value: string }> = log.options;
      // Apollo Client adds `__typename` to every object; compare the pairs only.
      const pairs = (list: Array<{ key: string; value: string }>) =>
        list.map(({ key, value }) => ({ key, value }));
      expect({
        logDriver,
        options: pairs(options),
        parameters: pairs(log.parameters),
        error: log.error,
      }).toEqual({
        logDriver: record.log.logDriver,
        options: Object.entries(record.log.options ?? {}).map(([key, value]) => ({ key, value })),
        parameters: Object.entries(record.log.parameters ?? {}).map(([key, value]) => ({ key, value })),
        error: record.log.error ?? null,
      });
    }
    client.stop();
  });

  it("JobSteps: a job's steps, their dependencies, tasks and each task's latest run", async () => {
    const client = newClient();
    const [path, steps] =
      [...dataset.steps].find(
        ([, list]) => list.length >= 3 && list.every((step) => step.dependencyCounts),
      ) ?? [];
    if (!path || !steps) throw new Error('no job with three steps in the dataset');
    const [farmId = '', queueId = '', jobId = ''] = path.split('/');
    const actions = new Map((dataset.sessionActions.get(path) ?? []).map((a) => [a.sessionActionId, a]));
    const names = new Map(steps.map((step) => [step.stepId, step.name]));
    const { data } = await client.query({ query: JobStepsDocument, variables: { farmId, queueId, jobId } });
    const stepNodes = data?.job?.steps.nodes ?? [];
    expect(stepNodes.map((step) => step.stepId)).toEqual(steps.map((step) => step.stepId));
    for (const [i, step] of stepNodes.entries()) {
      const record = steps[i];
      if (!record) throw new Error(`step ${i} missing from the dataset`);
      const taskRunStatus: TaskRunStatus = step.taskRunStatus;
      expect({ name: step.name, taskRunStatus }).toEqual({
        name: record.name,
        taskRunStatus: record.taskRunStatus,
      });
      expect(countsOf(step.taskRunStatusCounts)).toEqual(record.taskRunStatusCounts);
      const dependencies: Array<{ status: string; name: string }> = step.dependencies.edges.map((edge) => ({
        status: edge.status,
        name: edge.node.name,
      }));
      expect(dependencies).toEqual(
        (dataset.stepDependencies.get(`${path}/${record.stepId}`) ?? []).map((link) => ({
          status: link.status,
          name: names.get(link.stepId),
        })),
      );
      const tasks = (dataset.tasks.get(`${path}/${record.stepId}`) ?? []).slice(0, 100);
      expect(step.tasks.nodes.map((task) => task.taskId)).toEqual(tasks.map((task) => task.taskId));
      for (const [j, task] of step.tasks.nodes.entries()) {
        const latestId = tasks[j]?.latestSessionActionId;
        const latest = latestId ? actions.get(latestId) : undefined;
        const status: SessionActionStatus | undefined = task.latestSessionAction?.status;
        expect(status).toBe(latest?.status);
        expect(task.latestSessionAction?.processExitCode ?? null).toBe(latest?.processExitCode ?? null);
      }
    }
    client.stop();
  });

  it('SessionActions: what a session ran, in order, with the task each task run ran', async () => {
    const client = newClient();
    const [path, all] =
      [...dataset.sessionActions].find(([, list]) => list.some((a) => 'taskRun' in a.definition)) ?? [];
    if (!path || !all) throw new Error('no session with task runs in the dataset');
    const [farmId = '', queueId = '', jobId = ''] = path.split('/');
    const sessionId = all.find((a) => 'taskRun' in a.definition)?.sessionId ?? '';
    const expected = all.filter((a) => a.sessionId === sessionId);
    const { data } = await client.query({
      query: SessionActionsDocument,
      variables: { farmId, queueId, jobId, sessionId },
    });
    const nodes = data?.session?.actions.nodes ?? [];
    expect(nodes.map((node) => node.sessionActionId)).toEqual(expected.map((a) => a.sessionActionId));
    for (const [i, node] of nodes.entries()) {
      const record = expected[i];
      if (!record) throw new Error(`action ${i} missing from the dataset`);
      const definition = node.definition;
      if ('taskRun' in record.definition) {
        if (definition.__typename !== 'TaskRunAction') throw new Error(`action ${i} is not a task run`);
        const runStatus: TaskRunStatus | undefined = definition.task?.runStatus;
        expect({ stepId: definition.stepId, taskId: definition.task?.taskId }).toEqual({
          stepId: record.definition.taskRun.stepId,
          taskId: record.definition.taskRun.taskId,
        });
        expect(runStatus).toEqual(expect.any(String));
      } else if ('envEnter' in record.definition) {
        expect(definition).toEqual({
          __typename: 'EnvironmentEnterAction',
          environmentId: record.definition.envEnter.environmentId,
        });
      } else if ('envExit' in record.definition) {
        expect(definition).toEqual({
          __typename: 'EnvironmentExitAction',
          environmentId: record.definition.envExit.environmentId,
        });
      }
      const status: SessionActionStatus = node.status;
      expect(status).toBe(record.status);
    }
    client.stop();
  });
});
