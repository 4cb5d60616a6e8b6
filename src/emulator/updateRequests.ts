/**
 * Inputs of the six Update* operations (UpdateJob, BatchUpdateJob, UpdateStep, UpdateTask, BatchUpdateTask,
 * UpdateSession), read and validated against the model before anything is looked up: ID patterns, integer ranges,
 * enums, lengths, and the batch lists' 1–100 items. Unknown body members are ignored and JSON null reads as absent,
 * as a restJson1 server does.
 */
import type { JobTargetTaskRunStatus } from './dataset.js';
import { cannotParse, type IdField, isJsonObject, RequestFields } from './requestValidation.js';

/** JobTargetTaskRunStatus, StepTargetTaskRunStatus and TaskTargetRunStatus: the same six values in the model. */
export const TARGET_RUN_STATUSES: readonly JobTargetTaskRunStatus[] = [
  'READY',
  'FAILED',
  'SUCCEEDED',
  'CANCELED',
  'SUSPENDED',
  'PENDING',
];
const INT32_MAX = 2 ** 31 - 1;
const MAX_BATCH_ITEMS = 100;

/** The members an UpdateJob (or a BatchUpdateJob item) may change; absent ones are left as they are. */
export interface JobChanges {
  targetTaskRunStatus?: JobTargetTaskRunStatus;
  priority?: number;
  maxFailedTasksCount?: number;
  maxRetriesPerTask?: number;
  lifecycleStatus?: 'ARCHIVED';
  maxWorkerCount?: number;
  name?: string;
  description?: string;
}

export type Ids<F extends IdField> = Record<F, string>;
export const JOB_ID_FIELDS = ['farmId', 'queueId', 'jobId'] as const;
export const TASK_ID_FIELDS = ['farmId', 'queueId', 'jobId', 'stepId', 'taskId'] as const;
export type JobIds = Ids<(typeof JOB_ID_FIELDS)[number]>;
export type TaskIds = Ids<(typeof TASK_ID_FIELDS)[number]>;

function readLabels<F extends IdField>(
  fields: RequestFields,
  labels: Readonly<Record<string, string>>,
  names: readonly F[],
): Ids<F> {
  const ids = {} as Ids<F>;
  for (const name of names) ids[name] = fields.id(name, labels[name] ?? '');
  return ids;
}

function readJobChanges(
  fields: RequestFields,
  body: Readonly<Record<string, unknown>>,
  at: (member: string) => string,
): JobChanges {
  const changes: JobChanges = {};
  const target = fields.memberEnum(
    body,
    'targetTaskRunStatus',
    at('targetTaskRunStatus'),
    TARGET_RUN_STATUSES,
  );
  if (target !== undefined) changes.targetTaskRunStatus = target;
  const priority = fields.memberInteger(body, 'priority', at('priority'), 0, 100);
  if (priority !== undefined) changes.priority = priority;
  for (const name of ['maxFailedTasksCount', 'maxRetriesPerTask'] as const) {
    const value = fields.memberInteger(body, name, at(name), 0, INT32_MAX);
    if (value !== undefined) changes[name] = value;
  }
  const lifecycleStatus = fields.memberEnum(body, 'lifecycleStatus', at('lifecycleStatus'), [
    'ARCHIVED',
  ] as const);
  if (lifecycleStatus !== undefined) changes.lifecycleStatus = lifecycleStatus;
  const maxWorkerCount = fields.memberInteger(body, 'maxWorkerCount', at('maxWorkerCount'), -1, INT32_MAX);
  // The model's range is -1…2^31-1, and its documentation adds: "You can't set the maxWorkerCount to 0."
  if (maxWorkerCount === 0) {
    fields.fail(
      at('maxWorkerCount'),
      `Value '0' at '${at('maxWorkerCount')}' failed to satisfy constraint: Member must not be 0 (use -1 for no limit)`,
    );
  }
  if (maxWorkerCount !== undefined) changes.maxWorkerCount = maxWorkerCount;
  const name = fields.memberString(body, 'name', at('name'), 1, 128);
  if (name !== undefined) changes.name = name;
  const description = fields.memberString(body, 'description', at('description'), 0, 2048, true);
  if (description !== undefined) changes.description = description;
  return changes;
}

/**
 * A batch list (`jobs`, `tasks`): present, a list of 1–100 structures, each with every ID member well formed, no
 * identifier repeated (the model is silent on repeats; rejected as BatchGet* does, UNVERIFIED), and `readRest` for
 * the item's other members. Any failure rejects the whole call, as the model puts these constraints on the request.
 */
