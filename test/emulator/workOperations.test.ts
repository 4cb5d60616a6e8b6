/**
 * Steps, tasks, session actions, step links and a worker's sessions through the real SDK: answers equal the
 * dataset in the model's shapes, paging visits every item once with tokens bound to every argument, validation is
 * the model's, and missing resources (in the path, a filter or a batch) are ResourceNotFoundException.
 */
import {
  AccessDeniedException,
  BatchGetSessionActionCommand,
  BatchGetStepCommand,
  BatchGetTaskCommand,
  GetSessionActionCommand,
  GetStepCommand,
  GetTaskCommand,
  ListSessionActionsCommand,
  ListSessionsForWorkerCommand,
  ListStepConsumersCommand,
  ListStepDependenciesCommand,
  ListStepsCommand,
  ListTasksCommand,
  paginateListTasks,
  ResourceNotFoundException,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dataset,
  type JobRef,
  type SessionActionRecord,
  type StepRef,
  sessionsByWorker,
} from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

let fixture: EmulatorFixture;
let dataset: Dataset;
beforeAll(async () => {
  fixture = await startFixture();
  dataset = fixture.emulator.dataset;
});
afterAll(() => fixture.close());

const UNKNOWN_HEX = 'f'.repeat(32);
const jobKey = (ref: JobRef) => `${ref.farmId}/${ref.queueId}/${ref.jobId}`;
const stepKey = (ref: StepRef) => `${jobKey(ref)}/${ref.stepId}`;
const jobRef = ({ farmId, queueId, jobId }: JobRef): JobRef => ({ farmId, queueId, jobId });

function edgeStep(count: number): StepRef {
  const ref = dataset.edgeSteps.get(count);
  if (!ref) throw new Error(`no edge step with ${count} tasks`);
  return ref;
}

/** An SDK answer as it was on the wire: Dates back to ISO strings, no `$metadata`. */
function onWire(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(onWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, member]) => key !== '$metadata' && member !== undefined)
        .map(([key, member]) => [key, onWire(member)]),
    );
  }
  return value;
}

/** A job whose steps have dependencies, with a session that ran tasks of two steps. */
function richJob(): { job: JobRef; actions: readonly SessionActionRecord[] } {
  for (const [queueKey, jobs] of dataset.jobs) {
    const [farmId = '', queueId = ''] = queueKey.split('/');
    for (const job of jobs) {
      const ref = { farmId, queueId, jobId: job.jobId };
      const steps = dataset.steps.get(jobKey(ref)) ?? [];
      const actions = dataset.sessionActions.get(jobKey(ref)) ?? [];
      const ranSteps = new Set(
        actions.flatMap((action) =>
          'taskRun' in action.definition ? [action.definition.taskRun.stepId] : [],
        ),
      );
      const hasLinks = steps.some((step) => (step.dependencyCounts?.dependenciesResolved ?? 0) > 0);
      if (steps.length >= 3 && ranSteps.size >= 2 && hasLinks && actions.length > 150)
        return { job: ref, actions };
    }
  }
  throw new Error('the dataset has no job with linked steps and many actions');
}

/** Pages through a List call, collecting the items; returns them and the page sizes. */
async function walk<T>(
  send: (nextToken: string | undefined) => Promise<{ items: T[] | undefined; nextToken?: string }>,
): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let nextToken: string | undefined;
  do {
    const page = await send(nextToken);
    items.push(...(page.items ?? []));
    sizes.push(page.items?.length ?? 0);
    nextToken = page.nextToken;
  } while (nextToken !== undefined && sizes.length < 200);
  return { items, sizes };
}

