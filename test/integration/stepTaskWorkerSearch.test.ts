import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  Dataset,
  StepRecord,
  TaskParameterValue,
  TaskRecord,
  WorkerRecord,
} from '../../src/emulator/index.js';
import {
  codes,
  type GraphQLResponse,
  queryCountingCalls,
  startTestStack,
  type TestStack,
} from '../helpers/testStack.js';

type Counted<T> = { response: GraphQLResponse<T>; calls: Record<string, number> };

/**
 * Step, task and worker search through the real stack (`Job.stepSearch`, `Job.taskSearch`, `Step.taskSearch`,
 * `Farm.workerSearch`, `Fleet.workerSearch` → SearchSteps, SearchTasks, SearchWorkers on the emulator), each result
 * compared with the emulator's dataset filtered and sorted here, by this file's own reading of the documented
 * semantics (docs/emulator.md "Search"): conditions on a member an item lacks never hold; absent values sort last
 * either way; no sort is CREATED_AT ascending for steps and workers, and the jobs' own order for tasks (steps in
 * order, then tasks); ties in that order for steps and tasks, by worker ID for workers; `contains` matches a name
 * (a host name) containing the text, case-insensitively.
 */
let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

type Filter = Record<string, unknown> & { and?: Filter[]; or?: Filter[] };
interface Sort {
  field?: string;
  parameter?: string;
  direction?: 'ASC' | 'DESC';
}

/** How the test reads one searched item: a member's value by filter member or sort field, its parameters. */
interface Reading<I> {
  value: (item: I, member: string) => unknown;
  parameter?: (item: I, name: string) => string | number | undefined;
  defaultSort: Sort[];
  /** The order of ties: a number per item. */
  rank: (item: I) => number | string;
}

/** Orders two values of one member: instants by time, numbers by value, text by code unit. */
function order(a: unknown, b: unknown): number {
  const instant = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v);
  if (instant(a) && instant(b)) return Date.parse(String(a)) - Date.parse(String(b));
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) - Number(b);
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

function holds<I>(reading: Reading<I>, item: I, filter: Filter): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (key === 'and') {
      if (!(value as Filter[]).every((inner) => holds(reading, item, inner))) return false;
    } else if (key === 'or') {
      if (!(value as Filter[]).some((inner) => holds(reading, item, inner))) return false;
    } else if (key === 'parameters') {
      for (const { name, ...condition } of value as Array<{ name: string } & Record<string, unknown>>) {
        if (!conditionHolds(reading.parameter?.(item, name), condition)) return false;
      }
    } else if (!conditionHolds(reading.value(item, key), value as Record<string, unknown>)) return false;
  }
  return true;
}

function expected<I>(reading: Reading<I>, all: readonly I[], filter?: Filter, sort?: Sort[]): I[] {
  const keys = sort && sort.length > 0 ? sort : reading.defaultSort;
  const value = (item: I, key: Sort) =>
    key.parameter ? reading.parameter?.(item, key.parameter) : reading.value(item, key.field ?? '');
  return all
    .filter((item) => (filter ? holds(reading, item, filter) : true))
    .sort((a, b) => {
      for (const key of keys) {
        const [x, y] = [value(a, key), value(b, key)];
        if (x === undefined || y === undefined) {
          if (x !== y) return x === undefined ? 1 : -1;
          continue;
        }
        const o = order(x, y) * (key.direction === 'DESC' ? -1 : 1);
        if (o !== 0) return o;
      }
      return order(reading.rank(a), reading.rank(b));
    });
}

/** A filter member as is, a sort field (`CREATED_AT`) as its member (`createdAt`). */
const lowerCamel = (field: string) =>
  /^[A-Z_]+$/.test(field)
    ? field.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
    : field;

/** A case selects something, and a filter leaves something out: neither side of the comparison is trivial. */
function expectSelective(
  want: readonly unknown[],
  all: readonly unknown[],
  filter: Filter | undefined,
): void {
  expect(want.length).toBeGreaterThan(0);
  if (filter) expect(want.length).toBeLessThan(all.length);
}

// ------------------------------------------------------------------------------------------------- the dataset

interface JobIds {
  farmId: string;
  queueId: string;
  jobId: string;
}
const jobPath = ({ farmId, queueId, jobId }: JobIds) => `${farmId}/${queueId}/${jobId}`;

