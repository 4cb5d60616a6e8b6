import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FarmAccess, type FarmAllowListOptions } from '../../src/auth/farmAccess.js';
import type { JwtAuthenticationOptions } from '../../src/auth/jwt.js';
import { createContext } from '../../src/context.js';
import type { Dataset } from '../../src/emulator/index.js';
import { globalIdOf } from '../../src/ids/globalId.js';
import { CursorCodec } from '../../src/pagination/cursor.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import {
  codes,
  type GraphQLResponse,
  startTestStack,
  type TestStack,
  type TestStackOptions,
} from '../helpers/testStack.js';

/** The createGateway options of this feature (`jwt`, `farmAllowList`; see src/server.ts). */
type AuthGatewayOptions = NonNullable<TestStackOptions['gateway']> & {
  jwt?: JwtAuthenticationOptions;
  farmAllowList?: FarmAllowListOptions;
};
const gateway = (options: AuthGatewayOptions): TestStackOptions['gateway'] => options;

/**
 * Optional JWT authentication (401 UNAUTHENTICATED before the body is read) and the farm allow-list (FORBIDDEN
 * before any Deadline call; `Query.farms` filtered with exact paging), through the real stack.
 */

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const ISSUER = 'https://idp.test.example/';
const AUDIENCE = 'deadline-graphql';
const HS_SECRET = 'an-hs256-secret-that-is-at-least-32-chars';

/** POSTs an operation with extra headers; returns the status, body and headers. */
async function post<T = Record<string, unknown>>(
  stack: TestStack,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, 'status' | 'headers'>;
  return { ...body, status: response.status, headers: response.headers };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface TokenOptions {
  issuer?: string;
  audience?: string;
  expiresIn?: number | string;
  claims?: Record<string, unknown>;
  kid?: string;
}

function hsToken(options: TokenOptions = {}, secret = HS_SECRET): Promise<string> {
  return sign(new TextEncoder().encode(secret), 'HS256', options);
}

async function sign(key: PrivateKey | Uint8Array, alg: string, options: TokenOptions = {}): Promise<string> {
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg, ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject('user-1')
    .setIssuedAt();
  if (options.expiresIn !== undefined) {
    jwt.setExpirationTime(
      typeof options.expiresIn === 'number'
        ? Math.floor(Date.now() / 1000) + options.expiresIn
        : options.expiresIn,
    );
  } else {
    jwt.setExpirationTime('5m');
  }
  return jwt.sign(key);
}

const FARMS = `query { farms(first: 10) { nodes { farmId } } }`;

function expectUnauthenticated(response: GraphQLResponse<unknown>, message: RegExp, token?: string) {
  expect(response.status).toBe(401);
  expect(response.data).toBeUndefined();
  expect(response.errors).toEqual([
    { message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED' } },
  ]);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  if (token) expect(JSON.stringify(response.errors)).not.toContain(token);
}

describe('JWT authentication, HS256 static secret', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { sizes: { largeJobSessions: 10 } },
      gateway: gateway({ jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE } }),
    });
  });
  afterAll(() => stack.close());

  it('answers 200 with a valid token', async () => {
    const response = await post(stack, FARMS, {}, bearer(await hsToken()));
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect((response.data as { farms: { nodes: unknown[] } }).farms.nodes.length).toBeGreaterThan(0);
  });

  it('401 without the header, and no Deadline call', async () => {
    const before = stack.emulator?.totalCalls();
    const response = await post(stack, FARMS);
    expectUnauthenticated(response, /Authentication required.*Bearer/);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(stack.emulator?.totalCalls()).toBe(before);
  });

  it('401 for a malformed header or token', async () => {
    const valid = await hsToken();
    for (const [authorization, message] of [
      ['Bearer', /must be `Bearer <token>`/],
      [`Basic ${Buffer.from('a:b').toString('base64')}`, /must be `Bearer <token>`/],
      [`Bearer ${valid} extra`, /must be `Bearer <token>`/],
      ['Bearer not-a-jwt', /not a JWT/],
      ['Bearer a.b.c!', /not a JWT/],
      ['Bearer e30.e30.', /malformed|algorithm/],
      [`Bearer ${'a'.repeat(10_000)}.b.c`, /not a JWT/],
      [`Bearer ${valid.split('.').slice(0, 2).join('.')}.`, /malformed|signature/],
    ] as const) {
      const response = await post(stack, FARMS, {}, { authorization });
      expectUnauthenticated(response, message);
    }
  });

  it('accepts the scheme in any case', async () => {
    const response = await post(stack, FARMS, {}, { authorization: `bearer ${await hsToken()}` });
    expect(response.status).toBe(200);
  });

  it('401 for a bad signature', async () => {
    const token = await hsToken({}, 'another-secret-that-is-also-32-chars-long');
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(token)), /signature is not valid/, token);
  });

  it('401 for an expired token (beyond the small clock tolerance), and for one without exp', async () => {
    const expired = await hsToken({ expiresIn: -60 });
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(expired)), /has expired/, expired);
    // Within the default 5 s tolerance: still accepted.
    const justExpired = await hsToken({ expiresIn: -2 });
    expect((await post(stack, FARMS, {}, bearer(justExpired))).status).toBe(200);
    const noExp = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .sign(new TextEncoder().encode(HS_SECRET));
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(noExp)), /no valid expiry/, noExp);
  });

  it('401 for a token not valid yet', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setNotBefore('10m')
      .setExpirationTime('20m')
      .sign(new TextEncoder().encode(HS_SECRET));
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(token)), /not valid yet/, token);
  });

  it('401 for a wrong issuer or audience', async () => {
    const issuer = await hsToken({ issuer: 'https://evil.example/' });
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(issuer)), /issuer/, issuer);
    const audience = await hsToken({ audience: 'another-api' });
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(audience)), /audience/, audience);
  });

  it('401 for an unsigned token (alg none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = `${encode({ alg: 'none' })}.${encode({ iss: ISSUER, aud: AUDIENCE, exp: now + 60 })}.`;
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(token)), /algorithm|malformed/, token);
  });

  it('keeps /healthz open', async () => {
    const response = await fetch(`${stack.url}/healthz`);
    expect(response.status).toBe(200);
  });
});

