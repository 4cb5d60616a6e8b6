/**
 * What the Update* operations do to the dataset. Records are changed in place, so every later read (List*, Get*,
 * BatchGet*, Search*, ListSessionsForWorker) sees the change at once; `EmulatorHandle.dataset` is that live data.
 *
 * A target run status moves tasks as AWS's developer guide ("Modify a job in Deadline Cloud") describes it for
 * `update-job`, applied the same way to a step's tasks and to one task (UNVERIFIED for steps and tasks):
 * - PENDING (the guide's "requeue") and READY (UNVERIFIED: taken as the same requeue): every task goes back to
 *   READY, or to PENDING in a step with an unresolved dependency.
 * - CANCELED: every task not SUCCEEDED or FAILED becomes CANCELED.
 * - FAILED: every task not SUCCEEDED becomes FAILED.
 * - SUCCEEDED: every task becomes SUCCEEDED.
 * - SUSPENDED: every task not SUCCEEDED, CANCELED or FAILED becomes SUSPENDED.
 * Tasks in flight change at once (AWS interrupts them first, through INTERRUPTING; UNVERIFIED timing). A changed task
 * gets `targetRunStatus` (the requested target), `updatedAt`/`updatedBy`; entering SUCCEEDED, FAILED or CANCELED
 * sets its `endedAt` to now, a requeue removes `startedAt`/`endedAt` (UNVERIFIED). Its session actions are kept.
 *
 * Afterwards, as the dataset derives them (dataset.ts): dependency links are RESOLVED when every task of the step
 * they name SUCCEEDED, and `dependencyCounts` count them; a step whose dependencies all resolve has its PENDING
 * tasks made READY, one with an unresolved dependency its READY tasks made PENDING (only steps that have
 * dependencies); each step's `taskRunStatusCounts` (every key) count its tasks, the job's sum its steps', both
 * `taskRunStatus` are `rollUpTaskRunStatus` of them; `endedAt` of a step or job is set to now when every task is
 * finished (SUCCEEDED, FAILED, CANCELED) and removed when not. UpdateStep and UpdateTask stamp `updatedAt`/`updatedBy`
 * on the step or task (and the tasks they change), not on the job (UNVERIFIED).
 */
import { AwsError, conflict, type ResourceType } from './awsErrors.js';
import {
  type JobRecord,
  type JobTargetTaskRunStatus,
  rollUpTaskRunStatus,
  type SessionRecord,
  type StepRecord,
  type TaskRecord,
  type TaskRunStatus,
} from './dataset.js';
import { emptyCounts } from './seedWork.js';
import type { DeadlineStore } from './store.js';
import type { JobChanges, JobIds, TaskIds } from './updateRequests.js';

/** A task is finished (and its job archivable) in these states, the set seedWork.ts ends steps on. */
export const FINISHED_TASK_RUN_STATUSES: ReadonlySet<TaskRunStatus> = new Set([
  'SUCCEEDED',
  'FAILED',
  'CANCELED',
]);

/** The status `target` moves a task in `current` to, or undefined when the rule leaves it as it is. */
export function targetedRunStatus(
  current: TaskRunStatus,
  target: JobTargetTaskRunStatus,
): TaskRunStatus | undefined {
  switch (target) {
    case 'READY':
    case 'PENDING':
      return 'READY';
    case 'CANCELED':
      return current === 'SUCCEEDED' || current === 'FAILED' ? undefined : 'CANCELED';
    case 'FAILED':
      return current === 'SUCCEEDED' ? undefined : 'FAILED';
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'SUSPENDED':
      return FINISHED_TASK_RUN_STATUSES.has(current) ? undefined : 'SUSPENDED';
  }
}

interface JobWork {
  ids: JobIds;
  job: JobRecord;
  steps: readonly StepRecord[];
  tasksOf: (step: StepRecord) => readonly TaskRecord[];
}

/** Who the emulator says made a change (`updatedBy`), and when. */
export interface Caller {
  principal: string;
  now: () => number;
}

export class WorkUpdates {
  constructor(
    private readonly store: DeadlineStore,
    private readonly caller: Caller,
  ) {}

  private stamp(): { updatedAt: string; updatedBy: string } {
    return { updatedAt: new Date(this.caller.now()).toISOString(), updatedBy: this.caller.principal };
  }

  private work(ids: JobIds): JobWork {
    const { farmId, queueId, jobId } = ids;
    const job = this.store.job(farmId, queueId, jobId);
    return {
      ids,
      job,
      steps: this.store.listSteps(farmId, queueId, jobId),
      tasksOf: (step) => this.store.listTasks(farmId, queueId, jobId, step.stepId),
    };
  }

