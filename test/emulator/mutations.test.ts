/**
 * UpdateJob, BatchUpdateJob, UpdateStep, UpdateTask, BatchUpdateTask and UpdateSession through the real SDK: each
 * change is visible to the later Get*, List*, BatchGet* and Search* calls; target statuses move tasks as AWS's
 * developer guide describes (the expectations below are written from the guide and a copy of the dataset taken
 * before the change, not from the emulator's rule code); conflicts, unknown IDs and the model's limits are refused;
 * client tokens make a repeated request answer again without applying again, also when the first answer was lost.
 */
import {
  BatchGetJobCommand,
  BatchGetSessionCommand,
  BatchGetStepCommand,
  BatchGetTaskCommand,
  BatchUpdateJobCommand,
  BatchUpdateTaskCommand,
  ConflictException,
  DeadlineClient,
  GetJobCommand,
  GetSessionCommand,
  GetStepCommand,
  GetTaskCommand,
  ListJobsCommand,
  ListSessionsCommand,
  ListSessionsForWorkerCommand,
  ListStepDependenciesCommand,
  ListStepsCommand,
  paginateListTasks,
  ResourceNotFoundException,
  SearchJobsCommand,
  SearchStepsCommand,
  SearchTasksCommand,
  type TaskSummary,
  UpdateJobCommand,
  UpdateSessionCommand,
  UpdateStepCommand,
  UpdateTaskCommand,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DATASET_NOW,
  type Dataset,
  EMULATOR_CALLER,
  type JobRecord,
  type JobRef,
  type StepRecord,
  type TaskRecord,
} from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

/** The emulator's clock: fixed, an hour after the dataset's "now", so every stamp is predictable. */
const NOW = DATASET_NOW + 3_600_000;
const NOW_ISO = new Date(NOW).toISOString();
const UNKNOWN_HEX = 'f'.repeat(32);

let fixture: EmulatorFixture;
let dataset: Dataset;
let client: DeadlineClient;
beforeAll(async () => {
  fixture = await startFixture({ now: () => NOW, sizes: { largeJobSessions: 10, largeStepTasks: 30 } });
  dataset = fixture.emulator.dataset;
  client = fixture.client;
});
afterAll(() => fixture.close());

// ---------------------------------------------------------------------------------------------------- dataset

type Target = 'READY' | 'PENDING' | 'CANCELED' | 'FAILED' | 'SUCCEEDED' | 'SUSPENDED';
const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELED'];

/** The developer guide's table ("Modify a job in Deadline Cloud"), as the status each task should end in. */
function guideStatus(status: string, target: Target, blocked: boolean): string {
  switch (target) {
    case 'READY':
    case 'PENDING':
      return blocked ? 'PENDING' : 'READY';
    case 'CANCELED':
      return status === 'SUCCEEDED' || status === 'FAILED' ? status : 'CANCELED';
    case 'FAILED':
      return status === 'SUCCEEDED' ? status : 'FAILED';
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'SUSPENDED':
      return FINISHED.includes(status) ? status : 'SUSPENDED';
  }
}

interface JobView {
  ref: JobRef;
  job: JobRecord;
  steps: StepRecord[];
  tasks: Map<string, readonly TaskRecord[]>;
}

const used = new Set<string>();
const jobKey = (ref: JobRef) => `${ref.farmId}/${ref.queueId}/${ref.jobId}`;

/** A copy of a job not used by another test yet, whose records satisfy `accepts`; marks it used. */
function takeJob(accepts: (view: JobView) => boolean): JobView {
  for (const [queueKey, jobs] of dataset.jobs) {
    const [farmId = '', queueId = ''] = queueKey.split('/');
    for (const job of jobs) {
      const ref = { farmId, queueId, jobId: job.jobId };
      if (used.has(job.jobId)) continue;
      const steps = dataset.steps.get(jobKey(ref)) ?? [];
      const tasks = new Map(
        steps.map((step) => [step.stepId, dataset.tasks.get(`${jobKey(ref)}/${step.stepId}`) ?? []]),
      );
      const view = structuredClone({ ref, job, steps: [...steps], tasks });
      if (accepts(view)) {
        used.add(job.jobId);
        return view;
      }
    }
  }
  throw new Error('no job in the dataset fits the test');
}

const allTasks = (view: JobView) => [...view.tasks.values()].flat();
const statuses = (view: JobView) => new Set(allTasks(view).map((task) => task.runStatus));
const hasDependencies = (view: JobView) =>
  view.steps.some((step) => (step.dependencyCounts?.dependenciesResolved ?? 0) > 0) ||
  view.steps.some((step) => (step.dependencyCounts?.dependenciesUnresolved ?? 0) > 0);
const notArchived = (view: JobView) => view.job.lifecycleStatus !== 'ARCHIVED';

