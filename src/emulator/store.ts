/**
 * Read access to the seeded dataset: lookups by ID (404 ResourceNotFoundException for unknown resources, parents
 * first), filtered lists in List* order, and token-based paging over those lists.
 */
import { resourceNotFound } from './awsErrors.js';
import type {
  Dataset,
  FarmRecord,
  FleetRecord,
  FleetStatus,
  JobRecord,
  QueueRecord,
  QueueStatus,
  SessionRecord,
  WorkerRecord,
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