describe('requests refused before GraphQL are logged', () => {
  /** The gateway's log lines, parsed; `msg` filters them. */
  async function withLoggedStack(
    options: AuthGatewayOptions,
    run: (stack: TestStack, refusals: () => Record<string, unknown>[], text: () => string) => Promise<void>,
  ) {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const stack = await startTestStack({
      emulator: { sizes: { largeJobSessions: 10 } },
      gateway: gateway({ ...options, logger }),
    });
    try {
      await run(
        stack,
        () =>
          lines
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .filter((record) => record.msg === 'request refused before GraphQL'),
        () => lines.join('\n'),
      );
    } finally {
      await stack.close();
    }
  }

  it('JWT: one warning per 401 with the code and the reason the client got, never the token', async () => {
    await withLoggedStack(
      { jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE } },
      async (stack, refusals, text) => {
        expect((await post(stack, FARMS, {}, bearer(await hsToken()))).status).toBe(200);
        expect(refusals()).toEqual([]);
        const forged = await hsToken({}, 'another-secret-that-is-also-32-chars-long');
        const refused = await post(stack, FARMS, {}, bearer(forged));
        expect(refused.status).toBe(401);
        await post(stack, FARMS);
        expect(refusals()).toHaveLength(2);
        expect(refusals()[0]).toMatchObject({
          level: 40,
          status: 401,
          code: 'UNAUTHENTICATED',
          reason: refused.errors?.[0]?.message,
        });
        expect(text()).not.toContain(forged);
        expect(text()).not.toContain(forged.split('.')[2] ?? 'never');
      },
    );
  });

  it('router secret: one warning per 401, never the value sent', async () => {
    const secret = 'router-secret-for-the-refusal-log-test';
    await withLoggedStack({ routerSecret: secret }, async (stack, refusals, text) => {
      expect((await post(stack, FARMS, {}, { 'router-authorization': secret })).status).toBe(200);
      expect(refusals()).toEqual([]);
      const wrong = 'router-secret-for-the-refusal-log-tesX';
      expect((await post(stack, FARMS, {}, { 'router-authorization': wrong })).status).toBe(401);
      expect(refusals()).toEqual([
        expect.objectContaining({ level: 40, status: 401, code: 'UNAUTHENTICATED' }),
      ]);
      expect(text()).not.toContain(wrong);
      expect(text()).not.toContain(secret);
    });
  });
});

