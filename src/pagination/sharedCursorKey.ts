/**
 * The cursor signing key shared by every replica through Redis: `sharedCursorKey` reads (or first writes) it at
 * start-up, `watchSharedCursorKey` keeps a CursorKeyRing (cursorKeys.ts) following it afterwards and shares the
 * keys replicas sign or signed with. Used when REDIS_URL is set and CURSOR_SECRET is not.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  assertPositiveInteger,
  assertRedisUrl,
  DEFAULT_KEY_PREFIX,
  reconnectDelay,
} from '../cache/redisConnection.js';
import { type CursorKeyRing, DEFAULT_MAX_LEARNED } from './cursorKeys.js';

/** How long start-up waits for Redis to hand out the shared cursor key before falling back to a local one. */
export const DEFAULT_CURSOR_KEY_TIMEOUT_MS = 5000;
/** How often `watchSharedCursorKey` checks the key Redis holds. */
const DEFAULT_CURSOR_KEY_INTERVAL_MS = 10_000;
/** Longest each Redis command of a check waits. */
const DEFAULT_CURSOR_KEY_CHECK_TIMEOUT_MS = 1000;
/** Length of a key this module writes; a stored key shorter than this is refused. */
const CURSOR_KEY_BYTES = 32;

/** The URL without its password, for messages. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * The cursor key Redis holds, checked; when it holds none, `candidate` is offered first (SET NX: the first writer
 * wins, every caller reads the winner). Reading first lets a full `noeviction` Redis, which refuses writes, still
 * hand out the key it has.
 */
async function exchangeCursorKey(redis: Redis, key: string, candidate: Buffer): Promise<Buffer> {
  let stored = await redis.get(key);
  if (stored === null) {
    await redis.set(key, candidate.toString('base64'), 'NX');
    stored = await redis.get(key);
  }
  if (stored === null) throw new Error(`the shared cursor key ${key} vanished from Redis as it was written`);
  const decoded = decodeCursorKey(stored);
  if (!decoded) throw new Error(`${key} in Redis is not a base64 key of at least ${CURSOR_KEY_BYTES} bytes`);
  return decoded;
}

/** A key as this module writes it (canonical base64 of at least 32 bytes), or undefined. */
function decodeCursorKey(stored: string): Buffer | undefined {
  const decoded = Buffer.from(stored, 'base64');
  return decoded.length >= CURSOR_KEY_BYTES && decoded.toString('base64') === stored ? decoded : undefined;
}

/** Rejects with `message()` when `work` has not settled within `ms`. */
async function within<T>(work: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // A late rejection of `work` is already answered by the deadline.
    work.catch(() => undefined);
  }
}

const cursorKeyName = (prefix: string | undefined) => `${prefix ?? DEFAULT_KEY_PREFIX}cursor-key`;

/**
 * The HMAC key that signs cursors, shared by every replica through Redis: the first replica to start stores
 * 32 random bytes (`SET <prefix>cursor-key <base64> NX`), and every replica reads back the one that won. The key
 * has no expiry. Rejects when Redis cannot be reached within `timeoutMs` (default 5 s), or when the stored value
 * is not a key this function wrote. `watchSharedCursorKey` keeps it shared afterwards.
 */
export async function sharedCursorKey(options: {
  url: string;
  keyPrefix?: string;
  timeoutMs?: number;
}): Promise<Buffer> {
  assertRedisUrl(options.url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CURSOR_KEY_TIMEOUT_MS;
  assertPositiveInteger('timeoutMs', timeoutMs);
  let lastError: Error | undefined;
  // Unlike the page cache, this waits for Redis (commands queue until it is connected), but only as long as
  // the deadline below.
  const redis = new Redis(options.url, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnectDelay,
    connectTimeout: timeoutMs,
    disableClientInfo: true,
  });
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  try {
    return await within(
      exchangeCursorKey(redis, cursorKeyName(options.keyPrefix), randomBytes(CURSOR_KEY_BYTES)),
      timeoutMs,
      () =>
        `could not read the shared cursor key from Redis at ${redactedUrl(options.url)} within ${timeoutMs} ms${
          lastError ? `: ${lastError.message}` : ''
        }`,
    );
  } finally {
    // Not QUIT: a hung server would make it wait. Nothing is left to flush.
    redis.disconnect();
  }
}

