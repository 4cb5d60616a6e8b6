/**
 * StartSessionsStatisticsAggregation and GetSessionsStatisticsAggregation: farm usage statistics computed from the
 * dataset's sessions. What the emulator decides where the model is silent (docs/design/usage.md, "Emulator"):
 *
 * - A session runs from `startedAt` to `endedAt`; one still running counts up to DATASET_NOW, the moment the demo
 *   data describe. Each session contributes the part of that interval inside [startTime, endTime), split across
 *   the period buckets it spans; `count` is the number of sessions with a part in the row.
 * - Buckets start at the local hour, midnight, Monday midnight or first of the month in the request's timezone
 *   offset; a row's aggregationStartTime/EndTime are its bucket clipped to the window. Without `period`, the whole
 *   window is one bucket.
 * - Cost is runtime hours × the hourly rate of the session's EC2 instance type (`HOURLY_RATE_USD`), or
 *   `CUSTOMER_MANAGED_HOURLY_RATE_USD` for workers without one (customer-managed fleets). Every row is usage type
 *   COMPUTE, without a license product (the dataset has no licences).
 * - USER_ID is the job's `createdBy`; JOB_ID rows carry the job's name too.
 * - Rows are ordered by bucket, then by their group keys.
 */
import { randomBytes } from 'node:crypto';
import { AwsError } from './awsErrors.js';
import type { SessionRecord } from './dataset.js';
import { iso } from './isoTime.js';
import { cannotParse, isJsonObject, RequestFields } from './requestValidation.js';
import { DATASET_NOW } from './seed.js';
import type { DeadlineStore, Paginator } from './store.js';

export const USAGE_GROUP_BY_FIELDS = [
  'QUEUE_ID',
  'FLEET_ID',
  'JOB_ID',
  'USER_ID',
  'USAGE_TYPE',
  'INSTANCE_TYPE',
  'LICENSE_PRODUCT',
] as const;
export type UsageGroupByField = (typeof USAGE_GROUP_BY_FIELDS)[number];
export const USAGE_STATISTICS = ['SUM', 'MIN', 'MAX', 'AVG'] as const;
export type UsageStatistic = (typeof USAGE_STATISTICS)[number];
export const USAGE_PERIODS = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];
export type AggregationStatus = 'IN_PROGRESS' | 'TIMEOUT' | 'FAILED' | 'COMPLETED';

/** On-demand hourly prices (USD) of the instance types the seeded service-managed fleets run; illustrative. */
export const HOURLY_RATE_USD: Readonly<Record<string, number>> = {
  'g6.4xlarge': 1.3232,
  'g6.8xlarge': 2.0144,
  'g6.12xlarge': 4.6016,
  'c7i.8xlarge': 1.428,
  'm7i.8xlarge': 1.6128,
  'c6i.16xlarge': 2.72,
  'm7i.4xlarge': 0.8064,
};
/** Rate of a worker without an EC2 instance type (customer-managed fleets). */
export const CUSTOMER_MANAGED_HOURLY_RATE_USD = 0.2;
/** How long Deadline keeps an aggregation's statistics after Start (the model's documentation: one hour). */
export const AGGREGATION_RESULT_TTL_MS = 3_600_000;
export const DEFAULT_AGGREGATION_IN_PROGRESS_MS = 200;

const TIMEZONE = /^UTC[-+][01][0-9]:(30|00)$/;
const AGGREGATION_ID = /^[0-9a-f]{32}$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface AggregationRequest {
  farmId: string;
  resource: { kind: 'queueIds' | 'fleetIds'; ids: string[] };
  startMs: number;
  endMs: number;
  timezone: string;
  period: UsagePeriod | undefined;
  groupBy: UsageGroupByField[];
  statistics: UsageStatistic[];
}

interface Stats {
  min?: number;
  max?: number;
  avg?: number;
  sum?: number;
}

/** One Statistics item as on the wire. */
export interface StatisticsRow {
  queueId?: string;
  fleetId?: string;
  jobId?: string;
  jobName?: string;
  userId?: string;
  usageType?: string;
  licenseProduct?: string;
  instanceType?: string;
  count: number;
  costInUsd: Stats;
  runtimeInSeconds: Stats;
  aggregationStartTime: string;
  aggregationEndTime: string;
}

