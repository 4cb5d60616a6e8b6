import '../../src/execution/graphqlProductionMode.js';
import { randomBytes } from 'node:crypto';
import { DeadlineClient } from '@aws-sdk/client-deadline';
import { DEFAULT_CHAIN_PAGE_SIZE, loadConfig } from '../../src/config.js';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logging.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { setUpSharedState } from '../../src/sharedState.js';
import { DEFAULT_UPSTREAM_CONCURRENCY } from '../../src/upstream/concurrencyLimit.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import type { UpstreamSharingOptions } from '../../src/upstream/upstreamSharing.js';

/**
 * The SDK client settings of the benchmark: the gateway's production defaults (docs/configuration.md:
 * UPSTREAM_MAX_ATTEMPTS 3, UPSTREAM_TIMEOUT_MS 5000, UPSTREAM_PAGE_SIZE 100, UPSTREAM_MAX_CONCURRENCY 64,
 * OPERATION_TIMEOUT_MS 10 s). The raw baseline of scenario 3 builds its client with the same call.
 */
export const CHAIN_PAGE_SIZE = DEFAULT_CHAIN_PAGE_SIZE;
export const UPSTREAM_MAX_CONCURRENCY = DEFAULT_UPSTREAM_CONCURRENCY;

/**
 * The raw SDK script's client: `@aws-sdk/client-deadline` as its documentation shows it (`new DeadlineClient`, the
 * SDK's own protocol, deserialization and retry strategy, `client.send(new …Command)`), with the gateway client's
 * keep-alive sockets, attempts and request timeout: on a successful call they differ only in what the gateway's
 * client adds or removes.
 */
export function documentedSdkClient(endpoint: string): DeadlineClient {
  const agent = { keepAlive: true, maxSockets: Math.max(50, UPSTREAM_MAX_CONCURRENCY) };
  return new DeadlineClient({
    region: 'us-west-2',
    endpoint,
    disableHostPrefix: true,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
    maxAttempts: 3,
    requestHandler: { requestTimeout: 5000, httpAgent: agent, httpsAgent: agent },
  });
}

export function benchDeadlineClient(endpoint: string, sharing?: UpstreamSharingOptions): DeadlineClient {
  return createDeadlineClient(
    { upstream: { maxAttempts: 3, requestTimeoutMs: 5000, chainPageSize: CHAIN_PAGE_SIZE } },
    { region: 'us-west-2', endpoint },
    { maxConcurrency: UPSTREAM_MAX_CONCURRENCY },
    sharing,
  );
}

/**
 * `caches-off`: no page cache, no coalescing (the gateway's own cost: every request goes to Deadline).
 * `defaults`: what `npm start` runs with (the configuration defaults: in-memory page cache, default TTLs,
 * coalescing), built by the same code as src/index.ts.
 */
export type CacheMode = 'caches-off' | 'defaults';

export interface GatewayStack {
  url: string;
  gateway: Gateway;
  client: DeadlineClient;
  close(): Promise<void>;
}

/**
 * The gateway as `test/helpers/testStack.ts` builds it: `createDeadlineClient` → `createGateway` (the one server
 * factory) → listen on an ephemeral loopback port. Default gateway options (limits, plugins, no auth).
 */
export async function startGateway(endpoint: string, mode: CacheMode): Promise<GatewayStack> {
  const shared =
    mode === 'defaults' ? await setUpSharedState(loadConfig({}), endpoint, silentLogger) : undefined;
  const client = benchDeadlineClient(endpoint, shared?.sharing);
  const gateway = await createGateway({
    client,
    cursorSecret: randomBytes(32),
    chainPageSize: CHAIN_PAGE_SIZE,
    drainMs: 0,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return {
    url,
    gateway,
    client,
    async close() {
      await gateway.stop();
      client.destroy();
      await shared?.close();
    },
  };
}

export interface InProcessStack extends GatewayStack {
  emulator: EmulatorHandle;
}

/** Emulator and gateway in this process (scenarios 1, 2, 4: they read the emulator's counters directly). */
export async function startInProcessStack(
  emulatorOptions: EmulatorOptions,
  mode: CacheMode,
): Promise<InProcessStack> {
  const emulator = await startEmulator({ host: '127.0.0.1', ...emulatorOptions });
  const stack = await startGateway(emulator.endpoint, mode);
  return {
    ...stack,
    emulator,
    async close() {
      await stack.close();
      await emulator.close();
    },
  };
}
