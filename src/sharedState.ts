/**
 * Start-up of what requests (and replicas) share: the page cache, coalescing and the cache scope (the options of
 * `createDeadlineClient`), and the cursor keys, shared through Redis when REDIS_URL is set and CURSOR_SECRET is not.
 */
import { createPageCache } from './cache/pageCache.js';
import type { PageCache } from './cache/types.js';
import type { GatewayConfig } from './config.js';
import type { Logger } from './logging.js';
import { CursorKeyRing } from './pagination/cursorKeys.js';
import {
  type CursorKeyWatch,
  DEFAULT_CURSOR_KEY_TIMEOUT_MS,
  sharedCursorKey,
  watchSharedCursorKey,
} from './pagination/sharedCursorKey.js';
import type { UpstreamSharingOptions } from './upstream/upstreamSharing.js';

/** What `setUpSharedState` built; `close` releases it (the page cache, the cursor key's Redis connection). */
export interface SharedState {
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
 * Sets up the page cache (Redis with REDIS_URL, else an in-memory LRU bounded by CACHE_MAX_BYTES), coalescing, the
 * cache scope, and the cursor keys (from Redis when REDIS_URL is set and CURSOR_SECRET is not, so replicas accept
 * each other's cursors).
 *
 * `defaultScope` names the Deadline the gateway talks to (its endpoint, or AWS and the region); CACHE_SCOPE, when
 * set, is added to it (deployments with different AWS identities sharing one Redis must set different scopes).
 */
export async function setUpSharedState(
  config: Pick<GatewayConfig, 'cache' | 'cursorSecret' | 'cursorSecretIsEphemeral'>,
  defaultScope: string,
  logger: Logger,
): Promise<SharedState> {
  const { cache: settings } = config;
  const cache = createPageCache(settings, logger);

  let cursorSecret = config.cursorSecret;
  let cursorKeySource: SharedState['cursorKeySource'] = config.cursorSecretIsEphemeral
    ? 'ephemeral'
    : 'CURSOR_SECRET';
  // Without CURSOR_SECRET, REDIS_URL shares the cursor key between replicas.
  const sharedKeyUrl = config.cursorSecretIsEphemeral ? settings.redisUrl : undefined;
  if (sharedKeyUrl) {
    try {
      cursorSecret = await sharedCursorKey({ url: sharedKeyUrl, timeoutMs: DEFAULT_CURSOR_KEY_TIMEOUT_MS });
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
