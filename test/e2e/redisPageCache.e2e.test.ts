import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRedisPageCache } from '../../src/cache/redisStore.js';
import type { PageCache } from '../../src/cache/types.js';
import { bindingOf, CursorCodec } from '../../src/pagination/cursor.js';
import { CursorKeyRing } from '../../src/pagination/cursorKeys.js';
import {
  type CursorKeyWatch,
  sharedCursorKey,
  watchSharedCursorKey,
} from '../../src/pagination/sharedCursorKey.js';
import { type RedisServer, startRedisServer } from './processes.js';

/**
 * The Redis page cache store (src/cache/redisStore.ts) and the shared cursor key (src/pagination/sharedCursorKey.ts)
 * against a real redis-server: sharing between two store instances (two replicas), expiry, and degradation when
 * Redis crashes, hangs, and comes back on the same port.
 */
const COMMAND_TIMEOUT_MS = 100;
/** What "fast" means below: well above the command timeout, far below anything that waits on Redis. */
const FAST_MS = 1000;

/** An SDK-like output: nested data, Date timestamps, `$metadata`, and a key that looks like the codec's tag. */
function page(n: number) {
  return {
    $metadata: { httpStatusCode: 200, requestId: `req-${n}`, attempts: 1 },
    sessions: [
      { sessionId: `session-${n}`, startedAt: new Date(Date.UTC(2026, 0, n, 12)), endedAt: undefined },
      {
        sessionId: `session-${n}b`,
        startedAt: new Date(Date.UTC(2026, 1, n, 8, 30, 15, 123)),
        log: { $date: 5 },
      },
    ],
    nextToken: n % 2 === 0 ? `token-${n}` : null,
  };
}

let redis: RedisServer;
let raw: Redis;
const caches: PageCache[] = [];
const watches: CursorKeyWatch[] = [];
let prefixCounter = 0;

/** Where the store keeps `key`: the prefix, `page:`, and the key's SHA-256 (what an operator sees in Redis). */
const redisKey = (prefix: string, key: string) =>
  `${prefix}page:${createHash('sha256').update(key).digest('hex')}`;

const freshPrefix = () => `test-${process.pid}-${++prefixCounter}:`;

/**
 * A store instance on this suite's Redis (each test uses its own key prefix, so tests share no entries), once
 * connected: Redis commands are only sent once the connection is ready. `states` collects its state changes.
 */
