import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindingOf, CursorCodec } from '../../src/pagination/cursor.js';
import {
  type OffsetConnectionArgs,
  pageCursorsOf,
  resolveOffsetConnection,
  SEARCH_WINDOW,
} from '../../src/pagination/offsetConnection.js';

/** Numbered pages of search connections over an in-memory result (the truth: array slices), as in offsetConnection.test.ts. */
const cursors = new CursorCodec(randomBytes(32));
const binding = bindingOf('Queue.jobSearch', 'farm-1/queue-1|filter-digest');

function searchOver(length: number) {
  const result = Array.from({ length }, (_, i) => `job-${i}`);
  let calls = 0;
  const page = (args: OffsetConnectionArgs) =>
    resolveOffsetConnection<string>({
      args,
      binding,
      cursors,
      idOf: (id) => id,
      fetchPage: async ({ itemOffset, pageSize }) => {
        calls += 1;
        return {
          items: result.slice(itemOffset, itemOffset + pageSize),
          totalResults: Math.min(length, SEARCH_WINDOW),
        };
      },
    });
  return { result, page, calls: () => calls };
}

/** The layout as page numbers: [first, around, last], previous left out. */
function layout(current: number, pages: number, numbers = 5) {
  const { first, around, last } = pageCursorsOf({ current, pages, numbers, cursorOf: () => null });
  return [first?.page ?? null, around.map((p) => p.page), last?.page ?? null];
}

describe('pageCursorsOf: the layout', () => {
  it.each([
    // Artsy's layout for 5 numbers.
    [1, 1, [null, [1], null]],
    [2, 5, [null, [1, 2, 3, 4, 5], null]],
    [1, 10, [null, [1, 2, 3, 4], 10]],
    [3, 10, [null, [1, 2, 3, 4], 10]],
    [4, 10, [1, [3, 4, 5], 10]],
    [7, 10, [1, [6, 7, 8], 10]],
    [8, 10, [1, [7, 8, 9, 10], null]],
    [10, 10, [1, [7, 8, 9, 10], null]],
  ] as const)('page %i of %i', (current, pages, expected) => {
    expect(layout(current, pages)).toEqual(expected);
  });

  it('offers at most `numbers` pages, in order, the current one among them, for every place and size', () => {
    for (let numbers = 3; numbers <= 20; numbers++) {
      for (let pages = 1; pages <= 30; pages++) {
        for (let current = 1; current <= pages; current++) {
          const { first, last, previous, around } = pageCursorsOf({
            current,
            pages,
            numbers,
            cursorOf: () => null,
          });
          const shown = [first, ...around, last].flatMap((p) => (p ? [p.page] : []));
          expect(shown.length).toBe(Math.min(numbers, pages));
          expect(shown).toEqual([...new Set(shown)].sort((a, b) => a - b));
          expect(around.filter((p) => p.isCurrent).map((p) => p.page)).toEqual([current]);
          expect(around.map((p) => p.page)).toEqual(
            Array.from({ length: around.length }, (_, i) => (around[0]?.page ?? 0) + i),
          );
          expect(previous?.page ?? null).toBe(current > 1 ? current - 1 : null);
        }
      }
    }
  });
});

describe('page cursors of a search connection', () => {
  it('open aligned pages, without a shift check; edge cursors still check', async () => {
    const { result, page } = searchOver(95);
    const first = await page({ first: 10 });
    const cursors = await first.pageCursors(5);
    const last = cursors.last;
    expect(last?.page).toBe(10);
    const opened = await page({ first: 10, after: last?.cursor });
    expect(opened.nodes).toEqual(result.slice(90));
    expect(opened.resultsShifted).toBeNull();
    expect((await page({ first: 10, after: first.pageInfo.endCursor })).resultsShifted).toBe(false);
    // A page cursor works as `before` too: the page before the page it opens.
    expect((await page({ last: 10, before: last?.cursor })).nodes).toEqual(result.slice(79, 89));
  });

  it('cost no call beyond the page', async () => {
    const { page, calls } = searchOver(95);
    const connection = await page({
      first: 10,
      after: (await (await page({ first: 10 })).pageCursors(5)).last?.cursor,
    });
    expect(calls()).toBe(2);
    await connection.pageCursors(7);
    expect(calls()).toBe(2);
  });

  it.each([100, 30, 7])(
    'stop at the window: with first: %i, the last page offered starts before 10,000',
    async (k) => {
      const { result, page } = searchOver(12_000);
      const { last } = await (await page({ first: k })).pageCursors(5);
      expect(last?.page).toBe(Math.ceil(SEARCH_WINDOW / k));
      const opened = await page({ first: k, after: last?.cursor });
      const start = (Math.ceil(SEARCH_WINDOW / k) - 1) * k;
      expect(opened.nodes).toEqual(result.slice(start, SEARCH_WINDOW));
    },
  );

  it('number a page reached by `last` by its last item, so `last` alone is the last page', async () => {
    const { page } = searchOver(95);
    const cursors = await (await page({ last: 10 })).pageCursors(5);
    expect(cursors.around.find((p) => p.isCurrent)?.page).toBe(10);
    expect(cursors.last).toBeNull();
  });
});
