import { createHash, randomBytes } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.js';
import { type Dataset, generateDataset } from '../../src/emulator/index.js';
import { CursorCodec } from '../../src/pagination/cursor.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import { DATALOADER_EXAMPLE, README_FIRST_QUERY } from '../helpers/exampleQueries.js';
import {
  codes,
  type GraphQLResponse,
  startTestStack,
  type TestStack,
  type TestStackOptions,
} from '../helpers/testStack.js';

/**
 * Response caching through the real stack (src/plugins/cacheControlPlugin.ts, docs/caching.md, "Response caching and
 * persisted queries"): `Cache-Control` from the schema's hints on GET queries, `no-store` otherwise, `private`
 * behind JWT authentication, a farm allow-list or a router secret; automatic persisted queries over GET.
 */

interface Request {
  query?: string;
  variables?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A GET /graphql with URL parameters; `apollo-require-preflight` passes Apollo's CSRF prevention. */
async function get<T = Record<string, unknown>>(
  stack: TestStack,
  request: Request,
): Promise<GraphQLResponse<T>> {
  const url = new URL(`${stack.url}/graphql`);
  if (request.query !== undefined) url.searchParams.set('query', request.query);
  if (request.variables) url.searchParams.set('variables', JSON.stringify(request.variables));
  if (request.extensions) url.searchParams.set('extensions', JSON.stringify(request.extensions));
  const response = await fetch(url, {
    headers: { accept: 'application/json', 'apollo-require-preflight': 'true', ...request.headers },
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { ...body, status: response.status, headers: response.headers };
}

async function post<T = Record<string, unknown>>(
  stack: TestStack,
  request: Request,
): Promise<GraphQLResponse<T>> {
  const { headers, ...operation } = request;
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(operation),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { ...body, status: response.status, headers: response.headers };
}

const cacheControl = (response: GraphQLResponse<unknown>) => response.headers.get('cache-control');

function expectData(response: GraphQLResponse<unknown>) {
  expect(response.status).toBe(200);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  expect(response.data).toBeTruthy();
}

const FARM_QUERY = `query Farm($farmId: ID!) { farm(farmId: $farmId) { displayName queues(first: 3) { nodes { displayName } pageInfo { hasNextPage } } } }`;
const JOB_QUERY = `query Job($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { name priority queue { displayName } } }`;
const SESSIONS_QUERY = `query Sessions($farmId: ID!, $queueId: ID!, $jobId: ID!) {
  farm(farmId: $farmId) { displayName }
  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
    name
    sessions(first: 5) { edges { cursor node { lifecycleStatus startedAt } } pageInfo { endCursor } }
  }
}`;

let dataset: Dataset;
let farmId: string;
let job: { farmId: string; queueId: string; jobId: string };

function idsFrom(stack: TestStack) {
  dataset = stack.emulator?.dataset as Dataset;
  farmId = (dataset.farms[0] as { farmId: string }).farmId;
  job = dataset.edgeJobs.get(dataset.sizes.largeJobSessions) as typeof job;
}

const SIZES: NonNullable<TestStackOptions['emulator']> = { sizes: { largeJobSessions: 12 } };

describe('Cache-Control on the open gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ emulator: SIZES });
    idsFrom(stack);
  });
  afterAll(() => stack.close());

  it('a GET farm query: max-age=60, public (farm, queue list and queues are all 60 s)', async () => {
    const response = await get(stack, { query: FARM_QUERY, variables: { farmId } });
    expectData(response);
    expect(cacheControl(response)).toBe('max-age=60, public');
    // A cache keyed by URL alone would serve one client's content type to another.
    expect(response.headers.get('vary')).toMatch(/\baccept\b/i);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('a GET job query: 5 s; with its sessions and a farm: 2 s, the smallest hint of the response', async () => {
    const jobResponse = await get(stack, { query: JOB_QUERY, variables: job });
    expectData(jobResponse);
    expect(cacheControl(jobResponse)).toBe('max-age=5, public');
    const sessions = await get<{ job: { sessions: { edges: unknown[] } } }>(stack, {
      query: SESSIONS_QUERY,
      variables: job,
    });
    expectData(sessions);
    expect(sessions.data?.job.sessions.edges).toHaveLength(5);
    expect(cacheControl(sessions)).toBe('max-age=2, public');
  });

  it('a GET answer carries an ETag, and revalidating with it gets 304 without a body; a POST has neither', async () => {
    const url = new URL(`${stack.url}/graphql`);
    url.searchParams.set('query', FARM_QUERY);
    url.searchParams.set('variables', JSON.stringify({ farmId }));
    const headers = { accept: 'application/json', 'apollo-require-preflight': 'true' };
    const first = await fetch(url, { headers });
    const body = await first.text();
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);
    expect(Number(first.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    // node:http, not fetch: fetch adds `cache-control: no-cache` to a conditional request, which forbids a 304.
    const again = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      httpGet(url, { headers: { ...headers, 'if-none-match': etag as string } }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      }).on('error', reject);
    });
    expect(again).toEqual({ status: 304, body: '' });
    const posted = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: FARM_QUERY, variables: { farmId } }),
    });
    const postedBody = await posted.text();
    expect(posted.headers.get('etag')).toBeNull();
    expect(Number(posted.headers.get('content-length'))).toBe(Buffer.byteLength(postedBody));
    expect(JSON.parse(postedBody)).toEqual(JSON.parse(body));
  });

  it('POST: no-store, whatever the hints', async () => {
    const response = await post(stack, { query: FARM_QUERY, variables: { farmId } });
    expectData(response);
    expect(cacheControl(response)).toBe('no-store');
  });

  it('a GET whose response has an error: no-store (a missing farm, a validation error)', async () => {
    const missing = await get(stack, {
      query: FARM_QUERY,
      variables: { farmId: `farm-${'0'.repeat(31)}9` },
    });
    expect(codes(missing)).toEqual(['NOT_FOUND']);
    expect(cacheControl(missing)).toBe('no-store');
    const invalid = await get(stack, { query: '{ farm { nope } }' });
    expect(invalid.status).toBe(400);
    expect(cacheControl(invalid)).toBe('no-store');
  });

  it('introspection, __typename alone and _service { sdl }: no-store (no cacheable maxAge)', async () => {
    for (const query of ['{ __schema { queryType { name } } }', '{ __typename }', '{ _service { sdl } }']) {
      const response = await get(stack, { query });
      expectData(response);
      expect(cacheControl(response), query).toBe('no-store');
    }
  });

  it("agrees with Apollo Server's built-in per-field plugin on the same operations and data", async () => {
    // A second Apollo Server over the same schema and emulator, with Apollo's default cache control plugin.
    const client = createDeadlineClient(
      { upstream: { maxAttempts: 1, requestTimeoutMs: 5000, chainPageSize: 100 } },
      { region: 'us-west-2', endpoint: stack.emulator?.endpoint as string },
    );
    const reference = new ApolloServer({
      schema: buildGatewaySchema(),
      plugins: [ApolloServerPluginInlineTraceDisabled()],
    });
    await reference.start();
    try {
      const cases: Array<[string, Record<string, unknown>]> = [
        [FARM_QUERY, { farmId }],
        [JOB_QUERY, job],
        [SESSIONS_QUERY, job],
        [README_FIRST_QUERY, {}],
        [DATALOADER_EXAMPLE, job],
        [
          'query($farmId: ID!) { farm(farmId: $farmId) { fleets { nodes { workers { nodes { status } } } } } }',
          { farmId },
        ],
      ];
      for (const [query, variables] of cases) {
        const contextValue = createContext(client, {
          cursors: new CursorCodec(randomBytes(32)),
          chainPageSize: 100,
        });
        const expected = await reference.executeOperation({ query, variables }, { contextValue });
        expect(expected.body.kind === 'single' && expected.body.singleResult.errors).toBeFalsy();
        const response = await get(stack, { query, variables });
        expectData(response);
        expect(cacheControl(response), query).toBe(expected.http.headers.get('cache-control'));
      }
    } finally {
      await reference.stop();
      client.destroy();
    }
  });
});

