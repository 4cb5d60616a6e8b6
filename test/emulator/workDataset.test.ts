/**
 * The seeded work (steps, tasks, session actions, step links) hangs together as dataset.ts's file comment says:
 * counts equal the tasks' statuses, every task's last run is its latestSessionActionId, every run's task exists,
 * dependency lists mirror consumer lists; and every value is one the model allows.
 */
import { describe, expect, it } from 'vitest';
import {
  DATASET_NOW,
  type Dataset,
  DEFAULT_SEED_SIZES,
  datasetToJson,
  EDGE_SESSION_COUNTS,
  EDGE_TASK_COUNTS,
  generateDataset,
  rollUpTaskRunStatus,
  type SessionActionRecord,
  type SessionActionStatus,
  type StepRecord,
  sessionsByWorker,
  type TaskRecord,
} from '../../src/emulator/index.js';

const dataset = generateDataset(1);

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const STEP_ID = /^step-[0-9a-f]{32}$/;
const TASK_ID = /^task-([0-9a-f]{32})-(0|[1-9][0-9]{0,9})$/;
const ACTION_ID = /^sessionaction-([0-9a-f]{32})-(0|[1-9][0-9]{0,9})$/;
const LIMIT_ID = /^limit-[0-9a-f]{32}$/;
/** The model's patterns, matched whole. */
const INT_STRING = /^(?:[-]?(0|[1-9][0-9]*))$/;
const FLOAT_STRING = /^(?:[-]?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?)$/;
const ENVIRONMENT_ID = /^(?:(STEP:step-[0-9a-f]{32}:.*)|(JOB:job-[0-9a-f]{32}:.*))$/;
const CHUNK_INT = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

const TASK_RUN_STATUSES = [
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
];
const ACTION_STATUSES = [
  'ASSIGNED',
  'RUNNING',
  'CANCELING',
  'SUCCEEDED',
  'FAILED',
  'INTERRUPTED',
  'CANCELED',
  'NEVER_ATTEMPTED',
  'SCHEDULED',
  'RECLAIMING',
  'RECLAIMED',
];
/** A task's runStatus from its last run's action status. */
const RUN_STATUS_OF: Partial<Record<SessionActionStatus, string>> = {
  ASSIGNED: 'ASSIGNED',
  SCHEDULED: 'SCHEDULED',
  RUNNING: 'RUNNING',
  CANCELING: 'INTERRUPTING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  CANCELED: 'CANCELED',
};
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELED'];

interface JobWork {
  key: string;
  jobId: string;
  steps: readonly StepRecord[];
  tasks: Map<string, readonly TaskRecord[]>;
  actions: readonly SessionActionRecord[];
}

function jobsOf(data: Dataset): JobWork[] {
  const jobs: JobWork[] = [];
  for (const [queueKey, records] of data.jobs) {
    for (const job of records) {
      const key = `${queueKey}/${job.jobId}`;
      const steps = data.steps.get(key) ?? [];
      jobs.push({
        key,
        jobId: job.jobId,
        steps,
        tasks: new Map(steps.map((step) => [step.stepId, data.tasks.get(`${key}/${step.stepId}`) ?? []])),
        actions: data.sessionActions.get(key) ?? [],
      });
    }
  }
  return jobs;
}

const taskRunOf = (action: SessionActionRecord) =>
  'taskRun' in action.definition ? action.definition.taskRun : undefined;

const countsOf = (tasks: readonly TaskRecord[]) => {
  const counts = Object.fromEntries(TASK_RUN_STATUSES.map((status) => [status, 0]));
  for (const task of tasks) counts[task.runStatus] = (counts[task.runStatus] ?? 0) + 1;
  return counts;
};

const jobs = jobsOf(dataset);
const allTasks = jobs.flatMap((job) => [...job.tasks.values()].flat());
const allActions = jobs.flatMap((job) => job.actions);

