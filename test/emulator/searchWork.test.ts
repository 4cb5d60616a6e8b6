/**
 * SearchSteps, SearchTasks and SearchWorkers through the real SDK: every limit of the model, the field-name rules,
 * jobId scoping, and filters, sorts and paging checked against expectations computed here from the dataset (never
 * through the emulator's own evaluator).
 *
 * Expected orders are built here: candidates listed in their tie-break order (jobs by createdAt then jobId, each
 * job's steps in ListSteps order, each step's tasks in ListTasks order; workers by workerId), then a stable sort
 * on the keys the search names, absent values last.
 */
import {
  AccessDeniedException,
  ResourceNotFoundException,
  type SearchFilterExpression,
  type SearchSortExpression,
  SearchStepsCommand,
  SearchTasksCommand,
  SearchWorkersCommand,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type JobRecord,
  SEARCH_STEP_FIELDS,
  SEARCH_TASK_FIELDS,
  SEARCH_WORKER_FIELDS,
  type StepRecord,
  startEmulator,
  type TaskParameterValue,
  type TaskRecord,
  type WorkerRecord,
} from '../../src/emulator/index.js';
import {
  clientFor,
  type EmulatorFixture,
  expectAwsError,
  rawRequest,
  startFixture,
} from './emulatorFixture.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

type OperationName = 'SearchSteps' | 'SearchTasks' | 'SearchWorkers';
type Input = Record<string, unknown>;
type Summary = Record<string, unknown>;

interface FoundStep {
  queueId: string;
  jobId: string;
  step: StepRecord;
}
interface FoundTask {
  queueId: string;
  jobId: string;
  stepId: string;
  task: TaskRecord;
}
interface FoundWorker {
  fleetId: string;
  worker: WorkerRecord;
}

let fixture: EmulatorFixture;
let farmId: string;
let queueIds: string[];
let fleetIds: string[];
/** The main farm's jobs by createdAt then jobId, with their queue. */
let jobs: { queueId: string; job: JobRecord }[];
/** Every step of the main farm, in tie-break order. */
let steps: FoundStep[];
/** Every task of the main farm, in tie-break order. */
let tasks: FoundTask[];
/** Every worker of the main farm, by workerId. */
let workers: FoundWorker[];

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

beforeAll(async () => {
  fixture = await startFixture();
  const { dataset } = fixture.emulator;
  farmId = dataset.farms[0]?.farmId ?? '';
  queueIds = (dataset.queues.get(farmId) ?? []).map((queue) => queue.queueId);
  fleetIds = (dataset.fleets.get(farmId) ?? []).map((fleet) => fleet.fleetId);
  jobs = queueIds
    .flatMap((queueId) => (dataset.jobs.get(`${farmId}/${queueId}`) ?? []).map((job) => ({ queueId, job })))
    .sort(
      (a, b) => Date.parse(a.job.createdAt) - Date.parse(b.job.createdAt) || byText(a.job.jobId, b.job.jobId),
    );
  steps = jobs.flatMap(({ queueId, job }) =>
    (dataset.steps.get(`${farmId}/${queueId}/${job.jobId}`) ?? []).map((step) => ({
      queueId,
      jobId: job.jobId,
      step,
    })),
  );
  tasks = steps.flatMap(({ queueId, jobId, step }) =>
    (dataset.tasks.get(`${farmId}/${queueId}/${jobId}/${step.stepId}`) ?? []).map((task) => ({
      queueId,
      jobId,
      stepId: step.stepId,
      task,
    })),
  );
  workers = fleetIds
    .flatMap((fleetId) =>
      (dataset.workers.get(`${farmId}/${fleetId}`) ?? []).map((worker) => ({ fleetId, worker })),
    )
    .sort((a, b) => byText(a.worker.workerId, b.worker.workerId));
});
afterAll(() => fixture.close());

// ---------------------------------------------------------------------------------------------------- helpers

type Key = number | string | undefined;

/** A stable sort of `items` (given in tie-break order) by `keys`: absent last, numbers before text, text by code unit. */
function ordered<T>(items: readonly T[], keys: [(item: T) => Key, 'ASC' | 'DESC'][]): T[] {
  return [...items].sort((a, b) => {
    for (const [key, direction] of keys) {
      const x = key(a);
      const y = key(b);
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      if (typeof x !== typeof y) return typeof x === 'number' ? -1 : 1;
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : byText(String(x), String(y));
      if (order !== 0) return direction === 'DESC' ? -order : order;
    }
    return 0;
  });
}

const ms = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

function command(operation: OperationName, input: Input) {
  const body = { farmId, ...input } as never;
  switch (operation) {
    case 'SearchSteps':
      return new SearchStepsCommand(body);
    case 'SearchTasks':
      return new SearchTasksCommand(body);
    default:
      return new SearchWorkersCommand(body);
  }
}

const RESULTS: Record<OperationName, string> = {
  SearchSteps: 'steps',
  SearchTasks: 'tasks',
  SearchWorkers: 'workers',
};

interface Answer {
  items: Summary[];
  totalResults: number | undefined;
  nextItemOffset: number | undefined;
}

async function search(operation: OperationName, input: Input): Promise<Answer> {
  const response = (await fixture.client.send(command(operation, input) as never)) as unknown as Record<
    string,
    unknown
  >;
  return {
    items: (response[RESULTS[operation]] ?? []) as Summary[],
    totalResults: response.totalResults as number | undefined,
    nextItemOffset: response.nextItemOffset as number | undefined,
  };
}

/** Every page of a search, following nextItemOffset; checks totalResults stays put. */
async function searchAll(operation: OperationName, input: Input, pageSize = 100): Promise<Summary[]> {
  const found: Summary[] = [];
  let itemOffset: number | undefined = 0;
  let total: number | undefined;
  let pages = 0;
  while (itemOffset !== undefined) {
    const answer = await search(operation, { itemOffset, pageSize, ...input });
    total ??= answer.totalResults;
    expect(answer.totalResults).toBe(total);
    found.push(...answer.items);
    itemOffset = answer.nextItemOffset;
    if (itemOffset !== undefined) expect(itemOffset).toBe(found.length);
    pages += 1;
    if (pages > 200) throw new Error('paging does not end');
  }
  expect(found).toHaveLength(total ?? 0);
  return found;
}

