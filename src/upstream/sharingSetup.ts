import {
  type CursorKeyWatch,
  createMemoryPageCache,
  createRedisPageCache,
  type PageCache,
  sharedCursorKey,
  watchSharedCursorKey,
} from '../cache/pageCache.js';
import type { GatewayConfig } from '../config.js';
import type { Logger } from '../logging.js';
import { CursorKeyRing } from '../pagination/cursorKeys.js';
import type { UpstreamSharingOptions } from './upstreamSharing.js';

/** How long start-up waits for Redis to hand out the shared cursor key before falling back to a local one. */
const CURSOR_KEY_TIMEOUT_MS = 5000;

export interface SharingSetup {
  /** For `createDeadlineClient`; undefined when both the cache and coalescing are off. */
  sharing: UpstreamSharingOptions | undefined;
  /** Signs and verifies cursors; with the key shared in Redis, its signing key follows Redis's. */
  cursorKeys: CursorKeyRing;
  /**
   * Where the cursor key came from: CURSOR_SECRET, Redis (shared by replicas), random for this process until Redis
   * answers and its key is adopted ('redis-pending'), or random for this process for good ('ephemeral').
   */
  cursorKeySource: 'CURSOR_SECRET' | 'redis' | 'redis-pending' | 'ephemeral';
  cache: PageCache | undefined;
  close(): Promise<void>;
}

/**
 * Start-up of the cross-request layer from the configuration: the page cache (Redis with REDIS_URL, else an
 * in-memory LRU bounded by CACHE_MAX_BYTES), coalescing, the cache scope, and the cursor key (from Redis when
 * REDIS_URL is set and CURSOR_SECRET is not, so replicas accept each other's cursors).
 *
 * `defaultScope` names the Deadline the gateway talks to (its endpoint, or AWS and the region); CACHE_SCOPE, when
 * set, is added to it (deployments with different AWS identities sharing one Redis must set different scopes).
 */
export async function setUpSharing(
  config: Pick<GatewayConfig, 'cache' | 'cursorSecret' | 'cursorSecretIsEphemeral'>,
  defaultScope: string,
  logger: Logger,
): Promise<SharingSetup> {
  const { cache: settings } = config;
  let cache: PageCache | undefined;
  if (settings.enabled && settings.redisUrl) {
    cache = createRedisPageCache({
      url: settings.redisUrl,
      l1MaxBytes: Math.min(settings.maxBytes, 8 * 2 ** 20),
      onStateChange: (state, error) => {
        if (state === 'up') logger.info('page cache: Redis connected; replicas share upstream answers');
        else
          logger.warn(
            { err: error?.message },
            'page cache: Redis unreachable; serving without the shared cache until it is back',
          );
      },
    });
  } else if (settings.enabled && settings.maxBytes > 0) {
    cache = createMemoryPageCache({ maxBytes: settings.maxBytes });
  }

  let cursorSecret = config.cursorSecret;
  let cursorKeySource: SharingSetup['cursorKeySource'] = config.cursorSecretIsEphemeral
    ? 'ephemeral'
    : 'CURSOR_SECRET';
  // Without CURSOR_SECRET, REDIS_URL shares the cursor key between replicas.
  const sharedKeyUrl = config.cursorSecretIsEphemeral ? settings.redisUrl : undefined;
  if (sharedKeyUrl) {
    try {
      cursorSecret = await sharedCursorKey({ url: sharedKeyUrl, timeoutMs: CURSOR_KEY_TIMEOUT_MS });
      cursorKeySource = 'redis';
    } catch (error) {
      cursorKeySource = 'redis-pending';
      logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'REDIS_URL is set but the shared cursor key could not be read from Redis: until Redis answers, cursors are ' +
          'signed with a key of this process and other replicas refuse them. Set CURSOR_SECRET to avoid depending ' +
          'on Redis.',
      );
    }
  }
  const cursorKeys = new CursorKeyRing(cursorSecret);
  // Redis can lose the key (restart, eviction), or did not answer at start-up: keep following the key it holds.
  const keyWatch: CursorKeyWatch | undefined = sharedKeyUrl
    ? watchSharedCursorKey({
        url: sharedKeyUrl,
        ring: cursorKeys,
        onAdopted: () =>
          logger.warn(
            'the shared cursor key in Redis is not the one this replica signed with (Redis lost it, or this replica ' +
              'started without it): new cursors are signed with the key Redis holds; those signed with the previous ' +
              'key stay valid here',
          ),
        onError: (error) =>
          logger.warn({ err: error.message }, 'could not check the shared cursor key in Redis; will retry'),
      })
    : undefined;

  const scope = settings.scope === undefined ? defaultScope : `${defaultScope}#${settings.scope}`;
  const sharing: UpstreamSharingOptions | undefined =
    cache || settings.coalesce
      ? { cache, ttlMs: settings.ttlMs, coalesce: settings.coalesce, scope }
      : undefined;
  return {
    sharing,
    cursorKeys,
    cursorKeySource,
    cache,
    close: async () => {
      keyWatch?.close();
      await cache?.close();
    },
  };
}