describe('steps', () => {
  it('every job has 1–4 steps with unique IDs and names; a step lists its tasks and its links', () => {
    const ids = new Set<string>();
    for (const job of jobs) {
      expect(job.steps.length, job.key).toBeGreaterThanOrEqual(1);
      expect(job.steps.length, job.key).toBeLessThanOrEqual(4);
      expect(new Set(job.steps.map((step) => step.name)).size).toBe(job.steps.length);
      for (const step of job.steps) {
        expect(step.stepId).toMatch(STEP_ID);
        expect(ids.has(step.stepId)).toBe(false);
        ids.add(step.stepId);
        expect(step.name.length).toBeGreaterThanOrEqual(1);
        expect(step.name.length).toBeLessThanOrEqual(64);
        expect(dataset.tasks.has(`${job.key}/${step.stepId}`)).toBe(true);
        expect(dataset.stepDependencies.has(`${job.key}/${step.stepId}`)).toBe(true);
        expect(dataset.stepConsumers.has(`${job.key}/${step.stepId}`)).toBe(true);
      }
    }
    expect(dataset.steps.size).toBe(jobs.length);
  });

  it('taskRunStatusCounts equal the counts of the tasks’ runStatus, for steps and jobs; the status is their roll-up', () => {
    for (const job of jobs) {
      const record = dataset.jobs
        .get(job.key.split('/').slice(0, 2).join('/'))
        ?.find((candidate) => candidate.jobId === job.jobId);
      const jobTasks: TaskRecord[] = [];
      let retries = 0;
      for (const step of job.steps) {
        const tasks = job.tasks.get(step.stepId) ?? [];
        jobTasks.push(...tasks);
        expect(step.taskRunStatusCounts, step.stepId).toEqual(countsOf(tasks));
        expect(step.taskRunStatus).toBe(rollUpTaskRunStatus(step.taskRunStatusCounts));
        const stepRetries = tasks.reduce((sum, task) => sum + (task.failureRetryCount ?? 0), 0);
        expect(step.taskFailureRetryCount).toBe(stepRetries);
        retries += stepRetries;
      }
      expect(record?.taskRunStatusCounts, job.key).toEqual(countsOf(jobTasks));
      expect(record?.taskRunStatus).toBe(rollUpTaskRunStatus(record?.taskRunStatusCounts ?? {}));
      expect(record?.taskFailureRetryCount).toBe(retries);
    }
  });

  it('dependencies name earlier steps of the job; consumer lists mirror them with the same status', () => {
    let links = 0;
    for (const job of jobs) {
      const order = job.steps.map((step) => step.stepId);
      const mirrored = new Map<string, { stepId: string; status: string }[]>(order.map((id) => [id, []]));
      for (const [index, step] of job.steps.entries()) {
        const dependencies = dataset.stepDependencies.get(`${job.key}/${step.stepId}`) ?? [];
        for (const link of dependencies) {
          links += 1;
          expect(order.indexOf(link.stepId), job.key).toBeGreaterThanOrEqual(0);
          expect(order.indexOf(link.stepId)).toBeLessThan(index);
          const succeeded = (job.tasks.get(link.stepId) ?? []).every(
            (task) => task.runStatus === 'SUCCEEDED',
          );
          expect(link.status).toBe(succeeded ? 'RESOLVED' : 'UNRESOLVED');
          mirrored.get(link.stepId)?.push({ stepId: step.stepId, status: link.status });
        }
      }
      for (const step of job.steps) {
        const dependencies = dataset.stepDependencies.get(`${job.key}/${step.stepId}`) ?? [];
        const consumers = dataset.stepConsumers.get(`${job.key}/${step.stepId}`) ?? [];
        expect(consumers).toEqual(mirrored.get(step.stepId));
        const count = (list: readonly { status: string }[], status: string) =>
          list.filter((link) => link.status === status).length;
        expect(step.dependencyCounts).toEqual({
          dependenciesResolved: count(dependencies, 'RESOLVED'),
          dependenciesUnresolved: count(dependencies, 'UNRESOLVED'),
          consumersResolved: count(consumers, 'RESOLVED'),
          consumersUnresolved: count(consumers, 'UNRESOLVED'),
        });
      }
    }
    expect(links).toBeGreaterThan(20);
    const statuses = new Set(
      [...dataset.stepDependencies.values()].flatMap((list) => list.map((link) => link.status)),
    );
    expect([...statuses].sort()).toEqual(['RESOLVED', 'UNRESOLVED']);
  });

  it('parameter spaces declare the tasks’ parameters; several kinds and chunked steps occur', () => {
    const types = new Set<string>();
    let nonContiguous = 0;
    for (const job of jobs) {
      for (const step of job.steps) {
        const names = (step.parameterSpace?.parameters ?? []).map((parameter) => parameter.name).sort();
        for (const parameter of step.parameterSpace?.parameters ?? []) {
          types.add(parameter.type);
          if (parameter.chunks?.rangeConstraint === 'NONCONTIGUOUS') nonContiguous += 1;
          if (parameter.type === 'CHUNK_INT') expect(parameter.chunks?.defaultTaskCount).toBeGreaterThan(0);
        }
        for (const task of job.tasks.get(step.stepId) ?? []) {
          expect(Object.keys(task.parameters ?? {}).sort(), step.stepId).toEqual(names);
        }
      }
    }
    expect([...types].sort()).toEqual(['CHUNK_INT', 'FLOAT', 'INT', 'PATH', 'STRING']);
    expect(nonContiguous).toBeGreaterThan(0);
  });

  it('a step has started with its first run and ended only when every task has', () => {
    for (const job of jobs) {
      for (const step of job.steps) {
        const tasks = job.tasks.get(step.stepId) ?? [];
        const starts = tasks.flatMap((task) => (task.startedAt ? [Date.parse(task.startedAt)] : []));
        if (step.startedAt) {
          expect(step.startedAt).toMatch(ISO_MS);
          for (const start of starts) expect(start).toBeGreaterThanOrEqual(Date.parse(step.startedAt));
        } else {
          expect(starts).toEqual([]);
        }
        if (step.endedAt) expect(tasks.every((task) => TERMINAL.includes(task.runStatus))).toBe(true);
        expect(step.createdAt).toMatch(ISO_MS);
      }
    }
  });
});

