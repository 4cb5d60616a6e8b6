import { type GraphQLError, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { globalIdOf } from '../../src/ids/globalId.js';
import {
  type GraphQLErrorJson,
  type GraphQLResponse,
  startTestStack,
  type TestStack,
} from '../helpers/testStack.js';
import type { JobRef } from '../helpers/walk.js';

/**
 * Errors refused before execution (argument preflight, cost and shape limits, farm allow-list) say where they are:
 * `path` is the field's response path (aliases; stopping at the outermost list above it, where execution would put
 * an index), `locations` the offending argument (or list item) in the document, or the field for cost and depth.
 * Every expected location is computed from the query text, never written as a number.
 */
interface Location {
  line: number;
  column: number;
}
type LocatedError = GraphQLErrorJson & { locations?: Location[] };

let stack: TestStack;
let dataset: Dataset;
let jobA: JobRef;
let jobB: JobRef;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 10 } } });
  dataset = stack.emulator?.dataset as Dataset;
  jobA = dataset.edgeJobs.get(100) as JobRef;
  jobB = dataset.edgeJobs.get(101) as JobRef;
});
afterAll(() => stack.close());

/** The 1-based line and column of the `occurrence`-th (0-based) `needle` in `text`. */
function locationOf(text: string, needle: string, occurrence = 0): Location {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${needle} not found ${occurrence + 1} times`);
  }
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return { line: text.slice(0, index).split('\n').length, column: index - lineStart + 1 };
}

const jobArgs = (job: JobRef) => `farmId: "${job.farmId}", queueId: "${job.queueId}", jobId: "${job.jobId}"`;

/** Runs an operation refused before execution: one error, with `code`, HTTP `status`, no Deadline call. */
async function refused(
  code: string,
  query: string,
  variables: Record<string, unknown> = {},
  on: TestStack = stack,
  status = 400,
): Promise<LocatedError> {
  const before = stack.emulator?.totalCalls();
  const response = (await on.query(query, variables)) as GraphQLResponse<unknown> & {
    errors?: LocatedError[];
  };
  expect(
    response.errors?.map((error) => error.extensions?.code),
    JSON.stringify(response.errors),
  ).toEqual([code]);
  expect(response.status).toBe(status);
  expect(response.data).toBeUndefined();
  expect(stack.emulator?.totalCalls()).toBe(before);
  return response.errors?.[0] as LocatedError;
}

async function endCursorOf(job: JobRef): Promise<string> {
  const page = await stack.query<{ job: { sessions: { pageInfo: { endCursor: string } } } }>(
    `{ job(${jobArgs(job)}) { sessions(first: 2) { pageInfo { endCursor } } } }`,
  );
  const cursor = page.data?.job.sessions.pageInfo.endCursor;
  if (!cursor) throw new Error('no cursor');
  return cursor;
}

describe('argument errors point at the argument and the field’s response path', () => {
  it('a bad `after` on the second of two aliases: path ["b", "sessions"], the `after` argument', async () => {
    const query = `{
  a: job(${jobArgs(jobA)}) { sessions(first: 2) { nodes { sessionId } } }
  b: job(${jobArgs(jobA)}) { sessions(first: 2, after: "garbage") { nodes { sessionId } } }
}`;
    const error = await refused('INVALID_CURSOR', query);
    expect(error.path).toEqual(['b', 'sessions']);
    expect(error.locations).toEqual([locationOf(query, 'after: "garbage"')]);
    expect(error.extensions?.argumentName).toBe('after');
  });

  it('a valid cursor of another job’s connection: the same place', async () => {
    const cursor = await endCursorOf(jobA);
    const query = `{
  a: job(${jobArgs(jobA)}) { sessions(first: 2, after: "${cursor}") { nodes { sessionId } } }
  b: job(${jobArgs(jobB)}) { sessions(first: 2, after: "${cursor}") { nodes { sessionId } } }
}`;
    const error = await refused('INVALID_CURSOR', query);
    expect(error.path).toEqual(['b', 'sessions']);
    expect(error.locations).toEqual([locationOf(query, 'after:', 1)]);
  });

  it('a cursor from a variable: the argument that uses it, and the message names the variable', async () => {
    const query = `query ($cursor: String) {
  a: job(${jobArgs(jobA)}) { sessions(first: 2) { nodes { sessionId } } }
  b: job(${jobArgs(jobA)}) { sessions(first: 2, after: $cursor) { nodes { sessionId } } }
}`;
    const error = await refused('INVALID_CURSOR', query, { cursor: 'garbage' });
    expect(error.path).toEqual(['b', 'sessions']);
    expect(error.locations).toEqual([locationOf(query, 'after: $cursor')]);
    expect(error.message).toContain('`$cursor`');
  });

  it('in a fragment: the path where it is spread, the location inside the fragment', async () => {
    // The fragment's cursor belongs to job A: valid where `a` spreads it, refused where `b` does.
    const cursor = await endCursorOf(jobA);
    const query = `{
  a: job(${jobArgs(jobA)}) { ...Page }
  b: job(${jobArgs(jobB)}) { name ...Page }
}
fragment Page on Job { more: sessions(first: 2, after: "${cursor}") { nodes { sessionId } } }`;
    const error = await refused('INVALID_CURSOR', query);
    expect(error.path).toEqual(['b', 'more']);
    expect(error.locations).toEqual([locationOf(query, 'after:')]);
    expect(locationOf(query, 'after:').line).toBe(locationOf(query, 'fragment Page').line);
  });

  it('`first` out of range', async () => {
    const query = `{ x: job(${jobArgs(jobA)}) {
  name
  s: sessions(first: 101) { nodes { sessionId } } } }`;
    const error = await refused('BAD_USER_INPUT', query);
    expect(error.path).toEqual(['x', 's']);
    expect(error.locations).toEqual([locationOf(query, 'first: 101')]);
    expect(error.extensions?.argumentName).toBe('first');
  });

  it('under a list: the path stops at the list field (no index exists before execution)', async () => {
    const query = `{ farms(first: 1) { nodes { farmId
  queues(first: 101) { nodes { queueId } } } } }`;
    const error = await refused('BAD_USER_INPUT', query);
    expect(error.path).toEqual(['farms', 'nodes']);
    expect(error.locations).toEqual([locationOf(query, 'first: 101')]);
  });

  it('a malformed native ID in a lookup', async () => {
    const query = `{ ok: farm(farmId: "${jobA.farmId}") { farmId }
  bad: job(farmId: "${jobA.farmId}",
    queueId: "queue-XYZ", jobId: "${jobA.jobId}") { name } }`;
    const error = await refused('BAD_USER_INPUT', query);
    expect(error.path).toEqual(['bad']);
    expect(error.locations).toEqual([locationOf(query, 'queueId:')]);
    expect(error.extensions?.argumentName).toBe('queueId');
  });

  it('a global ID this API did not issue, in node(id:)', async () => {
    const query = `{ n: node(id: "garbage") { id } }`;
    const error = await refused('BAD_USER_INPUT', query);
    expect(error.path).toEqual(['n']);
    expect(error.locations).toEqual([locationOf(query, 'id: "garbage"')]);
  });

  it('one bad entry of nodes(ids:): the entry when the list is written, the argument when it is a variable', async () => {
    const good = globalIdOf('Job', jobA);
    const literal = `{ nodes(ids: ["${good}", "garbage"]) { id } }`;
    const error = await refused('BAD_USER_INPUT', literal);
    expect(error.path).toEqual(['nodes']);
    expect(error.locations).toEqual([locationOf(literal, '"garbage"')]);
    expect(error.extensions?.argumentName).toBe('ids[1]');

    const viaVariable = `query ($ids: [ID!]!) {\n  nodes(ids: $ids) { id } }`;
    const fromVariable = await refused('BAD_USER_INPUT', viaVariable, { ids: [good, 'garbage'] });
    expect(fromVariable.path).toEqual(['nodes']);
    expect(fromVariable.locations).toEqual([locationOf(viaVariable, 'ids: $ids')]);
    expect(fromVariable.message).toContain('`$ids`');
  });

  it('more than 100 ids: the `ids` argument', async () => {
    const query = `query ($ids: [ID!]!) { many: nodes(ids: $ids) { id } }`;
    const error = await refused('BAD_USER_INPUT', query, { ids: Array(101).fill(globalIdOf('Job', jobA)) });
    expect(error.path).toEqual(['many']);
    expect(error.locations).toEqual([locationOf(query, 'ids: $ids')]);
  });
});

describe('cost and shape limits point at the field to blame', () => {
  it('QUERY_TOO_COSTLY: the costliest field, by its response path and location', async () => {
    const farmId = dataset.farms[0]?.farmId;
    // Each alias: GetFarm + ListQueues + 100 GetQueue (descriptions) = 102 calls; `a.q` and `b.q` cost 101 each,
    // the first of them is named.
    const query = `{
  a: farm(farmId: "${farmId}") { q: queues(first: 100) { nodes { description } } }
  b: farm(farmId: "${farmId}") { q: queues(first: 100) { nodes { description } } }
}`;
    const error = await refused('QUERY_TOO_COSTLY', query);
    expect(error.message).toContain('costliest part is `a.q`');
    expect(error.path).toEqual(['a', 'q']);
    expect(error.locations).toEqual([locationOf(query, 'q: queues')]);
  });

  it('QUERY_TOO_COSTLY under lists: the path stops at the list, the location is the costliest field', async () => {
    const query = `{ f: farms(first: 50) { nodes {
  q: queues(first: 10) { nodes { description } } } } }`;
    const error = await refused('QUERY_TOO_COSTLY', query);
    expect(error.message).toContain('costliest part is `f.q`');
    expect(error.path).toEqual(['f', 'nodes']);
    expect(error.locations).toEqual([locationOf(query, 'q: queues')]);
  });

  it('QUERY_TOO_DEEP: the deepest field (no list on the way: its whole path)', async () => {
    const sessionId = `session-${'0'.repeat(32)}`;
    let body = 'deepest: sessionId';
    for (let i = 0; i < 6; i++) body = `job { session(sessionId: "${sessionId}") { ${body} } }`;
    const query = `{ j: job(${jobArgs(jobA)}) { s: session(sessionId: "${sessionId}") {\n${body} } } }`;
    const error = await refused('QUERY_TOO_DEEP', query);
    expect(error.message).toMatch(/15 levels deep/);
    expect(error.path).toEqual(['j', 's', ...Array(6).fill(['job', 'session']).flat(), 'deepest']);
    expect(error.locations).toEqual([locationOf(query, 'deepest:')]);
  });

  it('TOO_MANY_ALIASES: the first alias over the limit (30)', async () => {
    const fields = Array.from({ length: 35 }, (_, i) => `a${i}: farms(first: 1) { nodes { farmId } }`);
    const query = `{\n${fields.join('\n')}\n}`;
    const error = await refused('TOO_MANY_ALIASES', query);
    expect(error.path).toEqual(['a30']);
    expect(error.locations).toEqual([locationOf(query, 'a30:')]);
  });

  it('TOO_MANY_DIRECTIVES: the first directive over the limit (50), counted where fragments are spread', async () => {
    const query = `{ farms(first: 1) { nodes { ...F } } one: farm(farmId: "${jobA.farmId}") { ...F } }
fragment F on Farm {
${'  farmId @include(if: true)\n'.repeat(30)}  queues(first: 1) { nodes { ...Q } }
}
fragment Q on Queue { queueId @skip(if: false) }`;
    // Each spread of F counts its 30 directives, then Q's one: 1–31 at `farms.nodes`, 32–62 at `one`; the 51st is
    // F's 20th directive, at the second spread.
    const error = await refused('TOO_MANY_DIRECTIVES', query);
    expect(error.message).toMatch(/62 directives/);
    expect(error.path).toEqual(['one', 'farmId']);
    expect(error.locations).toEqual([locationOf(query, '@include', 19)]);
  });

  it('TOO_MANY_TOKENS: where the parser stopped (graphql-js’s own location)', async () => {
    const query = `{ farms(first: 1) { nodes {\n${'farmId\n'.repeat(6000)} } } }`;
    const error = await refused('TOO_MANY_TOKENS', query);
    const parserError = (() => {
      try {
        parse(query, { maxTokens: 5000 });
      } catch (caught) {
        return caught as GraphQLError;
      }
      throw new Error('parsed');
    })();
    expect(parserError.locations?.[0]?.line).toBeGreaterThan(1);
    expect(error.locations).toEqual(parserError.locations);
  });
});

describe('farm allow-list refusals point at the argument that names the farm', () => {
  let restricted: TestStack;
  let allowed: string;
  let forbidden: JobRef;
  beforeAll(async () => {
    allowed = dataset.farms[0]?.farmId as string;
    const farmId = dataset.farms[1]?.farmId as string;
    const queueId = dataset.queues.get(farmId)?.[0]?.queueId as string;
    const jobId = dataset.jobs.get(`${farmId}/${queueId}`)?.[0]?.jobId as string;
    forbidden = { farmId, queueId, jobId };
    restricted = await startTestStack({
      endpoint: stack.emulator?.endpoint as string,
      gateway: { farmAllowList: { farmIds: [allowed] } },
    });
  });
  afterAll(() => restricted.close());

  it('a farmId argument', async () => {
    const query = `{ ok: farm(farmId: "${allowed}") { farmId }
  no: queue(queueId: "${forbidden.queueId}", farmId: "${forbidden.farmId}") { queueId } }`;
    const error = await refused('FORBIDDEN', query, {}, restricted, 403);
    expect(error.extensions?.reason).toBe('FARM_NOT_ALLOWED');
    expect(error.path).toEqual(['no']);
    expect(error.locations).toEqual([locationOf(query, `farmId: "${forbidden.farmId}"`)]);
  });

  it('one global ID of nodes(ids:), and a representation from a variable', async () => {
    const query = `{ nodes(ids: ["${globalIdOf('Farm', { farmId: allowed })}",
  "${globalIdOf('Job', forbidden)}"]) { id } }`;
    const error = await refused('FORBIDDEN', query, {}, restricted, 403);
    expect(error.path).toEqual(['nodes']);
    expect(error.locations).toEqual([locationOf(query, `"${globalIdOf('Job', forbidden)}"`)]);

    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Job { jobId } } }`;
    const fromVariable = await refused(
      'FORBIDDEN',
      entities,
      { r: [{ __typename: 'Job', ...forbidden }] },
      restricted,
      403,
    );
    expect(fromVariable.path).toEqual(['_entities']);
    expect(fromVariable.locations).toEqual([locationOf(entities, 'representations: $r')]);
    expect(fromVariable.message).toContain('`$r`');
  });
});