const stepIds = (items: readonly (FoundStep | Summary)[]) =>
  items.map((item) => ('step' in item ? (item as FoundStep).step.stepId : item.stepId));
const taskIds = (items: readonly (FoundTask | Summary)[]) =>
  items.map((item) => ('task' in item ? (item as FoundTask).task.taskId : item.taskId));
const workerIds = (items: readonly (FoundWorker | Summary)[]) =>
  items.map((item) => ('worker' in item ? (item as FoundWorker).worker.workerId : item.workerId));

const group = (filters: SearchFilterExpression[], operator: 'AND' | 'OR' = 'AND') => ({
  filterExpressions: { filters, operator },
});

/** A filter should keep some and drop some, so it is seen to work. */
function expectSelective<T>(kept: readonly T[], all: readonly T[]): void {
  expect(kept.length, 'a filter that keeps some').toBeGreaterThan(0);
  expect(kept.length, 'a filter that drops some').toBeLessThan(all.length);
}

const parameterText = (value: TaskParameterValue | undefined) =>
  value === undefined ? undefined : Object.values(value)[0];
/** A task parameter as this file compares it: INT and FLOAT as numbers, everything else as text. */
const parameterKey = (value: TaskParameterValue | undefined): Key =>
  value === undefined
    ? undefined
    : 'int' in value || 'float' in value
      ? Number(parameterText(value))
      : parameterText(value);

// ---------------------------------------------------------------------------------------------------- steps

