/**
 * Read access to the seeded dataset: lookups by ID (404 ResourceNotFoundException for unknown resources, parents
 * first), filtered lists in List* order, and token-based paging over those lists.
 */
import { resourceNotFound } from './awsErrors.js';
import {
  type Dataset,
  type FarmRecord,
  type FleetRecord,
  type FleetStatus,
  type JobRecord,
  type QueueRecord,
  type QueueStatus,
  type SessionActionRecord,
  type SessionRecord,
  type StepLink,
  type StepRecord,
  sessionsByWorker,
  type TaskRecord,
  type WorkerRecord,
  type WorkerSessionRef,
} from './dataset.js';
import type { PageArguments, PageTokenCodec } from './pageTokens.js';

const key = (...ids: string[]): string => ids.join('/');

export class DeadlineStore {
  private readonly farmsById = new Map<string, FarmRecord>();
  private readonly queuesByKey = new Map<string, QueueRecord>();
  private readonly jobsByKey = new Map<string, JobRecord>();
  private readonly sessionsByKey = new Map<string, SessionRecord>();
  private readonly fleetsByKey = new Map<string, FleetRecord>();
  private readonly workersByKey = new Map<string, WorkerRecord>();
  private readonly stepsByKey = new Map<string, StepRecord>();
  /** Job key → its session actions by session; built on a job's first action lookup. */
  private readonly actionsBySession = new Map<string, Map<string, SessionActionRecord[]>>();
  /** Built on the first ListSessionsForWorker. */
  private workerSessions: Map<string, WorkerSessionRef[]> | undefined;

  constructor(readonly dataset: Dataset) {
    for (const farm of dataset.farms) this.farmsById.set(farm.farmId, farm);
    for (const [farmId, queues] of dataset.queues) {
      for (const queue of queues) this.queuesByKey.set(key(farmId, queue.queueId), queue);
    }
    for (const [queueKey, jobs] of dataset.jobs) {
      for (const job of jobs) this.jobsByKey.set(key(queueKey, job.jobId), job);
    }
    for (const [jobKey, sessions] of dataset.sessions) {
      for (const session of sessions) this.sessionsByKey.set(key(jobKey, session.sessionId), session);
    }
    for (const [farmId, fleets] of dataset.fleets) {
      for (const fleet of fleets) this.fleetsByKey.set(key(farmId, fleet.fleetId), fleet);
    }
    for (const [fleetKey, workers] of dataset.workers) {
      for (const worker of workers) this.workersByKey.set(key(fleetKey, worker.workerId), worker);
    }
    for (const [jobKey, steps] of dataset.steps) {
      for (const step of steps) this.stepsByKey.set(key(jobKey, step.stepId), step);
    }
  }

  /**
   * Where a task or session action ID points: it names its owner and its place there, as real Deadline IDs do
   * (`task-<the step's hex>-<n>` is the step's n-th task, `sessionaction-<the session's hex>-<n>` the session's
   * n-th action), so tens of thousands of them need no index. The record found must still carry exactly that ID.
   */
  private static place(id: string, prefix: string): { hex: string; index: number } | undefined {
    const match = /^([a-z]+)-([0-9a-f]{32})-(0|[1-9][0-9]{0,9})$/.exec(id);
    if (match?.[1] !== prefix) return undefined;
    return { hex: match[2] ?? '', index: Number(match[3]) };
  }

  /** The job's task with this ID (in step `stepId`, when given); undefined if there is none. */
  private findTask(jobKey: string, taskId: string, stepId?: string): TaskRecord | undefined {
    const place = DeadlineStore.place(taskId, 'task');
    if (!place || (stepId !== undefined && stepId !== `step-${place.hex}`)) return undefined;
    const task = this.dataset.tasks.get(key(jobKey, `step-${place.hex}`))?.[place.index];
    return task?.taskId === taskId ? task : undefined;
  }

  private sessionActionsOf(jobKey: string): Map<string, SessionActionRecord[]> {
    let bySession = this.actionsBySession.get(jobKey);
    if (!bySession) {
      bySession = new Map();
      for (const action of this.dataset.sessionActions.get(jobKey) ?? []) {
        const list = bySession.get(action.sessionId) ?? [];
        if (list.length === 0) bySession.set(action.sessionId, list);
        list.push(action);
      }
      this.actionsBySession.set(jobKey, bySession);
    }
    return bySession;
  }

