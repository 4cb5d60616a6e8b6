/**
 * The search filter and sort inputs (`JobFilter`/`JobSort`, `StepFilter`, `TaskFilter`, `WorkerFilter`…: schema/
 * *Search.graphql) as the Search* calls' filter and sort expressions, with Deadline's limits checked first so that
 * a filter it cannot take is refused as BAD_USER_INPUT, naming the limit, before any call (docs/design/search.md).
 * One mapping serves every searched type; `SEARCH_FIELDS` says which upstream field each filter member names.
 *
 * The upstream field names are those the embedded emulator serves (src/emulator/search.ts); AWS documents few of
 * them: CREATED_AT, ENDED_AT and TASK_RUN_STATUS are seen in AWS's own `deadline` CLI, the others follow the API's
 * style and are UNVERIFIED against AWS.
 */
import { badUserInput } from '../errors/codes.js';

/** The Search* calls' limits: filters per group, nested groups, sort expressions, queues or fleets. */
export const SEARCH_LIMITS = {
  filtersPerGroup: 3,
  nestedGroups: 2,
  sortExpressions: 5,
  /** Queues (SearchJobs, SearchSteps, SearchTasks) or fleets (SearchWorkers) one search covers. */
  resources: 10,
  /** Values of one `in`/`notIn` (the model's StringFilterList). */
  listValues: 16,
  /** Characters of a string value, a parameter value or a search term (the model's 1–256). */
  valueLength: 256,
} as const;

/** A string value within the model's length, or BAD_USER_INPUT naming where it is. */
function checkedValue(value: unknown, where: string): string {
  const text = String(value);
  if (text.length < 1 || text.length > SEARCH_LIMITS.valueLength) {
    throw badUserInput(
      `\`${where}\` must be 1 to ${SEARCH_LIMITS.valueLength} characters long (got ${text.length}).`,
      'filter',
    );
  }
  return text;
}

type Operator =
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'GREATER_THAN_EQUAL_TO'
  | 'GREATER_THAN'
  | 'LESS_THAN_EQUAL_TO'
  | 'LESS_THAN'
  | 'ANY_EQUALS'
  | 'ALL_NOT_EQUALS';

/** One filter expression of the model's SearchFilterExpression union. */
export type FilterExpression =
  | { stringFilter: { name: string; operator: Operator; value: string } }
  | { stringListFilter: { name: string; operator: Operator; values: string[] } }
  | { dateTimeFilter: { name: string; operator: Operator; dateTime: string } }
  | { parameterFilter: { name: string; operator: Operator; value: string } }
  | { searchTermFilter: { searchTerm: string; matchType: 'CONTAINS' | 'FUZZY_MATCH' } }
  | { groupFilter: GroupedFilterExpressions };

export interface GroupedFilterExpressions {
  filters: FilterExpression[];
  operator: 'AND' | 'OR';
}

export type SortExpression =
  | { userJobsFirst: { userIdentityId: string } }
  | { fieldSort: { name: string; sortOrder: 'ASCENDING' | 'DESCENDING' } }
  | { parameterSort: { name: string; sortOrder: 'ASCENDING' | 'DESCENDING' } };

type Condition = Record<string, unknown> | null | undefined;

/**
 * A filter input (`JobFilter`, `StepFilter`…) or one of its conditions (`JobCondition`…): members named in
 * `SEARCH_FIELDS`, `parameters`, `search`, and on the filter its `and` and `or` (of conditions: the upstream nests
 * one level only).
 */
export interface FilterInput {
  and?: FilterInput[] | null;
  or?: FilterInput[] | null;
  parameters?: Array<{ name: string } & Record<string, unknown>> | null;
  search?: { term: string; match?: 'CONTAINS' | 'FUZZY' | null } | null;
  [member: string]: unknown;
}

/** A sort input (`JobSort`, `TaskSort`…): a field, or (tasks) a parameter, and a direction. */
export interface SortInput {
  field?: string | null;
  parameter?: string | null;
  direction?: 'ASC' | 'DESC' | null;
  userJobsFirst?: string | null;
}

type FieldKind = 'enum' | 'string' | 'integer' | 'dateTime';