describe('steps', () => {
  it('ListSteps lists StepSummary items; GetStep and BatchGetStep answer the record', async () => {
    const { job } = richJob();
    const steps = dataset.steps.get(jobKey(job)) ?? [];
    const listed = await fixture.client.send(new ListStepsCommand({ ...job }));
    expect(listed.nextToken).toBeUndefined();
    expect(onWire(listed.steps)).toEqual(
      steps.map(({ requiredCapabilities, parameterSpace, description, ...summary }) => summary),
    );
    for (const step of steps) {
      const got = await fixture.client.send(new GetStepCommand({ ...job, stepId: step.stepId }));
      expect(onWire(got)).toEqual(step);
      expect(got).not.toHaveProperty('farmId');
      expect(got.createdAt).toBeInstanceOf(Date);
    }
    const batch = await fixture.client.send(
      new BatchGetStepCommand({
        identifiers: [
          ...steps.map((step) => ({ ...job, stepId: step.stepId })),
          { ...job, stepId: `step-${UNKNOWN_HEX}` },
          { ...job, jobId: `job-${UNKNOWN_HEX}`, stepId: steps[0]?.stepId },
        ],
      }),
    );
    expect(onWire(batch.steps)).toEqual(steps.map((step) => ({ ...job, ...step })));
    expect(batch.errors).toEqual([
      {
        ...job,
        stepId: `step-${UNKNOWN_HEX}`,
        code: 'ResourceNotFoundException',
        message: expect.any(String),
      },
      {
        ...job,
        jobId: `job-${UNKNOWN_HEX}`,
        stepId: steps[0]?.stepId,
        code: 'ResourceNotFoundException',
        message: expect.stringMatching(/job/),
      },
    ]);
  });

  it('ListStepDependencies and ListStepConsumers list the links; they take up to 1000 a page', async () => {
    const { job } = richJob();
    for (const step of dataset.steps.get(jobKey(job)) ?? []) {
      const key = `${jobKey(job)}/${step.stepId}`;
      const dependencies = await fixture.client.send(
        new ListStepDependenciesCommand({ ...job, stepId: step.stepId, maxResults: 1000 }),
      );
      expect(dependencies.dependencies).toEqual(dataset.stepDependencies.get(key));
      const consumers = await fixture.client.send(
        new ListStepConsumersCommand({ ...job, stepId: step.stepId, maxResults: 101 }),
      );
      expect(consumers.consumers).toEqual(dataset.stepConsumers.get(key));
    }
    const stepId = dataset.steps.get(jobKey(job))?.[0]?.stepId;
    for (const maxResults of [0, 1001]) {
      for (const command of [
        new ListStepDependenciesCommand({ ...job, stepId, maxResults }),
        new ListStepConsumersCommand({ ...job, stepId, maxResults }),
      ]) {
        const error = await expectAwsError(fixture.client.send(command as never), ValidationException);
        expect(error.fieldList?.map((field) => field.name)).toEqual(['maxResults']);
        expect(error.message).toContain(
          maxResults === 0 ? 'greater than or equal to 1' : 'less than or equal to 1000',
        );
      }
    }
  });

  it('pages the links one at a time, tokens bound to the step and to maxResults', async () => {
    const { job } = richJob();
    const steps = dataset.steps.get(jobKey(job)) ?? [];
    const step = steps.find(
      (candidate) => (dataset.stepConsumers.get(`${jobKey(job)}/${candidate.stepId}`) ?? []).length >= 2,
    );
    if (!step) throw new Error('no step with two consumers');
    const expected = dataset.stepConsumers.get(`${jobKey(job)}/${step.stepId}`) ?? [];
    const { items, sizes } = await walk(async (nextToken) => {
      const page = await fixture.client.send(
        new ListStepConsumersCommand({ ...job, stepId: step.stepId, maxResults: 1, nextToken }),
      );
      return { items: page.consumers, nextToken: page.nextToken };
    });
    expect(items).toEqual(expected);
    expect(sizes).toEqual([...expected.map(() => 1), 0]);
    const first = await fixture.client.send(
      new ListStepConsumersCommand({ ...job, stepId: step.stepId, maxResults: 1 }),
    );
    const other = steps.find((candidate) => candidate.stepId !== step.stepId)?.stepId;
    for (const command of [
      new ListStepConsumersCommand({ ...job, stepId: other, maxResults: 1, nextToken: first.nextToken }),
      new ListStepConsumersCommand({
        ...job,
        stepId: step.stepId,
        maxResults: 2,
        nextToken: first.nextToken,
      }),
    ]) {
      await expectAwsError(fixture.client.send(command), ValidationException);
    }
    await expectAwsError(
      fixture.client.send(
        new ListStepDependenciesCommand({
          ...job,
          stepId: step.stepId,
          maxResults: 1,
          nextToken: first.nextToken,
        }),
      ),
      ValidationException,
    );
  });
});

