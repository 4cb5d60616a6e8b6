/**
 * Search connections (`Farm.jobSearch`, `Queue.jobSearch`; docs/design/search.md): the request prepared from the
 * arguments (src/search/searchRequest.ts), and the offset connection over the Search call's pages.
 */
import type { GatewayContext } from '../context.js';
import { ErrorCode, hasCode } from '../errors/codes.js';
import { type EntityType, keyPath } from '../ids/keys.js';
import { ENTITIES } from '../model/entities.js';
import {
  type FetchSearchPage,
  type OffsetConnection,
  resolveOffsetConnection,
  windowExceeded,
} from '../pagination/offsetConnection.js';
import { keysetOf, type PreparedSearch, prepareSearch, type SearchArgs } from '../search/searchRequest.js';

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
  const pagesOf = (request: PreparedSearch['search']) =>
    ctx.loaders[type].searchPagesOf(index, request) as FetchSearchPage<Record<string, unknown>>;
  const keyset = keysetOf(type, args);
  return resolveOffsetConnection<Record<string, unknown>>({
    args,
    binding,
    cursors: ctx.paging.cursors,
    fetchPage: pagesOf(search),
    idOf: (record) => keyPath(type, (record as { key: Record<string, string> }).key as never),
    ...(keyset && {
      keyset: {
        keyOf: (record) => instantText(record[keyset.member]),
        fetchFrom: (value) => {
          try {
            return pagesOf(prepareSearch(type, index, owner.key, args, [keyset.from(value)]).search);
          } catch (error) {
            if (hasCode(error, ErrorCode.BAD_USER_INPUT)) throw windowExceeded('filter');
            throw error;
          }
        },
      },
    }),
  }) as Promise<OffsetConnection<unknown>>;
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

/** A timestamp member (a Date, as the SDK reads it) as the ISO text a date-time filter takes; undefined if absent. */
function instantText(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}
