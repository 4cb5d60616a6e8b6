/**
 * The field resolvers every entity type gets from its registry entry (src/model/entities.ts): federation's
 * `__resolveReference`, `id` and the key fields, detail-only fields (loaded on first use), the connection and the
 * lookup of each child type, the parent, and on `Query` the root list and the root lookup. A type's own resolver
 * file (`Job.ts`) adds or overrides fields that shape a value.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import { globalIdOf } from '../ids/globalId.js';
import {
  type EntityKeys,
  type EntityType,
  type IdName,
  KEY_PARTS,
  keyOf,
  keyPartReader,
} from '../ids/keys.js';
import { lacksMember } from '../loaders/entityLoader.js';
import { type AlsoListed, ENTITIES, type EntitySearch } from '../model/entities.js';
import { FIELD_ROLES, type FieldRole } from '../model/fieldRoles.js';
import type { ConnectionArgs } from '../pagination/connection.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { resolveSearch, type SearchArgs } from './entitySearch.js';
import { resolveAlsoListed, resolveLinks } from './ownedConnections.js';
import { resolveChildConnection, resolveRootLookup } from './rootLookup.js';

type Resolver = (parent: never, args: never, ctx: GatewayContext, info: never) => unknown;
export type FieldResolvers = Record<string, Resolver>;

interface Keyed {
  key: Record<string, string>;
}

/** The resolver of a field the registry determines (src/model/fieldRoles.ts). */
function resolverOf(role: FieldRole): Resolver {
  const { type } = role;
  switch (role.kind) {
    case 'list':
      return ((parent: Keyed | undefined, args: ConnectionArgs, ctx: GatewayContext) =>
        resolveChildConnection(type, (parent ?? { key: {} }) as never, args, ctx)) as Resolver;
    case 'rootLookup':
      return ((_: unknown, args: object, ctx: GatewayContext, info: GraphQLResolveInfo) =>
        resolveRootLookup(type, keyOf(type, checkIdArguments(args)), info, ctx)) as Resolver;
    case 'childLookup':
      return ((parent: Keyed, args: object, ctx: GatewayContext) =>
        ctx.loaders[type].load(
          keyOf(type, { ...parent.key, ...checkIdArguments(args) }) as never,
        )) as Resolver;
    case 'parent':
      return ((record: Keyed, _: unknown, ctx: GatewayContext) =>
        ctx.loaders[type].load(keyOf(type, record.key) as never)) as Resolver;
    case 'alsoListed':
      return ((owner: Keyed, args: ConnectionArgs, ctx: GatewayContext) =>
        resolveAlsoListed(type, role.index, owner, args, ctx)) as Resolver;
    case 'links':
      return ((from: Keyed, args: ConnectionArgs, ctx: GatewayContext) =>
        resolveLinks(type, role.index, from, args, ctx)) as Resolver;
    case 'search':
      return ((owner: Keyed, args: SearchArgs, ctx: GatewayContext) =>
        resolveSearch(type, role.index, owner, args, ctx)) as Resolver;
  }
}

/** The resolvers of the registry's fields on `typeName` (an entity type, or `Query`). */
function roleFieldsOn(typeName: string): FieldResolvers {
  const fields: FieldResolvers = {};
  for (const [coordinate, role] of FIELD_ROLES) {
    const [owner, field] = coordinate.split('.');
    if (owner === typeName && field !== undefined) fields[field] = resolverOf(role);
  }
  return fields;
}

/** The resolvers of the fields of `type` that its registry entry determines. */
export function entityResolvers<T extends EntityType>(type: T): FieldResolvers {
  const resolvers: Record<string, unknown> = {
    __resolveReference: async (reference: object, ctx: GatewayContext) =>
      ctx.loaders[type].load(keyOfReference(type, reference) as never),
    id: (record: Keyed) => globalIdOf(type, record.key as EntityKeys[T]),
  };
  for (const part of KEY_PARTS[type]) resolvers[part] = keyPartReader(part as IdName);
  for (const field of ENTITIES[type].detailFields) {
    resolvers[field] = (record: Keyed, _: unknown, ctx: GatewayContext) =>
      detailMember(type, record, field, ctx);
  }
  // Members some other list's items lack (`Worker.sessions` items have no `updatedAt`, task search results no
  // `createdAt`): from the detail for those.
  const alsoListed: readonly AlsoListed[] = ENTITIES[type].alsoListed;
  const search: readonly EntitySearch[] = ENTITIES[type].search;
  for (const field of new Set([...alsoListed, ...search].flatMap(({ lacks }) => lacks))) {
    resolvers[field] = (record: Keyed, _: unknown, ctx: GatewayContext) =>
      listedMember(type, record, field, ctx);
  }
  return { ...(resolvers as FieldResolvers), ...roleFieldsOn(type) };
}

/** A detail-only member: as set on the record by its list (from its owner's key, or a search summary), else the detail's. */
export async function detailMember(type: EntityType, record: Keyed, member: string, ctx: GatewayContext) {
  const set = (record as Keyed & Record<string, unknown>)[member];
  if (set !== undefined) return set;
  return ((await ctx.loaders[type].detailOf(record as never)) as Record<string, unknown>)[member] ?? null;
}

/**
 * A list-item member of `record`, from the detail when the list that found it lacks the member (`alsoListed[].lacks`,
 * `search[].lacks`). For a type's own resolvers that reshape such a member (`Worker.log`).
 */
export function listedMember(
  type: EntityType,
  record: Keyed,
  member: string,
  ctx: GatewayContext,
): Promise<unknown> | unknown {
  return lacksMember(record, member)
    ? detailMember(type, record, member, ctx)
    : ((record as Keyed & Record<string, unknown>)[member] ?? null);
}

/** The `Query` fields of the registry: each root type's list, and every type's root lookup by native IDs. */
export function queryResolvers(): FieldResolvers {
  return roleFieldsOn('Query');
}
