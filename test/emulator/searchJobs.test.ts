/**
 * SearchJobs through the real SDK: every limit of the model, the field-name rules, and filters, sorts and paging
 * checked against expectations computed here from the dataset (never through the emulator's own evaluator).
 */
import {
  AccessDeniedException,
  type JobSearchSummary,
  ResourceNotFoundException,
  type SearchFilterExpression,
  SearchJobsCommand,
  type SearchJobsCommandInput,
  type SearchJobsCommandOutput,
  type SearchSortExpression,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JobRecord,
  SEARCH_JOB_FIELDS,
  SEARCH_RESULT_CAP,
  startEmulator,
} from '../../src/emulator/index.js';
import {
  clientFor,
  type EmulatorFixture,
  expectAwsError,
  rawRequest,
  startFixture,
} from './emulatorFixture.js';

interface QueuedJob {
  queueId: string;
  job: JobRecord;
}

let fixture: EmulatorFixture;
let farmId: string;
let queueIds: string[];
/** Every job of the main farm's queues, with its queue. */
let jobs: QueuedJob[];

beforeAll(async () => {
  fixture = await startFixture();
  const { dataset } = fixture.emulator;
  farmId = dataset.farms[0]?.farmId ?? '';
  queueIds = (dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId);
  jobs = queueIds.flatMap((queueId) =>
    (dataset.jobs.get(`${farmId}/${queueId}`) ?? []).map((job) => ({ queueId, job })),
  );
});
afterAll(() => fixture.close());

const byJobId = (a: QueuedJob, b: QueuedJob) =>
  a.job.jobId < b.job.jobId ? -1 : a.job.jobId > b.job.jobId ? 1 : 0;
const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
/** Ascending by a number that may be absent (absent last), then jobId. */
function sortBy(
  items: QueuedJob[],
  key: (job: JobRecord) => number | undefined,
  descending = false,
): QueuedJob[] {
  return [...items].sort((a, b) => {
    const x = key(a.job);
    const y = key(b.job);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else if (x !== y) return descending ? y - x : x - y;
    return byJobId(a, b);
  });
}
/** The default order: createdAt ascending, then jobId. */
const defaultOrder = (items: QueuedJob[]) => sortBy(items, (job) => ms(job.createdAt));

/** Every page of a search, following nextItemOffset; checks totalResults stays put. */
async function searchAll(input: Omit<SearchJobsCommandInput, 'farmId' | 'itemOffset'>, pageSize = 100) {
  const found: JobSearchSummary[] = [];
  let itemOffset: number | undefined = 0;
  let total: number | undefined;
  let pages = 0;
  while (itemOffset !== undefined) {
    const response: SearchJobsCommandOutput = await fixture.client.send(
      new SearchJobsCommand({ farmId, itemOffset, pageSize, ...input }),
    );
    total ??= response.totalResults;
    expect(response.totalResults).toBe(total);
    found.push(...(response.jobs ?? []));
    itemOffset = response.nextItemOffset;
    if (itemOffset !== undefined) expect(itemOffset).toBe(found.length);
    pages += 1;
    if (pages > 200) throw new Error('paging does not end');
  }
  expect(found).toHaveLength(total ?? 0);
  return found;
}

const ids = (items: readonly (QueuedJob | JobSearchSummary)[]) =>
  items.map((item) => ('job' in item ? item.job.jobId : item.jobId));

async function expectFiltered(
  filters: SearchFilterExpression[],
  operator: 'AND' | 'OR',
  expected: QueuedJob[],
  trivial = false,
) {
  // Unless a case says so, a filter keeps some jobs and drops others, so it is seen to work.
  if (!trivial) expect(expected.length, 'a filter that keeps some jobs').toBeGreaterThan(0);
  if (!trivial) expect(expected.length, 'a filter that drops some jobs').toBeLessThan(jobs.length);
  const found = await searchAll({ queueIds, filterExpressions: { filters, operator } });
  expect(ids(found)).toEqual(ids(defaultOrder(expected)));
  return found;
}

