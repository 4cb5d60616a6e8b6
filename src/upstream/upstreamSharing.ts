/**
 * What requests share of the upstream, across requests: the page cache (answers of Deadline kept for a short TTL)
 * and request coalescing (identical calls in flight at the same time share one call). Both are keyed by the exact
 * upstream request: the operation, its input (canonical JSON: key order does not matter, array order does) and the
 * cache scope.
 *
 * Authorization: the cache holds what Deadline answered to the gateway's AWS identity. `scope` names that identity
 * (CACHE_SCOPE; default: the Deadline endpoint or the AWS region), so deployments with different identities never
 * read each other's answers from one Redis. Per-user authorization (the farm allow-list of a JWT) is applied by
 * the loaders to every answer, cached or fresh, after this layer: a user never sees more from the cache than from
 * Deadline itself (test/integration/pageCache.test.ts).
 *
 * Freshness: a cached answer is at most its resource's TTL old. Only successful answers are kept; errors (throttling,
 * not found, deadlines) never are.
 *
 * Read-your-writes: every request that names farms (`farmId`, or each item's `farmId` in a BatchGet) is keyed by
 * those farms' **generations** too (`keyOf`), and `evictFarm` gives a farm a new one: cache entries stored and calls
 * started under the previous generation stop matching (docs/caching.md, "Evicting a farm"). Generations live in the
 * process (memory store, or no cache), or in Redis, shared by the replicas (`PageCache.farmGenerations`); a request
 * reads a shared generation once per farm (`FarmGenerationsSeen`), again after an eviction in this process.
 */
import type { FarmGenerations, PageCache } from '../cache/types.js';
import type { EntityType } from '../ids/keys.js';
import { ENTITIES, type EntityDefinition, operationsOf } from '../model/entities.js';

/** A resource whose answers are cached for a TTL of their own (CACHE_TTL_<RESOURCE>_MS). */
export type CachedResource = (typeof ENTITIES)[EntityType]['cache']['resource'];

const ENTRIES = Object.values(ENTITIES) as readonly EntityDefinition[];

/**
 * Default TTLs, per resource, from the registry (src/model/entities.ts): a minute for metadata that changes on human
 * time scales (farms, queues, fleets), seconds for what moves while jobs run. The schema's @cacheControl hints agree
 * (response caches must not outlive the data they were built from; test/unit/entityRegistry.test.ts).
 */
export const DEFAULT_CACHE_TTL_MS = Object.fromEntries(
  ENTRIES.map(({ cache }) => [cache.resource, cache.ttlMs]),
) as Readonly<Record<CachedResource, number>>;

export const CACHED_RESOURCES = Object.keys(DEFAULT_CACHE_TTL_MS) as CachedResource[];

/** The read operations the gateway makes, by the resource whose TTL applies. Anything else is never shared. */
const RESOURCE_OF_OPERATION: Readonly<Record<string, CachedResource>> = Object.fromEntries(
  ENTRIES.flatMap((entry) =>
    operationsOf(entry).map((operation) => [operation, entry.cache.resource as CachedResource]),
  ),
);

export interface UpstreamSharingOptions {
  /** The cross-request page cache (memory LRU or Redis, src/cache/); unset: no cache. */
  cache?: PageCache | undefined;
  /** TTL per resource in ms; 0 keeps that resource out of the cache. Default: DEFAULT_CACHE_TTL_MS. */
  ttlMs?: Partial<Record<CachedResource, number>>;
  /** Identical calls in flight at the same time share one call (default: true). */
  coalesce?: boolean;
  /** The authorization scope of cached answers (see above); part of every key. */
  scope: string;
}

/** One upstream request as this layer sees it. */
export interface SharedRequest {
  /** The cache and coalescing key; from `requestOf`, without the farms' generations (`keyOf` adds them). */
  key: string;
  operation: string;
  /** > 0 when the answer may be cached. */
  ttlMs: number;
  /** The farms the request belongs to (`farmsOf`); none for ListFarms. */
  farms: readonly string[];
}

/**
 * What one GraphQL request has read of shared farm generations, by farm: read once per request, again when this
 * process evicted the farm since (`epoch`). The token is a promise until Redis answered.
 */
export type FarmGenerationsSeen = Map<string, { epoch: number; token: string | Promise<string> }>;

const NO_FARMS: readonly string[] = Object.freeze([]);

/**
 * The farms an upstream request belongs to: its input's `farmId`, else the `farmId` of the items of its array
 * members (BatchGet* `identifiers`, BatchUpdateJob `jobs`, BatchUpdateTask `tasks`), each once, in order of
 * appearance. None for ListFarms (and anything else without a farm id).
 */
export function farmsOf(input: unknown): readonly string[] {
  if (input === null || typeof input !== 'object') return NO_FARMS;
  const farmId = (input as { farmId?: unknown }).farmId;
  if (typeof farmId === 'string') return [farmId];
  let farms: string[] | undefined;
  for (const member of Object.values(input)) {
    if (!Array.isArray(member)) continue;
    for (const item of member) {
      const itemFarm = (item as { farmId?: unknown } | null)?.farmId;
      if (typeof itemFarm !== 'string') continue;
      if (farms === undefined) farms = [itemFarm];
      else if (!farms.includes(itemFarm)) farms.push(itemFarm);
    }
  }
  return farms ?? NO_FARMS;
}

/**
 * A call in flight that others may join. `signal` and `deadlineAt` are its owner's: a cancellation there, or a
 * failure caused by the owner's shorter time budget, is not the others' answer (deadlineUpstream.ts).
 */
export interface SharedCall {
  promise: Promise<unknown>;
  signal: AbortSignal;
  deadlineAt: number;
}