describe('tasks', () => {
  it.each([
    [0, [0]],
    [1, [1]],
    [100, [100, 0]],
    [101, [100, 1]],
  ])('the %s-task edge step pages as %j (default page size)', async (count, sizes) => {
    const ref = edgeStep(count);
    const walked = await walk(async (nextToken) => {
      const page = await fixture.client.send(new ListTasksCommand({ ...ref, nextToken }));
      return { items: page.tasks, nextToken: page.nextToken };
    });
    expect(walked.sizes).toEqual(sizes);
    expect(walked.items.map((task) => task.taskId)).toEqual(
      (dataset.tasks.get(stepKey(ref)) ?? []).map((task) => task.taskId),
    );
  });

  it('walks the 2,500-task step once through, each task as GetTask answers it', async () => {
    const ref = edgeStep(dataset.sizes.largeStepTasks);
    const tasks = dataset.tasks.get(stepKey(ref)) ?? [];
    expect(tasks).toHaveLength(2500);
    const listed: unknown[] = [];
    let pages = 0;
    for await (const page of paginateListTasks({ client: fixture.client, pageSize: 100 }, { ...ref })) {
      listed.push(...(page.tasks ?? []));
      pages += 1;
    }
    expect(pages).toBe(26); // 25 full pages, then the empty one a full last page points at
    // TaskSummary has every GetTask member.
    expect(onWire(listed)).toEqual(tasks);
    const ran = tasks.find(
      (task) => task.latestSessionActionId !== undefined && task.runStatus === 'SUCCEEDED',
    );
    const waiting = tasks.find((task) => task.latestSessionActionId === undefined);
    for (const task of [ran, waiting]) {
      const got = await fixture.client.send(new GetTaskCommand({ ...ref, taskId: task?.taskId }));
      expect(onWire(got)).toEqual(task);
    }
  });

  it('tokens are bound to the step and to maxResults', async () => {
    const ref = edgeStep(101);
    const first = await fixture.client.send(new ListTasksCommand({ ...ref, maxResults: 50 }));
    const large = edgeStep(dataset.sizes.largeStepTasks);
    for (const command of [
      new ListTasksCommand({ ...ref, maxResults: 49, nextToken: first.nextToken }),
      new ListTasksCommand({ ...ref, nextToken: first.nextToken }),
      new ListTasksCommand({ ...large, maxResults: 50, nextToken: first.nextToken }),
    ]) {
      const error = await expectAwsError(fixture.client.send(command), ValidationException);
      expect(error.message).toMatch(/pagination token is invalid/);
    }
    const second = await fixture.client.send(
      new ListTasksCommand({ ...ref, maxResults: 50, nextToken: first.nextToken }),
    );
    expect(second.tasks?.[0]?.taskId).toBe(dataset.tasks.get(stepKey(ref))?.[50]?.taskId);
  });

  it('BatchGetTask answers tasks with their parent IDs and per-item errors', async () => {
    const ref = edgeStep(101);
    const [first, second] = dataset.tasks.get(stepKey(ref)) ?? [];
    const otherStep = edgeStep(100);
    const foreign = dataset.tasks.get(stepKey(otherStep))?.[0]?.taskId;
    const response = await fixture.client.send(
      new BatchGetTaskCommand({
        identifiers: [
          { ...ref, taskId: first?.taskId },
          { ...ref, taskId: foreign },
          { ...ref, taskId: second?.taskId },
          { ...ref, stepId: `step-${UNKNOWN_HEX}`, taskId: first?.taskId },
        ],
      }),
    );
    expect(onWire(response.tasks)).toEqual([
      { ...ref, ...first },
      { ...ref, ...second },
    ]);
    expect(response.errors?.map(({ code, message, ...ids }) => [ids, code, message])).toEqual([
      [{ ...ref, taskId: foreign }, 'ResourceNotFoundException', expect.stringMatching(/task/)],
      [
        { ...ref, stepId: `step-${UNKNOWN_HEX}`, taskId: first?.taskId },
        'ResourceNotFoundException',
        expect.stringMatching(/step/),
      ],
    ]);
  });

  it('a task of another step is not found under this one', async () => {
    const foreign = dataset.tasks.get(stepKey(edgeStep(100)))?.[0]?.taskId;
    const error = await expectAwsError(
      fixture.client.send(new GetTaskCommand({ ...edgeStep(101), taskId: foreign })),
      ResourceNotFoundException,
    );
    expect(error.resourceType).toBe('task');
    expect(error.resourceId).toBe(foreign);
  });
});

