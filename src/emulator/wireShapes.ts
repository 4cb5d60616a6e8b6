/**
 * Projections of the dataset's Get* records onto the other output shapes of the model: the List* *Summary
 * shapes (members listed as in service-2.json) and the BatchGet* items (Get* fields plus the parent IDs).
 */
import type {
  FarmRecord,
  FleetRecord,
  JobRecord,
  QueueRecord,
  SessionRecord,
  WorkerRecord,
} from './dataset.js';

function pickMembers<T extends object, K extends keyof T>(record: T, members: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const member of members) {
    if (record[member] !== undefined) out[member] = record[member];
  }
  return out;
}

const FARM_SUMMARY = [
  'farmId',
  'displayName',
  'kmsKeyArn',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;
const QUEUE_SUMMARY = [
  'farmId',
  'queueId',
  'displayName',
  'status',
  'defaultBudgetAction',
  'blockedReason',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;
const JOB_SUMMARY = [
  'jobId',
  'name',
  'lifecycleStatus',
  'lifecycleStatusMessage',
  'priority',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
  'startedAt',
  'endedAt',
  'taskRunStatus',
  'targetTaskRunStatus',
  'taskRunStatusCounts',
  'taskFailureRetryCount',
  'maxFailedTasksCount',
  'maxRetriesPerTask',
  'maxWorkerCount',
] as const;
const SESSION_SUMMARY = [
  'sessionId',
  'fleetId',
  'workerId',
  'startedAt',
  'lifecycleStatus',
  'endedAt',
  'targetLifecycleStatus',
  'updatedAt',
  'updatedBy',
] as const;
const FLEET_SUMMARY = [
  'fleetId',
  'farmId',
  'displayName',
  'status',
  'statusMessage',
  'autoScalingStatus',
  'targetWorkerCount',
  'workerCount',
  'minWorkerCount',
  'maxWorkerCount',
  'configuration',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;

export const farmSummary = (farm: FarmRecord) => pickMembers(farm, FARM_SUMMARY);
export const queueSummary = (queue: QueueRecord) => pickMembers(queue, QUEUE_SUMMARY);
export const jobSummary = (job: JobRecord) => pickMembers(job, JOB_SUMMARY);
export const sessionSummary = (session: SessionRecord) => pickMembers(session, SESSION_SUMMARY);
export const fleetSummary = (fleet: FleetRecord) => pickMembers(fleet, FLEET_SUMMARY);
/** WorkerSummary has the same members as GetWorkerResponse. */
export const workerSummary = (worker: WorkerRecord): WorkerRecord => worker;

export const batchJobItem = (farmId: string, queueId: string, job: JobRecord) => ({
  farmId,
  queueId,
  ...job,
});
export const batchSessionItem = (farmId: string, queueId: string, jobId: string, session: SessionRecord) => ({
  farmId,
  queueId,
  jobId,
  ...session,
});
export const batchWorkerItem = (worker: WorkerRecord): WorkerRecord => worker;
