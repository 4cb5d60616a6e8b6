import {
  type ASTNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { ApolloErrorCode, ErrorCode, gatewayError, hasCode } from '../errors/codes.js';
import { fieldSite, located, pathOf, ROOT_SITE } from './errorLocation.js';

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
 * A rejection points at one culprit (errorLocation.ts): the deepest field (the first, in document order, at the end
 * of a longest chain), or the first alias or directive over the limit, counted in document order where fragments
 * are spread.
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

export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
): OperationShape {
  return new ShapeWalk(schema, document, operation).shape;
}

/** Where a shape limit is exceeded: a node to show and the response path of its field (errorLocation.ts). */
interface Culprit {
  node: ASTNode;
  path: string[];
}

/** What a selection contains: a field's sub-selection, an inline fragment's, or a spread fragment's definition. */
interface Inner {
  set: SelectionSetNode;
  type: GraphQLNamedType | undefined;
  /** Directives of a fragment definition (counted at each spread). */
  directives: readonly DirectiveNode[];
}

/** One operation's shape, measured once per selection set, and the culprit of an exceeded limit. */
class ShapeWalk {
  readonly shape: OperationShape;
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly measured = new Map<SelectionSetNode, Measure>();
  private readonly inProgress = new Set<string>();
  private readonly rootType: GraphQLNamedType | undefined;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
    this.rootType = schema.getRootType(operation.operation) ?? undefined;
    const body = this.measure(operation.selectionSet, this.rootType);
    this.shape = {
      depth: body.depth,
      aliases: body.aliases,
      directives: body.directives + this.operationDirectives().length,
    };
  }

  /** The deepest field: the first, in document order, at the end of a longest chain. */
  deepest(): Culprit | undefined {
    let target = this.shape.depth;
    let set = this.operation.selectionSet;
    let type = this.rootType;
    let site = ROOT_SITE;
    const seen = new Set<SelectionSetNode>();
    descend: while (target > 0 && !seen.has(set)) {
      seen.add(set);
      for (const selection of set.selections) {
        const inner = this.inner(selection, type);
        const depth = inner ? this.measure(inner.set, inner.type).depth : 0;
        if (selection.kind !== Kind.FIELD) {
          if (!inner || depth !== target) continue;
        } else {
          const { fieldType, level } = this.field(type, selection);
          if (depth + level !== target) continue;
          site = fieldSite(site, selection.alias?.value ?? selection.name.value, fieldType);
          if (!inner || depth === 0) return { node: selection, path: pathOf(site) };
          target = depth;
        }
        set = inner.set;
        type = inner.type;
        continue descend;
      }
      return undefined;
    }
    return undefined;
  }

  /**
   * The n-th alias or directive where fragments are spread, in document order: directives of variables and of the
   * operation (no path), then each selection's own before the ones inside it.
   */
  nth(count: 'aliases' | 'directives', n: number): Culprit | undefined {
    let k = n;
    if (count === 'directives') {
      const own = this.operationDirectives();
      const directive = own[k - 1];
      if (directive) return { node: directive, path: [] };
      k -= own.length;
    }
    let set = this.operation.selectionSet;
    let type = this.rootType;
    let site = ROOT_SITE;
    const seen = new Set<SelectionSetNode>();
    descend: while (!seen.has(set)) {
      seen.add(set);
      for (const selection of set.selections) {
        const here =
          selection.kind === Kind.FIELD
            ? fieldSite(
                site,
                selection.alias?.value ?? selection.name.value,
                this.field(type, selection).fieldType,
              )
            : site;
        const own: readonly ASTNode[] =
          count === 'directives'
            ? (selection.directives ?? [])
            : selection.kind === Kind.FIELD && selection.alias
              ? [selection]
              : [];
        const mine = own[k - 1];
        if (mine) return { node: mine, path: pathOf(here) };
        k -= own.length;
        const inner = this.inner(selection, type);
        if (!inner) continue;
        const definition = count === 'directives' ? inner.directives : [];
        const total = this.measure(inner.set, inner.type)[count] + definition.length;
        if (k > total) {
          k -= total;
          continue;
        }
        const directive = definition[k - 1];
        if (directive) return { node: directive, path: pathOf(here) };
        k -= definition.length;
        set = inner.set;
        type = inner.type;
        site = here;
        continue descend;
      }
      return undefined;
    }
    return undefined;
  }

  private operationDirectives(): DirectiveNode[] {
    return [
      ...(this.operation.variableDefinitions ?? []).flatMap((variable) => variable.directives ?? []),
      ...(this.operation.directives ?? []),
    ];
  }

  private measure(set: SelectionSetNode, parentType: GraphQLNamedType | undefined): Measure {
    const known = this.measured.get(set);
    if (known) return known;
    let depth = 0;
    let aliases = 0;
    let directives = 0;
    for (const selection of set.selections) {
      directives += selection.directives?.length ?? 0;
      const inner = this.inner(selection, parentType);
      const spread = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : undefined;
      // Unknown fragments and cycles are validation errors; never loop on them.
      if (!inner || (spread && this.inProgress.has(spread))) {
        if (selection.kind === Kind.FIELD) {
          depth = Math.max(depth, this.field(parentType, selection).level);
          aliases += selection.alias ? 1 : 0;
        }
        continue;
      }
      if (spread) this.inProgress.add(spread);
      const sub = this.measure(inner.set, inner.type);
      if (spread) this.inProgress.delete(spread);
      const level = selection.kind === Kind.FIELD ? this.field(parentType, selection).level : 0;
      depth = Math.max(depth, sub.depth + level);
      aliases += sub.aliases + (selection.kind === Kind.FIELD && selection.alias ? 1 : 0);
      directives += sub.directives + inner.directives.length;
    }
    const measure = { depth, aliases, directives };
    this.measured.set(set, measure);
    return measure;
  }

  private field(parentType: GraphQLNamedType | undefined, selection: FieldNode) {
    const fieldDef =
      parentType && (isObjectType(parentType) || isInterfaceType(parentType))
        ? parentType.getFields()[selection.name.value]
        : undefined;
    return { fieldType: fieldDef?.type, level: isPlumbing(parentType, selection.name.value) ? 0 : 1 };
  }

  private inner(selection: SelectionNode, parentType: GraphQLNamedType | undefined): Inner | undefined {
    if (selection.kind === Kind.FIELD) {
      if (!selection.selectionSet) return undefined;
      const { fieldType } = this.field(parentType, selection);
      return { set: selection.selectionSet, type: fieldType && getNamedType(fieldType), directives: [] };
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition
        ? this.schema.getType(selection.typeCondition.name.value)
        : parentType;
      return { set: selection.selectionSet, type: type ?? undefined, directives: [] };
    }
    const definition = this.fragments.get(selection.name.value);
    if (!definition) return undefined;
    return {
      set: definition.selectionSet,
      type: this.schema.getType(definition.typeCondition.name.value) ?? undefined,
      directives: definition.directives ?? [],
    };
  }
}