describe('tasks', () => {
  it('IDs are task-<the step’s hex>-<index>, unique', () => {
    const ids = new Set<string>();
    for (const job of jobs) {
      for (const step of job.steps) {
        for (const [index, task] of (job.tasks.get(step.stepId) ?? []).entries()) {
          const match = TASK_ID.exec(task.taskId);
          expect(match?.[1]).toBe(step.stepId.slice('step-'.length));
          expect(match?.[2]).toBe(String(index));
          expect(ids.has(task.taskId)).toBe(false);
          ids.add(task.taskId);
        }
      }
    }
  });

  it('parameters are one-member unions with values the model’s patterns allow', () => {
    const kinds = new Set<string>();
    for (const task of allTasks) {
      for (const value of Object.values(task.parameters ?? {})) {
        const entries = Object.entries(value);
        expect(entries).toHaveLength(1);
        const [kind, text] = entries[0] ?? ['', ''];
        kinds.add(kind);
        expect(typeof text).toBe('string');
        if (kind === 'int') expect(text).toMatch(INT_STRING);
        if (kind === 'float') expect(text).toMatch(FLOAT_STRING);
        if (kind === 'chunkInt') expect(text).toMatch(CHUNK_INT);
        expect(text.length).toBeLessThanOrEqual(1024);
      }
    }
    expect([...kinds].sort()).toEqual(['chunkInt', 'float', 'int', 'path', 'string']);
    expect(
      allTasks.some((task) =>
        Object.values(task.parameters ?? {}).some((v) => 'chunkInt' in v && v.chunkInt.includes(',')),
      ),
    ).toBe(true);
  });

  it('latestSessionActionId is the task’s last taskRun; runStatus, startedAt and endedAt are that run’s', () => {
    for (const job of jobs) {
      const lastRun = new Map<string, SessionActionRecord>();
      const failedRuns = new Map<string, number>();
      for (const action of job.actions) {
        const run = taskRunOf(action);
        if (!run) continue;
        const previous = lastRun.get(run.taskId);
        if (previous?.status === 'FAILED') failedRuns.set(run.taskId, (failedRuns.get(run.taskId) ?? 0) + 1);
        lastRun.set(run.taskId, action);
      }
      for (const tasks of job.tasks.values()) {
        for (const task of tasks) {
          const run = lastRun.get(task.taskId);
          expect(task.latestSessionActionId, task.taskId).toBe(run?.sessionActionId);
          if (run) {
            expect(task.runStatus, task.taskId).toBe(RUN_STATUS_OF[run.status]);
            expect(task.startedAt).toBe(run.startedAt);
            expect(task.endedAt).toBe(run.endedAt);
            expect(task.failureRetryCount).toBe(failedRuns.get(task.taskId) ?? 0);
          } else {
            expect(['READY', 'PENDING', 'SUSPENDED', 'CANCELED']).toContain(task.runStatus);
            expect(task.startedAt).toBeUndefined();
            expect(task.endedAt).toBeUndefined();
          }
        }
      }
    }
  });

  it('a task never run waits (PENDING) behind an unresolved dependency, is READY otherwise, unless its job says otherwise', () => {
    for (const job of jobs) {
      const record = dataset.jobs
        .get(job.key.split('/').slice(0, 2).join('/'))
        ?.find((candidate) => candidate.jobId === job.jobId);
      for (const step of job.steps) {
        const blocked = (dataset.stepDependencies.get(`${job.key}/${step.stepId}`) ?? []).some(
          (link) => link.status === 'UNRESOLVED',
        );
        for (const task of job.tasks.get(step.stepId) ?? []) {
          if (task.latestSessionActionId !== undefined) continue;
          if (record?.targetTaskRunStatus !== undefined) {
            expect(task.runStatus).toBe(record.targetTaskRunStatus);
            expect(task.targetRunStatus).toBe(record.targetTaskRunStatus);
          } else if (blocked) {
            expect(task.runStatus, task.taskId).toBe('PENDING');
          } else if (task.runStatus === 'PENDING') {
            // A job that waits as a whole (not started, every task PENDING).
            expect(record?.taskRunStatus, task.taskId).toBe('PENDING');
            expect(dataset.sessions.get(job.key)).toEqual([]);
          } else {
            expect(task.runStatus, task.taskId).toBe('READY');
          }
        }
      }
    }
  });

  it('run statuses of all kinds occur', () => {
    const statuses = new Set(allTasks.map((task) => task.runStatus));
    for (const status of ['READY', 'PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELED', 'SUSPENDED']) {
      expect(statuses, status).toContain(status);
    }
    expect(allTasks.some((task) => (task.failureRetryCount ?? 0) > 0)).toBe(true);
  });
});

