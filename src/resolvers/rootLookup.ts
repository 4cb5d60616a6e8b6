/**
 * Root lookups by native IDs (`job(farmId:, queueId:, jobId:)`) and the connections under an entity, which share one
 * saving: a List call under a parent proves the parent exists (Deadline answers ResourceNotFoundException under a
 * missing one). So a lookup whose selection holds only key fields and lists waits for a page of a list instead of
 * its Get, and a lookup starts the first page of every list selected under it while its own Get is in flight.
 * docs/design/lookups.md gives the rules and the trade-offs.
 */
import {
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getArgumentValues,
  getNamedType,
  isObjectType,
} from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import type { GatewayContext } from '../context.js';
import { ErrorCode, hasCode, notFound } from '../errors/codes.js';
import {
  ENTITY_TYPES,
  type EntityKeys,
  type EntityType,
  KEY_PARTS,
  keyPath,
  type ParentKey,
  parentTypeOf,
} from '../ids/keys.js';
import { ENTITIES } from '../model/entities.js';
import { LISTS_UNDER } from '../model/fieldRoles.js';
import {
  type Connection,
  type ConnectionArgs,
  type PageRequest,
  parseConnectionArgs,
  resolveConnection,
} from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';

/** Fields served from the key alone (besides `__typename`): `id` and the key parts. */
const KEY_FIELDS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [type, new Set<string>(['id', ...KEY_PARTS[type]])]),
) as unknown as Readonly<Record<EntityType, ReadonlySet<string>>>;

/** The fields selected on a lookup's object, with the object type. */
export interface Selection {
  objectType: GraphQLObjectType;
  fields: Map<string, ReadonlyArray<FieldNode>>;
}

/**
 * Resolves a root lookup of `type`. When its selection holds only key fields and lists that prove it, `{ key }` once
 * the first page a list makes came back (NOT_FOUND, the lookup's own error, when Deadline says the parent is
 * missing; the loaded record when the page failed otherwise, so the failure stays the list's, at its own path);
 * otherwise the loaded record. Either way, the first pages of the lists selected under it start now.
 */
export function resolveRootLookup<T extends EntityType>(
  type: T,
  key: EntityKeys[T],
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
): Promise<unknown> | object {
  const selection = subfieldsOf(type, info);
  const load = () => ctx.loaders[type].load(key as never);
  if (provingListsIn(type, selection) === 0) {
    // The Get first: its batch is queued before the pages.
    const loaded = load();
    prefetchPages(type, key, selection, info, ctx, false);
    return loaded;
  }
  // The page a list resumed with `after:` makes proves the parent as well as a first page.
  const proof = prefetchPages(type, key, selection, info, ctx, true)[0];
  if (!proof) return load();
  const record = { key, level: 'summary' };
  return proof.then(
    () => record,
    (error: unknown) => {
      if (hasCode(error, ErrorCode.NOT_FOUND)) throw notFound(type, keyPath(type, key));
      // Throttled, timed out, an expired cursor…: the parent is not disproved, and the failure is the list's.
      return load();
    },
  );
}

/**
 * The fields a root lookup of `type` has selected on its object (after fragments and @include/@skip, exactly as
 * graphql-js collects them); undefined when the field does not return `type`.
 */
function subfieldsOf(type: EntityType, info: GraphQLResolveInfo): Selection | undefined {
  const objectType = getNamedType(info.returnType);
  if (!isObjectType(objectType) || objectType.name !== type) return undefined;
  const fields = collectSubfields(
    info.schema,
    info.fragments,
    info.variableValues,
    objectType,
    info.fieldNodes,
  );
  return { objectType, fields };
}

/**
 * How many response keys of the selection are lists under `type` that prove it (`provesParent`), when everything
 * else in it is a key field; 0 when anything else is selected (the lookup must load the object).
 */
function provingListsIn(type: EntityType, selection: Selection | undefined): number {
  const lists = LISTS_UNDER[type];
  if (!selection || Object.keys(lists).length === 0) return 0;
  let provingKeys = 0;
  for (const nodes of selection.fields.values()) {
    // All nodes of one response key are one field (graphql-js merged them): its name is theirs.
    const name = nodes[0]?.name.value ?? '';
    const child = lists[name];
    if (child !== undefined && ENTITIES[child].list.provesParent) provingKeys += 1;
    else if (name !== '__typename' && !KEY_FIELDS[type].has(name)) return 0;
  }
  return provingKeys;
}

/**
 * Starts the first page of every list selected under a root lookup of `type` (with `resumed`, also of lists
 * resumed with `after:`): the request its connection will make first (no token and the chain page size, or the
 * cursor's token and page size), held by the loader for the request and called once the request is idle. Returns
 * the pages started (one of them proves the parent, above).
 */
function prefetchPages<T extends EntityType>(
  type: T,
  key: EntityKeys[T],
  selection: Selection | undefined,
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
  resumed: boolean,
): Promise<unknown>[] {
  const lists = LISTS_UNDER[type];
  if (!selection) return [];
  const { objectType, fields } = selection;
  const started = new Set<string>();
  const pages: Promise<unknown>[] = [];
  for (const nodes of fields.values()) {
    for (const node of nodes) {
      const name = node.name.value;
      const child = lists[name];
      const fieldDef = objectType.getFields()[name];
      if (!child || !fieldDef || started.has(name)) continue;
      let request: PageRequest;
      try {
        const args = getArgumentValues(fieldDef, node, info.variableValues) as ConnectionArgs;
        if (!resumed && args.after !== undefined && args.after !== null) continue;
        const binding = bindingOf(`${type}.${name}`, keyPath(type, key));
        const { first, start, resumed: isResumed } = parseConnectionArgs(args, binding, ctx.paging);
        if (first === 0) continue;
        request = {
          ...(start.token === null ? {} : { nextToken: start.token }),
          maxResults: start.pageSize,
          resumedFromCursor: isResumed,
          whenIdle: true,
        };
      } catch {
        continue; // the connection reports its own argument errors
      }
      started.add(name);
      const page = ctx.loaders[child].pagesOf(key as never)(request);
      // The connection, if it runs, reads the same failed page and reports it.
      page.catch(() => {});
      pages.push(page);
    }
  }
  return pages;
}

/**
 * The connection of `child` entities under `parent` (`Job.sessions`; `Query.farms` for a root type, whose parent key
 * is `{}`). Its parent is always known to exist (a root lookup proves it before its lists run, above), so a failed
 * page fails this connection alone, at its own path.
 */
export function resolveChildConnection<C extends EntityType>(
  child: C,
  parent: { key: ParentKey<C> },
  args: ConnectionArgs,
  ctx: GatewayContext,
): Promise<Connection<unknown>> {
  const parentType = parentTypeOf(child);
  const field = `${parentType ?? 'Query'}.${ENTITIES[child].list.field}`;
  const parentPath = parentType === undefined ? '' : keyPath(parentType, parent.key as never);
  return resolveConnection({
    args,
    binding: bindingOf(field, parentPath),
    settings: ctx.paging,
    fetchPage: ctx.loaders[child].pagesOf(parent.key as never),
  });
}