describe('a native Deadline ID where a global ID belongs: the message names what takes it', () => {
  /** One object of each type, all in the first farm: every native ID by its argument name. */
  function nativeIds(): Record<string, string> {
    const job = dataset.edgeJobs.get(1) as JobRef;
    const farmId = job.farmId;
    const fleetId = dataset.fleets.get(farmId)?.[0]?.fleetId as string;
    return {
      farmId,
      queueId: job.queueId,
      jobId: job.jobId,
      sessionId: dataset.sessions.get(`${farmId}/${job.queueId}/${job.jobId}`)?.[0]?.sessionId as string,
      fleetId,
      workerId: dataset.workers.get(`${farmId}/${fleetId}`)?.[0]?.workerId as string,
    };
  }

  it('node(id:): the lookup in the message, run with the parent IDs, finds the object; its `id` works in node', async () => {
    const ids = nativeIds();
    for (const [idName, value] of Object.entries(ids)) {
      const kind = idName.slice(0, -'Id'.length);
      const query = `{ node(id: "${value}") { id } }`;
      const error = await refused('BAD_USER_INPUT', query);
      expect(error.message).toContain(`"${value}" is a native Deadline ${kind} ID, not a global ID.`);
      expect(error.path).toEqual(['node']);
      const [, field, argumentList] = /Use `(\w+)\(([^`]*)\)`/.exec(error.message) ?? [];
      expect(argumentList).toContain(`${idName}: "${value}"`);
      const names = (argumentList ?? '')
        .split(',')
        .map((argument) => argument.split(':')[0]?.trim() as string);
      expect(names.at(-1)).toBe(idName);
      const lookup = await stack.query<Record<string, Record<string, string>>>(
        `{ found: ${field}(${names.map((name) => `${name}: "${ids[name]}"`).join(', ')}) { id ${idName} } }`,
      );
      expect(lookup.errors, `${field}: ${JSON.stringify(lookup.errors)}`).toBeUndefined();
      expect(lookup.data?.found?.[idName]).toBe(value);
      const node = await stack.query<{ node: Record<string, string> }>(
        `query ($id: ID!) { node(id: $id) { id ... on ${field?.[0]?.toUpperCase()}${field?.slice(1)} { ${idName} } } }`,
        { id: lookup.data?.found?.id },
      );
      expect(node.data?.node[idName]).toBe(value);
    }
  });

  it('one entry of nodes(ids:) names its index; anything else keeps the generic message', async () => {
    const ids = nativeIds();
    const query = `query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`;
    const error = await refused('BAD_USER_INPUT', query, { ids: [globalIdOf('Job', jobA), ids.queueId] });
    expect(error.message).toMatch(/^`ids\[1\]`: ".*" is a native Deadline queue ID/);
    expect(error.message).toContain(`Use \`queue(farmId:, queueId: "${ids.queueId}")\``);
    const other = await refused('BAD_USER_INPUT', query, { ids: [`farm-${'0'.repeat(31)}`] });
    expect(other.message).toMatch(/^`ids\[0\]` is not an ID issued by this API/);
  });

  it('an `_entities` representation with a native `id`: the key fields to send instead, which resolve', async () => {
    const job = jobA;
    const entities = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Job { jobId } } }`;
    const response = await stack.query<{ _entities: Array<{ jobId: string } | null> }>(entities, {
      r: [{ __typename: 'Job', id: job.jobId }],
    });
    expect(response.data?._entities).toEqual([null]);
    const message = response.errors?.[0]?.message ?? '';
    expect(message).toContain(`"${job.jobId}" is a native Deadline job ID, not a global ID.`);
    const keyFields = (/Send its key fields instead \(`([^`]*)`\)/.exec(message)?.[1] ?? '').split(' ');
    const byKey = await stack.query<{ _entities: Array<{ jobId: string } | null> }>(entities, {
      r: [
        {
          __typename: 'Job',
          ...Object.fromEntries(keyFields.map((name) => [name, job[name as keyof JobRef]])),
        },
      ],
    });
    expect(byKey.errors).toBeUndefined();
    expect(byKey.data?._entities).toEqual([{ jobId: job.jobId }]);
  });
});
