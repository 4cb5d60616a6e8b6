import { randomBytes } from 'node:crypto';
import { DEFAULT_CHAIN_PAGE_SIZE } from '../../src/config.js';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { createDeadlineClient, type UpstreamLimits } from '../../src/upstream/deadlineClient.js';
import type { UpstreamSharingOptions } from '../../src/upstream/upstreamSharing.js';

/**
 * The real stack for integration tests: GraphQL over HTTP → Apollo Server → resolvers → loaders → the real SDK →
 * a Deadline implementation over loopback (the embedded emulator unless `endpoint` names another one).
 */
export interface GraphQLErrorJson {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface UpstreamExtension {
  calls: number;
  attempts: number;
  byOperation: Record<string, number>;
  cacheHits: number;
  coalesced: number;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorJson[];
  extensions?: { upstream?: UpstreamExtension };
  headers: Headers;
}

export interface TestStack {
  url: string;
  gateway: Gateway;
  /** The embedded emulator, unless the stack points at another endpoint. */
  emulator: EmulatorHandle | undefined;
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  emulator?: EmulatorOptions;
  /** Use this Deadline endpoint instead of starting the emulator. */
  endpoint?: string;
  chainPageSize?: number;
  /** SDK attempts; 1 by default so fault tests are fast and counts exact. */
  maxAttempts?: number;
  /** Per-attempt timeout of a Deadline HTTP request (default 5000). */
  requestTimeoutMs?: number;
  /** Upstream concurrency limit, operation time budget, backoff constants (createDeadlineClient defaults). */
  limits?: UpstreamLimits;
  cursorSecret?: Buffer;
  /** Cross-request page cache and coalescing (off unless given; scope defaults to the endpoint). */
  sharing?: Omit<UpstreamSharingOptions, 'scope'> & { scope?: string };
  /** Extra createGateway options (router secret, Relay node field names). */
  gateway?: Omit<GatewayOptions, 'client' | 'cursorSecret' | 'chainPageSize'>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const emulator = options.endpoint ? undefined : await startEmulator(options.emulator);
  const endpoint = options.endpoint ?? (emulator as EmulatorHandle).endpoint;
  const chainPageSize = options.chainPageSize ?? DEFAULT_CHAIN_PAGE_SIZE;
  const client = createDeadlineClient(
    {
      upstream: {
        maxAttempts: options.maxAttempts ?? 1,
        requestTimeoutMs: options.requestTimeoutMs ?? 5000,
        chainPageSize,
      },
    },
    { region: 'us-west-2', endpoint },
    options.limits,
    options.sharing && { scope: endpoint, ...options.sharing },
  );
  const gateway = await createGateway({
    client,
    cursorSecret: options.cursorSecret ?? randomBytes(32),
    chainPageSize,
    ...executorFromEnvironment(),
    ...options.gateway,
  });
  const url = await gateway.listen(0, '127.0.0.1');

  return {
    url,
    gateway,
    emulator,
    query: (query, variables) => postGraphQL(url, query, variables),
    async close() {
      await gateway.stop();
      client.destroy();
      await emulator?.close();
    },
  };
}

/** POSTs one GraphQL operation to `<url>/graphql` and reads the JSON answer with its status and headers. */
export async function postGraphQL<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { ...body, status: response.status, headers: response.headers };
}

/** The codes of a response's errors, in order. */
export function codes(response: { errors?: GraphQLErrorJson[] }): Array<string | undefined> {
  return (response.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * `GATEWAY_EXECUTOR=graphql-js npx vitest run` runs every suite through graphql-js's `execute` instead of the
 * default compiled executor (test/integration/executors.test.ts compares both on every run).
 */
function executorFromEnvironment(): Pick<GatewayOptions, 'executor'> {
  const executor = process.env.GATEWAY_EXECUTOR;
  if (executor === undefined || executor === '') return {};
  if (executor !== 'jit' && executor !== 'graphql-js') {
    throw new Error(`GATEWAY_EXECUTOR must be jit or graphql-js (got ${executor}).`);
  }
  return { executor };
}

/** Runs one query and returns its response with the emulator's calls it caused, by operation (none counted as 0). */
export async function queryCountingCalls<T>(
  stack: TestStack,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ response: GraphQLResponse<T>; calls: Record<string, number> }> {
  const emulator = stack.emulator;
  if (!emulator) throw new Error('queryCountingCalls needs the embedded emulator');
  const before = emulator.calls();
  const response = await stack.query<T>(query, variables);
  const calls: Record<string, number> = {};
  for (const [operation, count] of Object.entries(emulator.calls())) {
    const made = count - (before[operation] ?? 0);
    if (made > 0) calls[operation] = made;
  }
  return { response, calls };
}
