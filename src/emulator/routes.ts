/**
 * The emulated operations: HTTP method and path (exactly the model's `http.requestUri`), input validation, and the
 * response body. Transport concerns (auth, faults, counting, error serialisation) live in server.ts.
 */
import { AwsError, accessDenied, validationError } from './awsErrors.js';
import type { ClientTokens } from './clientTokens.js';
import { FLEET_STATUSES, QUEUE_STATUSES } from './dataset.js';
import { iso } from './isoTime.js';
import type { IssuedCredentials, ReadRoleCredentials } from './readRoles.js';
import { cannotParse, type IdField, isJsonObject, RequestFields } from './requestValidation.js';
import { readSearchRequest, runSearch, SEARCH_OPERATIONS, type SearchOperation } from './search.js';
import type { DeadlineStore, Page, Paginator } from './store.js';
import {
  readBatchUpdateJob,
  readBatchUpdateTask,
  readUpdateJob,
  readUpdateSession,
  readUpdateStep,
  readUpdateTask,
} from './updateRequests.js';
import {
  readGetRequest,
  readStartRequest,
  type SessionsStatisticsAggregations,
  statisticsPage,
} from './usage.js';
import {
  batchJobItem,
  batchSessionActionItem,
  batchSessionItem,
  batchStepItem,
  batchTaskItem,
  batchWorkerItem,
  farmSummary,
  fleetSummary,
  jobSummary,
  queueSummary,
  sessionActionSummary,
  sessionSummary,
  stepLink,
  stepSummary,
  taskSummary,
  workerSessionSummary,
  workerSummary,
} from './wireShapes.js';
import { isPerItemError, type WorkUpdates } from './workUpdates.js';

export const API_VERSION = '2023-10-12';
const ACCOUNT_ID = '123456789012';
const REGION = 'us-west-2';
/**
 * The caller the emulator acts for: requests are SigV4-signed but not verified, so every change is made by this one
 * IAM user (`updatedBy` of what the Update* operations change; the principal the AccessDeniedException names).
 */
export const EMULATOR_CALLER = `arn:aws:iam::${ACCOUNT_ID}:user/emulator`;

export interface OperationRequest {
  /** Path labels, percent-decoded. */
  labels: Readonly<Record<string, string>>;
  /** Query string, percent-decoded. */
  query: URLSearchParams;
  /** Parsed JSON body (POST and PATCH; server.ts lets only a JSON object through), undefined for GET or none. */
  body: Readonly<Record<string, unknown>> | undefined;
  /** The `X-Amz-Client-Token` header, when sent. */
  clientToken?: string;
}

export interface OperationContext {
  store: DeadlineStore;
  paginator: Paginator;
  deniedFarmIds: ReadonlySet<string>;
  /** Usage statistics aggregations (usage.ts). */
  usage: SessionsStatisticsAggregations;
  /** The Update* operations' changes to the dataset (workUpdates.ts). */
  updates: WorkUpdates;
  /** The Update* operations' idempotency tokens (clientTokens.ts). */
  clientTokens: ClientTokens;
  /** Credentials issued by AssumeQueueRoleForRead / AssumeFleetRoleForRead (readRoles.ts). */
  readRoles: ReadRoleCredentials;
}

function credentialsAnswer(credentials: IssuedCredentials): Record<string, unknown> {
  return {
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
      expiration: iso(credentials.expiresAt),
    },
  };
}

export interface Operation {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  /** Path template, e.g. `/2023-10-12/farms/{farmId}/queues`. */
  path: string;
  handle(request: OperationRequest, context: OperationContext): unknown;
}

function label(request: OperationRequest, name: IdField): string {
  return request.labels[name] ?? '';
}

function withToken<T>(key: string, page: Page<T>, map: (item: T) => unknown): Record<string, unknown> {
  return page.nextToken === undefined
    ? { [key]: page.items.map(map) }
    : { [key]: page.items.map(map), nextToken: page.nextToken };
}