  /** An archived job "can't be scheduled or archived" (the model): no update of it, its steps or tasks is allowed. */
  private assertNotArchived(job: JobRecord, resourceType: ResourceType, resourceId: string): void {
    if (job.lifecycleStatus === 'ARCHIVED') {
      throw conflict(
        'STATUS_CONFLICT',
        `Job ${job.jobId} is archived and can't be updated.`,
        resourceType,
        resourceId,
      );
    }
  }

  updateJob(ids: JobIds, changes: JobChanges): void {
    const work = this.work(ids);
    const { job } = work;
    this.assertNotArchived(job, 'job', job.jobId);
    const target = changes.targetTaskRunStatus;
    const planned = new Map<TaskRecord, TaskRunStatus>();
    if (target !== undefined) {
      for (const step of work.steps) this.plan(planned, work.tasksOf(step), target);
    }
    if (changes.lifecycleStatus === 'ARCHIVED') {
      // Only a finished job can be archived: every task (after this call's target) SUCCEEDED, FAILED or CANCELED.
      // A job without tasks is finished. UNVERIFIED: AWS documents no precondition.
      const unfinished = work.steps.some((step) =>
        work
          .tasksOf(step)
          .some((task) => !FINISHED_TASK_RUN_STATUSES.has(planned.get(task) ?? task.runStatus)),
      );
      if (unfinished) {
        throw conflict(
          'STATUS_CONFLICT',
          `Job ${job.jobId} can't be archived until every task is SUCCEEDED, FAILED or CANCELED.`,
          'job',
          job.jobId,
        );
      }
    }
    if (Object.keys(changes).length === 0) return;
    const stamp = this.stamp();
    if (target !== undefined) {
      job.targetTaskRunStatus = target;
      this.commit(work, planned, target, stamp);
    }
    for (const member of [
      'priority',
      'maxFailedTasksCount',
      'maxRetriesPerTask',
      'maxWorkerCount',
    ] as const) {
      const value = changes[member];
      if (value !== undefined) job[member] = value;
    }
    if (changes.name !== undefined) job.name = changes.name;
    if (changes.description !== undefined) job.description = changes.description;
    // UNVERIFIED: AWS passes through UPDATE_IN_PROGRESS; the emulator lands on the outcome at once.
    if (changes.lifecycleStatus === 'ARCHIVED') {
      job.lifecycleStatus = 'ARCHIVED';
      job.lifecycleStatusMessage = 'Job archived.';
    } else {
      job.lifecycleStatus = 'UPDATE_SUCCEEDED';
      job.lifecycleStatusMessage = 'Job update succeeded.';
    }
    Object.assign(job, stamp);
  }

  updateStep(ids: JobIds & { stepId: string }, target: JobTargetTaskRunStatus): void {
    const work = this.work(ids);
    const step = this.store.step(ids.farmId, ids.queueId, ids.jobId, ids.stepId);
    this.assertNotArchived(work.job, 'step', step.stepId);
    const planned = new Map<TaskRecord, TaskRunStatus>();
    this.plan(planned, work.tasksOf(step), target);
    const stamp = this.stamp();
    step.targetTaskRunStatus = target;
    step.lifecycleStatus = 'UPDATE_SUCCEEDED';
    step.lifecycleStatusMessage = 'Step update succeeded.';
    Object.assign(step, stamp);
    this.commit(work, planned, target, stamp);
  }

  updateTask(ids: TaskIds, target: JobTargetTaskRunStatus): void {
    const work = this.work(ids);
    const task = this.store.task(ids.farmId, ids.queueId, ids.jobId, ids.stepId, ids.taskId);
    this.assertNotArchived(work.job, 'task', task.taskId);
    const planned = new Map<TaskRecord, TaskRunStatus>();
    this.plan(planned, [task], target);
    const stamp = this.stamp();
    // The task records the request even when the rule leaves its status (UNVERIFIED).
    task.targetRunStatus = target;
    Object.assign(task, stamp);
    this.commit(work, planned, target, stamp);
  }

