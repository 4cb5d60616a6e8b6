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
  const { binding, cursors, fetchPage, idOf } = request;
  const window = await windowOf(request);
  // One item more on the cursor's side, when the page has room, to see whether that item is still there.
  // Page cursors carry no ID: nothing to check against.
  const check = window.from?.id !== undefined && window.size < MAX_PAGE_SIZE;
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
  const edges = items.map((node, index) => {
    const point = { offset: window.start + index, id: idOf(node) };
    let cursor: string | undefined;
    return {
      node,
      get cursor() {
        cursor ??= cursors.encodeOffset(binding, point);
        return cursor;
      },
    };
  });
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
    return { direction: 'backward', count, from: cursors.decodeOffsetFor(binding, args.before, 'before') };
  }
  const count = validateCount(args.first ?? DEFAULT_FIRST, 'first');
  if (typeof args.after !== 'string') return { direction: 'forward', count };
  const from = cursors.decodeOffsetFor(binding, args.after, 'after');
  if (from.offset + 1 >= SEARCH_WINDOW && count > 0) throw windowExceeded();
  return { direction: 'forward', count, from };
}

/** Works out the page the arguments ask for (a call for the total, for `last` alone). */
async function windowOf<T>({
  args,
  binding,
  cursors,
  fetchPage,
}: OffsetConnectionRequest<T>): Promise<Window> {
  const { direction, count, from } = checkOffsetArgs(args, binding, cursors);
  if (direction === 'backward') {
    if (from) {
      const start = Math.max(0, from.offset - count);
      return { start, size: from.offset - start, from, direction, count };
    }
    const { totalResults } = await fetchPage({ itemOffset: 0, pageSize: 1 });
    if (totalResults >= SEARCH_WINDOW) throw windowExceeded();
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

function windowExceeded() {
  return gatewayError(
    ErrorCode.SEARCH_WINDOW_EXCEEDED,
    `Deadline Cloud's search reaches the first ${SEARCH_WINDOW.toLocaleString('en-US')} results only, and this page lies beyond them. Narrow the filter (a date range, fewer queues, a status) so that the results you want are among the first ${SEARCH_WINDOW.toLocaleString('en-US')}, or sort the other way.`,
  );
}