describe('SearchJobs answers', () => {
  it('returns every job of one queue as JobSearchSummary, in the default order', async () => {
    const [queueId = ''] = queueIds;
    const own = jobs.filter((item) => item.queueId === queueId);
    const response = await fixture.client.send(
      new SearchJobsCommand({ farmId, queueIds: [queueId], itemOffset: 0 }),
    );
    expect(response.totalResults).toBe(own.length);
    expect(response.nextItemOffset).toBeUndefined();
    expect(ids(response.jobs ?? [])).toEqual(ids(defaultOrder(own)));
    const first = response.jobs?.[0];
    const record = own.find((item) => item.job.jobId === first?.jobId)?.job;
    expect(first?.queueId).toBe(queueId);
    expect(first?.createdAt).toBeInstanceOf(Date);
    expect(first?.createdAt?.toISOString()).toBe(record?.createdAt);
    expect(first?.jobParameters).toEqual(record?.parameters);
    expect(first?.taskRunStatusCounts).toEqual(record?.taskRunStatusCounts);
    expect(first).not.toHaveProperty('storageProfileId');
    expect(first).not.toHaveProperty('description');
  });

  it('spans several queues and pages through every match exactly once', async () => {
    const found = await searchAll({ queueIds }, 7);
    expect(ids(found)).toEqual(ids(defaultOrder(jobs)));
    expect(new Set(ids(found)).size).toBe(jobs.length);
    for (const item of found) {
      expect(item.queueId).toBe(jobs.find((candidate) => candidate.job.jobId === item.jobId)?.queueId);
    }
  });

  it('pageSize defaults to 100; an itemOffset at or past totalResults gives an empty page', async () => {
    const all = await fixture.client.send(new SearchJobsCommand({ farmId, queueIds, itemOffset: 0 }));
    expect(all.jobs).toHaveLength(Math.min(100, jobs.length));
    for (const itemOffset of [jobs.length, jobs.length + 1, 10_000]) {
      const response = await fixture.client.send(new SearchJobsCommand({ farmId, queueIds, itemOffset }));
      expect(response.jobs).toEqual([]);
      expect(response.totalResults).toBe(jobs.length);
      expect(response.nextItemOffset).toBeUndefined();
    }
  });

  it('a page that ends exactly at the last match carries no nextItemOffset', async () => {
    const response = await fixture.client.send(
      new SearchJobsCommand({ farmId, queueIds, itemOffset: jobs.length - 5, pageSize: 5 }),
    );
    expect(response.jobs).toHaveLength(5);
    expect(response.nextItemOffset).toBeUndefined();
  });

  it('totalResults is capped at the model maximum', () => {
    expect(SEARCH_RESULT_CAP).toBe(10_000);
  });
});

