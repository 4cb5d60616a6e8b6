import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { PageCache } from './types.js';

/** How long a registered persisted query is kept when Apollo gives no TTL (it gives none by default). */
export const PERSISTED_QUERY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Apollo's automatic persisted queries (APQ) stored in the shared page cache (Redis), so a query registered on one
 * replica is known to every replica: a CDN or router that sends `GET ?extensions={"persistedQuery":…}` to any
 * replica gets data, not PersistedQueryNotFound. Keys live under their own prefix (`apq:<sha256>`), apart from
 * upstream answers, whose keys start with the cache scope. Like every use of the shared cache, a Redis failure is a
 * miss: the client then sends the full query again, as the APQ protocol provides.
 */
export function persistedQueryCache(cache: PageCache): KeyValueCache<string> {
  const keyOf = (hash: string) => `apq:${hash}`;
  return {
    async get(hash) {
      const entry = (await cache.get(keyOf(hash))) as { query?: unknown } | undefined;
      return typeof entry?.query === 'string' ? entry.query : undefined;
    },
    async set(hash, query, options?: KeyValueCacheSetOptions) {
      const ttlMs = options?.ttl ? options.ttl * 1000 : PERSISTED_QUERY_TTL_MS;
      cache.set(keyOf(hash), { query }, ttlMs);
    },
    // APQ never deletes; the entry expires.
    async delete() {
      return false;
    },
  };
}
