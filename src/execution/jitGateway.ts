import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import {
  type ExecutionResult,
  execute,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNullableType,
  getVariableValues,
  isListType,
  isObjectType,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

// Apollo's gateway types, as @apollo/server exposes them (their own package is not a dependency of ours).
type GatewayInterface = ApolloServerOptionsWithGateway<object>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type GatewayGraphQLRequestContext = Parameters<GatewayExecutor>[0];
type GatewaySchemaLoadOrUpdateCallback = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/** Which executor runs validated operations: graphql-jit's compiled queries, or graphql-js's `execute`. */
export type ExecutorKind = 'jit' | 'graphql-js';

/** How many compiled operations are kept (least recently used dropped first). */
export const COMPILED_QUERY_CACHE_SIZE = 500;

/**
 * Apollo Server's gateway interface used for what it allows besides federation gateways: a custom executor over our
 * own (static) schema. Apollo still parses, validates (its document cache included), runs every plugin hook and
 * formats errors; only execution itself is ours. The executor runs an operation as graphql-jit compiled it (cached
 * per document and operation name): no per-field `getArgumentValues`, `collectFields` or type checks at run time.
 *
 * Kept exactly like graphql-js's path (both run the whole integration suite):
 * - Variables are coerced by graphql-js's own `getVariableValues` first, so a coercion error has graphql-js's
 *   message and Apollo answers it with HTTP 400 (no `data`).
 * - A request that asks for a federated trace (`apollo-federation-include-trace: ftv1`, from a router) runs through
 *   graphql-js: the inline trace plugin times each field through Apollo's per-field hooks, which need graphql-js's
 *   `info` objects.
 * - Resolvers, custom scalars (DateTime), the enums' UNKNOWN tolerance (src/schema.ts patches `serialize`, which
 *   graphql-jit calls), abstract types (`_entities`, `node`) and non-null propagation are the schema's own.
 */
export function executorGateway(schema: GraphQLSchema, kind: ExecutorKind): GatewayInterface {
  const executor = kind === 'jit' ? jitExecutor(schema) : graphqlJsExecutor(schema);
  return {
    onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback) {
      // The schema never changes: announce it once (Apollo calls this before `load`).
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async load() {
      return { executor };
    },
    async stop() {},
  };
}

function graphqlJsExecutor(schema: GraphQLSchema): GatewayExecutor {
  return async (request) => runWithGraphqlJs(schema, request);
}

function runWithGraphqlJs(
  schema: GraphQLSchema,
  request: GatewayGraphQLRequestContext,
): Promise<ExecutionResult> {
  return Promise.resolve(
    execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    }),
  );
}

function jitExecutor(schema: GraphQLSchema): GatewayExecutor {
  settleListItems(schema);
  // Insertion order is recency order: a hit is moved to the end, the oldest entry is the first key.
  const compiled = new Map<string, CompiledQuery>();
  const compiledFor = (request: GatewayGraphQLRequestContext): CompiledQuery | ExecutionResult => {
    const key = `${request.queryHash}\u0000${request.operationName ?? ''}`;
    const hit = compiled.get(key);
    if (hit) {
      compiled.delete(key);
      compiled.set(key, hit);
      return hit;
    }
    const query = compileQuery(schema, request.document, request.operationName ?? undefined);
    if (!isCompiledQuery(query)) return query;
    compiled.set(key, query);
    if (compiled.size > COMPILED_QUERY_CACHE_SIZE) {
      const oldest = compiled.keys().next().value;
      if (oldest !== undefined) compiled.delete(oldest);
    }
    return query;
  };

  return async (request) => {
    if (request.request.http?.headers.get('apollo-federation-include-trace') === 'ftv1') {
      return runWithGraphqlJs(schema, request);
    }
    // No operation resolved (several without an operationName, or an unknown name): graphql-js's error, which
    // Apollo answers as OPERATION_RESOLUTION_FAILURE with HTTP 400.
    if (!request.operation) return runWithGraphqlJs(schema, request);
    // Mutations run with graphql-js: its serial execution of root fields is the specification's, payloads hold
    // promised objects (the re-read), and mutations are not the hot path.
    if (request.operation.operation === 'mutation') return runWithGraphqlJs(schema, request);
    const coerced = getVariableValues(
      schema,
      request.operation.variableDefinitions ?? [],
      request.request.variables ?? {},
    );
    if (coerced.errors) return { errors: coerced.errors };
    const query = compiledFor(request);
    if (!isCompiledQuery(query)) return runWithGraphqlJs(schema, request);
    return query.query(undefined, request.context, coerced.coerced);
  };
}

/**
 * graphql-jit places a list item that *rejects* with `push(null)` instead of at its index, which would make
 * `nodes(ids: [bad, good, bad])` 4 entries (test/integration/upstreamErrors.test.ts). Resolvers that return
 * a list of promises (`nodes(ids:)`, federation's `_entities`) therefore get their items settled first: a rejection
 * becomes the Error itself as the item's value, which both executors turn into that item's error at its own index
 * (graphql-js's `completeValue` throws an Error value; graphql-jit reports it like a thrown one).
 */
function settleListItems(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || !isListType(getNullableType(field.type))) continue;
      field.resolve = settled(resolve);
    }
  }
}

function settled(resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  return (source, args, context, info) => {
    const result = resolve(source, args, context, info);
    return isPromiseLike(result) ? Promise.resolve(result).then(settleItems) : settleItems(result);
  };
}

function settleItems(value: unknown): unknown {
  if (!Array.isArray(value) || !value.some(isPromiseLike)) return value;
  return Promise.all(
    value.map((item) =>
      isPromiseLike(item)
        ? Promise.resolve(item).then(
            (resolved) => resolved,
            (error: unknown) =>
              error instanceof Error ? error : new Error(`Unexpected error value: ${String(error)}`),
          )
        : item,
    ),
  );
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