function countsOf(runStatuses: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of [
    'PENDING',
    'READY',
    'ASSIGNED',
    'STARTING',
    'SCHEDULED',
    'INTERRUPTING',
    'RUNNING',
    'SUSPENDED',
    'CANCELED',
    'FAILED',
    'SUCCEEDED',
    'NOT_COMPATIBLE',
  ]) {
    counts[status] = runStatuses.filter((candidate) => candidate === status).length;
  }
  return counts;
}

async function listTasks(ref: JobRef, stepId: string): Promise<TaskSummary[]> {
  const found: TaskSummary[] = [];
  for await (const page of paginateListTasks({ client, pageSize: 100 }, { ...ref, stepId })) {
    found.push(...(page.tasks ?? []));
  }
  return found;
}

async function listTaskStatuses(ref: JobRef, stepId: string): Promise<string[]> {
  return (await listTasks(ref, stepId)).map((task) => task.runStatus ?? '');
}

/** Every task's status through ListTasks, the steps' and the job's counts through ListSteps and GetJob. */
async function expectStatuses(view: JobView, expected: Map<string, string[]>): Promise<void> {
  const jobStatuses: string[] = [];
  const steps = await client.send(new ListStepsCommand({ ...view.ref }));
  for (const step of view.steps) {
    const want = expected.get(step.stepId) ?? [];
    expect(await listTaskStatuses(view.ref, step.stepId), step.stepId).toEqual(want);
    const listed = steps.steps?.find((candidate) => candidate.stepId === step.stepId);
    expect(listed?.taskRunStatusCounts, step.stepId).toEqual(countsOf(want));
    jobStatuses.push(...want);
  }
  const job = await client.send(new GetJobCommand(view.ref));
  expect(job.taskRunStatusCounts).toEqual(countsOf(jobStatuses));
}

// ---------------------------------------------------------------------------------------------------- UpdateJob

