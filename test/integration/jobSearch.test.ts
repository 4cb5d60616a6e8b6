import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, JobRecord } from '../../src/emulator/index.js';
import { README_SEARCH_QUERY } from '../helpers/exampleQueries.js';
import {
  codes,
  type GraphQLResponse,
  queryCountingCalls,
  startTestStack,
  type TestStack,
} from '../helpers/testStack.js';

/**
 * Job search through the real stack (`Farm.jobSearch`, `Queue.jobSearch` → SearchJobs on the emulator), each result
 * compared with the emulator's dataset filtered and sorted here, by this file's own reading of the documented
 * semantics (docs/design/search.md, src/emulator/search.ts's header): conditions on a member the job lacks never
 * hold; absent values sort last either way; ties by job ID; no sort is CREATED_AT ascending; a search term matches
 * a name containing it, case-insensitively.
 */
let stack: TestStack;
let dataset: Dataset;
let farmId: string;
let queueIds: string[];

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
  farmId = dataset.farms[0]?.farmId ?? '';
  queueIds = (dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId);
});
afterAll(() => stack.close());

type Filter = Record<string, unknown> & { and?: Filter[]; or?: Filter[] };
interface Sort {
  field: string;
  direction?: 'ASC' | 'DESC';
  userJobsFirst?: string;
}
interface Found {
  queueId: string;
  job: JobRecord;
}

const MEMBERS: Record<string, keyof JobRecord> = {
  taskRunStatus: 'taskRunStatus',
  lifecycleStatus: 'lifecycleStatus',
  name: 'name',
  createdBy: 'createdBy',
  priority: 'priority',
  createdAt: 'createdAt',
  startedAt: 'startedAt',
  endedAt: 'endedAt',
  updatedAt: 'updatedAt',
};
const SORT_MEMBERS: Record<string, keyof JobRecord> = {
  CREATED_AT: 'createdAt',
  STARTED_AT: 'startedAt',
  ENDED_AT: 'endedAt',
  UPDATED_AT: 'updatedAt',
  PRIORITY: 'priority',
  NAME: 'name',
  TASK_RUN_STATUS: 'taskRunStatus',
  LIFECYCLE_STATUS: 'lifecycleStatus',
  CREATED_BY: 'createdBy',
};

/** Orders two values of one member: instants by time, numbers (and numeric strings) by value, text by code unit. */
function order(a: unknown, b: unknown): number {
  const numeric = (v: unknown) =>
    typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v));
  const instant = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v);
  if (instant(a) && instant(b)) return Date.parse(String(a)) - Date.parse(String(b));
  if (numeric(a) && numeric(b)) return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function conditionHolds(actual: unknown, condition: Record<string, unknown>): boolean {
  if (actual === undefined) return false;
  return Object.entries(condition).every(([op, expected]) => {
    if (op === 'contains') return String(actual).toLowerCase().includes(String(expected).toLowerCase());
    if (op === 'in') return (expected as unknown[]).includes(actual);
    if (op === 'notIn') return !(expected as unknown[]).includes(actual);
    const o = order(actual, expected);
    return { eq: o === 0, ne: o !== 0, gt: o > 0, gte: o >= 0, lt: o < 0, lte: o <= 0 }[op] ?? false;
  });
}

function parameterValue(job: JobRecord, name: string): string | undefined {
  const value = job.parameters?.[name];
  return value ? (Object.values(value)[0] as string) : undefined;
}

function holds(job: JobRecord, filter: Filter): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' && !(value as Filter[]).every((inner) => holds(job, inner))) return false;
    if (key === 'or' && !(value as Filter[]).some((inner) => holds(job, inner))) return false;
    if (
      key === 'search' &&
      !job.name.toLowerCase().includes(String((value as { term: string }).term).toLowerCase())
    )
      return false;
    if (key === 'parameters') {
      for (const { name, ...condition } of value as Array<{ name: string } & Record<string, unknown>>) {
        if (!conditionHolds(parameterValue(job, name), condition)) return false;
      }
    }
    const member = MEMBERS[key];
    if (member && !conditionHolds(job[member], value as Record<string, unknown>)) return false;
  }
  return true;
}

