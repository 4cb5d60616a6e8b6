import { badUserInput, ErrorCode, gatewayError } from '../errors/codes.js';
import { DEFAULT_FIRST, type LazyPageInfo, validateFirst } from './connection.js';
import type { ConnectionBinding, CursorCodec, OffsetPoint } from './cursor.js';

/**
 * The connection helper of search connections (docs/design/search.md): Deadline's Search* calls page by
 * `itemOffset` and `pageSize` and answer `totalResults`, so these connections page both ways (`first`/`after`,
 * `last`/`before`) and count. One Search call per page; `last` without `before` first asks for the total (a page of
 * one), the only page that costs two.
 */

/** Deadline's search window: `itemOffset` is at most 10,000, and `totalResults` stops there. */
export const SEARCH_WINDOW = 10_000;
/** The largest Search page. */
const MAX_PAGE_SIZE = 100;
/** The most Search calls a page past the window makes (reading past ties of the cursor's key). */
export const MAX_KEYSET_CALLS = 3;

export interface OffsetConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface SearchPage<T> {
  items: readonly T[];
  /** Matches in all, as Deadline counts them (at most SEARCH_WINDOW). */
  totalResults: number;
}

export type FetchSearchPage<T> = (request: {
  itemOffset: number;
  pageSize: number;
}) => Promise<SearchPage<T>>;

export interface OffsetConnection<T> {
  edges: Array<{ node: T; readonly cursor: string }>;
  nodes: T[];
  pageInfo: LazyPageInfo;
  /** Matches in all; a lower bound when it reaches SEARCH_WINDOW. Costs a call only when no page was fetched. */
  totalCount: () => Promise<number>;
  /**
   * Whether the item the `after` (or `before`) cursor was issued for is no longer at its offset (results moved
   * between the two pages: jobs added, or changed so that they filter or sort differently); null when not checked
   * (a first page, or a page of 100, which leaves no room for the item).
   */
  resultsShifted: boolean | null;
  /** Numbered pages around this one, each with an `after` cursor (see `pageCursorsOf`). No call beyond the page's. */
  pageCursors: (around: number) => Promise<PageCursors>;
}

/** A numbered page of a search: `cursor` is the `after` that opens it (null for page 1). */
export interface PageCursor {
  page: number;
  cursor: string | null;
  isCurrent: boolean;
}

/** Numbered pages around the current one (Artsy's pageCursors); `first` and `last` only when `around` lacks them. */
export interface PageCursors {
  first: PageCursor | null;
  last: PageCursor | null;
  previous: PageCursor | null;
  around: PageCursor[];
}

/** Bounds of `pageCursors(around:)`: the page numbers offered in all. */
export const PAGE_NUMBERS = { min: 3, max: 20 } as const;

export interface OffsetConnectionRequest<T> {
  args: OffsetConnectionArgs;
  binding: ConnectionBinding;
  cursors: CursorCodec;
  fetchPage: FetchSearchPage<T>;
  /** An item's own ID, carried by its cursor to notice shifts. */
  idOf: (item: T) => string;
  /** How forward pages continue past the window, when the search's order allows it. */
  keyset?: KeysetContinuation<T>;
}

/**
 * The continuation past the window by key (docs/design/search.md, "Beyond 10,000"), for a search ordered by one key
 * every item has (CREATED_AT): the same search narrowed to the items from a key value on (`>=`, or `<=` when
 * descending) holds, in the same order, every item from the first with that value; the items before the cursor's
 * own among those with its value are the ones already returned. What the `deadline` CLI does to list everything.
 */
export interface KeysetContinuation<T> {
  /** The item's value of the sort key, as the narrowing filter takes it; undefined when the item lacks it. */
  keyOf: (item: T) => string | undefined;
  /** Pages of the search narrowed to the items from `key` on; SEARCH_WINDOW_EXCEEDED when it cannot be narrowed. */
  fetchFrom: (key: string) => FetchSearchPage<T>;
}

/** The page the arguments ask for: its offset and size, and the cursor position it was asked from. */
interface Window {
  start: number;
  size: number;
  /** The position of the cursor the page continues from (checked for shifts), if any. */
  from?: OffsetPoint;
  direction: 'forward' | 'backward';
  /** The page size asked for (`first` or `last`); `size` is less at either end. */
  count: number;
}

