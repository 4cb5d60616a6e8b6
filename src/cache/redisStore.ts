/**
 * The page cache store shared by every replica through Redis, with a small in-process L1 in front. Redis trouble
 * makes it a cache that misses, never an error.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeEnvelope, encodeEnvelope } from './codec.js';
import { ByteBoundedLru, entryBytes, isValidTtl } from './memoryStore.js';
import {
  assertPositiveInteger,
  assertRedisUrl,
  DEFAULT_KEY_PREFIX,
  reconnectDelay,
} from './redisConnection.js';
import type { FarmGenerations, PageCache } from './types.js';

/** Longest a `get` waits on Redis before it counts as a miss, unless the caller sets `commandTimeoutMs`. */
const DEFAULT_COMMAND_TIMEOUT_MS = 100;
/**
 * Bound of the in-process L1 in front of Redis, unless the caller sets `l1MaxBytes`. The gateway's page cache
 * uses CACHE_MAX_BYTES for it when that is smaller (pageCache.ts).
 */
export const DEFAULT_L1_MAX_BYTES = 8 * 1024 * 1024;
/**
 * After a Redis command fails or times out, Redis is left alone this long (L1 only, writes dropped): a Redis that
 * stalls without closing its connection then costs one command timeout per second, not one per upstream call.
 */
const SUSPEND_AFTER_FAILURE_MS = 1000;
/** Writes sent and not yet answered beyond which further writes are dropped (a stalled Redis holds them all). */
const MAX_PENDING_WRITES = 256;
/** CLIENT SETNAME of the page cache's connection, so that operators (and the e2e test) can tell it apart. */
export const PAGE_CACHE_CONNECTION_NAME = 'deadline-graphql-page-cache';

/** Where the Redis store connects, and how long it waits; everything but `url` has a default. */
export interface RedisPageCacheOptions {
  /** redis://[user:password@]host:port[/db] (rediss:// for TLS). */
  url: string;
  /** Prefix of every key this gateway writes, default 'deadline-graphql:v1:'. */
  keyPrefix?: string;
  /** Longest a `get` waits on Redis before it counts as a miss, default 100 ms. */
  commandTimeoutMs?: number;
  /** Bound of the in-process L1 in front of Redis, default 8 MiB; 0: no L1 (every `get` asks Redis). */
  l1MaxBytes?: number;
  now?: () => number;
  /** Called once per transition: 'up' when Redis is ready, 'down' (with the last error) when it is lost. */
  onStateChange?: (state: 'up' | 'down', error?: Error) => void;
  /** Called when Redis did not record a farm's eviction (`farmGenerations.renew`); it is retried later. */
  onRenewalFailed?: (farmId: string, error: Error) => void;
}

/**
 * The page cache shared by every replica: `SET <prefix>page:<sha256(key)> <envelope> PX ttl` in Redis, with a
 * small in-process L1 (an LRU bounded in bytes) that keeps what this process wrote or read until the expiry the
 * writer recorded.
 *
 * Redis is an optimisation, never a dependency. Commands are not queued while Redis is away (no offline queue,
 * nothing retried), a `get` gives up after `commandTimeoutMs` and counts as a miss, a `set` is fire-and-forget,
 * and the client reconnects by itself with a backoff capped at one second; sharing resumes on reconnection.
 */
