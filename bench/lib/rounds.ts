import { type FieldNode, Kind, parse, type SelectionSetNode } from 'graphql';

/**
 * Dependent upstream rounds of a query, computed from its shape alone (scenario 2's limit): the length of the
 * longest chain of Deadline calls where each call needs an ID only the previous call returns. Rules (the Deadline
 * API's, not the gateway's):
 *
 * - A root lookup (`farm(farmId:)`, `job(…)`) knows its IDs from the arguments (round 0); its own non-ID fields
 *   need one Get at round 1. Connections under it need only its IDs, so they start at round 1 too.
 * - A connection (`queues`, `jobs`, `sessions`, `fleets`, `workers`, `farms`) under an object whose IDs are known
 *   at round r is one List call at round r + 1; its items' IDs and summary fields are known at r + 1.
 * - A reference (`Session.fleet`, `Session.worker`: IDs carried by the session) under an item known at r is a
 *   (Batch)Get at round r + 1.
 * - A detail-only field (`Job.description`, `Session.log`, … returned by Get/BatchGet only) of a listed item
 *   known at r is a BatchGet at round r + 1.
 * - ID fields, `__typename`, `pageInfo`, `edges`/`node`/`nodes`, `cursor` are free.
 *
 * Calls of the same round are independent and can run in parallel: with enough concurrency a query costs
 * `rounds` × latency of wall time.
 */
const CONNECTIONS = new Set(['farms', 'queues', 'jobs', 'sessions', 'fleets', 'workers']);
const REFERENCES = new Set(['fleet', 'worker']);
const DETAIL_ONLY = new Set([
  'description',
  'costScaleFactor',
  'roleArn',
  'storageProfileId',
  'parameters',
  'log',
  'workerLog',
  'hostProperties',
]);
const FREE = new Set([
  '__typename',
  'id',
  'farmId',
  'queueId',
  'jobId',
  'sessionId',
  'fleetId',
  'workerId',
  'cursor',
  'pageInfo',
]);
const PLUMBING = new Set(['edges', 'node', 'nodes']);

function fieldsOf(selectionSet: SelectionSetNode | undefined): FieldNode[] {
  if (!selectionSet) return [];
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet);
    throw new Error('rounds: named fragments are not supported by this analyzer');
  });
}

/**
 * The rounds needed by the fields of one object whose IDs are known at `idsAt` and whose summary fields are known
 * at `summaryAt` (a listed item: the same round; a looked-up object: one more, its Get).
 */
function objectRounds(selectionSet: SelectionSetNode | undefined, idsAt: number, summaryAt: number): number {
  let rounds = idsAt;
  for (const field of fieldsOf(selectionSet)) {
    const name = field.name.value;
    if (FREE.has(name)) continue;
    if (PLUMBING.has(name)) {
      rounds = Math.max(rounds, objectRounds(field.selectionSet, idsAt, summaryAt));
    } else if (CONNECTIONS.has(name)) {
      rounds = Math.max(rounds, objectRounds(field.selectionSet, idsAt + 1, idsAt + 1));
    } else if (REFERENCES.has(name)) {
      rounds = Math.max(rounds, objectRounds(field.selectionSet, idsAt + 1, idsAt + 1));
    } else if (DETAIL_ONLY.has(name)) {
      rounds = Math.max(rounds, idsAt + 1);
    } else {
      rounds = Math.max(rounds, summaryAt);
    }
  }
  return rounds;
}

export function dependentRounds(query: string): number {
  const document = parse(query);
  let rounds = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const root of fieldsOf(definition.selectionSet)) {
      if (CONNECTIONS.has(root.name.value)) rounds = Math.max(rounds, objectRounds(root.selectionSet, 1, 1));
      else rounds = Math.max(rounds, objectRounds(root.selectionSet, 0, 1));
    }
  }
  return rounds;
}