describe('SearchSteps', () => {
  const defaultOrder = (items: FoundStep[]) => ordered(items, [[({ step }) => ms(step.createdAt), 'ASC']]);

  it('returns one queue’s steps as StepSearchSummary in the default order (CREATED_AT, then ListSteps order)', async () => {
    const [queueId = ''] = queueIds;
    const own = steps.filter((item) => item.queueId === queueId);
    const found = await searchAll('SearchSteps', { queueIds: [queueId] });
    expect(stepIds(found)).toEqual(stepIds(defaultOrder(own)));
    const withSpace = found.find((item) => item.parameterSpace !== undefined);
    const record = own.find((item) => item.step.stepId === withSpace?.stepId);
    expect(withSpace?.queueId).toBe(queueId);
    expect(withSpace?.jobId).toBe(record?.jobId);
    expect(withSpace?.parameterSpace).toEqual(record?.step.parameterSpace);
    expect(withSpace?.taskRunStatusCounts).toEqual(record?.step.taskRunStatusCounts);
    expect((withSpace?.createdAt as Date | undefined)?.toISOString()).toBe(record?.step.createdAt);
    expect(withSpace).not.toHaveProperty('dependencyCounts');
    expect(withSpace).not.toHaveProperty('farmId');
  });

  it('spans every queue and pages through each step exactly once; pageSize defaults to 100', async () => {
    const found = await searchAll('SearchSteps', { queueIds }, 17);
    expect(stepIds(found)).toEqual(stepIds(defaultOrder(steps)));
    const first = await search('SearchSteps', { queueIds, itemOffset: 0 });
    expect(first.items).toHaveLength(Math.min(100, steps.length));
    expect(first.totalResults).toBe(steps.length);
    expect(first.nextItemOffset).toBe(100);
    const past = await search('SearchSteps', { queueIds, itemOffset: steps.length });
    expect(past.items).toEqual([]);
    expect(past.nextItemOffset).toBeUndefined();
    const last = await search('SearchSteps', { queueIds, itemOffset: steps.length - 4, pageSize: 4 });
    expect(last.items).toHaveLength(4);
    expect(last.nextItemOffset).toBeUndefined();
  });

  it.each([
    [
      'stringFilter TASK_RUN_STATUS EQUAL RUNNING',
      [{ stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'RUNNING' } }],
      'AND',
      ({ step }: FoundStep) => step.taskRunStatus === 'RUNNING',
    ],
    [
      'stringListFilter TASK_RUN_STATUS ANY_EQUALS FAILED, CANCELED, SUSPENDED',
      [
        {
          stringListFilter: {
            name: 'TASK_RUN_STATUS',
            operator: 'ANY_EQUALS',
            values: ['FAILED', 'CANCELED', 'SUSPENDED'],
          },
        },
      ],
      'AND',
      ({ step }: FoundStep) => ['FAILED', 'CANCELED', 'SUSPENDED'].includes(step.taskRunStatus),
    ],
    [
      'TARGET_TASK_RUN_STATUS ALL_NOT_EQUALS SUSPENDED (a step without a target never matches)',
      [
        {
          stringListFilter: {
            name: 'TARGET_TASK_RUN_STATUS',
            operator: 'ALL_NOT_EQUALS',
            values: ['SUSPENDED'],
          },
        },
      ],
      'AND',
      ({ step }: FoundStep) =>
        step.targetTaskRunStatus !== undefined && step.targetTaskRunStatus !== 'SUSPENDED',
    ],
    [
      'LIFECYCLE_STATUS NOT_EQUAL CREATE_COMPLETE',
      [{ stringFilter: { name: 'LIFECYCLE_STATUS', operator: 'NOT_EQUAL', value: 'CREATE_COMPLETE' } }],
      'AND',
      ({ step }: FoundStep) => step.lifecycleStatus !== 'CREATE_COMPLETE',
    ],
    [
      'NAME EQUAL Comp',
      [{ stringFilter: { name: 'NAME', operator: 'EQUAL', value: 'Comp' } }],
      'AND',
      ({ step }: FoundStep) => step.name === 'Comp',
    ],
    [
      'searchTermFilter CONTAINS on the step name, case-insensitive',
      [{ searchTermFilter: { searchTerm: 'REN', matchType: 'CONTAINS' } }],
      'AND',
      ({ step }: FoundStep) => step.name.toLowerCase().includes('ren'),
    ],
    ['OR of a status and a nested AND group (creator and ended)', 'nested', 'OR', undefined],
  ] as [
    string,
    SearchFilterExpression[] | 'nested',
    'AND' | 'OR',
    ((item: FoundStep) => boolean) | undefined,
  ][])('%s', async (_, filters, operator, keep) => {
    let expression = filters as SearchFilterExpression[];
    let predicate = keep as (item: FoundStep) => boolean;
    if (filters === 'nested') {
      const creator = steps[0]?.step.createdBy ?? '';
      const cut = steps[Math.floor(steps.length / 2)]?.step.createdAt ?? '';
      expression = [
        { stringFilter: { name: 'TASK_RUN_STATUS', operator: 'EQUAL', value: 'FAILED' } },
        {
          groupFilter: {
            operator: 'AND',
            filters: [
              { stringFilter: { name: 'CREATED_BY', operator: 'EQUAL', value: creator } },
              { dateTimeFilter: { name: 'ENDED_AT', operator: 'GREATER_THAN', dateTime: new Date(cut) } },
            ],
          },
        },
      ];
      predicate = ({ step }) =>
        step.taskRunStatus === 'FAILED' ||
        (step.createdBy === creator &&
          step.endedAt !== undefined &&
          Date.parse(step.endedAt) > Date.parse(cut));
    }
    const expected = steps.filter(predicate);
    expectSelective(expected, steps);
    const found = await searchAll('SearchSteps', { queueIds, ...group(expression, operator) });
    expect(stepIds(found)).toEqual(stepIds(defaultOrder(expected)));
  });

  it('dateTimeFilter STARTED_AT: a step that never started matches no comparison, NOT_EQUAL included', async () => {
    const started = steps.filter(({ step }) => step.startedAt !== undefined);
    const cut = ordered(started, [[({ step }) => ms(step.startedAt), 'ASC']])[Math.floor(started.length / 2)]
      ?.step.startedAt;
    const at = Date.parse(cut ?? '');
    for (const [operator, keep] of [
      ['GREATER_THAN_EQUAL_TO', (t: number) => t >= at],
      ['LESS_THAN', (t: number) => t < at],
      ['NOT_EQUAL', (t: number) => t !== at],
    ] as const) {
      const expected = steps.filter(
        ({ step }) => step.startedAt !== undefined && keep(Date.parse(step.startedAt)),
      );
      expectSelective(expected, steps);
      const found = await searchAll('SearchSteps', {
        queueIds,
        ...group([{ dateTimeFilter: { name: 'STARTED_AT', operator, dateTime: new Date(at) } }]),
      });
      expect(stepIds(found)).toEqual(stepIds(defaultOrder(expected)));
    }
  });

  it('sorts: ENDED_AT DESCENDING (unended last); NAME then UPDATED_AT DESCENDING; ties in tie-break order', async () => {
    const sorted = (sortExpressions: SearchSortExpression[]) =>
      searchAll('SearchSteps', { queueIds, sortExpressions }, 50);
    expect(stepIds(await sorted([{ fieldSort: { name: 'ENDED_AT', sortOrder: 'DESCENDING' } }]))).toEqual(
      stepIds(ordered(steps, [[({ step }) => ms(step.endedAt), 'DESC']])),
    );
    expect(
      stepIds(
        await sorted([
          { fieldSort: { name: 'NAME', sortOrder: 'ASCENDING' } },
          { fieldSort: { name: 'UPDATED_AT', sortOrder: 'DESCENDING' } },
        ]),
      ),
    ).toEqual(
      stepIds(
        ordered(steps, [
          [({ step }) => step.name, 'ASC'],
          [({ step }) => ms(step.updatedAt), 'DESC'],
        ]),
      ),
    );
  });

  it('jobId keeps that job’s steps, in ListSteps order; a job in none of the queues gives nothing', async () => {
    const job = jobs.find(
      ({ queueId, job: candidate }) =>
        (fixture.emulator.dataset.steps.get(`${farmId}/${queueId}/${candidate.jobId}`)?.length ?? 0) >= 3,
    );
    const own = steps.filter((item) => item.jobId === job?.job.jobId);
    expect(own.length).toBeGreaterThanOrEqual(3);
    const found = await searchAll('SearchSteps', { queueIds, jobId: job?.job.jobId });
    expect(stepIds(found)).toEqual(stepIds(defaultOrder(own)));
    const other = queueIds.find((queueId) => queueId !== job?.queueId) ?? '';
    const none = await search('SearchSteps', { queueIds: [other], jobId: job?.job.jobId, itemOffset: 0 });
    expect(none).toEqual({ items: [], totalResults: 0, nextItemOffset: undefined });
  });
});

// ---------------------------------------------------------------------------------------------------- tasks