export function createRedisPageCache(options: RedisPageCacheOptions): PageCache {
  assertRedisUrl(options.url);
  const prefix = `${options.keyPrefix ?? DEFAULT_KEY_PREFIX}page:`;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  assertPositiveInteger('commandTimeoutMs', commandTimeoutMs);
  const now = options.now ?? Date.now;
  const l1 = new ByteBoundedLru(options.l1MaxBytes ?? DEFAULT_L1_MAX_BYTES, now, 'l1MaxBytes');
  let hits = 0;
  let misses = 0;
  let sets = 0;
  let errors = 0;

  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: commandTimeoutMs,
    connectTimeout: Math.max(1000, commandTimeoutMs * 10),
    retryStrategy: reconnectDelay,
    connectionName: PAGE_CACHE_CONNECTION_NAME,
    // CLIENT SETINFO is Redis ≥ 7.2; older servers answer it with an error we need not see.
    disableClientInfo: true,
  });

  let state: 'unknown' | 'up' | 'down' = 'unknown';
  let lastError: Error | undefined;
  let closing = false;
  const transition = (next: 'up' | 'down') => {
    // Our own close() is not an outage worth reporting.
    if (state === next || closing) return;
    state = next;
    try {
      if (next === 'up') options.onStateChange?.('up');
      else options.onStateChange?.('down', lastError);
    } catch {
      // A failing listener must not take the cache (or the process) down with it.
    }
  };
  // Without an 'error' listener, ioredis reports every failed connection attempt as an unhandled error.
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  redis.on('ready', () => {
    lastError = undefined;
    transition('up');
    // Evictions Redis missed while it was away: record them now, not only when a request reads that farm.
    if (generations.pendingCount() > 0) void generations.retryPending().catch(failed);
  });
  redis.on('close', () => transition('down'));

  const redisKey = (key: string) => prefix + createHash('sha256').update(key).digest('hex');

  let suspendedUntil = 0;
  let pendingWrites = 0;
  const usable = () => redis.status === 'ready' && now() >= suspendedUntil;
  const failed = () => {
    errors++;
    suspendedUntil = now() + SUSPEND_AFTER_FAILURE_MS;
  };

  async function fromRedis(key: string): Promise<object | undefined> {
    // Not connected, or failing just now: a miss at once, rather than a command that can only fail or stall.
    if (!usable()) return undefined;
    let text: string | null;
    try {
      text = await redis.get(redisKey(key));
    } catch {
      failed();
      return undefined;
    }
    if (text === null) return undefined;
    let envelope: ReturnType<typeof decodeEnvelope>;
    try {
      envelope = decodeEnvelope(text);
    } catch {
      errors++;
      return undefined;
    }
    // Clocks of replicas differ a little; an entry past its expiry here is a miss, as in the L1.
    const at = now();
    if (envelope.expiresAt <= at) return undefined;
    const l1ExpiresAt =
      envelope.ttlMs === undefined ? envelope.expiresAt : Math.min(envelope.expiresAt, at + envelope.ttlMs);
    l1.set(key, envelope.value, l1ExpiresAt, entryBytes(key, text));
    return envelope.value;
  }

  const generations = redisFarmGenerations({
    redis,
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    usable,
    failed,
    onRenewalFailed: options.onRenewalFailed,
  });

  return {
    kind: 'redis',
    farmGenerations: generations,
    async get(key) {
      const value = l1.get(key) ?? (await fromRedis(key));
      if (value === undefined) misses++;
      else hits++;
      return value;
    },
    set(key, value, ttlMs) {
      if (!isValidTtl(ttlMs)) return;
      const expiresAt = now() + ttlMs;
      let text: string;
      try {
        text = encodeEnvelope({ expiresAt, value, ttlMs });
      } catch {
        errors++;
        return;
      }
      sets++;
      l1.set(key, value, expiresAt, entryBytes(key, text));
      if (!usable() || pendingWrites >= MAX_PENDING_WRITES) return;
      pendingWrites++;
      redis
        .set(redisKey(key), text, 'PX', Math.ceil(ttlMs))
        .catch(failed)
        .finally(() => {
          pendingWrites--;
        });
    },
    stats: () => ({ hits, misses, sets, evictions: l1.evictions, bytes: l1.bytes, entries: l1.size, errors }),
    async close() {
      closing = true;
      generations.stop();
      l1.clear();
      if (redis.status === 'ready') {
        // QUIT lets Redis close the connection cleanly; give it the same short patience as any command.
        await redis.quit().catch(() => undefined);
      }
      // Stops reconnecting (and any half-open socket) whatever QUIT did.
      redis.disconnect();
    },
  };
}

/** How often evictions Redis did not record are retried (besides on reconnection and before every read). */
const RETRY_PENDING_MS = SUSPEND_AFTER_FAILURE_MS;
/** Longest farm id used as is in a generation's Redis key; longer ones (never Deadline's) are hashed. */
const MAX_PLAIN_FARM_ID = 128;

/**
 * The farm generations of the Redis store (`FarmGenerations`, types.ts).
 *
 * - `<prefix>farm-generation:<farmId>`: the farm's token, a random string `renew` SETs (no expiry: one key per farm
 *   ever evicted). Only `renew` creates it; reads never write, so hostile farm ids cost no Redis memory.
 * - `<prefix>generation-base`: a random string, created (SET NX) by the first reader that finds it missing. A farm
 *   without a token reads as `0.<base>`. Redis restarted empty or flushed has lost the tokens, and the base with
 *   them: the next base is new, so the tokens of before never come back (an entry stored, or an L1 entry kept, under
 *   an old token cannot match again).
 *
 * Every read batch is one MGET of the base and its farms' tokens. While Redis does not answer, a read gives the last
 * token this process saw for the farm (the L1 keeps serving what it holds, as for any Redis failure); after an
 * eviction Redis did not record, a token of this process's own for that farm, until a retry records it (on
 * reconnection, and before every read batch).
 */
