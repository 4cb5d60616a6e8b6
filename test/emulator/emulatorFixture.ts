import { DeadlineClient } from '@aws-sdk/client-deadline';
import { expect } from 'vitest';
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';

export interface EmulatorFixture {
  emulator: EmulatorHandle;
  client: DeadlineClient;
  close(): Promise<void>;
}

export function clientFor(endpoint: string): DeadlineClient {
  return new DeadlineClient({
    endpoint,
    region: 'us-west-2',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    disableHostPrefix: true,
    maxAttempts: 1,
  });
}

export async function startFixture(options: EmulatorOptions = {}): Promise<EmulatorFixture> {
  const emulator = await startEmulator(options);
  const client = clientFor(emulator.endpoint);
  return {
    emulator,
    client,
    async close() {
      client.destroy();
      await emulator.close();
    },
  };
}

/** A SigV4-looking Authorization header: the emulator checks its form, not the signature. */
export const FAKE_SIGV4 =
  'AWS4-HMAC-SHA256 Credential=x/20250602/us-west-2/deadline/aws4_request, SignedHeaders=host, Signature=00';

export async function rawRequest(
  endpoint: string,
  path: string,
  init: { method?: string; body?: string; authorization?: string | null } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (init.authorization !== null) headers.authorization = init.authorization ?? FAKE_SIGV4;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${endpoint}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

/** Awaits a rejected SDK call and checks its exception class; returns the error for further checks. */
export async function expectAwsError<T extends Error>(
  call: Promise<unknown>,
  errorClass: new (...args: never[]) => T,
): Promise<T> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, 'the call should have failed').toBeInstanceOf(errorClass);
  return error as T;
}

/** Required members of the model's output shapes (service-2.json, API 2023-10-12). */
export const REQUIRED_MEMBERS = {
  FarmSummary: ['farmId', 'displayName', 'createdAt', 'createdBy'],
  GetFarmResponse: ['farmId', 'displayName', 'createdAt', 'createdBy', 'costScaleFactor'],
  QueueSummary: [
    'farmId',
    'queueId',
    'displayName',
    'status',
    'defaultBudgetAction',
    'createdAt',
    'createdBy',
  ],
  JobSummary: [
    'jobId',
    'name',
    'lifecycleStatus',
    'lifecycleStatusMessage',
    'priority',
    'createdAt',
    'createdBy',
  ],
  SessionSummary: ['sessionId', 'fleetId', 'workerId', 'startedAt', 'lifecycleStatus'],
  GetSessionResponse: ['sessionId', 'fleetId', 'workerId', 'startedAt', 'lifecycleStatus', 'log'],
  FleetSummary: [
    'fleetId',
    'farmId',
    'displayName',
    'status',
    'workerCount',
    'minWorkerCount',
    'maxWorkerCount',
    'configuration',
    'createdAt',
    'createdBy',
  ],
  WorkerSummary: ['farmId', 'fleetId', 'workerId', 'status', 'createdAt', 'createdBy'],
} as const;

export function expectRequiredMembers(item: object, members: readonly string[]): void {
  const missing = members.filter((member) => (item as Record<string, unknown>)[member] === undefined);
  expect(missing).toEqual([]);
}
