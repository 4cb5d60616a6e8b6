import type { GraphQLResolveInfo } from 'graphql';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors/codes.js';
import { parseGlobalId } from '../ids/globalId.js';
import type { EntityKeys, EntityType } from '../ids/keys.js';
import { resolveConnection } from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { lookUp } from './keyOnly.js';
import { loadEntity } from './Node.js';
import { prefetchFirstPages } from './prefetch.js';

export const MAX_NODES = 100;

/** `nodes(ids:)` takes at most MAX_NODES IDs (checked by the preflight, and here for direct executions). */
export function checkNodesCount(ids: readonly unknown[]): void {
  if (ids.length > MAX_NODES) {
    throw badUserInput(
      `\`ids\` takes at most ${MAX_NODES} IDs (got ${ids.length}). Split the request.`,
      'ids',
    );
  }
}

function parseNodeId(id: string, argumentName: string) {
  const typed = parseGlobalId(id);
  if (!typed) {
    throw badUserInput(
      `\`${argumentName}\` is not an ID issued by this API (got ${JSON.stringify(id.slice(0, 100))}). Use the \`id\` ` +
        'field of an object; native Deadline IDs go to the typed lookups such as `job(farmId:, queueId:, jobId:)`.',
      argumentName,
    );
  }
  return typed;
}

/**
 * A root lookup that starts the first page of the lists selected under it while its own Get is in flight
 * (prefetch.ts). `load` runs first, so its batch is queued before the pages.
 */
function lookUpWithLists<T extends EntityType, R>(
  type: T,
  key: EntityKeys[T],
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  load: (key: EntityKeys[T]) => R,
): R {
  const record = load(key);
  prefetchFirstPages(type, key, info, ctx);
  return record;
}

export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => loadEntity(ctx, parseNodeId(id, 'id')),
  nodes: (_, { ids }, ctx) => {
    checkNodesCount(ids);
    // One entry per ID; a missing object fails its own entry only (malformed IDs were refused by the preflight).
    return ids.map(async (id, index) => loadEntity(ctx, parseNodeId(id, `ids[${index}]`)));
  },
  farms: (_, args, ctx) =>
    resolveConnection(args, bindingOf('Query.farms', ''), ctx.connections, ctx.loaders.farms.pages()),
  // Each of farm, queue, job and fleet skips its Get when only key fields and lists under it are selected: the
  // List call proves the parent (keyOnly.ts).
  farm: (_, args, ctx, info) =>
    lookUpWithLists('Farm', checkIdArguments(args), info, ctx, (key) =>
      lookUp('Farm', key, info, (farmKey) => ctx.loaders.farms.load(farmKey)),
    ),
  queue: (_, args, ctx, info) =>
    lookUpWithLists('Queue', checkIdArguments(args), info, ctx, (key) =>
      lookUp('Queue', key, info, (queueKey) => ctx.loaders.queues.load(queueKey)),
    ),
  job: (_, args, ctx, info) =>
    lookUpWithLists('Job', checkIdArguments(args), info, ctx, (key) =>
      lookUp('Job', key, info, (jobKey) => ctx.loaders.jobs.load(jobKey)),
    ),
  session: (_, args, ctx) => ctx.loaders.sessions.load(checkIdArguments(args)),
  fleet: (_, args, ctx, info) =>
    lookUpWithLists('Fleet', checkIdArguments(args), info, ctx, (key) =>
      lookUp('Fleet', key, info, (fleetKey) => ctx.loaders.fleets.load(fleetKey)),
    ),
  worker: (_, args, ctx) => ctx.loaders.workers.load(checkIdArguments(args)),
};