  /**
   * Ends a session at once: `targetLifecycleStatus` and `lifecycleStatus` ENDED, `endedAt` now (AWS ends it when its
   * worker has stopped the running action: UNVERIFIED timing; the session's actions and tasks are left as they are).
   * Ending an ENDED session is a ConflictException STATUS_CONFLICT (UNVERIFIED: AWS may accept it as a no-op).
   */
  updateSession(ids: JobIds & { sessionId: string }): void {
    const job = this.store.job(ids.farmId, ids.queueId, ids.jobId);
    const session: SessionRecord = this.store.session(ids.farmId, ids.queueId, ids.jobId, ids.sessionId);
    this.assertNotArchived(job, 'session', session.sessionId);
    if (session.lifecycleStatus === 'ENDED') {
      throw conflict(
        'STATUS_CONFLICT',
        `Session ${session.sessionId} has already ended.`,
        'session',
        session.sessionId,
      );
    }
    const stamp = this.stamp();
    session.targetLifecycleStatus = 'ENDED';
    session.lifecycleStatus = 'ENDED';
    session.endedAt = stamp.updatedAt;
    Object.assign(session, stamp);
  }

  private plan(
    planned: Map<TaskRecord, TaskRunStatus>,
    tasks: readonly TaskRecord[],
    target: JobTargetTaskRunStatus,
  ): void {
    for (const task of tasks) {
      const next = targetedRunStatus(task.runStatus, target);
      if (next !== undefined) planned.set(task, next);
    }
  }

  /** Applies the planned task changes, then settles dependencies and recomputes the job's aggregates. */
  private commit(
    work: JobWork,
    planned: ReadonlyMap<TaskRecord, TaskRunStatus>,
    target: JobTargetTaskRunStatus,
    stamp: { updatedAt: string; updatedBy: string },
  ): void {
    for (const [task, next] of planned) {
      task.runStatus = next;
      task.targetRunStatus = target;
      Object.assign(task, stamp);
      if (FINISHED_TASK_RUN_STATUSES.has(next)) task.endedAt = stamp.updatedAt;
      if (next === 'READY') {
        delete task.startedAt;
        delete task.endedAt;
      }
    }
    this.settleDependencies(work);
    this.recount(work, stamp.updatedAt);
  }

  /** Link statuses from the tasks, then READY/PENDING of the tasks of steps that have dependencies. */
  private settleDependencies(work: JobWork): void {
    const { farmId, queueId, jobId } = work.ids;
    const succeeded = new Map(
      work.steps.map((step) => [
        step.stepId,
        work.tasksOf(step).every((task) => task.runStatus === 'SUCCEEDED'),
      ]),
    );
    for (const step of work.steps) {
      const dependencies = this.store.listStepDependencies(farmId, queueId, jobId, step.stepId);
      const consumers = this.store.listStepConsumers(farmId, queueId, jobId, step.stepId);
      for (const link of dependencies) link.status = succeeded.get(link.stepId) ? 'RESOLVED' : 'UNRESOLVED';
      for (const link of consumers) link.status = succeeded.get(step.stepId) ? 'RESOLVED' : 'UNRESOLVED';
      const resolved = (links: readonly { status: string }[]) =>
        links.filter((link) => link.status === 'RESOLVED').length;
      step.dependencyCounts = {
        dependenciesResolved: resolved(dependencies),
        dependenciesUnresolved: dependencies.length - resolved(dependencies),
        consumersResolved: resolved(consumers),
        consumersUnresolved: consumers.length - resolved(consumers),
      };
      if (dependencies.length === 0) continue;
      const blocked = resolved(dependencies) < dependencies.length;
      for (const task of work.tasksOf(step)) {
        if (blocked && task.runStatus === 'READY') task.runStatus = 'PENDING';
        else if (!blocked && task.runStatus === 'PENDING') task.runStatus = 'READY';
      }
    }
  }

  private recount(work: JobWork, now: string): void {
    const jobCounts = emptyCounts();
    let jobFinished = true;
    for (const step of work.steps) {
      const counts = emptyCounts();
      for (const task of work.tasksOf(step)) counts[task.runStatus] += 1;
      const finished = work.tasksOf(step).every((task) => FINISHED_TASK_RUN_STATUSES.has(task.runStatus));
      step.taskRunStatusCounts = counts;
      step.taskRunStatus = rollUpTaskRunStatus(counts);
      if (finished) step.endedAt ??= now;
      else delete step.endedAt;
      for (const [status, count] of Object.entries(counts)) jobCounts[status as TaskRunStatus] += count;
      jobFinished &&= finished;
    }
    work.job.taskRunStatusCounts = jobCounts;
    work.job.taskRunStatus = rollUpTaskRunStatus(jobCounts);
    if (jobFinished) work.job.endedAt ??= now;
    else delete work.job.endedAt;
  }
}

/** Whether `error` is one a batch reports per item (the rest fail the whole call). */
export function isPerItemError(error: unknown): error is AwsError {
  return (
    error instanceof AwsError &&
    (error.errorName === 'ResourceNotFoundException' || error.errorName === 'ConflictException')
  );
}
