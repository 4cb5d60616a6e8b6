/**
 * Root lookups by native IDs (`job(farmId:, queueId:, jobId:)`) and the connections under an entity, which share one
 * saving: a List call under a parent proves the parent exists (Deadline answers ResourceNotFoundException under a
 * missing one). So a lookup whose selection holds only key fields and lists skips its Get and lets the list prove it,
 * and a lookup starts the first page of every list selected under it while its own Get is in flight.
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
  type FetchPage,
  resolveConnection,
} from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';

/** Records a root lookup returned without loading them: the first connection under each must prove it. */
const unverified = new WeakSet<object>();

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
 * Resolves a root lookup of `type`: `{ key }` only, unverified, when its selection holds key fields and one list;
 * `{ key }` once the first page started under it came back, with two or more lists; otherwise the loaded record.
 * Either way, the first pages of the lists selected under it start now.
 */
export function resolveRootLookup<T extends EntityType>(
  type: T,
  key: EntityKeys[T],
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
): Promise<unknown> | object {
  const selection = subfieldsOf(type, info);
  const load = () => ctx.loaders[type].load(key as never);
  const lists = provingListsIn(type, selection);
  if (lists === 0) {
    // The Get first: its batch is queued before the pages.
    const loaded = load();
    prefetchFirstPages(type, key, selection, info, ctx);
    return loaded;
  }
  const record = { key, level: 'summary' };
  const proof = prefetchFirstPages(type, key, selection, info, ctx)[0];
  if (lists === 1) {
    unverified.add(record);
    return record;
  }
  if (!proof) return load();
  return proof.then(
    () => record,
    (error: unknown) => {
      throw hasCode(error, ErrorCode.NOT_FOUND) ? notFound(type, keyPath(type, key)) : error;
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
 * Starts the first page of every list selected under a root lookup of `type`: the request its connection will
 * make (no `after`, the chain page size), held by the loader for the request and called once the request is idle.
 * Returns the pages started (one of them proves the parent, above).
 */
function prefetchFirstPages<T extends EntityType>(
  type: T,
  key: EntityKeys[T],
  selection: Selection | undefined,
  info: GraphQLResolveInfo,
  ctx: GatewayContext,
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
      let args: { first?: unknown; after?: unknown };
      try {
        args = getArgumentValues(fieldDef, node, info.variableValues);
      } catch {
        continue; // the connection reports its own argument errors
      }
      if ((args.after !== undefined && args.after !== null) || args.first === 0) continue;
      started.add(name);
      const page = ctx.loaders[child].pagesOf(key as never)({
        maxResults: ctx.paging.chainPageSize,
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

/**
 * The connection of `child` entities under `parent` (`Job.sessions`; `Query.farms` for a root type, whose parent key
 * is `{}`). Under a parent a root lookup left unverified, a NOT_FOUND of the List call is the parent's own NOT_FOUND,
 * and when no call was made (`first: 0`) the parent is loaded to prove it.
 */
export async function resolveChildConnection<C extends EntityType>(
  child: C,
  parent: { key: ParentKey<C> },
  args: ConnectionArgs,
  ctx: GatewayContext,
): Promise<Connection<unknown>> {
  const parentType = parentTypeOf(child);
  const field = `${parentType ?? 'Query'}.${ENTITIES[child].list.field}`;
  const parentPath = parentType === undefined ? '' : keyPath(parentType, parent.key as never);
  let fetchPage: FetchPage<unknown> = ctx.loaders[child].pagesOf(parent.key as never);
  let proven = true;
  if (parentType !== undefined && unverified.has(parent)) {
    proven = false;
    const unprovenPages = fetchPage;
    fetchPage = async (request) => {
      try {
        const page = await unprovenPages(request);
        proven = true;
        return page;
      } catch (error) {
        if (hasCode(error, ErrorCode.NOT_FOUND)) throw notFound(parentType, parentPath);
        throw error;
      }
    };
  }
  const connection = await resolveConnection({
    args,
    binding: bindingOf(field, parentPath),
    settings: ctx.paging,
    fetchPage,
  });
  if (!proven && parentType !== undefined) await ctx.loaders[parentType].load(parent.key as never);
  return connection;
}