describe('JWT authentication, RS256/ES256 through a local JWKS', () => {
  let stack: TestStack;
  let jwksServer: Server;
  let published: JWK[] = [];
  let jwksFetches = 0;
  let jwksFailing = false;
  const keys = new Map<string, PrivateKey>();

  async function addKey(kid: string, alg: 'RS256' | 'ES256', publish: boolean) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.set(kid, privateKey);
    if (publish) published.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    return publicKey;
  }
  const tokenFor = (kid: string, alg: 'RS256' | 'ES256' = 'RS256', options: TokenOptions = {}) =>
    sign(keys.get(kid) as PrivateKey, alg, { ...options, kid });

  beforeAll(async () => {
    await addKey('k1', 'RS256', true);
    await addKey('ec1', 'ES256', true);
    jwksServer = createServer((_req, res) => {
      jwksFetches++;
      if (jwksFailing) {
        res.writeHead(500).end('boom');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    stack = await startTestStack({
      emulator: { sizes: { largeJobSessions: 10 } },
      gateway: gateway({
        jwt: {
          jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
          issuer: ISSUER,
          audience: [AUDIENCE, 'other-audience'],
          // Tests rotate keys back to back; production keeps jose's 30 s between refetches on unknown `kid`s.
          jwksCooldownMs: 0,
        },
      }),
    });
  });
  afterAll(async () => {
    await stack.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('200 with an RS256 token, and with an ES256 one', async () => {
    expect((await post(stack, FARMS, {}, bearer(await tokenFor('k1')))).status).toBe(200);
    expect((await post(stack, FARMS, {}, bearer(await tokenFor('ec1', 'ES256')))).status).toBe(200);
  });

  it('fetches the key set once while it is fresh', async () => {
    const before = jwksFetches;
    for (let i = 0; i < 3; i++)
      expect((await post(stack, FARMS, {}, bearer(await tokenFor('k1')))).status).toBe(200);
    expect(jwksFetches).toBe(before);
  });

  it('401 for a token signed by an unpublished key (unknown kid)', async () => {
    await addKey('rogue', 'RS256', false);
    const token = await tokenFor('rogue');
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(token)), /unknown `kid`/, token);
  });

  it('401 for a known kid with a forged signature, and for the wrong audience', async () => {
    await addKey('forger', 'RS256', false);
    const forged = await sign(keys.get('forger') as PrivateKey, 'RS256', { kid: 'k1' });
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(forged)), /signature is not valid/, forged);
    const wrongAudience = await tokenFor('k1', 'RS256', { audience: 'someone-else' });
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(wrongAudience)), /audience/);
  });

  it('401 for an HS256 token (algorithm confusion)', async () => {
    const token = await hsToken({ kid: 'k1' });
    expectUnauthenticated(
      await post(stack, FARMS, {}, bearer(token)),
      /algorithm this API does not accept/,
      token,
    );
  });

  it('follows a key rotation: a new kid is fetched, a withdrawn key is refused', async () => {
    const before = jwksFetches;
    published = published.filter((key) => key.kid !== 'k1');
    await addKey('k2', 'RS256', true);
    expect((await post(stack, FARMS, {}, bearer(await tokenFor('k2')))).status).toBe(200);
    expect(jwksFetches).toBe(before + 1);
    // k1's key is cached in the gateway until the next refetch; a refetch (another unknown kid) drops it.
    await addKey('k3', 'RS256', true);
    expect((await post(stack, FARMS, {}, bearer(await tokenFor('k3')))).status).toBe(200);
    expectUnauthenticated(await post(stack, FARMS, {}, bearer(await tokenFor('k1'))), /unknown `kid`/);
  });

  it('503 AUTHENTICATION_UNAVAILABLE when the key set cannot be fetched', async () => {
    jwksFailing = true;
    try {
      await addKey('k4', 'RS256', true);
      const response = await post(stack, FARMS, {}, bearer(await tokenFor('k4')));
      expect(response.status).toBe(503);
      expect(codes(response)).toEqual(['AUTHENTICATION_UNAVAILABLE']);
      expect(response.errors?.[0]?.message).toMatch(/JWKS/);
    } finally {
      jwksFailing = false;
    }
    expect((await post(stack, FARMS, {}, bearer(await tokenFor('k4')))).status).toBe(200);
  });
});

