/**
 * What each field the registry determines does, by schema coordinate (`Queue.jobs`): the static checks (the cost
 * model, the preflight) read these instead of keeping their own tables. Derived from src/model/entities.ts.
 */
import { ENTITY_TYPES, type EntityType, parentTypeOf } from '../ids/keys.js';
import { type AlsoListed, ENTITIES, type EntityLinks, type EntitySearch } from './entities.js';

export type FieldRole =
  /** The connection of `type` under its parent (`Queue.jobs`), or on `Query` for a root type (`Query.farms`). */
  | { readonly kind: 'list'; readonly type: EntityType }
  /** `Query.<root>(<key parts>)`: `type` by its full key. */
  | { readonly kind: 'rootLookup'; readonly type: EntityType }
  /** `<Parent>.<child>(<own ID>)`: `type` under the parent, by its own ID. */
  | { readonly kind: 'childLookup'; readonly type: EntityType }
  /** `<Type>.<parent>`: the parent `type` of the object (a key ancestor: its key is part of the object's). */
  | { readonly kind: 'parent'; readonly type: EntityType }
  /** A connection of `type` on an owner that is not its parent (`Session.actions`): `ENTITIES[type].alsoListed[index]`. */
  | { readonly kind: 'alsoListed'; readonly type: EntityType; readonly index: number }
  /** A connection of links to other entities of `type` (`Step.dependencies`): `ENTITIES[type].links[index]`. */
  | { readonly kind: 'links'; readonly type: EntityType; readonly index: number }
  /** A search connection of `type` (`Queue.jobSearch`): `ENTITIES[type].search[index]`. */
  | { readonly kind: 'search'; readonly type: EntityType; readonly index: number };

const lowerFirst = (name: string) => `${name[0]?.toLowerCase() ?? ''}${name.slice(1)}`;

function rolesOf(type: EntityType): Array<[string, FieldRole]> {
  const { list, lookups } = ENTITIES[type];
  const alsoListed: readonly AlsoListed[] = ENTITIES[type].alsoListed;
  const links: readonly EntityLinks[] = ENTITIES[type].links;
  const search: readonly EntitySearch[] = ENTITIES[type].search;
  const parent = parentTypeOf(type);
  const roles: Array<[string, FieldRole]> = [
    [`${parent ?? 'Query'}.${list.field}`, { kind: 'list', type }],
    [`Query.${lookups.root}`, { kind: 'rootLookup', type }],
  ];
  if (parent !== undefined) {
    if (lookups.child !== null) roles.push([`${parent}.${lookups.child}`, { kind: 'childLookup', type }]);
    roles.push([`${type}.${lowerFirst(parent)}`, { kind: 'parent', type: parent }]);
  }
  alsoListed.forEach(({ owner, field }, index) => {
    roles.push([`${owner}.${field}`, { kind: 'alsoListed', type, index }]);
  });
  links.forEach(({ field }, index) => {
    roles.push([`${type}.${field}`, { kind: 'links', type, index }]);
  });
  search.forEach(({ owner, field }, index) => {
    roles.push([`${owner}.${field}`, { kind: 'search', type, index }]);
  });
  return roles;
}

/** Every field role, by schema coordinate. */
export const FIELD_ROLES: ReadonlyMap<string, FieldRole> = new Map(ENTITY_TYPES.flatMap(rolesOf));

/**
 * The entity types listed under each entity type, by connection field name (`Farm: { queues: 'Queue', fleets:
 * 'Fleet' }`): the list roles whose owner is an entity type.
 */
export const LISTS_UNDER = Object.fromEntries(
  ENTITY_TYPES.map((owner) => [
    owner,
    Object.fromEntries(
      [...FIELD_ROLES].flatMap(([coordinate, role]) => {
        const [type, field] = coordinate.split('.');
        return role.kind === 'list' && type === owner ? [[field, role.type]] : [];
      }),
    ),
  ]),
) as Readonly<Record<EntityType, Readonly<Record<string, EntityType>>>>;
