/**
 * Search connections (`Farm.jobSearch`, `Queue.jobSearch`; docs/design/search.md): the filter and sort compiled into
 * the Search call's expressions, the queues checked, and the offset connection over its pages. Cursors bind to the
 * field, the owner and everything that defines the results (queues, filter, sort).
 */
import { createHash } from 'node:crypto';
import type { GatewayContext } from '../context.js';
import { badUserInput } from '../errors/codes.js';
import { type EntityType, isValidId, keyPath } from '../ids/keys.js';
import { ENTITIES, type EntitySearch } from '../model/entities.js';
import { bindingOf } from '../pagination/cursor.js';
import {
  type OffsetConnection,
  type OffsetConnectionArgs,
  resolveOffsetConnection,
} from '../pagination/offsetConnection.js';
import {
  type JobFilterInput,
  type JobSortInput,
  jobFilterExpressions,
  jobSortExpressions,
  SEARCH_LIMITS,
} from '../search/jobSearchInput.js';
import { canonicalJson } from '../upstream/upstreamSharing.js';

export interface SearchArgs extends OffsetConnectionArgs {
  queueIds?: readonly string[] | null;
  filter?: JobFilterInput | null;
  sort?: readonly JobSortInput[] | null;
}

interface Keyed {
  key: Record<string, string>;
}

/** The queues a search covers: the owner queue, or the `queueIds` argument (1–10 valid, distinct, sorted). */
function queueIdsOf(entry: EntitySearch, owner: Keyed, args: SearchArgs): string[] {
  if (entry.queueIds === 'owner') return [owner.key.queueId as string];
  const given = args.queueIds ?? [];
  const { queueIds: max } = SEARCH_LIMITS;
  if (given.length === 0 || given.length > max) {
    throw badUserInput(
      `\`queueIds\` takes 1 to ${max} queue IDs (got ${given.length}): Deadline Cloud searches at most ${max} queues at once. Search the others separately.`,
      'queueIds',
    );
  }
  given.forEach((id, index) => {
    if (!isValidId('queueId', id))
      throw badUserInput(
        `\`queueIds[${index}]\` is not a queue ID (\`queue-\` and 32 hex digits).`,
        'queueIds',
      );
  });
  return [...new Set(given)].sort();
}

/** `ENTITIES[type].search[index]` on the owner object `owner`. */
export function resolveSearch(
  type: EntityType,
  index: number,
  owner: Keyed,
  args: SearchArgs,
  ctx: GatewayContext,
): Promise<OffsetConnection<unknown>> {
  const entry = (ENTITIES[type].search as readonly EntitySearch[])[index] as EntitySearch;
  const queueIds = queueIdsOf(entry, owner, args);
  const filterExpressions = jobFilterExpressions(args.filter);
  const sortExpressions = jobSortExpressions(args.sort);
  const search = {
    farmId: owner.key.farmId as string,
    queueIds,
    ...(filterExpressions ? { filterExpressions } : {}),
    ...(sortExpressions ? { sortExpressions } : {}),
  };
  const results = createHash('sha256').update(canonicalJson(search)).digest('base64url');
  const ownerPath = keyPath(entry.owner as EntityType, owner.key as never);
  return resolveOffsetConnection({
    args,
    binding: bindingOf(`${entry.owner}.${entry.field}`, `${ownerPath}|${results}`),
    cursors: ctx.paging.cursors,
    fetchPage: ctx.loaders[type].searchPagesOf(index, search) as never,
    idOf: (record) => keyPath(type, (record as Keyed).key as never),
  });
}

/** Resolvers of every search connection type (`JobSearchConnection`): `totalCount` costs a call only when needed. */
export function searchTypeResolvers(): Record<string, Record<string, unknown>> {
  const resolvers: Record<string, Record<string, unknown>> = {};
  for (const type of Object.keys(ENTITIES) as EntityType[]) {
    if (ENTITIES[type].search.length === 0) continue;
    resolvers[`${type}SearchConnection`] = {
      totalCount: (connection: OffsetConnection<unknown>) => connection.totalCount(),
    };
  }
  return resolvers;
}