/** Every job, with its IDs. */
function allJobs(): JobIds[] {
  return [...dataset.jobs].flatMap(([queuePath, jobs]) => {
    const [farmId = '', queueId = ''] = queuePath.split('/');
    return jobs.map((job) => ({ farmId, queueId, jobId: job.jobId }));
  });
}

interface FoundTask {
  stepId: string;
  task: TaskRecord;
  index: number;
}
const stepsOf = (job: JobIds): readonly StepRecord[] => dataset.steps.get(jobPath(job)) ?? [];
function tasksOfJob(job: JobIds): FoundTask[] {
  return stepsOf(job)
    .flatMap((step) =>
      (dataset.tasks.get(`${jobPath(job)}/${step.stepId}`) ?? []).map((task) => ({
        stepId: step.stepId,
        task,
      })),
    )
    .map((found, index) => ({ ...found, index }));
}

/**
 * The job whose steps and tasks vary most (distinct step statuses, then distinct task statuses, retried and
 * unretried tasks), then the most tasks: so that filters select some of its items and leave others out.
 */
function variedJob(): JobIds {
  const score = (job: JobIds) => {
    const tasks = tasksOfJob(job).map((found) => found.task);
    const retried = tasks.filter((task) => (task.failureRetryCount ?? 0) > 0).length;
    return [
      new Set(stepsOf(job).map((step) => step.taskRunStatus)).size,
      new Set(tasks.map((task) => task.runStatus)).size + (retried > 0 && retried < tasks.length ? 1 : 0),
      tasks.length,
    ];
  };
  const [job] = allJobs()
    .filter((candidate) => stepsOf(candidate).length >= 2)
    .map((candidate) => ({ candidate, rank: score(candidate) }))
    .sort((a, b) => {
      const [x, y] = [a.rank, b.rank] as [number[], number[]];
      return (y[0] ?? 0) - (x[0] ?? 0) || (y[1] ?? 0) - (x[1] ?? 0) || (y[2] ?? 0) - (x[2] ?? 0);
    })
    .map(({ candidate }) => candidate);
  if (!job) throw new Error('the dataset has no multi-step job');
  return job;
}

/** The middle value of `values` (instants or numbers), for thresholds that split a set. */
function middle<V>(values: readonly (V | undefined)[]): V {
  const present = values.filter((value): value is V => value !== undefined).sort((a, b) => order(a, b));
  return present[Math.floor(present.length / 2)] as V;
}

function parameterText(value: TaskParameterValue | undefined): string | number | undefined {
  if (!value) return undefined;
  const [type, text] = Object.entries(value)[0] as [string, string];
  return type === 'int' || type === 'float' ? Number(text) : text;
}

const STEP_READING = (steps: readonly StepRecord[]): Reading<StepRecord> => ({
  value: (step, member) => (step as unknown as Record<string, unknown>)[lowerCamel(member)],
  defaultSort: [{ field: 'CREATED_AT' }],
  rank: (step) => steps.indexOf(step),
});
const TASK_READING: Reading<FoundTask> = {
  value: (found, member) => (found.task as unknown as Record<string, unknown>)[lowerCamel(member)],
  parameter: (found, name) => parameterText(found.task.parameters?.[name]),
  defaultSort: [],
  rank: (found) => found.index,
};
const WORKER_READING: Reading<WorkerRecord> = {
  value: (worker, member) =>
    lowerCamel(member) === 'hostName'
      ? worker.hostProperties?.hostName
      : (worker as unknown as Record<string, unknown>)[lowerCamel(member)],
  defaultSort: [{ field: 'CREATED_AT' }],
  rank: (worker) => worker.workerId,
};

// ------------------------------------------------------------------------------------------------------ steps

const STEP_SEARCH = /* GraphQL */ `
  query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $filter: StepFilter, $sort: [StepSort!], $first: Int) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      stepSearch(filter: $filter, sort: $sort, first: $first) {
        totalCount
        nodes { stepId name taskRunStatus parameterSpace { parameters { name } } }
      }
    }
  }
`;

interface StepSearchData {
  job: {
    stepSearch: {
      totalCount: number;
      nodes: Array<{ stepId: string; name: string; taskRunStatus: string }>;
    };
  };
}