describe('SearchJobs filters', () => {
  it('stringFilter TASK_RUN_STATUS EQUAL and NOT_EQUAL', async () => {
    await expectFiltered(
      [{ stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'RUNNING' } }],
      'AND',
      jobs.filter(({ job }) => job.taskRunStatus === 'RUNNING'),
    );
    await expectFiltered(
      [
        { stringFilter: { name: 'TASK_RUN_STATUS', operator: 'NOT_EQUAL', value: 'SUCCEEDED' } },
        { stringFilter: { name: 'TASK_RUN_STATUS', operator: 'NOT_EQUAL', value: 'RUNNING' } },
      ],
      'AND',
      jobs.filter(({ job }) => job.taskRunStatus !== 'SUCCEEDED' && job.taskRunStatus !== 'RUNNING'),
    );
  });

  it('stringListFilter ANY_EQUALS and ALL_NOT_EQUALS', async () => {
    const statuses = ['SUCCEEDED', 'FAILED', 'CANCELED'];
    const any = await expectFiltered(
      [{ stringListFilter: { name: 'TASK_RUN_STATUS', operator: 'ANY_EQUALS', values: statuses } }],
      'AND',
      jobs.filter(({ job }) => statuses.includes(job.taskRunStatus ?? '')),
    );
    expect(any.length).toBeGreaterThan(0);
    await expectFiltered(
      [{ stringListFilter: { name: 'LIFECYCLE_STATUS', operator: 'ALL_NOT_EQUALS', values: ['ARCHIVED'] } }],
      'AND',
      jobs.filter(({ job }) => job.lifecycleStatus !== 'ARCHIVED'),
    );
  });

  it('dateTimeFilter on CREATED_AT and STARTED_AT (a job that never started matches no comparison)', async () => {
    const sorted = defaultOrder(jobs);
    const middle = sorted[Math.floor(sorted.length / 2)]?.job.createdAt ?? '';
    const found = await expectFiltered(
      [
        {
          dateTimeFilter: {
            name: 'CREATED_AT',
            operator: 'GREATER_THAN_EQUAL_TO',
            dateTime: new Date(middle),
          },
        },
      ],
      'AND',
      jobs.filter(({ job }) => Date.parse(job.createdAt) >= Date.parse(middle)),
    );
    expect(found[0]?.createdAt?.toISOString()).toBe(middle);
    await expectFiltered(
      [{ dateTimeFilter: { name: 'CREATED_AT', operator: 'EQUAL', dateTime: new Date(middle) } }],
      'AND',
      jobs.filter(({ job }) => job.createdAt === middle),
    );
    const cut = Date.parse(middle);
    const started = await expectFiltered(
      [{ dateTimeFilter: { name: 'STARTED_AT', operator: 'NOT_EQUAL', dateTime: new Date(cut) } }],
      'AND',
      jobs.filter(({ job }) => job.startedAt !== undefined && Date.parse(job.startedAt) !== cut),
    );
    expect(started.length).toBeLessThan(jobs.length);
  });

  it('stringFilter PRIORITY compares numerically', async () => {
    await expectFiltered(
      [{ stringFilter: { name: 'PRIORITY', operator: 'GREATER_THAN', value: '60' } }],
      'AND',
      jobs.filter(({ job }) => job.priority > 60),
    );
    await expectFiltered(
      [{ stringFilter: { name: 'PRIORITY', operator: 'LESS_THAN_EQUAL_TO', value: '50' } }],
      'AND',
      jobs.filter(({ job }) => job.priority <= 50),
    );
  });

  it('parameterFilter compares numbers numerically and text exactly; a job without it never matches', async () => {
    const resolution = (job: JobRecord) =>
      Number(job.parameters?.Resolution && Object.values(job.parameters.Resolution)[0]);
    await expectFiltered(
      [{ parameterFilter: { name: 'Resolution', operator: 'GREATER_THAN', value: '2000' } }],
      'AND',
      jobs.filter(({ job }) => resolution(job) > 2000),
    );
    // 999 < 1920 numerically, though '999' > '1920' as text.
    await expectFiltered(
      [{ parameterFilter: { name: 'Resolution', operator: 'GREATER_THAN', value: '999' } }],
      'AND',
      jobs.filter(({ job }) => job.parameters?.Resolution !== undefined),
      true,
    );
    const frames = jobs[0]?.job.parameters?.Frames;
    const value = frames && 'string' in frames ? frames.string : '';
    await expectFiltered(
      [{ parameterFilter: { name: 'Frames', operator: 'EQUAL', value } }],
      'AND',
      jobs.filter(({ job }) => {
        const own = job.parameters?.Frames;
        return own !== undefined && 'string' in own && own.string === value;
      }),
    );
    await expectFiltered(
      [{ parameterFilter: { name: 'Gamma', operator: 'NOT_EQUAL', value: '1.0' } }],
      'AND',
      jobs.filter(({ job }) => job.parameters?.Gamma !== undefined),
    );
  });

  it('searchTermFilter: CONTAINS is a case-insensitive substring of the name; FUZZY_MATCH (default) any word', async () => {
    await expectFiltered(
      [{ searchTermFilter: { searchTerm: '_COMP_', matchType: 'CONTAINS' } }],
      'AND',
      jobs.filter(({ job }) => job.name.toLowerCase().includes('_comp_')),
    );
    await expectFiltered(
      [{ searchTermFilter: { searchTerm: 'LGT zzzz' } }],
      'AND',
      jobs.filter(({ job }) => job.name.includes('lgt') || job.name.includes('zzzz')),
    );
    await expectFiltered(
      [{ searchTermFilter: { searchTerm: 'LGT zzzz', matchType: 'CONTAINS' } }],
      'AND',
      [],
      true,
    );
  });

  it('OR of a status and a nested AND group', async () => {
    const creator = jobs[0]?.job.createdBy ?? '';
    await expectFiltered(
      [
        { stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'FAILED' } },
        {
          groupFilter: {
            operator: 'AND',
            filters: [
              { stringFilter: { name: 'CREATED_BY', operator: 'EQUAL', value: creator } },
              { stringFilter: { name: 'PRIORITY', operator: 'GREATER_THAN_EQUAL_TO', value: '40' } },
            ],
          },
        },
      ],
      'OR',
      jobs.filter(
        ({ job }) => job.taskRunStatus === 'FAILED' || (job.createdBy === creator && job.priority >= 40),
      ),
    );
  });

  it('JOB_ID and NAME filter by equality', async () => {
    const [a, b] = jobs;
    await expectFiltered(
      [
        {
          stringListFilter: {
            name: 'JOB_ID',
            operator: 'ANY_EQUALS',
            values: [a?.job.jobId ?? '', b?.job.jobId ?? ''],
          },
        },
      ],
      'AND',
      jobs.filter(({ job }) => job.jobId === a?.job.jobId || job.jobId === b?.job.jobId),
    );
    await expectFiltered(
      [{ stringFilter: { name: 'NAME', operator: 'EQUAL', value: a?.job.name ?? '' } }],
      'AND',
      jobs.filter(({ job }) => job.name === a?.job.name),
    );
  });
});

