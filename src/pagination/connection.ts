import type { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode, gatewayError } from '../errors/codes.js';
import type { ConnectionBinding, CursorCodec, ResumePoint } from './cursor.js';

/**
 * The one connection helper: `resolveConnection` serves every connection of the schema (forward paging with
 * `first`/`after`) from a Deadline `nextToken` chain, one upstream page at a time through a `FetchPage`. Each edge's
 * cursor is the resume point after its item (the start of the next upstream page when the item ends one).
 * `hasNextPage` is exact and lazy: when a page ends where an upstream page ends, it costs one more fetch, made only
 * when read. Cost bound and reasoning: docs/design/cursors.md.
 */

export const DEFAULT_FIRST = 25;
export const MAX_FIRST = 100;
/** Consecutive empty pages that still carry a token before the gateway calls the upstream broken. */
const MAX_EMPTY_PAGES_IN_A_ROW = 10;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

export interface UpstreamPage<T> {
  items: readonly T[];
  nextToken?: string | undefined;
}

export interface PageRequest {
  nextToken?: string;
  maxResults: number;
  /** True when `nextToken` comes from a client's cursor (a rejection then means CURSOR_EXPIRED). */
  resumedFromCursor: boolean;
  /**
   * Make the call only once the request has no call in flight (with the DataLoader batches, `whenIdle`), but hold
   * the page from now on, so that a connection asking for it meanwhile joins it instead of calling at once (a call
   * in flight would hold every batch of the request back until it ends). For pages started ahead (rootLookup.ts).
   */
  whenIdle?: boolean;
}

export type FetchPage<T> = (request: PageRequest) => Promise<UpstreamPage<T>>;

export interface Edge<T> {
  node: T;
  readonly cursor: string;
}

/**
 * What connection resolvers return. `hasNextPage` is a function (GraphQL's default resolver calls it), because
 * when a page ends where an upstream page ends, knowing it costs a call: made only when a client asks for it.
 */
export interface LazyPageInfo {
  hasNextPage: () => Promise<boolean>;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: LazyPageInfo;
}

export interface ConnectionSettings {
  cursors: CursorCodec;
  /** maxResults of chains this gateway starts. */
  chainPageSize: number;
}

/** Validates `first`; throws BAD_USER_INPUT naming the argument and its range. */
export function validateFirst(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_FIRST;
  if (!Number.isInteger(first) || first < 0 || first > MAX_FIRST) {
    throw badUserInput(
      `\`first\` must be an integer from 0 to ${MAX_FIRST} (got ${first}). Page through longer lists with \`after\`.`,
      'first',
    );
  }
  return first;
}

/** Validates `first` and `after` for a connection: no upstream call happens before both are known to be good. */
export function parseConnectionArgs(
  args: ConnectionArgs,
  binding: ConnectionBinding,
  settings: ConnectionSettings,
): { first: number; start: ResumePoint; resumed: boolean } {
  const first = validateFirst(args.first);
  if (args.after === null || args.after === undefined) {
    return { first, start: { token: null, skip: 0, pageSize: settings.chainPageSize }, resumed: false };
  }
  return { first, start: settings.cursors.decodeFor(binding, args.after), resumed: true };
}

/** What `resolveConnection` needs: the client's arguments, which connection it is, and how to fetch its pages. */
export interface ConnectionRequest<T> {
  /** The field's `first` and `after`, as the client sent them (validated here). */
  args: ConnectionArgs;
  /** The connection the cursors belong to: the field and its parent's key path. */
  binding: ConnectionBinding;
  /** The cursor codec and the page size of new chains. */
  settings: ConnectionSettings;
  /** Fetches one upstream page (a loader's `pagesOf`). */
  fetchPage: FetchPage<T>;
}