describe('Job.stepSearch', () => {
  const cases: Array<[string, (steps: readonly StepRecord[]) => Filter | undefined, Sort[] | undefined]> = [
    ['no filter, no sort', () => undefined, undefined],
    ['by name, descending', () => undefined, [{ field: 'NAME', direction: 'DESC' }]],
    [
      'by status then newest',
      () => undefined,
      [{ field: 'TASK_RUN_STATUS' }, { field: 'CREATED_AT', direction: 'DESC' }],
    ],
    [
      "not the first step's status",
      (steps) => ({ taskRunStatus: { ne: steps[0]?.taskRunStatus } }),
      undefined,
    ],
    [
      "name contains the first step's",
      (steps) => ({ name: { contains: steps[0]?.name } }),
      [{ field: 'STARTED_AT' }],
    ],
    [
      'created after the middle, or of the last step status',
      (steps) => ({
        or: [
          { createdAt: { gt: middle(steps.map((step) => step.createdAt)) } },
          { taskRunStatus: { eq: steps.at(-1)?.taskRunStatus } },
        ],
      }),
      [{ field: 'ENDED_AT', direction: 'DESC' }],
    ],
  ];
  it.each(cases)(
    '%s: the dataset filtered and sorted, in one SearchSteps with parameter spaces carried',
    async (_, filterOf, sort) => {
      const job = variedJob();
      const steps = stepsOf(job);
      const filter = filterOf(steps);
      const want = expected(STEP_READING(steps), steps, filter, sort);
      expectSelective(want, steps, filter);
      const { response, calls } = await queryCountingCalls<StepSearchData>(stack, STEP_SEARCH, {
        ...job,
        filter,
        sort,
        first: 100,
      });
      expect(response.errors).toBeUndefined();
      const found = response.data?.job.stepSearch;
      expect(found?.nodes.map((step) => step.stepId)).toEqual(want.map((step) => step.stepId));
      expect(found?.totalCount).toBe(want.length);
      expect(found?.nodes.map((step) => step.taskRunStatus)).toEqual(want.map((step) => step.taskRunStatus));
      // The job's Get, and one search; the search summaries carry the parameter spaces: one BatchGetStep only for
      // steps without one (absent from a summary is not taken to mean none).
      const lacking = want.some((step) => step.parameterSpace === undefined);
      expect(calls).toEqual({ BatchGetJob: 1, SearchSteps: 1, ...(lacking ? { BatchGetStep: 1 } : {}) });
    },
  );
});

// ------------------------------------------------------------------------------------------------------ tasks

const JOB_TASK_SEARCH = /* GraphQL */ `
  query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $filter: TaskFilter, $sort: [TaskSort!], $first: Int, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      taskSearch(filter: $filter, sort: $sort, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { taskId runStatus failureRetryCount stepId }
      }
    }
  }
`;

interface TaskSearchData {
  job: {
    taskSearch: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{
        taskId: string;
        runStatus: string;
        failureRetryCount: number | null;
        stepId: string;
      }>;
    };
  };
}