describe('SearchTasks', () => {
  /** A queue other than comp (whose 2,500-task edge step would dominate), with its tasks. */
  let queueId: string;
  let own: FoundTask[];
  beforeAll(() => {
    queueId = queueIds[1] ?? '';
    own = tasks.filter((item) => item.queueId === queueId);
  });

  it('jobId keeps that job’s tasks as TaskSearchSummary, steps in ListSteps order, tasks in ListTasks order', async () => {
    const job = jobs.find(
      ({ job: candidate }) =>
        new Set(tasks.filter((t) => t.jobId === candidate.jobId).map((t) => t.stepId)).size >= 2,
    );
    const expected = tasks.filter((item) => item.jobId === job?.job.jobId);
    const found = await searchAll('SearchTasks', { queueIds, jobId: job?.job.jobId }, 9);
    expect(taskIds(found)).toEqual(taskIds(expected));
    const first = found[0];
    const record = expected[0];
    expect(first?.stepId).toBe(record?.stepId);
    expect(first?.jobId).toBe(record?.jobId);
    expect(first?.queueId).toBe(record?.queueId);
    expect(first?.parameters).toEqual(record?.task.parameters);
    expect(first?.runStatus).toBe(record?.task.runStatus);
    expect(first).not.toHaveProperty('createdAt');
    expect(first).not.toHaveProperty('createdBy');
    const otherQueue = queueIds.find((candidate) => candidate !== job?.queueId) ?? '';
    const none = await search('SearchTasks', {
      queueIds: [otherQueue],
      jobId: job?.job.jobId,
      itemOffset: 0,
    });
    expect(none).toEqual({ items: [], totalResults: 0, nextItemOffset: undefined });
  });

  it('without a sort, every task of the farm in tie-break order, across pages', async () => {
    expect(tasks.length).toBeGreaterThan(1000);
    const found = await searchAll('SearchTasks', { queueIds });
    expect(taskIds(found)).toEqual(taskIds(tasks));
  });

  it.each([
    [
      'RUN_STATUS EQUAL FAILED',
      [{ stringFilter: { name: 'RUN_STATUS', operator: 'EQUAL', value: 'FAILED' } }],
      ({ task }: FoundTask) => task.runStatus === 'FAILED',
    ],
    [
      'RUN_STATUS ANY_EQUALS RUNNING, SUSPENDED',
      [
        {
          stringListFilter: { name: 'RUN_STATUS', operator: 'ANY_EQUALS', values: ['RUNNING', 'SUSPENDED'] },
        },
      ],
      ({ task }: FoundTask) => task.runStatus === 'RUNNING' || task.runStatus === 'SUSPENDED',
    ],
    [
      'TARGET_RUN_STATUS EQUAL CANCELED',
      [{ stringFilter: { name: 'TARGET_RUN_STATUS', operator: 'EQUAL', value: 'CANCELED' } }],
      ({ task }: FoundTask) => task.targetRunStatus === 'CANCELED',
    ],
    [
      'FAILURE_RETRY_COUNT GREATER_THAN 0 (numeric)',
      [{ stringFilter: { name: 'FAILURE_RETRY_COUNT', operator: 'GREATER_THAN', value: '0' } }],
      ({ task }: FoundTask) => (task.failureRetryCount ?? 0) > 0,
    ],
    [
      'FAILURE_RETRY_COUNT LESS_THAN_EQUAL_TO 0 (a task that never ran has none and does not match)',
      [{ stringFilter: { name: 'FAILURE_RETRY_COUNT', operator: 'LESS_THAN_EQUAL_TO', value: '0' } }],
      ({ task }: FoundTask) => task.failureRetryCount !== undefined && task.failureRetryCount <= 0,
    ],
    [
      'parameterFilter Frame GREATER_THAN 999: INT numerically, CHUNK_INT ranges as text',
      [{ parameterFilter: { name: 'Frame', operator: 'GREATER_THAN', value: '999' } }],
      ({ task }: FoundTask) => {
        const frame = task.parameters?.Frame;
        if (frame === undefined) return false;
        return 'int' in frame ? Number(frame.int) > 999 : (parameterText(frame) ?? '') > '999';
      },
    ],
    [
      'parameterFilter Exposure LESS_THAN 0 (FLOAT) and Variant EQUAL hero (STRING)',
      [
        { parameterFilter: { name: 'Exposure', operator: 'LESS_THAN', value: '0' } },
        { parameterFilter: { name: 'Variant', operator: 'EQUAL', value: 'hero' } },
      ],
      ({ task }: FoundTask) =>
        task.parameters?.Exposure !== undefined &&
        Number(parameterText(task.parameters.Exposure)) < 0 &&
        parameterText(task.parameters.Variant) === 'hero',
    ],
    [
      'parameterFilter Variant NOT_EQUAL soft (a task without Variant never matches)',
      [{ parameterFilter: { name: 'Variant', operator: 'NOT_EQUAL', value: 'soft' } }],
      ({ task }: FoundTask) =>
        task.parameters?.Variant !== undefined && parameterText(task.parameters.Variant) !== 'soft',
    ],
    [
      'searchTermFilter CONTAINS looks in parameter values',
      [{ searchTermFilter: { searchTerm: 'HARD', matchType: 'CONTAINS' } }],
      ({ task }: FoundTask) =>
        Object.values(task.parameters ?? {}).some((value) =>
          (parameterText(value) ?? '').toLowerCase().includes('hard'),
        ),
    ],
  ] as [string, SearchFilterExpression[], (item: FoundTask) => boolean][])('%s', async (_, filters, keep) => {
    const expected = tasks.filter(keep);
    expectSelective(expected, tasks);
    const found = await searchAll('SearchTasks', { queueIds, ...group(filters) });
    expect(taskIds(found)).toEqual(taskIds(expected));
  });

  it('OR of a retried task and a nested group (updated by someone, ended before a date)', async () => {
    const updater = own.find(({ task }) => task.updatedBy !== undefined)?.task.updatedBy ?? '';
    const ended = own.filter(({ task }) => task.endedAt !== undefined);
    const cut =
      ordered(ended, [[({ task }) => ms(task.endedAt), 'ASC']])[Math.floor(ended.length / 2)]?.task.endedAt ??
      '';
    const expected = own.filter(
      ({ task }) =>
        (task.failureRetryCount ?? 0) >= 1 ||
        (task.updatedBy === updater &&
          task.endedAt !== undefined &&
          Date.parse(task.endedAt) < Date.parse(cut)),
    );
    expectSelective(expected, own);
    const found = await searchAll('SearchTasks', {
      queueIds: [queueId],
      ...group(
        [
          { stringFilter: { name: 'FAILURE_RETRY_COUNT', operator: 'GREATER_THAN_EQUAL_TO', value: '1' } },
          {
            groupFilter: {
              operator: 'AND',
              filters: [
                { stringFilter: { name: 'UPDATED_BY', operator: 'EQUAL', value: updater } },
                { dateTimeFilter: { name: 'ENDED_AT', operator: 'LESS_THAN', dateTime: new Date(cut) } },
              ],
            },
          },
        ],
        'OR',
      ),
    });
    expect(taskIds(found)).toEqual(taskIds(expected));
  });

  it('sorts: FAILURE_RETRY_COUNT DESCENDING then STARTED_AT; parameterSort Frame (absent last); STEP_ID', async () => {
    const sorted = (sortExpressions: SearchSortExpression[]) =>
      searchAll('SearchTasks', { queueIds: [queueId], sortExpressions });
    expect(
      taskIds(
        await sorted([
          { fieldSort: { name: 'FAILURE_RETRY_COUNT', sortOrder: 'DESCENDING' } },
          { fieldSort: { name: 'STARTED_AT', sortOrder: 'ASCENDING' } },
        ]),
      ),
    ).toEqual(
      taskIds(
        ordered(own, [
          [({ task }) => task.failureRetryCount, 'DESC'],
          [({ task }) => ms(task.startedAt), 'ASC'],
        ]),
      ),
    );
    const frames = ordered(own, [[({ task }) => parameterKey(task.parameters?.Frame), 'DESC']]);
    expect(frames.some(({ task }) => task.parameters?.Frame === undefined)).toBe(true);
    expect(taskIds(await sorted([{ parameterSort: { name: 'Frame', sortOrder: 'DESCENDING' } }]))).toEqual(
      taskIds(frames),
    );
    expect(
      taskIds(
        await sorted([
          { fieldSort: { name: 'STEP_ID', sortOrder: 'DESCENDING' } },
          { parameterSort: { name: 'Exposure', sortOrder: 'ASCENDING' } },
        ]),
      ),
    ).toEqual(
      taskIds(
        ordered(own, [
          [({ stepId }) => stepId, 'DESC'],
          [({ task }) => parameterKey(task.parameters?.Exposure), 'ASC'],
        ]),
      ),
    );
  });

  it('totalResults and nextItemOffset stop at 10,000', async () => {
    const emulator = await startEmulator({
      sizes: {
        farms: 1,
        queuesPerFarm: 1,
        jobsPerQueue: 0,
        fleetsPerFarm: 1,
        workersPerFleet: 1,
        largeFleetWorkers: 1,
        largeJobSessions: 0,
        largeStepTasks: 10_050,
      },
    });
    const client = clientFor(emulator.endpoint);
    try {
      const bigFarm = emulator.dataset.farms[0]?.farmId ?? '';
      const comp = emulator.dataset.queues.get(bigFarm)?.[0]?.queueId ?? '';
      const near = await client.send(
        new SearchTasksCommand({ farmId: bigFarm, queueIds: [comp], itemOffset: 9_950, pageSize: 100 }),
      );
      expect(near.totalResults).toBe(10_000);
      expect(near.tasks).toHaveLength(50);
      expect(near.nextItemOffset).toBeUndefined();
      const end = await client.send(
        new SearchTasksCommand({ farmId: bigFarm, queueIds: [comp], itemOffset: 10_000 }),
      );
      expect(end.tasks).toEqual([]);
      expect(end.totalResults).toBe(10_000);
      expect(end.nextItemOffset).toBeUndefined();
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------- workers

describe('SearchWorkers', () => {
  const defaultOrder = (items: FoundWorker[]) =>
    ordered(items, [[({ worker }) => ms(worker.createdAt), 'ASC']]);
  const hostName = ({ worker }: FoundWorker) => worker.hostProperties?.hostName;

  it('returns WorkerSearchSummary items in the default order (CREATED_AT, ties by workerId), across pages', async () => {
    const found = await searchAll('SearchWorkers', { fleetIds }, 23);
    expect(workerIds(found)).toEqual(workerIds(defaultOrder(workers)));
    const first = found[0];
    const record = workers.find(({ worker }) => worker.workerId === first?.workerId)?.worker;
    expect(first?.fleetId).toBe(record?.fleetId);
    expect(first?.hostProperties).toEqual(record?.hostProperties);
    expect(first?.status).toBe(record?.status);
    expect((first?.createdAt as Date | undefined)?.toISOString()).toBe(record?.createdAt);
    expect(first).not.toHaveProperty('farmId');
    expect(first).not.toHaveProperty('log');
    const one = await search('SearchWorkers', { fleetIds: [fleetIds[1] ?? ''], itemOffset: 0 });
    const ownFleet = workers.filter((item) => item.fleetId === fleetIds[1]);
    expect(one.totalResults).toBe(ownFleet.length);
    expect(workerIds(one.items)).toEqual(workerIds(defaultOrder(ownFleet)));
  });

  it.each([
    [
      'STATUS EQUAL RUNNING',
      [{ stringFilter: { name: 'STATUS', operator: 'EQUAL', value: 'RUNNING' } }],
      ({ worker }: FoundWorker) => worker.status === 'RUNNING',
    ],
    [
      'STATUS ANY_EQUALS IDLE, STOPPED, CREATED',
      [
        {
          stringListFilter: {
            name: 'STATUS',
            operator: 'ANY_EQUALS',
            values: ['IDLE', 'STOPPED', 'CREATED'],
          },
        },
      ],
      ({ worker }: FoundWorker) => ['IDLE', 'STOPPED', 'CREATED'].includes(worker.status),
    ],
    ['FLEET_ID NOT_EQUAL the first fleet', 'fleet', undefined],
    [
      'searchTermFilter CONTAINS on the host name',
      [{ searchTermFilter: { searchTerm: 'COMP-WIN', matchType: 'CONTAINS' } }],
      (item: FoundWorker) => (hostName(item) ?? '').toLowerCase().includes('comp-win'),
    ],
    [
      'searchTermFilter FUZZY_MATCH: any word of the term',
      [{ searchTermFilter: { searchTerm: 'win zzzz' } }],
      (item: FoundWorker) =>
        (hostName(item) ?? '').includes('win') || (hostName(item) ?? '').includes('zzzz'),
    ],
  ] as [string, SearchFilterExpression[] | 'fleet', ((item: FoundWorker) => boolean) | undefined][])(
    '%s',
    async (_, filters, keep) => {
      const first = fleetIds[0] ?? '';
      const expression =
        filters === 'fleet'
          ? [
              {
                stringFilter: { name: 'FLEET_ID', operator: 'NOT_EQUAL', value: first },
              } as SearchFilterExpression,
            ]
          : filters;
      const predicate = keep ?? ((item: FoundWorker) => item.fleetId !== first);
      const expected = workers.filter(predicate);
      expectSelective(expected, workers);
      const found = await searchAll('SearchWorkers', { fleetIds, ...group(expression) });
      expect(workerIds(found)).toEqual(workerIds(defaultOrder(expected)));
    },
  );

  it('HOST_NAME, WORKER_ID and CREATED_AT together; UPDATED_BY ALL_NOT_EQUALS', async () => {
    const sorted = defaultOrder(workers);
    const cut = sorted[Math.floor(sorted.length / 3)]?.worker.createdAt ?? '';
    const [a, b, c] = workers;
    const expected = workers.filter(
      (item) =>
        Date.parse(item.worker.createdAt) <= Date.parse(cut) &&
        (hostName(item) === hostName(a ?? item) ||
          [b?.worker.workerId, c?.worker.workerId].includes(item.worker.workerId)),
    );
    const found = await searchAll('SearchWorkers', {
      fleetIds,
      ...group([
        { dateTimeFilter: { name: 'CREATED_AT', operator: 'LESS_THAN_EQUAL_TO', dateTime: new Date(cut) } },
        {
          groupFilter: {
            operator: 'OR',
            filters: [
              {
                stringFilter: {
                  name: 'HOST_NAME',
                  operator: 'EQUAL',
                  value: hostName(a as FoundWorker) ?? '',
                },
              },
              {
                stringListFilter: {
                  name: 'WORKER_ID',
                  operator: 'ANY_EQUALS',
                  values: [b?.worker.workerId ?? '', c?.worker.workerId ?? ''],
                },
              },
            ],
          },
        },
      ]),
    });
    expect(workerIds(found)).toEqual(workerIds(defaultOrder(expected)));
    const updater = workers[5]?.worker.updatedBy ?? '';
    const others = workers.filter(
      ({ worker }) => worker.updatedBy !== undefined && worker.updatedBy !== updater,
    );
    expectSelective(others, workers);
    const notUpdater = await searchAll('SearchWorkers', {
      fleetIds,
      ...group([{ stringListFilter: { name: 'UPDATED_BY', operator: 'ALL_NOT_EQUALS', values: [updater] } }]),
    });
    expect(workerIds(notUpdater)).toEqual(workerIds(defaultOrder(others)));
  });

  it('sorts: HOST_NAME DESCENDING; STATUS then UPDATED_AT DESCENDING; CREATED_BY', async () => {
    const sorted = (sortExpressions: SearchSortExpression[]) =>
      searchAll('SearchWorkers', { fleetIds, sortExpressions });
    expect(workerIds(await sorted([{ fieldSort: { name: 'HOST_NAME', sortOrder: 'DESCENDING' } }]))).toEqual(
      workerIds(ordered(workers, [[hostName, 'DESC']])),
    );
    expect(
      workerIds(
        await sorted([
          { fieldSort: { name: 'STATUS', sortOrder: 'ASCENDING' } },
          { fieldSort: { name: 'UPDATED_AT', sortOrder: 'DESCENDING' } },
        ]),
      ),
    ).toEqual(
      workerIds(
        ordered(workers, [
          [({ worker }) => worker.status, 'ASC'],
          [({ worker }) => ms(worker.updatedAt), 'DESC'],
        ]),
      ),
    );
    expect(workerIds(await sorted([{ fieldSort: { name: 'CREATED_BY', sortOrder: 'ASCENDING' } }]))).toEqual(
      workerIds(ordered(workers, [[({ worker }) => worker.createdBy, 'ASC']])),
    );
  });

  it('an unknown fleet, or one of another farm, is ResourceNotFoundException', async () => {
    const unknown = `fleet-${'e'.repeat(32)}`;
    const error = await expectAwsError(
      fixture.client.send(
        new SearchWorkersCommand({ farmId, fleetIds: [fleetIds[0] ?? '', unknown], itemOffset: 0 }),
      ),
      ResourceNotFoundException,
    );
    expect(error.resourceId).toBe(unknown);
    const sandbox = fixture.emulator.dataset.farms[1]?.farmId ?? '';
    const foreign = fixture.emulator.dataset.fleets.get(sandbox)?.[0]?.fleetId ?? '';
    await expectAwsError(
      fixture.client.send(new SearchWorkersCommand({ farmId, fleetIds: [foreign], itemOffset: 0 })),
      ResourceNotFoundException,
    );
  });
});

// ---------------------------------------------------------------------------------------------------- validation

interface OperationCase {
  name: OperationName;
  scope: 'queueIds' | 'fleetIds';
  scopeIds: () => string[];
  idPrefix: string;
  /** A plain string field, an enum field and one of its values, a date-time field. */
  text: string;
  enumField: string;
  enumValue: string;
  dateTime: string;
  path: string;
}

const CASES: OperationCase[] = [
  {
    name: 'SearchSteps',
    scope: 'queueIds',
    scopeIds: () => queueIds,
    idPrefix: 'queue',
    text: 'NAME',
    enumField: 'LIFECYCLE_STATUS',
    enumValue: 'CREATE_COMPLETE',
    dateTime: 'CREATED_AT',
    path: 'steps',
  },
  {
    name: 'SearchTasks',
    scope: 'queueIds',
    scopeIds: () => queueIds,
    idPrefix: 'queue',
    text: 'UPDATED_BY',
    enumField: 'RUN_STATUS',
    enumValue: 'READY',
    dateTime: 'STARTED_AT',
    path: 'tasks',
  },
  {
    name: 'SearchWorkers',
    scope: 'fleetIds',
    scopeIds: () => fleetIds,
    idPrefix: 'fleet',
    text: 'HOST_NAME',
    enumField: 'STATUS',
    enumValue: 'RUNNING',
    dateTime: 'CREATED_AT',
    path: 'workers',
  },
];

describe.each(CASES)('$name validation', (op) => {
  const base = (): Input => ({ [op.scope]: [op.scopeIds()[0] ?? ''], itemOffset: 0 });
  const enumFilter = (): SearchFilterExpression => ({
    stringFilter: { name: op.enumField, operator: 'EQUAL', value: op.enumValue },
  });
  const id = (n: number) => `${op.idPrefix}-${n.toString(16).padStart(32, '0')}`;
  const only = (filter: SearchFilterExpression) => group([filter]);

  async function rejected(input: Input): Promise<string[]> {
    const error = await expectAwsError(
      fixture.client.send(command(op.name, { ...base(), ...input }) as never),
      ValidationException,
    );
    expect(error.message).toMatch(/validation error/);
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    return error.fieldList?.map((field) => field.name ?? '') ?? [];
  }

  const f1 = 'filterExpressions.filters.1.member';

  it.each([
    [`${op.scope}: 0`, () => ({ [op.scope]: [] }), [op.scope]],
    [`${op.scope}: 11`, () => ({ [op.scope]: Array.from({ length: 11 }, (_, n) => id(n)) }), [op.scope]],
    [`${op.scope}: bad pattern`, () => ({ [op.scope]: [`${op.idPrefix}-1`] }), [`${op.scope}.1.member`]],
    [`${op.scope}: repeated`, () => ({ [op.scope]: [id(1), id(1)] }), [`${op.scope}.2.member`]],
    ['itemOffset: -1', () => ({ itemOffset: -1 }), ['itemOffset']],
    ['itemOffset: 10001', () => ({ itemOffset: 10_001 }), ['itemOffset']],
    ['pageSize: 0', () => ({ pageSize: 0 }), ['pageSize']],
    ['pageSize: 101', () => ({ pageSize: 101 }), ['pageSize']],
    ['sortExpressions: 0', () => ({ sortExpressions: [] }), ['sortExpressions']],
    [
      'sortExpressions: 6',
      () => ({
        sortExpressions: Array.from({ length: 6 }, () => ({
          fieldSort: { name: op.text, sortOrder: 'ASCENDING' },
        })),
      }),
      ['sortExpressions'],
    ],
    [
      'filters: 4',
      () => group([enumFilter(), enumFilter(), enumFilter(), enumFilter()]),
      ['filterExpressions.filters'],
    ],
    [
      'a groupFilter inside a groupFilter',
      () =>
        only({
          groupFilter: {
            operator: 'OR',
            filters: [{ groupFilter: { operator: 'AND', filters: [enumFilter()] } }],
          },
        }),
      [`${f1}.groupFilter.filters.1.member.groupFilter`],
    ],
    [
      'a third groupFilter',
      () => {
        const inner: SearchFilterExpression = { groupFilter: { operator: 'OR', filters: [enumFilter()] } };
        return group([inner, inner, inner]);
      },
      ['filterExpressions.filters.3.member.groupFilter'],
    ],
    [
      'an unknown field in a filter',
      () => only({ stringFilter: { name: 'COLOUR', operator: 'EQUAL', value: 'x' } }),
      [`${f1}.stringFilter.name`],
    ],
    [
      'an unknown field in a sort',
      () => ({ sortExpressions: [{ fieldSort: { name: 'PRIORITY', sortOrder: 'ASCENDING' } }] }),
      ['sortExpressions.1.member.fieldSort.name'],
    ],
    [
      'an ordering operator on a string field',
      () => only({ stringFilter: { name: op.text, operator: 'GREATER_THAN', value: 'a' } }),
      [`${f1}.stringFilter.operator`],
    ],
    [
      'EQUAL in a stringListFilter',
      () => only({ stringListFilter: { name: op.text, operator: 'EQUAL', values: ['a'] } }),
      [`${f1}.stringListFilter.operator`],
    ],
    [
      'a dateTimeFilter on a string field',
      () => only({ dateTimeFilter: { name: op.text, operator: 'EQUAL', dateTime: new Date() } }),
      [`${f1}.dateTimeFilter.name`],
    ],
    [
      'a stringFilter on a date-time field',
      () => only({ stringFilter: { name: op.dateTime, operator: 'EQUAL', value: '2025-01-01T00:00:00Z' } }),
      [`${f1}.stringFilter.name`],
    ],
    [
      'an enum value the field does not have',
      () => only({ stringFilter: { name: op.enumField, operator: 'EQUAL', value: 'DONE' } }),
      [`${f1}.stringFilter.value`],
    ],
    [
      'an enum value the field does not have, in a list',
      () =>
        only({
          stringListFilter: { name: op.enumField, operator: 'ANY_EQUALS', values: [op.enumValue, 'done'] },
        }),
      [`${f1}.stringListFilter.values`],
    ],
    [
      'userJobsFirst (a job notion)',
      () => ({ sortExpressions: [{ userJobsFirst: { userIdentityId: 'someone' } }] }),
      ['sortExpressions.1.member.userJobsFirst'],
    ],
  ] as [string, () => Input, string[]][])('%s', async (_, change, fields) => {
    expect(await rejected(change())).toEqual(fields);
  });

  it('a malformed dateTime cannot be parsed (400 ValidationException)', async () => {
    const answer = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${farmId}/search/${op.path}`,
      {
        method: 'POST',
        body: JSON.stringify({
          ...base(),
          filterExpressions: {
            operator: 'AND',
            filters: [{ dateTimeFilter: { name: op.dateTime, operator: 'EQUAL', dateTime: '2025-13-45' } }],
          },
        }),
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toMatch(/^ValidationException/);
    expect(answer.json.reason).toBe('CANNOT_PARSE');
  });

  it('a missing scope list and a missing itemOffset are both named', async () => {
    const answer = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${farmId}/search/${op.path}`,
      {
        method: 'POST',
        body: JSON.stringify({}),
      },
    );
    expect(answer.status).toBe(400);
    expect((answer.json.fieldList as { name: string }[]).map((field) => field.name)).toEqual([
      op.scope,
      'itemOffset',
    ]);
  });

  it('an unknown farm is ResourceNotFoundException; a denied farm AccessDeniedException', async () => {
    const unknownFarm = `farm-${'f'.repeat(32)}`;
    const error = await expectAwsError(
      fixture.client.send(command(op.name, { ...base(), farmId: unknownFarm }) as never),
      ResourceNotFoundException,
    );
    expect(error.resourceId).toBe(unknownFarm);
    const emulator = await startEmulator({ deniedFarmIds: [farmId] });
    const client = clientFor(emulator.endpoint);
    try {
      await expectAwsError(client.send(command(op.name, base()) as never), AccessDeniedException);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

describe('parameters, and jobId, by operation', () => {
  const f1 = 'filterExpressions.filters.1.member';
  const parameterFilter: SearchFilterExpression = {
    parameterFilter: { name: 'Frame', operator: 'EQUAL', value: '1001' },
  };

  it.each([
    ['SearchSteps', 'queueIds'],
    ['SearchWorkers', 'fleetIds'],
  ] as const)('%s takes no parameterFilter and no parameterSort', async (name, scope) => {
    const base = { [scope]: [(scope === 'queueIds' ? queueIds : fleetIds)[0] ?? ''], itemOffset: 0 };
    for (const [input, field] of [
      [{ ...base, ...group([parameterFilter]) }, `${f1}.parameterFilter`],
      [
        { ...base, sortExpressions: [{ parameterSort: { name: 'Frame', sortOrder: 'ASCENDING' } }] },
        'sortExpressions.1.member.parameterSort',
      ],
    ] as const) {
      const error = await expectAwsError(
        fixture.client.send(command(name, input) as never),
        ValidationException,
      );
      expect(error.fieldList?.map((item) => item.name)).toEqual([field]);
    }
  });

  it('SearchTasks: a parameterFilter takes no list operator', async () => {
    const error = await expectAwsError(
      fixture.client.send(
        new SearchTasksCommand({
          farmId,
          queueIds,
          itemOffset: 0,
          ...group([{ parameterFilter: { name: 'Frame', operator: 'ANY_EQUALS', value: '1' } }]),
        }),
      ),
      ValidationException,
    );
    expect(error.fieldList?.map((item) => item.name)).toEqual([`${f1}.parameterFilter.operator`]);
  });

  it.each(['SearchSteps', 'SearchTasks'] as const)(
    '%s: a malformed jobId is a ValidationException',
    async (name) => {
      const error = await expectAwsError(
        fixture.client.send(command(name, { queueIds, itemOffset: 0, jobId: 'job-1' }) as never),
        ValidationException,
      );
      expect(error.fieldList?.map((item) => item.name)).toEqual(['jobId']);
    },
  );
});

// ---------------------------------------------------------------------------------------------------- tables, data

describe('field tables', () => {
  it('keep the names the gateway uses, every one UNVERIFIED', () => {
    expect(Object.keys(SEARCH_STEP_FIELDS).sort()).toEqual(
      [
        'STEP_ID',
        'JOB_ID',
        'NAME',
        'LIFECYCLE_STATUS',
        'TASK_RUN_STATUS',
        'TARGET_TASK_RUN_STATUS',
        'CREATED_BY',
        'UPDATED_BY',
        'CREATED_AT',
        'STARTED_AT',
        'ENDED_AT',
        'UPDATED_AT',
      ].sort(),
    );
    expect(Object.keys(SEARCH_TASK_FIELDS).sort()).toEqual(
      [
        'TASK_ID',
        'STEP_ID',
        'JOB_ID',
        'RUN_STATUS',
        'TARGET_RUN_STATUS',
        'FAILURE_RETRY_COUNT',
        'STARTED_AT',
        'ENDED_AT',
        'UPDATED_AT',
        'UPDATED_BY',
      ].sort(),
    );
    expect(Object.keys(SEARCH_WORKER_FIELDS).sort()).toEqual(
      [
        'WORKER_ID',
        'FLEET_ID',
        'STATUS',
        'HOST_NAME',
        'CREATED_BY',
        'UPDATED_BY',
        'CREATED_AT',
        'UPDATED_AT',
      ].sort(),
    );
    for (const table of [SEARCH_STEP_FIELDS, SEARCH_TASK_FIELDS, SEARCH_WORKER_FIELDS]) {
      for (const field of Object.values(table)) expect(field.source).toBe('UNVERIFIED');
    }
    expect(SEARCH_TASK_FIELDS.FAILURE_RETRY_COUNT?.kind).toBe('integer');
    expect(SEARCH_WORKER_FIELDS.HOST_NAME?.member).toBe('hostProperties.hostName');
  });
});

describe('the demo data gives these searches something to find', () => {
  it('varied statuses, retried tasks, INT, FLOAT and STRING parameters, workers in several states', () => {
    const distinct = (values: unknown[]) => new Set(values).size;
    expect(distinct(steps.map(({ step }) => step.taskRunStatus))).toBeGreaterThanOrEqual(6);
    expect(distinct(steps.map(({ step }) => step.name))).toBeGreaterThanOrEqual(5);
    expect(distinct(tasks.map(({ task }) => task.runStatus))).toBeGreaterThanOrEqual(6);
    expect(tasks.filter(({ task }) => (task.failureRetryCount ?? 0) > 0).length).toBeGreaterThan(10);
    const kinds = new Set(
      tasks.flatMap(({ task }) => Object.values(task.parameters ?? {}).map((v) => Object.keys(v)[0])),
    );
    for (const kind of ['int', 'float', 'string', 'chunkInt']) expect(kinds).toContain(kind);
    expect(distinct(workers.map(({ worker }) => worker.status))).toBeGreaterThanOrEqual(5);
    expect(distinct(workers.map(hostNameOf))).toBe(workers.length);
    const created = workers.map(({ worker }) => Date.parse(worker.createdAt));
    expect(Math.max(...created) - Math.min(...created)).toBeGreaterThan(21 * 86_400_000);
    const stepCreated = steps.map(({ step }) => Date.parse(step.createdAt));
    expect(Math.max(...stepCreated) - Math.min(...stepCreated)).toBeGreaterThan(21 * 86_400_000);
  });
});

function hostNameOf({ worker }: FoundWorker): string | undefined {
  return worker.hostProperties?.hostName;
}
