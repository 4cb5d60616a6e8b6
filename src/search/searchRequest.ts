/**
 * A search connection's request from its arguments (queues or fleets, filter, sort: checked against Deadline's limits) and the
 * binding its cursors carry. Shared by the resolver and the preflight, so that a search Deadline cannot take, or a
 * cursor of another search, is refused before any call whenever the owner's key is known (docs/design/search.md).
 */
import { createHash } from 'node:crypto';
import { badUserInput } from '../errors/codes.js';
import { type EntityType, isValidId, keyPath } from '../ids/keys.js';
import { ENTITIES, type EntitySearch } from '../model/entities.js';
import { bindingOf, type ConnectionBinding } from '../pagination/cursor.js';
import type { OffsetConnectionArgs } from '../pagination/offsetConnection.js';
import { canonicalJson } from '../upstream/upstreamSharing.js';
import {
  type FilterExpression,
  type FilterInput,
  filterExpressions,
  SEARCH_FIELDS,
  SEARCH_LIMITS,
  type SearchedType,
  type SortInput,
  sortExpressions,
} from './searchInput.js';

export interface SearchArgs extends OffsetConnectionArgs {
  queueIds?: readonly string[] | null;
  fleetIds?: readonly string[] | null;
  filter?: FilterInput | null;
  sort?: readonly SortInput[] | null;
}

export interface PreparedSearch {
  /** The Search call's input without its offset and page size. */
  search: { farmId: string } & Record<string, unknown>;
  binding: ConnectionBinding;
}

const SCOPE = {
  queueIds: { part: 'queueId', noun: 'queue', plural: 'queues' },
  fleetIds: { part: 'fleetId', noun: 'fleet', plural: 'fleets' },
} as const;

/**
 * The queues or fleets a search covers: the owner's own, or the field's argument (1–10 distinct valid IDs, sorted).
 */
function scopeOf(entry: EntitySearch, ownerKey: Record<string, string>, args: SearchArgs): string[] {
  const { ids } = entry.scope;
  const { part, noun, plural } = SCOPE[ids];
  if (entry.scope.from === 'owner') return [ownerKey[part] as string];
  const given = args[ids] ?? [];
  given.forEach((id, index) => {
    if (!isValidId(part, id))
      throw badUserInput(`\`${ids}[${index}]\` is not a ${noun} ID (\`${noun}-\` and 32 hex digits).`, ids);
  });
  const distinct = [...new Set(given)].sort();
  const { resources: max } = SEARCH_LIMITS;
  if (distinct.length === 0 || distinct.length > max) {
    throw badUserInput(
      `\`${ids}\` takes 1 to ${max} ${plural} (got ${distinct.length}): Deadline Cloud searches at most ${max} ${plural} at once. Search the others separately.`,
      ids,
    );
  }
  return distinct;
}

/**
 * How a walk of this search continues past the 10,000-result window, if it can: when sorted by the type's keyset
 * field alone (CREATED_AT, either direction), the record member holding it and the filter that narrows the search
 * to the results from a value on (docs/design/search.md, "Beyond 10,000"). The default order is not relied on.
 */
export function keysetOf(
  type: EntityType,
  args: SearchArgs,
): { member: string; from: (value: string) => FilterExpression } | undefined {
  const keyset = SEARCH_FIELDS[type as SearchedType]?.keyset;
  const [only, ...more] = args.sort ?? [];
  if (!keyset || !only || more.length > 0 || only.field !== keyset.field || only.userJobsFirst)
    return undefined;
  const operator = only.direction === 'DESC' ? 'LESS_THAN_EQUAL_TO' : 'GREATER_THAN_EQUAL_TO';
  return {
    member: keyset.member,
    from: (value) => ({ dateTimeFilter: { name: keyset.field, operator, dateTime: value } }),
  };
}

/**
 * `ENTITIES[type].search[index]`'s request on the owner with key `ownerKey` (with the conditions `narrowing` ANDed to
 * the filter: a continuation's), or BAD_USER_INPUT.
 */
export function prepareSearch(
  type: EntityType,
  index: number,
  ownerKey: Record<string, string>,
  args: SearchArgs,
  narrowing: readonly FilterExpression[] = [],
): PreparedSearch {
  const entry = (ENTITIES[type].search as readonly EntitySearch[])[index] as EntitySearch;
  const searched = type as SearchedType;
  const required = Object.entries(entry.ownerFilters).map(
    ([part, name]): FilterExpression => ({
      stringFilter: { name, operator: 'EQUAL', value: ownerKey[part] as string },
    }),
  );
  required.push(...narrowing);
  const filters = filterExpressions(searched, args.filter, required);
  const sorts = sortExpressions(searched, args.sort);
  const search = {
    farmId: ownerKey.farmId as string,
    [entry.scope.ids]: scopeOf(entry, ownerKey, args),
    ...Object.fromEntries(entry.ownerMembers.map((part) => [part, ownerKey[part]])),
    ...(filters ? { filterExpressions: filters } : {}),
    ...(sorts ? { sortExpressions: sorts } : {}),
  };
  const results = createHash('sha256').update(canonicalJson(search)).digest('base64url');
  const ownerPath = keyPath(entry.owner as EntityType, ownerKey as never);
  return { search, binding: bindingOf(`${entry.owner}.${entry.field}`, `${ownerPath}|${results}`) };
}
