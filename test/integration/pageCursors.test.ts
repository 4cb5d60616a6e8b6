import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { codes, queryCountingCalls, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Numbered pages (`JobSearchConnection.pageCursors`, schema/pageCursors.graphql) through the real stack: a page
 * opened by its page cursor holds the same jobs as the page reached by walking, the layout matches the page's
 * place in the results, and the cursors cost no Deadline call. The truth is the emulator's dataset sorted here:
 * newest first, ties by job ID (as test/integration/jobSearch.test.ts reads the documented order).
 */
const SIZE = 10;
const SORT = [{ field: 'CREATED_AT', direction: 'DESC' }];

let stack: TestStack;
let farmId: string;
let queueIds: string[];
let all: string[];
let pages: number;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { jobsPerQueue: 30, largeJobSessions: 10 } } });
  const dataset = stack.emulator?.dataset as Dataset;
  farmId = dataset.farms[0]?.farmId ?? '';
  queueIds = (dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId);
  all = queueIds
    .flatMap((queueId) => dataset.jobs.get(`${farmId}/${queueId}`) ?? [])
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.jobId < b.jobId ? -1 : 1))
    .map((job) => job.jobId);
  pages = Math.ceil(all.length / SIZE);
});
afterAll(() => stack.close());

const PAGE_FIELDS = 'page cursor isCurrent';
/** The search, with `pageCursors` or (to compare the calls) without. */
const searchQuery = (pageCursors: boolean) => /* GraphQL */ `
  query ($farmId: ID!, $queueIds: [ID!]!, $filter: JobFilter, $sort: [JobSort!], $first: Int, $after: String,
         $last: Int, $before: String${pageCursors ? ', $around: Int' : ''}) {
    farm(farmId: $farmId) {
      jobSearch(queueIds: $queueIds, filter: $filter, sort: $sort, first: $first, after: $after, last: $last,
                before: $before) {
        totalCount
        resultsShifted
        pageInfo { endCursor }
        nodes { jobId }
        ${
          pageCursors
            ? `pageCursors(around: $around) {
          first { ${PAGE_FIELDS} }
          last { ${PAGE_FIELDS} }
          previous { ${PAGE_FIELDS} }
          around { ${PAGE_FIELDS} }
        }`
            : ''
        }
      }
    }
  }
`;
const SEARCH = searchQuery(true);
const WITHOUT_PAGE_CURSORS = searchQuery(false);

interface PageCursor {
  page: number;
  cursor: string | null;
  isCurrent: boolean;
}
interface SearchPage {
  totalCount: number;
  resultsShifted: boolean | null;
  pageInfo: { endCursor: string | null };
  nodes: Array<{ jobId: string }>;
  pageCursors: {
    first: PageCursor | null;
    last: PageCursor | null;
    previous: PageCursor | null;
    around: PageCursor[];
  };
}

async function search(variables: Record<string, unknown>, query = SEARCH) {
  const { response, calls } = await queryCountingCalls<{ farm: { jobSearch: SearchPage | null } }>(
    stack,
    query,
    { farmId, queueIds, sort: SORT, first: SIZE, ...variables },
  );
  const page = response.data?.farm.jobSearch;
  if (!page) throw new Error(JSON.stringify(response.errors));
  return { page, calls };
}

const jobIds = (page: SearchPage) => page.nodes.map((node) => node.jobId);
const numbers = (cursors: PageCursor[]) => cursors.map((cursor) => cursor.page);
const current = (page: SearchPage) => page.pageCursors.around.filter((cursor) => cursor.isCurrent);
/** A page's jobs in the sorted dataset. */
const pageOf = (p: number) => all.slice((p - 1) * SIZE, p * SIZE);
/** The cursor of page `p` among those offered. */
function cursorOf(page: SearchPage, p: number): string | null {
  const { first, last, previous, around } = page.pageCursors;
  const found = [first, last, previous, ...around].find((cursor) => cursor?.page === p);
  if (!found) throw new Error(`page ${p} is not offered`);
  return found.cursor;
}