describe('automatic persisted queries over GET', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ emulator: SIZES });
    idsFrom(stack);
  });
  afterAll(() => stack.close());

  const QUERY = `query ApqFarm($farmId: ID!) { farm(farmId: $farmId) { farmId displayName } }`;
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const persisted = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

  it('hash only before registration: PersistedQueryNotFound; POST registers; then the hash alone answers', async () => {
    const before = stack.emulator?.totalCalls();
    const notFound = await get(stack, { variables: { farmId }, extensions: persisted(sha256(QUERY)) });
    expect(notFound.status).toBe(200);
    expect(notFound.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);
    // Apollo's own header on this error, kept: the client must retry with the query, never a cached miss.
    expect(cacheControl(notFound)).toBe('private, no-cache, must-revalidate');
    expect(stack.emulator?.totalCalls()).toBe(before);

    const registered = await post<{ farm: { farmId: string } }>(stack, {
      query: QUERY,
      variables: { farmId },
      extensions: persisted(sha256(QUERY)),
    });
    expectData(registered);
    expect(registered.data?.farm.farmId).toBe(farmId);
    expect(cacheControl(registered)).toBe('no-store');

    const hit = await get<{ farm: { farmId: string } }>(stack, {
      variables: { farmId },
      extensions: persisted(sha256(QUERY)),
    });
    expectData(hit);
    expect(hit.data).toEqual(registered.data);
    expect(cacheControl(hit)).toBe('max-age=60, public');
  });

  it('a hash that does not match the query: 400 BAD_REQUEST, nothing registered', async () => {
    const other = `${QUERY} `;
    const wrong = await post(stack, {
      query: other,
      variables: { farmId },
      extensions: persisted(sha256(QUERY)),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.errors).toEqual([
      { message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } },
    ]);
    expect(cacheControl(wrong)).toBe('no-store');
    const notRegistered = await get(stack, { variables: { farmId }, extensions: persisted(sha256(other)) });
    expect(codes(notRegistered)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('never public behind authentication, an allow-list or a router secret', () => {
  const ISSUER = 'https://idp.test.example/';
  const AUDIENCE = 'deadline-graphql';
  const SECRET = 'an-hs256-secret-that-is-at-least-32-chars';
  const token = () =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it('JWT authentication: GET max-age=60, private; POST no-store', async () => {
    const stack = await startTestStack({
      emulator: SIZES,
      gateway: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE } },
    });
    try {
      idsFrom(stack);
      const headers = { authorization: `Bearer ${await token()}` };
      const response = await get(stack, { query: FARM_QUERY, variables: { farmId }, headers });
      expectData(response);
      expect(cacheControl(response)).toBe('max-age=60, private');
      const posted = await post(stack, { query: FARM_QUERY, variables: { farmId }, headers });
      expectData(posted);
      expect(cacheControl(posted)).toBe('no-store');
    } finally {
      await stack.close();
    }
  });

  it('a static farm allow-list: private', async () => {
    // The emulator's data is a function of its seed and sizes: the same farms as the stack below will serve.
    const allowed = generateDataset(1, SIZES.sizes).farms[0]?.farmId as string;
    const stack = await startTestStack({
      emulator: SIZES,
      gateway: { farmAllowList: { farmIds: [allowed] } },
    });
    try {
      idsFrom(stack);
      expect(farmId).toBe(allowed);
      const response = await get(stack, { query: FARM_QUERY, variables: { farmId } });
      expectData(response);
      expect(cacheControl(response)).toBe('max-age=60, private');
    } finally {
      await stack.close();
    }
  });

  it('a router secret: private', async () => {
    const secret = 'router-secret-for-cache-control-tests';
    const stack = await startTestStack({ emulator: SIZES, gateway: { routerSecret: secret } });
    try {
      idsFrom(stack);
      const response = await get(stack, {
        query: FARM_QUERY,
        variables: { farmId },
        headers: { 'router-authorization': secret },
      });
      expectData(response);
      expect(cacheControl(response)).toBe('max-age=60, private');
    } finally {
      await stack.close();
    }
  });
});
