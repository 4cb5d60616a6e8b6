import { randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  type Connection,
  type ConnectionArgs,
  type FetchPage,
  type PageRequest,
  resolveConnection,
  type UpstreamPage,
} from '../../src/pagination/connection.js';
import { bindingOf, CursorCodec, type ResumePoint } from '../../src/pagination/cursor.js';

/**
 * resolveConnection (src/pagination/connection.ts) over an in-memory `nextToken` chain: which edges and cursors a
 * page gets, what pageInfo says, and which upstream pages it fetched to know it. In the style of graphql-relay-js'
 * arrayConnection tests: whole pages compared at once, cursors decoded through the codec.
 *
 * The main chain has page size 3: [A B C] -t1-> [D E F] -t2-> [G].
 */
const PAGE_SIZE = 3;
const codec = new CursorCodec(randomBytes(32));
const binding = bindingOf('Job.sessions', 'farm-1/queue-1/job-1');
const settings = { cursors: codec, chainPageSize: PAGE_SIZE };

/** Upstream pages by token (null: the chain's first page), and every request made, in order. */
function fakeUpstream(pages: Map<string | null, UpstreamPage<string>>) {
  const requests: PageRequest[] = [];
  const fetchPage: FetchPage<string> = async (request) => {
    requests.push({ ...request });
    const page = pages.get(request.nextToken ?? null);
    if (!page) throw new Error(`no page for token ${request.nextToken}`);
    return page;
  };
  return { fetchPage, requests };
}

/** A chain of these pages: the first without a token, page i reached by token `t<i>`. */
function chainOf(...pages: string[][]) {
  const map = new Map<string | null, UpstreamPage<string>>();
  pages.forEach((items, i) => {
    map.set(i === 0 ? null : `t${i}`, { items, nextToken: i < pages.length - 1 ? `t${i + 1}` : undefined });
  });
  if (pages.length === 0) map.set(null, { items: [] });
  return fakeUpstream(map);
}

const abcdefg = () => chainOf(['A', 'B', 'C'], ['D', 'E', 'F'], ['G']);

const at = (token: string | null, skip: number, pageSize = PAGE_SIZE): ResumePoint => ({
  token,
  skip,
  pageSize,
});
const decode = (cursor: string | null) => (cursor === null ? null : codec.decodeFor(binding, cursor));

/** The cursor after each item of the main chain: an item that ends an upstream page points at the next one. */
const edgeA = { node: 'A', cursor: at(null, 1) };
const edgeB = { node: 'B', cursor: at(null, 2) };
const edgeC = { node: 'C', cursor: at('t1', 0) };
const edgeD = { node: 'D', cursor: at('t1', 1) };
const edgeE = { node: 'E', cursor: at('t1', 2) };
const edgeF = { node: 'F', cursor: at('t2', 0) };
const edgeG = { node: 'G', cursor: at('t2', 1) };
const allEdges = [edgeA, edgeB, edgeC, edgeD, edgeE, edgeF, edgeG];

/** A request as resolveConnection makes it: token (null: none), the chain's page size, from a client's cursor. */
const request = (token: string | null, resumedFromCursor: boolean, maxResults = PAGE_SIZE) => ({
  ...(token === null ? {} : { nextToken: token }),
  maxResults,
  resumedFromCursor,
});

/** The connection with its cursors decoded, reading `hasNextPage` last. */
async function view(connection: Connection<string>) {
  const { pageInfo } = connection;
  const edges = connection.edges.map((edge) => ({ node: edge.node, cursor: decode(edge.cursor) }));
  return {
    edges,
    nodes: connection.nodes,
    pageInfo: {
      startCursor: decode(pageInfo.startCursor),
      endCursor: decode(pageInfo.endCursor),
      hasPreviousPage: pageInfo.hasPreviousPage,
      hasNextPage: await pageInfo.hasNextPage(),
    },
  };
}

function page(edges: typeof allEdges, hasPreviousPage: boolean, hasNextPage: boolean) {
  return {
    edges,
    nodes: edges.map((edge) => edge.node),
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasPreviousPage,
      hasNextPage,
    },
  };
}