describe('SearchJobs sorts', () => {
  const sorted = (sortExpressions: SearchSortExpression[]) => searchAll({ queueIds, sortExpressions }, 30);

  it('fieldSort PRIORITY DESCENDING, ties by jobId', async () => {
    const found = await sorted([{ fieldSort: { name: 'PRIORITY', sortOrder: 'DESCENDING' } }]);
    expect(ids(found)).toEqual(ids(sortBy(jobs, (job) => job.priority, true)));
  });

  it('fieldSort CREATED_AT DESCENDING (as AWS’s CLI asks) and ENDED_AT ASCENDING (unended last)', async () => {
    expect(ids(await sorted([{ fieldSort: { name: 'CREATED_AT', sortOrder: 'DESCENDING' } }]))).toEqual(
      ids(sortBy(jobs, (job) => ms(job.createdAt), true)),
    );
    expect(ids(await sorted([{ fieldSort: { name: 'ENDED_AT', sortOrder: 'ASCENDING' } }]))).toEqual(
      ids(sortBy(jobs, (job) => ms(job.endedAt))),
    );
  });

  it('userJobsFirst, then CREATED_AT ASCENDING', async () => {
    const user = jobs[3]?.job.createdBy ?? '';
    const found = await sorted([
      { userJobsFirst: { userIdentityId: user } },
      { fieldSort: { name: 'CREATED_AT', sortOrder: 'ASCENDING' } },
    ]);
    const mine = defaultOrder(jobs.filter(({ job }) => job.createdBy === user));
    const others = defaultOrder(jobs.filter(({ job }) => job.createdBy !== user));
    expect(ids(found)).toEqual(ids([...mine, ...others]));
  });

  it('parameterSort Resolution ASCENDING compares numbers numerically', async () => {
    const found = await sorted([{ parameterSort: { name: 'Resolution', sortOrder: 'ASCENDING' } }]);
    const value = (job: JobRecord) => {
      const parameter = job.parameters?.Resolution;
      return parameter && 'int' in parameter ? Number(parameter.int) : undefined;
    };
    expect(ids(found)).toEqual(ids(sortBy(jobs, value)));
  });
});

