import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dataset,
  type SessionActionRecord,
  type StepRecord,
  sessionsByWorker,
  type TaskParameterValue,
  type TaskRecord,
} from '../../src/emulator/index.js';
import { README_JOB_DETAIL_QUERY } from '../helpers/exampleQueries.js';
import { codes, queryCountingCalls, startTestStack, type TestStack } from '../helpers/testStack.js';
import { callBudget, walkList } from '../helpers/walk.js';

/**
 * Inside a job through the real stack: steps, tasks, session actions and a worker's sessions, checked against the
 * emulator's dataset, with the Deadline calls each query made counted by the emulator.
 */
let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

interface JobIds {
  farmId: string;
  queueId: string;
  jobId: string;
}

/** The same encoding as graphql-relay's toGlobalId. */
const globalId = (type: string, ...path: string[]) =>
  Buffer.from(`${type}:${path.join('/')}`, 'utf8').toString('base64');

const jobPath = ({ farmId, queueId, jobId }: JobIds) => `${farmId}/${queueId}/${jobId}`;
const stepsOf = (job: JobIds): readonly StepRecord[] => dataset.steps.get(jobPath(job)) ?? [];
const tasksOf = (job: JobIds, stepId: string): readonly TaskRecord[] =>
  dataset.tasks.get(`${jobPath(job)}/${stepId}`) ?? [];
const actionsOf = (job: JobIds): readonly SessionActionRecord[] =>
  dataset.sessionActions.get(jobPath(job)) ?? [];

/** Every job of the dataset, with its IDs. */
function allJobs(): JobIds[] {
  const jobs: JobIds[] = [];
  for (const [queuePath, records] of dataset.jobs) {
    const [farmId = '', queueId = ''] = queuePath.split('/');
    for (const job of records) jobs.push({ farmId, queueId, jobId: job.jobId });
  }
  return jobs;
}

/**
 * The job with two or more steps, each of at most `maxTasks` tasks, where most tasks have run (over 100 in the demo
 * data, so batches of session actions are more than one).
 */
function detailJob(maxTasks = 100): JobIds {
  const ranTasks = (job: JobIds) =>
    stepsOf(job)
      .flatMap((step) => tasksOf(job, step.stepId))
      .filter((task) => task.latestSessionActionId).length;
  const [job] = allJobs()
    .filter((candidate) => {
      const steps = stepsOf(candidate);
      return steps.length >= 2 && steps.every((step) => tasksOf(candidate, step.stepId).length <= maxTasks);
    })
    .sort((a, b) => ranTasks(b) - ranTasks(a));
  if (!job || ranTasks(job) === 0) throw new Error('the dataset has no multi-step job with run tasks');
  return job;
}

/** The model's TaskParameterValue union as the schema's `{ name, type, value }` list. */
function parameterList(parameters: Record<string, TaskParameterValue> | undefined) {
  const types = {
    int: 'INT',
    float: 'FLOAT',
    string: 'STRING',
    path: 'PATH',
    chunkInt: 'CHUNK_INT',
  } as const;
  return Object.entries(parameters ?? {}).map(([name, value]) => {
    const [member, text] = Object.entries(value)[0] as [keyof typeof types, string];
    return { name, type: types[member], value: text };
  });
}

/** A status-count map as the schema's list, zero counts included (as sent). */
const countList = (counts: Record<string, number>) =>
  Object.entries(counts).map(([status, count]) => ({ status, count }));

const JOB_DETAIL = /* GraphQL */ `
  query JobDetail($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      steps(first: 20) {
        nodes {
          stepId
          name
          lifecycleStatus
          taskRunStatus
          taskRunStatusCounts { status count }
          tasks(first: 100) {
            nodes {
              taskId
              runStatus
              failureRetryCount
              parameters { name type value }
              latestSessionAction { sessionActionId status processExitCode }
            }
          }
        }
      }
    }
  }
`;

interface JobDetailData {
  job: {
    steps: {
      nodes: Array<{
        stepId: string;
        name: string;
        lifecycleStatus: string;
        taskRunStatus: string;
        taskRunStatusCounts: Array<{ status: string; count: number }>;
        tasks: {
          nodes: Array<{
            taskId: string;
            runStatus: string;
            failureRetryCount: number | null;
            parameters: Array<{ name: string; type: string; value: string }>;
            latestSessionAction: {
              sessionActionId: string;
              status: string;
              processExitCode: number | null;
            } | null;
          }>;
        };
      }>;
    };
  };
}