describe('session actions', () => {
  it('every session runs envEnter first, numbered sessionaction-<its hex>-<n> from 0, in ListSessions order', () => {
    let withoutTasks = 0;
    for (const job of jobs) {
      const sessions = dataset.sessions.get(job.key) ?? [];
      const bySession = new Map<string, SessionActionRecord[]>();
      for (const action of job.actions) {
        const list = bySession.get(action.sessionId) ?? [];
        bySession.set(action.sessionId, list);
        list.push(action);
      }
      // Session by session, in the order of ListSessions.
      expect([...bySession.keys()]).toEqual(sessions.map((session) => session.sessionId));
      for (const session of sessions) {
        const actions = bySession.get(session.sessionId) ?? [];
        const hex = session.sessionId.slice('session-'.length);
        actions.forEach((action, n) => {
          expect(action.sessionActionId).toBe(`sessionaction-${hex}-${n}`);
        });
        const [first] = actions;
        expect(first && 'envEnter' in first.definition).toBe(true);
        const last = actions.at(-1);
        if (session.lifecycleStatus === 'ENDED') expect(last && 'envExit' in last.definition).toBe(true);
        if (!actions.some(taskRunOf)) withoutTasks += 1;
        for (const action of actions) {
          const environment =
            'envEnter' in action.definition
              ? action.definition.envEnter.environmentId
              : 'envExit' in action.definition
                ? action.definition.envExit.environmentId
                : undefined;
          if (environment !== undefined) {
            expect(environment).toMatch(ENVIRONMENT_ID);
            expect(environment.startsWith(`JOB:${job.jobId}:`)).toBe(true);
          }
        }
      }
    }
    expect(withoutTasks).toBeGreaterThan(0);
  });

  it('every taskRun names a task of its job in the step it names, with that task’s parameters', () => {
    for (const job of jobs) {
      for (const action of job.actions) {
        const run = taskRunOf(action);
        if (!run) continue;
        const task = job.tasks.get(run.stepId)?.find((candidate) => candidate.taskId === run.taskId);
        expect(task, `${action.sessionActionId} → ${run.taskId}`).toBeDefined();
        expect(run.parameters).toEqual(task?.parameters ?? {});
      }
    }
  });

  it('definitions are one-member unions; statuses, progress, exit codes, limits and manifests are model values', () => {
    const statuses = new Set<string>();
    const kinds = new Set<string>();
    let limits = 0;
    let manifests = 0;
    for (const action of allActions) {
      expect(action.sessionActionId).toMatch(ACTION_ID);
      expect(Object.keys(action.definition)).toHaveLength(1);
      kinds.add(Object.keys(action.definition)[0] ?? '');
      expect(ACTION_STATUSES).toContain(action.status);
      statuses.add(action.status);
      if (action.progressPercent !== undefined) {
        expect(action.progressPercent).toBeGreaterThanOrEqual(0);
        expect(action.progressPercent).toBeLessThanOrEqual(100);
      }
      if (taskRunOf(action) && ['SUCCEEDED', 'FAILED'].includes(action.status)) {
        expect(Number.isInteger(action.processExitCode)).toBe(true);
        expect(action.processExitCode === 0).toBe(action.status === 'SUCCEEDED');
      }
      for (const limit of action.acquiredLimits ?? []) {
        limits += 1;
        expect(limit.limitId).toMatch(LIMIT_ID);
        expect(limit.count).toBeGreaterThanOrEqual(1);
      }
      if (action.manifests) manifests += 1;
      expect(action.progressMessage?.length ?? 0).toBeLessThanOrEqual(4096);
    }
    expect([...kinds].sort()).toEqual(['envEnter', 'envExit', 'syncInputJobAttachments', 'taskRun']);
    for (const status of ['SUCCEEDED', 'FAILED', 'RUNNING', 'INTERRUPTED', 'NEVER_ATTEMPTED', 'CANCELING']) {
      expect(statuses, status).toContain(status);
    }
    expect(limits).toBeGreaterThan(0);
    expect(manifests).toBeGreaterThan(0);
  });

  it('times are ISO with milliseconds, within the session, started before ended', () => {
    for (const job of jobs) {
      const sessions = new Map((dataset.sessions.get(job.key) ?? []).map((s) => [s.sessionId, s]));
      for (const action of job.actions) {
        const session = sessions.get(action.sessionId);
        const from = Date.parse(session?.startedAt ?? '');
        const to = session?.endedAt ? Date.parse(session.endedAt) : DATASET_NOW;
        for (const time of [action.startedAt, action.endedAt, action.workerUpdatedAt]) {
          if (time === undefined) continue;
          expect(time).toMatch(ISO_MS);
          expect(Date.parse(time)).toBeGreaterThanOrEqual(from);
          expect(Date.parse(time)).toBeLessThanOrEqual(to);
        }
        if (action.endedAt) {
          expect(Date.parse(action.endedAt)).toBeGreaterThanOrEqual(Date.parse(action.startedAt ?? ''));
        }
        if (action.startedAt === undefined) expect(action.endedAt).toBeUndefined();
      }
    }
  });
});

