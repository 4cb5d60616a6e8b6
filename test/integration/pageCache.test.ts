import { randomBytes } from 'node:crypto';
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPageCache } from '../../src/cache/memoryStore.js';
import type { PageCache } from '../../src/cache/types.js';
import { type Dataset, type EmulatorHandle, startEmulator } from '../../src/emulator/index.js';
import { createGateway, type GatewayOptions } from '../../src/server.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import type { UpstreamSharingOptions } from '../../src/upstream/upstreamSharing.js';
import { type GraphQLResponse, postGraphQL } from '../helpers/testStack.js';
import { type JobRef, type SessionsPageData, walkSessions } from '../helpers/walk.js';

/**
 * The cross-request page cache and request coalescing (src/upstream/upstreamSharing.ts), through the real stack,
 * measured by upstream call counts: the gateway's own (`extensions.upstream`) and the emulator's.
 */
let emulator: EmulatorHandle;
let dataset: Dataset;
let now = 1_000_000;
const clock = () => now;

interface Replica {
  query<T>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
}

const open: Array<() => Promise<void>> = [];

/** A client with the given sharing options, and gateways over it (several gateways may share one client). */
function clientWith(
  sharing: Omit<UpstreamSharingOptions, 'scope'> & { scope?: string },
  maxAttempts = 1,
): DeadlineClient {
  const client = createDeadlineClient(
    { upstream: { maxAttempts, requestTimeoutMs: 5000 } },
    { region: 'us-west-2', endpoint: emulator.endpoint },
    {},
    { scope: emulator.endpoint, ...sharing },
  );
  open.push(async () => client.destroy());
  return client;
}

async function gatewayOver(
  client: DeadlineClient,
  options: Partial<Omit<GatewayOptions, 'client'>> = {},
): Promise<Replica> {
  const gateway = await createGateway({ client, cursorSecret: CURSOR_KEY, drainMs: 0, ...options });
  const url = await gateway.listen(0, '127.0.0.1');
  open.push(() => gateway.stop());
  return {
    query: (query, variables) => postGraphQL(url, query, variables),
  };
}

const CURSOR_KEY = randomBytes(32);
const memoryCache = (): PageCache => createMemoryPageCache({ maxBytes: 16 * 2 ** 20, now: clock });

beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', sizes: { largeJobSessions: 400 } });
  dataset = emulator.dataset;
});
afterEach(async () => {
  emulator.setLatency(0);
  for (const close of open.splice(0).reverse()) await close();
});
afterAll(() => emulator.close());

