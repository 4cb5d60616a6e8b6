import type { NodeResolvers } from '../__generated__/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import { entityTypeOf, type TypedKey } from '../ids/keys.js';
import type { AnyRecord } from '../upstream/records.js';

/** Loads any entity by its typed key through the request's loaders (batched with every other lookup). */
export function loadEntity(ctx: GatewayContext, typed: TypedKey): Promise<AnyRecord> {
  switch (typed.type) {
    case 'Farm':
      return ctx.loaders.farms.load(typed.key);
    case 'Queue':
      return ctx.loaders.queues.load(typed.key);
    case 'Job':
      return ctx.loaders.jobs.load(typed.key);
    case 'Session':
      return ctx.loaders.sessions.load(typed.key);
    case 'Fleet':
      return ctx.loaders.fleets.load(typed.key);
    case 'Worker':
      return ctx.loaders.workers.load(typed.key);
  }
}

export const Node: NodeResolvers = {
  __resolveType: (record) => entityTypeOf(record.key),
};