export async function resolveOffsetConnection<T>(
  request: OffsetConnectionRequest<T>,
): Promise<OffsetConnection<T>> {
  const { binding, cursors, fetchPage, idOf, keyset } = request;
  const asked = checkOffsetArgs(request.args, binding, cursors);
  const { from } = asked;
  if (keyset && from?.key !== undefined && asked.direction === 'forward' && pastWindow(from, asked.count)) {
    return keysetPage(request, keyset, { ...from, key: from.key }, asked.count);
  }
  const window = await windowOf(request, asked);
  // One item more on the cursor's side, when the page has room, to see whether that item is still there.
  // Page cursors carry no ID: nothing to check against.
  // Not for a backward page from the window's end: Deadline never returns the item there.
  const check =
    window.from?.id !== undefined &&
    window.size < MAX_PAGE_SIZE &&
    !(window.direction === 'backward' && window.from.offset >= SEARCH_WINDOW);
  const extraBefore = check && window.direction === 'forward' ? 1 : 0;
  const extraAfter = check && window.direction === 'backward' ? 1 : 0;
  let page: SearchPage<T> | undefined;
  let items: readonly T[] = [];
  let resultsShifted: boolean | null = null;
  if (window.size > 0) {
    page = await fetchPage({
      itemOffset: window.start - extraBefore,
      pageSize: window.size + extraBefore + extraAfter,
    });
    const all = page.items;
    if (check && window.from) {
      const seen = window.direction === 'forward' ? all[0] : all[window.size];
      resultsShifted = seen === undefined || idOf(seen) !== window.from.id;
    }
    items = all.slice(extraBefore, extraBefore + window.size);
  }
  let total: Promise<number> | undefined = page && Promise.resolve(page.totalResults);
  const totalCount = () => {
    total ??= fetchPage({ itemOffset: 0, pageSize: 1 }).then((p) => p.totalResults);
    return total;
  };
  // Cursors a page past the window may continue from carry the item's key.
  const edges = edgesOf(items, window.start, request, (offset) => offset >= SEARCH_WINDOW - MAX_PAGE_SIZE);
  const end = window.start + items.length;
  return {
    edges,
    nodes: [...items],
    totalCount,
    resultsShifted,
    pageCursors: async (around) => {
      const numbers = checkPageNumbers(around);
      if (window.count === 0) return pageCursorsOf({ current: 1, pages: 1, numbers, cursorOf: () => null });
      const k = window.count;
      // A backward page is numbered by its last item, so that `last: k` alone is the last page.
      const current =
        window.direction === 'forward'
          ? Math.floor(window.start / k) + 1
          : Math.max(1, Math.ceil((window.start + window.size) / k));
      return pageCursorsOf({
        current,
        pages: Math.max(1, Math.ceil((await totalCount()) / k)),
        numbers,
        cursorOf: (p) => (p === 1 ? null : cursors.encodeOffset(binding, { offset: (p - 1) * k - 1 })),
      });
    },
    pageInfo: {
      // A total that reached the window may hide more: the next page then fails with SEARCH_WINDOW_EXCEEDED.
      hasNextPage: async () => {
        const count = await totalCount();
        return end < count || (count >= SEARCH_WINDOW && end >= SEARCH_WINDOW);
      },
      hasPreviousPage: window.start > 0,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

/** Edges of `items` from `start`, cursors encoded on first read; with the item's key where `keyed(offset)`. */
function edgesOf<T>(
  items: readonly T[],
  start: number,
  { binding, cursors, idOf, keyset }: OffsetConnectionRequest<T>,
  keyed: (offset: number) => boolean,
): OffsetConnection<T>['edges'] {
  return items.map((node, index) => {
    const offset = start + index;
    const point: OffsetPoint = { offset, id: idOf(node) };
    const key = keyset && keyed(offset) ? keyset.keyOf(node) : undefined;
    if (key !== undefined) point.key = key;
    let cursor: string | undefined;
    return {
      node,
      get cursor() {
        cursor ??= cursors.encodeOffset(binding, point);
        return cursor;
      },
    };
  });
}

/** Whether a forward page of `count` after `from` reaches past the window. */
function pastWindow(from: OffsetPoint, count: number): boolean {
  return count > 0 && from.offset + 1 + count > SEARCH_WINDOW;
}

/**
 * A forward page past the window (or reaching past it), by key: the search narrowed to the items from the cursor's
 * key on, read from its start, the cursor's own item and the ties before it skipped. One call of 100 for a page of up
 * to 99 unless more than 100 − `first` items share the cursor's key; two for a page of 100. Offsets go on counting
 * from the cursor's; `totalCount` is then a lower bound from the narrowed search's total.
 */
async function keysetPage<T>(
  request: OffsetConnectionRequest<T>,
  keyset: KeysetContinuation<T>,
  from: OffsetPoint & { key: string },
  count: number,
): Promise<OffsetConnection<T>> {
  const { idOf } = request;
  const fetch = keyset.fetchFrom(from.key);
  const taken: T[] = [];
  // Positions in the narrowed search: of the cursor's item (or before where the page resumed), of the last item
  // taken.
  let fromIndex: number | undefined;
  let lastIndex = -1;
  let shifted = false;
  let total = 0;
  // Items that share the cursor's key, before its item: already returned, unless the item is gone.
  const ties: Array<{ item: T; at: number }> = [];
  const take = (item: T, at: number) => {
    if (taken.length < count) {
      taken.push(item);
      lastIndex = at;
    }
  };
  // Pages of 100 (the most a call returns), so that ties before the cursor's item rarely need a second call.
  for (let itemOffset = 0; taken.length < count; itemOffset += MAX_PAGE_SIZE) {
    // Ties beyond this many calls' worth: the key cannot carry the walk on (and the cost model counts on few calls).
    if (itemOffset >= MAX_KEYSET_CALLS * MAX_PAGE_SIZE) throw windowExceeded('ties');
    const page = await fetch({ itemOffset, pageSize: MAX_PAGE_SIZE });
    total = page.totalResults;
    page.items.forEach((item, index) => {
      const at = itemOffset + index;
      if (fromIndex === undefined) {
        if (idOf(item) === from.id) {
          fromIndex = at;
          return;
        }
        if (keyset.keyOf(item) === from.key) {
          ties.push({ item, at });
          return;
        }
        // Past the ties without meeting the cursor's item: it moved or left. Which ties came before it is unknown:
        // repeat them all rather than skip any (resultsShifted says so).
        shifted = true;
        fromIndex = (ties[0]?.at ?? at) - 1;
        for (const tie of ties) take(tie.item, tie.at);
      }
      take(item, at);
    });
    if (page.items.length < MAX_PAGE_SIZE) break;
  }
  if (fromIndex === undefined && ties.length > 0) {
    // The narrowed search ended among the ties without the cursor's item.
    shifted = true;
    fromIndex = (ties[0]?.at ?? 0) - 1;
    for (const tie of ties) take(tie.item, tie.at);
  }
  const edges = edgesOf(taken, from.offset + 1, request, () => true);
  const totalCount = from.offset + Math.max(total - (fromIndex ?? -1), 1);
  return {
    edges,
    nodes: taken,
    totalCount: () => Promise.resolve(totalCount),
    resultsShifted: shifted,
    // Numbered pages stop at the window: no page past it has a cursor to offer.
    pageCursors: async (around) =>
      pageCursorsOf({
        current: Math.floor((from.offset + 1) / count) + 1,
        pages: Math.floor(SEARCH_WINDOW / count),
        numbers: checkPageNumbers(around),
        cursorOf: (p) =>
          p === 1 ? null : request.cursors.encodeOffset(request.binding, { offset: (p - 1) * count - 1 }),
      }),
    pageInfo: {
      // After the last item taken (after the cursor's own when none was): more in the narrowed search?
      hasNextPage: async () =>
        (taken.length > 0 ? lastIndex : (fromIndex ?? -1)) + 1 < total || total >= SEARCH_WINDOW,
      hasPreviousPage: true,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

function checkPageNumbers(around: number): number {
  if (Number.isSafeInteger(around) && around >= PAGE_NUMBERS.min && around <= PAGE_NUMBERS.max) return around;
  throw badUserInput(
    `\`around\` must be an integer from ${PAGE_NUMBERS.min} to ${PAGE_NUMBERS.max} (got ${around}).`,
    'around',
  );
}

/**
 * The numbered pages to offer, Artsy's layout generalised from 5 to `numbers` page numbers in all: every page when
 * they fit; else `around` holds the current page amid `numbers` − 2 pages with `first` and `last` beside it, or,
 * near an end, `numbers` − 1 pages from that end with the other end's page beside it. `previous` unless on page 1.
 * `pages` counts the pages of the results, at most the window's (totalResults stops at SEARCH_WINDOW).
 */
export function pageCursorsOf({
  current,
  pages,
  numbers,
  cursorOf,
}: {
  current: number;
  pages: number;
  numbers: number;
  cursorOf: (page: number) => string | null;
}): PageCursors {
  const pageCursor = (page: number): PageCursor => ({
    page,
    cursor: cursorOf(page),
    isCurrent: page === current,
  });
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => pageCursor(from + i));
  const at = Math.min(Math.max(current, 1), pages);
  const previous = current > 1 ? pageCursor(Math.min(current - 1, pages)) : null;
  if (pages <= numbers) return { first: null, last: null, previous, around: range(1, pages) };
  const start = at - Math.floor((numbers - 3) / 2);
  const end = start + numbers - 3;
  if (start <= 2) return { first: null, last: pageCursor(pages), previous, around: range(1, numbers - 1) };
  if (end >= pages - 1)
    return { first: pageCursor(1), last: null, previous, around: range(pages - numbers + 2, pages) };
  return { first: pageCursor(1), last: pageCursor(pages), previous, around: range(start, end) };
}

/** What checked arguments ask for: a direction, a count, and the cursor's position if one was given. */
export interface OffsetRequest {
  direction: 'forward' | 'backward';
  count: number;
  from?: OffsetPoint;
}

/**
 * Checks a search connection's paging arguments and cursor (bound to `binding`) without any call: BAD_USER_INPUT,
 * INVALID_CURSOR, or SEARCH_WINDOW_EXCEEDED for a page past the window. The preflight runs it too.
 */
export function checkOffsetArgs(
  args: OffsetConnectionArgs,
  binding: ConnectionBinding,
  cursors: CursorCodec,
): OffsetRequest {
  const given = (value: unknown) => value !== null && value !== undefined;
  if (given(args.first) && given(args.last))
    throw badUserInput('Give `first` (with `after`) or `last` (with `before`), not both.', 'last');
  if (given(args.after) && given(args.last))
    throw badUserInput('`after` pages forward: use it with `first`, or use `before` with `last`.', 'after');
  if (given(args.before) && given(args.first))
    throw badUserInput('`before` pages backward: use it with `last`, or use `after` with `first`.', 'before');
  if (given(args.last) || given(args.before)) {
    const count = validateCount(args.last ?? DEFAULT_FIRST, 'last');
    if (typeof args.before !== 'string') return { direction: 'backward', count };
    const from = cursors.decodeOffsetFor(binding, args.before, 'before');
    // Past the window, pages go on by key, forward only.
    if (from.offset > SEARCH_WINDOW && count > 0) throw windowExceeded('backward');
    return { direction: 'backward', count, from };
  }
  const count = validateCount(args.first ?? DEFAULT_FIRST, 'first');
  if (typeof args.after !== 'string') return { direction: 'forward', count };
  const from = cursors.decodeOffsetFor(binding, args.after, 'after');
  // A cursor with a key continues past the window (keysetPage); without one, nothing can.
  if (from.offset + 1 >= SEARCH_WINDOW && count > 0 && from.key === undefined) throw windowExceeded();
  return { direction: 'forward', count, from };
}

/** Works out the page the checked arguments ask for (a call for the total, for `last` alone). */
async function windowOf<T>(
  { fetchPage }: OffsetConnectionRequest<T>,
  { direction, count, from }: OffsetRequest,
): Promise<Window> {
  if (direction === 'backward') {
    if (from) {
      const start = Math.max(0, from.offset - count);
      return { start, size: from.offset - start, from, direction, count };
    }
    const { totalResults } = await fetchPage({ itemOffset: 0, pageSize: 1 });
    if (totalResults >= SEARCH_WINDOW) throw windowExceeded('end');
    const start = Math.max(0, totalResults - count);
    return { start, size: totalResults - start, direction, count };
  }
  if (!from) return { start: 0, size: count, direction, count };
  const start = from.offset + 1;
  return { start, size: Math.min(count, SEARCH_WINDOW - start), from, direction, count };
}

function validateCount(value: number, argumentName: 'first' | 'last'): number {
  if (argumentName === 'first') return validateFirst(value);
  try {
    return validateFirst(value);
  } catch {
    throw badUserInput(
      `\`last\` must be an integer from 0 to ${MAX_PAGE_SIZE} (got ${value}). Page through longer lists with \`before\`.`,
      'last',
    );
  }
}

/** SEARCH_WINDOW_EXCEEDED: a page beyond the first 10,000 results that cannot be reached as asked (`reason`). */
export function windowExceeded(reason: 'order' | 'backward' | 'filter' | 'end' | 'ties' = 'order') {
  const window = SEARCH_WINDOW.toLocaleString('en-US');
  const how = {
    order:
      'Sort by `CREATED_AT` alone where the search offers it (jobs, steps, workers), which continues past them by key, or narrow the filter',
    backward:
      'Past them, pages go on by key forward only: page backward from a cursor among them, or narrow the filter',
    filter:
      'Continuing past them adds a condition on `CREATED_AT` that this filter has no room for: use fewer conditions, or narrow the filter',
    ties: `More than ${MAX_KEYSET_CALLS * MAX_PAGE_SIZE - 1} results share the \`CREATED_AT\` of this page's cursor, so the key cannot carry the walk on: narrow the filter`,
    end: 'The final page cannot be found from the end: sort the other way and take the first page, or narrow the filter',
  }[reason];
  return gatewayError(
    ErrorCode.SEARCH_WINDOW_EXCEEDED,
    `Deadline Cloud's search reaches the first ${window} results only, and this page lies beyond them. ${how} (a date range, fewer queues, a status) so that the results you want are among the first ${window}.`,
  );
}