function readBatchItems<F extends IdField, T>(
  body: Readonly<Record<string, unknown>> | undefined,
  listName: string,
  idFields: readonly F[],
  fields: RequestFields,
  readRest: (item: Readonly<Record<string, unknown>>, at: (member: string) => string) => T,
): { ids: Ids<F>; rest: T }[] {
  const list = body?.[listName] ?? null;
  if (list === null) fields.missing(listName);
  fields.assertValid();
  if (!Array.isArray(list)) throw cannotParse(listName, 'a list');
  if (list.length < 1 || list.length > MAX_BATCH_ITEMS) {
    fields.fail(
      listName,
      `Value at '${listName}' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_ITEMS}, got ${list.length}`,
    );
  }
  const firstSeenAt = new Map<string, string>();
  const items = list.map((item: unknown, index) => {
    const base = `${listName}.${index + 1}.member`;
    const at = (member: string) => `${base}.${member}`;
    if (item === null) {
      fields.missing(base);
      return undefined;
    }
    if (!isJsonObject(item)) throw cannotParse(base, 'a structure');
    const ids = {} as Ids<F>;
    for (const field of idFields) {
      const value = item[field] ?? null;
      if (value === null) fields.missing(at(field));
      else if (typeof value !== 'string') throw cannotParse(at(field), 'a string');
      else ids[field] = fields.id(field, value, at(field));
    }
    if (idFields.every((field) => ids[field] !== undefined)) {
      const key = idFields.map((field) => ids[field]).join('/');
      const first = firstSeenAt.get(key);
      if (first === undefined) firstSeenAt.set(key, base);
      else {
        fields.fail(
          base,
          `Value at '${base}' failed to satisfy constraint: Member must not repeat the item at '${first}'`,
        );
      }
    }
    return { ids, rest: readRest(item, at) };
  });
  fields.assertValid();
  return items.filter((item) => item !== undefined);
}

export interface UpdateInput<I, T> {
  ids: I;
  change: T;
  clientToken: string | undefined;
}

export function readUpdateJob(
  labels: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): UpdateInput<JobIds, JobChanges> {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const ids = readLabels(fields, labels, JOB_ID_FIELDS);
  const change = readJobChanges(fields, body ?? {}, (member) => member);
  fields.assertValid();
  return { ids, change, clientToken: token };
}

export function readBatchUpdateJob(
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): { items: { ids: JobIds; rest: JobChanges }[]; clientToken: string | undefined } {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const items = readBatchItems(body, 'jobs', JOB_ID_FIELDS, fields, (item, at) =>
    readJobChanges(fields, item, at),
  );
  return { items, clientToken: token };
}

export function readUpdateStep(
  labels: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): UpdateInput<Ids<'farmId' | 'queueId' | 'jobId' | 'stepId'>, JobTargetTaskRunStatus> {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const ids = readLabels(fields, labels, ['farmId', 'queueId', 'jobId', 'stepId'] as const);
  const target = fields.memberEnum(
    body ?? {},
    'targetTaskRunStatus',
    'targetTaskRunStatus',
    TARGET_RUN_STATUSES,
    true,
  );
  fields.assertValid();
  return { ids, change: target ?? 'READY', clientToken: token };
}

export function readUpdateTask(
  labels: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): UpdateInput<TaskIds, JobTargetTaskRunStatus> {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const ids = readLabels(fields, labels, TASK_ID_FIELDS);
  const target = fields.memberEnum(
    body ?? {},
    'targetRunStatus',
    'targetRunStatus',
    TARGET_RUN_STATUSES,
    true,
  );
  fields.assertValid();
  return { ids, change: target ?? 'READY', clientToken: token };
}

export function readBatchUpdateTask(
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): { items: { ids: TaskIds; rest: JobTargetTaskRunStatus }[]; clientToken: string | undefined } {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const items = readBatchItems(
    body,
    'tasks',
    TASK_ID_FIELDS,
    fields,
    (item, at) =>
      fields.memberEnum(item, 'targetRunStatus', at('targetRunStatus'), TARGET_RUN_STATUSES, true) ?? 'READY',
  );
  return { items, clientToken: token };
}

export function readUpdateSession(
  labels: Readonly<Record<string, string>>,
  body: Readonly<Record<string, unknown>> | undefined,
  clientToken: string | undefined,
): UpdateInput<Ids<'farmId' | 'queueId' | 'jobId' | 'sessionId'>, 'ENDED'> {
  const fields = new RequestFields();
  const token = fields.clientToken(clientToken);
  const ids = readLabels(fields, labels, ['farmId', 'queueId', 'jobId', 'sessionId'] as const);
  fields.memberEnum(body ?? {}, 'targetLifecycleStatus', 'targetLifecycleStatus', ['ENDED'] as const, true);
  fields.assertValid();
  return { ids, change: 'ENDED', clientToken: token };
}
