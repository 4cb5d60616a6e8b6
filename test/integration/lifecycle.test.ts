import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { codes, startTestStack } from '../helpers/testStack.js';

/** Readiness, graceful shutdown and production mode. */
describe('/readyz', () => {
  it('is 200 while Deadline answers and 503 with a reason once it cannot be reached', async () => {
    const stack = await startTestStack({ gateway: { readinessCacheMs: 0 } });
    try {
      const ready = await fetch(`${stack.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
      await stack.emulator?.close();
      const down = await fetch(`${stack.url}/readyz`);
      expect(down.status).toBe(503);
      const body = (await down.json()) as { status: string; reason: string };
      expect(body.status).toBe('unavailable');
      expect(body.reason).toMatch(/unavailable|failed to answer/);
      // Liveness does not depend on Deadline.
      expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    } finally {
      await stack.gateway.stop();
    }
  });

  it('reuses its probe for a few seconds so that probes never load Deadline', async () => {
    const stack = await startTestStack();
    try {
      stack.emulator?.resetCalls();
      for (let i = 0; i < 5; i++) expect((await fetch(`${stack.url}/readyz`)).status).toBe(200);
      expect(stack.emulator?.calls()).toEqual({ ListFarms: 1 });
    } finally {
      await stack.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const stack = await startTestStack({ emulator: { latencyMs: 300 }, gateway: { drainMs: 5000 } });
    try {
      const inFlight = stack.query<{ farms: { nodes: unknown[] } }>('{ farms { nodes { farmId } } }');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const stopping = stack.gateway.stop();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data?.farms.nodes.length).toBeGreaterThan(0);
      await stopping;
      await expect(fetch(`${stack.url}/healthz`)).rejects.toThrow();
    } finally {
      await stack.emulator?.close();
    }
  });
});

describe('graceful shutdown with idle connections', () => {
  it('closes idle keep-alive connections at once, without waiting out the drain or the keep-alive timeout', async () => {
    // Both far longer than this test's time limit: stop() must not wait for an idle connection.
    const stack = await startTestStack({ gateway: { drainMs: 60_000, keepAliveTimeoutMs: 120_000 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const socket = await new Promise<Socket>((resolve, reject) => {
        const req = request(`${stack.url}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(req.socket as Socket));
        });
        req.on('error', reject);
        req.end();
      });
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      // The assertion is this test's time limit (5 s): waiting for the idle connection would take 60 s or more.
      await stack.close();
      await closed;
    } finally {
      agent.destroy();
    }
  });
});

describe('production mode', () => {
  it('turns introspection off and hides schema suggestions; CSRF prevention stays on', async () => {
    const stack = await startTestStack({ gateway: { production: true } });
    try {
      const introspection = await stack.query('{ __schema { types { name } } }');
      expect(codes(introspection)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(introspection.errors?.[0]?.message).toMatch(/introspection/i);

      const typo = await stack.query('{ farmz { nodes { farmId } } }');
      expect(codes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(typo.errors?.[0]?.message).not.toMatch(/Did you mean/);

      // The subgraph SDL would reveal the schema too: refused unless a router secret restricts callers.
      const sdl = await stack.query('{ _service { sdl } }');
      expect(codes(sdl)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(sdl.errors?.[0]?.message).toMatch(/ROUTER_SECRET/);

      const simpleGet = await fetch(
        `${stack.url}/graphql?query=${encodeURIComponent('{ farms { nodes { farmId } } }')}`,
      );
      expect(simpleGet.status).toBe(400);
      expect(await simpleGet.text()).toMatch(/CSRF|preflight/i);
    } finally {
      await stack.close();
    }
  });

  it('behind a router secret, production still serves `_service { sdl }` to the router', async () => {
    const secret = 's'.repeat(24);
    const stack = await startTestStack({ gateway: { production: true, routerSecret: secret } });
    try {
      const response = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'router-authorization': secret },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      const body = (await response.json()) as { data?: { _service: { sdl: string } } };
      expect(body.data?._service.sdl).toContain('@key(fields: "farmId queueId jobId")');
    } finally {
      await stack.close();
    }
  });

  it('GRAPHQL_INTROSPECTION=true (introspection: true) brings introspection back', async () => {
    const stack = await startTestStack({ gateway: { production: true, introspection: true } });
    try {
      const introspection = await stack.query<{ __schema: { queryType: { name: string } } }>(
        '{ __schema { queryType { name } } }',
      );
      expect(introspection.data?.__schema.queryType.name).toBe('Query');
    } finally {
      await stack.close();
    }
  });

  it('outside production, suggestions help developers', async () => {
    const stack = await startTestStack();
    try {
      const typo = await stack.query('{ farmz { nodes { farmId } } }');
      expect(typo.errors?.[0]?.message).toMatch(/Did you mean "farms?"/);
    } finally {
      await stack.close();
    }
  });
});

describe('operation logs', () => {
  it('one JSON line per operation: name, duration, upstream calls, error codes; never variables or cursors', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const stack = await startTestStack({ gateway: { logger } });
    try {
      const job = stack.emulator?.dataset.edgeJobs.get(250);
      const page = await stack.query<{ job: { sessions: { pageInfo: { endCursor: string } } } }>(
        'query Sessions($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: 2) { pageInfo { endCursor } } } }',
        { f: job?.farmId, q: job?.queueId, j: job?.jobId },
      );
      const cursor = page.data?.job.sessions.pageInfo.endCursor ?? '';
      await stack.query('query Bad($after: String) { farms(after: $after) { nodes { farmId } } }', {
        after: 'garbage',
      });
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const operations = records.filter((r) => r.msg === 'graphql operation');
      expect(operations).toHaveLength(2);
      expect(operations[0]).toMatchObject({
        operationName: 'Sessions',
        operationType: 'query',
        status: 200,
        upstream: { calls: 1, byOperation: { ListSessions: 1 } },
        cost: { actualUpstreamCalls: 1 },
      });
      const cost = operations[0]?.cost as { estimatedUpstreamCalls: number } | undefined;
      expect(cost?.estimatedUpstreamCalls).toBeGreaterThanOrEqual(1);
      expect(typeof operations[0]?.durationMs).toBe('number');
      expect(operations[1]).toMatchObject({
        operationName: 'Bad',
        status: 400,
        errorCodes: ['INVALID_CURSOR'],
      });
      const text = lines.join('\n');
      expect(text).not.toContain(cursor);
      expect(text).not.toContain(job?.jobId ?? 'never');
      expect(text).not.toContain('garbage');
    } finally {
      await stack.close();
    }
  });
});