describe('Job.taskSearch and Step.taskSearch', () => {
  const firstIntParameter = (job: JobIds): string => {
    for (const { task } of tasksOfJob(job)) {
      for (const [name, value] of Object.entries(task.parameters ?? {})) if ('int' in value) return name;
    }
    throw new Error('no INT task parameter in the job');
  };
  const cases: Array<[string, (job: JobIds) => Filter | undefined, (job: JobIds) => Sort[] | undefined]> = [
    ['no filter, no sort', () => undefined, () => undefined],
    ['failed or canceled', () => ({ runStatus: { in: ['FAILED', 'CANCELED'] } }), () => undefined],
    [
      'retried, most retries first',
      () => ({ failureRetryCount: { gte: 1 } }),
      () => [{ field: 'FAILURE_RETRY_COUNT', direction: 'DESC' }],
    ],
    [
      'by parameter, descending',
      () => undefined,
      (job) => [{ parameter: firstIntParameter(job), direction: 'DESC' }],
    ],
    [
      'a parameter range',
      (job) => {
        const name = firstIntParameter(job);
        const values = tasksOfJob(job).map((found) => parameterText(found.task.parameters?.[name]));
        const top = Math.max(...values.filter((value): value is number => typeof value === 'number'));
        return { parameters: [{ name, gte: String(middle(values)), lt: String(top) }] };
      },
      () => [{ field: 'STARTED_AT' }],
    ],
    [
      'not succeeded, ended earliest first',
      () => ({ runStatus: { notIn: ['SUCCEEDED'] } }),
      () => [{ field: 'ENDED_AT' }, { field: 'RUN_STATUS', direction: 'DESC' }],
    ],
  ];
  it.each(cases)(
    '%s: the dataset filtered and sorted, a Search call a page of 100',
    async (_, filterOf, sortOf) => {
      const job = variedJob();
      const [filter, sort] = [filterOf(job), sortOf(job)];
      const want = expected(TASK_READING, tasksOfJob(job), filter, sort);
      expectSelective(want, tasksOfJob(job), filter);
      const got: Array<{ taskId: string; stepId: string }> = [];
      let after: string | null = null;
      let searchCalls = 0;
      let total = -1;
      do {
        const { response, calls }: Counted<TaskSearchData> = await queryCountingCalls<TaskSearchData>(
          stack,
          JOB_TASK_SEARCH,
          {
            ...job,
            filter,
            sort,
            first: 100,
            after,
          },
        );
        expect(response.errors).toBeUndefined();
        const page: TaskSearchData['job']['taskSearch'] | undefined = response.data?.job.taskSearch;
        if (!page) throw new Error('no page');
        searchCalls += calls.SearchTasks ?? 0;
        expect(Object.keys(calls).sort()).toEqual(['BatchGetJob', 'SearchTasks']);
        total = page.totalCount;
        got.push(...page.nodes.map((task) => ({ taskId: task.taskId, stepId: task.stepId })));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      expect(got).toEqual(want.map((found) => ({ taskId: found.task.taskId, stepId: found.stepId })));
      expect(total).toBe(want.length);
      expect(searchCalls).toBe(Math.max(1, Math.ceil(want.length / 100)));
    },
  );

  it("Step.taskSearch finds that step's tasks only, its condition packed with three of the caller's", async () => {
    const job = variedJob();
    const [step] = stepsOf(job);
    const filter: Filter = {
      runStatus: { ne: 'CANCELED' },
      failureRetryCount: { lte: 5 },
      startedAt: { gte: '2000-01-01T00:00:00Z' },
    };
    const { response, calls } = await queryCountingCalls<{
      step: { taskSearch: { totalCount: number; nodes: Array<{ taskId: string }> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $filter: TaskFilter) {
          step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
            taskSearch(filter: $filter, first: 100) { totalCount nodes { taskId } }
          }
        }
      `,
      { ...job, stepId: step?.stepId, filter },
    );
    expect(response.errors).toBeUndefined();
    const want = expected(
      TASK_READING,
      tasksOfJob(job).filter((found) => found.stepId === step?.stepId),
      filter,
    ).slice(0, 100);
    expect(response.data?.step.taskSearch.nodes.map((task) => task.taskId)).toEqual(
      want.map((found) => found.task.taskId),
    );
    expect(calls.SearchTasks).toBe(1);
  });

  it('loads what task search results lack (createdAt, createdBy) in one BatchGetTask a page, only when selected', async () => {
    const job = variedJob();
    const want = tasksOfJob(job).slice(0, 30);
    const { response, calls } = await queryCountingCalls<{
      job: { taskSearch: { nodes: Array<{ taskId: string; createdAt: string; createdBy: string }> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
          job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
            taskSearch(first: 30) { nodes { taskId createdAt createdBy } }
          }
        }
      `,
      { ...job },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.job.taskSearch.nodes).toEqual(
      want.map(({ task }) => ({ taskId: task.taskId, createdAt: task.createdAt, createdBy: task.createdBy })),
    );
    expect(calls).toEqual({ BatchGetJob: 1, SearchTasks: 1, BatchGetTask: 1 });
  });

  it("refuses one step's cursor on another step, and a sort entry with both a field and a parameter, with zero calls", async () => {
    const job = variedJob();
    const [first, second] = stepsOf(job);
    const query = /* GraphQL */ `
      query ($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!, $after: String, $sort: [TaskSort!]) {
        step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
          taskSearch(first: 1, after: $after, sort: $sort) { pageInfo { endCursor } }
        }
      }
    `;
    const { response: one } = await queryCountingCalls<{
      step: { taskSearch: { pageInfo: { endCursor: string } } };
    }>(stack, query, { ...job, stepId: first?.stepId });
    const cursor = one.data?.step.taskSearch.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    const foreign = await queryCountingCalls(stack, query, { ...job, stepId: second?.stepId, after: cursor });
    expect(codes(foreign.response)).toEqual(['INVALID_CURSOR']);
    expect(foreign.calls).toEqual({});
    const both = await queryCountingCalls(stack, query, {
      ...job,
      stepId: first?.stepId,
      sort: [{ field: 'RUN_STATUS', parameter: 'frame' }],
    });
    expect(codes(both.response)).toEqual(['BAD_USER_INPUT']);
    expect(both.calls).toEqual({});
  });
});

// ---------------------------------------------------------------------------------------------------- workers

const FARM_WORKER_SEARCH = /* GraphQL */ `
  query ($farmId: ID!, $fleetIds: [ID!]!, $filter: WorkerFilter, $sort: [WorkerSort!], $first: Int, $after: String) {
    farm(farmId: $farmId) {
      workerSearch(fleetIds: $fleetIds, filter: $filter, sort: $sort, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { workerId status fleet { fleetId } hostProperties { hostName } }
      }
    }
  }
`;

interface WorkerSearchData {
  farm: {
    workerSearch: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: Array<{
        workerId: string;
        status: string;
        fleet: { fleetId: string };
        hostProperties: { hostName: string | null } | null;
      }>;
    };
  };
}

