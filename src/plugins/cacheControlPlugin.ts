import type {
  ApolloServerPlugin,
  BaseContext,
  GraphQLRequestContext,
  GraphQLRequestListener,
} from '@apollo/server';
import {
  type ConstDirectiveNode,
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isCompositeType,
  isObjectType,
  isUnionType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * HTTP caching of responses from the schema's `@cacheControl` hints (schema/cacheControl.graphql), in place of
 * Apollo Server's built-in cache control plugin (disabled in src/server.ts).
 *
 * Apollo's plugin computes the policy while the operation runs: a `willResolveField` hook on every resolved field.
 * The hints are static (no resolver sets one), so the policy depends only on the operation: it is computed once
 * per parsed document and operation name (Apollo reuses the DocumentNode of a query it has seen, so a WeakMap
 * keyed by it hits on every repeat) by walking the operation's selections against the schema, with Apollo's
 * rules:
 * - a field's hint is its return type's hint (for a composite type), overridden by the field's own hint;
 *   `inheritMaxAge` (on the type or the field) leaves maxAge to the parent;
 * - a field with no maxAge that returns an object, interface or union and does not inherit, and any root field
 *   with no maxAge, gets 0; other fields (scalars, enums) inherit;
 * - the operation's maxAge is the smallest over its fields, its scope PRIVATE if any hint says so;
 * - `__typename` and introspection fields carry no hint (so an introspection-only answer has no maxAge).
 * Where the walk cannot know what runs, it counts the field anyway, which can only shorten the policy: fields
 * under `@include`/`@skip` with a variable condition, every implementation of a field selected on an interface,
 * and every entity type for `_entities` (as @apollo/subgraph restricts `_entities` by each entity's type hint).
 * Lists that come back empty and null parents are counted too, where Apollo's run-time walk would skip them.
 * This walk does not use src/validation/operationWalker.ts on purpose: that one follows the request's coerced
 * variables (what will run); this one must hold for every variable value, to be cached per document.
 *
 * Headers (docs/caching.md, "Response caching and persisted queries"): `Cache-Control: max-age=N, public|private` only for
 * a GET of a query whose response has no errors and whose maxAge is above 0 (with `Vary: accept`, which picks the
 * response's content type); every other response of the GraphQL pipeline gets `no-store`, POSTs included (an
 * error response keeps a header Apollo already put on it, e.g. PersistedQueryNotFound's `private, no-cache,
 * must-revalidate`). POSTs are what a router sends: @apollo/gateway then counts this subgraph's answers as
 * uncacheable, as it does for any subgraph answer without max-age. The policy is also left in
 * `requestContext.overallCachePolicy` for Apollo's other consumers (usage reporting).
 */

export type CacheScope = 'PUBLIC' | 'PRIVATE';

/** A cache hint or policy, as Apollo's `CachePolicy` reads it: no maxAge means "not restricted". */
export interface CacheHint {
  maxAge?: number;
  scope?: CacheScope;
}

interface Annotation extends CacheHint {
  inheritMaxAge?: boolean;
}

export interface CacheControlPluginOptions<TContext extends BaseContext> {
  /**
   * True when this request's answer must not be stored by shared caches (its scope becomes PRIVATE whatever the
   * hints say): a request authenticated with a JWT, restricted by a farm allow-list, or guarded by a router secret.
   */
  isPrivate?: (requestContext: GraphQLRequestContext<TContext>) => boolean;
}

const NO_STORE = 'no-store';

export function cacheControlPlugin<TContext extends BaseContext>(
  options: CacheControlPluginOptions<TContext> = {},
): ApolloServerPlugin<TContext> {
  let policies: StaticCachePolicies | undefined;
  // One listener object for every request: its hooks read everything from the request context they are given.
  const listener: GraphQLRequestListener<TContext> = {
    async didResolveOperation(requestContext) {
      const { document, operation, overallCachePolicy } = requestContext;
      if (policies && operation) overallCachePolicy.restrict(policies.policyOf(document, operation));
      if (options.isPrivate?.(requestContext)) overallCachePolicy.restrict({ scope: 'PRIVATE' });
    },
    async willSendResponse({ request, operation, response, overallCachePolicy }) {
      const headers = response.http.headers;
      if (response.body.kind !== 'single' || response.body.singleResult.errors) {
        if (!headers.has('cache-control')) headers.set('cache-control', NO_STORE);
        return;
      }
      const policy =
        request.http?.method === 'GET' && operation?.operation === 'query'
          ? overallCachePolicy.policyIfCacheable()
          : null;
      if (!policy) {
        headers.set('cache-control', NO_STORE);
        return;
      }
      headers.set(
        'cache-control',
        `max-age=${policy.maxAge}, ${policy.scope === 'PRIVATE' ? 'private' : 'public'}`,
      );
      // Apollo picks the content type (application/json or application/graphql-response+json) by Accept.
      const vary = headers.get('vary');
      headers.set('vary', vary ? `${vary}, accept` : 'accept');
    },
  };
  return {
    async serverWillStart({ schema }) {
      policies = new StaticCachePolicies(schema);
    },
    async requestDidStart() {
      return listener;
    },
  };
}

/** The static cache policy of operations against one schema, memoized per document and operation name. */
export class StaticCachePolicies {
  private readonly byDocument = new WeakMap<DocumentNode, Map<string, Readonly<CacheHint>>>();
  private readonly typeAnnotations = new Map<GraphQLNamedType, Annotation>();
  private readonly fieldAnnotations = new Map<GraphQLField<unknown, unknown>, Annotation>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** The policy of `operation` (one of `document`'s operations). The same object for the same inputs. */
  policyOf(document: DocumentNode, operation: OperationDefinitionNode): Readonly<CacheHint> {
    let byOperation = this.byDocument.get(document);
    if (!byOperation) {
      byOperation = new Map();
      this.byDocument.set(document, byOperation);
    }
    const key = operation.name?.value ?? '';
    let policy = byOperation.get(key);
    if (!policy) {
      policy = Object.freeze(this.compute(document, operation));
      byOperation.set(key, policy);
    }
    return policy;
  }

  private compute(document: DocumentNode, operation: OperationDefinitionNode): CacheHint {
    const root = this.schema.getRootType(operation.operation);
    const policy: CacheHint = {};
    if (!root) return policy;
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const walk = (
      selectionSet: SelectionSetNode,
      parents: readonly GraphQLObjectType[],
      atRoot: boolean,
      spreadsOnPath: ReadonlySet<string>,
    ): void => {
      for (const selection of selectionSet.selections) {
        if (!mayBeIncluded(selection.directives)) continue;
        if (selection.kind === Kind.FIELD) {
          this.walkField(selection, parents, atRoot, policy, (set, types) =>
            walk(set, types, false, spreadsOnPath),
          );
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const narrowed = selection.typeCondition
            ? this.narrow(parents, selection.typeCondition.name.value)
            : parents;
          walk(selection.selectionSet, narrowed, atRoot, spreadsOnPath);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || spreadsOnPath.has(name)) continue;
          const narrowed = this.narrow(parents, fragment.typeCondition.name.value);
          walk(fragment.selectionSet, narrowed, atRoot, new Set([...spreadsOnPath, name]));
        }
      }
    };
    walk(operation.selectionSet, [root], true, new Set());
    return policy;
  }

  /** Restricts `policy` by the field on every type it may run on, then walks its selections. */
  private walkField(
    selection: FieldNode,
    parents: readonly GraphQLObjectType[],
    atRoot: boolean,
    policy: CacheHint,
    walkChildren: (selectionSet: SelectionSetNode, parents: readonly GraphQLObjectType[]) => void,
  ): void {
    const name = selection.name.value;
    // __typename, __schema, __type: Apollo attaches no hint to them (nor to the introspection types' fields).
    if (name.startsWith('__')) return;
    const children = new Set<GraphQLObjectType>();
    for (const parent of parents) {
      const field = parent.getFields()[name];
      if (!field) continue;
      restrict(policy, this.fieldHint(field, atRoot, atRoot && name === '_entities'));
      const returned = getNamedType(field.type);
      if (selection.selectionSet && isCompositeType(returned)) {
        for (const type of this.possibleTypes(returned)) children.add(type);
      }
    }
    if (selection.selectionSet && children.size > 0) walkChildren(selection.selectionSet, [...children]);
  }

  /** Apollo's per-field rule (ApolloServerPluginCacheControl's willResolveField, without dynamic hints). */
  private fieldHint(field: GraphQLField<unknown, unknown>, atRoot: boolean, entities: boolean): CacheHint {
    const hint: CacheHint = {};
    let inheritMaxAge = false;
    const returned = getNamedType(field.type);
    const composite = isCompositeType(returned);
    if (composite) {
      const typeAnnotation = this.typeAnnotation(returned);
      replace(hint, typeAnnotation);
      inheritMaxAge = typeAnnotation.inheritMaxAge === true;
    }
    const fieldAnnotation = this.fieldAnnotation(field);
    if (fieldAnnotation.inheritMaxAge && hint.maxAge === undefined) {
      inheritMaxAge = true;
      if (fieldAnnotation.scope) hint.scope = fieldAnnotation.scope;
    } else {
      replace(hint, fieldAnnotation);
    }
    // @apollo/subgraph restricts `_entities` by the hint of each entity type it resolves; the representations
    // are variables, so every member of `_Entity` counts.
    if (entities && isUnionType(returned) && hint.maxAge === undefined) {
      const members = returned.getTypes().map((type) => this.typeAnnotation(type));
      if (members.every((member) => member.maxAge !== undefined)) {
        for (const member of members) restrict(hint, { maxAge: member.maxAge as number });
      }
      for (const member of members) if (member.scope) restrict(hint, { scope: member.scope });
    }
    if (hint.maxAge === undefined && ((composite && !inheritMaxAge) || atRoot)) hint.maxAge = 0;
    return hint;
  }

  private typeAnnotation(type: GraphQLNamedType): Annotation {
    let annotation = this.typeAnnotations.get(type);
    if (!annotation) {
      annotation =
        annotationOf(type.astNode?.directives) ??
        type.extensionASTNodes.map((node) => annotationOf(node.directives)).find(Boolean) ??
        {};
      this.typeAnnotations.set(type, annotation);
    }
    return annotation;
  }

  private fieldAnnotation(field: GraphQLField<unknown, unknown>): Annotation {
    let annotation = this.fieldAnnotations.get(field);
    if (!annotation) {
      annotation = annotationOf(field.astNode?.directives) ?? {};
      this.fieldAnnotations.set(field, annotation);
    }
    return annotation;
  }

  private possibleTypes(type: GraphQLCompositeType): readonly GraphQLObjectType[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type) : [type];
  }

  /** The types of `parents` a fragment on `typeName` applies to. */
  private narrow(parents: readonly GraphQLObjectType[], typeName: string): readonly GraphQLObjectType[] {
    const condition = this.schema.getType(typeName);
    if (!condition) return [];
    if (isObjectType(condition)) return parents.filter((parent) => parent === condition);
    if (!isAbstractType(condition)) return [];
    return parents.filter((parent) => this.schema.isSubType(condition, parent));
  }
}

/** False only when a literal `@skip(if: true)` or `@include(if: false)` excludes the selection. */
function mayBeIncluded(directives: readonly DirectiveNode[] | undefined): boolean {
  for (const directive of directives ?? []) {
    const name = directive.name.value;
    if (name !== 'skip' && name !== 'include') continue;
    const condition = directive.arguments?.find((argument) => argument.name.value === 'if')?.value;
    if (condition?.kind !== Kind.BOOLEAN) continue;
    if (condition.value === (name === 'skip')) return false;
  }
  return true;
}

/** The `@cacheControl` annotation among `directives`, read as Apollo reads it. */
function annotationOf(directives: readonly ConstDirectiveNode[] | undefined): Annotation | undefined {
  const directive = directives?.find((d) => d.name.value === 'cacheControl');
  if (!directive) return undefined;
  const argument = (name: string) => directive.arguments?.find((a) => a.name.value === name)?.value;
  const scopeValue = argument('scope');
  const scope =
    scopeValue?.kind === Kind.ENUM && (scopeValue.value === 'PUBLIC' || scopeValue.value === 'PRIVATE')
      ? scopeValue.value
      : undefined;
  const inherit = argument('inheritMaxAge');
  if (inherit?.kind === Kind.BOOLEAN && inherit.value) {
    return scope ? { inheritMaxAge: true, scope } : { inheritMaxAge: true };
  }
  const maxAge = argument('maxAge');
  const annotation: Annotation = {};
  if (maxAge?.kind === Kind.INT) annotation.maxAge = Number.parseInt(maxAge.value, 10);
  if (scope) annotation.scope = scope;
  return annotation;
}

/** Apollo's CachePolicy.restrict: the smaller maxAge; PRIVATE wins. */
function restrict(policy: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined && (policy.maxAge === undefined || hint.maxAge < policy.maxAge)) {
    policy.maxAge = hint.maxAge;
  }
  if (hint.scope !== undefined && policy.scope !== 'PRIVATE') policy.scope = hint.scope;
}

/** Apollo's CachePolicy.replace: the hint's values where it has them. */
function replace(policy: CacheHint, hint: CacheHint): void {
  if (hint.maxAge !== undefined) policy.maxAge = hint.maxAge;
  if (hint.scope !== undefined) policy.scope = hint.scope;
}
