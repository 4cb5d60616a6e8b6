/**
 * The per-request loader of one entity type, wired from its registry entry (src/model/entities.ts): `load` answers
 * from what the request holds or fetches the detail; `loadDetail` batches Get/BatchGet calls (DataLoader, keyed by
 * key path); `pagesOf` fetches each List page at most once per request and remembers its items. Every call first
 * checks the request's farm allow-list. docs/design/loaders.md explains the choices.
 */
import * as Sdk from '@aws-sdk/client-deadline';
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { FarmAccess, farmNotAllowed } from '../auth/farmAccess.js';
import { ErrorCode, hasCode, notFound } from '../errors/codes.js';
import {
  type EntityKeys,
  type EntityType,
  farmOf,
  keyOf,
  keyPath,
  keyUnder,
  type ParentKey,
  parentTypeOf,
} from '../ids/keys.js';
import {
  type AlsoListed,
  ENTITIES,
  type EntityLinks,
  type EntitySearch,
  type OperationName,
} from '../model/entities.js';
import { type DetailRecord, type EntityRecord, RECORDS } from '../model/records.js';
import type { FetchPage, PageRequest, UpstreamPage } from '../pagination/connection.js';
import type { FetchSearchPage } from '../pagination/offsetConnection.js';
import type { DeadlineUpstream } from '../upstream/deadlineUpstream.js';
import { pagesAllowedBy } from './allowListPages.js';
import { batchItemError } from './batchErrors.js';
import { type BatchResult, batchWithGetFallback } from './batchFallback.js';

/** Deadline's BatchGet* take up to 100 identifiers; Get-only resources use the same bound for concurrency. */
const MAX_BATCH_SIZE = 100;

type Command = Parameters<Sdk.DeadlineClient['send']>[0];
type CommandClass = new (input: object) => Command;

/** The SDK command of an operation the registry names, with `input`. */
export function commandOf(operation: OperationName, input: object): Command {
  const Class = (Sdk as unknown as Record<string, CommandClass | undefined>)[`${operation}Command`];
  if (Class === undefined) throw new TypeError(`the SDK has no ${operation}Command`);
  return new Class(input);
}

/** The loader of entity type `T` for one request (a fresh one per request: src/loaders/index.ts). */
export class EntityLoader<T extends EntityType> {
  private readonly known = new Map<string, EntityRecord<T>>();
  private readonly details: DataLoader<EntityKeys[T], DetailRecord<T>, string>;
  /** List and search pages of this request, by their exact request: each fetched once. */
  private readonly pages = new Map<string, Promise<unknown>>();
  /** The request's farm allow-list, checked right before every Deadline call (see `restrictTo`). */
  private farmAccess: FarmAccess = FarmAccess.unrestricted;

