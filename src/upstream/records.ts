import type {
  BatchGetJobItem,
  BatchGetSessionItem,
  BatchGetWorkerItem,
  FarmSummary,
  FleetSummary,
  GetFarmResponse,
  GetFleetResponse,
  GetQueueResponse,
  JobSummary,
  QueueSummary,
  SessionSummary,
} from '@aws-sdk/client-deadline';
import type { FarmKey, FleetKey, JobKey, QueueKey, SessionKey, WorkerKey } from '../ids/keys.js';

/**
 * The parent objects resolvers receive (codegen mappers point GraphQL types here). Each record is an upstream
 * DTO plus the full key (`key`) and its `level`, because Deadline's responses omit parent IDs. `level` says whether the DTO came from a
 * list (summary) or a Get/BatchGet (detail): a resolver for a detail-only field loads the detail when it only
 * has a summary, so a summary never hides a detail field.
 */
export type Level = 'summary' | 'detail';

type Detail<T> = Omit<T, '$metadata'>;

export type FarmDetail = Detail<GetFarmResponse>;
export type QueueDetail = Detail<GetQueueResponse>;
export type JobDetail = BatchGetJobItem;
export type SessionDetail = BatchGetSessionItem;
export type FleetDetail = Detail<GetFleetResponse>;
/** ListWorkers items and GetWorker/BatchGetWorker responses have the same members. */
export type WorkerDetail = BatchGetWorkerItem;

/** The DTO's members stay at the top level, so GraphQL's default resolvers serve the fields named as upstream. */
type RecordOf<K, S, D> = ({ level: 'summary' } & S & { key: K }) | ({ level: 'detail' } & D & { key: K });

export type FarmRecord = RecordOf<FarmKey, FarmSummary, FarmDetail>;
export type QueueRecord = RecordOf<QueueKey, QueueSummary, QueueDetail>;
export type JobRecord = RecordOf<JobKey, JobSummary, JobDetail>;
export type SessionRecord = RecordOf<SessionKey, SessionSummary, SessionDetail>;
export type FleetRecord = RecordOf<FleetKey, FleetSummary, FleetDetail>;
export type WorkerRecord = { level: 'detail' } & WorkerDetail & { key: WorkerKey };

export type AnyRecord = FarmRecord | QueueRecord | JobRecord | SessionRecord | FleetRecord | WorkerRecord;
