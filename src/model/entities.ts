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
  /**
   * Further connections of this type on an entity that is not its parent (`Session.actions`, `Worker.sessions`):
   * `owner`, the entity type holding connection `field`; `operation`/`items`, the List call and its output member;
   * `input`, the owner's key parts the call sends (the rest of the item's key comes from the items); `lacks`, the
   * list-item members these items do not carry (their fields then load the detail; docs/adding-a-type.md).
   */
  readonly alsoListed: readonly AlsoListed[];
  /** Other List calls of this entity that return links to entities of the same type with a status of the link. */
  readonly links: readonly EntityLinks[];
  /** Search connections of this type (offset paging with totals: docs/design/search.md). */
  readonly search: readonly EntitySearch[];
}

/**
 * A search connection (`Queue.jobSearch`): `operation` (SearchJobs) answers `items` by offset with `totalResults`.
 * docs/design/search.md; docs/adding-a-type.md says how to add one.
 */
export interface EntitySearch {
  readonly owner: string;
  readonly field: string;
  readonly operation: OperationName;
  readonly items: string;
  /**
   * The resources searched (`queueIds` or `fleetIds`, 1 to 10): the owner's own (`from: 'owner'`, its key part
   * `queueId`/`fleetId`) or the field's argument of that name.
   */
  readonly scope: { readonly ids: 'queueIds' | 'fleetIds'; readonly from: 'owner' | 'argument' };
  /** Parts of the owner's key the call takes as members of its own (`jobId` of `Job.stepSearch`). */
  readonly ownerMembers: readonly string[];
  /**
   * Parts of the owner's key the call cannot take as members, sent as an EQUAL filter on the named upstream field
   * ANDed to the caller's filter (`Step.taskSearch`: `stepId` as STEP_ID).
   */
  readonly ownerFilters: Readonly<Record<string, string>>;
  /** Detail-only members the items carry, by the item member that holds them (`parameters: 'jobParameters'`). */
  readonly carries: Readonly<Record<string, string>>;
  /** List-item members the items lack (TaskSearchSummary has no `createdAt`): their fields load the detail. */
  readonly lacks: readonly string[];
}

/** A connection of an entity type on another owner than its parent (see `EntityDefinition.alsoListed`). */
export interface AlsoListed {
  readonly owner: string;
  readonly field: string;
  readonly operation: OperationName;
  readonly items: string;
  readonly input: readonly string[];
  readonly lacks: readonly string[];
}

/**
 * A connection of links from an entity to others of its own type (`Step.dependencies`): the List call under the
 * entity answers items of the linked entity's own ID and a link member (`status`); the nodes are looked up by key.
 */
