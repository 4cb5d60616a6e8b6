import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndependentDeadline, startIndependentDeadline } from '../fixtures/independentDeadline.js';
import { type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';
import { callBudget, SESSIONS_PAGE, type SessionsPageData } from '../helpers/walk.js';

/**
 * Property: for any job size N (0–450) and any sequence of page sizes `first` (0–100, cycled; at least one
 * non-zero so the walk progresses), walking a job's sessions through the gateway returns exactly the upstream
 * sequence, page by page: every page is the next `first` items, `hasNextPage` is true on every page but the last
 * and false exactly at the end, no item is returned twice, and the ListSessions calls stay within budget.
 *
 * The upstream is the independent Deadline implementation with one job of every size 0–450 (generated up-front,
 * so the arbitrary picks N directly and shrinks towards small jobs), once with its short pages (a page never
 * crosses a multiple of 64 items) and once without. Budgets: short pages on, walk.pages + ⌈N/64⌉ + 1 (the
 * fixture's pages hold at most 64 items); off, walk.pages + ⌈N/100⌉ + 1, which for a constant `first` = k is
 * `callBudget(N, k)`.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run test/property/pagination.
 */
const SEED = Number(process.env.FC_SEED ?? 20_240_229);
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
const MAX_N = 450;

/** Sizes at and around the fixture's (64) and Deadline's (100) page edges, mixed into the uniform range. */
const EDGE_SIZES = [
  0, 1, 2, 63, 64, 65, 99, 100, 101, 127, 128, 129, 199, 200, 201, 255, 256, 257, 300, 449, 450,
];
const jobSize = fc.oneof(fc.integer({ min: 0, max: MAX_N }), fc.constantFrom(...EDGE_SIZES));
const pageSize = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.constantFrom(0, 1, 63, 64, 65, 99, 100),
  // Keep single-digit pages rarer than fc's small-value bias would make them: a 450-item walk with first = 1 is
  // 450 requests.
  fc.integer({ min: 20, max: 100 }),
);
const pageSizes = fc
  .array(pageSize, { minLength: 1, maxLength: 6 })
  .filter((sizes) => sizes.some((k) => k > 0));

interface PagedWalk {
  pages: number;
  sessionIds: string[];
  /** ListSessions calls, as the gateway reports them in `extensions.upstream`. */
  reportedCalls: number;
}

/** Walks to the end, checking each page against the upstream sequence `want` as it goes. */
async function walk(
  stack: TestStack,
  job: { farmId: string; queueId: string; jobId: string },
  want: string[],
  sizes: number[],
): Promise<PagedWalk> {
  const sessionIds: string[] = [];
  let after: string | null = null;
  let reportedCalls = 0;
  // Zero-size pages do not progress; every cycle of `sizes` advances by at least one item.
  const maxPages = (want.length + 1) * sizes.length + 1;
  for (let page = 0; page < maxPages; page++) {
    const first = sizes[page % sizes.length] as number;
    const response: GraphQLResponse<SessionsPageData> = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
      ...job,
      first,
      after,
    });
    const where = `page ${page + 1} (first ${first}, ${sessionIds.length} of ${want.length} seen)`;
    expect(response.status, where).toBe(200);
    expect(response.errors, `${where}: ${JSON.stringify(response.errors)}`).toBeUndefined();
    reportedCalls += response.extensions?.upstream?.byOperation.ListSessions ?? 0;
    const connection = response.data?.job?.sessions;
    if (!connection) throw new Error(`${where}: job.sessions missing`);
    const { edges, nodes, pageInfo } = connection;
    const ids = edges.map((edge) => edge.node.sessionId);
    expect(ids, `${where}: the next ${first} upstream items`).toEqual(
      want.slice(sessionIds.length, sessionIds.length + first),
    );
    expect(
      nodes.map((n) => n.sessionId),
      where,
    ).toEqual(ids);
    sessionIds.push(...ids);
    expect(pageInfo.hasNextPage, `${where}: hasNextPage`).toBe(sessionIds.length < want.length);
    expect(pageInfo.hasPreviousPage, where).toBe(after !== null);
    expect(pageInfo.startCursor, where).toBe(edges[0]?.cursor ?? null);
    expect(pageInfo.endCursor, where).toBe(edges.at(-1)?.cursor ?? null);
    if (!pageInfo.hasNextPage) return { pages: page + 1, sessionIds, reportedCalls };
    if (first > 0) after = pageInfo.endCursor;
  }
  throw new Error(`walk did not finish within ${maxPages} pages`);
}

for (const shortPages of [true, false]) {
  describe(`paging any job with any page sizes (independent Deadline, short pages ${shortPages ? 'on' : 'off'})`, () => {
    let upstream: IndependentDeadline;
    let stack: TestStack;
    beforeAll(async () => {
      upstream = await startIndependentDeadline({
        sessionCounts: Array.from({ length: MAX_N + 1 }, (_, n) => n),
        shortPages,
      });
      stack = await startTestStack({ endpoint: upstream.endpoint });
    });
    afterAll(async () => {
      await stack?.close();
      await upstream?.close();
    });

    const upstreamPages = (n: number) => Math.ceil(n / (shortPages ? 64 : 100));

    it('returns exactly the upstream sequence, with exact hasNextPage, within the call budget', async () => {
      await fc.assert(
        fc.asyncProperty(jobSize, pageSizes, async (n, sizes) => {
          const job = upstream.jobs[n];
          if (!job) throw new Error(`no job of size ${n}`);
          const want = job.sessionIds;
          expect(want).toHaveLength(n);
          upstream.resetCalls();
          const result = await walk(
            stack,
            { farmId: upstream.farmId, queueId: upstream.queueId, jobId: job.jobId },
            want,
            sizes,
          );
          expect(result.sessionIds).toEqual(want);
          expect(new Set(result.sessionIds).size, 'no duplicates').toBe(n);
          // The gateway's own count is the truth: the upstream saw exactly those calls.
          expect(result.reportedCalls, 'reported ListSessions calls').toBe(
            upstream.calls().ListSessions ?? 0,
          );
          const budget = result.pages + upstreamPages(n) + 1;
          expect(result.reportedCalls, `ListSessions calls within ${budget}`).toBeLessThanOrEqual(budget);
          const k = sizes[0] as number;
          if (!shortPages && sizes.every((size) => size === k)) {
            expect(result.reportedCalls).toBeLessThanOrEqual(callBudget(n, k));
          }
        }),
        {
          seed: SEED,
          numRuns: NUM_RUNS,
          // Bounds the run, shrinking included; a failure found by then is still reported with its seed and path.
          plugins: [fc.interruptAfterTimeLimit(25000)],
        },
      );
    }, 60_000);
  });
}