function sorted(found: Found[], sort: Sort[] | undefined): Found[] {
  const keys: Sort[] = sort && sort.length > 0 ? sort : [{ field: 'CREATED_AT' }];
  return [...found].sort((a, b) => {
    for (const { field, direction, userJobsFirst } of keys) {
      if (userJobsFirst) {
        const mine = Number(b.job.createdBy === userJobsFirst) - Number(a.job.createdBy === userJobsFirst);
        if (mine !== 0) return mine;
      }
      const member = SORT_MEMBERS[field] as keyof JobRecord;
      const [x, y] = [a.job[member], b.job[member]];
      if (x === undefined || y === undefined) {
        if (x !== y) return x === undefined ? 1 : -1;
        continue;
      }
      const o = order(x, y) * (direction === 'DESC' ? -1 : 1);
      if (o !== 0) return o;
    }
    return a.job.jobId < b.job.jobId ? -1 : 1;
  });
}

function expected(queues: string[], filter: Filter | undefined, sort: Sort[] | undefined): Found[] {
  const all = queues.flatMap((queueId) =>
    (dataset.jobs.get(`${farmId}/${queueId}`) ?? []).map((job) => ({ queueId, job })),
  );
  return sorted(filter ? all.filter(({ job }) => holds(job, filter)) : all, sort);
}

const FARM_SEARCH = /* GraphQL */ `
  query ($farmId: ID!, $queueIds: [ID!]!, $filter: JobFilter, $sort: [JobSort!], $first: Int, $after: String,
         $last: Int, $before: String) {
    farm(farmId: $farmId) {
      jobSearch(queueIds: $queueIds, filter: $filter, sort: $sort, first: $first, after: $after, last: $last,
                before: $before) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { jobId queueId } }
      }
    }
  }
`;

interface SearchData {
  farm: {
    jobSearch: {
      totalCount: number;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
      edges: Array<{ cursor: string; node: { jobId: string; queueId: string } }>;
    } | null;
  };
}

