import { randomBytes } from 'node:crypto';
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';

/**
 * The SDK client settings of the benchmark: the gateway's production defaults (README "Configuration":
 * UPSTREAM_MAX_ATTEMPTS 3, UPSTREAM_TIMEOUT_MS 5000, UPSTREAM_PAGE_SIZE 100, UPSTREAM_MAX_CONCURRENCY 32,
 * OPERATION_TIMEOUT_MS 10 s). The raw baseline of scenario 3 builds its client with the same call.
 */
export const CHAIN_PAGE_SIZE = 100;
export const UPSTREAM_MAX_CONCURRENCY = 32;

export function benchDeadlineClient(endpoint: string): DeadlineClient {
  return createDeadlineClient(
    { upstream: { maxAttempts: 3, requestTimeoutMs: 5000, chainPageSize: CHAIN_PAGE_SIZE } },
    { region: 'us-west-2', endpoint },
    { maxConcurrency: UPSTREAM_MAX_CONCURRENCY },
  );
}

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
export async function startGateway(endpoint: string): Promise<GatewayStack> {
  const client = benchDeadlineClient(endpoint);
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
    },
  };
}

export interface InProcessStack extends GatewayStack {
  emulator: EmulatorHandle;
}

/** Emulator and gateway in this process (scenarios 1, 2, 4: they read the emulator's counters directly). */
export async function startInProcessStack(emulatorOptions: EmulatorOptions): Promise<InProcessStack> {
  const emulator = await startEmulator({ host: '127.0.0.1', ...emulatorOptions });
  const stack = await startGateway(emulator.endpoint);
  return {
    ...stack,
    emulator,
    async close() {
      await stack.close();
      await emulator.close();
    },
  };
}
