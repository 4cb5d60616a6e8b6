import {
  type ConstDirectiveNode,
  type GraphQLOutputType,
  getNamedType,
  isNonNullType,
  isObjectType,
  Kind,
  type ObjectTypeDefinitionNode,
  print,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES, type EntityType, KEY_PARTS, parentTypeOf } from '../../src/ids/keys.js';
import { ENTITIES } from '../../src/model/entities.js';
import { FIELD_ROLES } from '../../src/model/fieldRoles.js';
import { resolvers } from '../../src/resolvers/index.js';
import { buildGatewaySchema, typeDefs } from '../../src/schema.js';

/**
 * The registry (src/model/entities.ts) and the SDL (schema/*.graphql) describe the same entity types: a type that
 * implements Node has an entry, every connection field pages a registered List, and each entry's fields, keys and
 * cache hints are in the schema as the entry says.
 */
const schema = buildGatewaySchema();
const definitions = new Map(
  typeDefs.definitions
    .filter(
      (definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION,
    )
    .map((definition) => [definition.name.value, definition]),
);

function objectType(name: string) {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type of the schema`);
  return type;
}

function directiveArgument(directive: ConstDirectiveNode, name: string): string | undefined {
  const argument = directive.arguments?.find((arg) => arg.name.value === name);
  return argument ? print(argument.value) : undefined;
}

function directivesOf(type: string, name: string): ConstDirectiveNode[] {
  return (definitions.get(type)?.directives ?? []).filter((directive) => directive.name.value === name);
}

const lowerFirst = (name: string) => `${name[0]?.toLowerCase()}${name.slice(1)}`;

describe('the entity registry and the schema', () => {
  it('has an entry for exactly the types that implement Node', () => {
    const nodeTypes = schema
      .getPossibleTypes(schema.getType('Node') as never)
      .map((type) => type.name)
      .sort();
    expect(nodeTypes).toEqual([...ENTITY_TYPES].sort());
  });

  it('registers the List of every connection field of the schema', () => {
    const connections: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name.endsWith('Connection'))
          connections.push(`${type.name}.${field.name}`);
      }
    }
    const registered = [...FIELD_ROLES]
      .filter(
        ([, role]) => role.kind !== 'rootLookup' && role.kind !== 'childLookup' && role.kind !== 'parent',
      )
      .map(([coordinate]) => coordinate);
    expect(connections.sort()).toEqual(registered.sort());
  });

  it('gives entries that share a cache resource one TTL', () => {
    const ttlOf = new Map<string, Set<number>>();
    for (const type of ENTITY_TYPES) {
      const { resource, ttlMs } = ENTITIES[type].cache;
      ttlOf.set(resource, (ttlOf.get(resource) ?? new Set()).add(ttlMs));
    }
    for (const [resource, ttls] of ttlOf) expect([...ttls], resource).toHaveLength(1);
  });

  it("resolves every field that returns an entity (a registry role, or the type's own resolver)", () => {
    const entityTypes = new Set<string>(ENTITY_TYPES);
    const unresolved: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      // Connections and edges hand out the nodes their connection resolved; mutation payloads and batch results
      // the objects their mutation read again.
      if (
        !isObjectType(type) ||
        type.name.startsWith('__') ||
        /(Connection|Edge|Payload|Result)$/.test(type.name)
      )
        continue;
      const own = (resolvers as Record<string, Record<string, unknown> | undefined>)[type.name] ?? {};
      for (const field of Object.values(type.getFields())) {
        const returned = getNamedType(field.type).name;
        if (
          type.name === 'Query' &&
          (field.name === 'node' || field.name === 'nodes' || field.name.startsWith('_'))
        ) {
          continue;
        }
        if (entityTypes.has(returned) && own[field.name] === undefined)
          unresolved.push(`${type.name}.${field.name}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  describe.each(ENTITY_TYPES)('%s', (type: EntityType) => {
    const entry = ENTITIES[type];
    const parent = parentTypeOf(type);
    const fields = objectType(type).getFields();

    it('has its key parts as non-null ID fields, and `id`', () => {
      for (const part of ['id', ...KEY_PARTS[type]]) {
        const field = fields[part];
        expect(field, `${type}.${part}`).toBeDefined();
        expect(String(field?.type)).toBe('ID!');
      }
    });

    it('is a federation entity keyed by `id` and by its key parts', () => {
      const keys = directivesOf(type, 'key').map((directive) => directiveArgument(directive, 'fields'));
      expect(keys).toEqual(['"id"', JSON.stringify(KEY_PARTS[type].join(' '))]);
    });

    it('is listed by its connection field, with first/after, on its parent (or Query)', () => {
      const owner = objectType(parent ?? 'Query');
      const field = owner.getFields()[entry.list.field];
      expect(field, `${owner.name}.${entry.list.field}`).toBeDefined();
      // Partial results: null only when its page failed (docs/errors.md).
      expect(isNonNullType(field?.type)).toBe(false);
      expect(field?.astNode?.directives?.map((directive) => directive.name.value)).toContain(
        'semanticNonNull',
      );
      expect(field && getNamedType(field.type).name).toBe(`${type}Connection`);
      expect(field?.args.map((arg) => arg.name).sort()).toEqual(['after', 'first']);
    });

    it('is looked up on Query by its key parts, and on its parent by its own ID', () => {
      const root = schema.getQueryType()?.getFields()[entry.lookups.root];
      expect(root && getNamedType(root.type).name).toBe(type);
      expect(root?.args.map((arg) => arg.name)).toEqual([...KEY_PARTS[type]]);
      if (parent === undefined) {
        expect(entry.lookups.child).toBeNull();
        return;
      }
      const child =
        entry.lookups.child === null ? undefined : objectType(parent).getFields()[entry.lookups.child];
      expect(child && getNamedType(child.type).name).toBe(type);
      expect(child?.args.map((arg) => arg.name)).toEqual([KEY_PARTS[type].at(-1)]);
    });

    it('leads to its parent', () => {
      if (parent === undefined) return;
      const field = fields[lowerFirst(parent)];
      expect(field && getNamedType(field.type).name).toBe(parent);
      expect(field?.args).toEqual([]);
    });

    it('has its detail-only fields in the schema, and lists every field that only a Get answers', () => {
      for (const detailField of entry.detailFields) expect(fields[detailField], detailField).toBeDefined();
      const { summary, detailOnly } = entry.members as {
        summary: readonly string[] | null;
        detailOnly: readonly string[];
      };
      if (summary === null) return; // list items are details
      const onlyInDetail = Object.keys(fields).filter(
        (name) => detailOnly.includes(name) && !summary.includes(name),
      );
      expect(
        onlyInDetail.filter((name) => !(entry.detailFields as readonly string[]).includes(name)),
      ).toEqual([]);
    });

    it("caches its answers as long as its @cacheControl(maxAge:) says (the page cache's default TTL)", () => {
      const [cacheControl] = directivesOf(type, 'cacheControl');
      expect(cacheControl && Number(directiveArgument(cacheControl, 'maxAge')) * 1000).toBe(
        entry.cache.ttlMs,
      );
    });

    it("has an own-ID pattern that accepts the model's ID shape and nothing around it", () => {
      const prefix = String(KEY_PARTS[type].at(-1)).replace(/Id$/, '').toLowerCase();
      // Tasks and session actions are numbered within their step or session (`task-<32 hex>-<n>`).
      const numbered = type === 'Task' || type === 'SessionAction';
      const id = `${prefix}-${'0'.repeat(32)}${numbered ? '-12' : ''}`;
      expect(entry.idPattern.test(id)).toBe(true);
      expect(entry.idPattern.test(` ${id}`)).toBe(false);
      expect(entry.idPattern.test(`${id}-`)).toBe(false);
      expect(entry.idPattern.test(numbered ? `${prefix}-${'0'.repeat(32)}-01` : `${id}0`)).toBe(false);
    });
  });
});