  constructor(
    readonly type: T,
    private readonly upstream: DeadlineUpstream,
  ) {
    this.details = new DataLoader<EntityKeys[T], DetailRecord<T>, string>(
      async (keys) => {
        const results = await this.fetchDetails(keys);
        return keys.map((key, index) => {
          const result = results[index];
          if (result === undefined) return notFound(this.type, keyPath(this.type, key));
          if (!(result instanceof Error)) this.remember(result as EntityRecord<T>);
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
  load(key: EntityKeys[T]): Promise<EntityRecord<T>> {
    const farmId = farmOf(key);
    if (!this.farmAccess.allows(farmId)) return this.refuse(farmId);
    const known = this.known.get(keyPath(this.type, key));
    return known ? Promise.resolve(known) : (this.loadDetail(key) as Promise<EntityRecord<T>>);
  }

  /** The detail record for `key` (Get/BatchGet), fetched at most once per request. */
  loadDetail(key: EntityKeys[T]): Promise<DetailRecord<T>> {
    const farmId = farmOf(key);
    if (!this.farmAccess.allows(farmId)) return this.refuse(farmId);
    const known = this.known.get(keyPath(this.type, key));
    const detail = known && asDetail<T>(known);
    return detail ? Promise.resolve(detail) : this.details.load(key);
  }

  /** Forgets what this request knows of `key` (a mutation changed it): the next load fetches it again. */
  forget(key: EntityKeys[T]): void {
    this.known.delete(keyPath(this.type, key));
    this.details.clear(key);
  }

  /** The detail of a record a resolver holds: itself when it is one, else fetched (batched). */
  detailOf(record: EntityRecord<T>): Promise<DetailRecord<T>> {
    const detail = asDetail<T>(record);
    return detail ? Promise.resolve(detail) : this.loadDetail(record.key as EntityKeys[T]);
  }

  private refuse(farmId: string): Promise<never> {
    return Promise.reject(farmNotAllowedAtRunTime(farmId));
  }

  /** Records what a list page or a batch returned; a detail is never replaced by a summary. */
  private remember(record: EntityRecord<T>): void {
    const key = record.key as EntityKeys[T];
    if (!this.farmAccess.allows(farmOf(key))) return;
    const path = keyPath(this.type, key);
    const previous = this.known.get(path);
    // A record whose list lacks members never replaces one that has them.
    if (previous === undefined || (previous.level === 'summary' && !LACKING.has(record)))
      this.known.set(path, record);
    const detail = asDetail<T>(record);
    if (detail) this.details.prime(key, detail);
  }

  /** Get/BatchGet records for keys DataLoader deduplicated: the BatchGet where Deadline has one, else Get each. */
  private fetchDetails(keys: readonly EntityKeys[T][]): Promise<readonly BatchResult<DetailRecord<T>>[]> {
    const { batchGet } = ENTITIES[this.type] as {
      batchGet: { operation: OperationName; items: string } | null;
    };
    if (batchGet === null) return this.getEach(keys);
    return batchWithGetFallback(
      this.upstream,
      batchGet.operation,
      () => this.batchGet(batchGet.operation, batchGet.items, keys),
      () => this.getEach(keys),
    );
  }

  /**
   * One Get call per key, concurrently: for types without a BatchGet, and for BatchGet fallbacks. A missing
   * resource becomes NOT_FOUND for its key only.
   */
  private getEach(keys: readonly EntityKeys[T][]): Promise<BatchResult<DetailRecord<T>>[]> {
    const operation: OperationName = ENTITIES[this.type].get;
    const detail = RECORDS[this.type].detail;
    return Promise.all(
      keys.map(async (key) => {
        try {
          const output = await this.upstream.call({ operation }, (client) =>
            client.send(commandOf(operation, keyOf(this.type, key))),
          );
          return detail(output, key);
        } catch (error) {
          if (hasCode(error, ErrorCode.NOT_FOUND)) return undefined;
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
  }

  /**
   * One BatchGet call: found items matched to the requested keys by key path, per-item errors mapped, anything
   * unmentioned as missing.
   */
  private async batchGet(
    operation: OperationName,
    itemsMember: string,
    keys: readonly EntityKeys[T][],
  ): Promise<BatchResult<DetailRecord<T>>[]> {
    const output = (await this.upstream.call({ operation }, (client) =>
      client.send(commandOf(operation, { identifiers: keys.map((key) => keyOf(this.type, key)) })),
    )) as Record<string, unknown> & {
      errors?: Array<{ code?: string; message?: string }>;
      $metadata: { requestId?: string };
    };
    const detail = RECORDS[this.type].detail;
    const byPath = new Map<string, BatchResult<DetailRecord<T>>>();
    for (const error of output.errors ?? []) {
      byPath.set(
        keyPath(this.type, keyOf(this.type, error)),
        batchItemError(operation, error, output.$metadata.requestId),
      );
    }
    for (const item of (output[itemsMember] ?? []) as object[]) {
      const key = keyOf(this.type, item);
      byPath.set(keyPath(this.type, key), detail(item, key));
    }
    return keys.map((key) => byPath.get(keyPath(this.type, key)));
  }

  /**
   * A list page fetcher for the children of `parent`, for `resolveConnection`. A page with the same arguments is
   * fetched once per request; its items are remembered.
   *
   * A parent in a farm the request's allow-list refuses is refused (FORBIDDEN) before the call; items of other
   * farms are dropped (allowListPages.ts).
   */
  pagesOf(parent: ParentKey<T>): FetchPage<EntityRecord<T>> {
    const parentType = parentTypeOf(this.type);
    const parentKey = parentType === undefined ? {} : keyOf(parentType, parent);
    const { operation, items } = ENTITIES[this.type].list as { operation: OperationName; items: string };
    const listItem = RECORDS[this.type].listItem;
    return this.listPages({
      operation,
      items,
      input: parentKey,
      pageId: parentType === undefined ? '' : keyPath(parentType, parentKey as never),
      farmId: parentType === undefined ? undefined : farmOf(parentKey),
      toItem: (item) => {
        const record = listItem(item, keyUnder(this.type, parentKey as ParentKey<T>, item));
        this.remember(record);
        return record;
      },
    });
  }

  /**
   * A page fetcher for one of the type's other connections (`ENTITIES[type].alsoListed[index]`, e.g.
   * `Session.actions`) on the owner with key `owner`: its items' keys complete the owner's; records whose list
   * lacks members are marked so their fields load the detail (`lacksMember`), and detail-only members the call's
   * input names (`sessionId`) are set from the owner.
   */
  pagesUnder(index: number, owner: Record<string, string>): FetchPage<EntityRecord<T>> {
    const entry = (ENTITIES[this.type].alsoListed as readonly AlsoListed[])[index];
    if (entry === undefined) throw new TypeError(`${this.type} has no other list ${index}`);
    const input = Object.fromEntries(entry.input.map((part) => [part, owner[part]]));
    const detailOnly: readonly string[] = ENTITIES[this.type].members.detailOnly;
    const ownerKnown = entry.input.filter((part) => detailOnly.includes(part));
    const listItem = RECORDS[this.type].listItem;
    return this.listPages({
      operation: entry.operation,
      items: entry.items,
      input,
      pageId: `${entry.owner}.${entry.field}|${entry.input.map((part) => owner[part]).join('/')}`,
      farmId: owner.farmId,
      toItem: (item) => {
        const source = { ...owner, ...item };
        const record = listItem(source, keyOf(this.type, source));
        if (entry.lacks.length > 0) LACKING.set(record, entry.lacks);
        // Detail-only members the owner's key tells (the session of `Session.actions` items): known without a Get.
        for (const part of ownerKnown) (record as Record<string, unknown>)[part] = owner[part];
        this.remember(record);
        return record;
      },
    });
  }

  /**
   * A page fetcher for links from the entity `from` to others of its type (`ENTITIES[type].links[index]`, e.g.
   * `Step.dependencies`): each item is the linked entity's key with the link's members.
   */
  linksOf(index: number, from: EntityKeys[T]): FetchPage<EntityLink<T>> {
    const entry = (ENTITIES[this.type].links as readonly EntityLinks[])[index];
    if (entry === undefined) throw new TypeError(`${this.type} has no links ${index}`);
    const ownKey = keyOf(this.type, from) as Record<string, string>;
    return this.listPages({
      operation: entry.operation,
      items: entry.items,
      input: ownKey,
      pageId: `${entry.field}|${keyPath(this.type, from)}`,
      farmId: farmOf(ownKey),
      toItem: (item) => ({
        key: keyOf(this.type, { ...ownKey, ...item }) as EntityKeys[T],
        link: Object.fromEntries(entry.linkMembers.map((member) => [member, item[member]])),
      }),
    });
  }

  /**
   * A page fetcher for a search of this type (`ENTITIES[type].search[index]`, e.g. `Queue.jobSearch`) with the
   * request `search` (farm, queues, filter and sort expressions): each page a Search call by offset, fetched once
   * per request; its items are remembered as list items, keyed by the farm and the item's own IDs.
   */
  searchPagesOf(
    index: number,
    search: { farmId: string } & Record<string, unknown>,
  ): FetchSearchPage<EntityRecord<T>> {
    const entry = (ENTITIES[this.type].search as readonly EntitySearch[])[index];
    if (entry === undefined) throw new TypeError(`${this.type} has no search ${index}`);
    const listItem = RECORDS[this.type].listItem;
    const requestId = `${entry.operation}|${JSON.stringify(search)}`;
    return ({ itemOffset, pageSize }) => {
      if (!this.farmAccess.allows(search.farmId)) return this.refuse(search.farmId);
      const id = `${requestId}|${itemOffset}|${pageSize}`;
      return this.once(id, () =>
        (
          this.upstream.call({ operation: entry.operation }, (client) =>
            client.send(commandOf(entry.operation, { ...search, itemOffset, pageSize })),
          ) as Promise<unknown> as Promise<Record<string, unknown> & { totalResults?: number }>
        ).then((output) => ({
          items: ((output[entry.items] ?? []) as Array<Record<string, unknown>>).map((item) => {
            const source = { farmId: search.farmId, ...item };
            const record = listItem(source, keyOf(this.type, source));
            const members = record as unknown as Record<string, unknown>;
            // Detail-only members the search summary carries (JobSearchSummary's `jobParameters`): known without
            // a Get. Absent is not taken to mean none (the model makes them optional): the detail then tells.
            for (const [member, from] of Object.entries(entry.carries)) {
              if (item[from] !== undefined) members[member] = item[from];
            }
            if (entry.lacks.length > 0) {
              LACKING.set(record, entry.lacks);
              // Not a whole detail even where list items are (TaskSearchSummary has no `createdAt`).
              members.level = 'summary';
            }
            this.remember(record);
            return record;
          }),
          totalResults: output.totalResults ?? 0,
        })),
      );
    };
  }

  /** The page `id` of this request: fetched by `fetch` the first time, the same promise after. */
  private once<P>(id: string, fetch: () => Promise<P>): Promise<P> {
    let page = this.pages.get(id) as Promise<P> | undefined;
    if (page === undefined) {
      page = fetch();
      this.pages.set(id, page);
    }
    return page;
  }

  /**
   * Pages of one List call with fixed `input`, each fetched once per request (`pageId` names the list); `toItem`
   * turns each upstream item into a page item. Checks the farm allow-list before each call (`farmId`, the list's
   * farm; undefined for the farms themselves).
   */
  private listPages<I extends { key: object }>(list: {
    operation: OperationName;
    items: string;
    input: object;
    pageId: string;
    farmId: string | undefined;
    toItem: (item: Record<string, unknown>) => I;
  }): FetchPage<I> {
    const { operation, input, farmId } = list;
    const fetchRaw = ({
      nextToken,
      maxResults,
      resumedFromCursor,
      whenIdle,
    }: PageRequest): Promise<UpstreamPage<I>> => {
      const id = `${operation}|${list.pageId}|${maxResults}|${nextToken ?? ''}`;
      return this.once(id, () => {
        const call = () =>
          this.upstream.call({ operation, resumedFromCursor }, (client) =>
            client.send(commandOf(operation, { ...input, nextToken, maxResults })),
          ) as Promise<unknown> as Promise<Record<string, unknown> & { nextToken?: string }>;
        return (
          whenIdle ? new Promise<void>((idle) => this.upstream.whenIdle(idle)).then(call) : call()
        ).then(
          (output): UpstreamPage<I> => ({
            items: ((output[list.items] ?? []) as Array<Record<string, unknown>>).map(list.toItem),
            nextToken: output.nextToken,
          }),
        );
      });
    };
    return (request) => {
      const access = this.farmAccess;
      if (farmId !== undefined && !access.allows(farmId))
        return Promise.reject(farmNotAllowedAtRunTime(farmId));
      return pagesAllowedBy(access, fetchRaw, request);
    };
  }
}

/** An item of a links connection: the linked entity's key and the link's own members (`status`). */
export interface EntityLink<T extends EntityType> {
  key: EntityKeys[T];
  link: Record<string, unknown>;
}

/** Records listed by a list whose items lack members (`alsoListed[].lacks`, `search[].lacks`), with those members. */
const LACKING = new WeakMap<object, readonly string[]>();

/** Whether `record` came from a list whose items lack `member` (its field must then load the detail). */
export function lacksMember(record: object, member: string): boolean {
  return LACKING.get(record)?.includes(member) ?? false;
}

/** FORBIDDEN for one field: the loaders' last line of defence behind the static check. */
function farmNotAllowedAtRunTime(farmId: string): GraphQLError {
  return farmNotAllowed(farmId, false);
}

function asDetail<T extends EntityType>(record: EntityRecord<T>): DetailRecord<T> | undefined {
  return record.level === 'detail' ? (record as DetailRecord<T>) : undefined;
}
