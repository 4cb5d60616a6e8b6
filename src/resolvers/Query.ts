import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { badUserInput } from '../errors/codes.js';
import { parseGlobalId } from '../ids/globalId.js';
import { resolveConnection } from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { lookUp } from './keyOnly.js';
import { loadEntity } from './Node.js';

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
  farm: (_, args, ctx) => ctx.loaders.farms.load(checkIdArguments(args)),
  queue: (_, args, ctx) => ctx.loaders.queues.load(checkIdArguments(args)),
  // Skips BatchGetJob when only key fields and `sessions` are selected: ListSessions proves the job (keyOnly.ts).
  job: (_, args, ctx, info) =>
    lookUp('Job', checkIdArguments(args), info, (key) => ctx.loaders.jobs.load(key)),
  session: (_, args, ctx) => ctx.loaders.sessions.load(checkIdArguments(args)),
  fleet: (_, args, ctx) => ctx.loaders.fleets.load(checkIdArguments(args)),
  worker: (_, args, ctx) => ctx.loaders.workers.load(checkIdArguments(args)),
};