describe('UpdateJob', () => {
  it('changes the job members, stamps who and when, and every read sees it', async () => {
    const view = takeJob(notArchived);
    await client.send(
      new UpdateJobCommand({
        ...view.ref,
        priority: 3,
        name: 'renamed_by_test',
        description: 'new description',
        maxFailedTasksCount: 7,
        maxRetriesPerTask: 2,
        maxWorkerCount: -1,
      }),
    );
    const expected = {
      priority: 3,
      name: 'renamed_by_test',
      maxFailedTasksCount: 7,
      maxRetriesPerTask: 2,
      maxWorkerCount: -1,
      updatedBy: EMULATOR_CALLER,
      updatedAt: new Date(NOW_ISO),
      lifecycleStatus: 'UPDATE_SUCCEEDED',
    };
    const got = await client.send(new GetJobCommand(view.ref));
    expect(got).toMatchObject({ ...expected, description: 'new description' });
    const listed = await client.send(
      new ListJobsCommand({ farmId: view.ref.farmId, queueId: view.ref.queueId }),
    );
    expect(listed.jobs?.find((job) => job.jobId === view.ref.jobId)).toMatchObject(expected);
    const batch = await client.send(new BatchGetJobCommand({ identifiers: [view.ref] }));
    expect(batch.jobs?.[0]).toMatchObject(expected);
    const search = await client.send(
      new SearchJobsCommand({
        farmId: view.ref.farmId,
        queueIds: [view.ref.queueId],
        itemOffset: 0,
        filterExpressions: {
          operator: 'AND',
          filters: [{ stringFilter: { name: 'JOB_ID', operator: 'EQUAL', value: view.ref.jobId } }],
        },
      }),
    );
    expect(search.jobs?.[0]).toMatchObject(expected);
    // Untouched members stay.
    expect(got.createdAt?.toISOString()).toBe(view.job.createdAt);
  });

  it.each(['CANCELED', 'FAILED', 'SUCCEEDED', 'SUSPENDED'] as const)(
    'targetTaskRunStatus %s moves the tasks as the guide says and recounts',
    async (target) => {
      const view = takeJob((candidate) => notArchived(candidate) && statuses(candidate).size >= 2);
      await client.send(new UpdateJobCommand({ ...view.ref, targetTaskRunStatus: target }));
      const expected = new Map(
        view.steps.map((step) => [
          step.stepId,
          (view.tasks.get(step.stepId) ?? []).map((task) => guideStatus(task.runStatus, target, false)),
        ]),
      );
      await expectStatuses(view, expected);
      const job = await client.send(new GetJobCommand(view.ref));
      expect(job.targetTaskRunStatus).toBe(target);
      // A changed task carries the target and the stamp; one the rule leaves keeps its own.
      const [step] = view.steps;
      const tasks = await listTasks(view.ref, step?.stepId ?? '');
      (view.tasks.get(step?.stepId ?? '') ?? []).forEach((before, index) => {
        const after = tasks[index];
        if (after?.runStatus !== before.runStatus) {
          expect(after).toMatchObject({ targetRunStatus: target, updatedBy: EMULATOR_CALLER });
        } else if (before.updatedAt !== undefined) {
          expect(after?.updatedAt?.toISOString()).toBe(before.updatedAt);
        }
      });
    },
  );

  it('suspend then resume (READY): suspended tasks go back to READY, finished ones stay', async () => {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) &&
        !hasDependencies(candidate) &&
        allTasks(candidate).some((task) => ['READY', 'RUNNING'].includes(task.runStatus)),
    );
    await client.send(new UpdateJobCommand({ ...view.ref, targetTaskRunStatus: 'SUSPENDED' }));
    const suspended = new Map(
      view.steps.map((step) => [
        step.stepId,
        (view.tasks.get(step.stepId) ?? []).map((task) => guideStatus(task.runStatus, 'SUSPENDED', false)),
      ]),
    );
    await expectStatuses(view, suspended);
    expect((await client.send(new GetJobCommand(view.ref))).taskRunStatus).not.toBe('RUNNING');
    await client.send(new UpdateJobCommand({ ...view.ref, targetTaskRunStatus: 'READY' }));
    // The guide's requeue: every task READY (no step of this job has a dependency).
    await expectStatuses(
      view,
      new Map(view.steps.map((step) => [step.stepId, (suspended.get(step.stepId) ?? []).map(() => 'READY')])),
    );
    const job = await client.send(new GetJobCommand(view.ref));
    expect(job.taskRunStatus).toBe(allTasks(view).length > 0 ? 'READY' : 'SUCCEEDED');
    expect(job.endedAt).toBeUndefined();
  });

  it('requeue (PENDING): tasks of steps behind a dependency wait, the links are unresolved again', async () => {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) &&
        candidate.steps.some((step) => (step.dependencyCounts?.dependenciesResolved ?? 0) > 0),
    );
    await client.send(new UpdateJobCommand({ ...view.ref, targetTaskRunStatus: 'PENDING' }));
    // A step depending on a step that has tasks is blocked (those tasks are now READY, not SUCCEEDED).
    const blocked = new Set<string>();
    for (const step of view.steps) {
      const links = await client.send(new ListStepDependenciesCommand({ ...view.ref, stepId: step.stepId }));
      for (const link of links.dependencies ?? []) {
        const dependencyHasTasks = (view.tasks.get(link.stepId ?? '') ?? []).length > 0;
        expect(link.status).toBe(dependencyHasTasks ? 'UNRESOLVED' : 'RESOLVED');
        if (dependencyHasTasks) blocked.add(step.stepId);
      }
    }
    expect(blocked.size).toBeGreaterThan(0);
    await expectStatuses(
      view,
      new Map(
        view.steps.map((step) => [
          step.stepId,
          (view.tasks.get(step.stepId) ?? []).map((task) =>
            guideStatus(task.runStatus, 'PENDING', blocked.has(step.stepId)),
          ),
        ]),
      ),
    );
  });

  it('archives a finished job; an unfinished one, or an archived one, is a ConflictException', async () => {
    const unfinished = takeJob(
      (candidate) =>
        notArchived(candidate) && allTasks(candidate).some((task) => !FINISHED.includes(task.runStatus)),
    );
    const refused = await expectAwsError(
      client.send(new UpdateJobCommand({ ...unfinished.ref, lifecycleStatus: 'ARCHIVED' })),
      ConflictException,
    );
    expect(refused).toMatchObject({
      reason: 'STATUS_CONFLICT',
      resourceId: unfinished.ref.jobId,
      resourceType: 'job',
    });
    expect(refused.$metadata.httpStatusCode).toBe(409);
    // Nothing of a refused call is applied.
    const untouched = await client.send(new GetJobCommand(unfinished.ref));
    expect(untouched.lifecycleStatus).toBe(unfinished.job.lifecycleStatus);

    // Canceled and archived in one call: judged after the cancel.
    await client.send(
      new UpdateJobCommand({
        ...unfinished.ref,
        targetTaskRunStatus: 'CANCELED',
        lifecycleStatus: 'ARCHIVED',
      }),
    );
    const archived = await client.send(new GetJobCommand(unfinished.ref));
    expect(archived).toMatchObject({ lifecycleStatus: 'ARCHIVED', updatedBy: EMULATOR_CALLER });

    const finished = takeJob(
      (candidate) =>
        notArchived(candidate) &&
        allTasks(candidate).length > 0 &&
        allTasks(candidate).every((task) => FINISHED.includes(task.runStatus)),
    );
    await client.send(new UpdateJobCommand({ ...finished.ref, lifecycleStatus: 'ARCHIVED' }));
    expect((await client.send(new GetJobCommand(finished.ref))).lifecycleStatus).toBe('ARCHIVED');

    // Archived: still readable, no longer changeable (the job, its steps, its tasks).
    const [step] = finished.steps;
    const [task] = finished.tasks.get(step?.stepId ?? '') ?? [];
    const stepId = step?.stepId ?? '';
    for (const call of [
      client.send(new UpdateJobCommand({ ...finished.ref, priority: 1 })),
      client.send(new UpdateJobCommand({ ...finished.ref, lifecycleStatus: 'ARCHIVED' })),
      client.send(new UpdateStepCommand({ ...finished.ref, stepId, targetTaskRunStatus: 'READY' })),
      client.send(
        new UpdateTaskCommand({
          ...finished.ref,
          stepId,
          taskId: task?.taskId ?? '',
          targetRunStatus: 'READY',
        }),
      ),
    ]) {
      const error = await expectAwsError(call, ConflictException);
      expect(error.reason).toBe('STATUS_CONFLICT');
    }
    expect((await client.send(new ListStepsCommand(finished.ref))).steps).toHaveLength(finished.steps.length);
  });
});

