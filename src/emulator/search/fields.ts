/**
 * The field-name tables of the Search* operations: which names a filter or sort may use, the filter types and
 * operators each takes, and where each name comes from.
 *
 * The model gives the requests' shapes and limits but not these names. Names seen in AWS's own client
 * (aws-deadline/deadline-cloud: `deadline job list` sorts jobs on CREATED_AT, `_list_jobs_by_filter_expression`
 * filters CREATED_AT with dateTimeFilter GREATER_THAN_EQUAL_TO, its callers filter TASK_RUN_STATUS with stringFilter
 * EQUAL/NOT_EQUAL) are marked so; every other name follows the API's style (UPPER_SNAKE of the *SearchSummary
 * member) and is UNVERIFIED against AWS, as are the operators and filter types each field takes beyond those uses.
 * Only SearchJobs' uses are seen in AWS's client: every step, task and worker name is UNVERIFIED.
 */
import {
  type JobLifecycleStatus,
  type JobRecord,
  type JobTargetTaskRunStatus,
  type StepLifecycleStatus,
  TASK_RUN_STATUSES,
  type WorkerStatus,
} from '../dataset.js';

export type ComparisonOperator =
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'GREATER_THAN_EQUAL_TO'
  | 'GREATER_THAN'
  | 'LESS_THAN_EQUAL_TO'
  | 'LESS_THAN'
  | 'ANY_EQUALS'
  | 'ALL_NOT_EQUALS';

/** The model's ComparisonOperator enum. */
export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = [
  'EQUAL',
  'NOT_EQUAL',
  'GREATER_THAN_EQUAL_TO',
  'GREATER_THAN',
  'LESS_THAN_EQUAL_TO',
  'LESS_THAN',
  'ANY_EQUALS',
  'ALL_NOT_EQUALS',
];
export const ORDERING_OPERATORS: readonly ComparisonOperator[] = COMPARISON_OPERATORS.slice(0, 6);
const EQUALITY_OPERATORS: readonly ComparisonOperator[] = ['EQUAL', 'NOT_EQUAL'];
export const LIST_OPERATORS: readonly ComparisonOperator[] = ['ANY_EQUALS', 'ALL_NOT_EQUALS'];

export type FieldFilterType = 'stringFilter' | 'stringListFilter' | 'dateTimeFilter';

/** One searchable field of a Search* operation. */
export interface SearchField {
  /**
   * The *SearchSummary member the field reads; a dotted path for a nested one (`hostProperties.hostName`).
   */
  member: string;
  /** How values compare: strings by code unit, integers numerically, date-times by instant. */
  kind: 'string' | 'integer' | 'dateTime';
  /** For enum-valued members: the values a filter may name (anything else is a ValidationException). */
  enumValues?: readonly string[];
  /** The filter types that may name the field, each with the operators it may use on it. */
  filters: Partial<Record<FieldFilterType, readonly ComparisonOperator[]>>;
  /** Whether a fieldSort may name it. */
  sortable: boolean;
  /** Where the name comes from: a citation, or 'UNVERIFIED' (the API's style, not confirmed against AWS). */
  source: string;
}

/** A SearchJobs field: it reads a member of the job (JobSearchSummary's are the GetJob record's). */
export interface SearchJobField extends SearchField {
  member: keyof JobRecord;
}

export type SearchFieldTable<F extends SearchField = SearchField> = Readonly<Record<string, F>>;

const SEEN_IN_AWS_CLIENT = 'AWS client aws-deadline/deadline-cloud';
const JOB_LIFECYCLE_STATUSES: readonly JobLifecycleStatus[] = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'UPLOAD_IN_PROGRESS',
  'UPLOAD_FAILED',
  'UPDATE_IN_PROGRESS',
  'UPDATE_FAILED',
  'UPDATE_SUCCEEDED',
  'ARCHIVED',
];
/** JobTargetTaskRunStatus, StepTargetTaskRunStatus and TaskTargetRunStatus have the same values. */
const TARGET_TASK_RUN_STATUSES: readonly JobTargetTaskRunStatus[] = [
  'READY',
  'FAILED',
  'SUCCEEDED',
  'CANCELED',
  'SUSPENDED',
  'PENDING',
];
const STEP_LIFECYCLE_STATUSES: readonly StepLifecycleStatus[] = [
  'CREATE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_FAILED',
  'UPDATE_SUCCEEDED',
];
const WORKER_STATUSES: readonly WorkerStatus[] = [
  'CREATED',
  'STARTED',
  'STOPPING',
  'STOPPED',
  'NOT_RESPONDING',
  'NOT_COMPATIBLE',
  'RUNNING',
  'IDLE',
];

