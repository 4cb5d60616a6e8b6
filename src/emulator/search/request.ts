/**
 * Reading a Search* request body the way the model's framework would: every constraint of the shared request
 * shapes (SearchGroupedFilterExpressions, SearchSortExpressions, itemOffset, pageSize, the scope list), then the
 * operation's own rules (its field table, whether it takes parameters, userJobsFirst, jobId). Every failure is
 * collected into one ValidationException; a value that cannot be read as its type throws CANNOT_PARSE at once.
 */
import { cannotParse, isJsonObject, RequestFields } from '../requestValidation.js';
import {
  COMPARISON_OPERATORS,
  type ComparisonOperator,
  type FieldFilterType,
  LIST_OPERATORS,
  ORDERING_OPERATORS,
  SEARCH_DEFAULT_PAGE_SIZE,
  SEARCH_MAX_GROUP_DEPTH,
  SEARCH_MAX_GROUP_FILTERS,
  SEARCH_RESULT_CAP,
  type SearchField,
} from './fields.js';
import type { Filter, SearchInput, SearchOperation, SearchValue, Sort } from './operation.js';

const INT32_MAX = 2 ** 31 - 1;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function shown(value: string): string {
  return `'${value.length > 64 ? `${value.slice(0, 64)}…` : value}'`;
}

const isAbsent = (value: unknown): value is null | undefined => value === null || value === undefined;

/** Reads a Search* body for `operation`, collecting every constraint failure. */
class SearchRequestReader {
  readonly fields = new RequestFields();
  private groupFilters = 0;

  constructor(private readonly operation: SearchOperation) {}

  /** The operation's field `name`, or undefined (recorded as a failure at `path`) when it has none. */
  private field(name: string, path: string, sortable: boolean): SearchField | undefined {
    const { fields, noun } = this.operation;
    const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (field && (!sortable || field.sortable)) return field;
    const names = Object.entries(fields)
      .filter(([, candidate]) => !sortable || candidate.sortable)
      .map(([fieldName]) => fieldName);
    this.fields.fail(
      path,
      `Value ${shown(name)} at '${path}' failed to satisfy constraint: Member must name a ${sortable ? 'sortable ' : ''}${noun} field: [${names.join(', ')}]`,
    );
    return undefined;
  }

  /** A union member the operation does not take (parameterFilter on steps, userJobsFirst on tasks, …). */
  private notTaken(path: string, what: string): undefined {
    this.fields.fail(
      path,
      `Value at '${path}' failed to satisfy constraint: ${this.operation.name} does not support ${what}`,
    );
    return undefined;
  }

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

  /** queueIds or fleetIds: required, 1–10 IDs of the pattern. */
  scopeIds(body: Readonly<Record<string, unknown>>): string[] {
    const { member, id } = this.operation.scope;
    const value = body[member];
    if (isAbsent(value)) {
      this.fields.missing(member);
      return [];
    }
    const items = this.list(value, member, 1, 10);
    const seen = new Set<string>();
    return items.flatMap((item, index) => {
      const path = `${member}.${index + 1}.member`;
      if (isAbsent(item)) {
        this.fields.missing(path);
        return [];
      }
      if (typeof item !== 'string') throw cannotParse(path, 'a string');
      this.fields.id(id, item, path);
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

  /** The optional jobId of SearchSteps and SearchTasks (a member the other operations do not have). */
  jobId(body: Readonly<Record<string, unknown>>): string | undefined {
    if (!this.operation.takesJobId || isAbsent(body.jobId)) return undefined;
    if (typeof body.jobId !== 'string') throw cannotParse('jobId', 'a string');
    return this.fields.id('jobId', body.jobId, 'jobId');
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
        if (!this.operation.parameter) return this.notTaken(at, 'parameterFilter');
        const struct = this.structure(inner, at);
        const name = this.string(struct, 'name', at);
        const operator = this.operator(struct, at);
        const parameterValue = this.string(struct, 'value', at);
        if (parameterValue !== undefined) this.length(parameterValue, `${at}.value`, 1, 256);
        // UNVERIFIED: a parameter name is a JobParameters / TaskParameters key (1–1024 characters), matched exactly.
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

  /** stringFilter, stringListFilter, dateTimeFilter: a named field, checked against the operation's table. */
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
    const field = this.field(name, `${path}.name`, false);
    if (!field) return undefined;
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
    field: SearchField,
    name: string,
    raw: string[],
    path: string,
  ): SearchValue[] | undefined {
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
        if (!this.operation.takesUserJobsFirst) {
          this.notTaken(at, 'userJobsFirst');
          return [];
        }
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
        if (!this.operation.parameter) {
          this.notTaken(at, 'parameterSort');
          return [];
        }
        this.length(name, `${at}.name`, 1, 1024);
        return [{ type: 'parameter', name, descending }];
      }
      const field = this.field(name, `${at}.name`, true);
      return field ? [{ type: 'field', field, descending }] : [];
    });
  }
}

/** Validates a request of `operation` (path label and body); throws the ValidationException AWS would. */
export function readSearchRequest(
  operation: SearchOperation,
  farmIdLabel: string,
  body: Readonly<Record<string, unknown>> | undefined,
): SearchInput {
  const reader = new SearchRequestReader(operation);
  const farmId = reader.fields.id('farmId', farmIdLabel);
  const input = body ?? {};
  const scopeIds = reader.scopeIds(input);
  const jobId = reader.jobId(input);
  const filter = isAbsent(input.filterExpressions)
    ? undefined
    : reader.group(input.filterExpressions, 'filterExpressions', 1);
  const sorts = reader.sorts(input);
  const itemOffset = reader.itemOffset(input);
  const pageSize = reader.pageSize(input);
  reader.fields.assertValid();
  return { farmId, scopeIds, ...(jobId === undefined ? {} : { jobId }), filter, sorts, itemOffset, pageSize };
}