export async function resolveConnection<T>({
  args,
  binding,
  settings,
  fetchPage,
}: ConnectionRequest<T>): Promise<Connection<T>> {
  const { first, start, resumed } = parseConnectionArgs(args, binding, settings);
  const { pageSize } = start;
  const fetch = (token: string | null) =>
    fetchPage({
      ...(token === null ? {} : { nextToken: token }),
      maxResults: pageSize,
      resumedFromCursor: resumed && token === start.token,
    });
  const cursors: EdgeCursors = { codec: settings.cursors, binding, pageSize };

  const edges: Edge<T>[] = [];
  /** Where the list continues after the last edge taken. */
  let position = { token: start.token, skip: start.skip };
  /** hasNextPage, once known without another call. */
  let hasNextPage: boolean | undefined;
  const guard = new ChainGuard();
  while (first > 0) {
    const page = await fetch(position.token);
    const next = page.nextToken ? page.nextToken : null;
    let index = position.skip;
    for (; index < page.items.length && edges.length < first; index++) {
      // The resume point after this item: the start of the next upstream page when this item ends the current one.
      const endsPage = index === page.items.length - 1 && next !== null;
      edges.push(
        new LazyEdge(
          page.items[index] as T,
          cursors,
          endsPage ? next : position.token,
          endsPage ? 0 : index + 1,
        ),
      );
    }
    if (index < page.items.length) {
      hasNextPage = true;
      break;
    }
    if (next === null) {
      hasNextPage = false;
      break;
    }
    guard.check(position.token, next, page.items.length > position.skip);
    position = { token: next, skip: 0 };
    // Page full, and it ended where an upstream page ended: whether anything follows is only looked up if asked.
    if (edges.length === first) break;
  }

  let lookAhead: Promise<boolean> | undefined;
  return {
    edges,
    get nodes() {
      return edges.map((edge) => edge.node);
    },
    pageInfo: {
      hasNextPage: () => {
        if (hasNextPage !== undefined) return Promise.resolve(hasNextPage);
        lookAhead ??= anyItemAt(position, fetch, guard);
        return lookAhead;
      },
      hasPreviousPage: resumed,
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}

/** Whether any item exists at `position` or after it: follows tokens past empty pages. */
async function anyItemAt<T>(
  position: { token: string | null; skip: number },
  fetch: (token: string | null) => Promise<UpstreamPage<T>>,
  guard: ChainGuard,
): Promise<boolean> {
  let { token, skip } = position;
  for (;;) {
    const page = await fetch(token);
    if (page.items.length > skip) return true;
    const next = page.nextToken ? page.nextToken : null;
    if (next === null) return false;
    guard.check(token, next, false);
    token = next;
    skip = 0;
  }
}

/** Stops a walk when the upstream repeats a token or keeps returning empty pages with tokens. */
class ChainGuard {
  private emptyPagesInARow = 0;

  check(token: string | null, next: string, pageHadItems: boolean): void {
    this.emptyPagesInARow = pageHadItems ? 0 : this.emptyPagesInARow + 1;
    if (next === token || this.emptyPagesInARow >= MAX_EMPTY_PAGES_IN_A_ROW)
      throw brokenChain(next === token);
  }
}

/** What every edge of one connection needs to encode its cursor. */
interface EdgeCursors {
  codec: CursorCodec;
  binding: ConnectionBinding;
  pageSize: number;
}

/**
 * An edge whose cursor is computed only when a client selects it (an HMAC per edge is not free). A class, not a
 * closure per edge: a 100-edge page allocates 100 small objects of one shape and nothing else.
 */
class LazyEdge<T> implements Edge<T> {
  #cursor: string | undefined;

  constructor(
    readonly node: T,
    private readonly cursors: EdgeCursors,
    private readonly token: string | null,
    private readonly skip: number,
  ) {}

  get cursor(): string {
    this.#cursor ??= this.cursors.codec.encode(this.cursors.binding, {
      token: this.token,
      skip: this.skip,
      pageSize: this.cursors.pageSize,
    });
    return this.#cursor;
  }
}

function brokenChain(repeated: boolean): GraphQLError {
  return gatewayError(
    ErrorCode.UPSTREAM_UNAVAILABLE,
    repeated
      ? 'Deadline Cloud returned the same pagination token twice; the list cannot be paged. Retry later.'
      : `Deadline Cloud returned ${MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row; the list cannot be paged. Retry later.`,
  );
}