/** The farms of the dataset, and IDs under one farm (its first queue/job/session, fleet/worker). */
function idsOf(dataset: Dataset, farmId: string) {
  const queue = dataset.queues.get(farmId)?.[0];
  const job = dataset.jobs.get(`${farmId}/${queue?.queueId}`)?.[0];
  const session = dataset.sessions.get(`${farmId}/${queue?.queueId}/${job?.jobId}`)?.[0];
  const fleet = dataset.fleets.get(farmId)?.[0];
  const worker = dataset.workers.get(`${farmId}/${fleet?.fleetId}`)?.[0];
  if (!queue || !job || !session || !fleet || !worker) throw new Error(`farm ${farmId} lacks test data`);
  return {
    farmId,
    queueId: queue.queueId,
    jobId: job.jobId,
    sessionId: session.sessionId,
    fleetId: fleet.fleetId,
    workerId: worker.workerId,
  };
}

const LOOKUPS = {
  farm: `query ($farmId: ID!) { farm(farmId: $farmId) { farmId } }`,
  queue: `query ($farmId: ID!, $queueId: ID!) { queue(farmId: $farmId, queueId: $queueId) { queueId } }`,
  job: `query ($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { jobId } }`,
  session: `query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionId: ID!) {
    session(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionId: $sessionId) { sessionId } }`,
  fleet: `query ($farmId: ID!, $fleetId: ID!) { fleet(farmId: $farmId, fleetId: $fleetId) { fleetId } }`,
  worker: `query ($farmId: ID!, $fleetId: ID!, $workerId: ID!) {
    worker(farmId: $farmId, fleetId: $fleetId, workerId: $workerId) { workerId } }`,
  nested: `query ($queueId: ID!) { farm(farmId: "FARM") { queue(queueId: $queueId) { queueId } } }`,
};

const QUEUE_JOBS = `query ($farmId: ID!, $queueId: ID!, $after: String) {
  queue(farmId: $farmId, queueId: $queueId) { jobs(first: 1, after: $after) { nodes { jobId } pageInfo { endCursor } } }
}`;

