import { type GraphQLResolveInfo, getArgumentValues } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { EntityKeys, EntityType } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { Selection } from './keyOnly.js';

/**
 * A root lookup (`farm(farmId:) { displayName queues { … } }`) needs its Get for its own fields, but the lists under
 * it need only the IDs of its arguments. Without help, GraphQL runs the lists after the lookup resolved: the Get
 * and the first List call of each list would be two dependent rounds where Deadline allows one. So the lookup starts
 * the first page of each selected list while its Get is in flight: the same request the connection will make (no
 * `after`: the start of a new chain, `maxResults` = the chain page size), which the loader keeps for the request,
 * so the connection then uses it instead of calling again.
 *
 * The page is held at once and called once the request is idle (`whenIdle`, with the lookup's own batch): a call
 * already in flight would hold that batch back until it ends, and a connection that asks for the page meanwhile
 * joins it. When the looked-up object does not exist, the page fails too: one wasted call, the price of saving a
 * round on every other request (or, with two lists and only key fields, the lookup's proof instead of its Get:
 * keyOnly.ts).
 */
type OpenPages<T extends EntityType> = (ctx: GatewayContext, key: EntityKeys[T]) => FetchPage<unknown>;

/** The lists under each root lookup's object, by field name: what it prefetches, and what proves it (keyOnly.ts). */
export const LISTS_UNDER: { readonly [T in EntityType]?: Readonly<Record<string, OpenPages<T>>> } = {
  Farm: {
    queues: (ctx, key) => ctx.loaders.queues.pagesOf(key),
    fleets: (ctx, key) => ctx.loaders.fleets.pagesOf(key),
  },
  Queue: { jobs: (ctx, key) => ctx.loaders.jobs.pagesOf(key) },
  Job: { sessions: (ctx, key) => ctx.loaders.sessions.pagesOf(key) },
  Fleet: { workers: (ctx, key) => ctx.loaders.workers.pagesOf(key) },
};

/**
 * Starts the first page of every list selected under a root lookup of `type` (see above). Returns the pages it
 * started, which settle as the calls do (keyOnly.ts awaits one to prove the parent).
 */
export function prefetchFirstPages<T extends EntityType>(
  type: T,
  key: EntityKeys[T],
  selection: Selection | undefined,
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
): Promise<unknown>[] {
  const lists = LISTS_UNDER[type] as Readonly<Record<string, OpenPages<T>>> | undefined;
  if (!lists || !selection) return [];
  const { objectType, fields } = selection;
  const started = new Set<string>();
  const pages: Promise<unknown>[] = [];
  for (const nodes of fields.values()) {
    for (const node of nodes) {
      const name = node.name.value;
      const open = lists[name];
      const fieldDef = objectType.getFields()[name];
      if (!open || !fieldDef || started.has(name)) continue;
      let args: { first?: unknown; after?: unknown };
      try {
        args = getArgumentValues(fieldDef, node, info.variableValues);
      } catch {
        continue; // the connection reports its own argument errors
      }
      if ((args.after !== undefined && args.after !== null) || args.first === 0) continue;
      started.add(name);
      const fetchPage = open(ctx, key);
      const page = fetchPage({
        maxResults: ctx.connections.chainPageSize,
        resumedFromCursor: false,
        whenIdle: true,
      });
      // The connection, if it runs, reads the same failed page and reports it.
      page.catch(() => {});
      pages.push(page);
    }
  }
  return pages;
}