function farmDenied(operation: string, farmId: string): AwsError {
  return accessDenied(
    `User: ${EMULATOR_CALLER} is not authorized to perform: deadline:${operation} on resource: arn:aws:deadline:${REGION}:${ACCOUNT_ID}:farm/${farmId}`,
  );
}

function assertFarmAllowed(context: OperationContext, operation: string, farmId: string): void {
  if (context.deniedFarmIds.has(farmId)) throw farmDenied(operation, farmId);
}

/**
 * Validates path labels and the paging parameters shared by every List* operation (`maxResults` 1–100, or 1–`max`
 * where the operation's model gives it another bound).
 */
function listInput(request: OperationRequest, idFields: IdField[], max = 100) {
  const fields = new RequestFields();
  const ids = Object.fromEntries(idFields.map((field) => [field, fields.id(field, label(request, field))]));
  const maxResults = fields.maxResults(request.query, max);
  const nextToken = fields.nextToken(request.query);
  return { fields, ids, maxResults, nextToken };
}

function getInput(request: OperationRequest, idFields: IdField[]): Record<string, string> {
  const fields = new RequestFields();
  const ids = Object.fromEntries(idFields.map((field) => [field, fields.id(field, label(request, field))]));
  fields.assertValid();
  return ids;
}

// ---------------------------------------------------------------------------------------------------- BatchGet*

const MAX_BATCH_IDENTIFIERS = 100;

/**
 * Reads and validates `{ identifiers: [ { <idFields>: string } ] }` as the model's framework would, before any
 * lookup: the list must have 1–100 items, every item every member, every member its ID pattern. Any failure
 * rejects the whole call with a 400: the identifier members carry their patterns in the model, and the answer's
 * per-item `errors[]` echo the IDs in those same pattern-constrained shapes, so a malformed ID can never be a
 * per-item error. Repeated identifiers are rejected too: the model says nothing about them (UNVERIFIED against
 * AWS), and the strict reading keeps a client that would send one from passing here and surprising there.
 */
function batchIdentifiers(
  body: Readonly<Record<string, unknown>> | undefined,
  idFields: readonly IdField[],
): Record<IdField, string>[] {
  const identifiers = body?.identifiers ?? null;
  const fields = new RequestFields();
  if (identifiers === null) fields.missing('identifiers');
  fields.assertValid();
  if (!Array.isArray(identifiers)) throw cannotParse('identifiers', 'a list');
  if (identifiers.length < 1 || identifiers.length > MAX_BATCH_IDENTIFIERS) {
    fields.fail(
      'identifiers',
      `Value at 'identifiers' failed to satisfy constraint: Member must have length between 1 and ${MAX_BATCH_IDENTIFIERS}, got ${identifiers.length}`,
    );
  }
  const firstSeenAt = new Map<string, string>();
  const parsed = identifiers.map((item: unknown, index) => {
    // Coral-style paths, 1-based: 'identifiers.1.member.jobId'.
    const at = `identifiers.${index + 1}.member`;
    const ids = {} as Record<IdField, string>;
    if (item === null) {
      fields.missing(at);
      return ids;
    }
    if (!isJsonObject(item)) throw cannotParse(at, 'a structure');
    for (const field of idFields) {
      const value = item[field] ?? null;
      const path = `${at}.${field}`;
      if (value === null) fields.missing(path);
      else if (typeof value !== 'string') throw cannotParse(path, 'a string');
      else ids[field] = fields.id(field, value, path);
    }
    if (idFields.every((field) => ids[field] !== undefined)) {
      const key = idFields.map((field) => ids[field]).join('/');
      const first = firstSeenAt.get(key);
      if (first === undefined) firstSeenAt.set(key, at);
      else {
        fields.fail(
          at,
          `Value at '${at}' failed to satisfy constraint: Member must not repeat the identifier at '${first}'`,
        );
      }
    }
    return ids;
  });
  fields.assertValid();
  return parsed;
}

type BatchErrorCode = 'ResourceNotFoundException' | 'AccessDeniedException';

interface BatchOutcome<T> {
  items: T[];
  errors: Record<string, string>[];
}