/** What `watchSharedCursorKey` keeps in step with Redis, how often, and whom it tells. */
export interface CursorKeyWatchOptions {
  url: string;
  keyPrefix?: string;
  /** The ring the gateway's cursors are signed with; its signing key follows the key Redis holds. */
  ring: CursorKeyRing;
  /** How often the key is checked, default 10 s. */
  intervalMs?: number;
  /** Longest each Redis command of a check waits, default 1 s (a check sends up to six). */
  commandTimeoutMs?: number;
  /** The key in Redis was another one, and the ring now signs with it. */
  onAdopted?: () => void;
  /**
   * A half of a check (the signing key, or sharing the known keys) failed after it had last succeeded: one call
   * per outage and per half, not one per check.
   */
  onError?: (error: Error) => void;
}

/** A running `watchSharedCursorKey`. */
export interface CursorKeyWatch {
  /**
   * A check that starts now, or right after the one in flight: 'kept' (Redis holds the signing key), 'adopted' (it
   * held another), or 'failed'.
   */
  refresh(): Promise<'kept' | 'adopted' | 'failed'>;
  /** Resolves once the check made on the first connection to Redis has ended (whatever its outcome). */
  connected(): Promise<void>;
  close(): void;
}

const knownKeysName = (prefix: string | undefined) => `${prefix ?? DEFAULT_KEY_PREFIX}cursor-keys`;

/**
 * The first half of a check of `watchSharedCursorKey`: the key Redis holds (written first if missing), adopted
 * when it is not the signing key. Returns whether the signing key changed.
 */
async function syncSigningKey(
  redis: Redis,
  prefix: string | undefined,
  ring: CursorKeyRing,
): Promise<boolean> {
  return ring.adopt(await exchangeCursorKey(redis, cursorKeyName(prefix), ring.signing));
}

/**
 * The second half, best effort: the keys replicas sign or signed with, in the sorted set `<prefix>cursor-keys`
 * scored by when they stop verifying (epoch ms). This ring's own keys go in, expired ones out, the others' are
 * learned (cursorKeys.ts caps how long). Only own keys are published, so an expiry comes from the replicas that
 * signed with the key and is never passed on and stretched by the others. Plain ZADD, ZREMRANGEBYSCORE, ZREVRANGE:
 * any Redis version.
 */
async function shareKnownKeys(redis: Redis, prefix: string | undefined, ring: CursorKeyRing): Promise<void> {
  const name = knownKeysName(prefix);
  await redis.zadd(name, ...ring.own().flatMap(({ key, until }) => [until, key.toString('base64')]));
  await redis.zremrangebyscore(name, '-inf', Date.now());
  // No more than a ring keeps of them, the latest expiries first.
  const shared = await redis.zrevrange(name, 0, DEFAULT_MAX_LEARNED - 1, 'WITHSCORES');
  for (let i = 0; i + 1 < shared.length; i += 2) {
    const key = decodeCursorKey(shared[i] as string);
    const until = Number(shared[i + 1]);
    if (key && Number.isFinite(until)) ring.learn(key, until);
  }
}

/** CLIENT SETNAME of the cursor key's connection. */
const CURSOR_KEY_CONNECTION_NAME = 'deadline-graphql-cursor-key';