function resolve(upstream: { fetchPage: FetchPage<string> }, args: ConnectionArgs) {
  return resolveConnection({ args, binding, settings, fetchPage: upstream.fetchPage });
}

/** The rejection of a promise, as `{ code, argumentName, message }`. */
async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return {
      code: error.extensions.code,
      argumentName: error.extensions.argumentName,
      message: error.message,
    };
  }
  throw new Error('expected a rejection');
}

describe('resolveConnection', () => {
  describe('first pages', () => {
    it('returns the first `first` items, knowing hasNextPage from the page it read', async () => {
      const upstream = abcdefg();
      const connection = await resolve(upstream, { first: 2 });
      expect(await view(connection)).toEqual(page([edgeA, edgeB], false, true));
      expect(upstream.requests).toEqual([request(null, false)]);
    });

    it('follows the chain when `first` ends inside a later upstream page', async () => {
      const upstream = abcdefg();
      const connection = await resolve(upstream, { first: 4 });
      expect(await view(connection)).toEqual(page([edgeA, edgeB, edgeC, edgeD], false, true));
      expect(upstream.requests).toEqual([request(null, false), request('t1', false)]);
    });

    it('at an upstream page end, looks ahead only when hasNextPage is read, and once', async () => {
      const upstream = abcdefg();
      const connection = await resolve(upstream, { first: 3 });
      expect(connection.edges.map((edge) => decode(edge.cursor))).toEqual([
        at(null, 1),
        at(null, 2),
        at('t1', 0),
      ]);
      expect(decode(connection.pageInfo.endCursor)).toEqual(at('t1', 0));
      expect(upstream.requests).toEqual([request(null, false)]);

      expect(await connection.pageInfo.hasNextPage()).toBe(true);
      expect(await connection.pageInfo.hasNextPage()).toBe(true);
      expect(upstream.requests).toEqual([request(null, false), request('t1', false)]);
    });

    it('at the second upstream page end, the look-ahead reads the third page', async () => {
      const upstream = abcdefg();
      const connection = await resolve(upstream, { first: 6 });
      expect(upstream.requests).toHaveLength(2);
      expect(await view(connection)).toEqual(page(allEdges.slice(0, 6), false, true));
      expect(upstream.requests).toEqual([request(null, false), request('t1', false), request('t2', false)]);
    });

    it('knows the end of the chain without a look-ahead', async () => {
      for (const first of [7, 8, 100]) {
        const upstream = abcdefg();
        expect(await view(await resolve(upstream, { first }))).toEqual(page(allEdges, false, false));
        expect(upstream.requests, `first ${first}`).toEqual([
          request(null, false),
          request('t1', false),
          request('t2', false),
        ]);
      }
    });

    it('takes 25 items when `first` is absent or null', async () => {
      const items = Array.from({ length: 30 }, (_, i) => `item${i}`);
      for (const args of [{}, { first: null }]) {
        const connection = await resolve(chainOf(items), args);
        expect(connection.nodes).toEqual(items.slice(0, 25));
        expect(await connection.pageInfo.hasNextPage()).toBe(true);
      }
    });

    it('treats an empty nextToken as the end of the chain', async () => {
      const upstream = fakeUpstream(new Map([[null, { items: ['A'], nextToken: '' }]]));
      expect(await view(await resolve(upstream, { first: 1 }))).toEqual(
        page([{ node: 'A', cursor: at(null, 1) }], false, false),
      );
      expect(upstream.requests).toEqual([request(null, false)]);
    });
  });

  describe('resuming with `after`', () => {
    it("resumes from every edge's cursor with the items after it and the same cursors", async () => {
      const tokensFrom: Record<string, Array<string | null>> = {
        A: [null, 't1', 't2'],
        B: [null, 't1', 't2'],
        C: ['t1', 't2'],
        D: ['t1', 't2'],
        E: ['t1', 't2'],
        F: ['t2'],
        G: ['t2'],
      };
      const full = await resolve(abcdefg(), { first: 100 });
      for (const [i, edge] of full.edges.entries()) {
        const upstream = abcdefg();
        const resumed = await resolve(upstream, { first: 100, after: edge.cursor });
        expect(await view(resumed), `after ${edge.node}`).toEqual(page(allEdges.slice(i + 1), true, false));
        // Only the first fetch of the resumed page replays the client's token.
        expect(upstream.requests, `after ${edge.node}`).toEqual(
          (tokensFrom[edge.node] ?? []).map((token, n) => request(token, n === 0)),
        );
      }
    });

    it('resumes inside a page and straddles the next one', async () => {
      const upstream = abcdefg();
      const after = (await resolve(abcdefg(), { first: 2 })).edges[1]?.cursor;
      expect(await view(await resolve(upstream, { first: 2, after }))).toEqual(
        page([edgeC, edgeD], true, true),
      );
      expect(upstream.requests).toEqual([request(null, true), request('t1', false)]);
    });

    it("a resumed page's look-ahead is a fresh fetch, not a replay of the client's token", async () => {
      const upstream = abcdefg();
      const after = codec.encode(binding, at('t1', 2));
      const connection = await resolve(upstream, { first: 1, after });
      expect(upstream.requests).toEqual([request('t1', true)]);
      expect(await view(connection)).toEqual(page([edgeF], true, true));
      expect(upstream.requests).toEqual([request('t1', true), request('t2', false)]);
    });

    it("pages with the cursor's page size, not the gateway's", async () => {
      const upstream = abcdefg();
      const after = codec.encode(binding, at('t1', 1, 50));
      const connection = await resolve(upstream, { first: 100, after });
      expect(await view(connection)).toEqual(
        page(
          [
            { node: 'E', cursor: at('t1', 2, 50) },
            { node: 'F', cursor: at('t2', 0, 50) },
            { node: 'G', cursor: at('t2', 1, 50) },
          ],
          true,
          false,
        ),
      );
      expect(upstream.requests).toEqual([request('t1', true, 50), request('t2', false, 50)]);
    });
  });

  describe('first: 0', () => {
    it('fetches nothing until hasNextPage is read, then one page', async () => {
      const upstream = abcdefg();
      const connection = await resolve(upstream, { first: 0 });
      expect(upstream.requests).toEqual([]);
      expect(await view(connection)).toEqual(page([], false, true));
      expect(upstream.requests).toEqual([request(null, false)]);
    });

    it("after a cursor, looks at the cursor's own page", async () => {
      const upstream = abcdefg();
      const inside = await resolve(upstream, { first: 0, after: codec.encode(binding, at('t1', 1)) });
      expect(await view(inside)).toEqual(page([], true, true));
      expect(upstream.requests).toEqual([request('t1', true)]);

      const atTheEnd = abcdefg();
      const last = await resolve(atTheEnd, { first: 0, after: codec.encode(binding, at('t2', 1)) });
      expect(await view(last)).toEqual(page([], true, false));
      expect(atTheEnd.requests).toEqual([request('t2', true)]);
    });

    it('on an empty chain, hasNextPage is false', async () => {
      expect(await view(await resolve(chainOf(), { first: 0 }))).toEqual(page([], false, false));
    });
  });

  describe('empty pages', () => {
    it('an empty chain is an empty page, from one fetch', async () => {
      const upstream = chainOf();
      expect(await view(await resolve(upstream, { first: 10 }))).toEqual(page([], false, false));
      expect(upstream.requests).toEqual([request(null, false)]);
    });

    it('follows empty pages that carry a token', async () => {
      const upstream = chainOf([], ['A'], [], [], ['B', 'C']);
      expect(await view(await resolve(upstream, { first: 3 }))).toEqual(
        page(
          [
            { node: 'A', cursor: at('t2', 0) },
            { node: 'B', cursor: at('t4', 1) },
            { node: 'C', cursor: at('t4', 2) },
          ],
          false,
          false,
        ),
      );
      expect(upstream.requests.map((r) => r.nextToken)).toEqual([undefined, 't1', 't2', 't3', 't4']);
    });

    it('the look-ahead follows empty pages too', async () => {
      const upstream = chainOf([], ['A'], [], [], ['B', 'C']);
      const connection = await resolve(upstream, { first: 1 });
      expect(upstream.requests.map((r) => r.nextToken)).toEqual([undefined, 't1']);
      expect(await connection.pageInfo.hasNextPage()).toBe(true);
      expect(upstream.requests.map((r) => r.nextToken)).toEqual([undefined, 't1', 't2', 't3', 't4']);

      const trailing = chainOf(['A'], [], []);
      const last = await resolve(trailing, { first: 1 });
      expect(await last.pageInfo.hasNextPage()).toBe(false);
      expect(trailing.requests.map((r) => r.nextToken)).toEqual([undefined, 't1', 't2']);
    });

    it('gives up after 10 empty pages in a row that carry a token', async () => {
      const empty = (n: number): string[][] => Array.from({ length: n }, () => []);
      const nine = chainOf(...empty(9), ['A']);
      expect((await resolve(nine, { first: 1 })).nodes).toEqual(['A']);
      expect(nine.requests).toHaveLength(10);

      const ten = chainOf(...empty(10), ['A']);
      expect(await failureOf(resolve(ten, { first: 1 }))).toEqual({
        code: 'UPSTREAM_UNAVAILABLE',
        argumentName: undefined,
        message: expect.stringContaining('10 empty pages in a row'),
      });
      expect(ten.requests).toHaveLength(10);

      // A page with items starts the count again.
      const reset = chainOf(...empty(9), ['A'], ...empty(9), ['B']);
      expect((await resolve(reset, { first: 2 })).nodes).toEqual(['A', 'B']);

      // The look-ahead counts too.
      const ahead = await resolve(chainOf(['A'], ...empty(10), ['B']), { first: 1 });
      expect(await failureOf(ahead.pageInfo.hasNextPage())).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      const nineAhead = await resolve(chainOf(['A'], ...empty(9), ['B']), { first: 1 });
      expect(await nineAhead.pageInfo.hasNextPage()).toBe(true);
    });
  });

  describe('a broken chain', () => {
    it('fails with UPSTREAM_UNAVAILABLE when a page returns its own token', async () => {
      const upstream = fakeUpstream(
        new Map([
          [null, { items: ['A'], nextToken: 't1' }],
          ['t1', { items: ['B'], nextToken: 't1' }],
        ]),
      );
      expect(await failureOf(resolve(upstream, { first: 5 }))).toEqual({
        code: 'UPSTREAM_UNAVAILABLE',
        argumentName: undefined,
        message: expect.stringContaining('the same pagination token twice'),
      });
      expect(upstream.requests.map((r) => r.nextToken)).toEqual([undefined, 't1']);
    });

    it('in the look-ahead too', async () => {
      const upstream = fakeUpstream(
        new Map([
          [null, { items: ['A'], nextToken: 't1' }],
          ['t1', { items: [], nextToken: 't1' }],
        ]),
      );
      const connection = await resolve(upstream, { first: 1 });
      expect(connection.nodes).toEqual(['A']);
      expect(await failureOf(connection.pageInfo.hasNextPage())).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        message: expect.stringContaining('the same pagination token twice'),
      });
    });
  });

  describe('arguments refused before any fetch', () => {
    it("refuses a cursor of another connection, another key, or none of this gateway's", async () => {
      const point = at('t1', 1);
      const foreign = [
        codec.encode(bindingOf('Job.sessions', 'farm-1/queue-1/job-2'), point),
        codec.encode(bindingOf('Queue.jobs', 'farm-1/queue-1/job-1'), point),
        new CursorCodec(randomBytes(32)).encode(binding, point),
        'not-a-cursor',
        '',
      ];
      for (const after of foreign) {
        const upstream = abcdefg();
        expect(await failureOf(resolve(upstream, { first: 1, after })), after).toEqual({
          code: 'INVALID_CURSOR',
          argumentName: 'after',
          message: expect.stringContaining('not valid for this connection'),
        });
        expect(upstream.requests).toEqual([]);
      }
    });

    it('refuses `first` outside 0–100 or not an integer, before looking at `after`', async () => {
      for (const first of [-1, 101, 2.5, Number.NaN]) {
        const upstream = abcdefg();
        expect(
          await failureOf(resolve(upstream, { first, after: 'not-a-cursor' })),
          `first ${first}`,
        ).toEqual({
          code: 'BAD_USER_INPUT',
          argumentName: 'first',
          message: expect.stringContaining('from 0 to 100'),
        });
        expect(upstream.requests).toEqual([]);
      }
    });
  });
});
