/**
 * The page cache's contract, shared by its stores (memoryStore.ts, redisStore.ts) and by whoever reads or writes
 * through one: upstream command outputs (plain data and `$metadata`; timestamps are ISO strings from the gateway's
 * client, `Date`s from a client with the SDK's own deserializer) kept for a short time, keyed
 * by the exact upstream request. Callers treat cached values as immutable: the memory store hands out the stored
 * object itself.
 */

/** A store's figures, for logs, metrics and tests. */
export interface PageCacheStats {
  /** `get`s answered with a value (for Redis: from the L1 or from Redis). */
  hits: number;
  /** `get`s answered undefined: absent, expired, store down or failed. */
  misses: number;
  /** `set`s accepted (for Redis: stored in the L1 and sent to Redis, if it was up). */
  sets: number;
  /** Entries dropped to stay within the byte bound (least recently used first). */
  evictions: number;
  /** Estimated bytes held in this process (for Redis: its L1). */
  bytes: number;
  /** Entries held in this process (for Redis: its L1). */
  entries: number;
  /** Store failures: Redis commands that failed or timed out, values that could not be encoded or decoded. */
  errors: number;
}

/**
 * Farm generations shared by every process on one store (the Redis store): a token per farm, part of every cache
 * and coalescing key of the farm's requests (src/upstream/upstreamSharing.ts), that `renew` replaces, so that
 * what was stored or started under the previous token no longer matches. A store without them (the memory store)
 * leaves generations to the process. Neither method ever rejects.
 */
export interface FarmGenerations {
  /**
   * The farm's token now. Reads asked for in the same microtask share one Redis command (MGET), which is sent
   * after every one of them was asked for. When Redis does not answer: the last token this process read (or `0.`
   * and the store's base), with a suffix of this process's own after an eviction Redis did not record.
   */
  read(farmId: string): Promise<string>;
  /** Gives the farm a new token; false when Redis did not record it (retried when Redis answers again). */
  renew(farmId: string): Promise<boolean>;
  stats(): FarmGenerationStats;
}

export interface FarmGenerationStats {
  /** Redis commands sent to read generations (one MGET per batch of reads). */
  reads: number;
  /** Tokens renewed in Redis (evictions recorded, at once or on a later retry). */
  renewals: number;
  /** Evictions Redis did not record when asked (Redis down, failing or slow). */
  renewalFailures: number;
  /** Evictions not yet recorded in Redis: this process uses tokens of its own for those farms meanwhile. */
  pending: number;
}

/** The cross-request page cache, whichever store holds it. */
export interface PageCache {
  readonly kind: 'memory' | 'redis';
  /** Farm generations shared by every replica on this store; absent: generations are the process's own. */
  readonly farmGenerations?: FarmGenerations;
  /** The cached value or undefined (miss, expired, or the store failed: a failure is a miss). Never rejects. */
  get(key: string): Promise<object | undefined>;
  /** Stores `value` for `ttlMs` (> 0). Never throws; never makes the caller wait on a slow store. */
  set(key: string, value: object, ttlMs: number): void;
  /** Figures for logs/tests: hits, misses, sets, evictions, bytes held in memory, store errors. */
  stats(): PageCacheStats;
  close(): Promise<void>;
}