describe('job search, compared with the dataset filtered and sorted here', () => {
  const someone = () => dataset.jobs.get(`${farmId}/${queueIds[0]}`)?.[0]?.createdBy as string;
  const midway = () => {
    const times = expected(queueIds, undefined, undefined).map(({ job }) => job.createdAt);
    return times[Math.floor(times.length / 2)] as string;
  };
  const cases: Array<[string, () => { filter?: Filter; sort?: Sort[]; queues?: number }]> = [
    ['everything, default order', () => ({})],
    ['one queue', () => ({ queues: 1 })],
    ['failed or canceled', () => ({ filter: { taskRunStatus: { in: ['FAILED', 'CANCELED'] } } })],
    ['not succeeded', () => ({ filter: { taskRunStatus: { ne: 'SUCCEEDED' } } })],
    [
      'none of three statuses',
      () => ({ filter: { taskRunStatus: { notIn: ['SUCCEEDED', 'RUNNING', 'READY'] } } }),
    ],
    ['archived', () => ({ filter: { lifecycleStatus: { eq: 'ARCHIVED' } } })],
    ['created since midway', () => ({ filter: { createdAt: { gte: midway() } } })],
    [
      'created in a range',
      () => ({ filter: { createdAt: { gte: '2025-05-22T00:00:00Z', lt: '2025-05-29T00:00:00Z' } } }),
    ],
    ['high priority', () => ({ filter: { priority: { gte: 70 } } })],
    [
      'priority band, newest first',
      () => ({
        filter: { priority: { gt: 30, lte: 60 } },
        sort: [{ field: 'CREATED_AT', direction: 'DESC' }],
      }),
    ],
    ['one creator', () => ({ filter: { createdBy: { eq: someone() } } })],
    ["a creator's jobs first, then by name", () => ({ sort: [{ field: 'NAME', userJobsFirst: someone() }] })],
    ['search term', () => ({ filter: { search: { term: 'COMP' } } })],
    ['name contains', () => ({ filter: { name: { contains: 'SH00' } } })],
    [
      'search term and status',
      () => ({ filter: { search: { term: 'sq0' }, taskRunStatus: { eq: 'SUCCEEDED' } } }),
    ],
    ['parameter: resolution 1920', () => ({ filter: { parameters: [{ name: 'Resolution', eq: '1920' }] } })],
    [
      'parameter: resolution above 2000',
      () => ({ filter: { parameters: [{ name: 'Resolution', gt: '2000' }] } }),
    ],
    [
      'or of two statuses',
      () => ({
        filter: { or: [{ taskRunStatus: { eq: 'FAILED' } }, { taskRunStatus: { eq: 'SUSPENDED' } }] },
      }),
    ],
    [
      'status and (or of priority or creator)',
      () => ({
        filter: {
          taskRunStatus: { ne: 'SUCCEEDED' },
          or: [{ priority: { gte: 80 } }, { createdBy: { eq: someone() } }],
        },
      }),
    ],
    [
      'and of conditions',
      () => ({ filter: { and: [{ priority: { gte: 20 } }, { createdAt: { lt: midway() } }] } }),
    ],
    [
      'started jobs by start time, descending',
      () => ({
        filter: { startedAt: { gte: '2000-01-01T00:00:00Z' } },
        sort: [{ field: 'STARTED_AT', direction: 'DESC' }],
      }),
    ],
    ['by ended time (absent last)', () => ({ sort: [{ field: 'ENDED_AT' }] })],
    [
      'by priority descending, then name',
      () => ({ sort: [{ field: 'PRIORITY', direction: 'DESC' }, { field: 'NAME' }] }),
    ],
    [
      'by task run status',
      () => ({ sort: [{ field: 'TASK_RUN_STATUS' }, { field: 'CREATED_AT', direction: 'DESC' }] }),
    ],
    [
      'five conditions, packed into a nested group',
      () => ({
        filter: {
          priority: { gte: 10, lte: 90 },
          createdAt: { gte: midway() },
          name: { ne: 'x' },
          createdBy: { ne: 'y' },
        },
      }),
    ],
    [
      'an `or` of five alternatives, packed',
      () => ({
        filter: {
          or: ['FAILED', 'CANCELED', 'SUSPENDED', 'READY', 'PENDING'].map((status) => ({
            taskRunStatus: { eq: status },
          })),
        },
      }),
    ],
  ];

  it.each(cases)('%s: the same jobs, order and total, one SearchJobs a page', async (_, make) => {
    const { filter, sort, queues = queueIds.length } = make();
    const searched = queueIds.slice(0, queues);
    const want = expected(searched, filter, sort);

    expect(want.length, 'the case selects something').toBeGreaterThan(0);
    const { response, calls } = await queryCountingCalls<SearchData>(stack, FARM_SEARCH, {
      farmId,
      queueIds: searched,
      filter,
      sort,
      first: 100,
    });
    expect(response.errors).toBeUndefined();
    const connection = response.data?.farm.jobSearch;
    expect(connection?.totalCount).toBe(want.length);
    expect(connection?.edges.map((edge) => edge.node)).toEqual(
      want.slice(0, 100).map(({ queueId, job }) => ({ jobId: job.jobId, queueId })),
    );
    expect(connection?.pageInfo.hasNextPage).toBe(want.length > 100);
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
  });

  it("the README's search: the README holds it, and it answers the dataset's failed and canceled jobs", async () => {
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
    expect(squash(readFileSync('README.md', 'utf8'))).toContain(squash(README_SEARCH_QUERY));
    const { response, calls } = await queryCountingCalls<{
      farm: { jobSearch: { totalCount: number; nodes: Array<{ name: string }> } };
    }>(stack, README_SEARCH_QUERY, { farmId, queueIds });
    expect(response.errors).toBeUndefined();
    const want = expected(
      queueIds,
      { taskRunStatus: { in: ['FAILED', 'CANCELED'] }, createdAt: { gte: '2025-05-01T00:00:00Z' } },
      [{ field: 'CREATED_AT', direction: 'DESC' }],
    );
    expect(want.length).toBeGreaterThan(0);
    expect(response.data?.farm.jobSearch.totalCount).toBe(want.length);
    expect(response.data?.farm.jobSearch.nodes.map((job) => job.name)).toEqual(
      want.slice(0, 20).map(({ job }) => job.name),
    );
    expect(calls.SearchJobs).toBe(1);
  });

  it("serves the jobs' parameters from the search's own summaries, with no BatchGetJob", async () => {
    const { response, calls } = await queryCountingCalls<{
      farm: {
        jobSearch: {
          nodes: Array<{ jobId: string; parameters: Array<{ name: string; type: string; value: string }> }>;
        };
      };
    }>(
      stack,
      `query ($farmId: ID!, $queueIds: [ID!]!) {
        farm(farmId: $farmId) { jobSearch(queueIds: $queueIds, first: 30) { nodes { jobId parameters { name type value } } } }
      }`,
      { farmId, queueIds },
    );
    expect(response.errors).toBeUndefined();
    const types = { int: 'INT', float: 'FLOAT', string: 'STRING', path: 'PATH' } as Record<string, string>;
    expect(response.data?.farm.jobSearch.nodes).toEqual(
      expected(queueIds, undefined, undefined)
        .slice(0, 30)
        .map(({ job }) => ({
          jobId: job.jobId,
          parameters: Object.entries(job.parameters ?? {}).map(([name, value]) => {
            const [member, text] = Object.entries(value)[0] as [string, string];
            return { name, type: types[member], value: text };
          }),
        })),
    );
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 1 });
  });

  it('Queue.jobSearch is the same search over its own queue', async () => {
    const queueId = queueIds[1] as string;
    const filter = { taskRunStatus: { ne: 'SUCCEEDED' } };
    const { response, calls } = await queryCountingCalls<{
      queue: { jobSearch: { totalCount: number; nodes: Array<{ jobId: string; name: string }> } };
    }>(
      stack,
      `query ($farmId: ID!, $queueId: ID!, $filter: JobFilter) {
        queue(farmId: $farmId, queueId: $queueId) {
          jobSearch(filter: $filter, sort: [{ field: NAME }], first: 100) { totalCount nodes { jobId name } }
        }
      }`,
      { farmId, queueId, filter },
    );
    expect(response.errors).toBeUndefined();
    const want = expected([queueId], filter, [{ field: 'NAME' }]);
    expect(response.data?.queue.jobSearch).toEqual({
      totalCount: want.length,
      nodes: want.map(({ job }) => ({ jobId: job.jobId, name: job.name })),
    });
    expect(calls).toEqual({ GetQueue: 1, SearchJobs: 1 });
  });
});

