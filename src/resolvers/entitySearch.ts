/**
 * Search connections (`Farm.jobSearch`, `Queue.jobSearch`; docs/design/search.md): the request prepared from the
 * arguments (src/search/searchRequest.ts), and the offset connection over the Search call's pages.
 */
import type { GatewayContext } from '../context.js';
import { type EntityType, keyPath } from '../ids/keys.js';
import { ENTITIES } from '../model/entities.js';
import { type OffsetConnection, resolveOffsetConnection } from '../pagination/offsetConnection.js';
import { prepareSearch, type SearchArgs } from '../search/searchRequest.js';

export type { SearchArgs };

/** `ENTITIES[type].search[index]` on the owner object `owner`. */
export function resolveSearch(
  type: EntityType,
  index: number,
  owner: { key: Record<string, string> },
  args: SearchArgs,
  ctx: GatewayContext,
): Promise<OffsetConnection<unknown>> {
  const { search, binding } = prepareSearch(type, index, owner.key, args);
  return resolveOffsetConnection({
    args,
    binding,
    cursors: ctx.paging.cursors,
    fetchPage: ctx.loaders[type].searchPagesOf(index, search) as never,
    idOf: (record) => keyPath(type, (record as { key: Record<string, string> }).key as never),
  });
}

/**
 * Resolvers of every search connection type (`JobSearchConnection`): `totalCount` costs a call only when needed;
 * `pageCursors` (schema/pageCursors.graphql) mints cursors from the page's own total.
 */
export function searchTypeResolvers(): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, unknown>> = {};
  for (const type of Object.keys(ENTITIES) as EntityType[]) {
    if (ENTITIES[type].search.length === 0) continue;
    resolvers[`${type}SearchConnection`] = {
      totalCount: (connection: OffsetConnection<unknown>) => connection.totalCount(),
      pageCursors: (connection: OffsetConnection<unknown>, { around }: { around: number }) =>
        connection.pageCursors(around),
    };
  }
  return resolvers;
}
