/**
 * Running a validated Search* request, the same for every operation: the filter evaluator, the sort and offset
 * paging over the operation's candidates.
 *
 * - A candidate without the member a condition reads (no startedAt yet, no such parameter, …) matches no
 *   comparison, NOT_EQUAL and ALL_NOT_EQUALS included, and sorts last in either direction.
 * - Field values compare by kind: strings by code unit, integers numerically, date-times by instant. Parameter
 *   values are numbers or strings as the operation reads them; a filter's value is read as a number when the
 *   candidate's is one and it looks like one. Number against number compares numerically, anything else as text;
 *   in a sort, numbers come before strings (UNVERIFIED).
 * - searchTermFilter: CONTAINS is a case-insensitive substring of any of the operation's texts; FUZZY_MATCH (the
 *   default) matches when any word of the term is such a substring (UNVERIFIED: AWS's fuzzy matching is
 *   undocumented).
 * - Ties go by candidate order (SearchOperation.candidates), so the order is total and pages never overlap.
 *
 * The evaluator stays internal: tests compute their expectations from the dataset themselves.
 */
import type { DeadlineStore } from '../store.js';
import { type ComparisonOperator, SEARCH_RESULT_CAP, type SearchField } from './fields.js';
import type { Filter, SearchInput, SearchOperation, SearchSummary, SearchValue, Sort } from './operation.js';

/** A number as text: a parameter value or filter value that reads as one. */
export const NUMBER = /^[-]?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Numbers numerically, otherwise as text by code unit. */
function compareValues(a: SearchValue, b: SearchValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const left = String(a);
  const right = String(b);
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

/** The summary member at a dotted path. */
function memberAt(summary: SearchSummary, path: string): unknown {
  let value: unknown = summary;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function fieldValue(summary: SearchSummary, field: SearchField): SearchValue | undefined {
  const value = memberAt(summary, field.member);
  if (value === undefined || value === null) return undefined;
  if (field.kind === 'dateTime') return Date.parse(String(value));
  return value as SearchValue;
}

/** Lower-cased words of a search term: split at whitespace, '_', '-', '.', '/'. */
function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[\s_\-./]+/)
    .filter((word) => word !== '');
}

function matches(operation: SearchOperation, filter: Filter, summary: SearchSummary): boolean {
  switch (filter.type) {
    case 'group':
      return filter.operator === 'AND'
        ? filter.filters.every((inner) => matches(operation, inner, summary))
        : filter.filters.some((inner) => matches(operation, inner, summary));
    case 'searchTerm': {
      const texts = operation.searchText(summary).map((text) => text.toLowerCase());
      const terms = filter.matchType === 'CONTAINS' ? [filter.term.toLowerCase()] : words(filter.term);
      return terms.some((term) => texts.some((text) => text.includes(term)));
    }
    case 'parameter': {
      const actual = operation.parameter?.(summary, filter.name);
      if (actual === undefined) return false;
      const value =
        typeof actual === 'number' && NUMBER.test(filter.value) ? Number(filter.value) : filter.value;
      return compareWith(filter.operator, compareValues(actual, value));
    }
    case 'field': {
      const actual = fieldValue(summary, filter.field);
      if (actual === undefined) return false;
      if (filter.operator === 'ANY_EQUALS') return filter.values.some((value) => value === actual);
      if (filter.operator === 'ALL_NOT_EQUALS') return filter.values.every((value) => value !== actual);
      const [value] = filter.values;
      return value !== undefined && compareWith(filter.operator, compareValues(actual, value));
    }
  }
}

/** Absent values last in either direction; numbers before strings (parameters of mixed types). */
function compareOptional(
  a: SearchValue | undefined,
  b: SearchValue | undefined,
  descending: boolean,
): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  const order = compareValues(a, b);
  return descending ? -order : order;
}

interface Ranked {
  summary: SearchSummary;
  /** The place in candidate order: the last tie-break. */
  rank: number;
}

function comparator(operation: SearchOperation, sorts: readonly Sort[]): (a: Ranked, b: Ranked) => number {
  const effective: readonly Sort[] =
    sorts.length > 0
      ? sorts
      : operation.defaultSorts.map(({ field, descending }) => ({
          type: 'field',
          field: operation.fields[field] as SearchField,
          descending,
        }));
  return (a, b) => {
    for (const sort of effective) {
      let order = 0;
      if (sort.type === 'userJobsFirst') {
        const mine = (summary: SearchSummary) => Number(summary.createdBy === sort.userIdentityId);
        order = mine(b.summary) - mine(a.summary);
      } else if (sort.type === 'field') {
        order = compareOptional(
          fieldValue(a.summary, sort.field),
          fieldValue(b.summary, sort.field),
          sort.descending,
        );
      } else {
        order = compareOptional(
          operation.parameter?.(a.summary, sort.name),
          operation.parameter?.(b.summary, sort.name),
          sort.descending,
        );
      }
      if (order !== 0) return order;
    }
    return a.rank - b.rank;
  };
}

/**
 * Runs a validated search of `operation`: the matches among its candidates, sorted, then the page at itemOffset.
 * totalResults counts the matches, at most 10,000; an itemOffset at or past it gives an empty page; nextItemOffset
 * is the next page's offset while matches remain (and it stays within 10,000), absent otherwise.
 */
export function runSearch(
  operation: SearchOperation,
  store: DeadlineStore,
  input: SearchInput,
): Record<string, unknown> {
  const { filter } = input;
  const found: Ranked[] = [];
  for (const [rank, summary] of operation.candidates(store, input).entries()) {
    if (filter === undefined || matches(operation, filter, summary)) found.push({ summary, rank });
  }
  found.sort(comparator(operation, input.sorts));
  const totalResults = Math.min(found.length, SEARCH_RESULT_CAP);
  const page = found.slice(input.itemOffset, Math.min(input.itemOffset + input.pageSize, totalResults));
  const next = input.itemOffset + page.length;
  const response: Record<string, unknown> = {
    [operation.resultsMember]: page.map(({ summary }) => summary),
    totalResults,
  };
  if (page.length > 0 && next < totalResults) response.nextItemOffset = next;
  return response;
}
