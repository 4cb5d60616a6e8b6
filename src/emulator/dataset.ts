/**
 * Wire-format records of the emulator's demo data and the `Dataset` that holds them.
 *
 * Every record is exactly what the matching Get* operation returns on the wire (timestamps are ISO-8601 strings
 * with milliseconds), so a test can compare an SDK response against the dataset directly. List* operations
 * return projections of these records onto the model's *Summary shapes; BatchGet* items add the parent IDs.
 *
 * How the work records hang together (seed.ts generates them so; test/emulator/workDataset.test.ts checks it):
 *
 * - Every job has 1–4 steps; a step may depend on earlier steps of its job. A dependency is RESOLVED when every
 *   task of the step it names has SUCCEEDED (a step without tasks counts as succeeded), and the consumer link is
 *   the same link seen from the other side, with the same status; `dependencyCounts` counts both lists.
 * - Every session runs a sequence of actions, numbered from 0 (`sessionaction-<the session's hex>-<n>`): an
 *   envEnter of the job's environment (`JOB:<jobId>:<name>`); for jobs with attachments, before the session's
 *   first task a job-wide syncInputJobAttachments and before a dependent step's first task one with its stepId;
 *   one taskRun per task attempt; and an envExit once the session ends (SCHEDULED while an active session is
 *   ending, absent while it runs on). A session may run no task (most of the largest edge job's do not).
 * - A task's `latestSessionActionId` is its last taskRun action (absent when it never ran); its `runStatus`,
 *   `startedAt` and `endedAt` are that action's (RUNNING, ASSIGNED, SCHEDULED, CANCELING → INTERRUPTING,
 *   SUCCEEDED, FAILED, CANCELED); its earlier attempts FAILED (counted in `failureRetryCount`) or were
 *   INTERRUPTED. A task that never ran is READY, or PENDING behind an unresolved dependency; in a job that was
 *   canceled or suspended it is CANCELED or SUSPENDED with `targetRunStatus` the job's `targetTaskRunStatus`, and
 *   in a job that waits as a whole (not started, `taskRunStatus` PENDING) it is PENDING.
 * - A step's `taskRunStatusCounts` (every TaskRunStatus key, zeros included) count its tasks' `runStatus`; a job's
 *   are the sum over its steps; both `taskRunStatus` are `rollUpTaskRunStatus` of their counts, and
 *   `taskFailureRetryCount` the sum of the tasks' `failureRetryCount`.
 */

export type QueueStatus = 'IDLE' | 'SCHEDULING' | 'SCHEDULING_BLOCKED';
export type FleetStatus =
  | 'ACTIVE'
  | 'CREATE_IN_PROGRESS'
  | 'UPDATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'UPDATE_FAILED'
  | 'SUSPENDED';
export type JobLifecycleStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'UPLOAD_IN_PROGRESS'
  | 'UPLOAD_FAILED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_SUCCEEDED'
  | 'ARCHIVED';
export type TaskRunStatus =
  | 'PENDING'
  | 'READY'
  | 'ASSIGNED'
  | 'STARTING'
  | 'SCHEDULED'
  | 'INTERRUPTING'
  | 'RUNNING'
  | 'SUSPENDED'
  | 'CANCELED'
  | 'FAILED'
  | 'SUCCEEDED'
  | 'NOT_COMPATIBLE';
export type JobTargetTaskRunStatus = 'READY' | 'FAILED' | 'SUCCEEDED' | 'CANCELED' | 'SUSPENDED' | 'PENDING';
export type SessionLifecycleStatus =
  | 'STARTED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_SUCCEEDED'
  | 'UPDATE_FAILED'
  | 'ENDED';
export type WorkerStatus =
  | 'CREATED'
  | 'STARTED'
  | 'STOPPING'
  | 'STOPPED'
  | 'NOT_RESPONDING'
  | 'NOT_COMPATIBLE'
  | 'RUNNING'
  | 'IDLE';

export type StepLifecycleStatus =
  | 'CREATE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_SUCCEEDED';
export type SessionActionStatus =
  | 'ASSIGNED'
  | 'RUNNING'
  | 'CANCELING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'INTERRUPTED'
  | 'CANCELED'
  | 'NEVER_ATTEMPTED'
  | 'SCHEDULED'
  | 'RECLAIMING'
  | 'RECLAIMED';
/** DependencyConsumerResolutionStatus. */
export type DependencyStatus = 'RESOLVED' | 'UNRESOLVED';

