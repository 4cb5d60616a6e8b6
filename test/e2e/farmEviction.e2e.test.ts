import { type DeadlineClient, GetJobCommand, type GetJobCommandOutput } from '@aws-sdk/client-deadline';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRedisPageCache } from '../../src/cache/redisStore.js';
import type { FarmGenerations, PageCache } from '../../src/cache/types.js';
import { type Dataset, type EmulatorHandle, type JobRef, startEmulator } from '../../src/emulator/index.js';
import { createDeadlineClient, settingsOf } from '../../src/upstream/deadlineClient.js';
import { DeadlineUpstream } from '../../src/upstream/deadlineUpstream.js';
import { UpstreamCallTally } from '../../src/upstream/upstreamCalls.js';
import type { UpstreamSharing } from '../../src/upstream/upstreamSharing.js';
import { type RedisServer, startRedisServer } from './processes.js';

/**
 * Read-your-writes across replicas (`UpstreamSharing.evictFarm`, farm generations in Redis): two gateway instances
 * (each its own DeadlineClient, Redis page cache with its L1, and coalescing) on one real redis-server, in front of
 * the embedded Deadline emulator, whose call counter is the ground truth of "answered from a cache or not".
 * The mutations themselves are not here (issue 18): an eviction is what a mutation calls once its write is done.
 */
const COMMAND_TIMEOUT_MS = 100;

let redis: RedisServer;
let raw: Redis;
let emulator: EmulatorHandle;
let dataset: Dataset;
let prefixCounter = 0;
const open: Array<() => Promise<void>> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  raw.on('error', () => undefined);
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, seed: 1 });
  dataset = emulator.dataset;
});

beforeEach(async () => {
  if (!redis.running) await redis.restart();
});

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

afterAll(async () => {
  raw?.disconnect();
  await Promise.allSettled([redis?.kill(), emulator?.close()]);
});

interface Replica {
  client: DeadlineClient;
  cache: PageCache;
  sharing: UpstreamSharing;
  generations: FarmGenerations;
  states: string[];
  /** One GraphQL request's access to Deadline. */
  request(): DeadlineUpstream;
}

/** A gateway instance on the suite's Redis under `prefix` (tests share no keys), once its cache is connected. */
async function replica(prefix: string): Promise<Replica> {
  const states: string[] = [];
  const cache = createRedisPageCache({
    url: redis.url,
    keyPrefix: prefix,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    onStateChange: (state) => states.push(state),
  });
  const client = createDeadlineClient(
    { upstream: { maxAttempts: 1, requestTimeoutMs: 5000 } },
    { region: 'us-west-2', endpoint: emulator.endpoint },
    {},
    { scope: emulator.endpoint, cache, ttlMs: { job: 60_000 } },
  );
  open.push(async () => {
    client.destroy();
    await cache.close();
  });
  await expect.poll(() => states, { timeout: 5000 }).toContain('up');
  const sharing = settingsOf(client).sharing;
  if (!sharing || !cache.farmGenerations) throw new Error('the Redis store shares farm generations');
  return {
    client,
    cache,
    sharing,
    generations: cache.farmGenerations,
    states,
    request: () => new DeadlineUpstream(client, new UpstreamCallTally()),
  };
}

const freshPrefix = () => `evict-${process.pid}-${++prefixCounter}:`;

/** A job in each of two different farms. */
function twoFarms(): [JobRef, JobRef] {
  const refs: JobRef[] = [];
  for (const [queuePath, jobs] of dataset.jobs) {
    const [farmId, queueId] = queuePath.split('/');
    const jobId = jobs[0]?.jobId;
    if (!farmId || !queueId || !jobId || refs.some((ref) => ref.farmId === farmId)) continue;
    refs.push({ farmId, queueId, jobId });
  }
  const [first, second] = refs;
  if (!first || !second) throw new Error('the dataset has jobs in two farms');
  return [first, second];
}

/** GetJob through `upstream`, with the Deadline calls it cost (the emulator's count). */
async function getJob(upstream: DeadlineUpstream, job: JobRef) {
  const before = emulator.totalCalls();
  const output = (await upstream.call({ operation: 'GetJob' }, (client) =>
    client.send(new GetJobCommand({ farmId: job.farmId, queueId: job.queueId, jobId: job.jobId })),
  )) as GetJobCommandOutput;
  expect(output.jobId).toBe(job.jobId);
  return emulator.totalCalls() - before;
}

