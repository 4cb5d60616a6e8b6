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
 */
import type { PageCache } from '../cache/types.js';
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
  key: string;
  operation: string;
  /** > 0 when the answer may be cached. */
  ttlMs: number;
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

  constructor(options: UpstreamSharingOptions) {
    this.cache = options.cache;
    this.coalesce = options.coalesce ?? true;
    this.ttlMs = { ...DEFAULT_CACHE_TTL_MS, ...options.ttlMs };
    this.scope = options.scope;
  }

  /** The shared identity of a command, or undefined when it is neither cached nor coalesced. */
  requestOf(command: { constructor: { name: string }; input: unknown }): SharedRequest | undefined {
    const operation = command.constructor.name.replace(/Command$/, '');
    const resource = RESOURCE_OF_OPERATION[operation];
    if (resource === undefined) return undefined;
    const ttlMs = this.cache ? this.ttlMs[resource] : 0;
    if (ttlMs <= 0 && !this.coalesce) return undefined;
    return { key: `${this.scope}\n${operation}\n${canonicalJson(command.input)}`, operation, ttlMs };
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