/** The searched types. */
export type SearchedType = 'Job' | 'Step' | 'Task' | 'Worker';

type SearchField = { name: string; kind: FieldKind };

/** The filter members jobs and steps share, in the order their conditions are sent. */
const STATUS_NAME_CREATOR: Readonly<Record<string, SearchField>> = {
  taskRunStatus: { name: 'TASK_RUN_STATUS', kind: 'enum' },
  lifecycleStatus: { name: 'LIFECYCLE_STATUS', kind: 'enum' },
  name: { name: 'NAME', kind: 'string' },
  createdBy: { name: 'CREATED_BY', kind: 'string' },
};
const TIMES: Readonly<Record<string, SearchField>> = {
  createdAt: { name: 'CREATED_AT', kind: 'dateTime' },
  startedAt: { name: 'STARTED_AT', kind: 'dateTime' },
  endedAt: { name: 'ENDED_AT', kind: 'dateTime' },
  updatedAt: { name: 'UPDATED_AT', kind: 'dateTime' },
};
/** The keyset of every type whose search summaries always carry `createdAt`. */
const BY_CREATION = { field: 'CREATED_AT', member: 'createdAt' };

/**
 * Per searched type: what its results are called in messages, and the upstream field of each filterable member
 * with how its conditions are sent.
 */
export const SEARCH_FIELDS: Readonly<
  Record<
    SearchedType,
    {
      noun: string;
      fields: Readonly<Record<string, SearchField>>;
      /**
       * The sort field every result has, by which a walk continues past the 10,000-result window (a `>=` filter on
       * the last value seen), and the record member holding it. Tasks have none (TaskSearchSummary has no
       * timestamp every task has).
       */
      keyset?: { field: string; member: string };
    }
  >
> = {
  Job: {
    noun: 'job',
    keyset: BY_CREATION,
    fields: { ...STATUS_NAME_CREATOR, priority: { name: 'PRIORITY', kind: 'integer' }, ...TIMES },
  },
  Step: { noun: 'step', keyset: BY_CREATION, fields: { ...STATUS_NAME_CREATOR, ...TIMES } },
  Task: {
    noun: 'task',
    fields: {
      runStatus: { name: 'RUN_STATUS', kind: 'enum' },
      failureRetryCount: { name: 'FAILURE_RETRY_COUNT', kind: 'integer' },
      startedAt: { name: 'STARTED_AT', kind: 'dateTime' },
      endedAt: { name: 'ENDED_AT', kind: 'dateTime' },
      updatedAt: { name: 'UPDATED_AT', kind: 'dateTime' },
    },
  },
  Worker: {
    noun: 'worker',
    keyset: BY_CREATION,
    fields: {
      status: { name: 'STATUS', kind: 'enum' },
      hostName: { name: 'HOST_NAME', kind: 'string' },
      createdBy: { name: 'CREATED_BY', kind: 'string' },
      createdAt: { name: 'CREATED_AT', kind: 'dateTime' },
      updatedAt: { name: 'UPDATED_AT', kind: 'dateTime' },
    },
  },
};

const ORDERING: Record<string, Operator> = {
  eq: 'EQUAL',
  ne: 'NOT_EQUAL',
  gt: 'GREATER_THAN',
  gte: 'GREATER_THAN_EQUAL_TO',
  lt: 'LESS_THAN',
  lte: 'LESS_THAN_EQUAL_TO',
};