/** Per-item errors of a BatchGet answer that are Deadline's lasting answer for that item, safe to keep. */
const LASTING_ITEM_ERRORS: ReadonlySet<string> = new Set([
  'ResourceNotFoundException',
  'ValidationException',
]);

/**
 * Whether an answer may be cached: always, except a BatchGet answer holding a transient per-item error
 * (throttling, a server error, access denied): the next request must ask again, as it would for a failed call.
 */
export function isCacheable(output: unknown): boolean {
  const errors = (output as { errors?: ReadonlyArray<{ code?: string }> } | undefined)?.errors;
  return !errors || errors.every((error) => error.code !== undefined && LASTING_ITEM_ERRORS.has(error.code));
}

export class UpstreamSharing {
  readonly cache: PageCache | undefined;
  readonly coalesce: boolean;
  private readonly ttlMs: Record<CachedResource, number>;
  private readonly scope: string;
  /** Calls in flight by key, for coalescing (process-wide: every request of the client). */
  readonly inFlight = new Map<string, SharedCall>();
  /** Generations shared with the other replicas (Redis store); unset: the process's own (`epochs`). */
  private readonly shared: FarmGenerations | undefined;
  /**
   * Evictions completed in this process, by farm (only farms ever evicted). Without shared generations this is the
   * farm's generation; with them, what makes a running request read the farm's generation again.
   */
  private readonly epochs = new Map<string, number>();
  /** `evictFarm` calls completed, and those of them the shared store did not record (Redis down or failing). */
  evictions = 0;
  evictionFailures = 0;

  constructor(options: UpstreamSharingOptions) {
    this.cache = options.cache;
    this.coalesce = options.coalesce ?? true;
    this.ttlMs = { ...DEFAULT_CACHE_TTL_MS, ...options.ttlMs };
    this.scope = options.scope;
    this.shared = options.cache?.farmGenerations;
  }

  /**
   * The shared identity of a command, or undefined when it is neither cached nor coalesced. Its key does not hold
   * the farms' generations yet: `keyOf` gives the key to cache and coalesce under.
   */
  requestOf(command: { constructor: { name: string }; input: unknown }): SharedRequest | undefined {
    const operation = command.constructor.name.replace(/Command$/, '');
    const resource = RESOURCE_OF_OPERATION[operation];
    if (resource === undefined) return undefined;
    const ttlMs = this.cache ? this.ttlMs[resource] : 0;
    if (ttlMs <= 0 && !this.coalesce) return undefined;
    return {
      key: `${this.scope}\n${operation}\n${canonicalJson(command.input)}`,
      operation,
      ttlMs,
      farms: farmsOf(command.input),
    };
  }

  /**
   * The key `request` is cached and coalesced under: its key and its farms' generations, as the GraphQL request
   * `seen` belongs to sees them. Synchronous unless a shared generation must be read (once per farm per request).
   * A farm never evicted in this process, without shared generations, adds nothing: keys stay as they were.
   */
  keyOf(request: SharedRequest, seen: FarmGenerationsSeen): string | Promise<string> {
    const { farms, key } = request;
    if (farms.length === 0) return key;
    const shared = this.shared;
    if (shared === undefined) {
      if (this.epochs.size === 0) return key;
      let tokens = '';
      let evicted = false;
      for (const farm of farms) {
        const epoch = this.epochs.get(farm) ?? 0;
        if (epoch > 0) evicted = true;
        tokens += `${epoch},`;
      }
      return evicted ? `${key}\n${tokens}` : key;
    }
    if (farms.length === 1) {
      const token = this.sharedToken(farms[0] as string, seen, shared);
      return typeof token === 'string' ? `${key}\n${token}` : token.then((read) => `${key}\n${read}`);
    }
    const tokens = farms.map((farm) => this.sharedToken(farm, seen, shared));
    if (tokens.every((token) => typeof token === 'string')) return `${key}\n${tokens.join(',')}`;
    return Promise.all(tokens).then((read) => `${key}\n${read.join(',')}`);
  }

  private sharedToken(
    farm: string,
    seen: FarmGenerationsSeen,
    shared: FarmGenerations,
  ): string | Promise<string> {
    const epoch = this.epochs.get(farm) ?? 0;
    const known = seen.get(farm);
    if (known !== undefined && known.epoch === epoch) return known.token;
    const entry: { epoch: number; token: string | Promise<string> } = { epoch, token: '' };
    const read = shared.read(farm);
    entry.token = read;
    // Once answered, the rest of the request uses the token without waiting.
    void read.then((token) => {
      entry.token = token;
    });
    seen.set(farm, entry);
    return read;
  }

  /**
   * Read-your-writes after a mutation on `farmId`: once this resolves, no request that starts afterwards (in this
   * process, or in any replica on the same Redis) is answered from a cache entry stored before, or joins a call for
   * the farm started before — nor are the requests of this process that read the farm's generation before, such as
   * the mutation's own. Never rejects: when Redis does not record the eviction, this process still honours it, the
   * other replicas may not until Redis is back (counted in `evictionFailures`; docs/caching.md).
   */
  async evictFarm(farmId: string): Promise<void> {
    try {
      if (this.shared !== undefined && !(await this.shared.renew(farmId))) this.evictionFailures++;
    } catch {
      // `renew` never rejects; should one, the eviction still holds in this process.
      this.evictionFailures++;
    } finally {
      // After the shared generation changed (not before), so that a request reading it again gets the new one.
      this.epochs.set(farmId, (this.epochs.get(farmId) ?? 0) + 1);
      this.evictions++;
    }
  }
}

/** JSON with object keys sorted (at every depth): equal requests give equal strings. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
