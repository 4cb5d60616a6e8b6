import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import {
  callBudget,
  type JobRef,
  SESSIONS_PAGE,
  type SessionsPageData,
  walkSessions,
} from '../helpers/walk.js';

/**
 * Cursor ↔ nextToken translation against the embedded emulator, which (like real token APIs) returns a token on a
 * page that ends exactly at the end of the list. Every walk must return exactly the upstream sequence, end with
 * hasNextPage false exactly at the end, and stay within ⌈N/k⌉ + ⌈N/100⌉ + 1 ListSessions calls.
 */
let stack: TestStack;
let edgeJobs: Map<number, JobRef>;
let expected: (job: JobRef) => string[];

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 1234 } } });
  const dataset = stack.emulator?.dataset;
  if (!dataset) throw new Error('no emulator');
  edgeJobs = new Map(dataset.edgeJobs);
  expected = (job) =>
    (dataset.sessions.get(`${job.farmId}/${job.queueId}/${job.jobId}`) ?? []).map(
      (session) => session.sessionId,
    );
});
afterAll(() => stack.close());

const SIZES = [0, 1, 99, 100, 101, 250, 1234];

describe('walking a job’s sessions with a constant page size', () => {
  for (const k of [1, 7, 25, 100]) {
    for (const n of SIZES) {
      if (k === 1 && n > 250) continue; // 1234 single-item pages add time, not coverage: k = 7 crosses every boundary
      it(`first = ${k}, ${n} sessions: exact sequence, exact hasNextPage, within the call budget`, async () => {
        const job = edgeJobs.get(n) as JobRef;
        const walk = await walkSessions(stack, job, [k]);
        expect(walk.sessionIds).toEqual(expected(job));
        expect(new Set(walk.sessionIds).size).toBe(n);
        expect(walk.pages).toBe(Math.max(1, Math.ceil(n / k)));
        expect(walk.listSessionsCalls).toBeLessThanOrEqual(callBudget(n, k));
      });
    }
  }
});

describe('walking with mixed page sizes', () => {
  for (const sizes of [
    [1, 7, 25, 100],
    [100, 3, 57, 1, 99],
    [13, 100, 100, 2],
  ]) {
    it(`sizes ${sizes.join(',')} over 1234 and 250 sessions`, async () => {
      for (const n of [250, 1234]) {
        const job = edgeJobs.get(n) as JobRef;
        const walk = await walkSessions(stack, job, sizes);
        expect(walk.sessionIds).toEqual(expected(job));
        // One call per GraphQL page plus one per upstream page boundary, plus one.
        expect(walk.listSessionsCalls).toBeLessThanOrEqual(walk.pages + Math.ceil(n / 100) + 1);
      }
    });
  }
});

describe('cursors', () => {
  it('every edge cursor works as `after`, not only endCursor', async () => {
    const job = edgeJobs.get(250) as JobRef;
    const all = expected(job);
    const first = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...job, first: 100 });
    const second = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
      ...job,
      first: 100,
      after: first.data?.job?.sessions.pageInfo.endCursor,
    });
    const edges = [...(first.data?.job?.sessions.edges ?? []), ...(second.data?.job?.sessions.edges ?? [])];
    expect(edges.map((e) => e.node.sessionId)).toEqual(all.slice(0, 200));
    for (const index of [0, 1, 50, 98, 99, 100, 101, 150, 199]) {
      const page = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
        ...job,
        first: 3,
        after: edges[index]?.cursor,
      });
      expect(page.errors).toBeUndefined();
      expect(page.data?.job?.sessions.nodes.map((n) => n.sessionId)).toEqual(all.slice(index + 1, index + 4));
      expect(page.data?.job?.sessions.pageInfo.hasNextPage).toBe(index + 4 < all.length);
    }
  });

  it('a page that ends exactly where an upstream page ends looks ahead once for an exact hasNextPage', async () => {
    const job = edgeJobs.get(100) as JobRef;
    const page = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...job, first: 100 });
    expect(page.data?.job?.sessions.edges).toHaveLength(100);
    expect(page.data?.job?.sessions.pageInfo.hasNextPage).toBe(false);
    // The first call returns 100 items and a token; the second finds the empty page behind it.
    expect(page.extensions?.upstream?.byOperation.ListSessions).toBe(2);
  });

  it('resuming from the cursor that ends an upstream page does not replay that page', async () => {
    const job = edgeJobs.get(250) as JobRef;
    const first = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...job, first: 100 });
    // Its own upstream page, then a look at the next one (the token may lead to an empty page).
    expect(first.extensions?.upstream?.byOperation.ListSessions).toBe(2);
    const second = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
      ...job,
      first: 100,
      after: first.data?.job?.sessions.pageInfo.endCursor,
    });
    // Pages 2 and 3 upstream; replaying page 1 to skip its 100 items would make it 3.
    expect(second.extensions?.upstream?.byOperation.ListSessions).toBe(2);
    expect(second.data?.job?.sessions.pageInfo.hasNextPage).toBe(true);
  });

  it('`first: 0` returns no edges, null cursors and an exact hasNextPage', async () => {
    for (const [n, hasNext] of [
      [0, false],
      [1, true],
    ] as const) {
      const page = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
        ...(edgeJobs.get(n) as JobRef),
        first: 0,
      });
      expect(page.errors).toBeUndefined();
      expect(page.data?.job?.sessions.edges).toEqual([]);
      expect(page.data?.job?.sessions.pageInfo).toEqual({
        hasNextPage: hasNext,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: null,
      });
    }
  });

  it('`first` defaults to 25', async () => {
    const page = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...(edgeJobs.get(250) as JobRef) });
    expect(page.data?.job?.sessions.edges).toHaveLength(25);
  });

  it('never changes maxResults inside a token chain (the emulator would reject it)', async () => {
    const job = edgeJobs.get(250) as JobRef;
    // Walks that mix sizes succeed only if every replayed token goes out with the chain's maxResults.
    const walk = await walkSessions(stack, job, [3, 100, 1]);
    expect(walk.sessionIds).toEqual(expected(job));
  });
});

describe('a small upstream chain page size (UPSTREAM_PAGE_SIZE)', () => {
  let small: TestStack;
  beforeAll(async () => {
    small = await startTestStack({ chainPageSize: 7, emulator: { sizes: { largeJobSessions: 300 } } });
  });
  afterAll(() => small.close());

  it('walks with pages that straddle upstream pages stay exact and within ⌈N/k⌉ + ⌈N/P⌉ + 1', async () => {
    const dataset = small.emulator?.dataset;
    for (const n of [99, 100, 101]) {
      const job = dataset?.edgeJobs.get(n) as JobRef;
      const want = (dataset?.sessions.get(`${job.farmId}/${job.queueId}/${job.jobId}`) ?? []).map(
        (s) => s.sessionId,
      );
      for (const k of [5, 7, 10]) {
        const walk = await walkSessions(small, job, [k]);
        expect(walk.sessionIds).toEqual(want);
        expect(walk.listSessionsCalls).toBeLessThanOrEqual(callBudget(n, k, 7));
      }
    }
  });
});