function stringField<M extends string>(
  member: M,
  source: string,
  enumValues?: readonly string[],
): SearchField & { member: M } {
  return {
    member,
    kind: 'string',
    ...(enumValues ? { enumValues } : {}),
    // UNVERIFIED: equality on a single value, list membership on a list; no ordering of strings.
    filters: { stringFilter: EQUALITY_OPERATORS, stringListFilter: LIST_OPERATORS },
    sortable: true,
    source,
  };
}
function dateTimeField<M extends string>(member: M, source: string): SearchField & { member: M } {
  return {
    member,
    kind: 'dateTime',
    filters: { dateTimeFilter: ORDERING_OPERATORS },
    sortable: true,
    source,
  };
}
/**
 * UNVERIFIED: no numeric filter type exists, so an integer filter is a stringFilter whose value is an integer,
 * compared numerically with any ordering operator.
 */
function integerField<M extends string>(member: M, source: string): SearchField & { member: M } {
  return { member, kind: 'integer', filters: { stringFilter: ORDERING_OPERATORS }, sortable: true, source };
}

/**
 * The job fields SearchJobs filters and sorts on (see the file comment). `source` cites where a name was seen;
 * UNVERIFIED ones are the emulator's choice in the API's style.
 */
export const SEARCH_JOB_FIELDS: SearchFieldTable<SearchJobField> = {
  // Seen in AWS's client: fieldSort CREATED_AT (`deadline job list`) and dateTimeFilter CREATED_AT
  // GREATER_THAN_EQUAL_TO (`_list_jobs_by_filter_expression`).
  CREATED_AT: dateTimeField('createdAt', SEEN_IN_AWS_CLIENT),
  // UNVERIFIED: the other timestamps, by analogy with CREATED_AT (ENDED_AT is reported seen in AWS's client by
  // the project's API notes, not confirmed here).
  STARTED_AT: dateTimeField('startedAt', 'UNVERIFIED'),
  ENDED_AT: dateTimeField('endedAt', 'UNVERIFIED'),
  UPDATED_AT: dateTimeField('updatedAt', 'UNVERIFIED'),
  // Seen in AWS's client: stringFilter TASK_RUN_STATUS EQUAL / NOT_EQUAL. The stringListFilter operators are
  // UNVERIFIED.
  TASK_RUN_STATUS: stringField('taskRunStatus', SEEN_IN_AWS_CLIENT, TASK_RUN_STATUSES),
  // UNVERIFIED: every name below.
  TARGET_TASK_RUN_STATUS: stringField('targetTaskRunStatus', 'UNVERIFIED', TARGET_TASK_RUN_STATUSES),
  LIFECYCLE_STATUS: stringField('lifecycleStatus', 'UNVERIFIED', JOB_LIFECYCLE_STATUSES),
  JOB_ID: stringField('jobId', 'UNVERIFIED'),
  NAME: stringField('name', 'UNVERIFIED'),
  CREATED_BY: stringField('createdBy', 'UNVERIFIED'),
  UPDATED_BY: stringField('updatedBy', 'UNVERIFIED'),
  PRIORITY: integerField('priority', 'UNVERIFIED'),
};