describe('pageCursors', () => {
  it('page 1: pages 1–4 and the last, one SearchJobs, the same calls as without pageCursors', async () => {
    expect(pages).toBeGreaterThanOrEqual(10);
    const { page, calls } = await search({});
    expect(jobIds(page)).toEqual(pageOf(1));
    expect(page.totalCount).toBe(all.length);
    expect(page.pageCursors.first).toBeNull();
    expect(page.pageCursors.previous).toBeNull();
    expect(numbers(page.pageCursors.around)).toEqual([1, 2, 3, 4]);
    expect(page.pageCursors.around[0]).toEqual({ page: 1, cursor: null, isCurrent: true });
    expect(page.pageCursors.last).toEqual({ page: pages, cursor: expect.any(String), isCurrent: false });
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
    expect((await search({}, WITHOUT_PAGE_CURSORS)).calls).toEqual(calls);
  });

  it('jumping to page 3 by its cursor gives the jobs walking there gives, for one SearchJobs', async () => {
    const first = (await search({})).page;
    const jumped = await search({ after: cursorOf(first, 3) });
    expect(jumped.calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
    // A page cursor knows no job, so nothing is checked.
    expect(jumped.page.resultsShifted).toBeNull();

    let walked = first;
    for (let p = 2; p <= 3; p++) walked = (await search({ after: walked.pageInfo.endCursor })).page;
    expect(walked.resultsShifted).toBe(false);
    expect(jobIds(jumped.page)).toEqual(jobIds(walked));
    expect(jobIds(jumped.page)).toEqual(pageOf(3));

    // Near the start still: 1–4 and the last, page 3 current, page 2 before it.
    expect(numbers(jumped.page.pageCursors.around)).toEqual([1, 2, 3, 4]);
    expect(current(jumped.page).map((cursor) => cursor.page)).toEqual([3]);
    expect(jumped.page.pageCursors.previous?.page).toBe(2);
    // The cursors of a page do not depend on the way there.
    expect(jumped.page.pageCursors).toEqual(walked.pageCursors);
  });

  it('a middle page: the first, three around it, the last; every offered cursor opens its page', async () => {
    // From page 1 to page 6, by the highest number `around` offers each time.
    let page = (await search({})).page;
    while (!current(page).some((cursor) => cursor.page === 6))
      page = (await search({ after: cursorOf(page, Math.max(...numbers(page.pageCursors.around))) })).page;
    expect(jobIds(page)).toEqual(pageOf(6));
    const { first, last, previous, around } = page.pageCursors;
    expect(first).toEqual({ page: 1, cursor: null, isCurrent: false });
    expect(numbers(around)).toEqual([5, 6, 7]);
    expect(last?.page).toBe(pages);
    expect(previous?.page).toBe(5);
    for (const offered of [first, last, previous, ...around]) {
      if (!offered) continue;
      const opened = await search({ after: offered.cursor });
      expect(jobIds(opened.page), `page ${offered.page}`).toEqual(pageOf(offered.page));
      expect(opened.calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
    }
  });

  it('the last page: the first and the four last pages, by its cursor and by `last` alone', async () => {
    const first = (await search({})).page;
    const byCursor = await search({ after: cursorOf(first, pages) });
    expect(jobIds(byCursor.page)).toEqual(pageOf(pages));
    const { pageCursors } = byCursor.page;
    expect(pageCursors.first?.page).toBe(1);
    expect(pageCursors.last).toBeNull();
    expect(numbers(pageCursors.around)).toEqual([pages - 3, pages - 2, pages - 1, pages]);
    expect(current(byCursor.page).map((cursor) => cursor.page)).toEqual([pages]);

    // `last` alone is the final SIZE jobs (not aligned), numbered as the last page; its two calls, no more.
    const byLast = await search({ first: undefined, last: SIZE });
    expect(jobIds(byLast.page)).toEqual(all.slice(-SIZE));
    expect(byLast.page.pageCursors).toEqual(pageCursors);
    expect(byLast.calls).toEqual({ GetFarm: 1, SearchJobs: 2 });
    expect((await search({ first: undefined, last: SIZE }, WITHOUT_PAGE_CURSORS)).calls).toEqual(
      byLast.calls,
    );
  });

  it('`around` sets how many numbers are offered; all pages when they fit', async () => {
    const seven = (await search({ around: 7 })).page.pageCursors;
    expect(numbers(seven.around)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seven.last?.page).toBe(pages);
    const everything = (await search({ around: 20, first: Math.ceil(all.length / 20) })).page.pageCursors;
    expect(everything.first).toBeNull();
    expect(everything.last).toBeNull();
    expect(numbers(everything.around)).toEqual(
      Array.from({ length: Math.ceil(all.length / Math.ceil(all.length / 20)) }, (_, i) => i + 1),
    );
    const refused = await queryCountingCalls(stack, SEARCH, { farmId, queueIds, first: SIZE, around: 2 });
    expect(codes(refused.response)).toEqual(['BAD_USER_INPUT']);
    expect(refused.response.errors?.[0]?.extensions?.argumentName).toBe('around');
  });

  it('`first: 0` offers page 1 alone, with no call of its own (`totalCount` makes the one call)', async () => {
    const { page, calls } = await search({ first: 0 });
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
    expect((await search({ first: 0 }, WITHOUT_PAGE_CURSORS)).calls).toEqual(calls);
    expect(page.pageCursors).toEqual({
      first: null,
      last: null,
      previous: null,
      around: [{ page: 1, cursor: null, isCurrent: true }],
    });
  });

  it('a page cursor of another filter, sort or queue set is INVALID_CURSOR before any call', async () => {
    const third = cursorOf((await search({})).page, 3);
    for (const other of [
      { filter: { taskRunStatus: { in: ['FAILED'] } } },
      { sort: [{ field: 'NAME' }] },
      { queueIds: queueIds.slice(1) },
    ]) {
      const { response, calls } = await queryCountingCalls(stack, SEARCH, {
        farmId,
        queueIds,
        sort: SORT,
        first: SIZE,
        after: third,
        ...other,
      });
      expect(codes(response)).toEqual(['INVALID_CURSOR']);
      expect(calls).toEqual({});
    }
  });

  it("/demo's job table query: its page, count and page cursors for one SearchJobs", async () => {
    const demo = readFileSync(new URL('../../src/demo/demo.js', import.meta.url), 'utf8');
    // The page's operation, with the row fragment it interpolates.
    const fragment = /const JOB_ROW = \/\* GraphQL \*\/ `([^`]+)`/.exec(demo)?.[1] ?? '';
    const query =
      /const JOB_SEARCH = \/\* GraphQL \*\/ `((?:[^`$]|\$(?!\{))+(?:\$\{JOB_ROW\}(?:[^`$]|\$(?!\{))*)?)`/
        .exec(demo)?.[1]
        ?.replace(/\$\{JOB_ROW\}/, fragment);
    expect(query).toContain('pageCursors');
    const variables = {
      farmId,
      queueIds,
      filter: { taskRunStatus: { in: ['FAILED', 'CANCELED'] } },
      sort: SORT,
      first: SIZE,
    };
    const { response, calls } = await queryCountingCalls<{
      farm: { jobSearch: { totalCount: number; nodes: Array<{ jobId: string }> } };
    }>(stack, query as string, variables);
    expect(response.errors).toBeUndefined();
    expect(response.data?.farm.jobSearch.nodes.length).toBeGreaterThan(0);
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
  });
});