/**
 * Resolves each identifier, in request order. Farms in `deniedFarmIds` give a per-item AccessDeniedException when
 * `perItemAccessDenied` (BatchGetJob, BatchGetStep, BatchGetTask, whose error code enums have it) and otherwise
 * fail the whole call with 403 (the BatchGetSession, BatchGetWorker, BatchGetSessionAction enums lack that code).
 */
function resolveBatch<T>(
  operation: string,
  context: OperationContext,
  body: Readonly<Record<string, unknown>> | undefined,
  idFields: readonly IdField[],
  perItemAccessDenied: boolean,
  lookup: (ids: Record<IdField, string>) => T,
): BatchOutcome<T> {
  const identifiers = batchIdentifiers(body, idFields);
  if (!perItemAccessDenied) {
    const denied = identifiers.find((ids) => context.deniedFarmIds.has(ids.farmId));
    if (denied) throw farmDenied(operation, denied.farmId);
  }
  const outcome: BatchOutcome<T> = { items: [], errors: [] };
  const fail = (ids: Record<IdField, string>, code: BatchErrorCode, message: string) => {
    const error: Record<string, string> = {};
    for (const field of idFields) error[field] = ids[field];
    outcome.errors.push({ ...error, code, message });
  };
  for (const ids of identifiers) {
    if (context.deniedFarmIds.has(ids.farmId)) {
      fail(ids, 'AccessDeniedException', farmDenied(operation, ids.farmId).message);
    } else {
      try {
        outcome.items.push(lookup(ids));
      } catch (error) {
        if (!(error instanceof AwsError) || error.errorName !== 'ResourceNotFoundException') throw error;
        fail(ids, 'ResourceNotFoundException', error.message);
      }
    }
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------------- table

const V = `/${API_VERSION}`;

// ---------------------------------------------------------------------------------------------------- Update*

/**
 * One item of a BatchUpdate* call: a denied farm, an unknown resource or a conflict is that item's error (codes of
 * the model's BatchUpdate*ErrorCode); the other items are applied. Undefined when the item was applied.
 */
function batchItemFailure(
  operation: string,
  context: OperationContext,
  ids: Readonly<Record<string, string>> & { farmId: string },
  apply: () => void,
): Record<string, string> | undefined {
  if (context.deniedFarmIds.has(ids.farmId)) {
    return { ...ids, code: 'AccessDeniedException', message: farmDenied(operation, ids.farmId).message };
  }
  try {
    apply();
    return undefined;
  } catch (error) {
    if (!isPerItemError(error)) throw error;
    return { ...ids, code: error.errorName, message: error.message };
  }
}

/**
 * The Update* operations: validate (updateRequests.ts), then apply once per client token (clientTokens.ts); the
 * rules are workUpdates.ts's. Each answers the model's empty structure, the batches `{ errors }`.
 */
const UPDATE_OPERATIONS: readonly Operation[] = [
  {
    name: 'UpdateJob',
    method: 'PATCH',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}`,
    handle(request, context) {
      const { ids, change, clientToken } = readUpdateJob(request.labels, request.body, request.clientToken);
      assertFarmAllowed(context, 'UpdateJob', ids.farmId);
      return context.clientTokens.once('UpdateJob', clientToken, { ids, change }, true, () => {
        context.updates.updateJob(ids, change);
        return {};
      });
    },
  },
  {
    name: 'BatchUpdateJob',
    method: 'PATCH',
    path: `${V}/batch-update-job`,
    handle(request, context) {
      const { items, clientToken } = readBatchUpdateJob(request.body, request.clientToken);
      return context.clientTokens.once('BatchUpdateJob', clientToken, items, false, () => ({
        errors: items.flatMap(({ ids, rest }) => {
          const failure = batchItemFailure('BatchUpdateJob', context, ids, () =>
            context.updates.updateJob(ids, rest),
          );
          return failure ? [failure] : [];
        }),
      }));
    },
  },
  {
    name: 'UpdateStep',
    method: 'PATCH',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}`,
    handle(request, context) {
      const { ids, change, clientToken } = readUpdateStep(request.labels, request.body, request.clientToken);
      assertFarmAllowed(context, 'UpdateStep', ids.farmId);
      return context.clientTokens.once('UpdateStep', clientToken, { ids, change }, true, () => {
        context.updates.updateStep(ids, change);
        return {};
      });
    },
  },
  {
    name: 'UpdateTask',
    method: 'PATCH',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}/tasks/{taskId}`,
    handle(request, context) {
      const { ids, change, clientToken } = readUpdateTask(request.labels, request.body, request.clientToken);
      assertFarmAllowed(context, 'UpdateTask', ids.farmId);
      return context.clientTokens.once('UpdateTask', clientToken, { ids, change }, true, () => {
        context.updates.updateTask(ids, change);
        return {};
      });
    },
  },
  {
    name: 'BatchUpdateTask',
    method: 'PATCH',
    path: `${V}/batch-update-task`,
    handle(request, context) {
      const { items, clientToken } = readBatchUpdateTask(request.body, request.clientToken);
      return context.clientTokens.once('BatchUpdateTask', clientToken, items, false, () => ({
        errors: items.flatMap(({ ids, rest }) => {
          const failure = batchItemFailure('BatchUpdateTask', context, ids, () =>
            context.updates.updateTask(ids, rest),
          );
          return failure ? [failure] : [];
        }),
      }));
    },
  },
  {
    name: 'UpdateSession',
    method: 'PATCH',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/sessions/{sessionId}`,
    handle(request, context) {
      const { ids, change, clientToken } = readUpdateSession(
        request.labels,
        request.body,
        request.clientToken,
      );
      assertFarmAllowed(context, 'UpdateSession', ids.farmId);
      return context.clientTokens.once('UpdateSession', clientToken, { ids, change }, true, () => {
        context.updates.updateSession(ids);
        return {};
      });
    },
  },
];

