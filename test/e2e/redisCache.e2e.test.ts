import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_CACHE_CONNECTION_NAME } from '../../src/cache/redisStore.js';
import { type Dataset, type EmulatorHandle, type JobRef, startEmulator } from '../../src/emulator/index.js';
import { metricValue, scrapeMetrics } from '../helpers/metrics.js';
import { postGraphQL } from '../helpers/testStack.js';
import { SESSIONS_PAGE, type SessionsPageData } from '../helpers/walk.js';
import { type GatewayProcess, type RedisServer, startGatewayProcess, startRedisServer } from './processes.js';

/**
 * Two gateway processes behind one Redis (REDIS_URL, no CURSOR_SECRET), as replicas behind a load balancer: a page
 * one replica fetched is served by the other without a Deadline call, a cursor of one is accepted by the other,
 * losing Redis degrades to one cache-less gateway per process (no errors), and sharing comes back with Redis.
 *
 * The Deadline emulator runs in this process so that its call counters are the ground truth of "no upstream call".
 */
let redis: RedisServer;
let emulator: EmulatorHandle;
let dataset: Dataset;
let probe: Redis;
const replicas: GatewayProcess[] = [];
let env: Record<string, string>;
const METRICS_TOKEN = 'e2e-scrape-token-0123456789';

beforeAll(async () => {
  redis = await startRedisServer();
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: 1 });
  dataset = emulator.dataset;
  env = {
    DEADLINE_ENDPOINT: emulator.endpoint,
    REDIS_URL: redis.url,
    CACHE_TTL_SESSION_MS: '60000',
    CACHE_TTL_JOB_MS: '60000',
    LOG_LEVEL: 'warn',
    AWS_REGION: 'us-west-2',
    METRICS_TOKEN,
    MUTATIONS: 'on',
  };
  // At once, as replicas start: both race to store the shared cursor key (SET NX), and both read the winner.
  const started = await Promise.allSettled([startGatewayProcess(env), startGatewayProcess(env)]);
  for (const result of started) if (result.status === 'fulfilled') replicas.push(result.value);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  probe = new Redis(redis.url, { retryStrategy: () => 100, maxRetriesPerRequest: 1, lazyConnect: true });
  probe.on('error', () => undefined);
});

afterAll(async () => {
  probe?.disconnect();
  await Promise.allSettled([...replicas.map((replica) => replica.stop()), redis?.kill(), emulator?.close()]);
});

function replica(index: 0 | 1): GatewayProcess {
  const found = replicas[index];
  if (!found) throw new Error(`replica ${index + 1} did not start`);
  return found;
}

const jobWith = (sessions: number): JobRef => {
  const ref = dataset.edgeJobs.get(sessions);
  if (!ref) throw new Error(`no job with ${sessions} sessions in the dataset`);
  return ref;
};