describe('SearchJobs validation', () => {
  const base = (): SearchJobsCommandInput => ({ farmId, queueIds: [queueIds[0] ?? ''], itemOffset: 0 });
  const statusFilter: SearchFilterExpression = {
    stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'READY' },
  };

  async function rejected(input: SearchJobsCommandInput): Promise<string[]> {
    const error = await expectAwsError(
      fixture.client.send(new SearchJobsCommand(input)),
      ValidationException,
    );
    expect(error.message).toMatch(/validation error/);
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    return error.fieldList?.map((field) => field.name ?? '') ?? [];
  }

  const hex = (n: number) => `queue-${n.toString(16).padStart(32, '0')}`;

  it.each([
    ['queueIds: 0', { queueIds: [] }, ['queueIds']],
    ['queueIds: 11', { queueIds: Array.from({ length: 11 }, (_, n) => hex(n)) }, ['queueIds']],
    ['queueIds: bad pattern', { queueIds: ['queue-1'] }, ['queueIds.1.member']],
    ['itemOffset: -1', { itemOffset: -1 }, ['itemOffset']],
    ['itemOffset: 10001', { itemOffset: 10_001 }, ['itemOffset']],
    ['pageSize: 0', { pageSize: 0 }, ['pageSize']],
    ['pageSize: 101', { pageSize: 101 }, ['pageSize']],
    ['sortExpressions: 0', { sortExpressions: [] }, ['sortExpressions']],
    [
      'sortExpressions: 6',
      {
        sortExpressions: Array.from({ length: 6 }, () => ({
          fieldSort: { name: 'PRIORITY', sortOrder: 'ASCENDING' },
        })),
      },
      ['sortExpressions'],
    ],
    ['filters: 0', { filterExpressions: { filters: [], operator: 'AND' } }, ['filterExpressions.filters']],
    [
      'filters: 4',
      {
        filterExpressions: {
          filters: [statusFilter, statusFilter, statusFilter, statusFilter],
          operator: 'AND',
        },
      },
      ['filterExpressions.filters'],
    ],
    [
      'filters: 4 in a nested group',
      {
        filterExpressions: {
          filters: [
            {
              groupFilter: {
                filters: [statusFilter, statusFilter, statusFilter, statusFilter],
                operator: 'OR',
              },
            },
          ],
          operator: 'AND',
        },
      },
      ['filterExpressions.filters.1.member.groupFilter.filters'],
    ],
  ] as [string, Partial<SearchJobsCommandInput>, string[]][])('%s', async (_, change, fields) => {
    expect(await rejected({ ...base(), ...change } as SearchJobsCommandInput)).toEqual(fields);
  });

  it('a groupFilter inside a groupFilter is too deep (two groupings per search)', async () => {
    const fields = await rejected({
      ...base(),
      filterExpressions: {
        operator: 'AND',
        filters: [
          {
            groupFilter: {
              operator: 'OR',
              filters: [{ groupFilter: { operator: 'AND', filters: [statusFilter] } }],
            },
          },
        ],
      },
    });
    expect(fields).toEqual(['filterExpressions.filters.1.member.groupFilter.filters.1.member.groupFilter']);
  });

  it('two sibling groups are allowed, a third is not', async () => {
    const group: SearchFilterExpression = { groupFilter: { operator: 'OR', filters: [statusFilter] } };
    const two = await fixture.client.send(
      new SearchJobsCommand({ ...base(), filterExpressions: { operator: 'AND', filters: [group, group] } }),
    );
    expect(two.totalResults).toBeGreaterThanOrEqual(0);
    expect(
      await rejected({ ...base(), filterExpressions: { operator: 'AND', filters: [group, group, group] } }),
    ).toEqual(['filterExpressions.filters.3.member.groupFilter']);
  });

  it('an unknown field name, in a filter or a sort', async () => {
    expect(
      await rejected({
        ...base(),
        filterExpressions: {
          operator: 'AND',
          filters: [{ stringFilter: { name: 'COLOUR', operator: 'EQUAL', value: 'x' } }],
        },
      }),
    ).toEqual(['filterExpressions.filters.1.member.stringFilter.name']);
    expect(
      await rejected({
        ...base(),
        sortExpressions: [{ fieldSort: { name: 'created_at', sortOrder: 'ASCENDING' } }],
      }),
    ).toEqual(['sortExpressions.1.member.fieldSort.name']);
  });

  it('a filter type that does not fit the field (dateTimeFilter on NAME, stringFilter on CREATED_AT)', async () => {
    const error = await expectAwsError(
      fixture.client.send(
        new SearchJobsCommand({
          ...base(),
          filterExpressions: {
            operator: 'OR',
            filters: [
              { dateTimeFilter: { name: 'NAME', operator: 'EQUAL', dateTime: new Date() } },
              { stringFilter: { name: 'CREATED_AT', operator: 'EQUAL', value: '2025-01-01T00:00:00Z' } },
            ],
          },
        }),
      ),
      ValidationException,
    );
    expect(error.fieldList?.map((field) => field.name)).toEqual([
      'filterExpressions.filters.1.member.dateTimeFilter.name',
      'filterExpressions.filters.2.member.stringFilter.name',
    ]);
    expect(error.message).toContain('dateTimeFilter cannot filter on NAME');
  });

  it('an operator the field cannot take, and a value the field cannot hold', async () => {
    const filter = (f: SearchFilterExpression) => ({
      ...base(),
      filterExpressions: { operator: 'AND' as const, filters: [f] },
    });
    expect(
      await rejected(filter({ stringFilter: { name: 'NAME', operator: 'GREATER_THAN', value: 'a' } })),
    ).toEqual(['filterExpressions.filters.1.member.stringFilter.operator']);
    expect(
      await rejected(filter({ stringFilter: { name: 'NAME', operator: 'ANY_EQUALS', value: 'a' } })),
    ).toEqual(['filterExpressions.filters.1.member.stringFilter.operator']);
    expect(
      await rejected(filter({ stringListFilter: { name: 'NAME', operator: 'EQUAL', values: ['a'] } })),
    ).toEqual(['filterExpressions.filters.1.member.stringListFilter.operator']);
    expect(
      await rejected(filter({ parameterFilter: { name: 'Frames', operator: 'ANY_EQUALS', value: 'a' } })),
    ).toEqual(['filterExpressions.filters.1.member.parameterFilter.operator']);
    expect(
      await rejected(filter({ stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'DONE' } })),
    ).toEqual(['filterExpressions.filters.1.member.stringFilter.value']);
    expect(
      await rejected(filter({ stringFilter: { name: 'PRIORITY', operator: 'EQUAL', value: 'high' } })),
    ).toEqual(['filterExpressions.filters.1.member.stringFilter.value']);
    expect(
      await rejected(
        filter({ stringListFilter: { name: 'JOB_ID', operator: 'ANY_EQUALS', values: Array(17).fill('x') } }),
      ),
    ).toEqual(['filterExpressions.filters.1.member.stringListFilter.values']);
    expect(await rejected(filter({ searchTermFilter: { searchTerm: 'x'.repeat(257) } }))).toEqual([
      'filterExpressions.filters.1.member.searchTermFilter.searchTerm',
    ]);
  });

  it('raw bodies: a missing itemOffset, a union with two members, a non-integer offset', async () => {
    const path = `/2023-10-12/farms/${farmId}/search/jobs`;
    const missing = await rawRequest(fixture.emulator.endpoint, path, {
      method: 'POST',
      body: JSON.stringify({ queueIds: [queueIds[0]] }),
    });
    expect(missing.status).toBe(400);
    expect((missing.json.fieldList as { name: string }[]).map((field) => field.name)).toEqual(['itemOffset']);
    const twoMembers = await rawRequest(fixture.emulator.endpoint, path, {
      method: 'POST',
      body: JSON.stringify({
        queueIds: [queueIds[0]],
        itemOffset: 0,
        filterExpressions: {
          operator: 'AND',
          filters: [
            {
              searchTermFilter: { searchTerm: 'a' },
              stringFilter: { name: 'NAME', operator: 'EQUAL', value: 'a' },
            },
          ],
        },
      }),
    });
    expect((twoMembers.json.fieldList as { name: string }[]).map((field) => field.name)).toEqual([
      'filterExpressions.filters.1.member',
    ]);
    const fraction = await rawRequest(fixture.emulator.endpoint, path, {
      method: 'POST',
      body: JSON.stringify({ queueIds: [queueIds[0]], itemOffset: 1.5 }),
    });
    expect(fraction.json.reason).toBe('CANNOT_PARSE');
  });

  it('an unknown farm or queue is ResourceNotFoundException; a queue of another farm too', async () => {
    const unknownFarm = `farm-${'f'.repeat(32)}`;
    const farmError = await expectAwsError(
      fixture.client.send(new SearchJobsCommand({ ...base(), farmId: unknownFarm })),
      ResourceNotFoundException,
    );
    expect(farmError.resourceId).toBe(unknownFarm);
    const queueError = await expectAwsError(
      fixture.client.send(new SearchJobsCommand({ ...base(), queueIds: [queueIds[0] ?? '', hex(7)] })),
      ResourceNotFoundException,
    );
    expect(queueError.resourceId).toBe(hex(7));
    const sandbox = fixture.emulator.dataset.farms[1]?.farmId ?? '';
    const foreign = fixture.emulator.dataset.queues.get(sandbox)?.[0]?.queueId ?? '';
    await expectAwsError(
      fixture.client.send(new SearchJobsCommand({ ...base(), queueIds: [foreign] })),
      ResourceNotFoundException,
    );
  });

  it('a denied farm is AccessDeniedException', async () => {
    const emulator = await startEmulator({ deniedFarmIds: [farmId] });
    const client = clientFor(emulator.endpoint);
    try {
      await expectAwsError(client.send(new SearchJobsCommand(base())), AccessDeniedException);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

describe('SEARCH_JOB_FIELDS', () => {
  it('names every field in UPPER_SNAKE of its member and says where the name comes from', () => {
    for (const [name, field] of Object.entries(SEARCH_JOB_FIELDS)) {
      expect(name).toBe(
        String(field.member)
          .replace(/[A-Z]/g, (c) => `_${c}`)
          .toUpperCase(),
      );
      expect(field.source).toMatch(/^(UNVERIFIED|AWS client .+)$/);
    }
    expect(SEARCH_JOB_FIELDS.CREATED_AT?.source).not.toBe('UNVERIFIED');
    expect(SEARCH_JOB_FIELDS.TASK_RUN_STATUS?.source).not.toBe('UNVERIFIED');
  });
});

describe('the demo data gives searches something to find', () => {
  it('several creators, several weeks of creation dates, varied priorities, statuses and parameters', () => {
    const distinct = (values: unknown[]) => new Set(values).size;
    const created = jobs.map(({ job }) => Date.parse(job.createdAt));
    expect(distinct(jobs.map(({ job }) => job.createdBy))).toBeGreaterThanOrEqual(5);
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(21 * 86_400_000);
    expect(distinct(jobs.map(({ job }) => job.priority))).toBeGreaterThanOrEqual(20);
    expect(distinct(jobs.map(({ job }) => job.taskRunStatus))).toBeGreaterThanOrEqual(6);
    expect(distinct(jobs.map(({ job }) => job.lifecycleStatus))).toBeGreaterThanOrEqual(3);
    expect(jobs.every(({ job }) => job.parameters?.Frames && job.parameters.Resolution)).toBe(true);
  });
});
