import type { NodeResolvers } from '../__generated__/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import { entityTypeOf, type TypedKey } from '../ids/keys.js';
import type { AnyRecord } from '../model/records.js';

/** Loads any entity by its typed key through the request's loaders (batched with every other lookup). */
export function loadEntity(ctx: GatewayContext, typed: TypedKey): Promise<AnyRecord> {
  return ctx.loaders[typed.type].load(typed.key as never) as Promise<AnyRecord>;
}

export const Node: NodeResolvers = {
  __resolveType: (record) => entityTypeOf(record.key),
};