/** The leaf expressions of one member's condition (`{ gte: …, lt: … }` is two). */
function conditionFilters(
  field: { name: string; kind: FieldKind },
  member: string,
  condition: Record<string, unknown>,
): FilterExpression[] {
  const filters: FilterExpression[] = [];
  for (const [key, value] of Object.entries(condition)) {
    if (value === null || value === undefined) continue;
    if (key === 'contains') {
      const searchTerm = checkedValue(value, `${member}.contains`);
      filters.push({ searchTermFilter: { searchTerm, matchType: 'CONTAINS' } });
      continue;
    }
    if (key === 'in' || key === 'notIn') {
      const values = (value as unknown[]).map((v, i) => checkedValue(v, `${member}.${key}[${i}]`));
      if (values.length === 0 || values.length > SEARCH_LIMITS.listValues) {
        throw badUserInput(
          `\`${member}.${key}\` takes 1 to ${SEARCH_LIMITS.listValues} values (got ${values.length}).`,
          'filter',
        );
      }
      const operator = key === 'in' ? 'ANY_EQUALS' : 'ALL_NOT_EQUALS';
      filters.push({ stringListFilter: { name: field.name, operator, values } });
      continue;
    }
    const operator = ORDERING[key];
    if (!operator) continue;
    if (field.kind === 'dateTime') {
      filters.push({
        dateTimeFilter: { name: field.name, operator, dateTime: new Date(String(value)).toISOString() },
      });
    } else {
      filters.push({
        stringFilter: { name: field.name, operator, value: checkedValue(value, `${member}.${key}`) },
      });
    }
  }
  return filters;
}

/** The expressions that must all hold for one filter object: its conditions, its `and`s, its `or` as a group. */
function termsOf(type: SearchedType, filter: FilterInput): FilterExpression[] {
  const terms: FilterExpression[] = [];
  for (const [member, field] of Object.entries(SEARCH_FIELDS[type].fields)) {
    const condition = filter[member] as Condition;
    if (condition) terms.push(...conditionFilters(field, member, condition));
  }
  for (const parameter of filter.parameters ?? []) {
    const { name, ...condition } = parameter;
    for (const [key, value] of Object.entries(condition)) {
      const operator = ORDERING[key];
      if (operator && value !== null && value !== undefined) {
        const text = checkedValue(value, `parameters.${name}.${key}`);
        terms.push({
          parameterFilter: { name: checkedValue(name, 'parameters.name'), operator, value: text },
        });
      }
    }
  }
  if (filter.search) {
    const matchType = filter.search.match === 'FUZZY' ? 'FUZZY_MATCH' : 'CONTAINS';
    terms.push({
      searchTermFilter: { searchTerm: checkedValue(filter.search.term, 'search.term'), matchType },
    });
  }
  for (const inner of filter.and ?? []) terms.push(...termsOf(type, inner));
  if (filter.or) {
    if (filter.or.length === 0)
      throw badUserInput(
        '`or` needs at least one entry (none can hold); leave it out to apply no condition.',
        'filter',
      );
    const alternatives = filter.or.map((inner, index): FilterExpression => {
      const innerTerms = termsOf(type, inner);
      if (innerTerms.length === 0)
        throw badUserInput(`\`or[${index}]\` has no condition: give it one, or leave it out.`, 'filter');
      if (innerTerms.length === 1) return innerTerms[0] as FilterExpression;
      return { groupFilter: { filters: innerTerms, operator: 'AND' } };
    });
    terms.push(
      alternatives.length === 1
        ? (alternatives[0] as FilterExpression)
        : { groupFilter: { filters: alternatives, operator: 'OR' } },
    );
  }
  return terms;
}

/**
 * The `filterExpressions` of a search of `type` for `filter` with the conditions `required` ANDed to it (the
 * owner's own, `Step.taskSearch`'s step): undefined when it selects everything, or BAD_USER_INPUT naming the limit it
 * breaks.
 */
export function filterExpressions(
  type: SearchedType,
  filter: FilterInput | null | undefined,
  required: readonly FilterExpression[] = [],
): GroupedFilterExpressions | undefined {
  const terms = [...required, ...(filter ? termsOf(type, filter) : [])];
  if (terms.length === 0) return undefined;
  // A lone group is the expression itself.
  const only = terms.length === 1 ? terms[0] : undefined;
  const top: GroupedFilterExpressions =
    only && 'groupFilter' in only ? only.groupFilter : { filters: terms, operator: 'AND' };
  const sent = packed(top);
  checkLimits(SEARCH_FIELDS[type].noun, sent);
  return sent;
}

/**
 * `top` with conditions beyond the 3 of a group moved into nested groups of the same operator (AND inside AND,
 * OR inside OR: the meaning is the same), within the 2 nested groups a search may hold; unchanged when it fits or
 * cannot be made to (checkLimits then says why).
 */
