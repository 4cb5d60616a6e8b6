import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { type DocumentNode, type GraphQLSchema, isEnumType, Kind, parse, visit } from 'graphql';
import { DEFAULT_NODE_FIELDS, type NodeFieldNames } from './relayNodeFields.js';
import { resolversWith } from './resolvers/index.js';

/** The schema is the SDL in schema/*.graphql (the source of truth, also read by codegen), merged in name order. */
const schemaDir = new URL('../schema/', import.meta.url);

export const schemaSource = readdirSync(schemaDir)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => readFileSync(new URL(file, schemaDir), 'utf8'))
  .join('\n');

export const typeDefs = parse(schemaSource);

/** The SDL with the Relay root fields renamed or removed. */
export function typeDefsWith(nodeFields: NodeFieldNames | null): DocumentNode {
  return visit(typeDefs, {
    FieldDefinition(field, _key, _parent, _path, ancestors) {
      const owner = ancestors.at(-1);
      if (
        !owner ||
        !('kind' in owner) ||
        owner.kind !== Kind.OBJECT_TYPE_DEFINITION ||
        owner.name.value !== 'Query'
      ) {
        return undefined;
      }
      const name = field.name.value;
      if (name !== 'node' && name !== 'nodes') return undefined;
      if (nodeFields === null) return null;
      return { ...field, name: { ...field.name, value: nodeFields[name] } };
    },
  });
}

/** What buildSubgraphSchema takes as resolvers (codegen's typed map is stricter than its index signature). */
type SubgraphResolvers = Extract<
  Parameters<typeof buildSubgraphSchema>[0],
  { resolvers?: unknown }
>['resolvers'];

/** The executable Federation 2 subgraph schema. */
export function buildGatewaySchema(nodeFields: NodeFieldNames | null = DEFAULT_NODE_FIELDS): GraphQLSchema {
  const schema = buildSubgraphSchema({
    typeDefs: typeDefsWith(nodeFields),
    resolvers: resolversWith(nodeFields) as unknown as SubgraphResolvers,
  });
  tolerateNewEnumValues(schema);
  return schema;
}

/**
 * Enums that carry Deadline's values have an `UNKNOWN` member: a value AWS adds after this schema was written is
 * served as UNKNOWN (and logged once) instead of failing the field, which, the field being non-null, would blank
 * its whole list page.
 */
function tolerateNewEnumValues(schema: GraphQLSchema): void {
  const reported = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || !type.getValue('UNKNOWN')) continue;
    const serializeKnown = type.serialize.bind(type);
    type.serialize = (value: unknown) => {
      if (typeof value === 'string' && type.getValue(value)) return serializeKnown(value);
      const report = `${type.name}.${String(value)}`;
      if (!reported.has(report)) {
        reported.add(report);
        console.warn(
          `Deadline Cloud sent ${report}, unknown to this gateway; served as UNKNOWN. Upgrade the schema.`,
        );
      }
      return 'UNKNOWN';
    };
  }
}

/** The subgraph SDL as a router or `rover subgraph publish` sees it. */
export function subgraphSdl(nodeFields: NodeFieldNames | null = DEFAULT_NODE_FIELDS): string {
  return `${printSubgraphSchema(buildGatewaySchema(nodeFields)).trim()}\n`;
}