// ---------------------------------------------------------------------------------------------------- steps, tasks

describe('UpdateStep and UpdateTask', () => {
  it('UpdateStep moves only that step’s tasks; the step and job counts follow', async () => {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) &&
        candidate.steps.length >= 2 &&
        allTasks(candidate).some((task) => !FINISHED.includes(task.runStatus)),
    );
    const [first] = view.steps;
    const stepId = first?.stepId ?? '';
    await client.send(new UpdateStepCommand({ ...view.ref, stepId, targetTaskRunStatus: 'CANCELED' }));
    await expectStatuses(
      view,
      new Map(
        view.steps.map((step) => [
          step.stepId,
          (view.tasks.get(step.stepId) ?? []).map((task) =>
            step.stepId === stepId ? guideStatus(task.runStatus, 'CANCELED', false) : task.runStatus,
          ),
        ]),
      ),
    );
    const expected = {
      targetTaskRunStatus: 'CANCELED',
      updatedBy: EMULATOR_CALLER,
      updatedAt: new Date(NOW_ISO),
    };
    expect(await client.send(new GetStepCommand({ ...view.ref, stepId }))).toMatchObject(expected);
    const batch = await client.send(new BatchGetStepCommand({ identifiers: [{ ...view.ref, stepId }] }));
    expect(batch.steps?.[0]).toMatchObject(expected);
    const search = await client.send(
      new SearchStepsCommand({
        farmId: view.ref.farmId,
        queueIds: [view.ref.queueId],
        jobId: view.ref.jobId,
        itemOffset: 0,
      }),
    );
    expect(search.steps?.find((step) => step.stepId === stepId)).toMatchObject(expected);
  });

  it('UpdateTask moves one task; Get, BatchGet and SearchTasks see it', async () => {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) && !hasDependencies(candidate) && statuses(candidate).has('READY'),
    );
    const step = view.steps.find((candidate) =>
      (view.tasks.get(candidate.stepId) ?? []).some((task) => task.runStatus === 'READY'),
    );
    const stepId = step?.stepId ?? '';
    const tasks = view.tasks.get(stepId) ?? [];
    const index = tasks.findIndex((task) => task.runStatus === 'READY');
    const taskId = tasks[index]?.taskId ?? '';
    await client.send(new UpdateTaskCommand({ ...view.ref, stepId, taskId, targetRunStatus: 'SUCCEEDED' }));
    const expected = new Map(
      view.steps.map((candidate) => [
        candidate.stepId,
        (view.tasks.get(candidate.stepId) ?? []).map((task) =>
          task.taskId === taskId ? 'SUCCEEDED' : task.runStatus,
        ),
      ]),
    );
    await expectStatuses(view, expected);
    const want = { runStatus: 'SUCCEEDED', targetRunStatus: 'SUCCEEDED', endedAt: new Date(NOW_ISO) };
    expect(await client.send(new GetTaskCommand({ ...view.ref, stepId, taskId }))).toMatchObject(want);
    const batch = await client.send(
      new BatchGetTaskCommand({ identifiers: [{ ...view.ref, stepId, taskId }] }),
    );
    expect(batch.tasks?.[0]).toMatchObject(want);
    const search = await client.send(
      new SearchTasksCommand({
        farmId: view.ref.farmId,
        queueIds: [view.ref.queueId],
        jobId: view.ref.jobId,
        itemOffset: 0,
        filterExpressions: {
          operator: 'AND',
          filters: [{ stringFilter: { name: 'TASK_ID', operator: 'EQUAL', value: taskId } }],
        },
      }),
    );
    expect(search.tasks?.[0]).toMatchObject({ runStatus: 'SUCCEEDED', updatedBy: EMULATOR_CALLER });
  });
});

// ---------------------------------------------------------------------------------------------------- sessions

