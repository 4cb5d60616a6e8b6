/**
 * A search connection's request from its arguments (queues, filter, sort: checked against Deadline's limits) and the
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
  type JobFilterInput,
  type JobSortInput,
  jobFilterExpressions,
  jobSortExpressions,
  SEARCH_LIMITS,
} from './jobSearchInput.js';

export interface SearchArgs extends OffsetConnectionArgs {
  queueIds?: readonly string[] | null;
  filter?: JobFilterInput | null;
  sort?: readonly JobSortInput[] | null;
}

export interface PreparedSearch {
  /** The Search call's input without its offset and page size. */
  search: { farmId: string } & Record<string, unknown>;
  binding: ConnectionBinding;
}

/** The queues a search covers: the owner queue, or the `queueIds` argument (1–10 distinct valid IDs, sorted). */
function queueIdsOf(entry: EntitySearch, ownerKey: Record<string, string>, args: SearchArgs): string[] {
  if (entry.queueIds === 'owner') return [ownerKey.queueId as string];
  const given = args.queueIds ?? [];
  given.forEach((id, index) => {
    if (!isValidId('queueId', id))
      throw badUserInput(
        `\`queueIds[${index}]\` is not a queue ID (\`queue-\` and 32 hex digits).`,
        'queueIds',
      );
  });
  const distinct = [...new Set(given)].sort();
  const { queueIds: max } = SEARCH_LIMITS;
  if (distinct.length === 0 || distinct.length > max) {
    throw badUserInput(
      `\`queueIds\` takes 1 to ${max} queues (got ${distinct.length}): Deadline Cloud searches at most ${max} queues at once. Search the others separately.`,
      'queueIds',
    );
  }
  return distinct;
}

/** `ENTITIES[type].search[index]`'s request on the owner with key `ownerKey`, or BAD_USER_INPUT. */
export function prepareSearch(
  type: EntityType,
  index: number,
  ownerKey: Record<string, string>,
  args: SearchArgs,
): PreparedSearch {
  const entry = (ENTITIES[type].search as readonly EntitySearch[])[index] as EntitySearch;
  const filterExpressions = jobFilterExpressions(args.filter);
  const sortExpressions = jobSortExpressions(args.sort);
  const search = {
    farmId: ownerKey.farmId as string,
    queueIds: queueIdsOf(entry, ownerKey, args),
    ...(filterExpressions ? { filterExpressions } : {}),
    ...(sortExpressions ? { sortExpressions } : {}),
  };
  const results = createHash('sha256').update(canonicalJson(search)).digest('base64url');
  const ownerPath = keyPath(entry.owner as EntityType, ownerKey as never);
  return { search, binding: bindingOf(`${entry.owner}.${entry.field}`, `${ownerPath}|${results}`) };
}