describe('upstream cost of a dashboard', () => {
  it('three filtered job lists make three SearchJobs; the same search twice in one request, one; each list is the dataset filtered', async () => {
    const filters: Filter[] = [
      { taskRunStatus: { in: ['FAILED', 'CANCELED'] } },
      { taskRunStatus: { eq: 'RUNNING' } },
      { priority: { gte: 60 } },
    ];
    const { response, calls } = await queryCountingCalls<{
      farm: Record<string, { totalCount: number; nodes: Array<{ jobId: string }> }>;
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueIds: [ID!]!, $a: JobFilter, $b: JobFilter, $c: JobFilter) {
          farm(farmId: $farmId) {
            failed: jobSearch(queueIds: $queueIds, filter: $a, first: 10) { totalCount nodes { jobId } }
            running: jobSearch(queueIds: $queueIds, filter: $b, first: 10) { totalCount nodes { jobId } }
            urgent: jobSearch(queueIds: $queueIds, filter: $c, first: 10) { totalCount nodes { jobId } }
            again: jobSearch(queueIds: $queueIds, filter: $a, first: 10) { totalCount nodes { jobId } }
          }
        }
      `,
      { farmId, queueIds, a: filters[0], b: filters[1], c: filters[2] },
    );
    expect(response.errors).toBeUndefined();
    const lists = ['failed', 'running', 'urgent', 'again'].map((alias) => response.data?.farm[alias]);
    [0, 1, 2, 0].forEach((which, index) => {
      const want = expected(queueIds, filters[which], undefined);
      expect(want.length).toBeGreaterThan(0);
      expect(lists[index]?.totalCount).toBe(want.length);
      expect(lists[index]?.nodes.map((job) => job.jobId)).toEqual(
        want.slice(0, 10).map(({ job }) => job.jobId),
      );
    });
    expect(calls).toEqual({ GetFarm: 1, SearchJobs: 3 });
  });
});

describe('limits and cursors are checked before any call', () => {
  const refused = async (variables: Record<string, unknown>, code: string, argumentName?: string) => {
    const { response, calls } = await queryCountingCalls<SearchData>(stack, FARM_SEARCH, {
      farmId,
      queueIds,
      ...variables,
    });
    expect(codes(response)).toEqual([code]);
    if (argumentName) expect(response.errors?.[0]?.extensions?.argumentName).toBe(argumentName);
    expect(response.errors?.[0]?.message).toMatch(/\d|`/);
    // Refused by the preflight: no Deadline call at all, not even the farm's.
    expect(calls).toEqual({});
    expect(response.data ?? null).toBeNull();
  };
  const q = (n: number) => Array.from({ length: n }, (_, i) => `queue-${i.toString(16).padStart(32, '0')}`);

  it('more than 10 queues, or none', async () => {
    await refused({ queueIds: q(11) }, 'BAD_USER_INPUT', 'queueIds');
    await refused({ queueIds: [] }, 'BAD_USER_INPUT', 'queueIds');
    await refused({ queueIds: ['queue-1'] }, 'BAD_USER_INPUT', 'queueIds');
  });
  it("more conditions than 3 groups of 3 hold, empty `or`s and entries, values out of the model's bounds", async () => {
    const eight = {
      priority: { gte: 1, lte: 99 },
      createdAt: { gte: '2025-01-01T00:00:00Z', lt: '2027-01-01T00:00:00Z' },
      startedAt: { gte: '2025-01-01T00:00:00Z', lt: '2027-01-01T00:00:00Z' },
      name: { ne: 'x' },
      createdBy: { ne: 'y' },
    };
    await refused({ filter: eight }, 'BAD_USER_INPUT', 'filter');
    const alternatives = Array.from({ length: 10 }, (_, priority) => ({ priority: { eq: priority } }));
    await refused({ filter: { or: alternatives } }, 'BAD_USER_INPUT', 'filter');
    await refused(
      {
        filter: {
          name: { ne: 'x' },
          or: [{ priority: { gte: 1 }, name: { ne: 'y' } }, { priority: { lte: 2 } }],
        },
      },
      'BAD_USER_INPUT',
      'filter',
    );
    await refused({ filter: { or: [] } }, 'BAD_USER_INPUT', 'filter');
    await refused({ filter: { or: [{}, { priority: { gte: 1 } }] } }, 'BAD_USER_INPUT', 'filter');
    await refused({ filter: { createdBy: { eq: '' } } }, 'BAD_USER_INPUT', 'filter');
    await refused({ filter: { search: { term: 'x'.repeat(257) } } }, 'BAD_USER_INPUT', 'filter');
    const names = Array.from({ length: 17 }, (_, i) => `job ${i}`);
    await refused({ filter: { name: { in: names } } }, 'BAD_USER_INPUT', 'filter');
  });

  it('more than 5 sort keys; first with last', async () => {
    const sort = ['NAME', 'PRIORITY', 'CREATED_AT'].map((field) => ({ field, userJobsFirst: 'someone' }));
    await refused({ sort, first: 5 }, 'BAD_USER_INPUT', 'sort');
    await refused({ first: 5, last: 5 }, 'BAD_USER_INPUT', 'last');
  });
  it('a cursor of another filter, sort or queue set is INVALID_CURSOR', async () => {
    const page = await stack.query<SearchData>(FARM_SEARCH, { farmId, queueIds, first: 2 });
    const after = page.data?.farm.jobSearch?.pageInfo.endCursor;
    expect(after).toEqual(expect.any(String));
    await refused({ first: 2, after, filter: { priority: { gte: 1 } } }, 'INVALID_CURSOR', 'after');
    await refused({ first: 2, after, sort: [{ field: 'NAME' }] }, 'INVALID_CURSOR', 'after');
    await refused({ first: 2, after, queueIds: queueIds.slice(1) }, 'INVALID_CURSOR', 'after');
    await refused({ last: 2, before: after, filter: { priority: { gte: 1 } } }, 'INVALID_CURSOR', 'before');
  });
});

