import {
  type DocumentNode,
  GraphQLError,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { UsageInput } from '../__generated__/resolvers-types.js';
import { badUserInput } from '../errors/codes.js';
import { keyOf, keyPath, parentTypeOf, type TypedKey } from '../ids/keys.js';
import { FIELD_ROLES } from '../model/fieldRoles.js';
import { MUTATION_FIELDS, type MutationField } from '../mutations/mutationFields.js';
import { validateFirst } from '../pagination/connection.js';
import type { CursorCodec } from '../pagination/cursor.js';
import { checkOffsetArgs, type OffsetConnectionArgs } from '../pagination/offsetConnection.js';
import type { NodeFieldNames } from '../relayNodeFields.js';
import { prepareSearch, type SearchArgs } from '../search/searchRequest.js';
import { prepareUsage } from '../usage/usageRequest.js';
import { atArgument, fieldSite, type ResponseSite, ROOT_SITE } from './errorLocation.js';
import { checkNodesCount, parseGlobalIdArgument } from './globalIdArguments.js';
import { checkIdArgument } from './idArguments.js';
import {
  argumentsOf,
  collectFields,
  operationScope,
  runtimeTypes,
  subSelections,
} from './operationWalker.js';

/**
 * Checks every argument that can be checked without Deadline, for the whole operation, before execution starts:
 * native IDs, global IDs, `first`, and `after` cursors (integrity, field, and parent wherever the parent is known
 * from arguments alone, e.g. `job(farmId:…, queueId:…, jobId:…) { sessions(after:…) }` or `node(id:…)`). So a
 * bad cursor or argument fails with INVALID_CURSOR / BAD_USER_INPUT and zero upstream calls, even when its parent
 * would otherwise have been fetched first. Resolvers repeat the same checks against the real parent (a connection
 * under a list, whose parent is only known at run time). Errors point at the argument and the field's path
 * (errorLocation.ts).
 */
export function preflightOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  cursors: CursorCodec,
  nodeFields: NodeFieldNames | null,
  maxMutatedObjects = Number.POSITIVE_INFINITY,
): void {
  // Variable errors are execution's to report, with graphql-js's own messages.
  const scope = operationScope(schema, document, operation, rawVariables);
  if (!scope) return;
  // Objects the operation's mutation fields change, in all (MUTATION_MAX_OBJECTS bounds the operation).
  let mutated = 0;

  const visit = (
    objectType: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    parentKey: TypedKey | undefined,
    parentSite: ResponseSite,
  ): void => {
    for (const collected of collectFields(scope, objectType, selectionSets)) {
      const { fieldDef } = collected;
      const field = `${objectType.name}.${fieldDef.name}`;
      const site = fieldSite(parentSite, collected.responseKey, fieldDef.type);
      let childKey: TypedKey | undefined;
      let checked = false;
      for (const node of collected.nodes) {
        const args = argumentsOf(scope, fieldDef, node);
        if (!args) continue; // execution reports argument coercion errors
        let key: TypedKey | undefined;
        try {
          if (objectType.name === 'Mutation') {
            mutated += mutatedObjects(fieldDef.name, args);
            if (mutated > maxMutatedObjects)
              throw badUserInput(
                `This operation changes ${mutated} objects or more; one operation changes at most ${maxMutatedObjects} (MUTATION_MAX_OBJECTS). Split it.`,
                'input',
              );
          }
          for (const [name, value] of Object.entries(args)) checkIdArgument(name, value);
          key = checkFieldArguments(field, args, parentKey, cursors, nodeFields);
        } catch (error) {
          throw error instanceof GraphQLError ? atArgument(error, node, site) : error;
        }
        if (!checked) childKey = key;
        checked = true;
      }
      const childType = getNamedType(fieldDef.type);
      const selections = subSelections(collected);
      if (!checked || selections.length === 0 || !isCompositeType(childType)) continue;
      // Under an abstract type (node, nodes, _entities), every possible type is checked; the key (when known) only
      // matches the fields of its own type.
      for (const runtimeType of runtimeTypes(scope, childType))
        visit(runtimeType, selections, childKey, site);
    }
  };
  visit(scope.rootType, [operation.selectionSet], undefined, ROOT_SITE);
}

