/**
 * The registry of the domain: one entry per entity type of the graph (each GraphQL type implementing `Node`). Key
 * paths, global IDs, loaders, records, connections, lookups, the cost model, the preflight, the page cache and the
 * codegen mappers are all derived from it; docs/adding-a-type.md walks through adding an entry.
 *
 * What an entry says is Deadline Cloud's API model (service-2.json) seen from the graph: how the entity is keyed,
 * which List call lists it under its parent, which Get/BatchGet fetch it, which members the list items lack. A
 * unit test holds the registry and schema/*.graphql together (test/unit/entityRegistry.test.ts).
 */
import type * as Sdk from '@aws-sdk/client-deadline';

/** A Deadline operation the SDK has a command for (`ListJobs` for `ListJobsCommand`). */
export type OperationName = {
  [K in keyof typeof Sdk]: K extends `${infer Op}Command` ? (Op extends '$' ? never : Op) : never;
}[keyof typeof Sdk];

/** What one registry entry holds. Every member is required: an entry that leaves one out does not compile. */
export interface EntityDefinition {
  /**
   * The native IDs that locate the entity, outermost first; the last is its own ID. The parent is the entity whose
   * key is this one without its last part (none for a one-part key). The order defines key paths and global IDs.
   * Every key starts with the farm: the farm allow-list checks it before each call.
   */
  readonly key: readonly ['farmId', ...string[]];
  /** The anchored pattern of the entity's own ID, from the model. */
  readonly idPattern: RegExp;
  /**
   * The List call that lists the entity under its parent: `field`, the connection field on the parent (on `Query`
   * for a root list), takes `first`/`after` and binds its cursors to the parent's key path; `items`, the output
   * member holding the page's items; `provesParent`, whether the List answers ResourceNotFoundException under a
   * missing parent (the model lists it, and the emulator does it), so that a lookup of the parent selecting only
   * key fields and this list may skip its Get (docs/design/lookups.md).
   */
  readonly list: {
    readonly field: string;
    readonly operation: OperationName;
    readonly items: string;
    readonly provesParent: boolean;
  };
  /** The Get call for one entity (also the fallback of an endpoint without the BatchGet). */
  readonly get: OperationName;
  /** The BatchGet call (up to 100 keys a call) and its output member of found items; null when Deadline has none. */
  readonly batchGet: { readonly operation: OperationName; readonly items: string } | null;
  /**
   * The upstream members a record carries, in the order records lay them out (test/unit/recordShapes.test.ts):
   * `summary`, those of a list item; `detailOnly`, those only a Get/BatchGet answers; `fromKey`, parent IDs the Get
   * output lacks, read from the key. `summary: null` when list items have every member of a Get (they are details
   * then, and `detailOnly` lists all their members).
   */
  readonly members: {
    readonly summary: readonly string[] | null;
    readonly detailOnly: readonly string[];
    readonly fromKey: readonly string[];
  };
  /** GraphQL fields of the type served from detail-only members: a list item loads its detail for them. */
  readonly detailFields: readonly string[];
  /**
   * The page cache's resource for this entity's List/Get/BatchGet answers, with its default TTL (the
   * `CACHE_TTL_<RESOURCE>_MS` variable overrides it; equal to the type's `@cacheControl(maxAge:)`).
   */
  readonly cache: { readonly resource: string; readonly ttlMs: number };
  /** The lookups by native IDs: `Query.<root>(<key…>)`, and `<Parent>.<child>(<own ID>)` (null for a root type). */
  readonly lookups: { readonly root: string; readonly child: string | null };
}

