/**
 * The four Search* operations as descriptors of the shared search code: SearchJobs, SearchSteps, SearchTasks
 * (POST /2023-10-12/farms/{farmId}/search/jobs|steps|tasks, scoped by queueIds) and SearchWorkers
 * (…/search/workers, scoped by fleetIds). Their summaries are the *SearchSummary members the dataset has, in the
 * wire format of the matching List* items.
 */
import type {
  JobParameterValue,
  JobRecord,
  StepRecord,
  TaskParameterValue,
  TaskRecord,
  WorkerRecord,
} from '../dataset.js';
import type { DeadlineStore } from '../store.js';
import { NUMBER } from './engine.js';
import { SEARCH_JOB_FIELDS, SEARCH_STEP_FIELDS, SEARCH_TASK_FIELDS, SEARCH_WORKER_FIELDS } from './fields.js';
import type { SearchInput, SearchOperation, SearchSummary, SearchValue } from './operation.js';

/** The members of `record` that `members` names and that it has. */
function pick(record: object, members: readonly string[]): SearchSummary {
  const out: SearchSummary = {};
  for (const member of members) {
    const value = (record as Record<string, unknown>)[member];
    if (value !== undefined) out[member] = value;
  }
  return out;
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The text of a JobParameter or TaskParameterValue union (every member is a string on the wire). */
const unionText = (value: JobParameterValue | TaskParameterValue): string => Object.values(value)[0] ?? '';

function parametersOf<T>(summary: SearchSummary, member: string): Readonly<Record<string, T>> | undefined {
  return summary[member] as Readonly<Record<string, T>> | undefined;
}

// ---------------------------------------------------------------------------------------------------- jobs

/** JobSearchSummary: the job's summary members, its queue, and its parameters as `jobParameters`. */
function jobSearchSummary(queueId: string, job: JobRecord): SearchSummary {
  const summary: SearchSummary = { jobId: job.jobId, queueId };
  Object.assign(
    summary,
    pick(job, [
      'name',
      'lifecycleStatus',
      'lifecycleStatusMessage',
      'taskRunStatus',
      'targetTaskRunStatus',
      'taskRunStatusCounts',
      'taskFailureRetryCount',
      'priority',
      'maxFailedTasksCount',
      'maxRetriesPerTask',
      'createdBy',
      'createdAt',
      'endedAt',
      'startedAt',
      'updatedAt',
      'updatedBy',
    ]),
  );
  if (job.parameters !== undefined) summary.jobParameters = job.parameters;
  if (job.maxWorkerCount !== undefined) summary.maxWorkerCount = job.maxWorkerCount;
  return summary;
}

interface QueuedJob {
  queueId: string;
  job: JobRecord;
}

/** The farm's jobs in the request's queues (unknown farm, then queues in request order: not found). */
function jobsInQueues(store: DeadlineStore, input: SearchInput): QueuedJob[] {
  store.farm(input.farmId);
  return input.scopeIds.flatMap((queueId) =>
    store.listJobs(input.farmId, queueId, {}).map((job) => ({ queueId, job })),
  );
}

/**
 * The jobs whose steps and tasks SearchSteps and SearchTasks search, by createdAt then jobId. With `jobId`, only
 * that job; a jobId in none of the queues gives no results (UNVERIFIED: AWS may answer
 * ResourceNotFoundException instead).
 */
function jobsForWork(store: DeadlineStore, input: SearchInput): QueuedJob[] {
  const { jobId } = input;
  const jobs = jobsInQueues(store, input).filter((item) => jobId === undefined || item.job.jobId === jobId);
  return jobs.sort(
    (a, b) => Date.parse(a.job.createdAt) - Date.parse(b.job.createdAt) || byId(a.job.jobId, b.job.jobId),
  );
}

export const SEARCH_JOBS: SearchOperation = {
  name: 'SearchJobs',
  noun: 'job',
  resultsMember: 'jobs',
  scope: { member: 'queueIds', id: 'queueId' },
  takesJobId: false,
  fields: SEARCH_JOB_FIELDS,
  takesUserJobsFirst: true,
  // A job parameter's text compares as a number when it reads as one (whatever its type).
  parameter(summary, name) {
    const value = parametersOf<JobParameterValue>(summary, 'jobParameters')?.[name];
    if (value === undefined) return undefined;
    const text = unionText(value);
    return NUMBER.test(text) ? Number(text) : text;
  },
  searchText: (summary) => [String(summary.name ?? '')],
  defaultSorts: [{ field: 'CREATED_AT', descending: false }],
  // Ties: jobId ascending.
  candidates: (store, input) =>
    jobsInQueues(store, input)
      .sort((a, b) => byId(a.job.jobId, b.job.jobId))
      .map(({ queueId, job }) => jobSearchSummary(queueId, job)),
};

// ---------------------------------------------------------------------------------------------------- steps

const STEP_SEARCH_MEMBERS = [
  'name',
  'lifecycleStatus',
  'lifecycleStatusMessage',
  'taskRunStatus',
  'targetTaskRunStatus',
  'taskRunStatusCounts',
  'taskFailureRetryCount',
  'createdAt',
  'createdBy',
  'startedAt',
  'endedAt',
  'updatedAt',
  'updatedBy',
  'parameterSpace',
] as const satisfies readonly (keyof StepRecord)[];

/** StepSearchSummary: the step's members (no dependencyCounts, which the shape lacks) with its queue and job. */
function stepSearchSummary(queueId: string, jobId: string, step: StepRecord): SearchSummary {
  return { stepId: step.stepId, jobId, queueId, ...pick(step, STEP_SEARCH_MEMBERS) };
}

export const SEARCH_STEPS: SearchOperation = {
  name: 'SearchSteps',
  noun: 'step',
  resultsMember: 'steps',
  scope: { member: 'queueIds', id: 'queueId' },
  takesJobId: true,
  fields: SEARCH_STEP_FIELDS,
  takesUserJobsFirst: false,
  searchText: (summary) => [String(summary.name ?? '')],
  defaultSorts: [{ field: 'CREATED_AT', descending: false }],
  // Ties: jobs by createdAt then jobId, each job's steps in ListSteps order.
  candidates: (store, input) =>
    jobsForWork(store, input).flatMap(({ queueId, job }) =>
      store
        .listSteps(input.farmId, queueId, job.jobId)
        .map((step) => stepSearchSummary(queueId, job.jobId, step)),
    ),
};

// ---------------------------------------------------------------------------------------------------- tasks

const TASK_SEARCH_MEMBERS = [
  'runStatus',
  'targetRunStatus',
  'parameters',
  'failureRetryCount',
  'startedAt',
  'endedAt',
  'updatedAt',
  'updatedBy',
  'latestSessionActionId',
] as const satisfies readonly (keyof TaskRecord)[];

/** TaskSearchSummary: the task's members (the shape has no createdAt or createdBy) with its queue, job and step. */
function taskSearchSummary(queueId: string, jobId: string, stepId: string, task: TaskRecord): SearchSummary {
  return { taskId: task.taskId, stepId, jobId, queueId, ...pick(task, TASK_SEARCH_MEMBERS) };
}

export const SEARCH_TASKS: SearchOperation = {
  name: 'SearchTasks',
  noun: 'task',
  resultsMember: 'tasks',
  scope: { member: 'queueIds', id: 'queueId' },
  takesJobId: true,
  fields: SEARCH_TASK_FIELDS,
  takesUserJobsFirst: false,
  // INT and FLOAT values compare as numbers; STRING, PATH and CHUNK_INT ones (a range such as `1001-1010`) as text.
  parameter(summary, name): SearchValue | undefined {
    const value = parametersOf<TaskParameterValue>(summary, 'parameters')?.[name];
    if (value === undefined) return undefined;
    const text = unionText(value);
    return ('int' in value || 'float' in value) && NUMBER.test(text) ? Number(text) : text;
  },
  // UNVERIFIED: a search term looks in the task's parameter values.
  searchText: (summary) =>
    Object.values(parametersOf<TaskParameterValue>(summary, 'parameters') ?? {}).map(unionText),
  // No sort: the candidate order below.
  defaultSorts: [],
  // Ties: jobs by createdAt then jobId, steps in ListSteps order, tasks in ListTasks order.
  candidates: (store, input) =>
    jobsForWork(store, input).flatMap(({ queueId, job }) =>
      store
        .listSteps(input.farmId, queueId, job.jobId)
        .flatMap((step) =>
          store
            .listTasks(input.farmId, queueId, job.jobId, step.stepId)
            .map((task) => taskSearchSummary(queueId, job.jobId, step.stepId, task)),
        ),
    ),
};

// ---------------------------------------------------------------------------------------------------- workers

const WORKER_SEARCH_MEMBERS = [
  'fleetId',
  'workerId',
  'status',
  'hostProperties',
  'createdBy',
  'createdAt',
  'updatedBy',
  'updatedAt',
] as const satisfies readonly (keyof WorkerRecord)[];

export const SEARCH_WORKERS: SearchOperation = {
  name: 'SearchWorkers',
  noun: 'worker',
  resultsMember: 'workers',
  scope: { member: 'fleetIds', id: 'fleetId' },
  takesJobId: false,
  fields: SEARCH_WORKER_FIELDS,
  takesUserJobsFirst: false,
  searchText: (summary) => {
    const hostName = (summary.hostProperties as WorkerRecord['hostProperties'])?.hostName;
    return hostName === undefined ? [] : [hostName];
  },
  defaultSorts: [{ field: 'CREATED_AT', descending: false }],
  // Ties: workerId ascending. Unknown farm, then fleets in request order: not found.
  candidates(store, input) {
    store.farm(input.farmId);
    return input.scopeIds
      .flatMap((fleetId) => store.listWorkers(input.farmId, fleetId))
      .sort((a, b) => byId(a.workerId, b.workerId))
      .map((worker) => pick(worker, WORKER_SEARCH_MEMBERS));
  },
};

/** Every Search* operation the emulator serves. */
export const SEARCH_OPERATIONS: readonly SearchOperation[] = [
  SEARCH_JOBS,
  SEARCH_STEPS,
  SEARCH_TASKS,
  SEARCH_WORKERS,
];