describe("the registry's other connections", () => {
  for (const type of ENTITY_TYPES) {
    const entry = ENTITIES[type];
    entry.alsoListed.forEach(({ owner, field, input, lacks }) => {
      it(`lists ${type} on ${owner}.${field}, sending the owner's key parts, lacking only list-item members`, () => {
        const connection = objectType(owner).getFields()[field];
        expect(connection && getNamedType(connection.type).name).toBe(`${type}Connection`);
        expect(isNonNullType(connection?.type)).toBe(false);
        expect(connection?.astNode?.directives?.map((d) => d.name.value)).toContain('semanticNonNull');
        expect(connection?.args.map((arg) => arg.name).sort()).toEqual(['after', 'first']);
        expect(ENTITY_TYPES).toContain(owner);
        for (const part of input) expect(KEY_PARTS[owner as EntityType]).toContain(part);
        const summary = (entry.members.summary ?? entry.members.detailOnly) as readonly string[];
        for (const member of lacks) expect(summary).toContain(member);
      });
    });
    entry.links.forEach(({ field, linkMembers }) => {
      it(`links ${type}.${field} to ${type} nodes, with the link's members on the edge`, () => {
        const namedType = (field: { type: GraphQLOutputType } | undefined) =>
          field ? getNamedType(field.type).name : undefined;
        const connection = objectType(type).getFields()[field];
        const connectionType = objectType(namedType(connection) ?? '');
        expect(isNonNullType(connection?.type)).toBe(false);
        expect(connection?.astNode?.directives?.map((d) => d.name.value)).toContain('semanticNonNull');
        expect(connection?.args.map((arg) => arg.name).sort()).toEqual(['after', 'first']);
        expect(namedType(connectionType.getFields().nodes)).toBe(type);
        const edge = objectType(namedType(connectionType.getFields().edges) ?? '');
        expect(namedType(edge.getFields().node)).toBe(type);
        for (const member of linkMembers) expect(edge.getFields()[member], member).toBeDefined();
      });
    });
  }
});
