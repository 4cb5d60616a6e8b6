/**
 * The connections the registry declares besides each type's list under its parent: a type listed on another owner
 * (`Session.actions`, `Task.sessionActions`, `Worker.sessions`: `alsoListed`), and links between entities of one
 * type (`Step.dependencies`, `Step.consumers`: `links`). Cursors bind to the field and the owner's key path, like
 * every connection's.
 */
import type { GatewayContext } from '../context.js';
import { type EntityKeys, type EntityType, keyPath } from '../ids/keys.js';
import type { EntityLink } from '../loaders/entityLoader.js';
import { type AlsoListed, ENTITIES, type EntityLinks } from '../model/entities.js';
import {
  type Connection,
  type ConnectionArgs,
  type FetchPage,
  resolveConnection,
} from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';

interface Keyed {
  key: Record<string, string>;
}

/** `ENTITIES[type].alsoListed[index]` on the owner object `owner`. */
export function resolveAlsoListed(
  type: EntityType,
  index: number,
  owner: Keyed,
  args: ConnectionArgs,
  ctx: GatewayContext,
): Promise<Connection<unknown>> {
  const entry = (ENTITIES[type].alsoListed as readonly AlsoListed[])[index] as AlsoListed;
  const ownerType = entry.owner as EntityType;
  return resolveConnection({
    args,
    binding: bindingOf(`${entry.owner}.${entry.field}`, keyPath(ownerType, owner.key as never)),
    settings: ctx.paging,
    fetchPage: ctx.loaders[type].pagesUnder(index, owner.key) as FetchPage<unknown>,
  });
}

/** An edge of a links connection: the link's members (`status`), and the linked entity, looked up when read. */
export type LinkEdge = Record<string, unknown> & { cursor: string; node: () => Promise<unknown> };

/**
 * The resolvers of every links connection type (`StepDependencyConnection`) and its edge: `nodes` and `node` look
 * the linked entities up only when selected.
 */
export function linkTypeResolvers(): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, unknown>> = {};
  for (const type of Object.keys(ENTITIES) as EntityType[]) {
    if (ENTITIES[type].links.length === 0) continue;
    resolvers[`${type}DependencyConnection`] = {
      nodes: (connection: { nodes: () => unknown }) => connection.nodes(),
    };
    resolvers[`${type}DependencyEdge`] = { node: (edge: LinkEdge) => edge.node() };
  }
  return resolvers;
}

/**
 * `ENTITIES[type].links[index]` of the object `from`. Each edge carries the link's members; its node (and each of
 * `nodes`) is the linked entity, looked up only when selected, through the type's loader (one BatchGet for a page,
 * none for entities the request already holds).
 */
export async function resolveLinks(
  type: EntityType,
  index: number,
  from: Keyed,
  args: ConnectionArgs,
  ctx: GatewayContext,
): Promise<{
  edges: LinkEdge[];
  nodes: () => Promise<unknown>[];
  pageInfo: Connection<unknown>['pageInfo'];
}> {
  const entry = (ENTITIES[type].links as readonly EntityLinks[])[index] as EntityLinks;
  const loader = ctx.loaders[type];
  const key = from.key as EntityKeys[typeof type];
  const connection = await resolveConnection<EntityLink<EntityType>>({
    args,
    binding: bindingOf(`${type}.${entry.field}`, keyPath(type, key as never)),
    settings: ctx.paging,
    fetchPage: loader.linksOf(index, key as never) as never,
  });
  const nodeOf = (item: EntityLink<EntityType>) => () => loader.load(item.key as never) as Promise<unknown>;
  return {
    edges: connection.edges.map((edge) => ({
      ...edge.node.link,
      node: nodeOf(edge.node),
      // Edge cursors are computed when read (pagination/connection.ts).
      get cursor() {
        return edge.cursor;
      },
    })),
    nodes: () => connection.nodes.map((item) => nodeOf(item)()),
    pageInfo: connection.pageInfo,
  };
}
