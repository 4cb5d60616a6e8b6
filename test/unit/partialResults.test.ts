import {
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../../src/ids/keys.js';
import { ENTITIES } from '../../src/model/entities.js';
import { FIELD_ROLES } from '../../src/model/fieldRoles.js';
import { buildGatewaySchema } from '../../src/schema.js';

/**
 * The partial-results rule (schema/semanticNonNull.graphql, docs/errors.md "Partial results"), checked on the whole
 * schema: every field whose value needs its own Deadline call is nullable, so its failure nulls it alone; those null
 * only on error carry @semanticNonNull; what a connection's page holds stays non-null. The registry (and every
 * `…Connection` field) says which fields are which, so a new type is held to the rule as soon as it is declared.
 */
const schema = buildGatewaySchema();

function fieldAt(coordinate: string): GraphQLField<unknown, unknown> {
  const [typeName, fieldName] = coordinate.split('.');
  const type = schema.getType(typeName ?? '');
  const field = isObjectType(type) ? type.getFields()[fieldName ?? ''] : undefined;
  if (!field) throw new Error(`no field ${coordinate}`);
  return field;
}

const semanticNonNull = (field: GraphQLField<unknown, unknown>) =>
  field.astNode?.directives?.some((directive) => directive.name.value === 'semanticNonNull') ?? false;

/** `Type.field` → "nullable, @semanticNonNull", "nullable" or "non-null". */
function nullability(coordinate: string): string {
  const field = fieldAt(coordinate);
  if (isNonNullType(field.type)) return 'non-null';
  return semanticNonNull(field) ? 'nullable, @semanticNonNull' : 'nullable';
}

const objectTypes = Object.values(schema.getTypeMap()).filter(
  (type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('_'),
);

describe('the partial-results rule', () => {
  it('every connection field is nullable with @semanticNonNull; a page’s edges, nodes and pageInfo are non-null', () => {
    const connectionFields = objectTypes.flatMap((type) =>
      Object.values(type.getFields())
        .filter((field) => /Connection!?$/.test(String(field.type)))
        .map((field) => `${type.name}.${field.name}`),
    );
    expect(connectionFields).toEqual(
      expect.arrayContaining(['Query.farms', 'Farm.queues', 'Farm.fleets', 'Queue.jobs', 'Job.sessions']),
    );
    for (const coordinate of connectionFields) {
      expect(nullability(coordinate), coordinate).toBe('nullable, @semanticNonNull');
      const connection = schema.getType(String(fieldAt(coordinate).type)) as GraphQLObjectType;
      for (const inner of ['edges', 'nodes', 'pageInfo']) {
        expect(nullability(`${connection.name}.${inner}`), `${connection.name}.${inner}`).toBe('non-null');
      }
    }
  });

  it('parents are nullable with @semanticNonNull; lookups by ID are plainly nullable (NOT_FOUND is a value)', () => {
    const seen = new Set<string>();
    for (const [coordinate, role] of FIELD_ROLES) {
      if (role.kind === 'parent') {
        expect(nullability(coordinate), coordinate).toBe('nullable, @semanticNonNull');
        seen.add(role.kind);
      } else if (role.kind === 'rootLookup' || role.kind === 'childLookup') {
        expect(nullability(coordinate), coordinate).toBe('nullable');
        seen.add(role.kind);
      }
    }
    expect([...seen].sort()).toEqual(['childLookup', 'parent', 'rootLookup']);
    expect(nullability('Queue.farm')).toBe('nullable, @semanticNonNull');
    expect(nullability('Session.job')).toBe('nullable, @semanticNonNull');
    expect(nullability('Session.worker')).toBe('nullable');
    expect(nullability('Query.nodes')).toBe('non-null');
  });

  it('detail-only fields are nullable; those Deadline always sends carry @semanticNonNull', () => {
    for (const type of ENTITY_TYPES) {
      for (const field of ENTITIES[type].detailFields) {
        expect(nullability(`${type}.${field}`), `${type}.${field}`).not.toBe('non-null');
      }
    }
    for (const coordinate of ['Job.parameters', 'Farm.costScaleFactor', 'Fleet.roleArn', 'Session.log']) {
      expect(nullability(coordinate), coordinate).toBe('nullable, @semanticNonNull');
    }
    for (const coordinate of ['Job.description', 'Job.storageProfileId', 'Session.workerLog']) {
      expect(nullability(coordinate), coordinate).toBe('nullable');
    }
  });

  it('@semanticNonNull only ever marks nullable fields, and every description says when the field is null', () => {
    for (const type of objectTypes) {
      for (const field of Object.values(type.getFields())) {
        if (!semanticNonNull(field)) continue;
        const coordinate = `${type.name}.${field.name}`;
        expect(isNonNullType(field.type), coordinate).toBe(false);
        expect(field.description, coordinate).toMatch(/\bnull\b/i);
      }
    }
  });
});

describe('the gateway enforces @semanticNonNull', () => {
  const info = {} as GraphQLResolveInfo;
  const withDetail = (detail: object) => ({ loaders: { Farm: { detailOf: async () => detail } } });
  const record = { key: { farmId: `farm-${'0'.repeat(32)}` }, level: 'summary' };

  it('a field that resolves to null without an error fails instead', async () => {
    const resolve = fieldAt('Farm.costScaleFactor').resolve;
    await expect(resolve?.(record, {}, withDetail({}), info)).rejects.toThrow(
      'Farm.costScaleFactor resolved to null without an error, against its @semanticNonNull.',
    );
    await expect(resolve?.(record, {}, withDetail({ costScaleFactor: 0.5 }), info)).resolves.toBe(0.5);
  });

  it('a plainly nullable field may resolve to null', async () => {
    const resolve = fieldAt('Farm.description').resolve;
    await expect(resolve?.(record, {}, withDetail({}), info)).resolves.toBeNull();
  });
});