export const TASK_RUN_STATUSES: readonly TaskRunStatus[] = [
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
export const SESSION_LIFECYCLE_STATUSES: readonly SessionLifecycleStatus[] = [
  'STARTED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_SUCCEEDED',
  'UPDATE_FAILED',
  'ENDED',
];
export const QUEUE_STATUSES: readonly QueueStatus[] = ['IDLE', 'SCHEDULING', 'SCHEDULING_BLOCKED'];
export const FLEET_STATUSES: readonly FleetStatus[] = [
  'ACTIVE',
  'CREATE_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'CREATE_FAILED',
  'UPDATE_FAILED',
  'SUSPENDED',
];

export interface LogConfiguration {
  logDriver: string;
  options?: Record<string, string>;
  parameters?: Record<string, string>;
  error?: string;
}

export interface HostProperties {
  ipAddresses?: { ipV4Addresses?: string[]; ipV6Addresses?: string[] };
  hostName?: string;
  ec2InstanceArn?: string;
  ec2InstanceType?: string;
}

/** GetFarm response. */
export interface FarmRecord {
  farmId: string;
  displayName: string;
  description?: string;
  kmsKeyArn?: string;
  costScaleFactor: number;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** GetQueue response. */
export interface QueueRecord {
  farmId: string;
  queueId: string;
  displayName: string;
  description?: string;
  status: QueueStatus;
  defaultBudgetAction: 'NONE' | 'STOP_SCHEDULING_AND_COMPLETE_TASKS' | 'STOP_SCHEDULING_AND_CANCEL_TASKS';
  blockedReason?: 'NO_BUDGET_CONFIGURED' | 'BUDGET_THRESHOLD_REACHED';
  roleArn?: string;
  jobAttachmentSettings?: { s3BucketName: string; rootPrefix: string };
  requiredFileSystemLocationNames?: string[];
  allowedStorageProfileIds?: string[];
  jobRunAsUser?: {
    posix?: { user: string; group: string };
    runAs: 'QUEUE_CONFIGURED_USER' | 'WORKER_AGENT_USER';
  };
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** One JobParameter union value: exactly one key, always a string. */
export type JobParameterValue = { int: string } | { float: string } | { string: string } | { path: string };

/** GetJob response (carries no farmId/queueId, like the real API). */
export interface JobRecord {
  jobId: string;
  name: string;
  description?: string;
  lifecycleStatus: JobLifecycleStatus;
  lifecycleStatusMessage: string;
  priority: number;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
  startedAt?: string;
  endedAt?: string;
  taskRunStatus?: TaskRunStatus;
  targetTaskRunStatus?: JobTargetTaskRunStatus;
  taskRunStatusCounts?: Partial<Record<TaskRunStatus, number>>;
  taskFailureRetryCount?: number;
  storageProfileId?: string;
  maxFailedTasksCount?: number;
  maxRetriesPerTask?: number;
  parameters?: Record<string, JobParameterValue>;
  maxWorkerCount?: number;
}

/** GetSession response (carries no farmId/queueId/jobId, like the real API). */
export interface SessionRecord {
  sessionId: string;
  fleetId: string;
  workerId: string;
  startedAt: string;
  lifecycleStatus: SessionLifecycleStatus;
  endedAt?: string;
  targetLifecycleStatus?: 'ENDED';
  updatedAt?: string;
  updatedBy?: string;
  log: LogConfiguration;
  hostProperties?: HostProperties;
  workerLog?: LogConfiguration;
}

interface CapabilityRange {
  min: number;
  max?: number;
}

export interface CustomerManagedFleetConfiguration {
  mode: 'NO_SCALING' | 'EVENT_BASED_AUTO_SCALING';
  workerCapabilities: {
    vCpuCount: CapabilityRange;
    memoryMiB: CapabilityRange;
    acceleratorTypes?: 'gpu'[];
    acceleratorCount?: CapabilityRange;
    osFamily: 'WINDOWS' | 'LINUX' | 'MACOS';
    cpuArchitectureType: 'x86_64' | 'arm64';
  };
  storageProfileId?: string;
}

export interface ServiceManagedEc2FleetConfiguration {
  instanceCapabilities: {
    vCpuCount: CapabilityRange;
    memoryMiB: CapabilityRange;
    osFamily: 'WINDOWS' | 'LINUX';
    cpuArchitectureType: 'x86_64' | 'arm64';
    acceleratorCapabilities?: {
      selections: { name: 't4' | 'a10g' | 'l4' | 'l40s'; runtime?: string }[];
      count?: CapabilityRange;
    };
    allowedInstanceTypes?: string[];
  };
  instanceMarketOptions: { type: 'on-demand' | 'spot' | 'wait-and-save' };
  storageProfileId?: string;
}

/** FleetConfiguration union: exactly one key. */
export type FleetConfiguration =
  | { customerManaged: CustomerManagedFleetConfiguration }
  | { serviceManagedEc2: ServiceManagedEc2FleetConfiguration };

/** GetFleet response. */
export interface FleetRecord {
  fleetId: string;
  farmId: string;
  displayName: string;
  description?: string;
  status: FleetStatus;
  statusMessage?: string;
  autoScalingStatus?: 'GROWING' | 'STEADY' | 'SHRINKING';
  targetWorkerCount?: number;
  workerCount: number;
  minWorkerCount: number;
  maxWorkerCount: number;
  configuration: FleetConfiguration;
  capabilities?: {
    amounts?: { name: string; min: number; max?: number }[];
    attributes?: { name: string; values: string[] }[];
  };
  roleArn: string;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** GetWorker response. */
export interface WorkerRecord {
  farmId: string;
  fleetId: string;
  workerId: string;
  status: WorkerStatus;
  hostProperties?: HostProperties;
  log?: LogConfiguration;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
}

/** StepParameter of a ParameterSpace. */
export interface StepParameter {
  name: string;
  type: 'INT' | 'FLOAT' | 'STRING' | 'PATH' | 'CHUNK_INT';
  chunks?: {
    defaultTaskCount: number;
    targetRuntimeSeconds?: number;
    rangeConstraint: 'CONTIGUOUS' | 'NONCONTIGUOUS';
  };
}

/** GetStep response (carries no farmId/queueId/jobId, like the real API). */
export interface StepRecord {
  stepId: string;
  name: string;
  lifecycleStatus: StepLifecycleStatus;
  lifecycleStatusMessage?: string;
  taskRunStatus: TaskRunStatus;
  taskRunStatusCounts: Record<TaskRunStatus, number>;
  taskFailureRetryCount?: number;
  targetTaskRunStatus?: JobTargetTaskRunStatus;
  createdAt: string;
  createdBy: string;
  updatedAt?: string;
  updatedBy?: string;
  startedAt?: string;
  endedAt?: string;
  dependencyCounts?: {
    dependenciesResolved: number;
    dependenciesUnresolved: number;
    consumersResolved: number;
    consumersUnresolved: number;
  };
  requiredCapabilities?: {
    attributes: { name: string; anyOf?: string[]; allOf?: string[] }[];
    amounts: { name: string; min?: number; max?: number; value?: number }[];
  };
  parameterSpace?: { parameters: StepParameter[]; combination?: string };
  description?: string;
}

/**
 * One TaskParameterValue union value: exactly one key, always a string (`int` and `float` match the model's
 * IntString and FloatString; `chunkInt` is a frame range list such as `1001-1010` or `1001-1003,1005`).
 */
export type TaskParameterValue =
  | { int: string }
  | { float: string }
  | { string: string }
  | { path: string }
  | { chunkInt: string };

/** GetTask response (carries no farmId/queueId/jobId/stepId); ListTasks items are the same. */
export interface TaskRecord {
  taskId: string;
  createdAt: string;
  createdBy: string;
  runStatus: TaskRunStatus;
  targetRunStatus?: JobTargetTaskRunStatus;
  failureRetryCount?: number;
  startedAt?: string;
  endedAt?: string;
  updatedAt?: string;
  updatedBy?: string;
  latestSessionActionId?: string;
  parameters?: Record<string, TaskParameterValue>;
}

/**
 * SessionActionDefinition union: exactly one key. `taskRun.parameters` is always sent (the full definition
 * requires it; the list items' Summary variant, where it is optional, carries it too).
 */
export type SessionActionDefinition =
  | { envEnter: { environmentId: string } }
  | { envExit: { environmentId: string } }
  | { taskRun: { taskId: string; stepId: string; parameters: Record<string, TaskParameterValue> } }
  | { syncInputJobAttachments: { stepId?: string } };

/** GetSessionAction response (carries no farmId/queueId/jobId). */
export interface SessionActionRecord {
  sessionActionId: string;
  status: SessionActionStatus;
  startedAt?: string;
  endedAt?: string;
  workerUpdatedAt?: string;
  progressPercent?: number;
  manifests?: { outputManifestPath?: string; outputManifestHash?: string }[];
  sessionId: string;
  processExitCode?: number;
  progressMessage?: string;
  acquiredLimits?: { limitId: string; count: number }[];
  definition: SessionActionDefinition;
}

/** A StepDependency or StepConsumer item: the linked step and whether the link is resolved. */
export interface StepLink {
  stepId: string;
  status: DependencyStatus;
}

/** Where a job lives, as used by every job-scoped operation. */
export interface JobRef {
  farmId: string;
  queueId: string;
  jobId: string;
}

/** Where a step lives. */
export interface StepRef extends JobRef {
  stepId: string;
}

/**
 * Dataset sizes. Farm 1 ("Main Studio Farm") uses them as given; every further farm is a small sandbox farm
 * (at most 2 queues, 4 jobs per queue, 1 fleet, `workersPerFleet` workers).
 */
export interface SeedSizes {
  /** Number of farms (≥ 1). Default 2. */
  farms: number;
  /** Queues in the first farm (≥ 1; the first is always "comp"). Default 5. */
  queuesPerFarm: number;
  /** Ordinary jobs per queue, each with 0–30 sessions (≥ 0). Default 12. Comp also holds the edge jobs. */
  jobsPerQueue: number;
  /** Fleets in the first farm (≥ 1). Default 3. */
  fleetsPerFarm: number;
  /** Workers per fleet (≥ 1). Default 24. */
  workersPerFleet: number;
  /** Workers in the first farm's first fleet, so a job's sessions can span > 100 workers. Default 160. */
  largeFleetWorkers: number;
  /** Sessions of the largest edge job (≥ 0). Default 3000. */
  largeJobSessions: number;
  /** Tasks of the largest edge step (≥ 0). Default 2500. */
  largeStepTasks: number;
}

export const DEFAULT_SEED_SIZES: Readonly<SeedSizes> = {
  farms: 2,
  queuesPerFarm: 5,
  jobsPerQueue: 12,
  fleetsPerFarm: 3,
  workersPerFleet: 24,
  largeFleetWorkers: 160,
  largeJobSessions: 3000,
  largeStepTasks: 2500,
};

/** Session counts of the edge jobs seeded into the first farm's first queue, besides `largeJobSessions`. */
export const EDGE_SESSION_COUNTS: readonly number[] = [0, 1, 99, 100, 101, 250];

/**
 * Task counts of the edge steps seeded into the first farm's comp queue, besides `largeStepTasks`: each is the only
 * step of its own job (appended after the queue's other jobs), found through `Dataset.edgeSteps`.
 */
export const EDGE_TASK_COUNTS: readonly number[] = [0, 1, 100, 101];

/**
 * The seeded demo data. Every list is in the exact order the matching List* operation returns it.
 *
 * - `farms`: GetFarm records.
 * - `queues`: farmId → GetQueue records.
 * - `jobs`: `${farmId}/${queueId}` → GetJob records.
 * - `sessions`: `${farmId}/${queueId}/${jobId}` → GetSession records.
 * - `fleets`: farmId → GetFleet records.
 * - `workers`: `${farmId}/${fleetId}` → GetWorker records.
 * - `members`: farm/queue/fleet ID → principal IDs that are members of it (drives the `principalId` filters).
 *   Jobs have no members list: ListJobs' `principalId` filter matches the job's `createdBy`.
 * - `principals`: every seeded principal ID (Identity Center user IDs).
 * - `edgeJobs`: session count (0, 1, 99, 100, 101, 250, largeJobSessions) → the job that has exactly that many.
 * - `steps`: `${farmId}/${queueId}/${jobId}` → GetStep records (every job has 1–4).
 * - `tasks`: `${farmId}/${queueId}/${jobId}/${stepId}` → GetTask records (ListTasks items are the same).
 * - `sessionActions`: `${farmId}/${queueId}/${jobId}` → GetSessionAction records of all the job's sessions, in
 *   ListSessionActions order without filters: session by session in ListSessions order, each session's actions
 *   in their order. The `sessionId` filter keeps `action.sessionId === sessionId`, the `taskId` filter the taskRun
 *   actions with `definition.taskRun.taskId === taskId`; both, the actions that pass both (order kept).
 * - `stepDependencies` / `stepConsumers`: `${farmId}/${queueId}/${jobId}/${stepId}` → the ListStepDependencies /
 *   ListStepConsumers items (steps of the same job; in step order).
 * - `edgeSteps`: task count (0, 1, 100, 101, largeStepTasks) → the step that has exactly that many tasks, e.g.
 *   `dataset.edgeSteps.get(dataset.sizes.largeStepTasks)` for the 2,500-task step (`dataset.edgeSteps.get(2500)`
 *   with the default sizes). Each is the only step of its own job, appended to the first farm's comp queue; the
 *   0- and 100-task jobs have not started, the 1- and 101-task ones have finished (every task SUCCEEDED), the
 *   largest runs (tasks SUCCEEDED, in flight and READY). They are not in `edgeJobs`.
 *
 * ListSessionsForWorker lists a worker's sessions (`sessionsByWorker`) in dataset order: the farm's queues in
 * ListQueues order, their jobs in ListJobs order, each job's sessions in ListSessions order.
 */
export interface Dataset {
  readonly seed: number;
  readonly sizes: Readonly<SeedSizes>;
  readonly principals: readonly string[];
  readonly farms: readonly FarmRecord[];
  readonly queues: ReadonlyMap<string, readonly QueueRecord[]>;
  readonly jobs: ReadonlyMap<string, readonly JobRecord[]>;
  readonly sessions: ReadonlyMap<string, readonly SessionRecord[]>;
  readonly fleets: ReadonlyMap<string, readonly FleetRecord[]>;
  readonly workers: ReadonlyMap<string, readonly WorkerRecord[]>;
  readonly members: ReadonlyMap<string, readonly string[]>;
  readonly edgeJobs: ReadonlyMap<number, JobRef>;
  readonly steps: ReadonlyMap<string, readonly StepRecord[]>;
  readonly tasks: ReadonlyMap<string, readonly TaskRecord[]>;
  readonly sessionActions: ReadonlyMap<string, readonly SessionActionRecord[]>;
  readonly stepDependencies: ReadonlyMap<string, readonly StepLink[]>;
  readonly stepConsumers: ReadonlyMap<string, readonly StepLink[]>;
  readonly edgeSteps: ReadonlyMap<number, StepRef>;
}

/** A session as ListSessionsForWorker finds it: the session with the queue and job it belongs to. */
export interface WorkerSessionRef {
  queueId: string;
  jobId: string;
  session: SessionRecord;
}

/**
 * Every worker's sessions, keyed `${farmId}/${fleetId}/${workerId}`, each list in the order ListSessionsForWorker
 * returns it (see `Dataset`). Workers that ran no session have no entry.
 */
export function sessionsByWorker(dataset: Dataset): Map<string, WorkerSessionRef[]> {
  const byWorker = new Map<string, WorkerSessionRef[]>();
  for (const [farmId, queues] of dataset.queues) {
    for (const queue of queues) {
      for (const job of dataset.jobs.get(`${farmId}/${queue.queueId}`) ?? []) {
        for (const session of dataset.sessions.get(`${farmId}/${queue.queueId}/${job.jobId}`) ?? []) {
          const key = `${farmId}/${session.fleetId}/${session.workerId}`;
          const list = byWorker.get(key) ?? [];
          if (list.length === 0) byWorker.set(key, list);
          list.push({ queueId: queue.queueId, jobId: job.jobId, session });
        }
      }
    }
  }
  return byWorker;
}

/**
 * The overall status of a set of tasks from their counts: the first status in this order that any task has, so
 * work in flight outranks failures, failures outrank what is left to do, and SUCCEEDED means every task
 * succeeded. No tasks at all is SUCCEEDED (nothing is left to run). Steps and jobs carry it as `taskRunStatus`.
 */
export const TASK_RUN_STATUS_PRECEDENCE: readonly TaskRunStatus[] = [
  'RUNNING',
  'INTERRUPTING',
  'STARTING',
  'ASSIGNED',
  'SCHEDULED',
  'FAILED',
  'CANCELED',
  'SUSPENDED',
  'NOT_COMPATIBLE',
  'READY',
  'PENDING',
  'SUCCEEDED',
];

export function rollUpTaskRunStatus(counts: Partial<Record<TaskRunStatus, number>>): TaskRunStatus {
  return TASK_RUN_STATUS_PRECEDENCE.find((status) => (counts[status] ?? 0) > 0) ?? 'SUCCEEDED';
}

/** JSON text of a dataset, Maps written as `[key, value]` entry arrays (for snapshots and determinism checks). */
export function datasetToJson(dataset: Dataset): string {
  return JSON.stringify(dataset, (_key, value: unknown) =>
    value instanceof Map ? Array.from(value.entries()) : value,
  );
}