async function connectedStore(
  prefix: string,
  options: { states?: string[]; now?: () => number; l1MaxBytes?: number } = {},
): Promise<PageCache> {
  const states = options.states ?? [];
  const cache = createRedisPageCache({
    url: redis.url,
    keyPrefix: prefix,
    commandTimeoutMs: COMMAND_TIMEOUT_MS,
    ...(options.now ? { now: options.now } : {}),
    ...(options.l1MaxBytes === undefined ? {} : { l1MaxBytes: options.l1MaxBytes }),
    onStateChange: (state, error) => states.push(error ? `${state}: ${error.message}` : state),
  });
  caches.push(cache);
  await expect.poll(() => states, { timeout: 5000 }).toContain('up');
  return cache;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

beforeAll(async () => {
  redis = await startRedisServer();
  raw = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  raw.on('error', () => undefined);
});

// A test that stopped Redis and failed before restarting it must not fail the tests after it.
beforeEach(async () => {
  if (!redis.running) await redis.restart();
});

afterAll(async () => {
  for (const watch of watches) watch.close();
  await Promise.allSettled(caches.map((cache) => cache.close()));
  raw?.disconnect();
  await redis?.kill();
});

describe('Redis page cache', () => {
  it('serves what one instance stored to another, Dates and $-keys intact, under a hashed prefixed key', async () => {
    const prefix = freshPrefix();
    const writer = await connectedStore(prefix);
    const reader = await connectedStore(prefix);
    const value = page(3);

    expect(await reader.get('ListSessions {"jobId":"job-1"}')).toBeUndefined();
    writer.set('ListSessions {"jobId":"job-1"}', value, 60_000);
    await expect.poll(() => reader.get('ListSessions {"jobId":"job-1"}')).toEqual(value);

    const got = (await reader.get('ListSessions {"jobId":"job-1"}')) as ReturnType<typeof page>;
    expect(got).not.toBe(value);
    expect(got.sessions[0]?.startedAt).toBeInstanceOf(Date);
    expect(got.sessions[1]?.startedAt.getTime()).toBe(value.sessions[1]?.startedAt.getTime());
    expect(got.sessions[1]?.log).toEqual({ $date: 5 });
    expect(got.$metadata).toEqual(value.$metadata);

    expect(await raw.keys(`${prefix}*`)).toEqual([redisKey(prefix, 'ListSessions {"jobId":"job-1"}')]);
    const pttl = await raw.pttl(redisKey(prefix, 'ListSessions {"jobId":"job-1"}'));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);

    const stats = reader.stats();
    expect(stats.hits).toBeGreaterThanOrEqual(2);
    expect(stats.misses).toBeGreaterThanOrEqual(1);
    expect(stats.entries).toBe(1);
    expect(stats.bytes).toBeGreaterThan(JSON.stringify(value).length);
    expect(stats.errors).toBe(0);
    expect(writer.stats()).toMatchObject({ sets: 1, errors: 0 });

    // Another prefix is another cache.
    const other = await connectedStore(freshPrefix());
    expect(await other.get('ListSessions {"jobId":"job-1"}')).toBeUndefined();
  });

  it('expires entries in Redis (PX), and a reader keeps a Redis hit only until the writer’s expiry', async () => {
    const prefix = freshPrefix();
    let readerClock = Date.now();
    const writer = await connectedStore(prefix);
    const reader = await connectedStore(prefix, { now: () => readerClock });

    writer.set('long', page(1), 60_000);
    await expect.poll(() => reader.get('long')).toEqual(page(1));
    // Served from the reader's L1 now; once its clock passes the writer's expiry it is a miss, L1 or not.
    readerClock += 61_000;
    expect(await reader.get('long')).toBeUndefined();

    writer.set('short', page(2), 300);
    await expect.poll(() => raw.exists(redisKey(prefix, 'short'))).toBe(1);
    await expect
      .poll(() => raw.exists(redisKey(prefix, 'short')), {
        timeout: 5000,
      })
      .toBe(0);
    const late = await connectedStore(prefix);
    expect(await late.get('short')).toBeUndefined();
  });

  it('keeps a Redis hit in its L1 (by default), or asks Redis every time with l1MaxBytes: 0', async () => {
    const prefix = freshPrefix();
    const writer = await connectedStore(prefix);
    const withL1 = await connectedStore(prefix);
    const withoutL1 = await connectedStore(prefix, { l1MaxBytes: 0 });
    writer.set('page', page(8), 60_000);
    await expect.poll(() => withL1.get('page')).toEqual(page(8));
    expect(await withoutL1.get('page')).toEqual(page(8));
    expect(withoutL1.stats()).toMatchObject({ entries: 0, bytes: 0 });

    await raw.del(redisKey(prefix, 'page'));
    expect(await withL1.get('page')).toEqual(page(8));
    expect(await withoutL1.get('page')).toBeUndefined();
  });

  it('answers misses quickly while Redis hangs (SIGSTOP), and counts the timeouts as errors', async () => {
    const prefix = freshPrefix();
    const cache = await connectedStore(prefix);
    cache.set('kept', page(4), 60_000);
    await expect.poll(() => raw.exists(redisKey(prefix, 'kept'))).toBe(1);
    redis.pause();
    try {
      const { result, ms } = await timed(() => cache.get('not in the L1'));
      expect(result).toBeUndefined();
      expect(ms).toBeLessThan(FAST_MS);
      expect(cache.stats().errors).toBe(1);
      // What this process holds in its L1 is still served.
      expect(await cache.get('kept')).toEqual(page(4));
      expect(() => cache.set('while hung', page(5), 60_000)).not.toThrow();
    } finally {
      redis.resume();
    }
  });

  it('after a timeout, leaves a hung Redis alone for a second: one timeout per second, not one per call', async () => {
    const prefix = freshPrefix();
    let clock = Date.now();
    const cache = await connectedStore(prefix, { now: () => clock });
    redis.pause();
    try {
      expect(await cache.get('a')).toBeUndefined();
      expect(cache.stats().errors).toBe(1);
      // Within the second: misses without asking Redis (no new timeout), and writes are dropped.
      expect(await cache.get('b')).toBeUndefined();
      cache.set('c', page(6), 60_000);
      expect(cache.stats().errors).toBe(1);
      clock += 1001;
      expect(await cache.get('d')).toBeUndefined();
      expect(cache.stats().errors).toBe(2);
    } finally {
      redis.resume();
    }
  });

  it('keeps a Redis hit in the L1 at most one TTL from the read, whatever the writer’s clock says', async () => {
    const prefix = freshPrefix();
    let readerClock = Date.now();
    const writer = await connectedStore(prefix, { now: () => Date.now() + 30_000 }); // its clock runs 30 s ahead
    const reader = await connectedStore(prefix, { now: () => readerClock });
    writer.set('page', page(7), 60_000);
    await expect.poll(() => reader.get('page')).toEqual(page(7));
    await raw.del(redisKey(prefix, 'page'));
    readerClock += 59_000;
    expect(await reader.get('page')).toEqual(page(7)); // from the L1, within one TTL of the read
    readerClock += 1_001;
    expect(await reader.get('page')).toBeUndefined(); // the writer's expiry is 30 s later, the L1 stops here
  });

  it('degrades to misses when Redis dies, reconnects when it is back on the same port, and shares again', async () => {
    const prefix = freshPrefix();
    const writerStates: string[] = [];
    const readerStates: string[] = [];
    const writer = await connectedStore(prefix, { states: writerStates });
    const reader = await connectedStore(prefix, { states: readerStates });
    // ioredis reports an 'error' event nobody listens to on the console (it does not throw).
    const consoleError = vi.spyOn(console, 'error');

    await redis.kill();
    await expect.poll(() => readerStates, { timeout: 5000 }).toEqual(['up', expect.stringMatching(/^down/)]);
    await expect.poll(() => writerStates, { timeout: 5000 }).toEqual(['up', expect.stringMatching(/^down/)]);

    expect(() => writer.set('during the outage', page(6), 60_000)).not.toThrow();
    const { result, ms } = await timed(() => reader.get('during the outage'));
    expect(result).toBeUndefined();
    expect(ms).toBeLessThan(FAST_MS);
    // The writer still has it in its own L1.
    expect(await writer.get('during the outage')).toEqual(page(6));
    // The cursor key cannot be read either, and says so within its deadline.
    const failed = await timed(() =>
      sharedCursorKey({ url: redis.url, keyPrefix: prefix, timeoutMs: 300 }).then(
        () => 'resolved',
        (error: Error) => error.message,
      ),
    );
    expect(failed.result).toMatch(
      /could not read the shared cursor key from Redis at redis:\/\/127\.0\.0\.1:\d+/,
    );
    expect(failed.ms).toBeLessThan(FAST_MS);

    await redis.restart();
    await expect
      .poll(() => readerStates, { timeout: 10_000 })
      .toEqual(['up', expect.stringMatching(/^down/), 'up']);
    await expect
      .poll(() => writerStates, { timeout: 10_000 })
      .toEqual(['up', expect.stringMatching(/^down/), 'up']);
    writer.set('after the outage', page(7), 60_000);
    await expect.poll(() => reader.get('after the outage')).toEqual(page(7));
    expect(consoleError).not.toHaveBeenCalled();
    consoleError.mockRestore();
  });

  it('closes without hanging while Redis is gone', async () => {
    const states: string[] = [];
    const cache = await connectedStore(freshPrefix(), { states });
    await redis.kill();
    try {
      await expect.poll(() => states).toEqual(['up', expect.stringMatching(/^down/)]);
      const { ms } = await timed(() => cache.close());
      expect(ms).toBeLessThan(FAST_MS);
      expect(await cache.get('anything')).toBeUndefined();
    } finally {
      await redis.restart();
    }
  });
});