describe('walks of a 1,000-job result', () => {
  let big: TestStack;
  let bigFarm: string;
  let bigQueues: string[];
  let all: string[];
  beforeAll(async () => {
    big = await startTestStack({ emulator: { sizes: { jobsPerQueue: 200, largeJobSessions: 10 } } });
    const data = big.emulator?.dataset as Dataset;
    bigFarm = data.farms[0]?.farmId ?? '';
    bigQueues = (data.queues.get(bigFarm) ?? []).map((queue) => queue.queueId);
    const jobs = bigQueues.flatMap((queueId) => data.jobs.get(`${bigFarm}/${queueId}`) ?? []);
    all = [...jobs]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.jobId < b.jobId ? -1 : 1))
      .map((job) => job.jobId);
  });
  afterAll(() => big.close());
  const SORT = [{ field: 'CREATED_AT', direction: 'DESC' }];
  type Page = { response: GraphQLResponse<SearchData>; calls: Record<string, number> };
  const bigPage = (variables: Record<string, unknown>): Promise<Page> =>
    queryCountingCalls<SearchData>(big, FARM_SEARCH, {
      farmId: bigFarm,
      queueIds: bigQueues,
      sort: SORT,
      ...variables,
    });

  it.each([1, 7, 100])(
    'forward with first: %i, and back with last of the same size: exactly the sequence',
    async (k) => {
      expect(all.length).toBeGreaterThanOrEqual(1000);
      const forward: string[] = [];
      let after: string | null = null;
      let searchCalls = 0;
      for (;;) {
        const page: Page = await bigPage({ first: k, after });
        const connection: SearchData['farm']['jobSearch'] | undefined = page.response.data?.farm.jobSearch;
        if (!connection) throw new Error(JSON.stringify(page.response.errors));
        searchCalls += page.calls.SearchJobs ?? 0;
        forward.push(...connection.edges.map((edge) => edge.node.jobId));
        expect(connection.totalCount).toBe(all.length);
        expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(forward).toEqual(all);
      expect(searchCalls).toBe(Math.ceil(all.length / k));

      const backward: string[][] = [];
      let before: string | null = null;
      for (;;) {
        const page: Page = await bigPage({ last: k, before });
        const connection: SearchData['farm']['jobSearch'] | undefined = page.response.data?.farm.jobSearch;
        if (!connection) throw new Error(JSON.stringify(page.response.errors));
        backward.unshift(connection.edges.map((edge) => edge.node.jobId));
        expect(connection.pageInfo.hasNextPage).toBe(before !== null);
        if (!connection.pageInfo.hasPreviousPage) break;
        before = connection.pageInfo.startCursor;
      }
      expect(backward.flat()).toEqual(all);
    },
    120_000,
  );
});