/**
 * Keeps the shared cursor key shared after start-up. On every connection to Redis and every `intervalMs`, the
 * key Redis holds is read (and, when Redis lost it, written back with SET NX first):
 * - Redis lost the key (restart without persistence, eviction): the first replica to check stores the key it signs
 *   with, which is the key every replica already has, so nothing changes for anyone;
 * - Redis holds another key (it lost ours and a replica that started meanwhile stored its own; or this replica
 *   started while Redis was away and signs with a key of its own): the ring adopts it, and the key it replaces
 *   still verifies cursors already handed out (cursorKeys.ts). Once Redis answers, replicas converge on one key
 *   within one interval.
 * Replicas also publish the keys they sign or signed with (`<prefix>cursor-keys`, see `shareKnownKeys`), so a
 * replica that started after a switch accepts, from its next check on, the cursors the others signed before it.
 * The reads also keep the key recently used for an `allkeys-lru` Redis (sampled LRU: a hint, not a guarantee).
 * A failed check changes nothing; Redis being away never fails a request. Whoever can write to this Redis can
 * plant a key and sign cursors with it, as they can plant cached answers: the same trust the page cache needs (a
 * cursor only resumes a list the caller may already read; authorization never comes from it).
 */
export function watchSharedCursorKey(options: CursorKeyWatchOptions): CursorKeyWatch {
  assertRedisUrl(options.url);
  const intervalMs = options.intervalMs ?? DEFAULT_CURSOR_KEY_INTERVAL_MS;
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_CURSOR_KEY_CHECK_TIMEOUT_MS;
  assertPositiveInteger('intervalMs', intervalMs);
  assertPositiveInteger('commandTimeoutMs', commandTimeoutMs);
  let lastError: Error | undefined;
  let closed = false;
  // No offline queue: while Redis is away a check fails at once instead of piling up; a command Redis holds on to
  // times out, and is not sent again after a reconnection.
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    autoResendUnfulfilledCommands: false,
    retryStrategy: reconnectDelay,
    connectionName: CURSOR_KEY_CONNECTION_NAME,
    disableClientInfo: true,
  });
  redis.on('error', (error: Error) => {
    lastError = error;
  });
  // The caller's callbacks never break a check (a throw here would be an unhandled rejection), nor speak after close.
  const tell = (callback: (() => void) | undefined) => {
    if (closed || !callback) return;
    try {
      callback();
    } catch {
      // The callbacks only log.
    }
  };
  // One report per outage and per half of the check, not one per check.
  const healthy = { signing: true, sharing: true };
  const failed = (half: keyof typeof healthy, error: unknown) => {
    if (!healthy[half]) return;
    healthy[half] = false;
    const cause = lastError && redis.status !== 'ready' ? lastError : error;
    tell(() => options.onError?.(cause instanceof Error ? cause : new Error(String(cause))));
  };
  // Every command times out on its own (commandTimeout), so a check ends when its last command does: no work of a
  // check outlives it, and two checks never overlap.
  const check = async (): Promise<'kept' | 'adopted' | 'failed'> => {
    let adopted: boolean;
    try {
      adopted = await syncSigningKey(redis, options.keyPrefix, options.ring);
      healthy.signing = true;
    } catch (error) {
      failed('signing', error);
      return 'failed';
    }
    if (adopted) tell(options.onAdopted);
    try {
      await shareKnownKeys(redis, options.keyPrefix, options.ring);
      healthy.sharing = true;
    } catch (error) {
      failed('sharing', error);
    }
    return adopted ? 'adopted' : 'kept';
  };
  // One check at a time. A refresh asked while one runs gets the next check, started once it ends (one queued at
  // most): its answer then reflects Redis as it is after the ask, never before.
  let inFlight: Promise<'kept' | 'adopted' | 'failed'> | undefined;
  let queued: Promise<'kept' | 'adopted' | 'failed'> | undefined;
  const start = () => {
    const run = check().finally(() => {
      if (inFlight === run) inFlight = undefined;
    });
    inFlight = run;
    return run;
  };
  const refresh = () => {
    if (!inFlight) return start();
    queued ??= inFlight.then(() => {
      queued = undefined;
      return start();
    });
    return queued;
  };
  // At once on every (re)connection, so a Redis that restarted empty gets the key back before anyone else's, then
  // every interval.
  let firstConnection: (() => void) | undefined;
  const connected = new Promise<void>((resolve) => {
    firstConnection = resolve;
  });
  redis.on('ready', () => {
    void refresh().then(() => firstConnection?.());
  });
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  return {
    refresh,
    connected: () => connected,
    close() {
      closed = true;
      clearInterval(timer);
      redis.disconnect();
    },
  };
}