const job = () => dataset.edgeJobs.get(250) as JobRef;
const sessionIdsOf = (ref: JobRef) =>
  (dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`) ?? []).map((s) => s.sessionId);

/** A job's name (BatchGetJob, TTL 5 s) and a page of its sessions (ListSessions, TTL 2 s): two resources. */
const JOB_PAGE = /* GraphQL */ `
  query JobPage($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      name
      sessions(first: $first, after: $after) {
        nodes { sessionId }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
`;

async function page(replica: Replica, variables: Record<string, unknown>) {
  const response = await replica.query<SessionsPageData>(JOB_PAGE, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return { response, ids: response.data?.job?.sessions.nodes.map((n) => n.sessionId) ?? [] };
}

describe('page cache', () => {
  it('answers a repeated query without a Deadline call, with the same data', async () => {
    const replica = await gatewayOver(clientWith({ cache: memoryCache() }));
    emulator.resetCalls();
    const first = await page(replica, { ...job(), first: 20 });
    expect(first.response.extensions?.upstream).toMatchObject({ calls: 2, cacheHits: 0 });
    expect(emulator.calls()).toEqual({ BatchGetJob: 1, ListSessions: 1 });

    const second = await page(replica, { ...job(), first: 20 });
    expect(second.response.extensions?.upstream).toMatchObject({ calls: 0, cacheHits: 2, byOperation: {} });
    expect(emulator.calls()).toEqual({ BatchGetJob: 1, ListSessions: 1 });
    expect(second.ids).toEqual(first.ids);
    expect(second.ids).toEqual(sessionIdsOf(job()).slice(0, 20));
  });

  it('keeps each resource for its own TTL (sessions 2 s, jobs 5 s by default)', async () => {
    const replica = await gatewayOver(clientWith({ cache: memoryCache() }));
    await page(replica, { ...job(), first: 5 });
    emulator.resetCalls();
    now += 2001; // sessions expired, the job still fresh
    const afterSessionTtl = await page(replica, { ...job(), first: 5 });
    expect(afterSessionTtl.response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
    now += 1999; // 4,000 ms: the job still fresh, the sessions re-cached at 2,001 ms too
    const withinJobTtl = await page(replica, { ...job(), first: 5 });
    expect(withinJobTtl.response.extensions?.upstream).toMatchObject({ calls: 0, cacheHits: 2 });
    now += 1001; // 5,001 ms: the job expired (and the sessions, 3,000 ms after they were re-cached)
    const afterJobTtl = await page(replica, { ...job(), first: 5 });
    expect(afterJobTtl.response.extensions?.upstream?.byOperation).toEqual({
      BatchGetJob: 1,
      ListSessions: 1,
    });
    expect(emulator.calls()).toEqual({ BatchGetJob: 1, ListSessions: 2 });
  });

  it('a TTL of 0 keeps a resource out of the cache', async () => {
    const replica = await gatewayOver(clientWith({ cache: memoryCache(), ttlMs: { session: 0 } }));
    await page(replica, { ...job(), first: 5 });
    const again = await page(replica, { ...job(), first: 5 });
    expect(again.response.extensions?.upstream).toMatchObject({
      byOperation: { ListSessions: 1 },
      cacheHits: 1,
    });
  });

  it('walks N sessions in pages of 10 with ⌈N/100⌉ ListSessions (+1 for the exact end), hasNextPage exact', async () => {
    const ref = dataset.edgeJobs.get(400) as JobRef;
    const replica = await gatewayOver(clientWith({ cache: memoryCache() }));
    emulator.resetCalls();
    const walk = await walkSessions(
      { query: (query, variables) => replica.query(query, variables) } as Parameters<typeof walkSessions>[0],
      ref,
      [10],
    );
    expect(walk.sessionIds).toEqual(sessionIdsOf(ref));
    expect(walk.pages).toBe(40);
    expect(walk.listSessionsCalls).toBe(emulator.calls().ListSessions);
    expect(walk.listSessionsCalls).toBeLessThanOrEqual(Math.ceil(400 / 100) + 1);
    // Without the cache the same walk costs one call per page plus the upstream page boundaries (≥ 44 here).
  });

  it('never caches a failure: the next request calls Deadline again', async () => {
    const replica = await gatewayOver(clientWith({ cache: memoryCache() }));
    emulator.failNext('ListSessions', 'InternalServerErrorException');
    const failed = await replica.query<SessionsPageData>(JOB_PAGE, { ...job(), first: 3 });
    expect(failed.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    const retried = await page(replica, { ...job(), first: 3 });
    expect(retried.response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
    expect(retried.ids).toEqual(sessionIdsOf(job()).slice(0, 3));
  });

  it("never shows a farm allow-list more than Deadline would: another user's cached pages are filtered", async () => {
    const client = clientWith({ cache: memoryCache() });
    const everyone = await gatewayOver(client);
    const [allowed, other] = dataset.farms.map((farm) => farm.farmId);
    const restricted = await gatewayOver(client, { farmAllowList: { farmIds: [allowed as string] } });
    const FARMS = 'query { farms(first: 50) { nodes { farmId } } }';
    type Farms = { farms: { nodes: Array<{ farmId: string }> } };

    const all = await everyone.query<Farms>(FARMS);
    expect(all.data?.farms.nodes.map((f) => f.farmId)).toContain(other);
    const mine = await restricted.query<Farms>(FARMS);
    expect(mine.extensions?.upstream).toMatchObject({ calls: 0, cacheHits: 1 });
    expect(mine.data?.farms.nodes.map((f) => f.farmId)).toEqual([allowed]);

    // A farm the allow-list refuses stays refused even when its answer is cached.
    const FARM = 'query($farmId: ID!) { farm(farmId: $farmId) { farmId displayName } }';
    expect((await everyone.query(FARM, { farmId: other })).errors).toBeUndefined();
    const refused = await restricted.query<{ farm: unknown }>(FARM, { farmId: other });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?.farm ?? null).toBeNull();
    expect(JSON.stringify(refused)).not.toContain(dataset.farms[1]?.displayName);
  });

  it('keeps cache scopes apart: a client of another scope does not read the first one’s answers', async () => {
    const cache = memoryCache();
    const a = await gatewayOver(clientWith({ cache, scope: 'identity-a' }));
    const b = await gatewayOver(clientWith({ cache, scope: 'identity-b' }));
    await page(a, { ...job(), first: 5 });
    const fromB = await page(b, { ...job(), first: 5 });
    expect(fromB.response.extensions?.upstream).toMatchObject({ calls: 2, cacheHits: 0 });
    const fromA = await page(a, { ...job(), first: 5 });
    expect(fromA.response.extensions?.upstream).toMatchObject({ calls: 0, cacheHits: 2 });
  });
});

describe('request coalescing', () => {
  it('50 identical requests in flight at once make one call per distinct upstream request', async () => {
    const replica = await gatewayOver(clientWith({ cache: undefined, coalesce: true }));
    // Long enough for all 50 requests to reach the gateway while the first one's call is still in flight.
    emulator.setLatency(3000);
    emulator.resetCalls();
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => page(replica, { ...job(), first: 10 })),
    );
    expect(emulator.calls()).toEqual({ BatchGetJob: 1, ListSessions: 1 });
    const expected = sessionIdsOf(job()).slice(0, 10);
    for (const { ids } of responses) expect(ids).toEqual(expected);
    const coalesced = responses.reduce((n, r) => n + (r.response.extensions?.upstream?.coalesced ?? 0), 0);
    expect(coalesced).toBe(2 * 49);
  });

  it('off: every request makes its own calls', async () => {
    const replica = await gatewayOver(clientWith({ cache: undefined, coalesce: false }));
    emulator.setLatency(50);
    emulator.resetCalls();
    await Promise.all(Array.from({ length: 5 }, () => page(replica, { ...job(), first: 10 })));
    expect(emulator.calls()).toEqual({ BatchGetJob: 5, ListSessions: 5 });
  });

  it("requests that joined a call cut by its owner's deadline make one call of their own, shared", async () => {
    const client = clientWith({ cache: undefined, coalesce: true });
    const hurried = await gatewayOver(client, { operationTimeoutMs: 150 });
    const patient = await gatewayOver(client);
    emulator.setLatency(400);
    emulator.resetCalls();
    const first = hurried.query<SessionsPageData>(JOB_PAGE, { ...job(), first: 4 });
    // Once the hurried request's first call is in flight, 20 patient ones ask for the same.
    while (emulator.inFlight() === 0) await new Promise((resolve) => setImmediate(resolve));
    const others = Array.from({ length: 20 }, () => page(patient, { ...job(), first: 4 }));
    const [cut, ...served] = await Promise.all([first, ...others]);
    expect(cut.errors?.[0]?.message).toMatch(/time budget \(150 ms\) ran out/);
    for (const { ids } of served) expect(ids).toEqual(sessionIdsOf(job()).slice(0, 4));
    // They joined the hurried request's BatchGetJob and its first sessions page (started alongside, src/resolvers/rootLookup.ts);
    // when those were cut, one of them called again and the rest joined: 2 calls each, whatever the 20.
    expect(emulator.calls()).toEqual({ BatchGetJob: 2, ListSessions: 2 });
  });

  it("a throttled call whose owner's budget refused the retry is retried by a request with a longer budget", async () => {
    const client = clientWith({ cache: undefined, coalesce: true }, 3);
    const hurried = await gatewayOver(client, { operationTimeoutMs: 600 });
    const patient = await gatewayOver(client);
    const FARMS = 'query { farms(first: 10) { nodes { farmId } } }';
    emulator.setLatency(200);
    emulator.failNext('ListFarms', 'ThrottlingException'); // Retry-After: 1 s, longer than the hurried budget
    emulator.resetCalls();
    const first = hurried.query(FARMS);
    while (emulator.inFlight() === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = patient.query<{ farms: { nodes: Array<{ farmId: string }> } }>(FARMS);
    const [throttled, served] = await Promise.all([first, second]);
    expect(throttled.errors?.[0]?.extensions?.code).toBe('UPSTREAM_THROTTLED');
    expect(served.errors).toBeUndefined();
    expect(served.data?.farms.nodes.map((farm) => farm.farmId)).toEqual(
      dataset.farms.map((farm) => farm.farmId),
    );
    expect(emulator.calls()).toEqual({ ListFarms: 2 });
  });
});