/**
 * A Search* operation (POST …/farms/{farmId}/search/jobs|steps|tasks|workers): validation, filters, sort and paging
 * are search.ts's, one piece of code for the four (its field tables mark what is UNVERIFIED).
 */
function searchOperation(search: SearchOperation): Operation {
  return {
    name: search.name,
    method: 'POST',
    path: `${V}/farms/{farmId}/search/${search.resultsMember}`,
    handle(request, context) {
      const input = readSearchRequest(search, label(request, 'farmId'), request.body);
      assertFarmAllowed(context, search.name, input.farmId);
      return runSearch(search, context.store, input);
    },
  };
}

export const OPERATIONS: readonly Operation[] = [
  {
    name: 'ListFarms',
    method: 'GET',
    path: `${V}/farms`,
    // Lists denied farms too: ListFarms is authorised per account, not per farm.
    handle(request, context) {
      const { fields, maxResults, nextToken } = listInput(request, []);
      const principalId = fields.principalId(request.query);
      fields.assertValid();
      const farms = context.store.listFarms({ principalId });
      const page = context.paginator.page(farms, {
        operation: 'ListFarms',
        args: { principalId: principalId ?? null, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('farms', page, farmSummary);
    },
  },
  {
    name: 'GetFarm',
    method: 'GET',
    path: `${V}/farms/{farmId}`,
    handle(request, context) {
      const { farmId = '' } = getInput(request, ['farmId']);
      assertFarmAllowed(context, 'GetFarm', farmId);
      return context.store.farm(farmId);
    },
  },
  {
    name: 'ListQueues',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId']);
      const principalId = fields.principalId(request.query);
      const status = fields.enumValue(request.query, 'status', QUEUE_STATUSES);
      fields.assertValid();
      const farmId = ids.farmId ?? '';
      assertFarmAllowed(context, 'ListQueues', farmId);
      const queues = context.store.listQueues(farmId, { principalId, status });
      const page = context.paginator.page(queues, {
        operation: 'ListQueues',
        args: {
          farmId,
          principalId: principalId ?? null,
          status: status ?? null,
          maxResults: maxResults ?? null,
        },
        maxResults,
        nextToken,
      });
      return withToken('queues', page, queueSummary);
    },
  },
  {
    name: 'GetQueue',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}`,
    handle(request, context) {
      const { farmId = '', queueId = '' } = getInput(request, ['farmId', 'queueId']);
      assertFarmAllowed(context, 'GetQueue', farmId);
      return context.store.queue(farmId, queueId);
    },
  },
  {
    name: 'AssumeQueueRoleForRead',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/read-roles`,
    handle(request, context) {
      const { farmId = '', queueId = '' } = getInput(request, ['farmId', 'queueId']);
      assertFarmAllowed(context, 'AssumeQueueRoleForRead', farmId);
      const queue = context.store.queue(farmId, queueId);
      // UNVERIFIED: every seeded queue has a role; what Deadline answers for a queue without one is not documented
      // (the model lists no dedicated error), so the emulator answers a ValidationException.
      if (queue.roleArn === undefined) {
        throw validationError('OTHER', `Queue ${queueId} has no role to assume.`);
      }
      return credentialsAnswer(context.readRoles.issue(farmId, `queue/${queueId}`, queue.roleArn));
    },
  },
  {
    name: 'ListJobs',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'queueId']);
      const principalId = fields.principalId(request.query);
      fields.assertValid();
      const { farmId = '', queueId = '' } = ids;
      assertFarmAllowed(context, 'ListJobs', farmId);
      const jobs = context.store.listJobs(farmId, queueId, { principalId });
      const page = context.paginator.page(jobs, {
        operation: 'ListJobs',
        args: { farmId, queueId, principalId: principalId ?? null, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('jobs', page, jobSummary);
    },
  },
  {
    name: 'GetJob',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}`,
    handle(request, context) {
      const { farmId = '', queueId = '', jobId = '' } = getInput(request, ['farmId', 'queueId', 'jobId']);
      assertFarmAllowed(context, 'GetJob', farmId);
      return context.store.job(farmId, queueId, jobId);
    },
  },
  {
    name: 'ListSessions',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/sessions`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'queueId', 'jobId']);
      fields.assertValid();
      const { farmId = '', queueId = '', jobId = '' } = ids;
      assertFarmAllowed(context, 'ListSessions', farmId);
      const sessions = context.store.listSessions(farmId, queueId, jobId);
      const page = context.paginator.page(sessions, {
        operation: 'ListSessions',
        args: { farmId, queueId, jobId, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('sessions', page, sessionSummary);
    },
  },
  {
    name: 'GetSession',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/sessions/{sessionId}`,
    handle(request, context) {
      const ids = getInput(request, ['farmId', 'queueId', 'jobId', 'sessionId']);
      const { farmId = '', queueId = '', jobId = '', sessionId = '' } = ids;
      assertFarmAllowed(context, 'GetSession', farmId);
      return context.store.session(farmId, queueId, jobId, sessionId);
    },
  },
  {
    name: 'ListFleets',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId']);
      const principalId = fields.principalId(request.query);
      const displayName = fields.text(request.query, 'displayName', 1, 100);
      const status = fields.enumValue(request.query, 'status', FLEET_STATUSES);
      fields.assertValid();
      const farmId = ids.farmId ?? '';
      assertFarmAllowed(context, 'ListFleets', farmId);
      const fleets = context.store.listFleets(farmId, { principalId, displayName, status });
      const page = context.paginator.page(fleets, {
        operation: 'ListFleets',
        args: {
          farmId,
          principalId: principalId ?? null,
          displayName: displayName ?? null,
          status: status ?? null,
          maxResults: maxResults ?? null,
        },
        maxResults,
        nextToken,
      });
      return withToken('fleets', page, fleetSummary);
    },
  },
  {
    name: 'GetFleet',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets/{fleetId}`,
    handle(request, context) {
      const { farmId = '', fleetId = '' } = getInput(request, ['farmId', 'fleetId']);
      assertFarmAllowed(context, 'GetFleet', farmId);
      return context.store.fleet(farmId, fleetId);
    },
  },
  {
    name: 'AssumeFleetRoleForRead',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets/{fleetId}/read-roles`,
    handle(request, context) {
      const { farmId = '', fleetId = '' } = getInput(request, ['farmId', 'fleetId']);
      assertFarmAllowed(context, 'AssumeFleetRoleForRead', farmId);
      const fleet = context.store.fleet(farmId, fleetId);
      return credentialsAnswer(context.readRoles.issue(farmId, `fleet/${fleetId}`, fleet.roleArn));
    },
  },
  {
    name: 'ListWorkers',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets/{fleetId}/workers`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'fleetId']);
      fields.assertValid();
      const { farmId = '', fleetId = '' } = ids;
      assertFarmAllowed(context, 'ListWorkers', farmId);
      const workers = context.store.listWorkers(farmId, fleetId);
      const page = context.paginator.page(workers, {
        operation: 'ListWorkers',
        args: { farmId, fleetId, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('workers', page, workerSummary);
    },
  },
  {
    name: 'GetWorker',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets/{fleetId}/workers/{workerId}`,
    handle(request, context) {
      const {
        farmId = '',
        fleetId = '',
        workerId = '',
      } = getInput(request, ['farmId', 'fleetId', 'workerId']);
      assertFarmAllowed(context, 'GetWorker', farmId);
      return context.store.worker(farmId, fleetId, workerId);
    },
  },
  {
    name: 'ListSessionsForWorker',
    method: 'GET',
    path: `${V}/farms/{farmId}/fleets/{fleetId}/workers/{workerId}/sessions`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'fleetId', 'workerId']);
      fields.assertValid();
      const { farmId = '', fleetId = '', workerId = '' } = ids;
      assertFarmAllowed(context, 'ListSessionsForWorker', farmId);
      const sessions = context.store.listSessionsForWorker(farmId, fleetId, workerId);
      const page = context.paginator.page(sessions, {
        operation: 'ListSessionsForWorker',
        args: { farmId, fleetId, workerId, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('sessions', page, workerSessionSummary);
    },
  },
  {
    name: 'ListSteps',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'queueId', 'jobId']);
      fields.assertValid();
      const { farmId = '', queueId = '', jobId = '' } = ids;
      assertFarmAllowed(context, 'ListSteps', farmId);
      const steps = context.store.listSteps(farmId, queueId, jobId);
      const page = context.paginator.page(steps, {
        operation: 'ListSteps',
        args: { farmId, queueId, jobId, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('steps', page, stepSummary);
    },
  },
  {
    name: 'GetStep',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}`,
    handle(request, context) {
      const ids = getInput(request, ['farmId', 'queueId', 'jobId', 'stepId']);
      const { farmId = '', queueId = '', jobId = '', stepId = '' } = ids;
      assertFarmAllowed(context, 'GetStep', farmId);
      return context.store.step(farmId, queueId, jobId, stepId);
    },
  },
  ...(['ListStepDependencies', 'ListStepConsumers'] as const).map(
    (name): Operation => ({
      name,
      method: 'GET',
      path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}/${name === 'ListStepDependencies' ? 'dependencies' : 'consumers'}`,
      handle(request, context) {
        // These two take up to 1000 items a page (the model's ListStep…RequestMaxResultsInteger).
        const { fields, ids, maxResults, nextToken } = listInput(
          request,
          ['farmId', 'queueId', 'jobId', 'stepId'],
          1000,
        );
        fields.assertValid();
        const { farmId = '', queueId = '', jobId = '', stepId = '' } = ids;
        assertFarmAllowed(context, name, farmId);
        const links =
          name === 'ListStepDependencies'
            ? context.store.listStepDependencies(farmId, queueId, jobId, stepId)
            : context.store.listStepConsumers(farmId, queueId, jobId, stepId);
        const page = context.paginator.page(links, {
          operation: name,
          args: { farmId, queueId, jobId, stepId, maxResults: maxResults ?? null },
          maxResults,
          nextToken,
        });
        return withToken(name === 'ListStepDependencies' ? 'dependencies' : 'consumers', page, stepLink);
      },
    }),
  ),
  {
    name: 'ListTasks',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}/tasks`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, [
        'farmId',
        'queueId',
        'jobId',
        'stepId',
      ]);
      fields.assertValid();
      const { farmId = '', queueId = '', jobId = '', stepId = '' } = ids;
      assertFarmAllowed(context, 'ListTasks', farmId);
      const tasks = context.store.listTasks(farmId, queueId, jobId, stepId);
      const page = context.paginator.page(tasks, {
        operation: 'ListTasks',
        args: { farmId, queueId, jobId, stepId, maxResults: maxResults ?? null },
        maxResults,
        nextToken,
      });
      return withToken('tasks', page, taskSummary);
    },
  },
  {
    name: 'GetTask',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/steps/{stepId}/tasks/{taskId}`,
    handle(request, context) {
      const ids = getInput(request, ['farmId', 'queueId', 'jobId', 'stepId', 'taskId']);
      const { farmId = '', queueId = '', jobId = '', stepId = '', taskId = '' } = ids;
      assertFarmAllowed(context, 'GetTask', farmId);
      return context.store.task(farmId, queueId, jobId, stepId, taskId);
    },
  },
  {
    name: 'ListSessionActions',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/session-actions`,
    handle(request, context) {
      const { fields, ids, maxResults, nextToken } = listInput(request, ['farmId', 'queueId', 'jobId']);
      const sessionId = fields.queryId(request.query, 'sessionId');
      const taskId = fields.queryId(request.query, 'taskId');
      fields.assertValid();
      const { farmId = '', queueId = '', jobId = '' } = ids;
      assertFarmAllowed(context, 'ListSessionActions', farmId);
      const actions = context.store.listSessionActions(farmId, queueId, jobId, { sessionId, taskId });
      const page = context.paginator.page(actions, {
        operation: 'ListSessionActions',
        args: {
          farmId,
          queueId,
          jobId,
          sessionId: sessionId ?? null,
          taskId: taskId ?? null,
          maxResults: maxResults ?? null,
        },
        maxResults,
        nextToken,
      });
      return withToken('sessionActions', page, sessionActionSummary);
    },
  },
  {
    name: 'GetSessionAction',
    method: 'GET',
    path: `${V}/farms/{farmId}/queues/{queueId}/jobs/{jobId}/session-actions/{sessionActionId}`,
    handle(request, context) {
      const ids = getInput(request, ['farmId', 'queueId', 'jobId', 'sessionActionId']);
      const { farmId = '', queueId = '', jobId = '', sessionActionId = '' } = ids;
      assertFarmAllowed(context, 'GetSessionAction', farmId);
      return context.store.sessionAction(farmId, queueId, jobId, sessionActionId);
    },
  },
  // SearchJobs, SearchSteps, SearchTasks, SearchWorkers: see searchOperation below.
  ...SEARCH_OPERATIONS.map(searchOperation),
  {
    name: 'StartSessionsStatisticsAggregation',
    method: 'POST',
    path: `${V}/farms/{farmId}/sessions-statistics-aggregation`,
    // Validation, the one-per-farm rule and the statistics: usage.ts.
    handle(request, context) {
      const input = readStartRequest(label(request, 'farmId'), request.body);
      assertFarmAllowed(context, 'StartSessionsStatisticsAggregation', input.farmId);
      return { aggregationId: context.usage.start(input) };
    },
  },
  {
    name: 'GetSessionsStatisticsAggregation',
    method: 'GET',
    path: `${V}/farms/{farmId}/sessions-statistics-aggregation`,
    handle(request, context) {
      const input = readGetRequest(label(request, 'farmId'), request.query);
      assertFarmAllowed(context, 'GetSessionsStatisticsAggregation', input.farmId);
      return statisticsPage(context.usage, context.paginator, input);
    },
  },
  {
    name: 'BatchGetJob',
    method: 'POST',
    path: `${V}/batch-get-job`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetJob',
        context,
        request.body,
        ['farmId', 'queueId', 'jobId'],
        true,
        (ids) => batchJobItem(ids.farmId, ids.queueId, context.store.job(ids.farmId, ids.queueId, ids.jobId)),
      );
      return { jobs: items, errors };
    },
  },
  {
    name: 'BatchGetSession',
    method: 'POST',
    path: `${V}/batch-get-session`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetSession',
        context,
        request.body,
        ['farmId', 'queueId', 'jobId', 'sessionId'],
        false,
        (ids) =>
          batchSessionItem(
            ids.farmId,
            ids.queueId,
            ids.jobId,
            context.store.session(ids.farmId, ids.queueId, ids.jobId, ids.sessionId),
          ),
      );
      return { sessions: items, errors };
    },
  },
  {
    name: 'BatchGetWorker',
    method: 'POST',
    path: `${V}/batch-get-worker`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetWorker',
        context,
        request.body,
        ['farmId', 'fleetId', 'workerId'],
        false,
        (ids) => batchWorkerItem(context.store.worker(ids.farmId, ids.fleetId, ids.workerId)),
      );
      return { workers: items, errors };
    },
  },
  {
    name: 'BatchGetStep',
    method: 'POST',
    path: `${V}/batch-get-step`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetStep',
        context,
        request.body,
        ['farmId', 'queueId', 'jobId', 'stepId'],
        true,
        (ids) =>
          batchStepItem(
            ids.farmId,
            ids.queueId,
            ids.jobId,
            context.store.step(ids.farmId, ids.queueId, ids.jobId, ids.stepId),
          ),
      );
      return { steps: items, errors };
    },
  },
  {
    name: 'BatchGetTask',
    method: 'POST',
    path: `${V}/batch-get-task`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetTask',
        context,
        request.body,
        ['farmId', 'queueId', 'jobId', 'stepId', 'taskId'],
        true,
        (ids) =>
          batchTaskItem(
            ids.farmId,
            ids.queueId,
            ids.jobId,
            ids.stepId,
            context.store.task(ids.farmId, ids.queueId, ids.jobId, ids.stepId, ids.taskId),
          ),
      );
      return { tasks: items, errors };
    },
  },
  {
    name: 'BatchGetSessionAction',
    method: 'POST',
    path: `${V}/batch-get-session-action`,
    handle(request, context) {
      const { items, errors } = resolveBatch(
        'BatchGetSessionAction',
        context,
        request.body,
        ['farmId', 'queueId', 'jobId', 'sessionActionId'],
        false,
        (ids) =>
          batchSessionActionItem(
            ids.farmId,
            ids.queueId,
            ids.jobId,
            context.store.sessionAction(ids.farmId, ids.queueId, ids.jobId, ids.sessionActionId),
          ),
      );
      return { sessionActions: items, errors };
    },
  },
  ...UPDATE_OPERATIONS,
];

