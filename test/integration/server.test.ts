import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestStack, type TestStack } from '../helpers/testStack.js';

/** The HTTP surface around GraphQL: health, malformed bodies, and an endpoint that is not a Deadline API. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

describe('HTTP', () => {
  it('/healthz answers 200', async () => {
    const response = await fetch(`${stack.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('a body that is not JSON gets a JSON error with BAD_REQUEST, no stack trace', async () => {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{bad',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const text = await response.text();
    expect(text).not.toMatch(/\n\s+at |node_modules|SyntaxError/);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('a body over 1 MB gets 413 with BAD_REQUEST', async () => {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ farms { nodes { farmId } } } #${'x'.repeat(1_100_000)}` }),
    });
    expect(response.status).toBe(413);
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]?.extensions
        .code,
    ).toBe('BAD_REQUEST');
  });

  it('every response reports its upstream calls', async () => {
    const response = await stack.query('{ farms(first: 1) { nodes { farmId } } }');
    expect(response.extensions?.upstream).toEqual({
      calls: 1,
      attempts: 1,
      byOperation: { ListFarms: 1 },
      cacheHits: 0,
      coalesced: 0,
    });
  });
});

describe('keep-alive connections', () => {
  /** GET /healthz on `agent`: the status, the announced keep-alive, and whether an idle connection was reused. */
  const healthz = (url: string, agent: Agent) =>
    new Promise<{ status: number; keepAlive: string | undefined; reused: boolean }>((resolve, reject) => {
      const req = request(`${url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            keepAlive: res.headers['keep-alive']?.toString(),
            reused: req.reusedSocket,
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });

  it('are announced to stay open 65 s, longer than a load balancer keeps them idle (not the 5 s of Node)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await healthz(stack.url, agent)).toEqual({
        status: 200,
        keepAlive: 'timeout=65',
        reused: false,
      });
      // The next request reuses the connection (Node's client honours the announced timeout).
      expect(await healthz(stack.url, agent)).toEqual({ status: 200, keepAlive: 'timeout=65', reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('follow HTTP_KEEP_ALIVE_TIMEOUT_MS (keepAliveTimeoutMs)', async () => {
    const short = await startTestStack({ gateway: { keepAliveTimeoutMs: 2000 } });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(await healthz(short.url, agent)).toMatchObject({ status: 200, keepAlive: 'timeout=2' });
    } finally {
      agent.destroy();
      await short.close();
    }
  });
});

describe('an endpoint that is not a Deadline API', () => {
  it('untyped 404s are UPSTREAM_UNAVAILABLE naming the operation, not NOT_FOUND', async () => {
    const notDeadline = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => notDeadline.listen(0, '127.0.0.1', resolve));
    const { port } = notDeadline.address() as AddressInfo;
    const wrong = await startTestStack({ endpoint: `http://127.0.0.1:${port}` });
    try {
      const response = await wrong.query('{ farms { nodes { farmId } } }');
      expect(codes(response)).toEqual(['UPSTREAM_UNAVAILABLE']);
      expect(response.errors?.[0]?.message).toContain('ListFarms');
      expect(response.errors?.[0]?.extensions?.upstreamStatus).toBe(404);
    } finally {
      await wrong.close();
      notDeadline.close();
    }
  });
});
