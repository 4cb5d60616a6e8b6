import {
  AccessDeniedException,
  GetFarmCommand,
  GetJobCommand,
  InternalServerErrorException,
  ListFarmsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
  ThrottlingException,
} from '@aws-sdk/client-deadline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { JobRef } from '../../src/emulator/index.js';
import { startEmulator } from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

let fixture: EmulatorFixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(() => fixture.close());
afterEach(() => {
  fixture.emulator.setFaults({ throttleRate: 0, errorRate: 0 });
  fixture.emulator.setLatency(0);
  fixture.emulator.resetCalls();
});

describe('scripted failures', () => {
  it('failNext fails the next N calls of one operation only', async () => {
    fixture.emulator.failNext('ListFarms', 'ThrottlingException', 2);
    const farmId = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    await fixture.client.send(new GetFarmCommand({ farmId }));
    const error = await expectAwsError(fixture.client.send(new ListFarmsCommand({})), ThrottlingException);
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.$retryable?.throttling).toBe(true);
    await expectAwsError(fixture.client.send(new ListFarmsCommand({})), ThrottlingException);
    await fixture.client.send(new ListFarmsCommand({}));
  });

  it("'*' matches any operation; every injectable error maps to its SDK class", async () => {
    fixture.emulator.failNext('*', 'InternalServerErrorException');
    fixture.emulator.failNext('*', 'AccessDeniedException');
    const first = await expectAwsError(
      fixture.client.send(new ListFarmsCommand({})),
      InternalServerErrorException,
    );
    expect(first.$metadata.httpStatusCode).toBe(500);
    expect(first.$fault).toBe('server');
    await expectAwsError(fixture.client.send(new ListFarmsCommand({})), AccessDeniedException);
    await fixture.client.send(new ListFarmsCommand({}));
  });

  it('a 429 carries Retry-After on the wire', async () => {
    fixture.emulator.failNext('ListFarms', 'ThrottlingException');
    const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect(response.json.message).toBeTypeOf('string');
  });
});

describe('fault rates', () => {
  it('throttleRate 1 throttles every call, errorRate 1 fails every call, 0 restores', async () => {
    fixture.emulator.setFaults({ throttleRate: 1 });
    await expectAwsError(fixture.client.send(new ListFarmsCommand({})), ThrottlingException);
    fixture.emulator.setFaults({ throttleRate: 0, errorRate: 1 });
    await expectAwsError(fixture.client.send(new ListFarmsCommand({})), InternalServerErrorException);
    fixture.emulator.setFaults({ errorRate: 0 });
    await fixture.client.send(new ListFarmsCommand({}));
  });

  it('a partial rate fails roughly that share of calls', async () => {
    fixture.emulator.setFaults({ throttleRate: 0.3 });
    let throttledCalls = 0;
    for (let i = 0; i < 100; i++) {
      const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms');
      if (response.status === 429) throttledCalls += 1;
      else expect(response.status).toBe(200);
    }
    expect(throttledCalls).toBeGreaterThan(10);
    expect(throttledCalls).toBeLessThan(55);
  });

  it('failNext rejects unknown operation names and bad counts', () => {
    expect(() => fixture.emulator.failNext('ListFarm', 'ThrottlingException')).toThrow(RangeError);
    expect(() => fixture.emulator.failNext('ListFarms', 'ThrottlingException', 0)).toThrow(RangeError);
  });

  it('rejects rates outside 0..1', () => {
    expect(() => fixture.emulator.setFaults({ errorRate: 1.5 })).toThrow(RangeError);
    expect(() => fixture.emulator.setFaults({ throttleRate: -0.1 })).toThrow(RangeError);
  });

  it('startEmulator validates its options', async () => {
    await expect(startEmulator({ throttleRate: 2 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ defaultMaxResults: 101 })).rejects.toThrow(RangeError);
    await expect(startEmulator({ sizes: { farms: 0 } })).rejects.toThrow(RangeError);
  });
});

