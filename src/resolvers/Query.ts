import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { badUserInput } from '../errors/codes.js';
import { parseGlobalId } from '../ids/globalId.js';
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

export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => loadEntity(ctx, parseNodeId(id, 'id')),
  nodes: (_, { ids }, ctx) => {
    checkNodesCount(ids);
    // One entry per ID; a missing object fails its own entry only (malformed IDs were refused by the preflight).
    return ids.map(async (id, index) => loadEntity(ctx, parseNodeId(id, `ids[${index}]`)));
  },
  farms: (_, args, ctx) =>
    resolveConnection(args, bindingOf('Query.farms', ''), ctx.connections, ctx.loaders.farms.pages()),
  // Lookups start the first page of the lists selected under them while their own Get is in flight (prefetch.ts).
  farm: (_, args, ctx, info) => {
    const key = checkIdArguments(args);
    const farm = ctx.loaders.farms.load(key);
    prefetchFirstPages('Farm', key, info, ctx);
    return farm;
  },
  queue: (_, args, ctx, info) => {
    const key = checkIdArguments(args);
    const queue = ctx.loaders.queues.load(key);
    prefetchFirstPages('Queue', key, info, ctx);
    return queue;
  },
  // Skips BatchGetJob when only key fields and `sessions` are selected: ListSessions proves the job (keyOnly.ts).
  job: (_, args, ctx, info) => {
    const key = checkIdArguments(args);
    const job = lookUp('Job', key, info, (jobKey) => ctx.loaders.jobs.load(jobKey));
    prefetchFirstPages('Job', key, info, ctx);
    return job;
  },
  session: (_, args, ctx) => ctx.loaders.sessions.load(checkIdArguments(args)),
  fleet: (_, args, ctx, info) => {
    const key = checkIdArguments(args);
    const fleet = ctx.loaders.fleets.load(key);
    prefetchFirstPages('Fleet', key, info, ctx);
    return fleet;
  },
  worker: (_, args, ctx) => ctx.loaders.workers.load(checkIdArguments(args)),
};
