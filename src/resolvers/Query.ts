import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { checkNodesCount, parseGlobalIdArgument } from '../validation/globalIdArguments.js';
import { loadEntity } from './Node.js';

/** `node`/`nodes`; the registry's root lists and lookups come from entityResolvers.ts. */
export const Query: QueryResolvers = {
  node: (_, { id }, ctx) => loadEntity(ctx, parseGlobalIdArgument(id, 'id')),
  nodes: (_, { ids }, ctx) => {
    checkNodesCount(ids);
    // One entry per ID; a missing object fails its own entry only (malformed IDs were refused by the preflight).
    return ids.map(async (id, index) => loadEntity(ctx, parseGlobalIdArgument(id, `ids[${index}]`)));
  },
};
