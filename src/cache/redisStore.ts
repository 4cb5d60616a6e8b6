/**
 * The page cache store shared by every replica through Redis, with a small in-process L1 in front. Redis trouble
 * makes it a cache that misses, never an error.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { decodeEnvelope, encodeEnvelope } from './codec.js';
import { ByteBoundedLru, entryBytes, isValidTtl } from './memoryStore.js';
import {
  assertPositiveInteger,
  assertRedisUrl,
  DEFAULT_KEY_PREFIX,
  reconnectDelay,
} from './redisConnection.js';
import type { PageCache } from './types.js';

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

  return {
    kind: 'redis',
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