describe('sessionsByWorker', () => {
  it('lists every session once, under its farm, fleet and worker', () => {
    const byWorker = sessionsByWorker(dataset);
    let listed = 0;
    for (const [key, refs] of byWorker) {
      const [farmId, fleetId, workerId] = key.split('/');
      for (const ref of refs) {
        listed += 1;
        expect(ref.session.fleetId).toBe(fleetId);
        expect(ref.session.workerId).toBe(workerId);
        expect(dataset.sessions.get(`${farmId}/${ref.queueId}/${ref.jobId}`)).toContain(ref.session);
      }
    }
    expect(listed).toBe([...dataset.sessions.values()].reduce((sum, list) => sum + list.length, 0));
  });
});

describe('edge steps', () => {
  it('have exactly the stated task counts, each the only step of its own job in the comp queue', () => {
    const counts = [...dataset.edgeSteps.keys()].sort((a, b) => a - b);
    expect(counts).toEqual([...EDGE_TASK_COUNTS, DEFAULT_SEED_SIZES.largeStepTasks].sort((a, b) => a - b));
    expect(DEFAULT_SEED_SIZES.largeStepTasks).toBe(2500);
    const comp = dataset.queues.get(dataset.farms[0]?.farmId ?? '')?.[0];
    const sessionEdgeJobs = new Set([...dataset.edgeJobs.values()].map((ref) => ref.jobId));
    for (const [count, ref] of dataset.edgeSteps) {
      expect(ref.queueId).toBe(comp?.queueId);
      const jobKey = `${ref.farmId}/${ref.queueId}/${ref.jobId}`;
      expect(dataset.steps.get(jobKey)?.map((step) => step.stepId)).toEqual([ref.stepId]);
      expect(dataset.tasks.get(`${jobKey}/${ref.stepId}`)).toHaveLength(count);
      expect(sessionEdgeJobs.has(ref.jobId)).toBe(false);
    }
    // The large step is partly run: some tasks succeeded, some run now, the rest wait.
    const large = dataset.edgeSteps.get(DEFAULT_SEED_SIZES.largeStepTasks);
    const step = dataset.steps.get(`${large?.farmId}/${large?.queueId}/${large?.jobId}`)?.[0];
    expect(step?.taskRunStatus).toBe('RUNNING');
    expect(step?.taskRunStatusCounts.SUCCEEDED).toBeGreaterThan(100);
    expect(step?.taskRunStatusCounts.READY).toBeGreaterThan(100);
  });

  it('session-count edge jobs keep their counts', () => {
    expect([...dataset.edgeJobs.keys()].sort((a, b) => a - b)).toEqual(
      [...EDGE_SESSION_COUNTS, DEFAULT_SEED_SIZES.largeJobSessions].sort((a, b) => a - b),
    );
  });

  it('largeStepTasks is configurable; other seeds and sizes hold the same invariants', () => {
    const small = generateDataset(4, { largeStepTasks: 300, largeJobSessions: 50, jobsPerQueue: 3 });
    const ref = small.edgeSteps.get(300);
    expect(small.tasks.get(`${ref?.farmId}/${ref?.queueId}/${ref?.jobId}/${ref?.stepId}`)).toHaveLength(300);
    for (const job of jobsOf(small)) {
      for (const step of job.steps) {
        expect(step.taskRunStatusCounts).toEqual(countsOf(job.tasks.get(step.stepId) ?? []));
      }
    }
    expect(() => generateDataset(1, { largeStepTasks: -1 })).toThrow(RangeError);
  });
});

describe('size', () => {
  it('the dataset JSON stays reasonable', () => {
    expect(datasetToJson(dataset).length).toBeLessThan(16_000_000);
  });
});
