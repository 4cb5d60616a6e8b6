import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindingOf, CursorCodec } from '../../src/pagination/cursor.js';
import {
  type OffsetConnectionArgs,
  resolveOffsetConnection,
  SEARCH_WINDOW,
  type SearchPage,
} from '../../src/pagination/offsetConnection.js';

/**
 * The search connection helper over an in-memory result (the independent truth: array slices), as Deadline's
 * Search* calls page it: `itemOffset`, `pageSize`, `totalResults` capped at the window.
 */
const cursors = new CursorCodec(randomBytes(32));
const binding = bindingOf('Queue.jobSearch', 'farm-1/queue-1|filter-digest');

function searchOver(result: string[]) {
  const calls: Array<{ itemOffset: number; pageSize: number }> = [];
  const fetchPage = async (request: {
    itemOffset: number;
    pageSize: number;
  }): Promise<SearchPage<string>> => {
    calls.push(request);
    return {
      items: result.slice(request.itemOffset, request.itemOffset + request.pageSize),
      totalResults: Math.min(result.length, SEARCH_WINDOW),
    };
  };
  const page = (args: OffsetConnectionArgs, on = binding) =>
    resolveOffsetConnection({ args, binding: on, cursors, fetchPage, idOf: (id) => id });
  return { calls, page };
}

const ids = (n: number, prefix = 'job') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('search connections page both ways over offsets', () => {
  it.each([1, 7, 100])('walk 1,000 results forward with first: %i, exactly, one call a page', async (k) => {
    const result = ids(1000);
    const { calls, page } = searchOver(result);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const connection = await page({ first: k, after });
      pages += 1;
      seen.push(...connection.nodes);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(await connection.totalCount()).toBe(1000);
      if (!(await connection.pageInfo.hasNextPage())) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(result);
    expect(pages).toBe(Math.ceil(1000 / k));
    expect(calls).toHaveLength(pages);
  });

  it.each([1, 7, 100])('walk 1,000 results backward with last: %i, exactly', async (k) => {
    const result = ids(1000);
    const { calls, page } = searchOver(result);
    const pagesSeen: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const connection = await page({ last: k, before });
      pagesSeen.unshift(connection.nodes);
      expect(await connection.pageInfo.hasNextPage()).toBe(before !== null);
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
    }
    expect(pagesSeen.flat()).toEqual(result);
    // `last` alone asks for the total first: one call more, once.
    expect(calls).toHaveLength(pagesSeen.length + 1);
    expect(pagesSeen.at(-1)).toEqual(result.slice(-Math.min(k, 1000)));
  });

  it('counts with one call of one item when no page is fetched (first: 0)', async () => {
    const { calls, page } = searchOver(ids(42));
    const connection = await page({ first: 0 });
    expect(connection.nodes).toEqual([]);
    expect(calls).toEqual([]);
    expect(await connection.totalCount()).toBe(42);
    expect(calls).toEqual([{ itemOffset: 0, pageSize: 1 }]);
  });

  it('tells when results moved between two pages, and not when they did not', async () => {
    const result = ids(30);
    const { page } = searchOver(result);
    const first = await page({ first: 10 });
    expect(first.resultsShifted).toBeNull();
    const after = first.pageInfo.endCursor;
    expect((await page({ first: 10, after })).resultsShifted).toBe(false);
    result.unshift('job-new');
    const shifted = await page({ first: 10, after });
    expect(shifted.resultsShifted).toBe(true);
    // Offsets stay offsets: the page is the ten after the cursor's offset, whatever moved.
    expect(shifted.nodes).toEqual(result.slice(10, 20));
    // A page of 100 has no room for the item it would check: not checked, null.
    expect((await page({ first: 100, after })).resultsShifted).toBeNull();
    const before = shifted.pageInfo.startCursor;
    expect((await page({ last: 5, before })).resultsShifted).toBe(false);
  });

  it('refuses cursors of another connection or kind, and mixed directions, before any call', async () => {
    const { calls, page } = searchOver(ids(30));
    const cursor = (await page({ first: 5 })).pageInfo.endCursor as string;
    calls.length = 0;
    const other = bindingOf('Queue.jobSearch', 'farm-1/queue-1|another-filter');
    await expect(page({ first: 5, after: cursor }, other)).rejects.toMatchObject({
      extensions: { code: 'INVALID_CURSOR', argumentName: 'after' },
    });
    const tokenCursor = cursors.encode(binding, { token: null, skip: 0, pageSize: 100 });
    await expect(page({ last: 5, before: tokenCursor })).rejects.toMatchObject({
      extensions: { code: 'INVALID_CURSOR', argumentName: 'before' },
    });
    await expect(page({ first: 5, last: 5 })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(page({ last: 5, after: cursor })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(page({ first: 5, before: cursor })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
    await expect(page({ last: 101 })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'last' },
    });
    expect(calls).toEqual([]);
  });

  it('stops at the 10,000-result window: a capped total says more may follow, the page past it fails', async () => {
    const { page } = searchOver(ids(10_050));
    let after: string | null = null;
    let connection = await page({ first: 100 });
    for (let i = 1; i < 100; i++) {
      after = connection.pageInfo.endCursor;
      connection = await page({ first: 100, after });
    }
    expect(connection.nodes.at(-1)).toBe('job-9999');
    expect(await connection.totalCount()).toBe(SEARCH_WINDOW);
    expect(await connection.pageInfo.hasNextPage()).toBe(true);
    await expect(page({ first: 100, after: connection.pageInfo.endCursor })).rejects.toMatchObject({
      extensions: { code: 'SEARCH_WINDOW_EXCEEDED' },
    });
    await expect(page({ last: 10 })).rejects.toMatchObject({
      extensions: { code: 'SEARCH_WINDOW_EXCEEDED' },
    });
  });
});

