/**
 * What every Redis connection of the gateway has in common: the key prefix, URL and option checks, and the
 * reconnection backoff. The page cache (redisStore.ts) and the shared cursor key (src/pagination/sharedCursorKey.ts)
 * each open their own connections with these.
 */

/** Prefix of every key the gateway writes to Redis, unless a caller gives its own. */
export const DEFAULT_KEY_PREFIX = 'deadline-graphql:v1:';

/** Longest wait between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** Reconnection backoff (ioredis `retryStrategy`): 50, 100, 200, 400, 800 ms, then every second. */
export const reconnectDelay = (attempt: number): number =>
  Math.min(50 * 2 ** Math.min(attempt - 1, 5), MAX_RECONNECT_DELAY_MS);

/** Throws unless `url` is a redis:// or rediss:// URL. */
export function assertRedisUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new TypeError('Redis URL must look like redis://host:port[/db]');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new TypeError(`Redis URL must start with redis:// or rediss://, got ${protocol}//`);
  }
}

/** Throws unless `value` is a safe integer above 0; `name` is the option named in the message. */
export function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}