  farm(farmId: string): FarmRecord {
    const farm = this.farmsById.get(farmId);
    if (!farm) throw resourceNotFound('farm', farmId);
    return farm;
  }

  queue(farmId: string, queueId: string): QueueRecord {
    this.farm(farmId);
    const queue = this.queuesByKey.get(key(farmId, queueId));
    if (!queue) throw resourceNotFound('queue', queueId);
    return queue;
  }

  job(farmId: string, queueId: string, jobId: string): JobRecord {
    this.queue(farmId, queueId);
    const job = this.jobsByKey.get(key(farmId, queueId, jobId));
    if (!job) throw resourceNotFound('job', jobId);
    return job;
  }

  session(farmId: string, queueId: string, jobId: string, sessionId: string): SessionRecord {
    this.job(farmId, queueId, jobId);
    const session = this.sessionsByKey.get(key(farmId, queueId, jobId, sessionId));
    if (!session) throw resourceNotFound('session', sessionId);
    return session;
  }

  step(farmId: string, queueId: string, jobId: string, stepId: string): StepRecord {
    this.job(farmId, queueId, jobId);
    const step = this.stepsByKey.get(key(farmId, queueId, jobId, stepId));
    if (!step) throw resourceNotFound('step', stepId);
    return step;
  }

  task(farmId: string, queueId: string, jobId: string, stepId: string, taskId: string): TaskRecord {
    this.step(farmId, queueId, jobId, stepId);
    const task = this.findTask(key(farmId, queueId, jobId), taskId, stepId);
    if (!task) throw resourceNotFound('task', taskId);
    return task;
  }

  sessionAction(
    farmId: string,
    queueId: string,
    jobId: string,
    sessionActionId: string,
  ): SessionActionRecord {
    this.job(farmId, queueId, jobId);
    const place = DeadlineStore.place(sessionActionId, 'sessionaction');
    const actions = place && this.sessionActionsOf(key(farmId, queueId, jobId)).get(`session-${place.hex}`);
    const action = place && actions?.[place.index];
    if (action?.sessionActionId !== sessionActionId) throw resourceNotFound('sessionAction', sessionActionId);
    return action;
  }

  fleet(farmId: string, fleetId: string): FleetRecord {
    this.farm(farmId);
    const fleet = this.fleetsByKey.get(key(farmId, fleetId));
    if (!fleet) throw resourceNotFound('fleet', fleetId);
    return fleet;
  }

  worker(farmId: string, fleetId: string, workerId: string): WorkerRecord {
    this.fleet(farmId, fleetId);
    const worker = this.workersByKey.get(key(farmId, fleetId, workerId));
    if (!worker) throw resourceNotFound('worker', workerId);
    return worker;
  }

  listFarms(filter: { principalId?: string }): readonly FarmRecord[] {
    return this.dataset.farms.filter((farm) => this.hasMember(farm.farmId, filter.principalId));
  }

  listQueues(farmId: string, filter: { principalId?: string; status?: QueueStatus }): readonly QueueRecord[] {
    this.farm(farmId);
    return (this.dataset.queues.get(farmId) ?? []).filter(
      (queue) =>
        this.hasMember(queue.queueId, filter.principalId) &&
        (filter.status === undefined || queue.status === filter.status),
    );
  }

  /** The `principalId` filter keeps the jobs that principal created (jobs carry no members list here). */
  listJobs(farmId: string, queueId: string, filter: { principalId?: string }): readonly JobRecord[] {
    this.queue(farmId, queueId);
    const jobs = this.dataset.jobs.get(key(farmId, queueId)) ?? [];
    return filter.principalId === undefined
      ? jobs
      : jobs.filter((job) => job.createdBy === filter.principalId);
  }

  listSessions(farmId: string, queueId: string, jobId: string): readonly SessionRecord[] {
    this.job(farmId, queueId, jobId);
    return this.dataset.sessions.get(key(farmId, queueId, jobId)) ?? [];
  }

  listSteps(farmId: string, queueId: string, jobId: string): readonly StepRecord[] {
    this.job(farmId, queueId, jobId);
    return this.dataset.steps.get(key(farmId, queueId, jobId)) ?? [];
  }