function packed(top: GroupedFilterExpressions): GroupedFilterExpressions {
  const { filtersPerGroup, nestedGroups } = SEARCH_LIMITS;
  if (top.filters.length <= filtersPerGroup) return top;
  const groups = top.filters.filter((f) => 'groupFilter' in f);
  const leaves = top.filters.filter((f) => !('groupFilter' in f));
  for (let added = 1; added <= nestedGroups - groups.length; added++) {
    const direct = filtersPerGroup - groups.length - added;
    if (direct < 0 || direct + added * filtersPerGroup < leaves.length) continue;
    const rest = leaves.slice(direct);
    const nested: FilterExpression[] = [];
    for (let i = 0; i < rest.length; i += filtersPerGroup) {
      nested.push({ groupFilter: { filters: rest.slice(i, i + filtersPerGroup), operator: top.operator } });
    }
    return { operator: top.operator, filters: [...leaves.slice(0, direct), ...groups, ...nested] };
  }
  return top;
}

function checkLimits(noun: string, top: GroupedFilterExpressions): void {
  const { filtersPerGroup, nestedGroups } = SEARCH_LIMITS;
  const tooMany = (count: number, where: string) =>
    badUserInput(
      `Deadline Cloud's ${noun} search takes at most ${filtersPerGroup} conditions in one group and ${nestedGroups} nested groups; ${where} has ${count} conditions, more than fit. Use fewer conditions (a range is two), or split the search.`,
      'filter',
    );
  if (top.filters.length > filtersPerGroup) throw tooMany(top.filters.length, 'the filter');
  let groups = 0;
  for (const expression of top.filters) {
    if (!('groupFilter' in expression)) continue;
    groups += 1;
    const inner = expression.groupFilter;
    if (inner.filters.length > filtersPerGroup) throw tooMany(inner.filters.length, 'a nested group');
    if (inner.filters.some((f) => 'groupFilter' in f)) {
      throw badUserInput(
        `Deadline Cloud's ${noun} search nests groups one level deep: an \`or\` inside an \`or\` (or an \`and\` of several conditions inside an \`or\` inside another) cannot be sent. Flatten the filter.`,
        'filter',
      );
    }
  }
  if (groups > nestedGroups) {
    throw badUserInput(
      `Deadline Cloud's ${noun} search takes at most ${nestedGroups} nested groups (each \`or\`, and each \`and\` of several conditions inside an \`or\`); the filter has ${groups}.`,
      'filter',
    );
  }
}

/**
 * The `sortExpressions` of a search of `type` for `sort`: each entry a field or (tasks) a parameter, never both;
 * BAD_USER_INPUT beyond 5 expressions.
 */
export function sortExpressions(
  type: SearchedType,
  sort: readonly SortInput[] | null | undefined,
): SortExpression[] | undefined {
  if (!sort || sort.length === 0) return undefined;
  const { noun } = SEARCH_FIELDS[type];
  const expressions: SortExpression[] = [];
  sort.forEach(({ field, parameter, direction, userJobsFirst }, index) => {
    const sortOrder = direction === 'DESC' ? 'DESCENDING' : 'ASCENDING';
    if (userJobsFirst) expressions.push({ userJobsFirst: { userIdentityId: userJobsFirst } });
    const hasParameter = parameter !== null && parameter !== undefined;
    if ((field ? 1 : 0) + (hasParameter ? 1 : 0) !== 1) {
      throw badUserInput(
        `\`sort[${index}]\` needs exactly one of \`field\` and \`parameter\`: give one key per entry.`,
        'sort',
      );
    }
    if (field) expressions.push({ fieldSort: { name: field, sortOrder } });
    else
      expressions.push({
        parameterSort: { name: checkedValue(parameter, `sort[${index}].parameter`), sortOrder },
      });
  });
  if (expressions.length > SEARCH_LIMITS.sortExpressions) {
    throw badUserInput(
      `Deadline Cloud's ${noun} search takes at most ${SEARCH_LIMITS.sortExpressions} sort keys (each \`userJobsFirst\` counts as one); the sort has ${expressions.length}.`,
      'sort',
    );
  }
  return expressions;
}