const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Job { jobId } ... on Farm { farmId } } }`;

const FARMS_PAGE = `query ($first: Int, $after: String) {
  farms(first: $first, after: $after) { nodes { farmId } pageInfo { hasNextPage endCursor } }
}`;

interface FarmsPage {
  farms: { nodes: Array<{ farmId: string }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

describe('farm allow-list (FARM_ALLOW_LIST)', () => {
  let stack: TestStack;
  /** Same emulator and cursor secret, no allow-list: hands out cursors of forbidden farms. */
  let open: TestStack;
  let dataset: Dataset;
  let allowedFarms: string[];
  let allowed: ReturnType<typeof idsOf>;
  let forbidden: ReturnType<typeof idsOf>;
  const cursorSecret = randomBytes(32);

  beforeAll(async () => {
    // 8 farms over ListFarms pages of 2: [0 1] [2 3] [4 5] [6 7]; farms 1, 5, 6 allowed, so page [2 3] filters
    // to nothing and the last page ends the list only after a look at the (empty) page after it.
    const sizes = { farms: 8, largeJobSessions: 10 };
    const probe = await startTestStack({ emulator: { sizes } });
    const farms = probe.emulator?.dataset.farms.map((farm) => farm.farmId) ?? [];
    await probe.close();
    allowedFarms = [farms[1], farms[5], farms[6]] as string[];
    stack = await startTestStack({
      emulator: { sizes },
      chainPageSize: 2,
      cursorSecret,
      gateway: gateway({ farmAllowList: { farmIds: allowedFarms } }),
    });
    dataset = stack.emulator?.dataset as Dataset;
    open = await startTestStack({ endpoint: stack.emulator?.endpoint, chainPageSize: 2, cursorSecret });
    allowed = idsOf(dataset, farms[1] as string);
    forbidden = idsOf(dataset, farms[2] as string);
  });
  afterAll(async () => {
    await open.close();
    await stack.close();
  });

  /** Runs an operation that must be refused as a whole: 403 FORBIDDEN, no Deadline call at all. */
  async function expectForbidden(query: string, variables: Record<string, unknown>) {
    const before = stack.emulator?.totalCalls() ?? -1;
    const response = await stack.query(query, variables);
    expect(response.status).toBe(403);
    expect(codes(response)).toEqual(['FORBIDDEN']);
    expect(response.errors?.[0]?.extensions).toMatchObject({ reason: 'FARM_NOT_ALLOWED' });
    expect(response.errors?.[0]?.extensions).not.toHaveProperty('http');
    expect(response.data).toBeUndefined();
    expect(response.extensions?.upstream?.calls).toBe(0);
    expect(stack.emulator?.totalCalls()).toBe(before);
    return response;
  }

  it('allowed farms resolve as usual', async () => {
    for (const query of Object.values(LOOKUPS).slice(0, 6)) {
      const response = await stack.query(query, allowed);
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    }
  });

  it('direct lookups on another farm: FORBIDDEN, HTTP 403, zero upstream calls', async () => {
    for (const query of Object.values(LOOKUPS).slice(0, 6)) {
      const response = await expectForbidden(query, forbidden);
      expect(response.errors?.[0]?.message).toContain(forbidden.farmId);
    }
    await expectForbidden(LOOKUPS.nested.replace('FARM', forbidden.farmId), { queueId: forbidden.queueId });
  });

  it('one forbidden farm refuses the whole operation, even next to allowed fields', async () => {
    await expectForbidden(
      `query ($a: ID!, $b: ID!) { a: farm(farmId: $a) { farmId } b: farm(farmId: $b) { farmId } }`,
      { a: allowed.farmId, b: forbidden.farmId },
    );
    // In a fragment, and inside an @include that is on.
    await expectForbidden(
      `query ($b: ID!, $on: Boolean!) { ...F } fragment F on Query { farm(farmId: $b) @include(if: $on) { farmId } }`,
      { b: forbidden.farmId, on: true },
    );
  });

  it('a skipped field does not count', async () => {
    const response = await stack.query(`query ($b: ID!) { farm(farmId: $b) @skip(if: true) { farmId } }`, {
      b: forbidden.farmId,
    });
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
  });

  it('node(id:) and nodes(ids:) with an ID of another farm', async () => {
    const forbiddenJob = globalIdOf('Job', forbidden);
    const allowedJob = globalIdOf('Job', allowed);
    await expectForbidden(`query ($id: ID!) { node(id: $id) { id } }`, { id: forbiddenJob });
    await expectForbidden(`query ($id: ID!) { node(id: $id) { id } }`, { id: globalIdOf('Farm', forbidden) });
    await expectForbidden(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, {
      ids: [allowedJob, forbiddenJob],
    });
    await expectForbidden(`{ node(id: "${globalIdOf('Worker', forbidden)}") { id } }`, {});
    const ok = await stack.query(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [allowedJob] });
    expect(ok.errors).toBeUndefined();
  });

  it('_entities representations of another farm, by native key and by id', async () => {
    const job = (ids: typeof allowed) => ({
      __typename: 'Job',
      farmId: ids.farmId,
      queueId: ids.queueId,
      jobId: ids.jobId,
    });
    await expectForbidden(ENTITIES, { r: [job(allowed), job(forbidden)] });
    await expectForbidden(ENTITIES, { r: [{ __typename: 'Job', id: globalIdOf('Job', forbidden) }] });
    await expectForbidden(ENTITIES, { r: [{ __typename: 'Farm', farmId: forbidden.farmId }] });
    const ok = await stack.query<{ _entities: unknown[] }>(ENTITIES, { r: [job(allowed)] });
    expect(ok.errors).toBeUndefined();
    expect(ok.data?._entities).toEqual([{ jobId: allowed.jobId }]);
  });

  it('a valid cursor of another farm’s connection: FORBIDDEN, zero calls (not INVALID_CURSOR)', async () => {
    const page = await open.query<{ queue: { jobs: { pageInfo: { endCursor: string } } } }>(
      QUEUE_JOBS,
      forbidden,
    );
    const cursor = page.data?.queue.jobs.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    await expectForbidden(QUEUE_JOBS, { ...forbidden, after: cursor });
  });

  it('a cursor of an allowed farm’s connection cannot be moved to another farm', async () => {
    const page = await stack.query<{ queue: { jobs: { pageInfo: { endCursor: string } } } }>(
      QUEUE_JOBS,
      allowed,
    );
    const cursor = page.data?.queue.jobs.pageInfo.endCursor;
    // Replayed where it belongs: fine.
    const next = await stack.query(QUEUE_JOBS, { ...allowed, after: cursor });
    expect(next.errors).toBeUndefined();
    // Replayed on a forbidden farm's queue: the farm is refused first, before any call.
    await expectForbidden(QUEUE_JOBS, { ...forbidden, after: cursor });
  });

  it('farms lists only allowed farms; a list-derived walk stays inside them', async () => {
    const response = await stack.query<{
      farms: { nodes: Array<{ farmId: string; queues: { nodes: Array<{ queueId: string }> } }> };
    }>(`{ farms(first: 100) { nodes { farmId queues(first: 1) { nodes { queueId } } } } }`);
    expect(response.errors).toBeUndefined();
    expect(response.data?.farms.nodes.map((farm) => farm.farmId)).toEqual(allowedFarms);
    const queueCalls = response.extensions?.upstream?.byOperation.ListQueues;
    expect(queueCalls).toBe(allowedFarms.length);
  });

  it('farms paging is exact: walking with first 1 gives each allowed farm once, hasNextPage false only at the end', async () => {
    for (const first of [1, 2, 3, 10]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const response: GraphQLResponse<FarmsPage> = await stack.query<FarmsPage>(FARMS_PAGE, {
          first,
          after,
        });
        expect(response.errors).toBeUndefined();
        const farms = response.data?.farms as FarmsPage['farms'];
        seen.push(...farms.nodes.map((farm) => farm.farmId));
        const remaining = allowedFarms.length - seen.length;
        expect(farms.nodes.length).toBe(
          Math.min(first, allowedFarms.length - (seen.length - farms.nodes.length)),
        );
        expect(farms.pageInfo.hasNextPage).toBe(remaining > 0);
        if (!farms.pageInfo.hasNextPage) break;
        after = farms.pageInfo.endCursor;
      }
      expect(seen).toEqual(allowedFarms);
    }
  });

  it('the runtime guard: a loader refuses another farm’s key before any call', async () => {
    const client = createDeadlineClient(
      { upstream: { maxAttempts: 1, requestTimeoutMs: 5000, chainPageSize: 2 } },
      { region: 'us-west-2', endpoint: stack.emulator?.endpoint as string },
    );
    try {
      const ctx = createContext(
        client,
        { cursors: new CursorCodec(cursorSecret), chainPageSize: 2 },
        { farmAccess: FarmAccess.only([allowed.farmId]) },
      );
      const before = stack.emulator?.totalCalls();
      const attempts = [
        ctx.loaders.Farm.load({ farmId: forbidden.farmId }),
        ctx.loaders.Job.load(forbidden),
        ctx.loaders.Session.loadDetail(forbidden),
        ctx.loaders.Worker.load(forbidden),
        ctx.loaders.Queue.pagesOf(forbidden)({ maxResults: 2, resumedFromCursor: false }),
        ctx.loaders.Session.pagesOf(forbidden)({ maxResults: 2, resumedFromCursor: false }),
      ];
      for (const attempt of attempts) {
        await expect(attempt).rejects.toMatchObject({
          extensions: { code: 'FORBIDDEN', reason: 'FARM_NOT_ALLOWED', farmId: forbidden.farmId },
        });
      }
      expect(ctx.upstreamCalls.toJSON().calls).toBe(0);
      expect(stack.emulator?.totalCalls()).toBe(before);
      await expect(ctx.loaders.Job.load(allowed)).resolves.toMatchObject({ key: { jobId: allowed.jobId } });
    } finally {
      client.destroy();
    }
  });
});

describe('farm allow-list from a JWT claim (JWT_FARMS_CLAIM)', () => {
  let stack: TestStack;
  let farms: string[];

  beforeAll(async () => {
    stack = await startTestStack({
      emulator: { sizes: { farms: 3, largeJobSessions: 10 } },
      gateway: gateway({
        jwt: { secret: HS_SECRET, issuer: ISSUER, audience: AUDIENCE },
        farmAllowList: { claim: 'farms' },
      }),
    });
    farms = stack.emulator?.dataset.farms.map((farm) => farm.farmId) ?? [];
  });
  afterAll(() => stack.close());

  const farmIds = (response: GraphQLResponse<unknown>) =>
    (response.data as { farms: { nodes: Array<{ farmId: string }> } }).farms.nodes.map((farm) => farm.farmId);

  it('lists and serves exactly the farms the token grants', async () => {
    const token = await hsToken({ claims: { farms: [farms[2], 'not-a-farm'] } });
    expect(farmIds(await post(stack, FARMS, {}, bearer(token)))).toEqual([farms[2]]);
    const spaced = await hsToken({ claims: { farms: `${farms[0]} ${farms[2]}` } });
    expect(farmIds(await post(stack, FARMS, {}, bearer(spaced)))).toEqual([farms[0], farms[2]]);
    const before = stack.emulator?.totalCalls();
    const refused = await post(stack, LOOKUPS.farm, { farmId: farms[0] }, bearer(token));
    expect(refused.status).toBe(403);
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.extensions?.upstream?.calls).toBe(0);
    expect(stack.emulator?.totalCalls()).toBe(before);
  });

  it('a token without the claim gets no farm, at no Deadline cost', async () => {
    const token = await hsToken();
    const before = stack.emulator?.totalCalls();
    const response = await post(stack, FARMS, {}, bearer(token));
    expect(farmIds(response)).toEqual([]);
    expect(response.extensions?.upstream?.calls).toBe(0);
    expect(stack.emulator?.totalCalls()).toBe(before);
  });
});
