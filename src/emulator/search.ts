/**
 * SearchJobs (POST /2023-10-12/farms/{farmId}/search/jobs): request validation against the model's shapes, the
 * filter evaluator, the sort, and offset paging.
 *
 * The model gives the request's shapes and limits but not the field names a filter or sort may use, nor which
 * filter types and operators each field takes. `SEARCH_JOB_FIELDS` is the emulator's table of them; each entry says
 * where its name comes from. Names seen in AWS's own client (aws-deadline/deadline-cloud: `deadline job list` sorts
 * on CREATED_AT, `_list_jobs_by_filter_expression` filters CREATED_AT with dateTimeFilter GREATER_THAN_EQUAL_TO, its
 * callers filter TASK_RUN_STATUS with stringFilter EQUAL/NOT_EQUAL) are marked so; every other name follows the
 * API's style (UPPER_SNAKE of the JobSearchSummary member) and is UNVERIFIED against AWS, as are the operators and
 * filter types each field takes beyond those uses.
 *
 * The evaluator stays internal: tests compute their expectations from the dataset themselves.
 */
import {
  type JobLifecycleStatus,
  type JobParameterValue,
  type JobRecord,
  type JobTargetTaskRunStatus,
  TASK_RUN_STATUSES,
} from './dataset.js';
import { cannotParse, isJsonObject, RequestFields } from './requestValidation.js';
import type { DeadlineStore } from './store.js';

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
const ORDERING_OPERATORS: readonly ComparisonOperator[] = COMPARISON_OPERATORS.slice(0, 6);
const EQUALITY_OPERATORS: readonly ComparisonOperator[] = ['EQUAL', 'NOT_EQUAL'];
const LIST_OPERATORS: readonly ComparisonOperator[] = ['ANY_EQUALS', 'ALL_NOT_EQUALS'];

export type FieldFilterType = 'stringFilter' | 'stringListFilter' | 'dateTimeFilter';

export interface SearchJobField {
  /** The JobSearchSummary member the field reads. */
  member: keyof JobRecord;
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
const JOB_TARGET_TASK_RUN_STATUSES: readonly JobTargetTaskRunStatus[] = [
  'READY',
  'FAILED',
  'SUCCEEDED',
  'CANCELED',
  'SUSPENDED',
  'PENDING',
];

const stringField = (
  member: keyof JobRecord,
  source: string,
  enumValues?: readonly string[],
): SearchJobField => ({
  member,
  kind: 'string',
  ...(enumValues ? { enumValues } : {}),
  // UNVERIFIED: equality on a single value, list membership on a list; no ordering of strings.
  filters: { stringFilter: EQUALITY_OPERATORS, stringListFilter: LIST_OPERATORS },
  sortable: true,
  source,
});
const dateTimeField = (member: keyof JobRecord, source: string): SearchJobField => ({
  member,
  kind: 'dateTime',
  filters: { dateTimeFilter: ORDERING_OPERATORS },
  sortable: true,
  source,
});

/**
 * The job fields SearchJobs filters and sorts on (see the file comment). `source` cites where a name was seen;
 * UNVERIFIED ones are the emulator's choice in the API's style.
 */
export const SEARCH_JOB_FIELDS: Readonly<Record<string, SearchJobField>> = {
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
  TARGET_TASK_RUN_STATUS: stringField('targetTaskRunStatus', 'UNVERIFIED', JOB_TARGET_TASK_RUN_STATUSES),
  LIFECYCLE_STATUS: stringField('lifecycleStatus', 'UNVERIFIED', JOB_LIFECYCLE_STATUSES),
  JOB_ID: stringField('jobId', 'UNVERIFIED'),
  NAME: stringField('name', 'UNVERIFIED'),
  CREATED_BY: stringField('createdBy', 'UNVERIFIED'),
  UPDATED_BY: stringField('updatedBy', 'UNVERIFIED'),
  // UNVERIFIED: no numeric filter type exists, so a priority filter is a stringFilter whose value is an integer,
  // compared numerically with any ordering operator.
  PRIORITY: {
    member: 'priority',
    kind: 'integer',
    filters: { stringFilter: ORDERING_OPERATORS },
    sortable: true,
    source: 'UNVERIFIED',
  },
};

/** totalResults and nextItemOffset are at most 10,000 (the model's TotalResults and NextItemOffset ranges). */
export const SEARCH_RESULT_CAP = 10_000;
/** pageSize when omitted: AWS's client notes "The pageSize defaults to its maximum, 100" (UNVERIFIED otherwise). */
export const SEARCH_DEFAULT_PAGE_SIZE = 100;
/**
 * "You can use two groupings per search each within parenthesis ()" (API_SearchJobs, filterExpressions): the
 * top-level expression may hold groupFilters, a groupFilter may not hold another (AWS's client wraps a caller's
 * expression in one groupFilter and says it "cannot include a groupFilter"). The emulator also allows at most two
 * groupFilters in one search, the strict reading of "two groupings" (that count is UNVERIFIED).
 */
export const SEARCH_MAX_GROUP_DEPTH = 2;
export const SEARCH_MAX_GROUP_FILTERS = 2;

// ---------------------------------------------------------------------------------------------------- parsed form

type Filter =
  | { type: 'group'; operator: 'AND' | 'OR'; filters: Filter[] }
  | { type: 'field'; field: SearchJobField; operator: ComparisonOperator; values: (string | number)[] }
  | { type: 'parameter'; name: string; operator: ComparisonOperator; value: string }
  | { type: 'searchTerm'; term: string; matchType: 'FUZZY_MATCH' | 'CONTAINS' };

type Sort =
  | { type: 'userJobsFirst'; userIdentityId: string }
  | { type: 'field'; field: SearchJobField; descending: boolean }
  | { type: 'parameter'; name: string; descending: boolean };

export interface SearchJobsInput {
  farmId: string;
  queueIds: string[];
  filter: Filter | undefined;
  sorts: Sort[];
  itemOffset: number;
  pageSize: number;
}

// ---------------------------------------------------------------------------------------------------- validation

const INT32_MAX = 2 ** 31 - 1;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function shown(value: string): string {
  return `'${value.length > 64 ? `${value.slice(0, 64)}…` : value}'`;
}

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

/** Reads the SearchJobs body the way the model's framework would, collecting every constraint failure. */
class SearchRequestReader {
  readonly fields = new RequestFields();
  private groupFilters = 0;

