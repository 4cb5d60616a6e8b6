import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUSTOMER_MANAGED_HOURLY_RATE_USD,
  DATASET_NOW,
  type Dataset,
  HOURLY_RATE_USD,
} from '../../src/emulator/index.js';
import { codes, queryCountingCalls, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * `Farm.usage` through the real stack (GraphQL over HTTP → resolvers → SDK → emulator), each report compared with
 * totals computed here from the emulator's dataset by this file's own reading of the documented rules
 * (src/emulator/usage.ts's header): a session runs from startedAt to endedAt (DATASET_NOW while running), clipped
 * to the window and split across period buckets; cost is runtime hours × its instance type's rate.
 */
process.env.AWS_EC2_METADATA_DISABLED = 'true';

let stack: TestStack;
let dataset: Dataset;
let farmId: string;
let queueIds: string[];

beforeAll(async () => {
  stack = await startTestStack({
    emulator: { sizes: { largeJobSessions: 120 }, aggregationInProgressMs: 60 },
  });
  dataset = stack.emulator?.dataset as Dataset;
  farmId = dataset.farms[0]?.farmId ?? '';
  queueIds = (dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId).slice(0, 10);
});
afterAll(() => stack.close());

const USAGE_QUERY = `query Usage($farmId: ID!, $input: UsageInput!) {
  farm(farmId: $farmId) {
    usage(input: $input) {
      status aggregationId message rowsTruncated
      rows {
        queueId fleetId jobId jobName userId usageType instanceType licenseProduct count startTime endTime
        costInUsd { min max avg sum }
        runtimeInSeconds { min max avg sum }
      }
    }
  }
}`;

interface Stats {
  min: number | null;
  max: number | null;
  avg: number | null;
  sum: number | null;
}
interface Row {
  queueId: string | null;
  fleetId: string | null;
  jobId: string | null;
  jobName: string | null;
  userId: string | null;
  usageType: string | null;
  instanceType: string | null;
  licenseProduct: string | null;
  count: number;
  startTime: string;
  endTime: string;
  costInUsd: Stats;
  runtimeInSeconds: Stats;
}
interface Report {
  status: string;
  aggregationId: string | null;
  message: string | null;
  rowsTruncated: boolean;
  rows: Row[];
}
type Period = 'HOURLY' | 'DAILY' | 'WEEKLY' | 'MONTHLY';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A window per period, ending a day after the dataset's now (running sessions end there). */
const WINDOW_DAYS: Record<Period, number> = { HOURLY: 2, DAILY: 20, WEEKLY: 45, MONTHLY: 90 };

function windowOf(period: Period): { startTime: string; endTime: string } {
  const end = DATASET_NOW + DAY;
  return {
    startTime: new Date(end - WINDOW_DAYS[period] * DAY).toISOString(),
    endTime: new Date(end).toISOString(),
  };
}

/** The local calendar bucket holding `t`, [start, end), by calendar arithmetic on a shifted Date. */
function bucketBounds(t: number, period: Period, offsetMs: number): [number, number] {
  const local = new Date(t + offsetMs);
  const start = new Date(local);
  if (period === 'HOURLY') start.setUTCMinutes(0, 0, 0);
  else start.setUTCHours(0, 0, 0, 0);
  if (period === 'WEEKLY') start.setUTCDate(start.getUTCDate() - ((start.getUTCDay() + 6) % 7));
  if (period === 'MONTHLY') start.setUTCDate(1);
  const next = new Date(start);
  if (period === 'HOURLY') next.setUTCHours(next.getUTCHours() + 1);
  else if (period === 'DAILY') next.setUTCDate(next.getUTCDate() + 1);
  else if (period === 'WEEKLY') next.setUTCDate(next.getUTCDate() + 7);
  else next.setUTCMonth(next.getUTCMonth() + 1);
  return [start.getTime() - offsetMs, next.getTime() - offsetMs];
}

interface Expected {
  keys: Record<string, string>;
  bucket: number;
  runtimes: number[];
  costs: number[];
}

/** The rows the report should hold, computed from the dataset. */
function expectedRows(groupBy: string[], period: Period, timezone = 'UTC+00:00'): Map<string, Expected> {
  const { startTime, endTime } = windowOf(period);
  const [windowStart, windowEnd] = [Date.parse(startTime), Date.parse(endTime)];
  const offsetMs =
    (timezone[3] === '-' ? -1 : 1) * (Number(timezone.slice(4, 6)) * 60 + Number(timezone.slice(7))) * 60_000;
  const rows = new Map<string, Expected>();
  for (const queueId of queueIds) {
    for (const job of dataset.jobs.get(`${farmId}/${queueId}`) ?? []) {
      for (const session of dataset.sessions.get(`${farmId}/${queueId}/${job.jobId}`) ?? []) {
        const from = Math.max(Date.parse(session.startedAt), windowStart);
        const to = Math.min(session.endedAt ? Date.parse(session.endedAt) : DATASET_NOW, windowEnd);
        const instanceType = session.hostProperties?.ec2InstanceType;
        const rate =
          instanceType === undefined
            ? CUSTOMER_MANAGED_HOURLY_RATE_USD
            : (HOURLY_RATE_USD[instanceType] ?? Number.NaN);
        const keys: Record<string, string> = {};
        if (groupBy.includes('QUEUE_ID')) keys.queueId = queueId;
        if (groupBy.includes('FLEET_ID')) keys.fleetId = session.fleetId;
        if (groupBy.includes('JOB_ID')) Object.assign(keys, { jobId: job.jobId, jobName: job.name });
        if (groupBy.includes('USER_ID')) keys.userId = job.createdBy;
        if (groupBy.includes('USAGE_TYPE')) keys.usageType = 'COMPUTE';
        if (groupBy.includes('INSTANCE_TYPE') && instanceType) keys.instanceType = instanceType;
        for (let at = from; at < to; ) {
          const [bucketStart, bucketEnd] = bucketBounds(at, period, offsetMs);
          const until = Math.min(bucketEnd, to);
          const id = JSON.stringify([bucketStart, keys]);
          const row = rows.get(id) ?? {
            keys,
            bucket: Math.max(windowStart, bucketStart),
            runtimes: [],
            costs: [],
          };
          rows.set(id, row);
          row.runtimes.push((until - at) / 1000);
          row.costs.push(((until - at) / HOUR) * rate);
          at = until;
        }
      }
    }
  }
  return rows;
}

function rowKey(keys: Record<string, string | null>): string {
  const names = [
    'queueId',
    'fleetId',
    'jobId',
    'jobName',
    'userId',
    'usageType',
    'instanceType',
    'licenseProduct',
  ];
  return JSON.stringify(names.map((name) => keys[name] ?? null));
}

async function usage(input: Record<string, unknown>) {
  return queryCountingCalls<{ farm: { usage: Report | null } | null }>(stack, USAGE_QUERY, { farmId, input });
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function expectMatches(report: Report, expected: Map<string, Expected>, context: string): void {
  expect(report.status, context).toBe('COMPLETED');
  expect(report.rowsTruncated, context).toBe(false);
  expect(expected.size, context).toBeGreaterThan(0);
  expect(report.rows.length, context).toBe(expected.size);
  const byKey = new Map<string, Expected>();
  for (const row of expected.values()) {
    byKey.set(`${new Date(row.bucket).toISOString()} ${rowKey(row.keys)}`, row);
  }
  for (const row of report.rows) {
    const want = byKey.get(`${row.startTime} ${rowKey(row as never)}`);
    expect(want, `${context}: unexpected row ${row.startTime} ${rowKey(row as never)}`).toBeDefined();
    if (!want) continue;
    expect(row.count, context).toBe(want.runtimes.length);
    expect(row.runtimeInSeconds.sum, context).toBeCloseTo(sum(want.runtimes), 3);
    expect(row.runtimeInSeconds.min, context).toBeCloseTo(Math.min(...want.runtimes), 3);
    expect(row.runtimeInSeconds.max, context).toBeCloseTo(Math.max(...want.runtimes), 3);
    expect(row.runtimeInSeconds.avg, context).toBeCloseTo(sum(want.runtimes) / want.runtimes.length, 3);
    expect(row.costInUsd.sum, context).toBeCloseTo(sum(want.costs), 6);
    expect(row.costInUsd.max, context).toBeCloseTo(Math.max(...want.costs), 6);
  }
  const total = sum(report.rows.map((row) => row.runtimeInSeconds.sum ?? 0));
  const wantTotal = sum([...expected.values()].flatMap((row) => row.runtimes));
  expect(total, context).toBeCloseTo(wantTotal, 2);
}

const SINGLE = [
  'QUEUE_ID',
  'FLEET_ID',
  'JOB_ID',
  'USER_ID',
  'USAGE_TYPE',
  'INSTANCE_TYPE',
  'LICENSE_PRODUCT',
];
const PAIRS = [
  ['QUEUE_ID', 'FLEET_ID'],
  ['JOB_ID', 'INSTANCE_TYPE'],
  ['USER_ID', 'USAGE_TYPE'],
  ['FLEET_ID', 'INSTANCE_TYPE'],
];
const PERIODS: Period[] = ['HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY'];

describe('Farm.usage against the dataset', () => {
  it.each(PERIODS)(
    'every single groupBy and four pairs, %s, queued on one farm at once, match the dataset',
    async (period) => {
      const combinations = [...SINGLE.map((field) => [field]), ...PAIRS];
      const before = stack.emulator?.calls() ?? {};
      const answers = await Promise.all(
        combinations.map((groupBy) => usage({ queueIds, groupBy, period, ...windowOf(period) })),
      );
      const after = stack.emulator?.calls() ?? {};
      const starts =
        (after.StartSessionsStatisticsAggregation ?? 0) - (before.StartSessionsStatisticsAggregation ?? 0);
      // One Start per combination: the queue never sends a Start while the farm's aggregation runs.
      expect(starts).toBe(combinations.length);
      answers.forEach(({ response }, index) => {
        const groupBy = combinations[index] as string[];
        const context = `${groupBy.join('+')} ${period}`;
        expect(response.errors, context).toBeUndefined();
        const report = response.data?.farm?.usage as Report;
        expectMatches(report, expectedRows(groupBy, period), context);
      });
    },
    60_000,
  );

  it('buckets fall on the requested offset (UTC+05:30, DAILY, by queue)', async () => {
    const { response } = await usage({
      queueIds,
      groupBy: ['QUEUE_ID'],
      period: 'DAILY',
      timezone: 'UTC+05:30',
      ...windowOf('DAILY'),
    });
    const report = response.data?.farm?.usage as Report;
    expectMatches(report, expectedRows(['QUEUE_ID'], 'DAILY', 'UTC+05:30'), 'UTC+05:30');
    expect(report.rows.some((row) => row.startTime.endsWith('T18:30:00.000Z'))).toBe(true);
  });

  it('only the requested statistics are given; by fleet IDs', async () => {
    const fleetIds = (dataset.fleets.get(farmId) ?? []).map((fleet) => fleet.fleetId);
    const { response } = await usage({
      fleetIds,
      groupBy: ['FLEET_ID'],
      statistics: ['SUM'],
      ...windowOf('DAILY'),
    });
    const report = response.data?.farm?.usage as Report;
    expect(report.status).toBe('COMPLETED');
    expect(report.rows.length).toBeGreaterThan(0);
    for (const row of report.rows) {
      expect(row.costInUsd).toMatchObject({ min: null, max: null, avg: null });
      expect(row.runtimeInSeconds.sum).toBeGreaterThan(0);
    }
  });
});

describe('sharing and queueing', () => {
  it('20 concurrent identical requests make one Start', async () => {
    const input = {
      queueIds,
      groupBy: ['USER_ID'],
      period: 'WEEKLY',
      timezone: 'UTC-03:00',
      ...windowOf('WEEKLY'),
    };
    const before = stack.emulator?.calls() ?? {};
    const answers = await Promise.all(Array.from({ length: 20 }, () => usage(input)));
    const after = stack.emulator?.calls() ?? {};
    expect(
      (after.StartSessionsStatisticsAggregation ?? 0) - (before.StartSessionsStatisticsAggregation ?? 0),
    ).toBe(1);
    const reports = answers.map(({ response }) => response.data?.farm?.usage);
    for (const report of reports) expect(report).toEqual(reports[0]);
    expect(reports[0]?.status).toBe('COMPLETED');
    // Asked again a moment later: the completed rows answer, no aggregation call at all.
    const again = await usage(input);
    expect(again.calls.StartSessionsStatisticsAggregation).toBeUndefined();
    expect(again.calls.GetSessionsStatisticsAggregation).toBeUndefined();
    expect(again.response.data?.farm?.usage).toEqual(reports[0]);
  });

  it('two different requests on one farm both complete, one after the other', async () => {
    const window = windowOf('DAILY');
    const before = stack.emulator?.calls() ?? {};
    const [a, b] = await Promise.all([
      usage({ queueIds, groupBy: ['QUEUE_ID', 'USER_ID'], ...window }),
      usage({ queueIds: queueIds.slice(0, 1), groupBy: ['JOB_ID'], ...window }),
    ]);
    const after = stack.emulator?.calls() ?? {};
    expect(a.response.data?.farm?.usage?.status).toBe('COMPLETED');
    expect(b.response.data?.farm?.usage?.status).toBe('COMPLETED');
    // Two Starts, neither refused (a refused one would be a third call, or an error).
    expect(
      (after.StartSessionsStatisticsAggregation ?? 0) - (before.StartSessionsStatisticsAggregation ?? 0),
    ).toBe(2);
  });

  it('a FAILED aggregation is reported, not raised', async () => {
    stack.emulator?.failNextAggregation('FAILED');
    const { response } = await usage({
      queueIds,
      groupBy: ['FLEET_ID'],
      period: 'MONTHLY',
      ...windowOf('DAILY'),
    });
    expect(response.errors).toBeUndefined();
    const report = response.data?.farm?.usage as Report;
    expect(report.status).toBe('FAILED');
    expect(report.rows).toEqual([]);
    expect(report.message).toMatch(/failed/);
  });
});

describe('resume', () => {
  it('a short budget reports IN_PROGRESS; resume finishes the same aggregation', async () => {
    const short = await startTestStack({
      emulator: { aggregationInProgressMs: 2500 },
      limits: { operationTimeoutMs: 800 },
    });
    try {
      const shortDataset = short.emulator?.dataset as Dataset;
      const shortFarm = shortDataset.farms[0]?.farmId ?? '';
      const shortQueues = (shortDataset.queues.get(shortFarm) ?? [])
        .map((queue) => queue.queueId)
        .slice(0, 3);
      const input = { queueIds: shortQueues, groupBy: ['QUEUE_ID'], ...windowOf('DAILY') };
      const ask = (extra: Record<string, unknown> = {}) =>
        queryCountingCalls<{ farm: { usage: Report } }>(short, USAGE_QUERY, {
          farmId: shortFarm,
          input: { ...input, ...extra },
        });
      const first = await ask();
      expect(first.response.errors).toBeUndefined();
      const report = first.response.data?.farm.usage as Report;
      expect(report.status).toBe('IN_PROGRESS');
      expect(report.aggregationId).toMatch(/^[0-9a-f]{32}$/);
      expect(report.message).toMatch(/resume/);
      expect(first.calls.StartSessionsStatisticsAggregation).toBe(1);
      let resumed = report;
      let starts = 0;
      for (let attempt = 0; attempt < 10 && resumed.status === 'IN_PROGRESS'; attempt++) {
        const next = await ask({ resume: report.aggregationId });
        starts += next.calls.StartSessionsStatisticsAggregation ?? 0;
        resumed = next.response.data?.farm.usage as Report;
      }
      expect(starts).toBe(0);
      expect(resumed.status).toBe('COMPLETED');
      expect(resumed.aggregationId).toBe(report.aggregationId);
      expect(resumed.rows.length).toBeGreaterThan(0);
    } finally {
      await short.close();
    }
  }, 30_000);
});

describe('limits are refused before any call', () => {
  const base = () => ({ queueIds, groupBy: ['QUEUE_ID'], ...windowOf('DAILY') });
  const cases: [string, () => Record<string, unknown>, RegExp][] = [
    [
      'both queueIds and fleetIds',
      () => ({ ...base(), fleetIds: [`fleet-${'0'.repeat(32)}`] }),
      /exactly one/,
    ],
    ['neither', () => ({ groupBy: ['QUEUE_ID'], ...windowOf('DAILY') }), /exactly one/],
    [
      '11 queues',
      () => ({
        ...base(),
        queueIds: Array.from({ length: 11 }, (_, i) => `queue-${i.toString(16).padStart(32, '0')}`),
      }),
      /1 to 10/,
    ],
    ['no queues', () => ({ ...base(), queueIds: [] }), /1 to 10/],
    ['a malformed queue ID', () => ({ ...base(), queueIds: ['queue-1'] }), /32 lowercase hex/],
    ['three groupBy keys', () => ({ ...base(), groupBy: ['QUEUE_ID', 'FLEET_ID', 'JOB_ID'] }), /1 to 2/],
    ['no groupBy key', () => ({ ...base(), groupBy: [] }), /1 to 2/],
    ['a repeated groupBy key', () => ({ ...base(), groupBy: ['QUEUE_ID', 'QUEUE_ID'] }), /repeat/],
    ['no statistics', () => ({ ...base(), statistics: [] }), /1 to 4/],
    [
      'endTime before startTime',
      () => ({ ...base(), startTime: '2025-06-02T00:00:00Z', endTime: '2025-06-01T00:00:00Z' }),
      /after/,
    ],
    [
      'an empty window',
      () => ({ ...base(), startTime: '2025-06-02T00:00:00Z', endTime: '2025-06-02T00:00:00Z' }),
      /after/,
    ],
    ['a timezone off the pattern', () => ({ ...base(), timezone: 'UTC+5' }), /UTC offset/],
    ['a timezone at :15', () => ({ ...base(), timezone: 'UTC+05:15' }), /UTC offset/],
    ['a malformed resume', () => ({ ...base(), resume: 'abc' }), /32 lowercase hex/],
  ];
  it.each(cases)('%s', async (_name, input, message) => {
    const before = stack.emulator?.totalCalls() ?? 0;
    const response = await stack.query(USAGE_QUERY, { farmId, input: input() });
    expect(stack.emulator?.totalCalls()).toBe(before);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.errors?.[0]?.message).toMatch(message);
  });
});
