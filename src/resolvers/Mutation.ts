/**
 * The mutations (schema/mutations.graphql; docs/design/mutations.md): each checks its input and the caller's right
 * to change the farm before any call, sends the change with a client token (so retries never apply it twice), then
 * evicts the farm from the shared cache and this request's loaders, and returns the changed objects read again.
 */
import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import { badUserInput, codeOf, ErrorCode } from '../errors/codes.js';
import { type EntityKeys, type EntityType, isValidId, KEY_PARTS } from '../ids/keys.js';
import { commandOf } from '../loaders/entityLoader.js';
import type { OperationName } from '../model/entities.js';
import {
  audit,
  checkMayMutate,
  checkObjectCount,
  clientTokenOf,
  type MutationRequest,
} from '../mutations/mutationAccess.js';
import { MUTATION_FIELDS } from '../mutations/mutationFields.js';

type Input = Record<string, unknown> & { clientToken?: string | null };

/** The job members UpdateJob and BatchUpdateJob take, with their model bounds. */
const JOB_CHANGES: Record<string, { min?: number; max?: number; text?: [number, number] }> = {
  targetTaskRunStatus: {},
  priority: { min: 0, max: 100 },
  maxFailedTasksCount: { min: 0, max: 2_147_483_647 },
  maxRetriesPerTask: { min: 0, max: 2_147_483_647 },
  maxWorkerCount: { min: -1, max: 2_147_483_647 },
  name: { text: [1, 128] },
  description: { text: [0, 2048] },
};

/** The members of `input` named in `allowed`, checked against their bounds (BAD_USER_INPUT before any call). */
function jobChanges(input: Input, where: string): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const [member, bounds] of Object.entries(JOB_CHANGES)) {
    const value = input[member];
    if (value === null || value === undefined) continue;
    if (typeof value === 'number') {
      if (
        (bounds.min !== undefined && value < bounds.min) ||
        (bounds.max !== undefined && value > bounds.max)
      )
        throw badUserInput(
          `\`${where}${member}\` must be from ${bounds.min} to ${bounds.max} (got ${value}).`,
          member,
        );
      if (member === 'maxWorkerCount' && value === 0)
        throw badUserInput(
          `\`${where}maxWorkerCount\` cannot be 0: give -1 for no limit, or 1 or more (to stop the job, suspend it).`,
          member,
        );
    }
    if (typeof value === 'string' && bounds.text) {
      const [min, max] = bounds.text;
      if (value.length < min || value.length > max)
        throw badUserInput(
          `\`${where}${member}\` must be ${min} to ${max} characters long (got ${value.length}).`,
          member,
        );
    }
    changes[member] = value;
  }
  if (Object.keys(changes).length === 0)
    throw badUserInput(
      `\`${where.replace(/\.$/, '') || 'input'}\` changes nothing: give at least one of ${Object.keys(JOB_CHANGES).join(', ')}.`,
      'input',
    );
  return changes;
}

/** The key of `type` named by the input's native IDs, each checked (BAD_USER_INPUT). */
function keyOf<T extends EntityType>(type: T, input: Input, where = ''): EntityKeys[T] {
  const key: Record<string, string> = {};
  for (const part of KEY_PARTS[type]) {
    const value = String(input[part] ?? '');
    if (!isValidId(part, value))
      throw badUserInput(`\`${where}${part}\` is not a valid ${part} (got "${value.slice(0, 80)}").`, part);
    key[part] = value;
  }
  return key as EntityKeys[T];
}

/** checkMayMutate, the refusal audited too. */
function mayMutate(
  request: MutationRequest,
  ctx: GatewayContext,
  farmIds: Iterable<string>,
  logged: { operation: string; ids: object; changes: object },
): void {
  try {
    checkMayMutate(request, ctx.farmAccess, farmIds);
  } catch (error) {
    audit(request, { ...logged, outcome: 'refused', error: codeOf(error) ?? 'unknown' });
    throw error;
  }
}

function requestOf(ctx: GatewayContext): MutationRequest {
  return ctx.mutations;
}

