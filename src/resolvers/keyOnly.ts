import {
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  getNamedType,
  isObjectType,
} from 'graphql';
import { collectSubfields } from 'graphql/execution/collectFields.js';
import { ErrorCode, notFound } from '../errors/codes.js';
import { type EntityKeys, type EntityType, keyPath } from '../ids/keys.js';
import {
  type Connection,
  type ConnectionArgs,
  type ConnectionSettings,
  type FetchPage,
  resolveConnection,
} from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';
import { LISTS_UNDER } from './prefetch.js';

/**
 * Root lookups (`farm`, `queue`, `job`, `fleet`) that skip their Get/BatchGet call when the selection cannot tell the
 * difference.
 *
 * `job(farmId:, queueId:, jobId:) { id jobId sessions(first: 100) { … } }` needs nothing from BatchGetJob: the key
 * fields come from the arguments, and ListSessions itself proves the job exists, because Deadline answers a List call
 * under a missing parent with ResourceNotFoundException. So when a lookup's selection (after fragments and
 * @include/@skip, exactly as graphql-js collects it) holds only key fields and at least one such "proving"
 * connection, the lookup returns a record holding only the key, marked unverified, and the connection verifies it:
 *
 * - its List call succeeds: the parent exists, the answer is the one the lookup would have given;
 * - its List call fails with NOT_FOUND: the connection fails with the lookup's own NOT_FOUND error (the same
 *   `notFound` message naming the type and its key path), and since connections are non-null, the parent becomes
 *   null: `job` is null with one NOT_FOUND error, as before. What changes is the error's path: `["job", "sessions"]`
 *   (the field that found out) instead of `["job"]`;
 * - it makes no call (`first: 0`): it loads the parent the usual way, so a missing one still fails.
 *
 * A selection without a proving connection (`job(…) { jobId }`) keeps the lookup: nothing else would notice a
 * missing job. A selection with two lists (`farm(…) { queues fleets }`, or one list under two aliases) cannot
 * leave the proof to the lists: each would fail on its own, and a missing parent must give one NOT_FOUND, not one
 * per list. There the lookup itself waits for the first page the prefetch started (prefetch.ts) instead of its
 * Get: the same round, one call less; a NOT_FOUND makes the lookup null with its own error at its own path, before
 * any list resolves. Any other failure of that page (throttled, timed out) is the lookup's too: null, one error at
 * its path, naming the List call. When no list starts a page (all `first: 0` or `after:`), the Get stays.
 *
 * The trade-off, in both cases: the lookup holds only the key. A field elsewhere in the operation that needs the
 * same object's details (`queue(…) { farm { displayName } }` next to `farm(…) { queues }`) then makes the Get
 * itself, one round later than the lookup would have: the same calls, more wall time. Dashboards ask for a
 * parent's fields next to its lists, which keeps the Get.
 *
 * The same holds for `farm(…) { queues | fleets }`, `queue(…) { jobs }` and `fleet(…) { workers }`: the model lists
 * ResourceNotFoundException for ListQueues, ListFleets, ListJobs and ListWorkers as for ListSessions, and the
 * emulator raises it for a missing parent (src/emulator/store.ts checks the parent chain before paging). That a
 * real List under a missing parent raises it rather than answering an empty page is the documented reading of the
 * model, not yet checked against AWS from here (no AWS access); ListSessions under a missing job rests on the same.
 */
const unverified = new WeakSet<object>();

/** Fields served from the key alone (besides `__typename`). */
const KEY_FIELDS: { readonly [T in EntityType]?: ReadonlySet<string> } = {
  Farm: new Set(['id', 'farmId']),
  Queue: new Set(['id', 'farmId', 'queueId']),
  Job: new Set(['id', 'farmId', 'queueId', 'jobId']),
  Fleet: new Set(['id', 'farmId', 'fleetId']),
};

/**
 * The record a root lookup returns: `{ key }` only, unverified, when its selection (`subfieldsOf`) holds key fields
 * and one list; `{ key }` once the first page started under it came back, with two or more lists; else what `load`
 * gives (see above). The proving connections are the lists under the type (LISTS_UNDER): every List
 * call under a parent fails with ResourceNotFoundException when the parent does not exist.
 */
