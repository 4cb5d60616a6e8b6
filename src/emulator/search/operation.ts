/**
 * What one Search* operation is to the shared search code (request.ts reads the request, engine.ts filters, sorts
 * and pages): its field table, its scope member, where its candidates come from and what they look like.
 */
import type { DeadlineStore } from '../store.js';
import type { ComparisonOperator, SearchField, SearchFieldTable } from './fields.js';

/** One result as it goes on the wire: a *SearchSummary (members absent when the record lacks them). */
export type SearchSummary = Record<string, unknown>;

/** A value a filter or sort compares: numbers numerically, strings by code unit. */
export type SearchValue = string | number;

export type Filter =
  | { type: 'group'; operator: 'AND' | 'OR'; filters: Filter[] }
  | { type: 'field'; field: SearchField; operator: ComparisonOperator; values: SearchValue[] }
  | { type: 'parameter'; name: string; operator: ComparisonOperator; value: string }
  | { type: 'searchTerm'; term: string; matchType: 'FUZZY_MATCH' | 'CONTAINS' };

export type Sort =
  | { type: 'userJobsFirst'; userIdentityId: string }
  | { type: 'field'; field: SearchField; descending: boolean }
  | { type: 'parameter'; name: string; descending: boolean };

/** A validated Search* request. */
export interface SearchInput {
  farmId: string;
  /** queueIds (SearchJobs, SearchSteps, SearchTasks) or fleetIds (SearchWorkers), in request order. */
  scopeIds: string[];
  /** SearchSteps and SearchTasks only. */
  jobId?: string;
  filter: Filter | undefined;
  sorts: Sort[];
  itemOffset: number;
  pageSize: number;
}

export interface SearchOperation {
  /** The operation's name, as in messages. */
  name: 'SearchJobs' | 'SearchSteps' | 'SearchTasks' | 'SearchWorkers';
  /** What a field names, in messages ("Member must name a job field"). */
  noun: string;
  /** The response member holding the page of summaries. */
  resultsMember: 'jobs' | 'steps' | 'tasks' | 'workers';
  /** The required list of parent IDs: its request member and the ID pattern of its items. */
  scope: { member: 'queueIds' | 'fleetIds'; id: 'queueId' | 'fleetId' };
  /** Whether the request has the optional `jobId` member. */
  takesJobId: boolean;
  fields: SearchFieldTable;
  /** Whether a userJobsFirst sort is accepted (a job notion: SearchJobs only, UNVERIFIED for the others). */
  takesUserJobsFirst: boolean;
  /**
   * The summary's parameter `name` as a comparable value; absent when the operation has no parameters, and then
   * parameterFilter and parameterSort are ValidationExceptions.
   */
  parameter?: (summary: SearchSummary, name: string) => SearchValue | undefined;
  /** The texts a searchTermFilter looks in. */
  searchText(summary: SearchSummary): readonly string[];
  /** The sort when the request has none (ties then go by candidate order). */
  defaultSorts: readonly { field: string; descending: boolean }[];
  /**
   * The summaries in scope, in the order that breaks every tie; unknown parents are ResourceNotFoundExceptions
   * (farm first, then the scope's IDs in request order).
   */
  candidates(store: DeadlineStore, input: SearchInput): SearchSummary[];
}