describe('UpdateSession', () => {
  it('ends a session at once; ending it again is a ConflictException', async () => {
    let found: { ref: JobRef; sessionId: string; workerId: string; fleetId: string } | undefined;
    for (const [key, sessions] of dataset.sessions) {
      const [farmId = '', queueId = '', jobId = ''] = key.split('/');
      const session = sessions.find((candidate) => candidate.lifecycleStatus === 'STARTED');
      const job = dataset.jobs.get(`${farmId}/${queueId}`)?.find((candidate) => candidate.jobId === jobId);
      if (session && job && job.lifecycleStatus !== 'ARCHIVED' && !used.has(jobId)) {
        used.add(jobId);
        found = { ref: { farmId, queueId, jobId }, ...session };
        break;
      }
    }
    if (!found) throw new Error('no started session');
    const { ref, sessionId } = found;
    await client.send(new UpdateSessionCommand({ ...ref, sessionId, targetLifecycleStatus: 'ENDED' }));
    const expected = {
      lifecycleStatus: 'ENDED',
      targetLifecycleStatus: 'ENDED',
      endedAt: new Date(NOW_ISO),
      updatedBy: EMULATOR_CALLER,
    };
    expect(await client.send(new GetSessionCommand({ ...ref, sessionId }))).toMatchObject(expected);
    const listed = await client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    expect(listed.sessions?.find((session) => session.sessionId === sessionId)).toMatchObject(expected);
    const batch = await client.send(new BatchGetSessionCommand({ identifiers: [{ ...ref, sessionId }] }));
    expect(batch.sessions?.[0]).toMatchObject(expected);
    const forWorker = await client.send(
      new ListSessionsForWorkerCommand({
        farmId: ref.farmId,
        fleetId: found.fleetId,
        workerId: found.workerId,
        maxResults: 100,
      }),
    );
    expect(forWorker.sessions?.find((session) => session.sessionId === sessionId)?.lifecycleStatus).toBe(
      'ENDED',
    );

    const again = await expectAwsError(
      client.send(new UpdateSessionCommand({ ...ref, sessionId, targetLifecycleStatus: 'ENDED' })),
      ConflictException,
    );
    expect(again).toMatchObject({
      reason: 'STATUS_CONFLICT',
      resourceId: sessionId,
      resourceType: 'session',
    });
  });
});

// ---------------------------------------------------------------------------------------------------- errors

