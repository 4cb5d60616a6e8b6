import type { GraphQLResolveInfo } from 'graphql';
import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors/codes.js';
import { notAGlobalIdMessage, parseGlobalId } from '../ids/globalId.js';
import type { EntityKeys, EntityType, TypedKey } from '../ids/keys.js';
import { resolveConnection } from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { lookUp, subfieldsOf } from './keyOnly.js';
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

/** The typed key of a `node`/`nodes` ID, or BAD_USER_INPUT naming the argument (checked by the preflight too). */
export function parseNodeId(id: string, argumentName: string): TypedKey {
  const typed = parseGlobalId(id);
  if (!typed) {
    throw badUserInput(notAGlobalIdMessage(`\`${argumentName}\``, id), argumentName);
  }
  return typed;
}

/**
 * A root lookup of `farm`, `queue`, `job` or `fleet`: skips its Get when only key fields and lists under it are
 * selected (a List call proves the parent, keyOnly.ts), and starts the first page of the lists selected under it
 * while its own Get, if any, is in flight (prefetch.ts). The selection is collected once for both; a kept Get is
 * queued before the pages.
 */
function rootLookup<T extends EntityType, R>(
  type: T,
  key: EntityKeys[T],
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  load: (key: EntityKeys[T]) => Promise<R>,
): Promise<R> | R {
  const selection = subfieldsOf(type, info);
  return lookUp(type, key, selection, load, () => prefetchFirstPages(type, key, selection, info, ctx));
}

export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => loadEntity(ctx, parseNodeId(id, 'id')),
  nodes: (_, { ids }, ctx) => {
    checkNodesCount(ids);
    // One entry per ID; a missing object fails its own entry only (malformed IDs were refused by the preflight).
    return ids.map(async (id, index) => loadEntity(ctx, parseNodeId(id, `ids[${index}]`)));
  },
  farms: (_, args, ctx) =>
    resolveConnection({
      args,
      binding: bindingOf('Query.farms', ''),
      settings: ctx.connections,
      fetchPage: ctx.loaders.farms.pages(),
    }),
  farm: (_, args, ctx, info) =>
    rootLookup('Farm', checkIdArguments(args), info, ctx, (key) => ctx.loaders.farms.load(key)),
  queue: (_, args, ctx, info) =>
    rootLookup('Queue', checkIdArguments(args), info, ctx, (key) => ctx.loaders.queues.load(key)),
  job: (_, args, ctx, info) =>
    rootLookup('Job', checkIdArguments(args), info, ctx, (key) => ctx.loaders.jobs.load(key)),
  session: (_, args, ctx) => ctx.loaders.sessions.load(checkIdArguments(args)),
  fleet: (_, args, ctx, info) =>
    rootLookup('Fleet', checkIdArguments(args), info, ctx, (key) => ctx.loaders.fleets.load(key)),
  worker: (_, args, ctx) => ctx.loaders.workers.load(checkIdArguments(args)),
};