describe('sharedCursorKey', () => {
  it('gives every replica the same 32 random bytes, one key per prefix', async () => {
    const prefix = freshPrefix();
    const [first, second] = await Promise.all([
      sharedCursorKey({ url: redis.url, keyPrefix: prefix }),
      sharedCursorKey({ url: redis.url, keyPrefix: prefix }),
    ]);
    expect(first).toHaveLength(32);
    expect(second).toEqual(first);
    expect(await raw.get(`${prefix}cursor-key`)).toBe(first.toString('base64'));
    expect(await raw.pttl(`${prefix}cursor-key`)).toBe(-1);

    const other = await sharedCursorKey({ url: redis.url, keyPrefix: freshPrefix() });
    expect(other).toHaveLength(32);
    expect(other.equals(first)).toBe(false);
  });

  it('refuses a stored value it did not write', async () => {
    const prefix = freshPrefix();
    await raw.set(`${prefix}cursor-key`, 'short');
    await expect(sharedCursorKey({ url: redis.url, keyPrefix: prefix })).rejects.toThrow(
      /cursor-key in Redis is not a base64 key of at least 32 bytes/,
    );
  });
});

describe('watchSharedCursorKey', () => {
  const binding = bindingOf('Job.sessions', 'farm-a/queue-a/job-a');
  const point = { token: 'token-1', skip: 0, pageSize: 100 };

  /** A replica's cursor keys: a ring over `key`, watched with a long interval (checks run when a test asks). */
  function replica(prefix: string, key: Buffer, events: string[] = []) {
    const ring = new CursorKeyRing(key);
    const watch = watchSharedCursorKey({
      url: redis.url,
      keyPrefix: prefix,
      ring,
      intervalMs: 60_000,
      commandTimeoutMs: 300,
      onAdopted: () => events.push('adopted'),
      onError: (error) => events.push(`error: ${error.message}`),
    });
    watches.push(watch);
    return { ring, watch, codec: new CursorCodec(ring), events };
  }

  it('gives a Redis that lost the key back the key every replica signs with', async () => {
    const prefix = freshPrefix();
    const shared = await sharedCursorKey({ url: redis.url, keyPrefix: prefix });
    const a = replica(prefix, shared);
    const b = replica(prefix, shared);
    // Each checks once on connection.
    await Promise.all([a.watch.connected(), b.watch.connected()]);
    expect(await raw.zcard(`${prefix}cursor-keys`)).toBe(1);

    await raw.del(`${prefix}cursor-key`);
    expect(await a.watch.refresh()).toBe('kept');
    expect(await raw.get(`${prefix}cursor-key`)).toBe(shared.toString('base64'));
    expect(await b.watch.refresh()).toBe('kept');
    expect(a.ring.signing).toEqual(shared);
    expect(b.ring.signing).toEqual(shared);
    expect(a.ring.retiredKeys()).toEqual([]);
    expect([...a.events, ...b.events]).toEqual([]);
  });

  it('converges on the key Redis holds, and every replica keeps accepting the cursors signed before', async () => {
    const prefix = freshPrefix();
    const k1 = await sharedCursorKey({ url: redis.url, keyPrefix: prefix });
    const a = replica(prefix, k1);
    await a.watch.connected();
    const handedOut = a.codec.encode(binding, point);

    // Redis lost the key and another replica stored its own: A adopts it at its next check ...
    const k2 = randomBytes(32);
    await raw.set(`${prefix}cursor-key`, k2.toString('base64'));
    expect(await a.watch.refresh()).toBe('adopted');
    expect(a.events).toEqual(['adopted']);
    expect(a.ring.signing).toEqual(k2);
    // ... and C, which started meanwhile with a key of its own, adopts it on connection.
    const c = replica(prefix, randomBytes(32));
    await c.watch.connected();
    expect(c.ring.signing).toEqual(k2);
    expect(c.events).toEqual(['adopted']);

    // New cursors of either are accepted by both, and by a replica that only knows k2.
    const fromA = a.codec.encode(binding, point);
    expect(c.codec.decodeFor(binding, fromA)).toEqual(point);
    expect(new CursorCodec(k2).decodeFor(binding, fromA)).toEqual(point);
    // The cursor A handed out under k1 still works on A, and on C, which learned k1 from Redis in that same check.
    expect(a.codec.decodeFor(binding, handedOut)).toEqual(point);
    expect(c.codec.decodeFor(binding, handedOut)).toEqual(point);
    expect(new CursorCodec(k2).verify(handedOut)).toBeUndefined();

    const known = await raw.zrange(`${prefix}cursor-keys`, '0', '-1', 'WITHSCORES');
    expect(known.length / 2).toBe(3);
    for (let i = 1; i < known.length; i += 2) {
      expect(Number(known[i])).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000);
    }
  });

  it('checks on connection and every intervalMs by itself', async () => {
    const prefix = freshPrefix();
    const shared = await sharedCursorKey({ url: redis.url, keyPrefix: prefix });
    const ring = new CursorKeyRing(randomBytes(32));
    const watch = watchSharedCursorKey({ url: redis.url, keyPrefix: prefix, ring, intervalMs: 100 });
    watches.push(watch);
    await expect.poll(() => ring.signing.equals(shared), { timeout: 5000 }).toBe(true);
    const k2 = randomBytes(32);
    await raw.set(`${prefix}cursor-key`, k2.toString('base64'));
    // No refresh asked: the interval's checks find it.
    await expect.poll(() => ring.signing.equals(k2), { timeout: 5000 }).toBe(true);
    expect(ring.retiredKeys()).toContainEqual(shared);
  });

  it('fails fast while Redis is away, says so once, and gives the key back to a restarted Redis', async () => {
    const prefix = freshPrefix();
    const shared = await sharedCursorKey({ url: redis.url, keyPrefix: prefix });
    const a = replica(prefix, shared);
    await a.watch.connected();
    await redis.kill();
    const failed = await timed(async () => [await a.watch.refresh(), await a.watch.refresh()]);
    expect(failed.result).toEqual(['failed', 'failed']);
    expect(failed.ms).toBeLessThan(FAST_MS);
    expect(a.events).toHaveLength(1);
    expect(a.events[0]).toMatch(/^error: /);

    // The restarted Redis is empty (no persistence); the replica stores its key again as soon as it reconnects,
    // and keeps signing with it: nothing was replaced.
    await redis.restart();
    await expect
      .poll(() => raw.get(`${prefix}cursor-key`), { timeout: 10_000 })
      .toBe(shared.toString('base64'));
    expect(await a.watch.refresh()).toBe('kept');
    expect(a.ring.signing).toEqual(shared);
    expect(a.ring.retiredKeys()).toEqual([]);
    expect(new CursorCodec(shared).decodeFor(binding, a.codec.encode(binding, point))).toEqual(point);
  });

  it('still follows the signing key when publishing the known keys fails', async () => {
    const prefix = freshPrefix();
    const shared = await sharedCursorKey({ url: redis.url, keyPrefix: prefix });
    // Something else holds the known keys' name (WRONGTYPE for ZADD).
    await raw.set(`${prefix}cursor-keys`, 'not a sorted set');
    const a = replica(prefix, randomBytes(32));
    await expect.poll(() => a.ring.signing.equals(shared)).toBe(true);
    await expect.poll(() => a.events).toEqual(['adopted', expect.stringMatching(/WRONGTYPE/)]);
    const k2 = randomBytes(32);
    await raw.set(`${prefix}cursor-key`, k2.toString('base64'));
    expect(await a.watch.refresh()).toBe('adopted');
    expect(a.ring.signing).toEqual(k2);
    // One report for the failing half, not one per check.
    expect(a.events).toEqual(['adopted', expect.stringMatching(/WRONGTYPE/), 'adopted']);
  });

  it('refuses a shared key it did not write, and changes nothing', async () => {
    const prefix = freshPrefix();
    const mine = randomBytes(32);
    await raw.set(`${prefix}cursor-key`, 'short');
    const a = replica(prefix, mine);
    // The check on connection fails, and says why.
    await expect
      .poll(() => a.events)
      .toEqual([expect.stringMatching(/cursor-key in Redis is not a base64 key of at least 32 bytes/)]);
    expect(await a.watch.refresh()).toBe('failed');
    expect(a.ring.signing).toBe(mine);
    expect(a.events).toHaveLength(1);
  });
});
