import {
  type DirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getVariableValues,
  isAbstractType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * The one operation walker, shared by the argument preflight and the cost model: what graphql-js's execution would
 * run, computed before execution from the validated document and the coerced variables.
 *
 * `collectFields` follows execution's own field collection: `@skip`/`@include` evaluated with the variables,
 * fragments (named and inline) applied when their type condition matches the runtime object type, and fields of the
 * same response key merged into one (their sub-selections concatenated). A fragment is expanded at most once per
 * selection set, as in execution, so a document that spreads the same fragment many times (or a chain of fragments
 * each spreading the next twice) costs the walker no more than it costs execution.
 */
export interface OperationScope {
  schema: GraphQLSchema;
  /** The coerced variable values. */
  variables: Record<string, unknown>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  rootType: GraphQLObjectType;
}

/** The scope of an operation, or undefined when its variables do not coerce (execution reports those errors). */
export function operationScope(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
): OperationScope | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return undefined;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return { schema, variables: coerced.coerced, fragments, rootType };
}

/** One response key of a selection: the field definition and every field node merged under that key. */
export interface CollectedField {
  responseKey: string;
  fieldDef: GraphQLField<unknown, unknown>;
  nodes: FieldNode[];
}

/** The fields execution runs on an object of `objectType` for these (merged) selection sets, in order. */
export function collectFields(
  scope: OperationScope,
  objectType: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): CollectedField[] {
  const fields = new Map<string, CollectedField>();
  const visitedFragments = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (!isIncluded(scope, selection)) continue;
      if (selection.kind === Kind.FIELD) {
        // Meta fields (__typename, __schema, __type) cost nothing upstream and carry no arguments of ours.
        const fieldDef = objectType.getFields()[selection.name.value];
        if (!fieldDef) continue;
        const responseKey = selection.alias?.value ?? selection.name.value;
        const existing = fields.get(responseKey);
        if (existing) existing.nodes.push(selection);
        else fields.set(responseKey, { responseKey, fieldDef, nodes: [selection] });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (
          selection.typeCondition &&
          !conditionMatches(scope, selection.typeCondition.name.value, objectType)
        )
          continue;
        collect(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visitedFragments.has(name)) continue;
        visitedFragments.add(name);
        const fragment = scope.fragments.get(name);
        if (!fragment || !conditionMatches(scope, fragment.typeCondition.name.value, objectType)) continue;
        collect(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet);
  return [...fields.values()];
}

/** The merged sub-selections of a collected field (empty for a leaf). */
export function subSelections(field: CollectedField): SelectionSetNode[] {
  return field.nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
}

/** The coerced arguments of one field node, or undefined when they do not coerce (execution reports that). */
export function argumentsOf(
  scope: OperationScope,
  fieldDef: GraphQLField<unknown, unknown>,
  node: FieldNode,
): Record<string, unknown> | undefined {
  try {
    return getArgumentValues(fieldDef, node, scope.variables);
  } catch {
    return undefined;
  }
}

/** The object types a value of `type` can have at run time: itself, or every possible type of an abstract type. */
export function runtimeTypes(
  scope: OperationScope,
  type: GraphQLCompositeType,
): readonly GraphQLObjectType[] {
  return isAbstractType(type) ? scope.schema.getPossibleTypes(type) : [type];
}

function isIncluded(scope: OperationScope, node: { directives?: readonly DirectiveNode[] }): boolean {
  return (
    getDirectiveValues(GraphQLSkipDirective, node, scope.variables)?.if !== true &&
    getDirectiveValues(GraphQLIncludeDirective, node, scope.variables)?.if !== false
  );
}

function conditionMatches(
  scope: OperationScope,
  conditionName: string,
  objectType: GraphQLObjectType,
): boolean {
  const condition = scope.schema.getType(conditionName);
  if (!condition) return false;
  if (condition === objectType) return true;
  return isAbstractType(condition) && scope.schema.isSubType(condition, objectType);
}
