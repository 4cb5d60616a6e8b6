import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { ErrorCode, gatewayError } from '../errors/codes.js';

/**
 * Shape limits of an operation, measured on the validated document before execution, in time linear in its size
 * (each fragment is measured once, however often it is spread):
 *
 * - **depth**: the longest chain of nested fields. Relay plumbing does not count — a connection's `edges`, `nodes`,
 *   `pageInfo`, an edge's `node`/`cursor`, and introspection's `ofType` — so `jobs { edges { node { name } } }` and
 *   `jobs { nodes { name } }` are both 2 deep and the standard introspection query passes. (graphql-js's own
 *   MaxIntrospectionDepthRule bounds introspection cycles.)
 * - **aliases** and **directives**: counted where fragments are spread (a fragment with 3 aliases spread twice
 *   counts 6), as execution would run them. Directives include those on the operation and on variables.
 *
 * Tokens are limited by the parser itself (`parseOptions.maxTokens`): see `tooManyTokens` below.
 */
export interface OperationShape {
  depth: number;
  aliases: number;
  directives: number;
}

export interface ShapeLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
}

interface Measure {
  depth: number;
  aliases: number;
  directives: number;
}

const ZERO: Measure = { depth: 0, aliases: 0, directives: 0 };

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationShape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();

  const fragment = (name: string): Measure => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    // Unknown fragments and cycles are validation errors; never loop on them.
    if (!definition || inProgress.has(name)) return ZERO;
    inProgress.add(name);
    const own = definition.directives?.length ?? 0;
    const inner = selectionSet(definition.selectionSet, schema.getType(definition.typeCondition.name.value));
    inProgress.delete(name);
    const measure = { ...inner, directives: inner.directives + own };
    memo.set(name, measure);
    return measure;
  };

  const selectionSet = (set: SelectionSetNode, parentType: GraphQLNamedType | undefined): Measure => {
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      let inner: Measure;
      if (selection.kind === Kind.FIELD) {
        const fieldDef =
          parentType && (isObjectType(parentType) || isInterfaceType(parentType))
            ? parentType.getFields()[selection.name.value]
            : undefined;
        const childType = fieldDef ? getNamedType(fieldDef.type) : undefined;
        const sub = selection.selectionSet ? selectionSet(selection.selectionSet, childType) : ZERO;
        const level = isPlumbing(parentType, selection.name.value) ? 0 : 1;
        inner = {
          depth: sub.depth + level,
          aliases: sub.aliases + (selection.alias ? 1 : 0),
          directives: sub.directives,
        };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? schema.getType(selection.typeCondition.name.value)
          : parentType;
        inner = selectionSet(selection.selectionSet, condition ?? undefined);
      } else {
        inner = fragment(selection.name.value);
      }
      depth = Math.max(depth, inner.depth);
      aliases += inner.aliases;
      directives += inner.directives;
    }
    return { depth, aliases, directives };
  };

  const rootType = schema.getRootType(operation.operation) ?? undefined;
  const body = selectionSet(operation.selectionSet, rootType);
  const variableDirectives = (operation.variableDefinitions ?? []).reduce(
    (sum, variable) => sum + (variable.directives?.length ?? 0),
    0,
  );
  return {
    depth: body.depth,
    aliases: body.aliases,
    directives: body.directives + (operation.directives?.length ?? 0) + variableDirectives,
  };
}

function isPlumbing(parentType: GraphQLNamedType | undefined, field: string): boolean {
  if (!parentType) return false;
  if (parentType.name === '__Type') return field === 'ofType';
  return /(Connection|Edge)$/.test(parentType.name);
}

/** The first limit the operation exceeds, as the error to reject it with (HTTP 400), or undefined. */
export function shapeLimitError(shape: OperationShape, limits: ShapeLimits) {
  if (shape.depth > limits.maxDepth) {
    return gatewayError(
      ErrorCode.QUERY_TOO_DEEP,
      `The operation nests fields ${shape.depth} levels deep; the limit is ${limits.maxDepth} (\`edges\`, \`node\`, ` +
        '`nodes`, `pageInfo` and `ofType` do not count). Fetch the deeper objects in a separate operation, starting ' +
        'from their own lookup (`job(farmId:, queueId:, jobId:)`, `node(id:)`…) instead of walking back up through ' +
        'parents (`session { job { queue { farm … } } }`).',
      { depth: shape.depth, maxDepth: limits.maxDepth, http: { status: 400 } },
    );
  }
  if (shape.aliases > limits.maxAliases) {
    return gatewayError(
      ErrorCode.TOO_MANY_ALIASES,
      `The operation uses ${shape.aliases} aliases (counted where fragments are spread); the limit is ` +
        `${limits.maxAliases}. Fetch many objects with \`nodes(ids:)\` or a connection instead of one alias each, ` +
        'or split the operation.',
      { aliases: shape.aliases, maxAliases: limits.maxAliases, http: { status: 400 } },
    );
  }
  if (shape.directives > limits.maxDirectives) {
    return gatewayError(
      ErrorCode.TOO_MANY_DIRECTIVES,
      `The operation uses ${shape.directives} directives (counted where fragments are spread); the limit is ` +
        `${limits.maxDirectives}. Put the fields that share a condition in one fragment with a single ` +
        '`@include`/`@skip`, or split the operation.',
      { directives: shape.directives, maxDirectives: limits.maxDirectives, http: { status: 400 } },
    );
  }
  return undefined;
}

/**
 * graphql-js stops parsing a document with more than `parseOptions.maxTokens` tokens; Apollo Server reports that
 * as GRAPHQL_PARSE_FAILED with graphql's message. This turns such an error into TOO_MANY_TOKENS with a message that
 * says what to do (other parse errors are returned unchanged).
 */
export function tooManyTokens(error: GraphQLFormattedError): GraphQLFormattedError {
  if (error.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return error;
  // graphql 16 spells it "more that"; accept the corrected spelling too.
  const match = /Document contains more tha[nt] (\d+) tokens/.exec(error.message);
  if (!match) return error;
  const maxTokens = Number(match[1]);
  return {
    message:
      `The operation has more than ${maxTokens} tokens (names, punctuation, values), the limit; it was not parsed ` +
      'further. Send a smaller operation: pass long values in variables, reuse fragments, or split it.',
    extensions: { code: ErrorCode.TOO_MANY_TOKENS, maxTokens },
  };
}
