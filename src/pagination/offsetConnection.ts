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
}

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
}

export async function resolveOffsetConnection<T>(
  request: OffsetConnectionRequest<T>,
): Promise<OffsetConnection<T>> {
  const { binding, cursors, fetchPage, idOf } = request;
  const window = await windowOf(request);
  // One item more on the cursor's side, when the page has room, to see whether that item is still there.
  const check = window.from !== undefined && window.size < MAX_PAGE_SIZE;
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
      return { start, size: from.offset - start, from, direction };
    }
    const { totalResults } = await fetchPage({ itemOffset: 0, pageSize: 1 });
    if (totalResults >= SEARCH_WINDOW) throw windowExceeded();
    const start = Math.max(0, totalResults - count);
    return { start, size: totalResults - start, direction };
  }
  if (!from) return { start: 0, size: count, direction };
  const start = from.offset + 1;
  return { start, size: Math.min(count, SEARCH_WINDOW - start), from, direction };
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
