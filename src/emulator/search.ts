/**
 * The Search* operations (SearchJobs, SearchSteps, SearchTasks, SearchWorkers): one piece of code reads their
 * requests, evaluates filters, sorts and pages (search/request.ts, search/engine.ts), driven by a descriptor per
 * operation (search/operations.ts) with its field table (search/fields.ts, which marks what is UNVERIFIED).
 *
 * The matching rules (search/engine.ts's header says them in full): a condition on a member the result lacks never
 * matches, NOT_EQUAL included, and such results sort last; strings compare by code unit, integers and date-times
 * numerically; ties go by each operation's candidate order (SearchJobs: job ID).
 */
export { runSearch } from './search/engine.js';
export type { ComparisonOperator, FieldFilterType, SearchField, SearchJobField } from './search/fields.js';
export {
  COMPARISON_OPERATORS,
  SEARCH_DEFAULT_PAGE_SIZE,
  SEARCH_JOB_FIELDS,
  SEARCH_MAX_GROUP_DEPTH,
  SEARCH_MAX_GROUP_FILTERS,
  SEARCH_RESULT_CAP,
  SEARCH_STEP_FIELDS,
  SEARCH_TASK_FIELDS,
  SEARCH_WORKER_FIELDS,
} from './search/fields.js';
export type { SearchInput, SearchOperation } from './search/operation.js';
export {
  SEARCH_JOBS,
  SEARCH_OPERATIONS,
  SEARCH_STEPS,
  SEARCH_TASKS,
  SEARCH_WORKERS,
} from './search/operations.js';
export { readSearchRequest } from './search/request.js';