describe('past the 10,000-result window, by key', () => {
  /** Items `job-<i>` with keys that repeat in runs of three (ties), ascending, as a search sorted by the key. */
  const keyed = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `job-${i}`,
      key: `k-${String(Math.floor(i / 3)).padStart(6, '0')}`,
    }));
  type Item = ReturnType<typeof keyed>[number];

  function searchByKey(result: Item[]) {
    const calls: Array<{ from?: string; itemOffset: number; pageSize: number }> = [];
    const pagesOf =
      (rows: Item[], from?: string) =>
      async (request: { itemOffset: number; pageSize: number }): Promise<SearchPage<Item>> => {
        calls.push({ ...(from ? { from } : {}), ...request });
        return {
          items: rows.slice(request.itemOffset, request.itemOffset + request.pageSize),
          totalResults: Math.min(rows.length, SEARCH_WINDOW),
        };
      };
    const page = (args: OffsetConnectionArgs) =>
      resolveOffsetConnection<Item>({
        args,
        binding,
        cursors,
        fetchPage: pagesOf(result),
        idOf: (item) => item.id,
        keyset: {
          keyOf: (item) => item.key,
          // The narrowed search, computed here: the items whose key is at least `from`, in the same order.
          fetchFrom: (from) =>
            pagesOf(
              result.filter((item) => item.key >= from),
              from,
            ),
        },
      });
    return { calls, page };
  }

  it.each([100, 7])('walks 10,250 results forward with first: %i, exactly, on past the window', async (k) => {
    const result = keyed(10_250);
    const { calls, page } = searchByKey(result);
    const seen: string[] = [];
    let after: string | null = null;
    let offsetPages = 0;
    let keysetPages = 0;
    for (;;) {
      const made = calls.length;
      const connection = await page({ first: k, after });
      const mine = calls.slice(made);
      // A page is served by offset (one call) or by key (calls narrowed to a key).
      if (mine.every((call) => call.from === undefined)) {
        offsetPages += 1;
        expect(mine).toHaveLength(1);
      } else {
        keysetPages += 1;
        expect(mine.every((call) => call.from !== undefined)).toBe(true);
        // One call, but two for a page of 100 (its cursor's item and 100 more), unless the results end first.
        expect(mine.length).toBeLessThanOrEqual(k === 100 ? 2 : 1);
      }
      seen.push(...connection.nodes.map((item) => item.id));
      expect(connection.resultsShifted === true).toBe(false);
      if (!(await connection.pageInfo.hasNextPage())) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(result.map((item) => item.id));
    expect(keysetPages).toBeGreaterThan(0);
    expect(offsetPages + keysetPages).toBe(Math.ceil(10_250 / k));
  });

  it('counts past the window as a lower bound from the narrowed search, and says when the cursor item left', async () => {
    const result = keyed(10_250);
    const { page } = searchByKey(result);
    let connection = await page({ first: 100 });
    for (let i = 0; i < 100; i++)
      connection = await page({ first: 100, after: connection.pageInfo.endCursor });
    expect(connection.nodes.map((item) => item.id)).toEqual(
      result.slice(10_000, 10_100).map((item) => item.id),
    );
    expect(await connection.totalCount()).toBe(10_250);
    const after = connection.pageInfo.endCursor;
    // The cursor's item (job-10099) is gone before the next page: the page follows on, and says so.
    const without = result.filter((item) => item.id !== 'job-10099');
    const moved = await searchByKey(without).page({ first: 10, after });
    // job-10098 shares its key: whether it came before the cursor's item is unknown now, so it is repeated.
    expect(moved.nodes.map((item) => item.id)).toEqual([
      'job-10098',
      ...result.slice(10_100, 10_109).map((item) => item.id),
    ]);
    expect(moved.resultsShifted).toBe(true);
  });

  it('a result of exactly 10,000: the page after the last is empty and says no more follow (no endless walk)', async () => {
    const result = keyed(10_000);
    const { page } = searchByKey(result);
    let connection = await page({ first: 100 });
    for (let i = 1; i < 100; i++)
      connection = await page({ first: 100, after: connection.pageInfo.endCursor });
    expect(connection.nodes.at(-1)?.id).toBe('job-9999');
    // A capped total may hide more: the window's last page says more may follow…
    expect(await connection.pageInfo.hasNextPage()).toBe(true);
    // …and the page after it, by key, finds none and says so.
    const after = await page({ first: 100, after: connection.pageInfo.endCursor });
    expect(after.nodes).toEqual([]);
    expect(await after.pageInfo.hasNextPage()).toBe(false);
    expect(await after.totalCount()).toBe(10_000);
  });

  it('more than 299 results sharing the cursor key: SEARCH_WINDOW_EXCEEDED after three calls, not a long scan', async () => {
    const result = [
      // The window ends on tie-399: the narrowed search holds 399 ties before the cursor's item.
      ...keyed(9_600),
      ...Array.from({ length: 800 }, (_, i) => ({ id: `tie-${i}`, key: 'k-999999' })),
    ];
    const { calls, page } = searchByKey(result);
    let connection = await page({ first: 100 });
    for (let i = 1; i < 100; i++)
      connection = await page({ first: 100, after: connection.pageInfo.endCursor });
    const made = calls.length;
    const last = connection.nodes.at(-1);
    expect(last?.key).toBe('k-999999');
    await expect(page({ first: 100, after: connection.pageInfo.endCursor })).rejects.toMatchObject({
      extensions: { code: 'SEARCH_WINDOW_EXCEEDED' },
    });
    expect(calls.length - made).toBe(3);
  });

  it('pages backward past the window fail with SEARCH_WINDOW_EXCEEDED, before any call', async () => {
    const result = keyed(10_250);
    const { calls, page } = searchByKey(result);
    let connection = await page({ first: 100 });
    for (let i = 0; i < 100; i++)
      connection = await page({ first: 100, after: connection.pageInfo.endCursor });
    const made = calls.length;
    await expect(page({ last: 5, before: connection.pageInfo.endCursor })).rejects.toMatchObject({
      extensions: { code: 'SEARCH_WINDOW_EXCEEDED' },
    });
    expect(calls.length).toBe(made);
  });
});
