import { readdirSync, readFileSync } from 'node:fs';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import {
  type DocumentNode,
  defaultFieldResolver,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  isEnumType,
  isObjectType,
  Kind,
  parse,
  print,
  visit,
} from 'graphql';
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
  enforceSemanticNonNull(schema);
  return schema;
}

/**
 * `@semanticNonNull` (schema/semanticNonNull.graphql) promises clients that the field is null only with an error at
 * its path. GraphQL enforces `!`, not this, so each such field's resolver is wrapped to enforce it: a null value
 * without an error (Deadline's answer lacking a member its model requires, or a bug) becomes an error at the field,
 * masked and logged like any unexpected failure. Only level 0 (the field itself) is used and enforced; a schema
 * that asks for list levels fails here, at start-up.
 */
function enforceSemanticNonNull(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const directive = field.astNode?.directives?.find((node) => node.name.value === 'semanticNonNull');
      if (!directive) continue;
      const levels = directive.arguments?.find((argument) => argument.name.value === 'levels')?.value;
      if (
        levels !== undefined &&
        !(
          levels.kind === Kind.LIST &&
          levels.values.length === 1 &&
          levels.values[0]?.kind === Kind.INT &&
          levels.values[0].value === '0'
        )
      ) {
        throw new Error(`${type.name}.${field.name}: @semanticNonNull is enforced for levels: [0] only`);
      }
      field.resolve = nonNullUnlessFailed(
        `${type.name}.${field.name}`,
        field.resolve ?? defaultFieldResolver,
      );
    }
  }
}

function nonNullUnlessFailed(
  coordinate: string,
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, unknown> {
  const check = (value: unknown) => {
    if (value === null || value === undefined) {
      throw new Error(`${coordinate} resolved to null without an error, against its @semanticNonNull.`);
    }
    return value;
  };
  return (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    return typeof (value as { then?: unknown } | null)?.then === 'function'
      ? Promise.resolve(value).then(check)
      : check(value);
  };
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

/**
 * The SDL a client generates its types from (`npm run schema:print -- --client`): the subgraph SDL without
 * federation's `@link` and the directives it imports (@key, @shareable, @listSize, @cost), which client tools do not
 * read (relay-compiler refuses `extend schema @link`). The schema's own directives stay, @semanticNonNull first:
 * introspection does not carry it, so this file is how codegen and Relay learn which fields are null only on error.
 */
export function clientSdl(nodeFields: NodeFieldNames | null = DEFAULT_NODE_FIELDS): string {
  const document = parse(subgraphSdl(nodeFields));
  const defined = new Set(
    document.definitions.flatMap((definition) =>
      definition.kind === Kind.DIRECTIVE_DEFINITION ? [definition.name.value] : [],
    ),
  );
  const client = visit(document, {
    SchemaExtension: () => null,
    Directive: (directive) => (defined.has(directive.name.value) ? undefined : null),
  });
  return `${print(client).trim()}\n`;
}