export function lookUp<T extends EntityType, R>(
  type: T,
  key: EntityKeys[T],
  selection: Selection | undefined,
  load: (key: EntityKeys[T]) => Promise<R>,
  /** Starts the first pages of the lists under the lookup (prefetch.ts); returns them. */
  startFirstPages: () => readonly Promise<unknown>[],
): Promise<R> | R {
  const lists = provingListsIn(type, selection);
  if (lists === 0) {
    // The Get first: its batch is queued before the pages.
    const loaded = load(key);
    startFirstPages();
    return loaded;
  }
  const record = { key, level: 'summary' } as unknown as R & object;
  const proof = startFirstPages()[0];
  if (lists === 1) {
    unverified.add(record);
    return record;
  }
  if (!proof) return load(key);
  return proof.then(
    () => record,
    (error: unknown) => {
      throw isNotFound(error) ? notFound(type, keyPath(type, key)) : error;
    },
  );
}

/** The fields selected on a lookup's object, with the object type (`subfieldsOf`). */
export interface Selection {
  objectType: GraphQLObjectType;
  fields: Map<string, ReadonlyArray<FieldNode>>;
}

/**
 * The fields a root lookup of `type` has selected on its object (after fragments and @include/@skip, exactly as
 * graphql-js collects them), with the object type; undefined when the field does not return `type`.
 */
export function subfieldsOf(type: EntityType, info: GraphQLResolveInfo): Selection | undefined {
  const objectType = getNamedType(info.returnType);
  if (!isObjectType(objectType) || objectType.name !== type) return undefined;
  const fields = collectSubfields(
    info.schema,
    info.fragments,
    info.variableValues,
    objectType,
    info.fieldNodes,
  );
  return { objectType, fields };
}

/**
 * How many response keys of the selection are proving lists, when everything else in it is a key field; 0 when
 * anything else is selected (the lookup must load the object).
 */
function provingListsIn(type: EntityType, selection: Selection | undefined): number {
  const keyFields = KEY_FIELDS[type];
  const proving = LISTS_UNDER[type];
  if (!keyFields || !proving || !selection) return 0;
  let provingKeys = 0;
  for (const nodes of selection.fields.values()) {
    // All nodes of one response key are one field (graphql-js merged them): its name is theirs.
    const name = nodes[0]?.name.value ?? '';
    if (Object.hasOwn(proving, name)) provingKeys += 1;
    else if (name !== '__typename' && !keyFields.has(name)) return 0;
  }
  return provingKeys;
}

/**
 * A connection's page fetcher that, for an unverified parent, turns NOT_FOUND into the parent's own NOT_FOUND error
 * and remembers whether a call was made. `settle` (after the connection resolved) loads the parent when no call
 * proved it.
 */
function provingPages<T extends EntityType, I>(
  type: T,
  parent: { key: EntityKeys[T] },
  fetchPage: FetchPage<I>,
  load: (key: EntityKeys[T]) => Promise<unknown>,
): { fetchPage: FetchPage<I>; settle: () => Promise<void> } {
  if (!unverified.has(parent)) return { fetchPage, settle: async () => {} };
  let proven = false;
  return {
    fetchPage: async (request) => {
      try {
        const page = await fetchPage(request);
        proven = true;
        return page;
      } catch (error) {
        if (isNotFound(error)) throw notFound(type, keyPath(type, parent.key));
        throw error;
      }
    },
    settle: async () => {
      if (!proven) await load(parent.key);
    },
  };
}

/**
 * A connection of a parent that a root lookup may have left unverified (above): `resolveConnection` through
 * provingPages, then `settle`. Every proving connection of the schema resolves through this.
 */
export async function resolveProvingConnection<T extends EntityType, I>(
  type: T,
  field: string,
  parent: { key: EntityKeys[T] },
  args: ConnectionArgs,
  settings: ConnectionSettings,
  fetchPage: FetchPage<I>,
  load: (key: EntityKeys[T]) => Promise<unknown>,
): Promise<Connection<I>> {
  const pages = provingPages(type, parent, fetchPage, load);
  const connection = await resolveConnection({
    args,
    binding: bindingOf(field, keyPath(type, parent.key)),
    settings,
    fetchPage: pages.fetchPage,
  });
  await pages.settle();
  return connection;
}

function isNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { extensions?: { code?: unknown } }).extensions?.code === ErrorCode.NOT_FOUND
  );
}