describe('latency', () => {
  it('setLatency delays every response', async () => {
    fixture.emulator.setLatency(120);
    const started = performance.now();
    await fixture.client.send(new ListFarmsCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('an answer computed on arrival still waits out the latency: errors, unknown paths and auth failures too', async () => {
    // The emulator computes an answer when the request arrives and sends it once the latency has passed (server.ts):
    // no kind of error may skip the wait.
    fixture.emulator.setLatency(120);
    const cases = [
      { path: '/2023-10-12/farms?maxResults=0', status: 400, reason: 'FIELD_VALIDATION_FAILED' },
      { path: '/2023-10-12/no-such-thing', status: 400, reason: 'UNKNOWN_OPERATION' },
      { path: '/2023-10-12/farms', authorization: null, status: 403 },
    ];
    for (const { path, authorization, status, reason } of cases) {
      const started = performance.now();
      const response = await rawRequest(fixture.emulator.endpoint, path, { authorization });
      expect(performance.now() - started, path).toBeGreaterThanOrEqual(110);
      expect(response.status, path).toBe(status);
      if (reason) expect(response.json.reason, path).toBe(reason);
    }
  });
});

describe('denied farms', () => {
  it('every call touching a denied farm → 403 AccessDeniedException; other farms still work', async () => {
    const probe = fixture.emulator.dataset;
    const denied = probe.farms[1]?.farmId ?? '';
    const allowed = probe.farms[0]?.farmId ?? '';
    const restricted = await startFixture({ deniedFarmIds: [denied] });
    try {
      const error = await expectAwsError(
        restricted.client.send(new GetFarmCommand({ farmId: denied })),
        AccessDeniedException,
      );
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toContain(denied);
      await expectAwsError(
        restricted.client.send(new ListQueuesCommand({ farmId: denied })),
        AccessDeniedException,
      );
      const queue = probe.queues.get(denied)?.[0]?.queueId ?? '';
      await expectAwsError(
        restricted.client.send(
          new GetJobCommand({ farmId: denied, queueId: queue, jobId: `job-${'0'.repeat(32)}` }),
        ),
        AccessDeniedException,
      );
      await restricted.client.send(new GetFarmCommand({ farmId: allowed }));
      // ListFarms is authorised per account: the denied farm is still listed.
      const farms = await restricted.client.send(new ListFarmsCommand({}));
      expect(farms.farms?.map((farm) => farm.farmId)).toContain(denied);
    } finally {
      await restricted.close();
    }
  });
});

describe('call counters', () => {
  it('counts requests per operation, failures included, and resets', async () => {
    const ref = fixture.emulator.dataset.edgeJobs.get(250) as JobRef;
    fixture.emulator.resetCalls();
    await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    await expectAwsError(fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 0 })), Error);
    fixture.emulator.failNext('ListFarms', 'ThrottlingException');
    await expectAwsError(fixture.client.send(new ListFarmsCommand({})), ThrottlingException);
    await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms', { authorization: null });
    await rawRequest(fixture.emulator.endpoint, '/nowhere');
    expect(fixture.emulator.calls()).toEqual({ ListSessions: 3, ListFarms: 2, UnknownOperation: 1 });
    expect(fixture.emulator.totalCalls()).toBe(6);
    fixture.emulator.resetCalls();
    expect(fixture.emulator.calls()).toEqual({});
    expect(fixture.emulator.totalCalls()).toBe(0);
  });
});

describe('robustness', () => {
  it('survives odd requests and keeps serving', async () => {
    const odd: [string, string, string | undefined][] = [
      ['GET', `/2023-10-12/farms/${'x'.repeat(5000)}`, undefined],
      ['POST', '/2023-10-12/batch-get-worker', 'null'],
      ['POST', '/2023-10-12/batch-get-worker', '{"identifiers":[null, 1, "x"]}'],
      ['POST', '/2023-10-12/batch-get-session', JSON.stringify({ identifiers: [{}] })],
      ['HEAD', '/2023-10-12/farms', undefined],
    ];
    for (const [method, path, body] of odd) {
      const response = await fetch(`${fixture.emulator.endpoint}${path}`, {
        method,
        body,
        headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/y' },
      });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    }
    await fixture.client.send(new ListFarmsCommand({}));
  });

  it('close() stops the server', async () => {
    const local = await startFixture();
    const endpoint = local.emulator.endpoint;
    await local.close();
    await expect(fetch(`${endpoint}/2023-10-12/farms`)).rejects.toThrow();
  });
});
