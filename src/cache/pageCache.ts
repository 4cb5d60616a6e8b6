/**
 * The cross-request page cache the gateway runs with, picked from its settings. Two stores implement `PageCache`
 * (types.ts):
 *
 * - `createMemoryPageCache`: one process, an LRU bounded in bytes (memoryStore.ts);
 * - `createRedisPageCache`: shared by every replica through Redis, with a small in-process L1 in front
 *   (redisStore.ts). Redis trouble makes it a cache that misses, never an error.
 */
import type { Logger } from '../logging.js';
import { createMemoryPageCache } from './memoryStore.js';
import { createRedisPageCache, DEFAULT_L1_MAX_BYTES } from './redisStore.js';
import type { PageCache } from './types.js';

/** The page cache part of the configuration (GatewayConfig['cache']). */
export interface PageCacheSettings {
  /** UPSTREAM_CACHE: off, no page cache at all. */
  enabled: boolean;
  /** CACHE_MAX_BYTES: bound of the in-memory LRU (the whole cache, or at most that of the L1 in front of Redis). */
  maxBytes: number;
  /** REDIS_URL: the page cache lives in Redis. */
  redisUrl: string | undefined;
}

/**
 * The page cache for `settings`: Redis with a URL, else an in-memory LRU bounded by `maxBytes`; none when the
 * cache is off, or in memory with `maxBytes` 0. Redis's comings and goings are logged.
 */
export function createPageCache(settings: PageCacheSettings, logger: Logger): PageCache | undefined {
  if (!settings.enabled) return undefined;
  if (settings.redisUrl) {
    return createRedisPageCache({
      url: settings.redisUrl,
      l1MaxBytes: Math.min(settings.maxBytes, DEFAULT_L1_MAX_BYTES),
      onStateChange: (state, error) => {
        if (state === 'up') logger.info('page cache: Redis connected; replicas share upstream answers');
        else
          logger.warn(
            { err: error?.message },
            'page cache: Redis unreachable; serving without the shared cache until it is back',
          );
      },
      onRenewalFailed: (farmId, error) =>
        logger.warn(
          { farmId, err: error.message },
          'page cache: Redis did not record the eviction of a farm; this replica reads it afresh, other replicas ' +
            'may serve what they cached for it (up to its TTL) until Redis records it (retried when Redis answers)',
        ),
    });
  }
  return settings.maxBytes > 0 ? createMemoryPageCache({ maxBytes: settings.maxBytes }) : undefined;
}