/** How many objects a mutation field changes: its batch's items, else one. */
function mutatedObjects(field: string, args: Record<string, unknown>): number {
  const mutation: MutationField | undefined = (MUTATION_FIELDS as Record<string, MutationField>)[field];
  if (!mutation) return 0;
  const items = mutation.items
    ? (args.input as Record<string, unknown> | undefined)?.[mutation.items]
    : undefined;
  return Array.isArray(items) ? items.length : 1;
}

/** Checks one field's arguments and returns the key of the object it resolves to, when arguments alone tell it. */
function checkFieldArguments(
  field: string,
  args: Record<string, unknown>,
  parentKey: TypedKey | undefined,
  cursors: CursorCodec,
  nodeFields: NodeFieldNames | null,
): TypedKey | undefined {
  if (nodeFields && field === `Query.${nodeFields.node}`) return globalIdArgument(args.id, 'id');
  if (nodeFields && field === `Query.${nodeFields.nodes}`) {
    const ids = Array.isArray(args.ids) ? args.ids : [];
    checkNodesCount(ids);
    ids.forEach((id, index) => {
      globalIdArgument(id, `ids[${index}]`);
    });
    return undefined;
  }
  // Farm.usage: its input against Deadline's limits (the farm's ID plays no part in the checks).
  if (field === 'Farm.usage') {
    prepareUsage(parentKey?.key.farmId ?? '', args.input as UsageInput);
    return undefined;
  }
  // Search connections: their request and offset cursors, checked here when the owner's key is known (else where
  // they run, before their call).
  const searchRole = FIELD_ROLES.get(field);
  if (searchRole?.kind === 'search') {
    if (parentKey && field.startsWith(`${parentKey.type}.`)) {
      const { binding } = prepareSearch(searchRole.type, searchRole.index, parentKey.key, args as SearchArgs);
      checkOffsetArgs(args as OffsetConnectionArgs, binding, cursors);
    }
    return undefined;
  }
  if ('first' in args || 'after' in args) {
    validateFirst(args.first as number | null | undefined);
    if (typeof args.after === 'string') {
      const parentPath = isRootList(field) ? '' : knownPathOf(field, parentKey);
      cursors.decodeForField(field, parentPath, args.after);
    }
    return undefined;
  }
  return childKeyOf(field, args, parentKey);
}

function globalIdArgument(value: unknown, argumentName: string): TypedKey | undefined {
  return typeof value === 'string' ? parseGlobalIdArgument(value, argumentName) : undefined;
}

/** Whether `field` is the connection of a root entity type (`Query.farms`), whose cursors bind to no parent. */
function isRootList(field: string): boolean {
  const role = FIELD_ROLES.get(field);
  return role?.kind === 'list' && parentTypeOf(role.type) === undefined;
}

/** The key path of the connection's parent, when the preflight knows the parent and it is of the field's type. */
function knownPathOf(field: string, parentKey: TypedKey | undefined): string | undefined {
  if (!parentKey || !field.startsWith(`${parentKey.type}.`)) return undefined;
  return keyPath(parentKey.type, parentKey.key as never);
}

/** The key of the object a field returns, derived from its arguments and its parent's key only. */
function childKeyOf(
  field: string,
  args: Record<string, unknown>,
  parent: TypedKey | undefined,
): TypedKey | undefined {
  const role = FIELD_ROLES.get(field);
  if (role?.kind === 'rootLookup') return { type: role.type, key: keyOf(role.type, args) } as TypedKey;
  if (!role || !parent || !field.startsWith(`${parent.type}.`)) return undefined;
  if (role.kind === 'childLookup') {
    return { type: role.type, key: keyOf(role.type, { ...parent.key, ...args }) } as TypedKey;
  }
  if (role.kind === 'parent') return { type: role.type, key: keyOf(role.type, parent.key) } as TypedKey;
  return undefined;
}