/** One object changed by one call, then read again. */
async function changeOne<T extends EntityType>(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  change: {
    operation: OperationName;
    type: T;
    input: Input;
    changes: (input: Input) => Record<string, unknown>;
  },
): Promise<{ record: Promise<unknown>; clientToken: string }> {
  const request = requestOf(ctx);
  const key = keyOf(change.type, change.input);
  const changes = change.changes(change.input);
  const farmId = (key as { farmId: string }).farmId;
  const logged = { operation: change.operation, ids: key, changes };
  mayMutate(request, ctx, [farmId], logged);
  const clientToken = clientTokenOf(request, change.input.clientToken, info);
  try {
    await ctx.upstream.call({ operation: change.operation }, (client) =>
      client.send(commandOf(change.operation, { ...key, ...changes, clientToken })),
    );
  } catch (error) {
    audit(request, { ...logged, outcome: 'failed', error: codeOf(error) ?? 'unknown' });
    throw error;
  } finally {
    // Even a failed call may have changed the farm (a timeout after Deadline applied it): read it afresh.
    await ctx.upstream.evictFarm(farmId);
    ctx.loaders[change.type].forget(key as never);
  }
  audit(request, { ...logged, outcome: 'applied' });
  const record = ctx.loaders[change.type].loadDetail(key as never);
  // A failed re-read fails the payload's object field only: the change itself was applied.
  record.catch(() => {});
  return { record, clientToken };
}

/** Deadline's per-item error codes as the schema's `MutationError.code`. */
const ITEM_CODES: Record<string, ErrorCode> = {
  ConflictException: ErrorCode.CONFLICT,
  ResourceNotFoundException: ErrorCode.NOT_FOUND,
  ValidationException: ErrorCode.BAD_USER_INPUT,
  AccessDeniedException: ErrorCode.FORBIDDEN,
  ThrottlingException: ErrorCode.UPSTREAM_THROTTLED,
  InternalServerErrorException: ErrorCode.UPSTREAM_UNAVAILABLE,
};

/** Deadline's batch calls take at most 100 items. */
const BATCH_SIZE = 100;

/**
 * Many objects of `type` changed by a batch call per 100 (each call its own token, derived from the mutation's),
 * then read again: one result per item, in order, an item that failed failing alone.
 */
async function changeMany<T extends EntityType>(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  batch: {
    operation: OperationName;
    type: T;
    list: readonly Input[];
    items: string;
    argumentName: string;
    changes: (item: Input, where: string) => Record<string, unknown>;
    clientToken: string | null | undefined;
  },
): Promise<{ results: Array<Record<string, unknown>>; clientToken: string }> {
  const request = requestOf(ctx);
  checkObjectCount(request, batch.list.length, batch.argumentName);
  const parts = KEY_PARTS[batch.type];
  const prepared = batch.list.map((item, index) => {
    const where = `${batch.argumentName}[${index}].`;
    const key = keyOf(batch.type, item, where) as Record<string, string>;
    return { key, body: { ...key, ...batch.changes(item, where) } };
  });
  const farmIds = new Set(prepared.map(({ key }) => key.farmId as string));
  mayMutate(request, ctx, farmIds, {
    operation: batch.operation,
    ids: prepared.map(({ key }) => key),
    changes: prepared.map(({ body }) => body),
  });
  const clientToken = clientTokenOf(request, batch.clientToken, info);
  const pathOf = (key: Record<string, unknown>) => parts.map((part) => key[part]).join('/');
  const failed = new Map<string, { code: string; message: string }>();
  try {
    for (let start = 0; start < prepared.length; start += BATCH_SIZE) {
      const chunk = prepared.slice(start, start + BATCH_SIZE);
      const token =
        start === 0
          ? clientToken
          : createHash('sha256').update(`${clientToken}\n${start}`).digest('base64url');
      let output: { errors?: Array<Record<string, unknown> & { code?: string; message?: string }> };
      try {
        output = (await ctx.upstream.call({ operation: batch.operation }, (client) =>
          client.send(
            commandOf(batch.operation, {
              [batch.items]: chunk.map(({ body }) => body),
              clientToken: token,
            }),
          ),
        )) as typeof output;
      } catch (error) {
        // The whole call failed (throttled, unavailable, its time budget): its items fail, the other calls' stand.
        // A retry with the same client token is safe even if Deadline applied it.
        const code = codeOf(error) ?? ErrorCode.UPSTREAM_UNAVAILABLE;
        const message = error instanceof Error ? error.message : String(error);
        for (const { key } of chunk) failed.set(pathOf(key), { code, message });
        continue;
      }
      for (const error of output.errors ?? []) {
        const code = ITEM_CODES[String(error.code)] ?? ErrorCode.UPSTREAM_UNAVAILABLE;
        failed.set(pathOf(error), {
          code,
          message: `Deadline Cloud: ${String(error.message ?? error.code)}`,
        });
      }
    }
  } finally {
    for (const farmId of farmIds) await ctx.upstream.evictFarm(farmId);
    for (const { key } of prepared) ctx.loaders[batch.type].forget(key as never);
  }
  const results = prepared.map(({ key, body }) => {
    const error = failed.get(pathOf(key));
    audit(request, {
      operation: batch.operation,
      ids: key,
      changes: body,
      outcome: error ? 'failed' : 'applied',
      ...(error ? { error: error.code } : {}),
    });
    if (error) return { [payloadMember(batch.type)]: null, error };
    const record = ctx.loaders[batch.type].loadDetail(key as never);
    record.catch(() => {});
    return { [payloadMember(batch.type)]: record, error: null };
  });
  return { results, clientToken };
}