const COMPILED = OPERATIONS.map((operation) => ({ operation, segments: operation.path.slice(1).split('/') }));

export type RouteMatch =
  | { kind: 'operation'; operation: Operation; labels: Record<string, string> }
  | { kind: 'wrongMethod'; allowed: string[] }
  | { kind: 'unknownPath' };

/**
 * Finds the operation for a method and the raw (still percent-encoded) path segments. Trailing slashes are not
 * normalised: `…/jobs/` is GetJob with an empty jobId (a ValidationException), as the SDK would send it.
 */
export function matchRoute(method: string, rawSegments: readonly string[]): RouteMatch {
  const allowed: string[] = [];
  for (const { operation, segments } of COMPILED) {
    if (segments.length !== rawSegments.length) continue;
    const labels: Record<string, string> = {};
    const matches = segments.every((segment, index) => {
      const raw = rawSegments[index] ?? '';
      if (segment.startsWith('{')) {
        labels[segment.slice(1, -1)] = raw;
        return true;
      }
      return segment === raw;
    });
    if (!matches) continue;
    if (operation.method === method) return { kind: 'operation', operation, labels };
    allowed.push(operation.method);
  }
  return allowed.length > 0 ? { kind: 'wrongMethod', allowed } : { kind: 'unknownPath' };
}