describe('unknown resources and the model’s limits', () => {
  it('an unknown job, step, task or session is ResourceNotFoundException naming it', async () => {
    const view = takeJob(notArchived);
    const [step] = view.steps;
    const stepId = step?.stepId ?? '';
    const unknownJob = `job-${UNKNOWN_HEX}`;
    const unknownStep = `step-${UNKNOWN_HEX}`;
    const unknownTask = `task-${stepId.slice(5)}-99999`;
    const unknownSession = `session-${UNKNOWN_HEX}`;
    const cases: [Promise<unknown>, string][] = [
      [client.send(new UpdateJobCommand({ ...view.ref, jobId: unknownJob, priority: 1 })), unknownJob],
      [
        client.send(
          new UpdateStepCommand({ ...view.ref, stepId: unknownStep, targetTaskRunStatus: 'READY' }),
        ),
        unknownStep,
      ],
      [
        client.send(
          new UpdateTaskCommand({ ...view.ref, stepId, taskId: unknownTask, targetRunStatus: 'READY' }),
        ),
        unknownTask,
      ],
      [
        client.send(
          new UpdateSessionCommand({
            ...view.ref,
            sessionId: unknownSession,
            targetLifecycleStatus: 'ENDED',
          }),
        ),
        unknownSession,
      ],
    ];
    for (const [call, id] of cases) {
      const error = await expectAwsError(call, ResourceNotFoundException);
      expect(error.resourceId).toBe(id);
    }
  });

  it('UpdateJob members outside the model’s ranges are ValidationExceptions listing each field', async () => {
    const view = takeJob(notArchived);
    const rejected: [Record<string, unknown>, string][] = [
      [{ priority: -1 }, 'priority'],
      [{ priority: 101 }, 'priority'],
      [{ maxFailedTasksCount: -1 }, 'maxFailedTasksCount'],
      [{ maxRetriesPerTask: -1 }, 'maxRetriesPerTask'],
      [{ maxWorkerCount: -2 }, 'maxWorkerCount'],
      // The model's documentation: "You can't set the maxWorkerCount to 0."
      [{ maxWorkerCount: 0 }, 'maxWorkerCount'],
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(129) }, 'name'],
      [{ description: 'd'.repeat(2049) }, 'description'],
      [{ targetTaskRunStatus: 'RUNNING' }, 'targetTaskRunStatus'],
      [{ lifecycleStatus: 'CREATE_COMPLETE' }, 'lifecycleStatus'],
    ];
    for (const [members, field] of rejected) {
      const error = await expectAwsError(
        client.send(new UpdateJobCommand({ ...view.ref, ...members } as never)),
        ValidationException,
      );
      expect(error.reason, JSON.stringify(members)).toBe('FIELD_VALIDATION_FAILED');
      expect(error.fieldList?.map((item) => item.name)).toEqual([field]);
    }
    // Two at once: both listed.
    const both = await expectAwsError(
      client.send(new UpdateJobCommand({ ...view.ref, priority: 101, maxRetriesPerTask: -1 })),
      ValidationException,
    );
    expect(both.fieldList?.map((item) => item.name)).toEqual(['priority', 'maxRetriesPerTask']);
    // Beyond a 32-bit integer cannot be read at all.
    const huge = await expectAwsError(
      client.send(new UpdateJobCommand({ ...view.ref, maxRetriesPerTask: 2 ** 31 })),
      ValidationException,
    );
    expect(huge.reason).toBe('CANNOT_PARSE');
    // The edges are accepted, and a refused call changed nothing before them.
    expect((await client.send(new GetJobCommand(view.ref))).priority).toBe(view.job.priority);
    for (const members of [
      { priority: 0 },
      { priority: 100 },
      { maxWorkerCount: -1 },
      { maxWorkerCount: 1 },
      { maxWorkerCount: 2 ** 31 - 1 },
      { maxFailedTasksCount: 0 },
      { maxRetriesPerTask: 2 ** 31 - 1 },
      { name: 'n'.repeat(128) },
      { description: '' },
      { description: 'd'.repeat(2048) },
    ]) {
      await client.send(new UpdateJobCommand({ ...view.ref, ...members }));
    }
    expect(await client.send(new GetJobCommand(view.ref))).toMatchObject({
      priority: 100,
      maxWorkerCount: 2 ** 31 - 1,
      maxRetriesPerTask: 2 ** 31 - 1,
    });
  });

  it('required targets, enums, the client token length and ID patterns are checked', async () => {
    const view = takeJob(notArchived);
    const [step] = view.steps;
    const stepId = step?.stepId ?? '';
    const base = `/2023-10-12/farms/${view.ref.farmId}/queues/${view.ref.queueId}/jobs/${view.ref.jobId}`;
    const patch = (path: string, body: unknown) =>
      rawRequest(fixture.emulator.endpoint, path, { method: 'PATCH', body: JSON.stringify(body) });
    const fieldsOf = (answer: Awaited<ReturnType<typeof rawRequest>>) =>
      (answer.json.fieldList as { name: string }[]).map((item) => item.name);
    expect(fieldsOf(await patch(`${base}/steps/${stepId}`, {}))).toEqual(['targetTaskRunStatus']);
    expect(
      fieldsOf(await patch(`${base}/steps/${stepId}/tasks/task-x`, { targetRunStatus: 'NOPE' })),
    ).toEqual(['taskId', 'targetRunStatus']);
    expect(
      fieldsOf(await patch(`${base}/sessions/session-${UNKNOWN_HEX}`, { targetLifecycleStatus: 'STARTED' })),
    ).toEqual(['targetLifecycleStatus']);
    expect(fieldsOf(await patch(`${base.replace(view.ref.jobId, 'job-1')}`, {}))).toEqual(['jobId']);
    const wrongType = await patch(base, { priority: '5' });
    expect(wrongType.json.reason).toBe('CANNOT_PARSE');
    const token = await expectAwsError(
      client.send(new UpdateJobCommand({ ...view.ref, priority: 5, clientToken: 't'.repeat(65) })),
      ValidationException,
    );
    expect(token.fieldList?.map((item) => item.name)).toEqual(['clientToken']);
    await client.send(new UpdateJobCommand({ ...view.ref, priority: 5, clientToken: 't'.repeat(64) }));
  });

  it('batch lists hold 1–100 items, each well formed and not repeated, or the whole call fails', async () => {
    const view = takeJob(notArchived);
    const item = { ...view.ref, priority: 10 };
    const empty = await expectAwsError(
      client.send(new BatchUpdateJobCommand({ jobs: [] })),
      ValidationException,
    );
    expect(empty.fieldList?.map((field) => field.name)).toEqual(['jobs']);
    const many = Array.from({ length: 101 }, (_, index) => ({
      ...view.ref,
      jobId: `job-${index.toString(16).padStart(32, '0')}`,
    }));
    const tooMany = await expectAwsError(
      client.send(new BatchUpdateJobCommand({ jobs: many })),
      ValidationException,
    );
    expect(tooMany.fieldList?.map((field) => field.name)).toEqual(['jobs']);
    const full = await client.send(new BatchUpdateJobCommand({ jobs: many.slice(0, 100) }));
    expect(full.errors).toHaveLength(100);
    const repeated = await expectAwsError(
      client.send(new BatchUpdateJobCommand({ jobs: [item, item] })),
      ValidationException,
    );
    expect(repeated.fieldList?.map((field) => field.name)).toEqual(['jobs.2.member']);
    const badItem = await expectAwsError(
      client.send(new BatchUpdateJobCommand({ jobs: [{ ...item, priority: 101 }] })),
      ValidationException,
    );
    expect(badItem.fieldList?.map((field) => field.name)).toEqual(['jobs.1.member.priority']);
    const badTask = await expectAwsError(
      client.send(
        new BatchUpdateTaskCommand({
          tasks: [
            { ...view.ref, stepId: 'step-1', taskId: `task-${UNKNOWN_HEX}-0`, targetRunStatus: 'READY' },
          ],
        }),
      ),
      ValidationException,
    );
    expect(badTask.fieldList?.map((field) => field.name)).toEqual(['tasks.1.member.stepId']);
    // None of the refused calls applied anything.
    expect((await client.send(new GetJobCommand(view.ref))).priority).toBe(view.job.priority);
  });
});