interface Aggregation {
  id: string;
  farmId: string;
  startedAt: number;
  completesAt: number;
  outcome: AggregationStatus;
  rows: StatisticsRow[];
}

// ---------------------------------------------------------------------------------------------------- validation

/** A timestamp member (the model's iso8601 `SyntheticTimestamp_date_time`): an RFC 3339 string with a zone. */
function timestamp(body: Record<string, unknown>, name: string, fields: RequestFields): number | undefined {
  const value = body[name] ?? null;
  if (value === null) {
    fields.missing(name);
    return undefined;
  }
  const ms =
    typeof value === 'string' && /(Z|[+-]\d{2}:\d{2})$/i.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw cannotParse(name, 'an ISO-8601 timestamp');
  return ms;
}

/** A required list of enum values with the model's length bounds; repeats are refused (UNVERIFIED against AWS). */
function enumList<T extends string>(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  max: number,
  fields: RequestFields,
): T[] {
  const value = body[name] ?? null;
  if (value === null) {
    fields.missing(name);
    return [];
  }
  if (!Array.isArray(value)) throw cannotParse(name, 'a list');
  if (value.length < 1 || value.length > max) {
    fields.fail(
      name,
      `Value at '${name}' failed to satisfy constraint: Member must have length between 1 and ${max}, got ${value.length}`,
    );
  }
  const seen = new Set<string>();
  value.forEach((item: unknown, index) => {
    const at = `${name}.${index + 1}.member`;
    if (typeof item !== 'string') throw cannotParse(at, 'a string');
    if (!(allowed as readonly string[]).includes(item)) {
      fields.fail(
        at,
        `Value '${item}' at '${at}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    } else if (seen.has(item)) {
      fields.fail(at, `Value '${item}' at '${at}' failed to satisfy constraint: Member must not repeat`);
    }
    seen.add(item);
  });
  return value as T[];
}

/** The SessionsStatisticsResources union: exactly one of queueIds / fleetIds, 1–10 IDs of its pattern. */
function resourceIds(body: Record<string, unknown>, fields: RequestFields): AggregationRequest['resource'] {
  const value = body.resourceIds ?? null;
  if (value === null) {
    fields.missing('resourceIds');
    return { kind: 'queueIds', ids: [] };
  }
  if (!isJsonObject(value)) throw cannotParse('resourceIds', 'a structure');
  const present = (['queueIds', 'fleetIds'] as const).filter((kind) => (value[kind] ?? null) !== null);
  if (present.length !== 1) {
    fields.fail(
      'resourceIds',
      `Value at 'resourceIds' failed to satisfy constraint: Union must have exactly one member set (queueIds or fleetIds), got ${present.length}`,
    );
    return { kind: 'queueIds', ids: [] };
  }
  const kind = present[0] as 'queueIds' | 'fleetIds';
  const ids = value[kind];
  const path = `resourceIds.${kind}`;
  if (!Array.isArray(ids)) throw cannotParse(path, 'a list');
  if (ids.length < 1 || ids.length > 10) {
    fields.fail(
      path,
      `Value at '${path}' failed to satisfy constraint: Member must have length between 1 and 10, got ${ids.length}`,
    );
  }
  const idField = kind === 'queueIds' ? 'queueId' : 'fleetId';
  ids.forEach((id: unknown, index) => {
    const at = `${path}.${index + 1}.member`;
    if (typeof id !== 'string') throw cannotParse(at, 'a string');
    fields.id(idField, id, at);
  });
  return { kind, ids: ids as string[] };
}

export function readStartRequest(
  farmIdLabel: string,
  body: Readonly<Record<string, unknown>> | undefined,
): AggregationRequest {
  const fields = new RequestFields();
  const farmId = fields.id('farmId', farmIdLabel);
  const input = body ?? {};
  const resource = resourceIds(input, fields);
  const startMs = timestamp(input, 'startTime', fields);
  const endMs = timestamp(input, 'endTime', fields);
  const groupBy = enumList(input, 'groupBy', USAGE_GROUP_BY_FIELDS, 2, fields);
  const statistics = enumList(input, 'statistics', USAGE_STATISTICS, 4, fields);
  const period = input.period ?? null;
  if (
    period !== null &&
    (typeof period !== 'string' || !(USAGE_PERIODS as readonly unknown[]).includes(period))
  ) {
    if (typeof period !== 'string') throw cannotParse('period', 'a string');
    fields.fail(
      'period',
      `Value '${period}' at 'period' failed to satisfy constraint: Member must satisfy enum value set: [${USAGE_PERIODS.join(', ')}]`,
    );
  }
  const timezone = input.timezone ?? null;
  if (timezone !== null) {
    if (typeof timezone !== 'string') throw cannotParse('timezone', 'a string');
    if (!TIMEZONE.test(timezone)) {
      fields.fail(
        'timezone',
        `Value '${timezone}' at 'timezone' failed to satisfy constraint: Member must satisfy regular expression pattern: UTC[-+][01][0-9]:(30|00)`,
      );
    }
  }
  // The model states no order of the two instants; an empty or reversed window is refused (UNVERIFIED).
  if (startMs !== undefined && endMs !== undefined && startMs >= endMs) {
    fields.fail(
      'endTime',
      `Value at 'endTime' failed to satisfy constraint: Member must be later than startTime`,
    );
  }
  fields.assertValid();
  return {
    farmId,
    resource,
    startMs: startMs as number,
    endMs: endMs as number,
    timezone: (timezone as string | null) ?? 'UTC+00:00',
    period: (period as UsagePeriod | null) ?? undefined,
    groupBy,
    statistics,
  };
}

// ---------------------------------------------------------------------------------------------------- buckets

/** The offset of `UTC±hh:mm`, in ms. */
export function offsetMsOf(timezone: string): number {
  const sign = timezone[3] === '-' ? -1 : 1;
  return sign * (Number(timezone.slice(4, 6)) * 60 + Number(timezone.slice(7, 9))) * 60_000;
}

/** The start of the bucket holding instant `t`, and the start of the next, in UTC ms. */
function bucketOf(t: number, period: UsagePeriod, offsetMs: number): [number, number] {
  const local = t + offsetMs;
  let start: number;
  let end: number;
  if (period === 'HOURLY') {
    start = Math.floor(local / HOUR_MS) * HOUR_MS;
    end = start + HOUR_MS;
  } else if (period === 'DAILY') {
    start = Math.floor(local / DAY_MS) * DAY_MS;
    end = start + DAY_MS;
  } else if (period === 'WEEKLY') {
    const day = Math.floor(local / DAY_MS);
    // 1970-01-01 was a Thursday: Monday-based weekday = (day + 3) mod 7.
    start = (day - ((((day + 3) % 7) + 7) % 7)) * DAY_MS;
    end = start + 7 * DAY_MS;
  } else {
    const date = new Date(local);
    start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    end = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
  }
  return [start - offsetMs, end - offsetMs];
}

// ---------------------------------------------------------------------------------------------------- computation

interface Contribution {
  keys: Partial<Record<keyof StatisticsRow, string>>;
  bucketStart: number;
  bucketEnd: number;
  runtimeSeconds: number;
  cost: number;
}

function hourlyRate(session: SessionRecord): number {
  const type = session.hostProperties?.ec2InstanceType;
  return type === undefined ? CUSTOMER_MANAGED_HOURLY_RATE_USD : (HOURLY_RATE_USD[type] ?? 1);
}

function stats(values: number[], wanted: readonly UsageStatistic[]): Stats {
  const out: Stats = {};
  const sum = values.reduce((total, value) => total + value, 0);
  if (wanted.includes('SUM')) out.sum = sum;
  if (wanted.includes('MIN')) out.min = Math.min(...values);
  if (wanted.includes('MAX')) out.max = Math.max(...values);
  if (wanted.includes('AVG')) out.avg = sum / values.length;
  return out;
}

/** The statistics rows of a request; unknown queues or fleets of the farm are ResourceNotFoundException. */
export function computeStatistics(store: DeadlineStore, request: AggregationRequest): StatisticsRow[] {
  const { farmId, resource, startMs, endMs, period, groupBy, statistics } = request;
  const { dataset } = store;
  store.farm(farmId);
  if (resource.kind === 'queueIds') for (const queueId of resource.ids) store.queue(farmId, queueId);
  else for (const fleetId of resource.ids) store.fleet(farmId, fleetId);
  const wanted = new Set(resource.ids);
  const offsetMs = offsetMsOf(request.timezone);
  const contributions: Contribution[] = [];
  for (const queue of dataset.queues.get(farmId) ?? []) {
    if (resource.kind === 'queueIds' && !wanted.has(queue.queueId)) continue;
    for (const job of dataset.jobs.get(`${farmId}/${queue.queueId}`) ?? []) {
      for (const session of dataset.sessions.get(`${farmId}/${queue.queueId}/${job.jobId}`) ?? []) {
        if (resource.kind === 'fleetIds' && !wanted.has(session.fleetId)) continue;
        const from = Math.max(Date.parse(session.startedAt), startMs);
        const to = Math.min(session.endedAt ? Date.parse(session.endedAt) : DATASET_NOW, endMs);
        if (from >= to) continue;
        const instanceType = session.hostProperties?.ec2InstanceType;
        const keys: Contribution['keys'] = {};
        for (const field of groupBy) {
          if (field === 'QUEUE_ID') keys.queueId = queue.queueId;
          else if (field === 'FLEET_ID') keys.fleetId = session.fleetId;
          else if (field === 'JOB_ID') {
            keys.jobId = job.jobId;
            keys.jobName = job.name;
          } else if (field === 'USER_ID') keys.userId = job.createdBy;
          else if (field === 'USAGE_TYPE') keys.usageType = 'COMPUTE';
          else if (field === 'INSTANCE_TYPE' && instanceType !== undefined) keys.instanceType = instanceType;
        }
        const rate = hourlyRate(session);
        let at = from;
        while (at < to) {
          const [bucketStart, bucketEnd] = period ? bucketOf(at, period, offsetMs) : [startMs, endMs];
          const until = Math.min(to, bucketEnd);
          const seconds = (until - at) / 1000;
          contributions.push({
            keys,
            bucketStart,
            bucketEnd,
            runtimeSeconds: seconds,
            cost: (seconds / 3600) * rate,
          });
          at = until;
        }
      }
    }
  }
  const groups = new Map<string, Contribution[]>();
  for (const contribution of contributions) {
    const groupKey = JSON.stringify([contribution.bucketStart, contribution.keys]);
    const group = groups.get(groupKey) ?? [];
    if (group.length === 0) groups.set(groupKey, group);
    group.push(contribution);
  }
  const rows = [...groups.values()].map((group) => {
    const first = group[0] as Contribution;
    return {
      order: [first.bucketStart, JSON.stringify(Object.entries(first.keys).sort())] as const,
      row: {
        ...first.keys,
        count: group.length,
        costInUsd: stats(
          group.map((c) => c.cost),
          statistics,
        ),
        runtimeInSeconds: stats(
          group.map((c) => c.runtimeSeconds),
          statistics,
        ),
        aggregationStartTime: iso(Math.max(first.bucketStart, startMs)),
        aggregationEndTime: iso(Math.min(first.bucketEnd, endMs)),
      } as StatisticsRow,
    };
  });
  rows.sort(
    (a, b) => a.order[0] - b.order[0] || (a.order[1] < b.order[1] ? -1 : a.order[1] > b.order[1] ? 1 : 0),
  );
  return rows.map(({ row }) => row);
}

// ---------------------------------------------------------------------------------------------------- aggregations

function aggregationNotFound(aggregationId: string, why: string): AwsError {
  return new AwsError('ResourceNotFoundException', `Aggregation ${aggregationId} not found: ${why}.`, {
    resourceId: aggregationId,
    resourceType: 'aggregation',
  });
}

/** The farm's aggregations: one IN_PROGRESS at a time, each readable for an hour after its Start. */
export class SessionsStatisticsAggregations {
  private readonly byId = new Map<string, Aggregation>();
  private readonly pendingOutcomes: Array<'FAILED' | 'TIMEOUT'> = [];

  constructor(
    private readonly store: DeadlineStore,
    private readonly clock: () => number,
    /** How long an aggregation stays IN_PROGRESS after its Start. */
    public inProgressMs: number = DEFAULT_AGGREGATION_IN_PROGRESS_MS,
  ) {}

  /** The next aggregation started ends FAILED or TIMEOUT instead of COMPLETED (a test hook). */
  failNext(outcome: 'FAILED' | 'TIMEOUT'): void {
    this.pendingOutcomes.push(outcome);
  }

  private statusOf(aggregation: Aggregation, now: number): AggregationStatus {
    return now < aggregation.completesAt ? 'IN_PROGRESS' : aggregation.outcome;
  }

  start(request: AggregationRequest): string {
    const now = this.clock();
    for (const other of this.byId.values()) {
      if (now - other.startedAt >= AGGREGATION_RESULT_TTL_MS) this.byId.delete(other.id);
      else if (other.farmId === request.farmId && this.statusOf(other, now) === 'IN_PROGRESS') {
        // The model's GetSessionsStatisticsAggregationResponse.status documents a ThrottlingException for a Start
        // while the farm's aggregation is IN_PROGRESS (the operation lists neither ConflictException nor
        // ServiceQuotaExceededException). UNVERIFIED against the live service.
        throw new AwsError(
          'ThrottlingException',
          `An aggregation is already in progress for farm ${request.farmId}; wait for it to finish.`,
          { serviceCode: 'deadline', quotaCode: 'sessions-statistics-aggregation' },
        );
      }
    }
    const rows = computeStatistics(this.store, request);
    const id = randomBytes(16).toString('hex');
    this.byId.set(id, {
      id,
      farmId: request.farmId,
      startedAt: now,
      completesAt: now + this.inProgressMs,
      outcome: this.pendingOutcomes.shift() ?? 'COMPLETED',
      rows,
    });
    return id;
  }

  /** The aggregation's status and, once COMPLETED, its rows. */
  get(farmId: string, aggregationId: string): { status: AggregationStatus; rows: StatisticsRow[] } {
    const aggregation = this.byId.get(aggregationId);
    const now = this.clock();
    if (!aggregation || aggregation.farmId !== farmId) {
      throw aggregationNotFound(aggregationId, 'no aggregation with this ID was started on this farm');
    }
    if (now - aggregation.startedAt >= AGGREGATION_RESULT_TTL_MS) {
      throw aggregationNotFound(aggregationId, 'its statistics expired one hour after it started');
    }
    const status = this.statusOf(aggregation, now);
    return { status, rows: status === 'COMPLETED' ? aggregation.rows : [] };
  }
}

const STATUS_MESSAGES: Record<AggregationStatus, string> = {
  IN_PROGRESS: 'The aggregation is in progress.',
  COMPLETED: 'The aggregation completed.',
  FAILED: 'The aggregation failed.',
  TIMEOUT:
    'The aggregation timed out: reduce the time frame or the number of queues or fleets, or use a longer period.',
};

export interface GetAggregationRequest {
  farmId: string;
  aggregationId: string;
  maxResults: number | undefined;
  nextToken: string | undefined;
}

export function readGetRequest(farmIdLabel: string, query: URLSearchParams): GetAggregationRequest {
  const fields = new RequestFields();
  const farmId = fields.id('farmId', farmIdLabel);
  const ids = query.getAll('aggregationId');
  const aggregationId = ids[0] ?? '';
  if (ids.length === 0) fields.missing('aggregationId');
  else if (ids.length > 1) {
    fields.fail(
      'aggregationId',
      `Query parameter 'aggregationId' must be sent at most once, got ${ids.length} values`,
    );
  } else if (!AGGREGATION_ID.test(aggregationId)) {
    fields.fail(
      'aggregationId',
      `Value '${aggregationId.slice(0, 64)}' at 'aggregationId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{32}`,
    );
  }
  const maxResults = fields.maxResults(query);
  const nextToken = fields.nextToken(query);
  fields.assertValid();
  return { farmId, aggregationId, maxResults, nextToken };
}

/** GetSessionsStatisticsAggregation's answer: the status, and once COMPLETED a page of the statistics. */
export function statisticsPage(
  aggregations: SessionsStatisticsAggregations,
  paginator: Paginator,
  input: GetAggregationRequest,
): Record<string, unknown> {
  const { farmId, aggregationId, maxResults, nextToken } = input;
  const { status, rows } = aggregations.get(farmId, aggregationId);
  if (status !== 'COMPLETED') return { status, statusMessage: STATUS_MESSAGES[status] };
  const page = paginator.page(rows, {
    operation: 'GetSessionsStatisticsAggregation',
    args: { farmId, aggregationId, maxResults: maxResults ?? null },
    maxResults,
    nextToken,
  });
  return {
    status,
    statusMessage: STATUS_MESSAGES[status],
    statistics: page.items,
    ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
  };
}
