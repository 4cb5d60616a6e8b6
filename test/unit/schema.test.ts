import { getNamedType, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../../src/ids/keys.js';
import { ENTITIES } from '../../src/model/entities.js';
import { buildGatewaySchema } from '../../src/schema.js';

const schema = buildGatewaySchema();
/** Our types: not GraphQL's introspection types, nor what federation adds (_Entity, _Service, link__…, …). */
const isFederationName = (name: string) => /^(_|link__|federation__|FieldSet$)/.test(name);
const ownTypes = Object.values(schema.getTypeMap()).filter((type) => !isFederationName(type.name));

describe('the schema', () => {
  it('describes every type, field, argument and enum value (the explorer shows these to frontend developers)', () => {
    const missing: string[] = [];
    for (const type of ownTypes) {
      if (['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      if (!type.description?.trim()) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (isFederationName(field.name)) continue;
          if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : []) {
            if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues()) {
          if (!value.description?.trim()) missing.push(`${type.name}.${value.name}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('gives every entity a global ID through Node, and every list the Relay connection shape', () => {
    const node = schema.getType('Node');
    expect(isInterfaceType(node)).toBe(true);
    const entities = ENTITY_TYPES;
    for (const name of entities) {
      const type = schema.getType(name);
      if (!isObjectType(type)) throw new Error(name);
      expect(type.getInterfaces().map((i) => i.name)).toEqual(['Node']);
      expect(String(type.getFields().id?.type)).toBe('ID!');
    }
    const connections = ownTypes.filter((type) => type.name.endsWith('Connection'));
    // Links between entities of one type (`Step.dependencies`) page `<Type>DependencyConnection`s of that type.
    const linkConnections = new Map(
      entities.filter((e) => ENTITIES[e].links.length > 0).map((e) => [`${e}DependencyConnection`, e]),
    );
    // Searches (`Queue.jobSearch`) page `<Type>SearchConnection`s of that type, with a total.
    const searchConnections = new Map(
      entities.filter((e) => ENTITIES[e].search.length > 0).map((e) => [`${e}SearchConnection`, e]),
    );
    expect(connections.map((c) => c.name).sort()).toEqual(
      [
        ...entities.map((e) => `${e}Connection`),
        ...linkConnections.keys(),
        ...searchConnections.keys(),
      ].sort(),
    );
    for (const connection of connections) {
      if (!isObjectType(connection)) throw new Error(connection.name);
      const item = connection.name.replace(/Connection$/, '');
      const nodeType = linkConnections.get(connection.name) ?? searchConnections.get(connection.name) ?? item;
      if (searchConnections.has(connection.name))
        expect(String(connection.getFields().totalCount?.type)).toBe('Int!');
      const fields = connection.getFields();
      expect(String(fields.edges?.type)).toBe(`[${item}Edge!]!`);
      // A link's node is looked up by a call of its own, so it may fail alone (null with its error).
      const linked = linkConnections.has(connection.name);
      expect(String(fields.nodes?.type)).toBe(linked ? `[${nodeType}]!` : `[${nodeType}!]!`);
      expect(String(fields.pageInfo?.type)).toBe('PageInfo!');
      const edge = schema.getType(`${item}Edge`);
      if (!isObjectType(edge)) throw new Error(`${item}Edge`);
      expect(String(edge.getFields().cursor?.type)).toBe('String!');
      expect(String(edge.getFields().node?.type)).toBe(linked ? nodeType : `${nodeType}!`);
    }
    // Every field returning a connection takes exactly `first: Int` and `after: String`; a search pages both ways.
    for (const type of ownTypes) {
      if (!isObjectType(type)) continue;
      for (const field of Object.values(type.getFields())) {
        if (!/Connection!?$/.test(String(field.type))) continue;
        const paging = field.args
          .map((a) => `${a.name}: ${a.type}`)
          .filter((a) => /^(first|after|last|before):/.test(a));
        const search = searchConnections.has(getNamedType(field.type).name);
        expect(
          search ? paging : field.args.map((a) => `${a.name}: ${a.type}`),
          `${type.name}.${field.name}`,
        ).toEqual(
          search
            ? ['first: Int', 'after: String', 'last: Int', 'before: String']
            : ['first: Int', 'after: String'],
        );
      }
    }
  });

  it('serves a Deadline enum value it does not know as UNKNOWN instead of failing the field', () => {
    const status = schema.getType('QueueStatus');
    if (!isEnumType(status)) throw new Error('QueueStatus');
    expect(status.serialize('SCHEDULING')).toBe('SCHEDULING');
    expect(status.serialize('SOMETHING_AWS_ADDS_IN_2027')).toBe('UNKNOWN');
    // Enums the gateway derives itself have no UNKNOWN and stay strict.
    const parameterType = schema.getType('JobParameterType');
    if (!isEnumType(parameterType)) throw new Error('JobParameterType');
    expect(() => parameterType.serialize('BOOLEAN')).toThrow();
  });
});
