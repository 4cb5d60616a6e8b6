/**
 * Wire-format records of the emulator's demo data and the `Dataset` that holds them.
 *
 * Every record is exactly what the matching Get* operation returns on the wire (timestamps are ISO-8601 strings
 * with milliseconds), so a test can compare an SDK response against the dataset directly. List* operations
 * return projections of these records onto the model's *Summary shapes; BatchGet* items add the parent IDs.
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

/** Where a job lives, as used by every job-scoped operation. */
export interface JobRef {
  farmId: string;
  queueId: string;
  jobId: string;
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
}

export const DEFAULT_SEED_SIZES: Readonly<SeedSizes> = {
  farms: 2,
  queuesPerFarm: 5,
  jobsPerQueue: 12,
  fleetsPerFarm: 3,
  workersPerFleet: 24,
  largeFleetWorkers: 160,
  largeJobSessions: 3000,
};

/** Session counts of the edge jobs seeded into the first farm's first queue, besides `largeJobSessions`. */
export const EDGE_SESSION_COUNTS: readonly number[] = [0, 1, 99, 100, 101, 250];

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
}

/** JSON text of a dataset, Maps written as `[key, value]` entry arrays (for snapshots and determinism checks). */
export function datasetToJson(dataset: Dataset): string {
  return JSON.stringify(dataset, (_key, value: unknown) =>
    value instanceof Map ? Array.from(value.entries()) : value,
  );
}