function isPlumbing(parentType: GraphQLNamedType | undefined, field: string): boolean {
  if (!parentType) return false;
  if (parentType.name === '__Type') return field === 'ofType';
  return /(Connection|Edge)$/.test(parentType.name);
}

/**
 * The first limit the operation exceeds, as the error to reject it with (HTTP 400), or undefined. The error points
 * at a culprit: the deepest field, or the first alias or directive over the limit.
 */
export function shapeLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  limits: ShapeLimits,
): GraphQLError | undefined {
  const walk = new ShapeWalk(schema, document, operation);
  const { shape } = walk;
  const at = (error: GraphQLError, culprit: Culprit | undefined) =>
    culprit ? located(error, culprit.node, culprit.path) : error;
  if (shape.depth > limits.maxDepth) {
    const error = gatewayError(
      ErrorCode.QUERY_TOO_DEEP,
      `The operation nests fields ${shape.depth} levels deep; the limit is ${limits.maxDepth} (\`edges\`, \`node\`, ` +
        '`nodes`, `pageInfo` and `ofType` do not count). Fetch the deeper objects in a separate operation, starting ' +
        'from their own lookup (`job(farmId:, queueId:, jobId:)`, `node(id:)`…) instead of walking back up through ' +
        'parents (`session { job { queue { farm … } } }`).',
      { depth: shape.depth, maxDepth: limits.maxDepth, http: { status: 400 } },
    );
    return at(error, walk.deepest());
  }
  if (shape.aliases > limits.maxAliases) {
    const error = gatewayError(
      ErrorCode.TOO_MANY_ALIASES,
      `The operation uses ${shape.aliases} aliases (counted where fragments are spread); the limit is ` +
        `${limits.maxAliases}. Fetch many objects with \`nodes(ids:)\` or a connection instead of one alias each, ` +
        'or split the operation.',
      { aliases: shape.aliases, maxAliases: limits.maxAliases, http: { status: 400 } },
    );
    return at(error, walk.nth('aliases', limits.maxAliases + 1));
  }
  if (shape.directives > limits.maxDirectives) {
    const error = gatewayError(
      ErrorCode.TOO_MANY_DIRECTIVES,
      `The operation uses ${shape.directives} directives (counted where fragments are spread); the limit is ` +
        `${limits.maxDirectives}. Put the fields that share a condition in one fragment with a single ` +
        '`@include`/`@skip`, or split the operation.',
      { directives: shape.directives, maxDirectives: limits.maxDirectives, http: { status: 400 } },
    );
    return at(error, walk.nth('directives', limits.maxDirectives + 1));
  }
  return undefined;
}

/**
 * graphql-js stops parsing a document with more than `parseOptions.maxTokens` tokens; Apollo Server reports that
 * as GRAPHQL_PARSE_FAILED with graphql's message. This turns such an error into TOO_MANY_TOKENS with a message that
 * says what to do (other parse errors are returned unchanged).
 */
export function tooManyTokens(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!hasCode(error, ApolloErrorCode.GRAPHQL_PARSE_FAILED)) return error;
  // graphql 16 spells it "more that"; accept the corrected spelling too.
  const match = /Document contains more tha[nt] (\d+) tokens/.exec(error.message);
  if (!match) return error;
  const maxTokens = Number(match[1]);
  return {
    // The parser's location: the first token over the limit.
    ...(error.locations ? { locations: error.locations } : {}),
    message:
      `The operation has more than ${maxTokens} tokens (names, punctuation, values), the limit; it was not parsed ` +
      'further. Send a smaller operation: pass long values in variables, reuse fragments, or split it.',
    extensions: { code: ErrorCode.TOO_MANY_TOKENS, maxTokens },
  };
}