  listTasks(farmId: string, queueId: string, jobId: string, stepId: string): readonly TaskRecord[] {
    this.step(farmId, queueId, jobId, stepId);
    return this.dataset.tasks.get(key(farmId, queueId, jobId, stepId)) ?? [];
  }

  listStepDependencies(farmId: string, queueId: string, jobId: string, stepId: string): readonly StepLink[] {
    this.step(farmId, queueId, jobId, stepId);
    return this.dataset.stepDependencies.get(key(farmId, queueId, jobId, stepId)) ?? [];
  }

  listStepConsumers(farmId: string, queueId: string, jobId: string, stepId: string): readonly StepLink[] {
    this.step(farmId, queueId, jobId, stepId);
    return this.dataset.stepConsumers.get(key(farmId, queueId, jobId, stepId)) ?? [];
  }

  /**
   * The job's session actions; the filters keep a session's actions and a task's runs. A session or task the job
   * does not have is a ResourceNotFoundException, as a missing parent in the path is.
   */
  listSessionActions(
    farmId: string,
    queueId: string,
    jobId: string,
    filter: { sessionId?: string; taskId?: string },
  ): readonly SessionActionRecord[] {
    const { sessionId, taskId } = filter;
    if (sessionId !== undefined) this.session(farmId, queueId, jobId, sessionId);
    else this.job(farmId, queueId, jobId);
    const jobKey = key(farmId, queueId, jobId);
    if (taskId !== undefined && !this.findTask(jobKey, taskId)) throw resourceNotFound('task', taskId);
    const actions =
      sessionId === undefined
        ? (this.dataset.sessionActions.get(jobKey) ?? [])
        : (this.sessionActionsOf(jobKey).get(sessionId) ?? []);
    if (taskId === undefined) return actions;
    return actions.filter(
      (action) => 'taskRun' in action.definition && action.definition.taskRun.taskId === taskId,
    );
  }

  listSessionsForWorker(farmId: string, fleetId: string, workerId: string): readonly WorkerSessionRef[] {
    this.worker(farmId, fleetId, workerId);
    this.workerSessions ??= sessionsByWorker(this.dataset);
    return this.workerSessions.get(key(farmId, fleetId, workerId)) ?? [];
  }

  listFleets(
    farmId: string,
    filter: { principalId?: string; displayName?: string; status?: FleetStatus },
  ): readonly FleetRecord[] {
    this.farm(farmId);
    return (this.dataset.fleets.get(farmId) ?? []).filter(
      (fleet) =>
        this.hasMember(fleet.fleetId, filter.principalId) &&
        (filter.displayName === undefined || fleet.displayName === filter.displayName) &&
        (filter.status === undefined || fleet.status === filter.status),
    );
  }

  listWorkers(farmId: string, fleetId: string): readonly WorkerRecord[] {
    this.fleet(farmId, fleetId);
    return this.dataset.workers.get(key(farmId, fleetId)) ?? [];
  }

  private hasMember(resourceId: string, principalId: string | undefined): boolean {
    return principalId === undefined || (this.dataset.members.get(resourceId) ?? []).includes(principalId);
  }
}

export interface PageRequest {
  operation: string;
  /** Every argument except nextToken, maxResults included as sent (null when omitted). */
  args: PageArguments;
  maxResults: number | undefined;
  nextToken: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/**
 * Offset paging over an immutable list. A full page always carries a nextToken, even when it ends exactly at the
 * end of the list (the following page is then empty and carries none); a short or empty page carries none.
 */
export class Paginator {
  constructor(
    private readonly tokens: PageTokenCodec,
    private readonly defaultMaxResults: () => number,
  ) {}

  page<T>(items: readonly T[], request: PageRequest): Page<T> {
    const limit = request.maxResults ?? this.defaultMaxResults();
    const offset =
      request.nextToken === undefined
        ? 0
        : this.tokens.redeem(request.nextToken, request.operation, request.args);
    const pageItems = items.slice(offset, offset + limit);
    if (pageItems.length < limit) return { items: pageItems };
    return {
      items: pageItems,
      nextToken: this.tokens.issue(request.operation, request.args, offset + limit),
    };
  }
}
