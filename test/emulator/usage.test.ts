import {
  GetSessionsStatisticsAggregationCommand,
  ResourceNotFoundException,
  StartSessionsStatisticsAggregationCommand,
  type StartSessionsStatisticsAggregationCommandInput,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_NOW } from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

/** The usage statistics operations over the SDK (strict validation, one per farm, paging, expiry). */
let fixture: EmulatorFixture;
let farmId: string;
let queueIds: string[];

beforeAll(async () => {
  fixture = await startFixture({ aggregationInProgressMs: 0 });
  farmId = fixture.emulator.dataset.farms[0]?.farmId ?? '';
  queueIds = (fixture.emulator.dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId);
});
afterAll(() => fixture.close());

const DAY = 86_400_000;
const valid = (): StartSessionsStatisticsAggregationCommandInput => ({
  farmId,
  resourceIds: { queueIds: queueIds.slice(0, 2) },
  startTime: new Date(DATASET_NOW - 30 * DAY),
  endTime: new Date(DATASET_NOW),
  groupBy: ['JOB_ID'],
  statistics: ['SUM'],
  period: 'HOURLY',
});
const start = (input: StartSessionsStatisticsAggregationCommandInput) =>
  fixture.client.send(new StartSessionsStatisticsAggregationCommand(input));

describe('StartSessionsStatisticsAggregation validation', () => {
  const queue = (n: number) => `queue-${n.toString(16).padStart(32, '0')}`;
  const cases: [string, Partial<StartSessionsStatisticsAggregationCommandInput> & Record<string, unknown>][] =
    [
      [
        'both queueIds and fleetIds',
        { resourceIds: { queueIds: [queue(1)], fleetIds: [`fleet-${'0'.repeat(32)}`] } as never },
      ],
      ['11 queue IDs', { resourceIds: { queueIds: Array.from({ length: 11 }, (_, i) => queue(i)) } }],
      ['no queue IDs', { resourceIds: { queueIds: [] } }],
      ['a malformed queue ID', { resourceIds: { queueIds: ['queue-1'] } }],
      ['3 groupBy keys', { groupBy: ['QUEUE_ID', 'FLEET_ID', 'JOB_ID'] }],
      ['no groupBy key', { groupBy: [] }],
      ['a repeated groupBy key', { groupBy: ['QUEUE_ID', 'QUEUE_ID'] }],
      ['5 statistics', { statistics: ['SUM', 'MIN', 'MAX', 'AVG', 'SUM'] }],
      ['an unknown period', { period: 'YEARLY' as never }],
      ['a timezone off the pattern', { timezone: 'UTC+5' }],
      [
        'endTime before startTime',
        { startTime: new Date(DATASET_NOW), endTime: new Date(DATASET_NOW - DAY) },
      ],
      ['an empty window', { startTime: new Date(DATASET_NOW), endTime: new Date(DATASET_NOW) }],
    ];
  it.each(cases)('%s is a ValidationException', async (_name, change) => {
    await expectAwsError(start({ ...valid(), ...change }), ValidationException);
  });

  it('missing required members are each listed', async () => {
    const answer = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${farmId}/sessions-statistics-aggregation`,
      { method: 'POST', body: '{}' },
    );
    expect(answer.status).toBe(400);
    expect((answer.json.fieldList as { name: string }[]).map((field) => field.name)).toEqual([
      'resourceIds',
      'startTime',
      'endTime',
      'groupBy',
      'statistics',
    ]);
  });

  it('an unknown queue of the farm is ResourceNotFoundException', async () => {
    await expectAwsError(
      start({ ...valid(), resourceIds: { queueIds: [queue(7)] } }),
      ResourceNotFoundException,
    );
  });
});

describe('aggregations', () => {
  it('one in progress per farm: a second Start is refused with ThrottlingException until it completes', async () => {
    fixture.emulator.setAggregationInProgressMs(60_000);
    try {
      const { aggregationId } = await start(valid());
      await expectAwsError(start({ ...valid(), groupBy: ['QUEUE_ID'] }), ThrottlingException);
      const status = await fixture.client.send(
        new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId }),
      );
      expect(status.status).toBe('IN_PROGRESS');
      expect(status.statistics).toBeUndefined();
      // Another farm is not held up.
      const other = fixture.emulator.dataset.farms[1]?.farmId ?? '';
      const otherQueue = fixture.emulator.dataset.queues.get(other)?.[0]?.queueId ?? '';
      await start({ ...valid(), farmId: other, resourceIds: { queueIds: [otherQueue] } });
      fixture.emulator.advanceClock(60_000);
      fixture.emulator.setAggregationInProgressMs(0);
      await start({ ...valid(), groupBy: ['QUEUE_ID'] });
    } finally {
      fixture.emulator.setAggregationInProgressMs(0);
    }
  });

  it('pages the statistics with tokens, and expires an hour after Start', async () => {
    const { aggregationId } = await start(valid());
    const rows: unknown[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await fixture.client.send(
        new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId, maxResults: 7, nextToken }),
      );
      expect(page.status).toBe('COMPLETED');
      expect(page.statistics?.length ?? 0).toBeLessThanOrEqual(7);
      rows.push(...(page.statistics ?? []));
      nextToken = page.nextToken;
      pages += 1;
    } while (nextToken);
    const whole = await fixture.client.send(
      new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId, maxResults: 100 }),
    );
    expect(pages).toBeGreaterThan(2);
    expect(rows.slice(0, 100)).toEqual(whole.statistics);
    await expectAwsError(
      fixture.client.send(
        new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId, maxResults: 101 }),
      ),
      ValidationException,
    );
    fixture.emulator.advanceClock(3_600_000);
    await expectAwsError(
      fixture.client.send(new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId })),
      ResourceNotFoundException,
    );
  });

  it('an unknown or malformed aggregation ID', async () => {
    await expectAwsError(
      fixture.client.send(
        new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId: 'f'.repeat(32) }),
      ),
      ResourceNotFoundException,
    );
    await expectAwsError(
      fixture.client.send(new GetSessionsStatisticsAggregationCommand({ farmId, aggregationId: 'xyz' })),
      ValidationException,
    );
  });
});