describe("a job's detail page", () => {
  it('answers the steps, their tasks and each task’s latest run as the dataset has them', async () => {
    // The job whose first task page per step holds the most tasks that ran: more than one batch of their runs.
    const firstPageRan = (candidate: JobIds) =>
      stepsOf(candidate)
        .flatMap((step) => tasksOf(candidate, step.stepId).slice(0, 100))
        .filter((task) => task.latestSessionActionId).length;
    const [job = detailJob()] = allJobs()
      .filter((candidate) => stepsOf(candidate).length <= 20)
      .sort((a, b) => firstPageRan(b) - firstPageRan(a));
    const { response, calls } = await queryCountingCalls<JobDetailData>(stack, JOB_DETAIL, { ...job });
    expect(response.errors).toBeUndefined();
    const actions = new Map(actionsOf(job).map((action) => [action.sessionActionId, action]));
    const steps = stepsOf(job);
    expect(response.data?.job.steps.nodes).toEqual(
      steps.map((step) => ({
        stepId: step.stepId,
        name: step.name,
        lifecycleStatus: step.lifecycleStatus,
        taskRunStatus: step.taskRunStatus,
        taskRunStatusCounts: countList(step.taskRunStatusCounts),
        tasks: {
          nodes: tasksOf(job, step.stepId)
            .slice(0, 100)
            .map((task) => {
              const latest = task.latestSessionActionId ? actions.get(task.latestSessionActionId) : undefined;
              return {
                taskId: task.taskId,
                runStatus: task.runStatus,
                failureRetryCount: task.failureRetryCount ?? null,
                parameters: parameterList(task.parameters),
                latestSessionAction: latest
                  ? {
                      sessionActionId: latest.sessionActionId,
                      status: latest.status,
                      processExitCode: latest.processExitCode ?? null,
                    }
                  : null,
              };
            }),
        },
      })),
    );
    // 1 ListSteps + one ListTasks per step + ⌈tasks that ran / 100⌉ BatchGetSessionAction; no GetJob, no Get*.
    const ran = steps
      .flatMap((step) => tasksOf(job, step.stepId).slice(0, 100))
      .filter((task) => task.latestSessionActionId);
    expect(ran.length, 'more than one batch of session actions').toBeGreaterThan(100);
    expect(ran.length, 'more than one batch of session actions').toBeGreaterThan(100);
    expect(calls).toEqual({
      ListSteps: 1,
      ListTasks: steps.length,
      BatchGetSessionAction: Math.ceil(ran.length / 100),
    });
  });

  it("the README's job detail query: linked steps the page listed cost nothing more", async () => {
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(squash(readFileSync('README.md', 'utf8'))).toContain(squash(README_JOB_DETAIL_QUERY));
    const job = detailJob();
    const { response, calls } = await queryCountingCalls<{
      job: {
        steps: {
          nodes: Array<{ dependencies: { edges: Array<{ status: string; node: { name: string } }> } }>;
        };
      };
    }>(stack, README_JOB_DETAIL_QUERY, { ...job });
    expect(response.errors).toBeUndefined();
    const steps = stepsOf(job);
    const names = new Map(steps.map((step) => [step.stepId, step.name]));
    expect(response.data?.job.steps.nodes.map((step) => step.dependencies.edges)).toEqual(
      steps.map((step) =>
        (dataset.stepDependencies.get(`${jobPath(job)}/${step.stepId}`) ?? []).map(({ stepId, status }) => ({
          status,
          node: { name: names.get(stepId) },
        })),
      ),
    );
    const tasks = steps.map((step) => tasksOf(job, step.stepId));
    const ran = tasks.flat().filter((task) => task.latestSessionActionId).length;
    // A page of 100 that ends where the upstream page ends needs one look-ahead for `hasNextPage`.
    const lookAheads = tasks.filter((list) => list.length === 100).length;
    expect(calls).toEqual({
      BatchGetJob: 1,
      ListSteps: 1,
      ListTasks: steps.length + lookAheads,
      ListStepDependencies: steps.length,
      BatchGetSessionAction: Math.ceil(ran / 100),
    });
  });

  it("counts a step's and a job's tasks by status as the tasks themselves are", async () => {
    const job = detailJob();
    for (const step of stepsOf(job)) {
      const byStatus: Record<string, number> = {};
      for (const task of tasksOf(job, step.stepId))
        byStatus[task.runStatus] = (byStatus[task.runStatus] ?? 0) + 1;
      for (const [status, count] of Object.entries(step.taskRunStatusCounts)) {
        expect(count, `${step.stepId} ${status}`).toBe(byStatus[status] ?? 0);
      }
    }
  });

  it('loads step details (description, parameter space, capabilities) in one BatchGetStep for the page', async () => {
    const job = detailJob();
    const { response, calls } = await queryCountingCalls<{
      job: { steps: { nodes: Array<Record<string, unknown>> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
          job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
            steps {
              nodes {
                stepId
                description
                parameterSpace { parameters { name type chunks { defaultTaskCount rangeConstraint } } combination }
                requiredCapabilities { attributes { name anyOf allOf } amounts { name min max value } }
                dependencyCounts { dependenciesResolved dependenciesUnresolved consumersResolved consumersUnresolved }
              }
            }
          }
        }
      `,
      { ...job },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.job.steps.nodes).toEqual(
      stepsOf(job).map((step) => ({
        stepId: step.stepId,
        description: step.description ?? null,
        parameterSpace: step.parameterSpace
          ? {
              parameters: step.parameterSpace.parameters.map((parameter) => ({
                name: parameter.name,
                type: parameter.type,
                chunks: parameter.chunks
                  ? {
                      defaultTaskCount: parameter.chunks.defaultTaskCount,
                      rangeConstraint: parameter.chunks.rangeConstraint,
                    }
                  : null,
              })),
              combination: step.parameterSpace.combination ?? null,
            }
          : null,
        requiredCapabilities: step.requiredCapabilities
          ? {
              attributes: step.requiredCapabilities.attributes.map((attribute) => ({
                name: attribute.name,
                anyOf: attribute.anyOf ?? null,
                allOf: attribute.allOf ?? null,
              })),
              amounts: step.requiredCapabilities.amounts.map((amount) => ({
                name: amount.name,
                min: amount.min ?? null,
                max: amount.max ?? null,
                value: amount.value ?? null,
              })),
            }
          : null,
        dependencyCounts: step.dependencyCounts ?? null,
      })),
    );
    expect(calls).toEqual({ ListSteps: 1, BatchGetStep: 1 });
  });
});

describe('session actions', () => {
  /** A session with a task run, its job, and its actions in order. */
  function sessionWithTaskRuns() {
    for (const job of allJobs()) {
      const bySession = new Map<string, SessionActionRecord[]>();
      for (const action of actionsOf(job)) {
        bySession.set(action.sessionId, [...(bySession.get(action.sessionId) ?? []), action]);
      }
      for (const [sessionId, actions] of bySession) {
        if (actions.filter((action) => 'taskRun' in action.definition).length >= 2)
          return { job, sessionId, actions };
      }
    }
    throw new Error('no session with task runs');
  }

  it("lists a session's actions with their definitions, details and the task and step each run ran", async () => {
    const { job, sessionId, actions } = sessionWithTaskRuns();
    const { response, calls } = await queryCountingCalls<{
      session: { actions: { nodes: Array<Record<string, unknown>> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {
          session(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionId: $sessionId) {
            actions(first: 100) {
              nodes {
                sessionActionId
                status
                progressPercent
                sessionId
                processExitCode
                progressMessage
                acquiredLimits { limitId count }
                definition {
                  __typename
                  ... on EnvironmentEnterAction { environmentId }
                  ... on EnvironmentExitAction { environmentId }
                  ... on SyncInputJobAttachmentsAction { stepId }
                  ... on TaskRunAction {
                    stepId
                    taskId
                    parameters { name type value }
                    task { taskId runStatus }
                    step { stepId name }
                  }
                }
              }
            }
          }
        }
      `,
      { ...job, sessionId },
    );
    expect(response.errors).toBeUndefined();
    const steps = new Map(stepsOf(job).map((step) => [step.stepId, step]));
    const tasks = new Map(
      stepsOf(job).flatMap((step) => tasksOf(job, step.stepId).map((task) => [task.taskId, task] as const)),
    );
    expect(response.data?.session.actions.nodes).toEqual(
      actions.map((action) => {
        const { definition } = action;
        let expected: Record<string, unknown>;
        if ('envEnter' in definition)
          expected = {
            __typename: 'EnvironmentEnterAction',
            environmentId: definition.envEnter.environmentId,
          };
        else if ('envExit' in definition)
          expected = { __typename: 'EnvironmentExitAction', environmentId: definition.envExit.environmentId };
        else if ('syncInputJobAttachments' in definition)
          expected = {
            __typename: 'SyncInputJobAttachmentsAction',
            stepId: definition.syncInputJobAttachments.stepId ?? null,
          };
        else {
          const { stepId, taskId, parameters } = definition.taskRun;
          const task = tasks.get(taskId);
          expected = {
            __typename: 'TaskRunAction',
            stepId,
            taskId,
            parameters: parameterList(parameters),
            task: task ? { taskId, runStatus: task.runStatus } : null,
            step: { stepId, name: steps.get(stepId)?.name },
          };
        }
        return {
          sessionActionId: action.sessionActionId,
          status: action.status,
          progressPercent: action.progressPercent ?? null,
          sessionId,
          processExitCode: action.processExitCode ?? null,
          progressMessage: action.progressMessage ?? null,
          acquiredLimits: action.acquiredLimits ?? null,
          definition: expected,
        };
      }),
    );
    // The session, its actions, then their details, tasks and steps: one batch each.
    expect(calls).toEqual({
      BatchGetSession: 1,
      ListSessionActions: 1,
      BatchGetSessionAction: 1,
      BatchGetTask: 1,
      BatchGetStep: 1,
    });
  });

  it('knows the session of the actions it lists under it without their details', async () => {
    const { job, sessionId, actions } = sessionWithTaskRuns();
    const { response, calls } = await queryCountingCalls<{
      session: { actions: { nodes: Array<{ sessionId: string; session: { sessionId: string } }> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {
          session(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionId: $sessionId) {
            actions(first: 100) { nodes { sessionId session { sessionId } } }
          }
        }
      `,
      { ...job, sessionId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.session.actions.nodes).toEqual(
      actions.map(() => ({ sessionId, session: { sessionId } })),
    );
    // The session's own lookup and its actions' page; no BatchGetSessionAction.
    expect(calls).toEqual({ BatchGetSession: 1, ListSessionActions: 1 });
  });

  it("lists a task's runs, and reaches each run's session through the action's detail", async () => {
    const job = allJobs().find((candidate) =>
      stepsOf(candidate).some((step) =>
        tasksOf(candidate, step.stepId).some((task) => task.latestSessionActionId),
      ),
    ) as JobIds;
    const step = stepsOf(job).find((s) => tasksOf(job, s.stepId).some((task) => task.latestSessionActionId));
    const task = tasksOf(job, step?.stepId ?? '').find((t) => t.latestSessionActionId) as TaskRecord;
    const runs = actionsOf(job).filter(
      (action) => 'taskRun' in action.definition && action.definition.taskRun.taskId === task.taskId,
    );
    const { response, calls } = await queryCountingCalls<{
      task: { sessionActions: { nodes: Array<{ sessionActionId: string; session: { sessionId: string } }> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $taskId: ID!) {
          task(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId, taskId: $taskId) {
            sessionActions { nodes { sessionActionId session { sessionId } } }
          }
        }
      `,
      { ...job, stepId: step?.stepId, taskId: task.taskId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.task.sessionActions.nodes).toEqual(
      runs.map((action) => ({
        sessionActionId: action.sessionActionId,
        session: { sessionId: action.sessionId },
      })),
    );
    expect(runs.at(-1)?.sessionActionId).toBe(task.latestSessionActionId);
    // The task (GetTask: it has no list to prove it), its runs, their details, their sessions.
    expect(calls).toEqual({
      BatchGetTask: 1,
      ListSessionActions: 1,
      BatchGetSessionAction: 1,
      BatchGetSession: 1,
    });
  });
});

describe("a worker's sessions", () => {
  function busyWorker() {
    const byWorker = sessionsByWorker(dataset);
    const [path, sessions] = [...byWorker].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    const [farmId = '', fleetId = '', workerId = ''] = (path ?? '').split('/');
    return { worker: { farmId, fleetId, workerId }, sessions: sessions ?? [] };
  }

  it('lists them in ListSessionsForWorker order, with the fleet and worker from the worker', async () => {
    const { worker, sessions } = busyWorker();
    expect(sessions.length).toBeGreaterThan(1);
    const { response, calls } = await queryCountingCalls<{
      worker: { sessions: { nodes: Array<Record<string, unknown>> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $fleetId: ID!, $workerId: ID!) {
          worker(farmId: $farmId, fleetId: $fleetId, workerId: $workerId) {
            sessions(first: 100) {
              nodes { sessionId queueId jobId fleetId workerId lifecycleStatus startedAt endedAt }
            }
          }
        }
      `,
      worker,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.worker.sessions.nodes).toEqual(
      sessions.slice(0, 100).map(({ queueId, jobId, session }) => ({
        sessionId: session.sessionId,
        queueId,
        jobId,
        fleetId: worker.fleetId,
        workerId: worker.workerId,
        lifecycleStatus: session.lifecycleStatus,
        startedAt: session.startedAt,
        endedAt: session.endedAt ?? null,
      })),
    );
    // The worker is looked up (ListSessionsForWorker does not prove it): one BatchGetWorker, one list page.
    expect(calls).toEqual({ BatchGetWorker: 1, ListSessionsForWorker: 1 });
  });

  it('loads what worker-session items lack (updatedAt, updatedBy) from the sessions, one batch a page', async () => {
    const { worker, sessions } = busyWorker();
    const { response, calls } = await queryCountingCalls<{
      worker: { sessions: { nodes: Array<Record<string, unknown>> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $fleetId: ID!, $workerId: ID!) {
          worker(farmId: $farmId, fleetId: $fleetId, workerId: $workerId) {
            sessions(first: 10) { nodes { sessionId updatedAt updatedBy } }
          }
        }
      `,
      worker,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.worker.sessions.nodes).toEqual(
      sessions.slice(0, 10).map(({ session }) => ({
        sessionId: session.sessionId,
        updatedAt: session.updatedAt ?? null,
        updatedBy: session.updatedBy ?? null,
      })),
    );
    expect(calls).toEqual({ BatchGetWorker: 1, ListSessionsForWorker: 1, BatchGetSession: 1 });
  });
});

describe('step dependencies and consumers', () => {
  it('link the steps of the dataset, with the status of each link, nodes in one BatchGetStep', async () => {
    const job = allJobs().find((candidate) =>
      stepsOf(candidate).some(
        (step) => (dataset.stepDependencies.get(`${jobPath(candidate)}/${step.stepId}`) ?? []).length > 0,
      ),
    ) as JobIds;
    expect(job).toBeDefined();
    const stepNames = new Map(stepsOf(job).map((step) => [step.stepId, step.name]));
    for (const step of stepsOf(job)) {
      const { response, calls } = await queryCountingCalls<{
        step: Record<string, { edges: Array<{ status: string; node: { stepId: string; name: string } }> }>;
      }>(
        stack,
        /* GraphQL */ `
          query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!) {
            step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
              dependencies { edges { status node { stepId name } } }
              consumers { edges { status node { stepId name } } }
            }
          }
        `,
        { ...job, stepId: step.stepId },
      );
      expect(response.errors).toBeUndefined();
      const expected = (links: readonly { stepId: string; status: string }[] | undefined) =>
        (links ?? []).map(({ stepId, status }) => ({
          status,
          node: { stepId, name: stepNames.get(stepId) },
        }));
      const path = `${jobPath(job)}/${step.stepId}`;
      expect(response.data?.step.dependencies?.edges).toEqual(expected(dataset.stepDependencies.get(path)));
      expect(response.data?.step.consumers?.edges).toEqual(expected(dataset.stepConsumers.get(path)));
      const linked =
        (dataset.stepDependencies.get(path)?.length ?? 0) + (dataset.stepConsumers.get(path)?.length ?? 0);
      // The step itself (no list proves it here), its two link pages, then the linked steps in one batch.
      expect(calls).toEqual({
        BatchGetStep: linked > 0 ? 2 : 1,
        ListStepDependencies: 1,
        ListStepConsumers: 1,
      });
    }
  });
});

describe('walks of the new connections', () => {
  const SIZES = [7, 100, 1, 33];
  /** A walk of n items in `pages` GraphQL pages reads each upstream page once, plus one per page it resumes in. */
  const withinBudget = (n: number, pages: number) => pages + Math.ceil(n / 100) + 1;

  it.each([0, 1, 100, 101, 2500])(
    "walk a step's %i tasks, each once, within the call budget",
    async (count) => {
      const ref = dataset.edgeSteps.get(count);
      if (!ref) throw new Error(`no edge step with ${count} tasks`);
      const { farmId, queueId, jobId, stepId } = ref;
      const walk = await walkList(stack, {
        lookup: 'step',
        keys: { farmId, queueId, jobId, stepId },
        field: 'tasks',
        idField: 'taskId',
        operation: 'ListTasks',
        sizes: SIZES,
      });
      expect(walk.ids).toEqual(tasksOf(ref, stepId).map((task) => task.taskId));
      // Each GraphQL page reads at most the upstream page it resumes in: within ⌈N/k⌉ + ⌈N/100⌉ + 1 for mixed k.
      expect(walk.listCalls).toBeLessThanOrEqual(withinBudget(count, walk.pages));
      for (const k of [7, 100]) {
        const uniform = await walkList(stack, {
          lookup: 'step',
          keys: { farmId, queueId, jobId, stepId },
          field: 'tasks',
          idField: 'taskId',
          operation: 'ListTasks',
          sizes: [k],
        });
        expect(uniform.ids).toEqual(walk.ids);
        expect(uniform.listCalls).toBeLessThanOrEqual(callBudget(count, k));
      }
    },
  );

  it("walks a job's steps, a job's session actions and a session's actions", async () => {
    const job = detailJob(10_000);
    const steps = await walkList(stack, {
      lookup: 'job',
      keys: { ...job },
      field: 'steps',
      idField: 'stepId',
      operation: 'ListSteps',
      sizes: [1],
    });
    expect(steps.ids).toEqual(stepsOf(job).map((step) => step.stepId));
    expect(steps.listCalls).toBeLessThanOrEqual(withinBudget(steps.ids.length, steps.pages));

    const actions = await walkList(stack, {
      lookup: 'job',
      keys: { ...job },
      field: 'sessionActions',
      idField: 'sessionActionId',
      operation: 'ListSessionActions',
      sizes: [13, 100, 2],
    });
    expect(actions.ids).toEqual(actionsOf(job).map((action) => action.sessionActionId));
    expect(actions.listCalls).toBeLessThanOrEqual(withinBudget(actions.ids.length, actions.pages));

    const sessionId = actionsOf(job)[0]?.sessionId as string;
    const sessionActions = await walkList(stack, {
      lookup: 'session',
      keys: { ...job, sessionId },
      field: 'actions',
      idField: 'sessionActionId',
      operation: 'ListSessionActions',
      sizes: [1, 2],
    });
    expect(sessionActions.ids).toEqual(
      actionsOf(job)
        .filter((action) => action.sessionId === sessionId)
        .map((action) => action.sessionActionId),
    );
    expect(sessionActions.listCalls).toBeLessThanOrEqual(
      withinBudget(sessionActions.ids.length, sessionActions.pages),
    );
  });

  it("walks a task's runs, a worker's sessions and a step's dependencies and consumers", async () => {
    const job = allJobs().find((candidate) =>
      actionsOf(candidate).some((action) => 'taskRun' in action.definition),
    ) as JobIds;
    const run = actionsOf(job).find((action) => 'taskRun' in action.definition)?.definition as {
      taskRun: { stepId: string; taskId: string };
    };
    const runs = await walkList(stack, {
      lookup: 'task',
      keys: { ...job, stepId: run.taskRun.stepId, taskId: run.taskRun.taskId },
      field: 'sessionActions',
      idField: 'sessionActionId',
      operation: 'ListSessionActions',
      sizes: [1],
    });
    expect(runs.ids).toEqual(
      actionsOf(job)
        .filter(
          (action) =>
            'taskRun' in action.definition && action.definition.taskRun.taskId === run.taskRun.taskId,
        )
        .map((action) => action.sessionActionId),
    );
    expect(runs.listCalls).toBeLessThanOrEqual(withinBudget(runs.ids.length, runs.pages));

    const [workerPath, workerSessions] =
      [...sessionsByWorker(dataset)].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    const [farmId = '', fleetId = '', workerId = ''] = (workerPath ?? '').split('/');
    const sessions = await walkList(stack, {
      lookup: 'worker',
      keys: { farmId, fleetId, workerId },
      field: 'sessions',
      idField: 'sessionId',
      operation: 'ListSessionsForWorker',
      sizes: [3, 100, 1],
    });
    expect(sessions.ids).toEqual((workerSessions ?? []).map(({ session }) => session.sessionId));
    expect(sessions.listCalls).toBeLessThanOrEqual(withinBudget(sessions.ids.length, sessions.pages));

    for (const field of ['dependencies', 'consumers'] as const) {
      const links = field === 'dependencies' ? dataset.stepDependencies : dataset.stepConsumers;
      const [path, linked] = [...links].sort((a, b) => b[1].length - a[1].length)[0] ?? [];
      const [f = '', q = '', j = '', stepId = ''] = (path ?? '').split('/');
      const walk = await walkList(stack, {
        lookup: 'step',
        keys: { farmId: f, queueId: q, jobId: j, stepId },
        field,
        idField: 'stepId',
        operation: field === 'dependencies' ? 'ListStepDependencies' : 'ListStepConsumers',
        sizes: [1],
      });
      expect(walk.ids.length).toBeGreaterThan(1);
      expect(walk.ids).toEqual((linked ?? []).map((link) => link.stepId));
      expect(walk.listCalls).toBeLessThanOrEqual(withinBudget(walk.ids.length, walk.pages));
    }
  });

  it("refuses a step's task cursor on another step, and a session's action cursor on a task", async () => {
    const job = detailJob();
    const [first, second] = stepsOf(job);
    const TASKS = /* GraphQL */ `
      query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $after: String) {
        step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
          tasks(first: 1, after: $after) { pageInfo { endCursor } }
        }
      }
    `;
    const page = await stack.query<{ step: { tasks: { pageInfo: { endCursor: string } } } }>(TASKS, {
      ...job,
      stepId: first?.stepId,
    });
    const cursor = page.data?.step.tasks.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    const { response, calls } = await queryCountingCalls(stack, TASKS, {
      ...job,
      stepId: second?.stepId,
      after: cursor,
    });
    expect(codes(response)).toEqual(['INVALID_CURSOR']);
    expect(calls).toEqual({});

    // Session.actions and Task.sessionActions page the same List: their cursors still do not mix.
    const action = actionsOf(job).find((a) => 'taskRun' in a.definition) as SessionActionRecord;
    const run = action.definition as { taskRun: { stepId: string; taskId: string } };
    const actions = await stack.query<{ session: { actions: { pageInfo: { endCursor: string } } } }>(
      `query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {
        session(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionId: $sessionId) {
          actions(first: 1) { pageInfo { endCursor } } } }`,
      { ...job, sessionId: action.sessionId },
    );
    const onTask = await queryCountingCalls(
      stack,
      `query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $taskId: ID!, $after: String) {
        task(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId, taskId: $taskId) {
          sessionActions(first: 1, after: $after) { pageInfo { endCursor } } } }`,
      { ...job, ...run.taskRun, after: actions.data?.session.actions.pageInfo.endCursor },
    );
    expect(codes(onTask.response)).toEqual(['INVALID_CURSOR']);
    expect(onTask.calls).toEqual({});
  });
});

describe('lookups, node refetch and federation references of the new types', () => {
  it('refetch a step, a task and a session action by global ID, and batch `nodes` per type', async () => {
    const job = detailJob();
    const steps = stepsOf(job);
    const tasks = steps
      .flatMap((step) => tasksOf(job, step.stepId).map((task) => ({ step, task })))
      .slice(0, 45);
    const actions = actionsOf(job).slice(0, 45);
    const ids = [
      ...steps.map((step) => globalId('Step', jobPath(job), step.stepId)),
      ...tasks.map(({ step, task }) => globalId('Task', jobPath(job), step.stepId, task.taskId)),
      ...actions.map((action) => globalId('SessionAction', jobPath(job), action.sessionActionId)),
    ];
    const { response, calls } = await queryCountingCalls<{ nodes: Array<Record<string, unknown>> }>(
      stack,
      /* GraphQL */ `
        query ($ids: [ID!]!) {
          nodes(ids: $ids) {
            __typename
            ... on Step { stepId name }
            ... on Task { taskId runStatus }
            ... on SessionAction { sessionActionId status }
          }
        }
      `,
      { ids },
    );
    expect(response.errors).toBeUndefined();
    const expected = [
      ...steps.map((step) => ({ __typename: 'Step', stepId: step.stepId, name: step.name })),
      ...tasks.map(({ task }) => ({ __typename: 'Task', taskId: task.taskId, runStatus: task.runStatus })),
      ...actions.map((action) => ({
        __typename: 'SessionAction',
        sessionActionId: action.sessionActionId,
        status: action.status,
      })),
    ];
    expect(response.data?.nodes).toEqual(expected);
    expect(ids.length).toBeLessThanOrEqual(100);
    expect(calls).toEqual({ BatchGetStep: 1, BatchGetTask: 1, BatchGetSessionAction: 1 });
  });

  it('look up by native IDs on Query and under the parent, NOT_FOUND on their own field only', async () => {
    const job = detailJob();
    const step = stepsOf(job)[0] as StepRecord;
    const task = tasksOf(job, step.stepId)[0] as TaskRecord;
    const action = actionsOf(job)[0] as SessionActionRecord;
    const missingTask = `task-${'0'.repeat(32)}-0`;
    const { response } = await queryCountingCalls<Record<string, unknown>>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $taskId: ID!, $actionId: ID!, $missing: ID!) {
          step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
            name
            job { jobId }
            task(taskId: $taskId) { taskId step { stepId } }
            missing: task(taskId: $missing) { taskId }
          }
          task(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId, taskId: $taskId) { taskId }
          sessionAction(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionActionId: $actionId) {
            sessionActionId
            job { jobId }
          }
          job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
            step(stepId: $stepId) { stepId }
            sessionAction(sessionActionId: $actionId) { sessionActionId }
          }
        }
      `,
      {
        ...job,
        stepId: step.stepId,
        taskId: task.taskId,
        actionId: action.sessionActionId,
        missing: missingTask,
      },
    );
    expect(response.data, JSON.stringify(response.errors)).toEqual({
      step: {
        name: step.name,
        job: { jobId: job.jobId },
        task: { taskId: task.taskId, step: { stepId: step.stepId } },
        missing: null,
      },
      task: { taskId: task.taskId },
      sessionAction: { sessionActionId: action.sessionActionId, job: { jobId: job.jobId } },
      job: { step: { stepId: step.stepId }, sessionAction: { sessionActionId: action.sessionActionId } },
    });
    expect(response.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual([
      ['step.missing', 'NOT_FOUND'],
    ]);
  });

  it('resolve federation references of each new type in one batch per type', async () => {
    const job = detailJob();
    const steps = stepsOf(job);
    const tasks = steps.flatMap((step) =>
      tasksOf(job, step.stepId).map((task) => ({ stepId: step.stepId, task })),
    );
    const actions = actionsOf(job).slice(0, 150);
    const representations = [
      ...steps.map((step) => ({ __typename: 'Step', ...job, stepId: step.stepId })),
      ...tasks.map(({ stepId, task }) => ({ __typename: 'Task', ...job, stepId, taskId: task.taskId })),
      ...actions.map((action) => ({
        __typename: 'SessionAction',
        ...job,
        sessionActionId: action.sessionActionId,
      })),
    ];
    const { response, calls } = await queryCountingCalls<{ _entities: Array<Record<string, unknown>> }>(
      stack,
      /* GraphQL */ `
        query ($representations: [_Any!]!) {
          _entities(representations: $representations) {
            ... on Step { stepId }
            ... on Task { taskId }
            ... on SessionAction { sessionActionId }
          }
        }
      `,
      { representations },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?._entities).toEqual([
      ...steps.map((step) => ({ stepId: step.stepId })),
      ...tasks.map(({ task }) => ({ taskId: task.taskId })),
      ...actions.map((action) => ({ sessionActionId: action.sessionActionId })),
    ]);
    expect(calls).toEqual({
      BatchGetStep: Math.ceil(steps.length / 100),
      BatchGetTask: Math.ceil(tasks.length / 100),
      BatchGetSessionAction: Math.ceil(actions.length / 100),
    });
  });
});

describe('partial results inside a job', () => {
  it("a throttled step's task page nulls that step's tasks only; every other step keeps its tasks", async () => {
    const job = detailJob();
    const steps = stepsOf(job);
    const failing = steps[1] as StepRecord;
    stack.emulator?.failNext('ListTasks', 'ThrottlingException', 1, { stepId: failing.stepId });
    const { response, calls } = await queryCountingCalls<{
      job: {
        steps: { nodes: Array<{ stepId: string; tasks: { nodes: Array<{ taskId: string }> } | null }> };
      };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
          job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
            steps { nodes { stepId tasks(first: 100) { nodes { taskId } } } }
          }
        }
      `,
      { ...job },
    );
    expect(response.data?.job.steps.nodes).toEqual(
      steps.map((step) => ({
        stepId: step.stepId,
        tasks:
          step === failing
            ? null
            : { nodes: tasksOf(job, step.stepId).map((task) => ({ taskId: task.taskId })) },
      })),
    );
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [['job', 'steps', 'nodes', 1, 'tasks'], 'UPSTREAM_THROTTLED'],
    ]);
    expect(calls).toEqual({ ListSteps: 1, ListTasks: steps.length });
  });

  it("a failed lookup of linked steps nulls the steps only; the links' statuses stay", async () => {
    const job = allJobs().find(
      (candidate) =>
        (dataset.stepConsumers.get(`${jobPath(candidate)}/${stepsOf(candidate)[0]?.stepId}`) ?? []).length >
        0,
    ) as JobIds;
    const first = stepsOf(job)[0] as StepRecord;
    const consumers = dataset.stepConsumers.get(`${jobPath(job)}/${first.stepId}`) ?? [];
    // Upstream pages of one step, so that the page lists the first step alone and its consumers must be looked up.
    const narrow = await startTestStack({ chainPageSize: 1, emulator: { sizes: { largeJobSessions: 120 } } });
    narrow.emulator?.failNext('BatchGetStep', 'ThrottlingException', 1);
    const { response, calls } = await queryCountingCalls<{
      job: { steps: { nodes: Array<{ consumers: { edges: Array<{ status: string; node: null }> } }> } };
    }>(
      narrow,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
          job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
            steps(first: 1) { nodes { consumers { edges { status node { name } } } } }
          }
        }
      `,
      { ...job },
    );
    expect(response.data?.job.steps.nodes[0]?.consumers.edges).toEqual(
      consumers.map(({ status }) => ({ status, node: null })),
    );
    expect(response.errors?.map((error) => [error.path?.join('.'), error.extensions?.code])).toEqual(
      consumers.map((_, index) => [`job.steps.nodes.0.consumers.edges.${index}.node`, 'UPSTREAM_THROTTLED']),
    );
    expect(calls).toEqual({ ListSteps: 1, ListStepConsumers: consumers.length + 1, BatchGetStep: 1 });
    await narrow.close();
  });
});