const payloadMember = (type: EntityType) => `${type[0]?.toLowerCase()}${type.slice(1)}`;

type Args = { input: Input };

export const Mutation = {
  updateJob: async (_: unknown, { input }: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const { record, clientToken } = await changeOne(ctx, info, {
      ...MUTATION_FIELDS.updateJob,
      input,
      changes: (given) => jobChanges(given, ''),
    });
    return { job: record, clientToken };
  },
  archiveJob: async (_: unknown, { input }: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const { record, clientToken } = await changeOne(ctx, info, {
      ...MUTATION_FIELDS.archiveJob,
      input,
      changes: () => ({ lifecycleStatus: 'ARCHIVED' }),
    });
    return { job: record, clientToken };
  },
  updateStep: async (_: unknown, { input }: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const { record, clientToken } = await changeOne(ctx, info, {
      ...MUTATION_FIELDS.updateStep,
      input,
      changes: (given) => ({ targetTaskRunStatus: given.targetTaskRunStatus }),
    });
    return { step: record, clientToken };
  },
  updateTask: async (_: unknown, { input }: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const { record, clientToken } = await changeOne(ctx, info, {
      ...MUTATION_FIELDS.updateTask,
      input,
      changes: (given) => ({ targetRunStatus: given.targetRunStatus }),
    });
    return { task: record, clientToken };
  },
  endSession: async (_: unknown, { input }: Args, ctx: GatewayContext, info: GraphQLResolveInfo) => {
    const { record, clientToken } = await changeOne(ctx, info, {
      ...MUTATION_FIELDS.endSession,
      input,
      changes: () => ({ targetLifecycleStatus: 'ENDED' }),
    });
    return { session: record, clientToken };
  },
  updateJobs: (
    _: unknown,
    { input }: { input: { jobs: Input[]; clientToken?: string | null } },
    ctx: GatewayContext,
    info: GraphQLResolveInfo,
  ) =>
    changeMany(ctx, info, {
      ...MUTATION_FIELDS.updateJobs,
      list: input.jobs,
      argumentName: 'jobs',
      changes: jobChanges,
      clientToken: input.clientToken,
    }),
  updateTasks: (
    _: unknown,
    { input }: { input: { tasks: Input[]; clientToken?: string | null } },
    ctx: GatewayContext,
    info: GraphQLResolveInfo,
  ) =>
    changeMany(ctx, info, {
      ...MUTATION_FIELDS.updateTasks,
      list: input.tasks,
      argumentName: 'tasks',
      changes: (item) => ({ targetRunStatus: item.targetRunStatus }),
      clientToken: input.clientToken,
    }),
};