describe('evictFarm across replicas sharing one Redis', () => {
  it('B evicts a farm: A’s next request misses (its L1 and Redis), other farms still hit', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const b = await replica(prefix);
    const [job, otherJob] = twoFarms();

    expect(await getJob(a.request(), job)).toBe(1);
    expect(await getJob(a.request(), otherJob)).toBe(1);
    // Shared: B is answered from Redis, A from its L1.
    await expect.poll(() => getJob(b.request(), job)).toBe(0);
    expect(await getJob(a.request(), job)).toBe(0);

    await b.sharing.evictFarm(job.farmId);
    expect(await raw.exists(`${prefix}farm-generation:${job.farmId}`)).toBe(1);
    expect(await getJob(a.request(), job)).toBe(1);
    // What A read after the eviction is shared again, and the other farm was never evicted.
    await expect.poll(() => getJob(b.request(), job)).toBe(0);
    expect(await getJob(b.request(), otherJob)).toBe(0);
    expect(await getJob(a.request(), otherJob)).toBe(0);
    expect(b.sharing).toMatchObject({ evictions: 1, evictionFailures: 0 });
  });

  it('the evicting request’s own re-read misses, though it read the farm’s generation before', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const [job] = twoFarms();
    const mutating = a.request();
    expect(await getJob(mutating, job)).toBe(1);
    expect(await getJob(mutating, job)).toBe(0);
    await mutating.evictFarm(job.farmId);
    expect(await getJob(mutating, job)).toBe(1);
  });

  it('costs one MGET per request and farm (one for all the farms a request asks for at once)', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const [job, otherJob] = twoFarms();
    const reads = () => a.generations.stats().reads;
    const start = reads();
    const one = a.request();
    await getJob(one, job);
    await getJob(one, job);
    expect(reads() - start).toBe(1);
    // Two farms asked for in the same tick (as a DataLoader batch dispatch does): one MGET.
    const two = a.request();
    await Promise.all([getJob(two, job), getJob(two, otherJob)]);
    expect(reads() - start).toBe(2);
    await getJob(a.request(), job);
    expect(reads() - start).toBe(3);
    const commands = await mgetCalls();
    expect(commands).toBeGreaterThanOrEqual(3);
  });

  it('Redis down: the eviction resolves at once, holds in this replica, and is recorded when Redis is back', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const b = await replica(prefix);
    const [job, otherJob] = twoFarms();
    expect(await getJob(b.request(), job)).toBe(1);
    expect(await getJob(b.request(), otherJob)).toBe(1);
    await expect.poll(() => getJob(a.request(), job)).toBe(0);

    await redis.kill();
    await expect.poll(() => b.states, { timeout: 5000 }).toEqual(['up', 'down']);
    await expect.poll(() => a.states, { timeout: 5000 }).toEqual(['up', 'down']);
    await expect(b.sharing.evictFarm(job.farmId)).resolves.toBeUndefined();
    expect(b.sharing).toMatchObject({ evictions: 1, evictionFailures: 1 });
    expect(b.generations.stats()).toMatchObject({ renewalFailures: 1, pending: 1 });
    // B honours its own eviction: its L1 entry for the farm is not served; the other farm's still is.
    expect(await getJob(b.request(), job)).toBe(1);
    expect(await getJob(b.request(), otherJob)).toBe(0);
    // A cannot know (the documented degradation): it serves what its L1 holds, as for any Redis outage.
    expect(await getJob(a.request(), job)).toBe(0);

    await redis.restart();
    await expect.poll(() => b.generations.stats().pending, { timeout: 10_000 }).toBe(0);
    await expect.poll(() => a.states, { timeout: 10_000 }).toEqual(['up', 'down', 'up']);
    expect(await raw.exists(`${prefix}farm-generation:${job.farmId}`)).toBe(1);
    // Back: A reads the generation B recorded on reconnection, and misses.
    expect(await getJob(a.request(), job)).toBe(1);
  });

  it('Redis hung (SIGSTOP): one command timeout, then reads and evictions answer without asking it again', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const [job, otherJob] = twoFarms();
    expect(await getJob(a.request(), job)).toBe(1);
    // Its write to Redis answered (a write still waiting when Redis hangs would time out too).
    await expect.poll(() => raw.keys(`${prefix}page:*`)).toHaveLength(1);
    redis.pause();
    try {
      // The first generation read times out (one store error); the page lookup after it does not ask again.
      await getJob(a.request(), otherJob);
      expect(a.cache.stats().errors).toBe(1);
      // Within the second after it: from the L1 (the last token read), without asking Redis (no new error).
      await getJob(a.request(), job);
      await a.sharing.evictFarm(job.farmId);
      expect(a.sharing.evictionFailures).toBe(1);
      expect(await getJob(a.request(), job)).toBe(1);
      expect(a.cache.stats().errors).toBe(1);
    } finally {
      redis.resume();
    }
    await expect.poll(() => a.generations.stats().pending, { timeout: 10_000 }).toBe(0);
  });

  it('a Redis restarted empty has lost every generation: no replica serves what it kept from before', async () => {
    const prefix = freshPrefix();
    const a = await replica(prefix);
    const [job] = twoFarms();
    // Cached under the farm's first generation, then under the one its eviction gave it: both in A's L1.
    expect(await getJob(a.request(), job)).toBe(1);
    expect(await getJob(a.request(), job)).toBe(0);
    await a.sharing.evictFarm(job.farmId);
    expect(await getJob(a.request(), job)).toBe(1);
    expect(await getJob(a.request(), job)).toBe(0);

    await redis.restart();
    await expect.poll(() => a.states, { timeout: 10_000 }).toEqual(['up', 'down', 'up']);
    // The farm's token is gone with Redis's data, and so is the base a farm without one reads as: the farm does not
    // fall back to its first generation (whose L1 entry predates the eviction), it gets a new one.
    expect(await getJob(a.request(), job)).toBe(1);
    expect(await getJob(a.request(), job)).toBe(0);
  });
});

/** MGETs Redis has served since it started (INFO commandstats). */
async function mgetCalls(): Promise<number> {
  const info = await raw.info('commandstats');
  return Number(/cmdstat_mget:calls=(\d+)/.exec(info)?.[1] ?? 0);
}