function redisFarmGenerations(options: {
  redis: Redis;
  keyPrefix: string;
  usable: () => boolean;
  failed: () => void;
  onRenewalFailed: ((farmId: string, error: Error) => void) | undefined;
}): FarmGenerations & { retryPending(): Promise<void>; pendingCount(): number; stop(): void } {
  const { redis, usable, failed } = options;
  const baseKey = `${options.keyPrefix}generation-base`;
  const farmPrefix = `${options.keyPrefix}farm-generation:`;
  const farmKey = (farmId: string) =>
    farmPrefix +
    (farmId.length <= MAX_PLAIN_FARM_ID ? farmId : createHash('sha256').update(farmId).digest('hex'));
  const freshToken = () => randomBytes(9).toString('base64url');
  /** This process's mark on tokens of its own: they never match another process's keys. */
  const processMark = freshToken();
  /** The last token read from Redis per farm that has one (farms ever evicted: bounded). */
  const lastRead = new Map<string, string>();
  let base: string | undefined;
  /** Evictions Redis did not record, per farm: a sequence number unique in this process. */
  const pending = new Map<string, number>();
  let sequence = 0;
  let reads = 0;
  let renewals = 0;
  let renewalFailures = 0;
  let batch: Map<string, Array<(token: string) => void>> | undefined;

  const fallback = (farmId: string): string => {
    // Before any base was read (Redis away since start-up), a token of this process's own: no other process's
    // entries can match it.
    const read = lastRead.get(farmId) ?? (base === undefined ? `0~${processMark}` : `0.${base}`);
    const local = pending.get(farmId);
    return local === undefined ? read : `${read}~${processMark}.${local}`;
  };

  async function setToken(farmId: string): Promise<void> {
    const token = freshToken();
    await redis.set(farmKey(farmId), token);
    renewals++;
    lastRead.set(farmId, token);
  }

  async function retryPending(): Promise<void> {
    await Promise.all(
      [...pending].map(async ([farmId, local]) => {
        await setToken(farmId);
        // An eviction that failed meanwhile stays pending.
        if (pending.get(farmId) === local) pending.delete(farmId);
      }),
    );
  }

  /** While evictions are pending, a retry every RETRY_PENDING_MS (also when no request comes to trigger one). */
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  function scheduleRetry(): void {
    if (retryTimer !== undefined || stopped) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (pending.size === 0) return;
      const attempt = usable() ? retryPending().catch(failed) : Promise.resolve();
      void attempt.finally(() => {
        if (pending.size > 0) scheduleRetry();
      });
    }, RETRY_PENDING_MS);
    retryTimer.unref();
  }

  async function readTokens(farmIds: readonly string[]): Promise<string[]> {
    if (pending.size > 0) await retryPending();
    reads++;
    const [readBase, ...tokens] = await redis.mget(baseKey, ...farmIds.map(farmKey));
    let current = readBase ?? null;
    if (current === null) {
      // First reader ever (or after a flush/restart): the base every reader will use, whoever sets it first.
      await redis.set(baseKey, freshToken(), 'NX');
      current = await redis.get(baseKey);
      if (current === null) throw new Error(`${baseKey} vanished as it was set`);
    }
    base = current;
    return farmIds.map((farmId, index) => {
      const token = tokens[index] ?? null;
      if (token === null) {
        lastRead.delete(farmId);
        return `0.${current}`;
      }
      lastRead.set(farmId, token);
      return token;
    });
  }

  async function flush(): Promise<void> {
    const current = batch;
    batch = undefined;
    if (current === undefined) return;
    const farmIds = [...current.keys()];
    let tokens: string[] | undefined;
    if (usable()) {
      try {
        tokens = await readTokens(farmIds);
      } catch {
        failed();
      }
    }
    farmIds.forEach((farmId, index) => {
      const token = tokens?.[index] ?? fallback(farmId);
      for (const resolve of current.get(farmId) ?? []) resolve(token);
    });
  }

  return {
    read(farmId) {
      // Not connected, or failing just now: the fallback at once, rather than a command that can only fail or stall.
      if (!usable()) return Promise.resolve(fallback(farmId));
      return new Promise<string>((resolve) => {
        if (batch === undefined) {
          batch = new Map();
          queueMicrotask(() => void flush());
        }
        const waiting = batch.get(farmId);
        if (waiting) waiting.push(resolve);
        else batch.set(farmId, [resolve]);
      });
    },
    async renew(farmId) {
      let error: Error = new Error('Redis is unreachable (or failed less than a second ago)');
      if (usable()) {
        const local = pending.get(farmId);
        try {
          await setToken(farmId);
          // Recorded now, and earlier evictions with it; one that failed meanwhile stays pending.
          if (pending.get(farmId) === local) pending.delete(farmId);
          return true;
        } catch (failure) {
          failed();
          error = failure instanceof Error ? failure : new Error(String(failure));
        }
      }
      renewalFailures++;
      pending.set(farmId, ++sequence);
      scheduleRetry();
      try {
        options.onRenewalFailed?.(farmId, error);
      } catch {
        // A failing listener must not make an eviction throw.
      }
      return false;
    },
    stats: () => ({ reads, renewals, renewalFailures, pending: pending.size }),
    retryPending,
    pendingCount: () => pending.size,
    stop() {
      stopped = true;
      clearTimeout(retryTimer);
    },
  };
}