  private integer(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > INT32_MAX) {
      throw cannotParse(path, 'a 32-bit integer');
    }
    return value;
  }

  private range(value: number, path: string, min: number, max: number): void {
    if (value < min) {
      this.fields.fail(
        path,
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
      );
    } else if (value > max) {
      this.fields.fail(
        path,
        `Value '${value}' at '${path}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
      );
    }
  }

  private list(value: unknown, path: string, min: number, max: number): unknown[] {
    if (!Array.isArray(value)) throw cannotParse(path, 'a list');
    if (value.length < min || value.length > max) {
      this.fields.fail(
        path,
        `Value at '${path}' failed to satisfy constraint: Member must have length between ${min} and ${max}, got ${value.length}`,
      );
    }
    return value;
  }

  private structure(value: unknown, path: string): Record<string, unknown> {
    if (!isJsonObject(value)) throw cannotParse(path, 'a structure');
    return value;
  }

  /** A required string member; undefined when absent (recorded as a failure). */
  private string(parent: Record<string, unknown>, member: string, path: string): string | undefined {
    const value = parent[member];
    if (isAbsent(value)) {
      this.fields.missing(`${path}.${member}`);
      return undefined;
    }
    if (typeof value !== 'string') throw cannotParse(`${path}.${member}`, 'a string');
    return value;
  }

  private length(value: string, path: string, min: number, max: number): void {
    if (value.length < min || value.length > max) {
      this.fields.fail(
        path,
        `Value ${shown(value)} at '${path}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
      );
    }
  }