// ---------------------------------------------------------------------------------------------------- batches

describe('BatchUpdateJob and BatchUpdateTask', () => {
  it('apply the items that can be applied and report the others in errors', async () => {
    const good = takeJob(notArchived);
    const archived = takeJob((candidate) => candidate.job.lifecycleStatus === 'ARCHIVED');
    const unknown = { ...good.ref, jobId: `job-${UNKNOWN_HEX}` };
    const answer = await client.send(
      new BatchUpdateJobCommand({
        jobs: [
          { ...good.ref, priority: 42 },
          { ...unknown, priority: 42 },
          { ...archived.ref, priority: 42 },
        ],
      }),
    );
    expect(answer.errors?.map(({ jobId, code }) => ({ jobId, code }))).toEqual([
      { jobId: unknown.jobId, code: 'ResourceNotFoundException' },
      { jobId: archived.ref.jobId, code: 'ConflictException' },
    ]);
    expect(answer.errors?.[1]).toMatchObject({ farmId: archived.ref.farmId, queueId: archived.ref.queueId });
    expect(answer.errors?.every((error) => typeof error.message === 'string')).toBe(true);
    expect((await client.send(new GetJobCommand(good.ref))).priority).toBe(42);
    expect((await client.send(new GetJobCommand(archived.ref))).priority).toBe(archived.job.priority);
  });

  it('BatchUpdateTask: tasks of several steps at once, an unknown one reported', async () => {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) &&
        !hasDependencies(candidate) &&
        candidate.steps.filter((step) => (candidate.tasks.get(step.stepId) ?? []).length > 0).length >= 2,
    );
    const targets = view.steps
      .filter((step) => (view.tasks.get(step.stepId) ?? []).length > 0)
      .slice(0, 2)
      .map((step) => ({
        ...view.ref,
        stepId: step.stepId,
        taskId: view.tasks.get(step.stepId)?.[0]?.taskId ?? '',
      }));
    const missing = {
      ...view.ref,
      stepId: targets[0]?.stepId ?? '',
      taskId: `${targets[0]?.taskId.replace(/-\d+$/, '')}-99999`,
    };
    const answer = await client.send(
      new BatchUpdateTaskCommand({
        tasks: [...targets, missing].map((ids) => ({ ...ids, targetRunStatus: 'FAILED' as const })),
      }),
    );
    expect(answer.errors).toEqual([
      expect.objectContaining({
        taskId: missing.taskId,
        stepId: missing.stepId,
        code: 'ResourceNotFoundException',
      }),
    ]);
    await expectStatuses(
      view,
      new Map(
        view.steps.map((step) => [
          step.stepId,
          (view.tasks.get(step.stepId) ?? []).map((task) =>
            targets.some((target) => target.taskId === task.taskId)
              ? guideStatus(task.runStatus, 'FAILED', false)
              : task.runStatus,
          ),
        ]),
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------------- idempotency

describe('client tokens', () => {
  function aReadyTask(): { ids: JobRef & { stepId: string; taskId: string } } {
    const view = takeJob(
      (candidate) =>
        notArchived(candidate) && !hasDependencies(candidate) && statuses(candidate).has('READY'),
    );
    for (const [stepId, tasks] of view.tasks) {
      const task = tasks.find((candidate) => candidate.runStatus === 'READY');
      if (task) return { ids: { ...view.ref, stepId, taskId: task.taskId } };
    }
    throw new Error('no READY task');
  }

  const runStatus = async (ids: JobRef & { stepId: string; taskId: string }) =>
    (await client.send(new GetTaskCommand(ids))).runStatus;

  it('the same token and input answer again without applying again; another input is refused', async () => {
    const { ids } = aReadyTask();
    const calls = fixture.emulator.calls().UpdateTask ?? 0;
    const send = (targetRunStatus: 'READY' | 'SUSPENDED' | 'CANCELED', clientToken: string) =>
      client.send(new UpdateTaskCommand({ ...ids, targetRunStatus, clientToken }));
    await send('SUSPENDED', 'token-a');
    expect(await runStatus(ids)).toBe('SUSPENDED');
    await send('READY', 'token-b');
    expect(await runStatus(ids)).toBe('READY');
    // token-a again, same input: answered, not applied (the task stays READY).
    await send('SUSPENDED', 'token-a');
    expect(await runStatus(ids)).toBe('READY');
    // token-a with another input: refused.
    const error = await expectAwsError(
      client.send(new UpdateTaskCommand({ ...ids, targetRunStatus: 'CANCELED', clientToken: 'token-a' })),
      ConflictException,
    );
    expect(error.reason).toBe('CONFLICT_EXCEPTION');
    expect(await runStatus(ids)).toBe('READY');
    // A refused call keeps no token: the same token and input again are refused again.
    await expectAwsError(
      client.send(new UpdateTaskCommand({ ...ids, targetRunStatus: 'CANCELED', clientToken: 'token-a' })),
      ConflictException,
    );
    // Every request is counted, answered from the token or not.
    expect((fixture.emulator.calls().UpdateTask ?? 0) - calls).toBe(5);
  });

  it('a token is scoped to its operation, forgotten after an hour, and a batch refuses reuse as ValidationException', async () => {
    const { ids } = aReadyTask();
    await client.send(
      new BatchUpdateTaskCommand({
        clientToken: 'batch-1',
        tasks: [{ ...ids, targetRunStatus: 'SUSPENDED' }],
      }),
    );
    expect(await runStatus(ids)).toBe('SUSPENDED');
    await client.send(new UpdateTaskCommand({ ...ids, targetRunStatus: 'READY', clientToken: 'batch-1' }));
    expect(await runStatus(ids)).toBe('READY');
    const reused = await expectAwsError(
      client.send(
        new BatchUpdateTaskCommand({
          clientToken: 'batch-1',
          tasks: [{ ...ids, targetRunStatus: 'CANCELED' }],
        }),
      ),
      ValidationException,
    );
    expect(reused.reason).toBe('OTHER');
    await client.send(
      new BatchUpdateTaskCommand({
        clientToken: 'batch-1',
        tasks: [{ ...ids, targetRunStatus: 'SUSPENDED' }],
      }),
    );
    expect(await runStatus(ids)).toBe('READY');
    fixture.emulator.advanceClock(3_600_000);
    await client.send(
      new BatchUpdateTaskCommand({
        clientToken: 'batch-1',
        tasks: [{ ...ids, targetRunStatus: 'SUSPENDED' }],
      }),
    );
    expect(await runStatus(ids)).toBe('SUSPENDED');
  });
});

describe('an answer lost after the change (loseNextAnswer)', () => {
  /** A client that retries, as the gateway's does. */
  function retryingClient(): DeadlineClient {
    return new DeadlineClient({
      endpoint: fixture.emulator.endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      disableHostPrefix: true,
      maxAttempts: 3,
    });
  }

  it.each(['InternalServerErrorException', 'ConnectionReset'] as const)(
    '%s: the SDK retry with the same token gets the kept answer, nothing is applied twice',
    async (how) => {
      let target: { ref: JobRef; sessionId: string } | undefined;
      for (const [key, sessions] of dataset.sessions) {
        const [farmId = '', queueId = '', jobId = ''] = key.split('/');
        const job = dataset.jobs.get(`${farmId}/${queueId}`)?.find((candidate) => candidate.jobId === jobId);
        const session = sessions.find((candidate) => candidate.lifecycleStatus !== 'ENDED');
        if (session && job?.lifecycleStatus !== 'ARCHIVED' && !used.has(jobId)) {
          used.add(jobId);
          target = { ref: { farmId, queueId, jobId }, sessionId: session.sessionId };
          break;
        }
      }
      if (!target) throw new Error('no active session');
      const retrying = retryingClient();
      try {
        const before = fixture.emulator.calls().UpdateSession ?? 0;
        fixture.emulator.loseNextAnswer('UpdateSession', how, 1, { sessionId: target.sessionId });
        // Ending a session twice is a ConflictException: the retry succeeding shows it was not applied again.
        const answer = await retrying.send(
          new UpdateSessionCommand({
            ...target.ref,
            sessionId: target.sessionId,
            targetLifecycleStatus: 'ENDED',
          }),
        );
        expect(answer.$metadata.attempts).toBe(2);
        expect((fixture.emulator.calls().UpdateSession ?? 0) - before).toBe(2);
        const session = await client.send(
          new GetSessionCommand({ ...target.ref, sessionId: target.sessionId }),
        );
        expect(session.lifecycleStatus).toBe('ENDED');
      } finally {
        retrying.destroy();
      }
    },
  );
});