/** The step fields SearchSteps filters and sorts on (StepSearchSummary members). Every name is UNVERIFIED. */
export const SEARCH_STEP_FIELDS: SearchFieldTable = {
  STEP_ID: stringField('stepId', 'UNVERIFIED'),
  JOB_ID: stringField('jobId', 'UNVERIFIED'),
  NAME: stringField('name', 'UNVERIFIED'),
  LIFECYCLE_STATUS: stringField('lifecycleStatus', 'UNVERIFIED', STEP_LIFECYCLE_STATUSES),
  TASK_RUN_STATUS: stringField('taskRunStatus', 'UNVERIFIED', TASK_RUN_STATUSES),
  TARGET_TASK_RUN_STATUS: stringField('targetTaskRunStatus', 'UNVERIFIED', TARGET_TASK_RUN_STATUSES),
  CREATED_BY: stringField('createdBy', 'UNVERIFIED'),
  UPDATED_BY: stringField('updatedBy', 'UNVERIFIED'),
  CREATED_AT: dateTimeField('createdAt', 'UNVERIFIED'),
  STARTED_AT: dateTimeField('startedAt', 'UNVERIFIED'),
  ENDED_AT: dateTimeField('endedAt', 'UNVERIFIED'),
  UPDATED_AT: dateTimeField('updatedAt', 'UNVERIFIED'),
};

/**
 * The task fields SearchTasks filters and sorts on (TaskSearchSummary members, which have no createdAt or
 * createdBy). Every name is UNVERIFIED.
 */
export const SEARCH_TASK_FIELDS: SearchFieldTable = {
  TASK_ID: stringField('taskId', 'UNVERIFIED'),
  STEP_ID: stringField('stepId', 'UNVERIFIED'),
  JOB_ID: stringField('jobId', 'UNVERIFIED'),
  RUN_STATUS: stringField('runStatus', 'UNVERIFIED', TASK_RUN_STATUSES),
  TARGET_RUN_STATUS: stringField('targetRunStatus', 'UNVERIFIED', TARGET_TASK_RUN_STATUSES),
  FAILURE_RETRY_COUNT: integerField('failureRetryCount', 'UNVERIFIED'),
  STARTED_AT: dateTimeField('startedAt', 'UNVERIFIED'),
  ENDED_AT: dateTimeField('endedAt', 'UNVERIFIED'),
  UPDATED_AT: dateTimeField('updatedAt', 'UNVERIFIED'),
  UPDATED_BY: stringField('updatedBy', 'UNVERIFIED'),
};

/** The worker fields SearchWorkers filters and sorts on (WorkerSearchSummary members). Every name is UNVERIFIED. */
export const SEARCH_WORKER_FIELDS: SearchFieldTable = {
  WORKER_ID: stringField('workerId', 'UNVERIFIED'),
  FLEET_ID: stringField('fleetId', 'UNVERIFIED'),
  STATUS: stringField('status', 'UNVERIFIED', WORKER_STATUSES),
  HOST_NAME: stringField('hostProperties.hostName', 'UNVERIFIED'),
  CREATED_BY: stringField('createdBy', 'UNVERIFIED'),
  UPDATED_BY: stringField('updatedBy', 'UNVERIFIED'),
  CREATED_AT: dateTimeField('createdAt', 'UNVERIFIED'),
  UPDATED_AT: dateTimeField('updatedAt', 'UNVERIFIED'),
};

/** totalResults and nextItemOffset are at most 10,000 (the model's TotalResults and NextItemOffset ranges). */
export const SEARCH_RESULT_CAP = 10_000;
/** pageSize when omitted: AWS's client notes "The pageSize defaults to its maximum, 100" (UNVERIFIED otherwise). */
export const SEARCH_DEFAULT_PAGE_SIZE = 100;
/**
 * "You can use two groupings per search each within parenthesis ()" (API_SearchJobs, filterExpressions): the
 * top-level expression may hold groupFilters, a groupFilter may not hold another (AWS's client wraps a caller's
 * expression in one groupFilter and says it "cannot include a groupFilter"). The emulator also allows at most two
 * groupFilters in one search, the strict reading of "two groupings" (that count is UNVERIFIED). The same limits
 * hold for every Search* operation (they share the request shapes; UNVERIFIED beyond SearchJobs' documentation).
 */
export const SEARCH_MAX_GROUP_DEPTH = 2;
export const SEARCH_MAX_GROUP_FILTERS = 2;