describe('Farm.workerSearch and Fleet.workerSearch', () => {
  const farmWithFleets = () => {
    const [farmId, fleets] = [...dataset.fleets].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
    return { farmId, fleetIds: fleets.map((fleet) => fleet.fleetId).slice(0, 10) };
  };
  const workersOf = (farmId: string, fleetIds: string[]) =>
    fleetIds.flatMap((fleetId) => dataset.workers.get(`${farmId}/${fleetId}`) ?? []);
  const cases: Array<[string, (workers: readonly WorkerRecord[]) => Filter | undefined, Sort[] | undefined]> =
    [
      ['no filter, no sort', () => undefined, undefined],
      [
        "the first two workers' statuses",
        (workers) => ({ status: { in: [...new Set(workers.map((worker) => worker.status))].slice(0, 2) } }),
        undefined,
      ],
      [
        'by status, newest first',
        () => undefined,
        [{ field: 'STATUS' }, { field: 'CREATED_AT', direction: 'DESC' }],
      ],
      [
        "host name contains the first worker's, by host name",
        (workers) => ({
          hostName: {
            contains: workers.find((worker) => worker.hostProperties?.hostName)?.hostProperties?.hostName,
          },
        }),
        [{ field: 'HOST_NAME' }],
      ],
      [
        'not of the first status, updated after the middle',
        (workers) => ({
          status: { ne: workers[0]?.status },
          updatedAt: { gt: middle(workers.map((worker) => worker.updatedAt)) },
        }),
        [{ field: 'UPDATED_AT', direction: 'DESC' }],
      ],
    ];
  it.each(cases)('%s: the dataset filtered and sorted, walked by pages of 40', async (_, filterOf, sort) => {
    const { farmId, fleetIds } = farmWithFleets();
    const filter = filterOf(workersOf(farmId, fleetIds));
    const want = expected(WORKER_READING, workersOf(farmId, fleetIds), filter, sort);
    expectSelective(want, workersOf(farmId, fleetIds), filter);
    const got: Array<{ workerId: string; fleetId: string; status: string }> = [];
    let after: string | null = null;
    let searchCalls = 0;
    do {
      const { response, calls }: Counted<WorkerSearchData> = await queryCountingCalls<WorkerSearchData>(
        stack,
        FARM_WORKER_SEARCH,
        {
          farmId,
          fleetIds,
          filter,
          sort,
          first: 40,
          after,
        },
      );
      expect(response.errors).toBeUndefined();
      const page: WorkerSearchData['farm']['workerSearch'] | undefined = response.data?.farm.workerSearch;
      if (!page) throw new Error('no page');
      searchCalls += calls.SearchWorkers ?? 0;
      expect(page.totalCount).toBe(want.length);
      got.push(
        ...page.nodes.map((worker) => ({
          workerId: worker.workerId,
          fleetId: worker.fleet.fleetId,
          status: worker.status,
        })),
      );
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(got).toEqual(
      want.map((worker) => ({ workerId: worker.workerId, fleetId: worker.fleetId, status: worker.status })),
    );
    expect(searchCalls).toBe(Math.max(1, Math.ceil(want.length / 40)));
  });

  it("Fleet.workerSearch is the fleet's workers; `log`, which search results lack, loads in one BatchGetWorker", async () => {
    const { farmId, fleetIds } = farmWithFleets();
    const fleetId = fleetIds[0] ?? '';
    const want = expected(WORKER_READING, workersOf(farmId, [fleetId])).slice(0, 25);
    const { response, calls } = await queryCountingCalls<{
      fleet: { workerSearch: { nodes: Array<{ workerId: string; log: { logDriver: string } | null }> } };
    }>(
      stack,
      /* GraphQL */ `
        query ($farmId: ID!, $fleetId: ID!) {
          fleet(farmId: $farmId, fleetId: $fleetId) {
            workerSearch(first: 25) { nodes { workerId log { logDriver } } }
          }
        }
      `,
      { farmId, fleetId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.fleet.workerSearch.nodes).toEqual(
      want.map((worker) => ({
        workerId: worker.workerId,
        log: worker.log ? { logDriver: worker.log.logDriver } : null,
      })),
    );
    expect(calls.SearchWorkers).toBe(1);
    expect(calls.BatchGetWorker).toBe(want.length > 0 ? 1 : undefined);
  });

  it("jumps to page 3 by its numbered page's cursor: the dataset's workers 41 to 60, one call a page", async () => {
    const { farmId, fleetIds } = farmWithFleets();
    const want = expected(WORKER_READING, workersOf(farmId, fleetIds)).slice(40, 60);
    const query = /* GraphQL */ `
      query ($farmId: ID!, $fleetIds: [ID!]!, $after: String) {
        farm(farmId: $farmId) {
          workerSearch(fleetIds: $fleetIds, first: 20, after: $after) {
            nodes { workerId }
            pageCursors { around { page cursor isCurrent } }
          }
        }
      }
    `;
    type Data = {
      farm: {
        workerSearch: {
          nodes: Array<{ workerId: string }>;
          pageCursors: { around: Array<{ page: number; cursor: string | null; isCurrent: boolean }> };
        };
      };
    };
    const first = await queryCountingCalls<Data>(stack, query, { farmId, fleetIds });
    const third = first.response.data?.farm.workerSearch.pageCursors.around.find((page) => page.page === 3);
    expect(third?.cursor).toEqual(expect.any(String));
    const { response, calls } = await queryCountingCalls<Data>(stack, query, {
      farmId,
      fleetIds,
      after: third?.cursor,
    });
    expect(response.data?.farm.workerSearch.nodes.map((worker) => worker.workerId)).toEqual(
      want.map((worker) => worker.workerId),
    );
    expect(response.data?.farm.workerSearch.pageCursors.around.find((page) => page.isCurrent)?.page).toBe(3);
    expect([first.calls, calls]).toEqual([
      { GetFarm: 1, SearchWorkers: 1 },
      { GetFarm: 1, SearchWorkers: 1 },
    ]);
  });

  it('refuses 0 or 11 fleets, and a malformed fleet ID, before any call', async () => {
    const { farmId, fleetIds } = farmWithFleets();
    const eleven = Array.from({ length: 11 }, (_, i) => `fleet-${i.toString(16).padStart(32, '0')}`);
    for (const given of [[], eleven, ['fleet-1'], [fleetIds[0], 'queue-0']]) {
      const { response, calls } = await queryCountingCalls(stack, FARM_WORKER_SEARCH, {
        farmId,
        fleetIds: given,
      });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors?.[0]?.message).toMatch(/fleet/);
      expect(calls).toEqual({});
    }
  });
});

describe('a walk past the 10,000-result window (a fleet of 10,150 workers)', () => {
  let big: TestStack;
  let farmId: string;
  let fleetId: string;
  let workers: readonly WorkerRecord[];
  beforeAll(async () => {
    big = await startTestStack({ emulator: { sizes: { largeFleetWorkers: 10_150, largeJobSessions: 10 } } });
    const data = big.emulator?.dataset as Dataset;
    farmId = data.farms[0]?.farmId ?? '';
    const fleet = (data.fleets.get(farmId) ?? [])[0];
    fleetId = fleet?.fleetId ?? '';
    workers = data.workers.get(`${farmId}/${fleetId}`) ?? [];
  }, 120_000);
  afterAll(() => big.close());

  const WALK = /* GraphQL */ `
    query ($farmId: ID!, $fleetId: ID!, $sort: [WorkerSort!], $after: String, $first: Int) {
      fleet(farmId: $farmId, fleetId: $fleetId) {
        workerSearch(sort: $sort, first: $first, after: $after) {
          totalCount
          resultsShifted
          pageInfo { hasNextPage endCursor }
          nodes { workerId }
        }
      }
    }
  `;
  type Walk = {
    fleet: {
      workerSearch: {
        totalCount: number;
        resultsShifted: boolean | null;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: Array<{ workerId: string }>;
      };
    };
  };

  it.each(['DESC'] as const)(
    'sorted by CREATED_AT %s: every worker once, in order, by key past 10,000; totalCount a lower bound there',
    async (direction) => {
      const sort = [{ field: 'CREATED_AT', direction }];
      const want = expected(WORKER_READING, workers, undefined, sort).map((worker) => worker.workerId);
      expect(want.length).toBeGreaterThan(10_100);
      const seen: string[] = [];
      let after: string | null = null;
      let calls = 0;
      let pages = 0;
      for (;;) {
        const page: Counted<Walk> = await queryCountingCalls<Walk>(big, WALK, {
          farmId,
          fleetId,
          sort,
          after,
          first: 100,
        });
        const connection: Walk['fleet']['workerSearch'] | undefined = page.response.data?.fleet.workerSearch;
        if (!connection) throw new Error(JSON.stringify(page.response.errors));
        pages += 1;
        calls += page.calls.SearchWorkers ?? 0;
        seen.push(...connection.nodes.map((worker) => worker.workerId));
        if (seen.length <= 10_000) expect(connection.totalCount).toBe(10_000);
        else {
          expect(connection.totalCount).toBeGreaterThanOrEqual(seen.length);
          expect(connection.resultsShifted).toBe(false);
        }
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(seen).toEqual(want);
      expect(pages).toBe(Math.ceil(want.length / 100));
      // One call a page within the window; pages of 100 past it cost two (the cursor's worker and 100 more).
      expect(calls).toBeLessThanOrEqual(100 + 2 * (pages - 100));
    },
    300_000,
  );

  /** The cursor that ends page 100 (the window's last) of 100 workers a page: reached by page 100's numbered cursor. */
  async function endOfWindow(sort?: unknown): Promise<string | null> {
    const numbered = await big.query<{
      fleet: { workerSearch: { pageCursors: { last: { page: number; cursor: string } | null } } };
    }>(
      /* GraphQL */ `
        query ($farmId: ID!, $fleetId: ID!, $sort: [WorkerSort!]) {
          fleet(farmId: $farmId, fleetId: $fleetId) {
            workerSearch(sort: $sort, first: 100) { pageCursors(around: 3) { last { page cursor } } }
          }
        }
      `,
      { farmId, fleetId, sort },
    );
    const last = numbered.data?.fleet.workerSearch.pageCursors.last;
    expect(last?.page).toBe(100);
    const page = await big.query<Walk>(WALK, { farmId, fleetId, sort, after: last?.cursor, first: 100 });
    return page.data?.fleet.workerSearch.pageInfo.endCursor ?? null;
  }

  it("from the window's last page by its numbered cursor, sorted by CREATED_AT: the workers past 10,000", async () => {
    const sort: Sort[] = [{ field: 'CREATED_AT', direction: 'ASC' }];
    const want = expected(WORKER_READING, workers, undefined, sort).map((worker) => worker.workerId);
    const page = await queryCountingCalls<Walk>(big, WALK, {
      farmId,
      fleetId,
      sort,
      after: await endOfWindow(sort),
      first: 100,
    });
    expect(page.response.data?.fleet.workerSearch.nodes.map((worker) => worker.workerId)).toEqual(
      want.slice(10_000, 10_100),
    );
    expect(page.calls).toEqual({ GetFleet: 1, SearchWorkers: 2 });
    // The cost model does not under-estimate a page by key (up to three Search calls).
    const cost = (page.response.extensions as { cost?: { estimatedUpstreamCalls: number } } | undefined)
      ?.cost;
    expect(cost?.estimatedUpstreamCalls).toBeGreaterThanOrEqual(3);
  });

  it('in the default order, the page past the window is SEARCH_WINDOW_EXCEEDED, saying to sort by CREATED_AT', async () => {
    const after = await endOfWindow();
    const past = await queryCountingCalls<Walk>(big, WALK, { farmId, fleetId, after, first: 100 });
    expect(codes(past.response)).toEqual(['SEARCH_WINDOW_EXCEEDED']);
    expect(past.response.errors?.[0]?.message).toMatch(/CREATED_AT/);
    expect(past.calls).toEqual({});
  }, 300_000);
});
