import type { DeadlineClient } from '@aws-sdk/client-deadline';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { FarmAccess, farmNotAllowed } from '../auth/farmAccess.js';
import { ErrorCode, gatewayError, notFound } from '../errors/codes.js';
import { type EntityKeys, type EntityType, keyPath } from '../ids/keys.js';
import type { FetchPage, PageRequest, UpstreamPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';

/**
 * The per-request cache of one upstream resource (jobs, sessions, …), shared by the per-resource loader modules.
 *
 * - `load(key)` answers from what the request already holds (a list page primed it) and costs no call; otherwise
 *   it fetches the detail record through `loadDetail`.
 * - `loadDetail(key)` fetches the Get/BatchGet record, batched and deduplicated by DataLoader (keyed by the full
 *   key path). A summary never stands in for a detail: detail-only fields always come from here.
 * - `listPages(...)` fetches each upstream list page at most once per request and primes the cache with its items.
 */
export interface EntityRecord<T extends EntityType> {
  key: EntityKeys[T];
  level: 'summary' | 'detail';
}

/**
 * The type of a record of one fixed shape (see recordBuilder): `key`, `level`, then every member of the upstream
 * type `T`, none optional (absent ones undefined). Assignable to the matching records.ts record.
 */
export type FixedRecord<K, L extends 'summary' | 'detail', T> = { key: K; level: L } & {
  // Over `keyof Required<T>`, not `keyof T`: a mapped type over `keyof T` would keep each member's `?`.
  [M in keyof Required<T>]: T[M];
};

/**
 * No constraint (`unknown`) when `Listed` names every member of `T`; otherwise one no list satisfies, naming the
 * members left out, so a member list that misses one (say, one the SDK adds) does not compile.
 */
type ListsEveryMember<T, Listed> = [Exclude<keyof T, Listed>] extends [never]
  ? unknown
  : { missingMembers: Exclude<keyof T, Listed> };

/**
 * The record builder of one kind: `recordBuilder<K, T>()(level, fromKey, fromSource)` gives `(source, key) =>
 * record`, a record of one fixed shape: `key`, `level`, the members in `fromKey` (parent IDs the source lacks,
 * read from the key), then those in `fromSource`, in list order, absent ones undefined. Together the two lists
 * must name every member of `T` (a type error otherwise) and only members of `T`.
 *
 * Why one shape: the SDK builds its objects member by member, present ones only, so their shapes vary item to item;
 * a fixed shape keeps the compiled query's property reads monomorphic (a 100-session page is 1,300 of them) and
 * copies no more than it reads. `$metadata` is never copied.
 *
 * Why compiled: the builder is the object literal one would write by hand, made once per kind from the lists
 * (`new Function`, as graphql-jit compiles queries): one hidden class per kind, fields in the object. A loop that
 * stores `record[member]` is ~6× slower per record (the shared stores and loads go megamorphic), and V8 turns an
 * object that gets more than ~15 properties by computed name into a dictionary (slow reads): 7 of the 11 kinds.
 */
export function recordBuilder<K extends object, T extends object>() {
  return <
    L extends 'summary' | 'detail',
    const FromKey extends readonly (keyof K & keyof T & string)[],
    const FromSource extends readonly (Exclude<keyof T, FromKey[number]> & string)[],
  >(
    level: L,
    fromKey: FromKey,
    fromSource: FromSource & ListsEveryMember<T, FromKey[number] | FromSource[number]>,
  ) =>
    compileRecordBuilder(level, fromKey, fromSource) as (
      source: Omit<T, FromKey[number]>,
      key: K,
    ) => FixedRecord<K, L, T>;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `(source, key) => ({ key, level, a: key.a, b: source.b, … })`, members in list order. */
function compileRecordBuilder(level: string, fromKey: readonly string[], fromSource: readonly string[]) {
  const members = [
    ...fromKey.map((member) => `${member}: key.${member}`),
    ...fromSource.map((member) => `${member}: source.${member}`),
  ];
  const invalid = [...fromKey, ...fromSource].find((member) => !IDENTIFIER.test(member));
  if (invalid !== undefined) throw new Error(`not a record member name: ${JSON.stringify(invalid)}`);
  return new Function(
    'source',
    'key',
    `return { key, level: ${JSON.stringify(level)}, ${members.join(', ')} };`,
  );
}

/** A batch result per key: the record, or an Error (a missing key becomes NOT_FOUND). */
export type BatchResult<R> = R | Error | undefined;

/** Deadline's BatchGet* take up to 100 identifiers; Get-only resources use the same bound for concurrency. */
const MAX_BATCH_SIZE = 100;

/** Upstream pages a farm-filtered list follows past pages that the allow-list emptied, before giving up. */
const MAX_FILTERED_PAGES_FOLLOWED = 1000;

/** The request half of a List* call: what the connection helper decides. */
export interface ListPageInput {
  nextToken?: string;
  maxResults: number;
}

export class EntityLoader<
  T extends EntityType,
  R extends EntityRecord<T>,
  D extends R & { level: 'detail' },
> {
  private readonly known = new Map<string, R>();
  private readonly details: DataLoader<EntityKeys[T], D, string>;
  private readonly pageCache = new Map<string, Promise<UpstreamPage<R>>>();
  /** The request's farm allow-list, checked right before every Deadline call (see `restrictTo`). */
  private farmAccess: FarmAccess = FarmAccess.unrestricted;

  constructor(
    readonly type: T,
    protected readonly upstream: DeadlineUpstream,
    batchLoad: (keys: readonly EntityKeys[T][]) => Promise<readonly BatchResult<D>[]>,
  ) {
    this.details = new DataLoader<EntityKeys[T], D, string>(
      async (keys) => {
        const results = await batchLoad(keys);
        return keys.map((key, index) => {
          const result = results[index];
          if (result === undefined) return notFound(this.type, keyPath(this.type, key));
          if (!(result instanceof Error)) this.remember(result);
          return result;
        });
      },
      {
        maxBatchSize: MAX_BATCH_SIZE,
        batchScheduleFn: upstream.whenIdle,
        cacheKeyFn: (key) => keyPath(this.type, key),
        name: `${type}.detail`,
      },
    );
  }

  /**
   * Limits this loader to the farms `access` allows (the request's farm allow-list): a key of another farm is
   * refused with FORBIDDEN before any Deadline call, and list items of other farms are dropped.
   */
  restrictTo(access: FarmAccess): void {
    this.farmAccess = access;
  }

  /** The best record this request has for `key`, fetching the detail only when it has none. */
  load(key: EntityKeys[T]): Promise<R> {
    if (!this.farmAccess.allows(key.farmId)) return this.refuse(key.farmId);
    return Promise.resolve(this.known.get(keyPath(this.type, key)) ?? this.loadDetail(key));
  }

  /** The detail record for `key` (Get/BatchGet), fetched at most once per request. */
  loadDetail(key: EntityKeys[T]): Promise<D> {
    if (!this.farmAccess.allows(key.farmId)) return this.refuse(key.farmId);
    const known = this.known.get(keyPath(this.type, key));
    const detail = known && asDetail<R, D>(known);
    return detail ? Promise.resolve(detail) : this.details.load(key);
  }

  /** The detail of a record a resolver holds: itself when it is one, else fetched (batched). */
  detailOf(record: R): Promise<D> {
    const detail = asDetail<R, D>(record);
    return detail ? Promise.resolve(detail) : this.loadDetail(record.key);
  }

  private refuse(farmId: string): Promise<never> {
    return Promise.reject(farmNotAllowedAtRunTime(farmId));
  }

  /** Records what a list page or a batch returned; a detail is never replaced by a summary. */
  remember(record: R): void {
    if (!this.farmAccess.allows(record.key.farmId)) return;
    const path = keyPath(this.type, record.key);
    const previous = this.known.get(path);
    if (previous === undefined || previous.level === 'summary') this.known.set(path, record);
    const detail = asDetail<R, D>(record);
    if (detail) this.details.prime(record.key, detail);
  }

  /**
   * A list page fetcher for one parent, for `resolveConnection`: `send` makes the List* call, `records` turns its
   * output into records. A page with the same arguments is fetched once per request; its items are remembered.
   *
   * Farm allow-list: a parent in another farm is refused (FORBIDDEN) before the call; items of other farms (only
   * a root list, ListFarms, can hold any) are dropped from each page. A page the filter empties is followed to the
   * next non-empty one (or the end of the chain) within the same fetch, so `resolveConnection` never sees a run of
   * empty pages: GraphQL pages stay exactly `first` long and `hasNextPage` stays exact; replaying the same token
   * with the same allow-list gives the same filtered page, so cursors (token + skip) stay valid.
   */
  protected listPages<O extends { nextToken?: string }>(
    parentPath: string,
    operation: string,
    send: (client: DeadlineClient, page: ListPageInput) => Promise<O>,
    records: (output: O) => R[],
  ): FetchPage<R> {
    const fetchRaw = ({
      nextToken,
      maxResults,
      resumedFromCursor,
      whenIdle,
    }: PageRequest): Promise<UpstreamPage<R>> => {
      const id = `${parentPath}|${maxResults}|${nextToken ?? ''}`;
      let page = this.pageCache.get(id);
      if (page === undefined) {
        const call = () =>
          this.upstream.call({ operation, resumedFromCursor }, (client) =>
            send(client, { nextToken, maxResults }),
          );
        page = (
          whenIdle ? new Promise<void>((idle) => this.upstream.whenIdle(idle)).then(call) : call()
        ).then((output): UpstreamPage<R> => {
          const items = records(output);
          for (const item of items) this.remember(item);
          return { items, nextToken: output.nextToken };
        });
        this.pageCache.set(id, page);
      }
      return page;
    };
    return async (request) => {
      const access = this.farmAccess;
      const parentFarmId = parentPath === '' ? undefined : parentPath.split('/')[0];
      if (parentFarmId !== undefined && !access.allows(parentFarmId))
        throw farmNotAllowedAtRunTime(parentFarmId);
      if (!access.restricted) return fetchRaw(request);
      if (access.allowsNothing) return { items: [] };
      let token = request.nextToken;
      let page = await fetchRaw(request);
      for (let followed = 0; ; followed++) {
        const items = page.items.filter((item) => access.allows(item.key.farmId));
        const next = page.nextToken ? page.nextToken : undefined;
        if (items.length > 0 || next === undefined) return { items, nextToken: next };
        if (next === token || followed >= MAX_FILTERED_PAGES_FOLLOWED) {
          throw gatewayError(
            ErrorCode.UPSTREAM_UNAVAILABLE,
            `Deadline Cloud returned ${next === token ? 'the same pagination token twice' : 'too many pages'} while listing; the list cannot be paged. Retry later.`,
          );
        }
        token = next;
        page = await fetchRaw({ nextToken: next, maxResults: request.maxResults, resumedFromCursor: false });
      }
    };
  }
}

/** FORBIDDEN for one field: the loaders' last line of defence behind the static check. */
function farmNotAllowedAtRunTime(farmId: string): GraphQLError {
  return farmNotAllowed(farmId, false);
}

function asDetail<R extends { level: string }, D extends R>(record: R): D | undefined {
  return record.level === 'detail' ? (record as D) : undefined;
}

/**
 * Runs one Get call per key, concurrently (DataLoader has deduplicated the keys): for farms, queues and fleets,
 * which have no BatchGet, and for BatchGet* fallbacks. A missing resource becomes NOT_FOUND for its key only.
 *
 * It stays generic: `record` (the caller's per-kind builder, e.g. farmDetailRecord, see recordBuilder) turns each
 * output into a record of that kind's one fixed shape, so no output is spread here and `$metadata` is never copied.
 */
export async function getEach<K, O, D>(
  upstream: DeadlineUpstream,
  operation: string,
  keys: readonly K[],
  send: (client: DeadlineClient, key: K) => Promise<O>,
  record: (output: O, key: K) => D,
): Promise<BatchResult<D>[]> {
  return Promise.all(
    keys.map(async (key) => {
      try {
        return record(await upstream.call({ operation }, (client) => send(client, key)), key);
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions.code === 'NOT_FOUND') return undefined;
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
}

/**
 * Matches a BatchGet response to the requested keys: found items by key path, per-item errors mapped by
 * `itemError`, anything unmentioned as missing.
 */
export function matchBatch<K, D, E>(
  keys: readonly K[],
  pathOf: (key: K) => string,
  found: readonly D[],
  foundPath: (item: D) => string,
  errors: readonly E[],
  errorPath: (error: E) => string,
  itemError: (error: E) => Error | undefined,
): BatchResult<D>[] {
  const byPath = new Map<string, BatchResult<D>>();
  for (const error of errors) byPath.set(errorPath(error), itemError(error));
  for (const item of found) byPath.set(foundPath(item), item);
  return keys.map((key) => byPath.get(pathOf(key)));
}