const sessionIdsOf = (ref: JobRef) =>
  (dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`) ?? []).map(
    (session) => session.sessionId,
  );

/**
 * One sessions page from one replica, checked to be a clean answer (200, no errors), with the Deadline calls it
 * cost by the gateway's own count and by the emulator's.
 */
async function sessionsPage(
  from: GatewayProcess,
  variables: JobRef & { first: number; after?: string | null },
) {
  const before = emulator.totalCalls();
  const response = await postGraphQL<SessionsPageData>(from.url, SESSIONS_PAGE, { ...variables });
  expect(response.status).toBe(200);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  const connection = response.data?.job?.sessions;
  if (!connection) throw new Error(`no sessions in ${JSON.stringify(response)}`);
  const gatewayCalls = response.extensions?.upstream?.calls;
  if (gatewayCalls === undefined) throw new Error('the response has no extensions.upstream.calls');
  return {
    data: response.data,
    ids: connection.nodes.map((node) => node.sessionId),
    endCursor: connection.pageInfo.endCursor,
    hasNextPage: connection.pageInfo.hasNextPage,
    gatewayCalls,
    emulatorCalls: emulator.totalCalls() - before,
  };
}

/**
 * The first `first` sessions of `job`, fetched by `fetcher` (with Deadline calls), then asked of `server`, which
 * must answer from Redis: no Deadline call, the same data.
 */
async function expectSharedPage(fetcher: GatewayProcess, server: GatewayProcess, job: JobRef, first: number) {
  const fetched = await sessionsPage(fetcher, { ...job, first });
  expect(fetched.gatewayCalls).toBeGreaterThan(0);
  expect(fetched.emulatorCalls).toBeGreaterThan(0);
  expect(fetched.ids).toEqual(sessionIdsOf(job).slice(0, first));

  const served = await sessionsPage(server, { ...job, first });
  expect(served.gatewayCalls).toBe(0);
  expect(served.emulatorCalls).toBe(0);
  // Cursors included: both replicas sign with the one key they found in Redis.
  expect(served.data).toEqual(fetched.data);
}

/** Page-cache connections (one per replica) that have finished ioredis' handshake (its INFO ready check). */
async function readyCacheConnections(): Promise<number> {
  if (probe.status === 'wait') await probe.connect();
  const list = (await probe.client('LIST')) as string;
  return list
    .split('\n')
    .filter((line) => line.includes(` name=${PAGE_CACHE_CONNECTION_NAME} `))
    .filter((line) => !/ cmd=(NULL|hello|client\|setname|select) /.test(line)).length;
}

describe('two gateway replicas sharing one Redis', () => {
  it('the second replica serves a page the first fetched, with zero Deadline calls and the same data', async () => {
    const before = (await scrapeMetrics(replica(1).url, METRICS_TOKEN)).text;
    await expectSharedPage(replica(0), replica(1), jobWith(250), 20);
    // Its /metrics (as `npm start` wires them, behind METRICS_TOKEN) say so: page cache hits, answered from Redis,
    // and no ListSessions.
    const after = (await scrapeMetrics(replica(1).url, METRICS_TOKEN)).text;
    expect((await scrapeMetrics(replica(1).url)).status).toBe(401);
    const delta = (name: string, labels?: Record<string, string>) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta('deadline_graphql_upstream_cache_hits_total')).toBeGreaterThan(0);
    expect(delta('deadline_graphql_page_cache_hits_total')).toBeGreaterThan(0);
    expect(delta('deadline_graphql_upstream_calls_total', { operation: 'ListSessions' })).toBe(0);
    expect(delta('deadline_graphql_operations_total', { type: 'query', outcome: 'ok' })).toBe(1);
  });

  it('a cursor from one replica continues the list on the other', async () => {
    const job = jobWith(250);
    const expected = sessionIdsOf(job);
    // 50 of the first upstream page (the gateway's chains fetch 100 at a time) ...
    const start = await sessionsPage(replica(0), { ...job, first: 50 });
    expect(start.ids).toEqual(expected.slice(0, 50));
    expect(start.hasNextPage).toBe(true);

    // ... and 80 more on the other replica: the rest of that page, then the second page, which it alone fetches.
    const next = await sessionsPage(replica(1), { ...job, first: 80, after: start.endCursor });
    expect(next.ids).toEqual(expected.slice(50, 130));
    expect(next.gatewayCalls).toBeGreaterThan(0);
    // And back: the first replica continues from the second's cursor.
    const third = await sessionsPage(replica(0), { ...job, first: 30, after: next.endCursor });
    expect(third.ids).toEqual(expected.slice(130, 160));
    // The upstream page the second replica fetched is in Redis for the first one.
    const again = await sessionsPage(replica(0), { ...job, first: 80, after: start.endCursor });
    expect(again.data).toEqual(next.data);
    expect(again.gatewayCalls).toBe(0);
    expect(again.emulatorCalls).toBe(0);
  });

  it('a persisted query registered on one replica is known to the other (APQ in Redis)', async () => {
    const query = '{ farms(first: 5) { nodes { farmId displayName } } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const extensions = { persistedQuery: { version: 1, sha256Hash } };
    const byHash = async (from: GatewayProcess) => {
      const url = new URL('/graphql', from.url);
      url.searchParams.set('extensions', JSON.stringify(extensions));
      const response = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
      return (await response.json()) as {
        data?: unknown;
        errors?: Array<{ extensions?: { code?: string } }>;
      };
    };
    // Unknown to both replicas at first.
    expect((await byHash(replica(1))).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await fetch(`${replica(0).url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions }),
    });
    expect(registered.status).toBe(200);
    const served = await byHash(replica(1));
    expect(served.errors).toBeUndefined();
    expect(served.data).toEqual({
      farms: { nodes: dataset.farms.slice(0, 5).map(({ farmId, displayName }) => ({ farmId, displayName })) },
    });
  });

  it('keeps answering, each replica on its own, while Redis is down; shares again once it is back', async () => {
    await redis.kill();
    const job = jobWith(101);
    const expected = sessionIdsOf(job).slice(0, 10);
    const one = await sessionsPage(replica(0), { ...job, first: 10 });
    const two = await sessionsPage(replica(1), { ...job, first: 10 });
    expect(one.ids).toEqual(expected);
    expect(two.ids).toEqual(expected);
    expect(one.gatewayCalls).toBeGreaterThan(0);
    expect(one.emulatorCalls).toBeGreaterThan(0);
    // Nothing shared: the second replica cannot see what the first fetched.
    expect(two.gatewayCalls).toBeGreaterThan(0);
    expect(two.emulatorCalls).toBeGreaterThan(0);
    // The cursors still work across replicas: the key was read from Redis at start-up and kept.
    const continued = await sessionsPage(replica(1), { ...job, first: 50, after: one.endCursor });
    expect(continued.ids).toEqual(sessionIdsOf(job).slice(10, 60));

    await redis.restart();
    // Both replicas reconnect by themselves (backoff ≤ 1 s): wait until Redis sees their cache connections ready.
    await expect.poll(readyCacheConnections, { timeout: 15_000, interval: 100 }).toBe(2);
    await expectSharedPage(replica(1), replica(0), jobWith(99), 25);

    // The restarted Redis was empty: the replicas stored their cursor key again as they reconnected, so a replica
    // that starts now signs with it too, and continues a cursor handed out before the restart.
    await expect
      .poll(() => probe.get('deadline-graphql:v1:cursor-key'), { timeout: 15_000, interval: 100 })
      .not.toBeNull();
    const late = await startGatewayProcess(env);
    try {
      const resumed = await sessionsPage(late, { ...job, first: 50, after: one.endCursor });
      expect(resumed.ids).toEqual(sessionIdsOf(job).slice(10, 60));
      const back = await sessionsPage(replica(0), { ...job, first: 10, after: resumed.endCursor });
      expect(back.ids).toEqual(sessionIdsOf(job).slice(60, 70));
    } finally {
      await late.stop();
    }
  });
});