describe('session actions', () => {
  it('ListSessionActions walks the job’s actions once, as summaries with the Summary definition', async () => {
    const { job, actions } = richJob();
    const { items, sizes } = await walk(async (nextToken) => {
      const page = await fixture.client.send(
        new ListSessionActionsCommand({ ...job, maxResults: 37, nextToken }),
      );
      return { items: page.sessionActions, nextToken: page.nextToken };
    });
    expect(sizes.slice(0, -1).every((size) => size === 37)).toBe(true);
    expect(onWire(items)).toEqual(
      actions.map(({ sessionId, processExitCode, progressMessage, acquiredLimits, ...summary }) => summary),
    );
    const taskRun = items.find((item) => item.definition?.taskRun !== undefined);
    expect(taskRun?.definition?.taskRun?.parameters).toBeDefined();
  });

  it('filters by session, by task, and by both; the token is bound to each filter and to maxResults', async () => {
    const { job, actions } = richJob();
    const run = actions.find((action) => 'taskRun' in action.definition && action.status === 'SUCCEEDED');
    const taskId = run && 'taskRun' in run.definition ? run.definition.taskRun.taskId : undefined;
    const sessionId = run?.sessionId;
    const bySession = actions.filter((action) => action.sessionId === sessionId);
    const byTask = actions.filter(
      (action) => 'taskRun' in action.definition && action.definition.taskRun.taskId === taskId,
    );
    const ids = (list?: { sessionActionId?: string }[]) =>
      (list ?? []).map((action) => action.sessionActionId);

    const sessionPage = await fixture.client.send(new ListSessionActionsCommand({ ...job, sessionId }));
    expect(ids(sessionPage.sessionActions)).toEqual(ids(bySession));
    const taskPage = await fixture.client.send(new ListSessionActionsCommand({ ...job, taskId }));
    expect(ids(taskPage.sessionActions)).toEqual(ids(byTask));
    const both = await fixture.client.send(new ListSessionActionsCommand({ ...job, sessionId, taskId }));
    expect(ids(both.sessionActions)).toEqual(ids(byTask.filter((action) => action.sessionId === sessionId)));

    const first = await fixture.client.send(
      new ListSessionActionsCommand({ ...job, sessionId, maxResults: 1 }),
    );
    expect(first.nextToken).toBeTypeOf('string');
    const otherSession = actions.find((action) => action.sessionId !== sessionId)?.sessionId;
    for (const command of [
      new ListSessionActionsCommand({
        ...job,
        sessionId: otherSession,
        maxResults: 1,
        nextToken: first.nextToken,
      }),
      new ListSessionActionsCommand({ ...job, maxResults: 1, nextToken: first.nextToken }),
      new ListSessionActionsCommand({ ...job, sessionId, taskId, maxResults: 1, nextToken: first.nextToken }),
      new ListSessionActionsCommand({ ...job, sessionId, maxResults: 2, nextToken: first.nextToken }),
    ]) {
      const error = await expectAwsError(fixture.client.send(command), ValidationException);
      expect(error.message).toMatch(/pagination token is invalid/);
    }
    const byTaskFirst = await fixture.client.send(
      new ListSessionActionsCommand({ ...job, taskId, maxResults: 1 }),
    );
    const otherTask = dataset.tasks
      .get(`${jobKey(job)}/${run && 'taskRun' in run.definition ? run.definition.taskRun.stepId : ''}`)
      ?.find((task) => task.taskId !== taskId)?.taskId;
    if (byTaskFirst.nextToken !== undefined) {
      await expectAwsError(
        fixture.client.send(
          new ListSessionActionsCommand({
            ...job,
            taskId: otherTask,
            maxResults: 1,
            nextToken: byTaskFirst.nextToken,
          }),
        ),
        ValidationException,
      );
    }
    const second = await fixture.client.send(
      new ListSessionActionsCommand({ ...job, sessionId, maxResults: 1, nextToken: first.nextToken }),
    );
    expect(second.sessionActions?.[0]?.sessionActionId).toBe(bySession[1]?.sessionActionId);
  });

  it('an unknown session or task in a filter is ResourceNotFoundException; a malformed one a ValidationException', async () => {
    const { job } = richJob();
    const missingSession = await expectAwsError(
      fixture.client.send(new ListSessionActionsCommand({ ...job, sessionId: `session-${UNKNOWN_HEX}` })),
      ResourceNotFoundException,
    );
    expect(missingSession.resourceType).toBe('session');
    const missingTask = await expectAwsError(
      fixture.client.send(new ListSessionActionsCommand({ ...job, taskId: `task-${UNKNOWN_HEX}-0` })),
      ResourceNotFoundException,
    );
    expect(missingTask.resourceType).toBe('task');
    // A session of another job is not this job's.
    const otherJob = dataset.edgeJobs.get(1) as JobRef;
    const foreignSession = dataset.sessions.get(jobKey(otherJob))?.[0]?.sessionId;
    await expectAwsError(
      fixture.client.send(new ListSessionActionsCommand({ ...job, sessionId: foreignSession })),
      ResourceNotFoundException,
    );
    for (const [field, value] of [
      ['sessionId', 'session-123'],
      ['sessionId', `job-${UNKNOWN_HEX}`],
      ['taskId', `task-${UNKNOWN_HEX}`],
      ['taskId', `task-${UNKNOWN_HEX}-01`],
      ['taskId', `task-${UNKNOWN_HEX}-12345678901`],
    ] as const) {
      const error = await expectAwsError(
        fixture.client.send(new ListSessionActionsCommand({ ...job, [field]: value })),
        ValidationException,
      );
      expect(
        error.fieldList?.map((entry) => entry.name),
        value,
      ).toEqual([field]);
    }
    const both = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${job.farmId}/queues/${job.queueId}/jobs/${job.jobId}/session-actions?sessionId=&taskId=x&maxResults=101`,
    );
    expect((both.json.fieldList as { name: string }[]).map((entry) => entry.name)).toEqual([
      'maxResults',
      'sessionId',
      'taskId',
    ]);
  });

  it('GetSessionAction and BatchGetSessionAction answer the full record with the full definition', async () => {
    const { job, actions } = richJob();
    const run = actions.find(
      (action) => 'taskRun' in action.definition && action.processExitCode !== undefined,
    );
    const enter = actions[0];
    for (const action of [run, enter]) {
      const got = await fixture.client.send(
        new GetSessionActionCommand({ ...job, sessionActionId: action?.sessionActionId }),
      );
      expect(onWire(got)).toEqual(action);
    }
    const missing = `sessionaction-${UNKNOWN_HEX}-0`;
    const batch = await fixture.client.send(
      new BatchGetSessionActionCommand({
        identifiers: [
          { ...job, sessionActionId: run?.sessionActionId },
          { ...job, sessionActionId: missing },
          { ...job, sessionActionId: enter?.sessionActionId },
        ],
      }),
    );
    expect(onWire(batch.sessionActions)).toEqual([
      { ...job, ...run },
      { ...job, ...enter },
    ]);
    expect(batch.errors).toEqual([
      { ...job, sessionActionId: missing, code: 'ResourceNotFoundException', message: expect.any(String) },
    ]);
    const error = await expectAwsError(
      fixture.client.send(new GetSessionActionCommand({ ...job, sessionActionId: missing })),
      ResourceNotFoundException,
    );
    expect(error.resourceType).toBe('sessionAction');
  });
});

describe('ListSessionsForWorker', () => {
  it('walks a worker’s sessions in dataset order as WorkerSessionSummary items', async () => {
    const byWorker = sessionsByWorker(dataset);
    const [key, refs] = [...byWorker].reduce((best, entry) =>
      entry[1].length > best[1].length ? entry : best,
    );
    const [farmId, fleetId, workerId] = key.split('/');
    const { items } = await walk(async (nextToken) => {
      const page = await fixture.client.send(
        new ListSessionsForWorkerCommand({ farmId, fleetId, workerId, maxResults: 7, nextToken }),
      );
      return { items: page.sessions, nextToken: page.nextToken };
    });
    expect(refs.length).toBeGreaterThan(7);
    expect(onWire(items)).toEqual(
      refs.map(({ queueId, jobId, session }) => {
        const summary: Record<string, string> = {
          sessionId: session.sessionId,
          queueId,
          jobId,
          startedAt: session.startedAt,
          lifecycleStatus: session.lifecycleStatus,
        };
        if (session.endedAt) summary.endedAt = session.endedAt;
        if (session.targetLifecycleStatus) summary.targetLifecycleStatus = session.targetLifecycleStatus;
        return summary;
      }),
    );
    const first = await fixture.client.send(
      new ListSessionsForWorkerCommand({ farmId, fleetId, workerId, maxResults: 7 }),
    );
    await expectAwsError(
      fixture.client.send(
        new ListSessionsForWorkerCommand({
          farmId,
          fleetId,
          workerId,
          maxResults: 8,
          nextToken: first.nextToken,
        }),
      ),
      ValidationException,
    );
  });

  it('a worker with no sessions lists none; an unknown worker is not found', async () => {
    const farmId = dataset.farms[0]?.farmId ?? '';
    const byWorker = sessionsByWorker(dataset);
    const fleet = dataset.fleets.get(farmId)?.[0];
    const idle = dataset.workers
      .get(`${farmId}/${fleet?.fleetId}`)
      ?.find((worker) => !byWorker.has(`${farmId}/${fleet?.fleetId}/${worker.workerId}`));
    if (idle) {
      const page = await fixture.client.send(new ListSessionsForWorkerCommand({ ...idle }));
      expect(page.sessions).toEqual([]);
    }
    const error = await expectAwsError(
      fixture.client.send(
        new ListSessionsForWorkerCommand({
          farmId,
          fleetId: fleet?.fleetId,
          workerId: `worker-${UNKNOWN_HEX}`,
        }),
      ),
      ResourceNotFoundException,
    );
    expect(error.resourceType).toBe('worker');
  });
});

describe('validation and missing parents', () => {
  it.each([
    ['stepId', 'step-1'],
    ['stepId', `STEP-${UNKNOWN_HEX}`],
    ['stepId', `task-${UNKNOWN_HEX}-0`],
  ])('GetStep rejects %s=%j', async (field, value) => {
    const error = await expectAwsError(
      fixture.client.send(new GetStepCommand({ ...edgeStep(1), [field]: value })),
      ValidationException,
    );
    expect(error.fieldList?.map((entry) => entry.name)).toEqual([field]);
  });

  it.each([
    `task-${UNKNOWN_HEX}`,
    `task-${UNKNOWN_HEX}-00`,
    `task-${UNKNOWN_HEX}--1`,
    `sessionaction-${UNKNOWN_HEX}-0`,
  ])('GetTask rejects taskId=%j', async (taskId) => {
    const error = await expectAwsError(
      fixture.client.send(new GetTaskCommand({ ...edgeStep(1), taskId })),
      ValidationException,
    );
    expect(error.fieldList?.map((entry) => entry.name)).toEqual(['taskId']);
  });

  it.each([0, 101])(
    'ListSteps, ListTasks and ListSessionActions reject maxResults=%s',
    async (maxResults) => {
      const ref = edgeStep(101);
      for (const command of [
        new ListStepsCommand({ ...jobRef(ref), maxResults }),
        new ListTasksCommand({ ...ref, maxResults }),
        new ListSessionActionsCommand({ ...jobRef(ref), maxResults }),
      ]) {
        const error = await expectAwsError(fixture.client.send(command as never), ValidationException);
        expect(error.fieldList?.map((entry) => entry.name)).toEqual(['maxResults']);
      }
    },
  );

  it('a missing farm, queue, job or step in the path is ResourceNotFoundException of that type', async () => {
    const ref = edgeStep(1);
    for (const [field, type] of [
      ['farmId', 'farm'],
      ['queueId', 'queue'],
      ['jobId', 'job'],
      ['stepId', 'step'],
    ] as const) {
      const missing = `${type}-${UNKNOWN_HEX}`;
      const error = await expectAwsError(
        fixture.client.send(new ListTasksCommand({ ...ref, [field]: missing })),
        ResourceNotFoundException,
      );
      expect([error.resourceType, error.resourceId]).toEqual([type, missing]);
    }
    for (const command of [
      new ListStepsCommand({ ...jobRef(ref), jobId: `job-${UNKNOWN_HEX}` }),
      new ListSessionActionsCommand({ ...jobRef(ref), jobId: `job-${UNKNOWN_HEX}` }),
      new ListStepDependenciesCommand({ ...ref, stepId: `step-${UNKNOWN_HEX}` }),
    ]) {
      await expectAwsError(fixture.client.send(command as never), ResourceNotFoundException);
    }
  });

  it.each([
    [
      'BatchGetStep',
      (n: number, ref: StepRef) =>
        new BatchGetStepCommand({
          identifiers: Array.from({ length: n }, (_, i) => ({
            ...ref,
            stepId: `step-${i.toString(16).padStart(32, '0')}`,
          })),
        }),
    ],
    [
      'BatchGetTask',
      (n: number, ref: StepRef) =>
        new BatchGetTaskCommand({
          identifiers: Array.from({ length: n }, (_, i) => ({ ...ref, taskId: `task-${UNKNOWN_HEX}-${i}` })),
        }),
    ],
    [
      'BatchGetSessionAction',
      (n: number, ref: StepRef) =>
        new BatchGetSessionActionCommand({
          identifiers: Array.from({ length: n }, (_, i) => ({
            ...jobRef(ref),
            sessionActionId: `sessionaction-${UNKNOWN_HEX}-${i}`,
          })),
        }),
    ],
  ] as const)('%s takes 1–100 identifiers', async (_name, make) => {
    const ref = edgeStep(101);
    for (const count of [0, 101]) {
      const error = await expectAwsError(fixture.client.send(make(count, ref) as never), ValidationException);
      expect(error.fieldList?.map((entry) => entry.name)).toEqual(['identifiers']);
    }
    const full = (await fixture.client.send(make(100, ref) as never)) as { errors?: unknown[] };
    expect(full.errors).toHaveLength(100);
  });

  it('denied farms: BatchGetStep and BatchGetTask per item, BatchGetSessionAction the whole call', async () => {
    const ref = edgeStep(1);
    const restricted = await startFixture({ deniedFarmIds: [ref.farmId] });
    try {
      const task = dataset.tasks.get(stepKey(ref))?.[0]?.taskId;
      const steps = await restricted.client.send(new BatchGetStepCommand({ identifiers: [ref] }));
      expect(steps.errors?.map((error) => error.code)).toEqual(['AccessDeniedException']);
      const tasks = await restricted.client.send(
        new BatchGetTaskCommand({ identifiers: [{ ...ref, taskId: task }] }),
      );
      expect(tasks.errors?.map((error) => error.code)).toEqual(['AccessDeniedException']);
      const action = dataset.sessionActions.get(jobKey(ref))?.[0]?.sessionActionId;
      await expectAwsError(
        restricted.client.send(
          new BatchGetSessionActionCommand({ identifiers: [{ ...jobRef(ref), sessionActionId: action }] }),
        ),
        AccessDeniedException,
      );
      await expectAwsError(restricted.client.send(new ListTasksCommand({ ...ref })), AccessDeniedException);
    } finally {
      await restricted.close();
    }
  });
});
