import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { GatewayContext } from '../context.js';
import { parseGlobalId } from '../ids/globalId.js';
import { isValidId } from '../ids/keys.js';
import { atArgument, fieldSite, type ResponseSite, ROOT_SITE } from '../validation/errorLocation.js';
import {
  argumentsOf,
  collectFields,
  operationScope,
  runtimeTypes,
  subSelections,
} from '../validation/operationWalker.js';
import { type FarmAccess, farmNotAllowed } from './farmAccess.js';

/**
 * The static half of the farm allow-list: before execution, every argument of the operation that names a farm —
 * a `farmId` argument (`job(farmId:…)`), a global ID (`node(id:)`, `nodes(ids:)`), an `_entities` representation
 * (`{ farmId … }` or `{ id }`) — is checked against the request's FarmAccess. One farm that is not allowed refuses
 * the whole operation: FORBIDDEN, HTTP 403, zero Deadline calls; the error points at the argument (the list item
 * for `ids`/`representations` written in the document) and the field's path (src/validation/errorLocation.ts).
 *
 * Everything reached from those arguments (`job(…) { queue { farm } }`, `job(…) { sessions(after:) }`) is in the
 * same farm, and cursors are bound to their parent, so a cursor cannot move a connection to another farm. What
 * arguments do not tell (connections under a list parent, `Query.farms`) is the loaders' job: they check every key
 * right before its Deadline call and filter ListFarms (src/loaders/entityLoader.ts, allowListPages.ts).
 *
 * Malformed IDs are not this check's concern: the argument preflight reports them as BAD_USER_INPUT.
 */
export function checkFarmAllowList(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  access: FarmAccess,
): void {
  if (!access.restricted) return;
  const scope = operationScope(schema, document, operation, rawVariables);
  if (!scope) return; // variable errors are execution's to report
  const visit = (
    objectType: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    parentSite: ResponseSite,
  ): void => {
    for (const collected of collectFields(scope, objectType, selectionSets)) {
      const site = fieldSite(parentSite, collected.responseKey, collected.fieldDef.type);
      for (const node of collected.nodes) {
        const args = argumentsOf(scope, collected.fieldDef, node);
        if (!args) continue; // execution reports argument coercion errors
        for (const [name, value] of Object.entries(args)) {
          // A list's items one by one, so the error can point at the item (`ids[1]`).
          const list = Array.isArray(value);
          (list ? value : [value]).forEach((item: unknown, index: number) => {
            for (const farmId of farmsNamedBy(name, item, list ? 1 : 0)) {
              if (access.allows(farmId)) continue;
              const argumentName = list ? `${name}[${index}]` : name;
              throw atArgument(farmNotAllowed(farmId, true), node, site, argumentName);
            }
          });
        }
      }
      const childType = getNamedType(collected.fieldDef.type);
      const selections = subSelections(collected);
      if (selections.length === 0 || !isCompositeType(childType)) continue;
      for (const runtimeType of runtimeTypes(scope, childType)) visit(runtimeType, selections, site);
    }
  };
  visit(scope.rootType, [operation.selectionSet], ROOT_SITE);
}

/** Nesting levels of an argument value searched for farm references (`_entities` representations are at 2). */
const MAX_VALUE_DEPTH = 4;

/**
 * The farms an argument value names: `farmId` values, and the farm of every global ID in an `id`/`ids` argument
 * or an `id` field of an input object (a representation). Lists and objects are searched, a few levels deep.
 */
export function farmsNamedBy(name: string, value: unknown, depth = 0): string[] {
  if (depth > MAX_VALUE_DEPTH || value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => farmsNamedBy(name, item, depth + 1));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      farmsNamedBy(key, item, depth + 1),
    );
  }
  if (typeof value !== 'string') return [];
  if (name === 'farmId') return isValidId('farmId', value) ? [value] : [];
  if (name === 'id' || name === 'ids') {
    const typed = parseGlobalId(value);
    return typed ? [typed.key.farmId] : [];
  }
  return [];
}

/**
 * Runs `checkFarmAllowList` once the operation is resolved, before any resolver: mount it before the argument
 * preflight (so a forbidden farm is refused as FORBIDDEN even when the same operation also has a bad cursor). A
 * no-op for requests without an allow-list.
 */
export function farmAllowListPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!contextValue.farmAccess.restricted) return;
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          checkFarmAllowList(schema, document, operation, request.variables, contextValue.farmAccess);
        },
      };
    },
  };
}
