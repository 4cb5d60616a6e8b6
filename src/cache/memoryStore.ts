/**
 * The page cache store of a single process (an LRU bounded in bytes), and that LRU, which the Redis store also
 * uses as its L1.
 */
import type { PageCache } from './types.js';

interface Entry {
  value: object;
  /** Absolute expiry (ms since the epoch, on the store's clock): the entry is dead from this instant on. */
  expiresAt: number;
  bytes: number;
}

/**
 * A least-recently-used map bounded in bytes, with an absolute expiry per entry. The caller says what an entry
 * weighs (computed once, when it is stored). A Map iterates in insertion order, so re-inserting on every hit
 * keeps the least recently used entry first, and eviction walks from the front.
 *
 * Both stores use it: the memory page cache, and the Redis store's L1 (which keeps a Redis hit until the expiry
 * recorded in Redis, not for a fresh TTL).
 */
export class ByteBoundedLru {
  private readonly entries = new Map<string, Entry>();
  private heldBytes = 0;
  private evicted = 0;

  /** A bound of 0 makes an LRU that stores nothing (the Redis store's `l1MaxBytes: 0`: no L1). */
  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number,
    name = 'maxBytes',
  ) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
      throw new RangeError(`${name} must be an integer ≥ 0, got ${String(maxBytes)}`);
    }
  }

  /** The live value under `key`, which becomes the most recently used; an expired entry is dropped. */
  get(key: string): object | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /**
   * Stores `value` until `expiresAt`, weighing `bytes`, then evicts from the least recently used end until the
   * bound holds. Replaces an earlier value under the same key (which goes even when the new one is not stored).
   * Returns false, storing nothing, for an entry heavier than the whole bound or already expired.
   */
  set(key: string, value: object, expiresAt: number, bytes: number): boolean {
    const previous = this.entries.get(key);
    if (previous !== undefined) this.remove(key, previous);
    const now = this.now();
    if (bytes > this.maxBytes || expiresAt <= now) return false;
    this.entries.set(key, { value, expiresAt, bytes });
    this.heldBytes += bytes;
    if (this.heldBytes > this.maxBytes) {
      for (const [oldestKey, oldest] of this.entries) {
        if (this.heldBytes <= this.maxBytes) break;
        this.remove(oldestKey, oldest);
        // Dead entries that were still taking room are not counted as evictions: they cost no future hit.
        if (oldest.expiresAt > now) this.evicted++;
      }
    }
    return true;
  }

  clear(): void {
    this.entries.clear();
    this.heldBytes = 0;
  }

  get bytes(): number {
    return this.heldBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get evictions(): number {
    return this.evicted;
  }

  private remove(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.heldBytes -= entry.bytes;
  }
}

/** What an entry weighs: the UTF-8 length of its serialized value plus that of its key. */
export function entryBytes(key: string, serialized: string): number {
  return Buffer.byteLength(serialized, 'utf8') + Buffer.byteLength(key, 'utf8');
}

/** A TTL a store accepts: a finite number of milliseconds above 0. */
export function isValidTtl(ttlMs: number): boolean {
  return Number.isFinite(ttlMs) && ttlMs > 0;
}

export interface MemoryPageCacheOptions {
  /** Bound of the estimated bytes held (values serialized as JSON, plus keys). */
  maxBytes: number;
  /** Clock (ms since the epoch), default Date.now; tests inject one. */
  now?: () => number;
}

/**
 * The page cache of a single process. `get` returns the stored object itself (callers never mutate cached
 * values), so a hit costs a Map lookup. A value is serialized once, at `set`, only to weigh it.
 */
export function createMemoryPageCache(options: MemoryPageCacheOptions): PageCache {
  const now = options.now ?? Date.now;
  if (options.maxBytes === 0)
    throw new RangeError('maxBytes must be above 0: a memory cache of 0 bytes holds nothing');
  const lru = new ByteBoundedLru(options.maxBytes, now);
  let hits = 0;
  let misses = 0;
  let sets = 0;
  let errors = 0;

  return {
    kind: 'memory',
    get(key) {
      const value = lru.get(key);
      if (value === undefined) misses++;
      else hits++;
      return Promise.resolve(value);
    },
    set(key, value, ttlMs) {
      if (!isValidTtl(ttlMs)) return;
      let serialized: string | undefined;
      try {
        serialized = JSON.stringify(value);
      } catch {
        // A cycle or a BigInt: not something an SDK output holds, but never the caller's problem.
      }
      if (serialized === undefined) {
        errors++;
        return;
      }
      if (lru.set(key, value, now() + ttlMs, entryBytes(key, serialized))) sets++;
    },
    stats: () => ({
      hits,
      misses,
      sets,
      evictions: lru.evictions,
      bytes: lru.bytes,
      entries: lru.size,
      errors,
    }),
    async close() {
      lru.clear();
    },
  };
}
