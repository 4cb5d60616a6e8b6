import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayOptions } from '../../src/server.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/** `GET /` (src/http/rootPage.ts) through the real server: one page, three content types, links as configured. */
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

interface RootJson {
  name: string;
  summary: string;
  entries: Array<{ path: string; method: 'GET' | 'POST'; what: string }>;
}

async function get(url: string, accept?: string): Promise<{ status: number; type: string; body: string }> {
  const response = await fetch(url, accept === undefined ? {} : { headers: { accept } });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

/** The `href`s of an HTML page, in order. */
const links = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]);

/** Starts a stack with `options`, runs `body`, and always closes the stack. */
async function withStack(options: Partial<GatewayOptions>, body: (url: string) => Promise<void>) {
  const stack = await startTestStack({ gateway: options });
  try {
    await body(stack.url);
  } finally {
    await stack.close();
  }
}

describe('GET / with the default (development) settings', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it('a browser gets an HTML page linking the playground, the demo, the health checks and the metrics', async () => {
    const response = await fetch(`${stack.url}/`, { headers: { accept: BROWSER } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('vary')).toMatch(/accept/i);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'sha256-/);
    const html = await response.text();
    expect(html).toContain('<title>Deadline GraphQL gateway</title>');
    expect(links(html)).toEqual(['data:,', '/graphql', '/demo', '/healthz', '/readyz', '/metrics']);
    expect(html).toContain('<code>POST /graphql</code>');
    // No script and nothing from elsewhere.
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('every link it shows answers 200 to a browser', async () => {
    const { body } = await get(`${stack.url}/`, BROWSER);
    for (const path of links(body).filter((href) => href?.startsWith('/'))) {
      expect((await get(`${stack.url}${path}`, BROWSER)).status, path).toBe(200);
    }
  });

  it('Accept: application/json gets the same entries as JSON', async () => {
    const response = await get(`${stack.url}/`, 'application/json');
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^application\/json/);
    const json = JSON.parse(response.body) as RootJson;
    expect(json.name).toBe('Deadline GraphQL gateway');
    expect(json.entries.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'GET /graphql',
      'POST /graphql',
      'GET /demo',
      'GET /healthz',
      'GET /readyz',
      'GET /metrics',
    ]);
  });

  it.each([
    ['curl (*/*)', '*/*'],
    ['text/plain', 'text/plain'],
    ['a type it does not offer (image/png)', 'image/png'],
  ])('%s gets plain text', async (_name, accept) => {
    const response = await get(`${stack.url}/`, accept);
    expect(response.status).toBe(200);
    expect(response.type).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/^Deadline GraphQL gateway\. /);
    for (const line of ['GET  /graphql', 'POST /graphql', 'GET  /demo', 'GET  /healthz', 'GET  /readyz']) {
      expect(response.body).toContain(line);
    }
    expect(response.body).toContain("Try: curl -H 'content-type: application/json'");
  });

  it('HEAD / answers 200 without a body', async () => {
    const response = await fetch(`${stack.url}/`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('other unknown paths, and other methods on /, are still 404', async () => {
    for (const [method, path] of [
      ['GET', '/index.html'],
      ['GET', '/nope'],
      ['GET', '/demo/nope'],
      ['POST', '/'],
    ] as const) {
      const response = await fetch(`${stack.url}${path}`, { method, headers: { accept: BROWSER } });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await response.text(), `${method} ${path}`).toContain(`Cannot ${method}`);
    }
  });
});

describe('GET / follows the configuration', () => {
  it('landing page off: /graphql is not a link, the page says to POST to it', async () => {
    await withStack({ landingPage: 'off' }, async (url) => {
      const { body } = await get(`${url}/`, BROWSER);
      expect(links(body)).toEqual(['data:,', '/demo', '/healthz', '/readyz', '/metrics']);
      expect(body).toContain('<code>POST /graphql</code>');
      const json = JSON.parse((await get(`${url}/`, 'application/json')).body) as RootJson;
      expect(json.entries.filter((entry) => entry.path === '/graphql').map((entry) => entry.method)).toEqual([
        'POST',
      ]);
    });
  });

  it('sandbox: the /graphql link says it loads from a CDN', async () => {
    await withStack({ landingPage: 'sandbox' }, async (url) => {
      const { body } = await get(`${url}/`, BROWSER);
      expect(body).toMatch(/<a href="\/graphql">\/graphql<\/a>: Apollo Sandbox \(loaded from Apollo's CDN\)/);
    });
  });

  it('metrics off: no /metrics entry', async () => {
    await withStack({ metrics: false }, async (url) => {
      expect(links((await get(`${url}/`, BROWSER)).body)).not.toContain('/metrics');
      expect((await get(`${url}/`, '*/*')).body).not.toContain('/metrics');
    });
  });

  it('production: only POST /graphql and the health checks, even with metrics on', async () => {
    await withStack({ production: true, metrics: true }, async (url) => {
      const { status, body } = await get(`${url}/`, BROWSER);
      expect(status).toBe(200);
      expect(links(body)).toEqual(['data:,', '/healthz', '/readyz']);
      expect(body).toContain('<code>POST /graphql</code>');
      const json = JSON.parse((await get(`${url}/`, 'application/json')).body) as RootJson;
      expect(json.entries.map(({ method, path }) => `${method} ${path}`)).toEqual([
        'POST /graphql',
        'GET /healthz',
        'GET /readyz',
      ]);
      expect((await get(`${url}/`, '*/*')).body).not.toMatch(/\/demo|\/metrics/);
    });
  });
});