export interface EntityLinks {
  readonly field: string;
  readonly operation: OperationName;
  readonly items: string;
  /** The members of an item that describe the link rather than the linked entity. */
  readonly linkMembers: readonly string[];
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
    alsoListed: [],
    links: [],
    search: [],
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
    alsoListed: [],
    links: [],
    search: [],
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
    alsoListed: [],
    links: [],
    search: [
      {
        owner: 'Farm',
        field: 'jobSearch',
        operation: 'SearchJobs',
        items: 'jobs',
        scope: { ids: 'queueIds', from: 'argument' },
        ownerMembers: [],
        ownerFilters: {},
        carries: { parameters: 'jobParameters' },
        lacks: [],
      },
      {
        owner: 'Queue',
        field: 'jobSearch',
        operation: 'SearchJobs',
        items: 'jobs',
        scope: { ids: 'queueIds', from: 'owner' },
        ownerMembers: [],
        ownerFilters: {},
        carries: { parameters: 'jobParameters' },
        lacks: [],
      },
    ],
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
    alsoListed: [
      {
        owner: 'Worker',
        field: 'sessions',
        operation: 'ListSessionsForWorker',
        items: 'sessions',
        input: ['farmId', 'fleetId', 'workerId'],
        // WorkerSessionSummary: the fleet and worker come from the owner's key; these two it has not.
        lacks: ['updatedAt', 'updatedBy'],
      },
    ],
    links: [],
    search: [],
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
    alsoListed: [],
    links: [],
    search: [],
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
    alsoListed: [],
    links: [],
    search: [
      {
        owner: 'Farm',
        field: 'workerSearch',
        operation: 'SearchWorkers',
        items: 'workers',
        scope: { ids: 'fleetIds', from: 'argument' },
        ownerMembers: [],
        ownerFilters: {},
        carries: {},
        lacks: ['log'],
      },
      {
        owner: 'Fleet',
        field: 'workerSearch',
        operation: 'SearchWorkers',
        items: 'workers',
        scope: { ids: 'fleetIds', from: 'owner' },
        ownerMembers: [],
        ownerFilters: {},
        carries: {},
        lacks: ['log'],
      },
    ],
  },
  Step: {
    key: ['farmId', 'queueId', 'jobId', 'stepId'],
    idPattern: hexId('step'),
    list: { field: 'steps', operation: 'ListSteps', items: 'steps', provesParent: true },
    get: 'GetStep',
    batchGet: { operation: 'BatchGetStep', items: 'steps' },
    members: {
      summary: [
        'stepId',
        'name',
        'lifecycleStatus',
        'lifecycleStatusMessage',
        'taskRunStatus',
        'taskRunStatusCounts',
        'taskFailureRetryCount',
        'targetTaskRunStatus',
        'createdAt',
        'createdBy',
        'updatedAt',
        'updatedBy',
        'startedAt',
        'endedAt',
        'dependencyCounts',
      ],
      detailOnly: ['requiredCapabilities', 'parameterSpace', 'description'],
      fromKey: ['farmId', 'queueId', 'jobId'],
    },
    detailFields: ['description', 'parameterSpace', 'requiredCapabilities'],
    // A step's status moves with its job's.
    cache: { resource: 'job', ttlMs: 5_000 },
    lookups: { root: 'step', child: 'step' },
    alsoListed: [],
    links: [
      {
        field: 'dependencies',
        operation: 'ListStepDependencies',
        items: 'dependencies',
        linkMembers: ['status'],
      },
      { field: 'consumers', operation: 'ListStepConsumers', items: 'consumers', linkMembers: ['status'] },
    ],
    search: [
      {
        owner: 'Job',
        field: 'stepSearch',
        operation: 'SearchSteps',
        items: 'steps',
        scope: { ids: 'queueIds', from: 'owner' },
        ownerMembers: ['jobId'],
        ownerFilters: {},
        carries: { parameterSpace: 'parameterSpace' },
        lacks: ['dependencyCounts'],
      },
    ],
  },
  Task: {
    key: ['farmId', 'queueId', 'jobId', 'stepId', 'taskId'],
    idPattern: /^task-[0-9a-f]{32}-(0|([1-9][0-9]{0,9}))$/,
    list: { field: 'tasks', operation: 'ListTasks', items: 'tasks', provesParent: true },
    get: 'GetTask',
    batchGet: { operation: 'BatchGetTask', items: 'tasks' },
    members: {
      // ListTasks items carry every member GetTask has.
      summary: null,
      detailOnly: [
        'taskId',
        'createdAt',
        'createdBy',
        'runStatus',
        'targetRunStatus',
        'failureRetryCount',
        'startedAt',
        'endedAt',
        'updatedAt',
        'updatedBy',
        'latestSessionActionId',
        'parameters',
      ],
      fromKey: ['farmId', 'queueId', 'jobId', 'stepId'],
    },
    detailFields: [],
    cache: { resource: 'job', ttlMs: 5_000 },
    lookups: { root: 'task', child: 'task' },
    alsoListed: [],
    links: [],
    search: [
      {
        owner: 'Job',
        field: 'taskSearch',
        operation: 'SearchTasks',
        items: 'tasks',
        scope: { ids: 'queueIds', from: 'owner' },
        ownerMembers: ['jobId'],
        ownerFilters: {},
        carries: {},
        lacks: ['createdAt', 'createdBy'],
      },
      {
        owner: 'Step',
        field: 'taskSearch',
        operation: 'SearchTasks',
        items: 'tasks',
        scope: { ids: 'queueIds', from: 'owner' },
        ownerMembers: ['jobId'],
        ownerFilters: { stepId: 'STEP_ID' },
        carries: {},
        lacks: ['createdAt', 'createdBy'],
      },
    ],
  },
  SessionAction: {
    key: ['farmId', 'queueId', 'jobId', 'sessionActionId'],
    idPattern: /^sessionaction-[0-9a-f]{32}-(0|([1-9][0-9]{0,9}))$/,
    list: {
      field: 'sessionActions',
      operation: 'ListSessionActions',
      items: 'sessionActions',
      provesParent: true,
    },
    get: 'GetSessionAction',
    batchGet: { operation: 'BatchGetSessionAction', items: 'sessionActions' },
    members: {
      summary: [
        'sessionActionId',
        'status',
        'startedAt',
        'endedAt',
        'workerUpdatedAt',
        'progressPercent',
        'manifests',
        'definition',
      ],
      detailOnly: ['sessionId', 'processExitCode', 'progressMessage', 'acquiredLimits'],
      fromKey: ['farmId', 'queueId', 'jobId'],
    },
    detailFields: ['sessionId', 'processExitCode', 'progressMessage', 'acquiredLimits'],
    // An action's status moves with its session's.
    cache: { resource: 'session', ttlMs: 2_000 },
    lookups: { root: 'sessionAction', child: 'sessionAction' },
    alsoListed: [
      {
        owner: 'Session',
        field: 'actions',
        operation: 'ListSessionActions',
        items: 'sessionActions',
        input: ['farmId', 'queueId', 'jobId', 'sessionId'],
        lacks: [],
      },
      {
        owner: 'Task',
        field: 'sessionActions',
        operation: 'ListSessionActions',
        items: 'sessionActions',
        input: ['farmId', 'queueId', 'jobId', 'taskId'],
        lacks: [],
      },
    ],
    links: [],
    search: [],
  },
} as const satisfies Record<string, EntityDefinition>;

/** Every Deadline operation an entry makes the gateway call: its List, Get, BatchGet, other lists and links. */
export function operationsOf(entry: EntityDefinition): OperationName[] {
  return [
    entry.list.operation,
    entry.get,
    ...(entry.batchGet ? [entry.batchGet.operation] : []),
    ...entry.alsoListed.map(({ operation }) => operation),
    ...entry.links.map(({ operation }) => operation),
    ...entry.search.map(({ operation }) => operation),
  ];
}