  private oneOf<T extends string>(
    value: string | undefined,
    path: string,
    allowed: readonly T[],
  ): T | undefined {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      this.fields.fail(
        path,
        `Value ${shown(value)} at '${path}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
      return undefined;
    }
    return value as T;
  }

  /** A union: exactly one of `members` set (JSON null counts as unset). */
  private union(value: unknown, path: string, members: readonly string[]): [string, unknown] | undefined {
    const struct = this.structure(value, path);
    const set = members.filter((member) => !isAbsent(struct[member]));
    if (set.length !== 1) {
      this.fields.fail(
        path,
        `Value at '${path}' failed to satisfy constraint: Member must set exactly one of [${members.join(', ')}], got ${set.length}`,
      );
      return undefined;
    }
    const member = set[0] ?? '';
    return [member, struct[member]];
  }

  queueIds(body: Readonly<Record<string, unknown>>): string[] {
    const value = body.queueIds;
    if (isAbsent(value)) {
      this.fields.missing('queueIds');
      return [];
    }
    const items = this.list(value, 'queueIds', 1, 10);
    const seen = new Set<string>();
    return items.flatMap((item, index) => {
      const path = `queueIds.${index + 1}.member`;
      if (isAbsent(item)) {
        this.fields.missing(path);
        return [];
      }
      if (typeof item !== 'string') throw cannotParse(path, 'a string');
      this.fields.id('queueId', item, path);
      // UNVERIFIED: the model is silent on repeats; rejected, as BatchGet* identifiers are.
      if (seen.has(item)) {
        this.fields.fail(
          path,
          `Value ${shown(item)} at '${path}' failed to satisfy constraint: Member must not repeat`,
        );
      }
      seen.add(item);
      return [item];
    });
  }

  itemOffset(body: Readonly<Record<string, unknown>>): number {
    if (isAbsent(body.itemOffset)) {
      this.fields.missing('itemOffset');
      return 0;
    }
    const value = this.integer(body.itemOffset, 'itemOffset');
    this.range(value, 'itemOffset', 0, SEARCH_RESULT_CAP);
    return value;
  }

  pageSize(body: Readonly<Record<string, unknown>>): number {
    if (isAbsent(body.pageSize)) return SEARCH_DEFAULT_PAGE_SIZE;
    const value = this.integer(body.pageSize, 'pageSize');
    this.range(value, 'pageSize', 1, 100);
    return value;
  }

  /** SearchGroupedFilterExpressions at `path`, `depth` 1 for the top level. */
  group(value: unknown, path: string, depth: number): Filter | undefined {
    const struct = this.structure(value, path);
    const operator = this.oneOf(this.string(struct, 'operator', path), `${path}.operator`, [
      'AND',
      'OR',
    ] as const);
    const filtersValue = struct.filters;
    if (isAbsent(filtersValue)) {
      this.fields.missing(`${path}.filters`);
      return undefined;
    }
    const items = this.list(filtersValue, `${path}.filters`, 1, 3);
    const filters = items.flatMap((item, index) => {
      const filter = this.filter(item, `${path}.filters.${index + 1}.member`, depth);
      return filter ? [filter] : [];
    });
    return operator && filters.length === items.length ? { type: 'group', operator, filters } : undefined;
  }

  private filter(value: unknown, path: string, depth: number): Filter | undefined {
    if (isAbsent(value)) {
      this.fields.missing(path);
      return undefined;
    }
    const chosen = this.union(value, path, [
      'dateTimeFilter',
      'parameterFilter',
      'searchTermFilter',
      'stringFilter',
      'stringListFilter',
      'groupFilter',
    ]);
    if (!chosen) return undefined;
    const [member, inner] = chosen;
    const at = `${path}.${member}`;
    switch (member) {
      case 'groupFilter': {
        this.groupFilters += 1;
        if (depth + 1 > SEARCH_MAX_GROUP_DEPTH) {
          this.fields.fail(
            at,
            `Value at '${at}' failed to satisfy constraint: a groupFilter cannot contain another groupFilter (two groupings per search)`,
          );
          return undefined;
        }
        if (this.groupFilters > SEARCH_MAX_GROUP_FILTERS) {
          this.fields.fail(
            at,
            `Value at '${at}' failed to satisfy constraint: a search can use at most ${SEARCH_MAX_GROUP_FILTERS} groupFilters (two groupings per search)`,
          );
          return undefined;
        }
        return this.group(inner, at, depth + 1);
      }
      case 'searchTermFilter': {
        const struct = this.structure(inner, at);
        const term = this.string(struct, 'searchTerm', at);
        if (term !== undefined) this.length(term, `${at}.searchTerm`, 1, 256);
        const rawMatch = struct.matchType;
        let matchType: 'FUZZY_MATCH' | 'CONTAINS' | undefined = 'FUZZY_MATCH';
        if (!isAbsent(rawMatch)) {
          if (typeof rawMatch !== 'string') throw cannotParse(`${at}.matchType`, 'a string');
          matchType = this.oneOf(rawMatch, `${at}.matchType`, ['FUZZY_MATCH', 'CONTAINS'] as const);
        }
        return term !== undefined && matchType ? { type: 'searchTerm', term, matchType } : undefined;
      }
      case 'parameterFilter': {
        const struct = this.structure(inner, at);
        const name = this.string(struct, 'name', at);
        const operator = this.operator(struct, at);
        const parameterValue = this.string(struct, 'value', at);
        if (parameterValue !== undefined) this.length(parameterValue, `${at}.value`, 1, 256);
        // UNVERIFIED: a parameter name is a JobParameters key (1–1024 characters), matched exactly.
        if (name !== undefined) this.length(name, `${at}.name`, 1, 1024);
        if (operator && LIST_OPERATORS.includes(operator)) {
          this.fields.fail(
            `${at}.operator`,
            `Value '${operator}' at '${at}.operator' failed to satisfy constraint: parameterFilter supports only [${ORDERING_OPERATORS.join(', ')}]`,
          );
          return undefined;
        }
        return name !== undefined && operator && parameterValue !== undefined
          ? { type: 'parameter', name, operator, value: parameterValue }
          : undefined;
      }
      default:
        return this.fieldFilter(member as FieldFilterType, inner, at);
    }
  }

  private operator(struct: Record<string, unknown>, path: string): ComparisonOperator | undefined {
    return this.oneOf(this.string(struct, 'operator', path), `${path}.operator`, COMPARISON_OPERATORS);
  }

  /** stringFilter, stringListFilter, dateTimeFilter: a named field, checked against SEARCH_JOB_FIELDS. */
  private fieldFilter(type: FieldFilterType, value: unknown, path: string): Filter | undefined {
    const struct = this.structure(value, path);
    const name = this.string(struct, 'name', path);
    const operator = this.operator(struct, path);
    let raw: string[] | undefined;
    if (type === 'stringListFilter') {
      const values = struct.values;
      if (isAbsent(values)) this.fields.missing(`${path}.values`);
      else {
        raw = this.list(values, `${path}.values`, 1, 16).map((item, index) => {
          const itemPath = `${path}.values.${index + 1}.member`;
          if (typeof item !== 'string') throw cannotParse(itemPath, 'a string');
          this.length(item, itemPath, 1, 256);
          return item;
        });
      }
    } else if (type === 'dateTimeFilter') {
      const dateTime = struct.dateTime;
      if (isAbsent(dateTime)) this.fields.missing(`${path}.dateTime`);
      else if (
        typeof dateTime !== 'string' ||
        !RFC3339.test(dateTime) ||
        Number.isNaN(Date.parse(dateTime))
      ) {
        throw cannotParse(`${path}.dateTime`, 'an ISO-8601 date-time string');
      } else raw = [dateTime];
    } else {
      const stringValue = this.string(struct, 'value', path);
      if (stringValue !== undefined) {
        this.length(stringValue, `${path}.value`, 1, 256);
        raw = [stringValue];
      }
    }
    if (name === undefined) return undefined;
    const field = Object.hasOwn(SEARCH_JOB_FIELDS, name) ? SEARCH_JOB_FIELDS[name] : undefined;
    if (!field) {
      this.fields.fail(
        `${path}.name`,
        `Value ${shown(name)} at '${path}.name' failed to satisfy constraint: Member must name a job field: [${Object.keys(SEARCH_JOB_FIELDS).join(', ')}]`,
      );
      return undefined;
    }
    const operators = field.filters[type];
    if (!operators) {
      const fit = Object.keys(field.filters).join(', ');
      this.fields.fail(
        `${path}.name`,
        `Value ${shown(name)} at '${path}.name' failed to satisfy constraint: ${type} cannot filter on ${name}; it takes [${fit}]`,
      );
      return undefined;
    }
    if (operator === undefined || raw === undefined) return undefined;
    if (!operators.includes(operator)) {
      this.fields.fail(
        `${path}.operator`,
        `Value '${operator}' at '${path}.operator' failed to satisfy constraint: ${type} on ${name} supports only [${operators.join(', ')}]`,
      );
      return undefined;
    }
    const values = this.fieldValues(
      field,
      name,
      raw,
      type === 'stringListFilter' ? `${path}.values` : `${path}.value`,
    );
    return values ? { type: 'field', field, operator, values } : undefined;
  }

  private fieldValues(
    field: SearchJobField,
    name: string,
    raw: string[],
    path: string,
  ): (string | number)[] | undefined {
    if (field.kind === 'dateTime') return raw.map((value) => Date.parse(value));
    if (field.kind === 'integer') {
      const bad = raw.find((value) => !/^-?(0|[1-9][0-9]{0,9})$/.test(value));
      if (bad !== undefined) {
        this.fields.fail(
          path,
          `Value ${shown(bad)} at '${path}' failed to satisfy constraint: ${name} values must be integers`,
        );
        return undefined;
      }
      return raw.map(Number);
    }
    const allowed = field.enumValues;
    const bad = allowed && raw.find((value) => !allowed.includes(value));
    if (bad !== undefined && allowed) {
      this.fields.fail(
        path,
        `Value ${shown(bad)} at '${path}' failed to satisfy constraint: ${name} values must be in [${allowed.join(', ')}]`,
      );
      return undefined;
    }
    return raw;
  }

  sorts(body: Readonly<Record<string, unknown>>): Sort[] {
    if (isAbsent(body.sortExpressions)) return [];
    const items = this.list(body.sortExpressions, 'sortExpressions', 1, 5);
    return items.flatMap((item, index): Sort[] => {
      const path = `sortExpressions.${index + 1}.member`;
      if (isAbsent(item)) {
        this.fields.missing(path);
        return [];
      }
      const chosen = this.union(item, path, ['userJobsFirst', 'fieldSort', 'parameterSort']);
      if (!chosen) return [];
      const [member, inner] = chosen;
      const at = `${path}.${member}`;
      const struct = this.structure(inner, at);
      if (member === 'userJobsFirst') {
        const userIdentityId = this.string(struct, 'userIdentityId', at);
        return userIdentityId === undefined ? [] : [{ type: 'userJobsFirst', userIdentityId }];
      }
      const order = this.oneOf(this.string(struct, 'sortOrder', at), `${at}.sortOrder`, [
        'ASCENDING',
        'DESCENDING',
      ] as const);
      const name = this.string(struct, 'name', at);
      if (name === undefined || order === undefined) return [];
      const descending = order === 'DESCENDING';
      if (member === 'parameterSort') {
        this.length(name, `${at}.name`, 1, 1024);
        return [{ type: 'parameter', name, descending }];
      }
      const field = Object.hasOwn(SEARCH_JOB_FIELDS, name) ? SEARCH_JOB_FIELDS[name] : undefined;
      if (!field?.sortable) {
        const sortable = Object.entries(SEARCH_JOB_FIELDS).filter(([, candidate]) => candidate.sortable);
        this.fields.fail(
          `${at}.name`,
          `Value ${shown(name)} at '${at}.name' failed to satisfy constraint: Member must name a sortable job field: [${sortable.map(([fieldName]) => fieldName).join(', ')}]`,
        );
        return [];
      }
      return [{ type: 'field', field, descending }];
    });
  }
}

/** Validates a SearchJobs request (path label and body); throws the ValidationException AWS would. */
export function readSearchJobsRequest(
  farmIdLabel: string,
  body: Readonly<Record<string, unknown>> | undefined,
): SearchJobsInput {
  const reader = new SearchRequestReader();
  const farmId = reader.fields.id('farmId', farmIdLabel);
  const input = body ?? {};
  const queueIds = reader.queueIds(input);
  const filter = isAbsent(input.filterExpressions)
    ? undefined
    : reader.group(input.filterExpressions, 'filterExpressions', 1);
  const sorts = reader.sorts(input);
  const itemOffset = reader.itemOffset(input);
  const pageSize = reader.pageSize(input);
  reader.fields.assertValid();
  return { farmId, queueIds, filter, sorts, itemOffset, pageSize };
}

// ---------------------------------------------------------------------------------------------------- evaluation

interface Candidate {
  queueId: string;
  job: JobRecord;
}

/** A job parameter's value as text (every JobParameter member is a string on the wire). */
function parameterText(value: JobParameterValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Object.values(value)[0];
}

const NUMBER = /^[-]?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Numbers numerically when both are numbers, otherwise strings by code unit. */
function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
  if (NUMBER.test(left) && NUMBER.test(right)) return Number(left) - Number(right);
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareWith(operator: ComparisonOperator, order: number): boolean {
  switch (operator) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER_THAN_EQUAL_TO':
      return order >= 0;
    case 'GREATER_THAN':
      return order > 0;
    case 'LESS_THAN_EQUAL_TO':
      return order <= 0;
    case 'LESS_THAN':
      return order < 0;
    default:
      return false;
  }
}

function fieldValue(job: JobRecord, field: SearchJobField): string | number | undefined {
  const value = job[field.member];
  if (value === undefined) return undefined;
  if (field.kind === 'dateTime') return Date.parse(String(value));
  return value as string | number;
}

/** Lower-cased words of a search term: split at whitespace, '_', '-', '.', '/'. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s_\-./]+/)
    .filter((word) => word !== '');
}

function matches(filter: Filter, job: JobRecord): boolean {
  switch (filter.type) {
    case 'group':
      return filter.operator === 'AND'
        ? filter.filters.every((inner) => matches(inner, job))
        : filter.filters.some((inner) => matches(inner, job));
    case 'searchTerm': {
      const name = job.name.toLowerCase();
      if (filter.matchType === 'CONTAINS') return name.includes(filter.term.toLowerCase());
      return words(filter.term).some((word) => name.includes(word));
    }
    case 'parameter': {
      const actual = parameterText(job.parameters?.[filter.name]);
      // A job without the parameter matches no comparison, NOT_EQUAL included.
      return actual !== undefined && compareWith(filter.operator, compareValues(actual, filter.value));
    }
    case 'field': {
      const actual = fieldValue(job, filter.field);
      // A job without the member (no startedAt yet, …) matches no comparison, NOT_EQUAL and ALL_NOT_EQUALS too.
      if (actual === undefined) return false;
      if (filter.operator === 'ANY_EQUALS') return filter.values.some((value) => value === actual);
      if (filter.operator === 'ALL_NOT_EQUALS') return filter.values.every((value) => value !== actual);
      const [value] = filter.values;
      return value !== undefined && compareWith(filter.operator, compareValues(actual, value));
    }
  }
}

/** Absent values sort last in either direction. */
function compareOptional(
  a: string | number | undefined,
  b: string | number | undefined,
  descending: boolean,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const order = compareValues(a, b);
  return descending ? -order : order;
}

function comparator(sorts: readonly Sort[]): (a: Candidate, b: Candidate) => number {
  const effective: readonly Sort[] =
    sorts.length > 0
      ? sorts
      : [{ type: 'field', field: SEARCH_JOB_FIELDS.CREATED_AT as SearchJobField, descending: false }];
  return (a, b) => {
    for (const sort of effective) {
      let order = 0;
      if (sort.type === 'userJobsFirst') {
        order =
          Number(b.job.createdBy === sort.userIdentityId) - Number(a.job.createdBy === sort.userIdentityId);
      } else if (sort.type === 'field') {
        order = compareOptional(
          fieldValue(a.job, sort.field),
          fieldValue(b.job, sort.field),
          sort.descending,
        );
      } else {
        order = compareOptional(
          parameterText(a.job.parameters?.[sort.name]),
          parameterText(b.job.parameters?.[sort.name]),
          sort.descending,
        );
      }
      if (order !== 0) return order;
    }
    // Ties: jobId ascending, so the order is total and pages never overlap.
    return a.job.jobId < b.job.jobId ? -1 : a.job.jobId > b.job.jobId ? 1 : 0;
  };
}

/** JobSearchSummary: the job's summary members, its queue, and its parameters as `jobParameters`. */
function jobSearchSummary({ queueId, job }: Candidate): Record<string, unknown> {
  const summary: Record<string, unknown> = { jobId: job.jobId, queueId };
  const members = [
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
  ] as const;
  for (const member of members) if (job[member] !== undefined) summary[member] = job[member];
  if (job.parameters !== undefined) summary.jobParameters = job.parameters;
  if (job.maxWorkerCount !== undefined) summary.maxWorkerCount = job.maxWorkerCount;
  return summary;
}

/**
 * Runs a validated search: unknown farm or queue → ResourceNotFoundException (farm first, then queues in request
 * order); the matches of every queue, sorted, then the page at itemOffset. totalResults counts the matches, at most
 * 10,000; an itemOffset at or past it gives an empty page; nextItemOffset is the next page's offset while matches
 * remain (and it stays within 10,000), absent otherwise.
 */
export function searchJobs(store: DeadlineStore, input: SearchJobsInput): Record<string, unknown> {
  store.farm(input.farmId);
  const candidates: Candidate[] = [];
  for (const queueId of input.queueIds) {
    for (const job of store.listJobs(input.farmId, queueId, {})) candidates.push({ queueId, job });
  }
  const { filter } = input;
  const found = filter === undefined ? candidates : candidates.filter(({ job }) => matches(filter, job));
  found.sort(comparator(input.sorts));
  const totalResults = Math.min(found.length, SEARCH_RESULT_CAP);
  const page = found.slice(input.itemOffset, Math.min(input.itemOffset + input.pageSize, totalResults));
  const next = input.itemOffset + page.length;
  const response: Record<string, unknown> = { jobs: page.map(jobSearchSummary), totalResults };
  if (page.length > 0 && next < totalResults) response.nextItemOffset = next;
  return response;
}