describe('read-your-writes across replicas', () => {
  const JOB = /* GraphQL */ `
    query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { priority }
    }
  `;
  const UPDATE = /* GraphQL */ `
    mutation ($input: UpdateJobInput!) { updateJob(input: $input) { job { priority } } }
  `;
  async function priorityFrom(from: GatewayProcess, ref: JobRef) {
    const before = emulator.totalCalls();
    const response = await postGraphQL<{ job: { priority: number } }>(from.url, JOB, { ...ref });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return { priority: response.data?.job.priority, calls: emulator.totalCalls() - before };
  }

  it('a job changed through one replica is read afresh by the other, which had it cached', async () => {
    const ref = jobWith(1);
    const first = await priorityFrom(replica(0), ref);
    expect(first.calls).toBe(1);
    // Cached and shared: the other replica is answered from Redis.
    await expect.poll(async () => (await priorityFrom(replica(1), ref)).calls).toBe(0);
    const changed = ((first.priority ?? 0) + 37) % 101;
    const mutation = await postGraphQL<{ updateJob: { job: { priority: number } } }>(replica(1).url, UPDATE, {
      input: { ...ref, priority: changed },
    });
    expect(mutation.errors, JSON.stringify(mutation.errors)).toBeUndefined();
    expect(mutation.data?.updateJob.job.priority).toBe(changed);
    // Replica 0's next read sees the change, not its cached copy (it may be answered by the re-read replica 1
    // shared after the change).
    const after = await priorityFrom(replica(0), ref);
    expect(after.priority).toBe(changed);
    expect(changed).not.toBe(first.priority);
    expect(
      dataset.jobs.get(`${ref.farmId}/${ref.queueId}`)?.find((job) => job.jobId === ref.jobId)?.priority,
    ).toBe(changed);
  });
});
