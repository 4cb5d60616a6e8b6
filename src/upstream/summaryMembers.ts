/**
 * The members of the model's List* summary shapes (service-2.json, API 2023-10-12), in the model's order: one list
 * per shape, for both sides of the wire. The emulator answers List* calls with exactly these members
 * (src/emulator/wireShapes.ts); the loaders build their records of one fixed shape from them
 * (src/loaders/*Loader.ts, where recordBuilder checks each list against the SDK's type at compile time).
 * WorkerSummary has the same members as GetWorkerResponse.
 */

export const FARM_SUMMARY_MEMBERS = [
  'farmId',
  'displayName',
  'kmsKeyArn',
  'createdAt',
  'createdBy',
  'updatedAt',
  'updatedBy',
] as const;

export const QUEUE_SUMMARY_MEMBERS = [
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

export const JOB_SUMMARY_MEMBERS = [
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
  'sourceJobId',
] as const;

export const SESSION_SUMMARY_MEMBERS = [
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

export const FLEET_SUMMARY_MEMBERS = [
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