const hexId = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{32}$`);

/** JobSummary's members, in the model's order (long enough to keep apart from the entry). */
const JOB_SUMMARY_MEMBERS = [
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

export const ENTITIES = {
  Farm: {
    key: ['farmId'],
    idPattern: hexId('farm'),
    list: { field: 'farms', operation: 'ListFarms', items: 'farms', provesParent: false },
    get: 'GetFarm',
    batchGet: null,
    members: {
      summary: ['farmId', 'displayName', 'kmsKeyArn', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'],
      detailOnly: ['description', 'costScaleFactor'],
      fromKey: [],
    },
    detailFields: ['description', 'costScaleFactor'],
    cache: { resource: 'farm', ttlMs: 60_000 },
    lookups: { root: 'farm', child: null },
  },
  Queue: {
    key: ['farmId', 'queueId'],
    idPattern: hexId('queue'),
    list: { field: 'queues', operation: 'ListQueues', items: 'queues', provesParent: true },
    get: 'GetQueue',
    batchGet: null,
    members: {
      summary: [
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
      ],
      detailOnly: [
        'description',
        'jobAttachmentSettings',
        'roleArn',
        'requiredFileSystemLocationNames',
        'allowedStorageProfileIds',
        'jobRunAsUser',
        'schedulingConfiguration',
      ],
      fromKey: [],
    },
    detailFields: ['description'],
    cache: { resource: 'queue', ttlMs: 60_000 },
    lookups: { root: 'queue', child: 'queue' },
  },
  Job: {
    key: ['farmId', 'queueId', 'jobId'],
    idPattern: hexId('job'),
    list: { field: 'jobs', operation: 'ListJobs', items: 'jobs', provesParent: true },
    get: 'GetJob',
    batchGet: { operation: 'BatchGetJob', items: 'jobs' },
    members: {
      summary: JOB_SUMMARY_MEMBERS,
      detailOnly: ['storageProfileId', 'parameters', 'attachments', 'description'],
      fromKey: ['farmId', 'queueId'],
    },
    detailFields: ['description', 'storageProfileId', 'parameters'],
    cache: { resource: 'job', ttlMs: 5_000 },
    lookups: { root: 'job', child: 'job' },
  },
  Session: {
    key: ['farmId', 'queueId', 'jobId', 'sessionId'],
    idPattern: hexId('session'),
    list: { field: 'sessions', operation: 'ListSessions', items: 'sessions', provesParent: true },
    get: 'GetSession',
    batchGet: { operation: 'BatchGetSession', items: 'sessions' },
    members: {
      summary: [
        'sessionId',
        'fleetId',
        'workerId',
        'startedAt',
        'lifecycleStatus',
        'endedAt',
        'targetLifecycleStatus',
        'updatedAt',
        'updatedBy',
      ],
      detailOnly: ['log', 'hostProperties', 'workerLog'],
      fromKey: ['farmId', 'queueId', 'jobId'],
    },
    detailFields: ['log', 'workerLog', 'hostProperties'],
    cache: { resource: 'session', ttlMs: 2_000 },
    lookups: { root: 'session', child: 'session' },
  },
  Fleet: {
    key: ['farmId', 'fleetId'],
    idPattern: hexId('fleet'),
    list: { field: 'fleets', operation: 'ListFleets', items: 'fleets', provesParent: true },
    get: 'GetFleet',
    batchGet: null,
    members: {
      summary: [
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
      ],
      detailOnly: ['description', 'hostConfiguration', 'capabilities', 'roleArn'],
      fromKey: [],
    },
    detailFields: ['description', 'roleArn'],
    cache: { resource: 'fleet', ttlMs: 60_000 },
    lookups: { root: 'fleet', child: 'fleet' },
  },
  Worker: {
    key: ['farmId', 'fleetId', 'workerId'],
    idPattern: hexId('worker'),
    list: { field: 'workers', operation: 'ListWorkers', items: 'workers', provesParent: true },
    get: 'GetWorker',
    batchGet: { operation: 'BatchGetWorker', items: 'workers' },
    members: {
      // ListWorkers items carry every member GetWorker has.
      summary: null,
      detailOnly: [
        'workerId',
        'hostProperties',
        'status',
        'log',
        'createdAt',
        'createdBy',
        'updatedAt',
        'updatedBy',
      ],
      fromKey: ['farmId', 'fleetId'],
    },
    detailFields: [],
    cache: { resource: 'worker', ttlMs: 5_000 },
    lookups: { root: 'worker', child: 'worker' },
  },
} as const satisfies Record<string, EntityDefinition>;
