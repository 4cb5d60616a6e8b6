import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { DATALOADER_EXAMPLE, README_FIRST_QUERY } from '../helpers/exampleQueries.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * The two executors of createGateway (`executor: 'jit' | 'graphql-js'`, src/execution/jitGateway.ts) give the same
 * answers: one emulator, two gateways with the same cursor key, the same operations sent to both in turn, and the
 * whole responses compared (status, data, errors with codes, messages and paths, extensions.upstream).
 */
let jit: TestStack;
let plain: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  const cursorSecret = randomBytes(32);
  jit = await startTestStack({ cursorSecret, gateway: { executor: 'jit' } });
  const endpoint = jit.emulator?.endpoint;
  if (!endpoint) throw new Error('no emulator');
  plain = await startTestStack({ endpoint, cursorSecret, gateway: { executor: 'graphql-js' } });
  dataset = jit.emulator?.dataset as Dataset;
});
afterAll(async () => {
  await plain.close();
  await jit.close();
});

function jobWith(sessions: number) {
  const job = dataset.edgeJobs.get(sessions);
  if (!job) throw new Error(`no job with ${sessions} sessions`);
  return { farmId: job.farmId, queueId: job.queueId, jobId: job.jobId };
}
const ZEROS = '0'.repeat(32);
const globalId = (type: string, path: string) => Buffer.from(`${type}:${path}`).toString('base64');

interface Sent {
  status: number;
  data: unknown;
  errors: unknown;
  upstream: unknown;
  trace: boolean;
}

async function send(
  stack: TestStack,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  operationName?: string,
): Promise<Sent> {
  const response = await fetch(`${stack.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query, variables, operationName }),
  });
  // What differs between two calls anyway: AWS request IDs, and cursors (they hold the emulator's timestamped token).
  const text = (await response.text())
    .replace(/"awsRequestId":"[^"]*"/g, '"awsRequestId":"…"')
    .replace(/"(cursor|endCursor|startCursor)":"[^"]*"/g, '"$1":"…"');
  const body = JSON.parse(text) as {
    data?: unknown;
    errors?: unknown[];
    extensions?: Record<string, unknown>;
  };
  return {
    status: response.status,
    data: body.data,
    // Sibling fields may fail in another order; the set of errors is what must match.
    errors: body.errors?.map((error) => JSON.stringify(error)).sort(),
    upstream: body.extensions?.upstream,
    trace: typeof body.extensions?.ftv1 === 'string',
  };
}

/** Sends to both gateways; `before` runs before each send (e.g. to inject the same fault). */
async function both(
  query: string,
  variables: Record<string, unknown> = {},
  options: { headers?: Record<string, string>; before?: () => void; operationName?: string } = {},
): Promise<Sent> {
  options.before?.();
  const fromJit = await send(jit, query, variables, options.headers, options.operationName);
  options.before?.();
  const fromPlain = await send(plain, query, variables, options.headers, options.operationName);
  expect(fromJit).toEqual(fromPlain);
  return fromJit;
}

const SESSION_FIELDS =
  'id farmId queueId jobId sessionId fleetId workerId startedAt endedAt updatedAt updatedBy lifecycleStatus targetLifecycleStatus';

describe('graphql-jit and graphql-js executors', () => {
  it('answer the README query and the DataLoader example alike', async () => {
    const readme = await both(README_FIRST_QUERY);
    expect(readme.errors).toBeUndefined();
    const loader = await both(DATALOADER_EXAMPLE, jobWith(100));
    expect(loader.errors).toBeUndefined();
  });

  it('answer the benchmark page (every scalar of 100 sessions, DateTime and enums) alike', async () => {
    const page = await both(
      `query S($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
        sessions(first: 100) { pageInfo { endCursor } edges { cursor node { ${SESSION_FIELDS} } } } } }`,
      jobWith(250),
    );
    expect(page.errors).toBeUndefined();
    expect(page.upstream).toEqual({
      calls: 1,
      attempts: 1,
      byOperation: { ListSessions: 1 },
      cacheHits: 0,
      coalesced: 0,
    });
  });

  it('report missing objects, malformed IDs and per-entry failures alike', async () => {
    const job = jobWith(1);
    const missing = { ...job, jobId: `job-${ZEROS}` };
    const lookups = `query L($farmId: ID!, $queueId: ID!, $jobId: ID!) {
      a: job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { jobId sessions { nodes { id } } }
      b: job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { name } }`;
    expect((await both(lookups, missing)).errors).toHaveLength(2);
    const jobId = globalId('Job', `${job.farmId}/${job.queueId}/${job.jobId}`);
    const gone = globalId('Job', `${job.farmId}/${job.queueId}/job-${ZEROS}`);
    const nodes = `query N($ids: [ID!]!) { nodes(ids: $ids) { id ... on Job { name } } }`;
    const result = await both(nodes, { ids: [gone, jobId, gone] });
    expect(result.errors).toHaveLength(2);
    expect(result.data).toEqual({ nodes: [null, { id: jobId, name: expect.any(String) }, null] });
    // The farm resolves before the failed job batch: each failure must still land at its own index.
    const farmId = globalId('Farm', job.farmId);
    const mixed = await both(
      'query N($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids: [gone, farmId, gone] },
      {
        before: () => jit.emulator?.failNext('BatchGetJob', 'ThrottlingException'),
      },
    );
    expect(mixed.data).toEqual({ nodes: [null, { id: farmId }, null] });
    expect((await both(`{ node(id: "not an id") { id } }`)).status).toBe(400);
  });

  it('null a failed connection alone, its parent intact, alike', async () => {
    const failed = await both(
      `query F($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
        name sessions(first: 3) { nodes { id } } } }`,
      jobWith(99),
      { before: () => jit.emulator?.failNext('ListSessions', 'ThrottlingException') },
    );
    expect(failed.data).toEqual({ job: { name: expect.any(String), sessions: null } });
    const errors = (failed.errors ?? []) as string[];
    expect(errors.map((error) => (JSON.parse(error) as { path: unknown }).path)).toEqual([
      ['job', 'sessions'],
    ]);
  });

  it('serve federation _entities (found, missing, malformed) and _service alike', async () => {
    const job = jobWith(1);
    const entities = await both(
      `query E($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Job { jobId name } } }`,
      {
        r: [
          { __typename: 'Job', ...job },
          { __typename: 'Job', ...job, jobId: `job-${ZEROS}` },
          { __typename: 'Job', id: globalId('Job', `${job.farmId}/${job.queueId}/${job.jobId}`) },
        ],
      },
    );
    expect(entities.errors).toHaveLength(1);
    await both('{ _service { sdl } }');
  });

  it('apply @include/@skip, fragments, aliases and __typename alike', async () => {
    const query = `query D($farmId: ID!, $queueId: ID!, $jobId: ID!, $yes: Boolean!, $no: Boolean!) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
        __typename ...J
        p: priority @include(if: $yes)
        q: priority @include(if: $no)
        s: sessions(first: 2) @skip(if: $no) { nodes { __typename ... on Node { id } } }
      } }
      fragment J on Job { name @skip(if: $yes) lifecycleStatus }`;
    const result = await both(query, { ...jobWith(99), yes: true, no: false });
    expect(result.errors).toBeUndefined();
  });

  it('reject bad variables and bad arguments with the same errors and status', async () => {
    const query =
      'query V($first: Int, $jobId: ID!) { job(farmId: "x", queueId: "y", jobId: $jobId) { sessions(first: $first) { nodes { id } } } }';
    expect((await both(query, { first: 'ten', jobId: 'job-1' })).status).toBe(400);
    expect((await both(query, { first: 1 })).status).toBe(400);
    expect((await both(query, { first: 1, jobId: 'job-1' })).status).toBe(400);
    const page = `query P($farmId: ID!, $queueId: ID!, $jobId: ID!, $after: String) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { sessions(first: 1, after: $after) { nodes { id } } } }`;
    expect((await both(page, { ...jobWith(99), after: 'garbage' })).status).toBe(400);
  });

  it('refuse a document whose operation cannot be resolved with 400 OPERATION_RESOLUTION_FAILURE', async () => {
    const twoOperations =
      'query A { farms(first: 1) { nodes { id } } } query B { farms(first: 2) { nodes { id } } }';
    for (const operationName of [undefined, 'C']) {
      const sent = await both(twoOperations, {}, { operationName });
      expect(sent.status).toBe(400);
      expect(sent.errors).toEqual([expect.stringContaining('"code":"OPERATION_RESOLUTION_FAILURE"')]);
      expect(sent.upstream).toMatchObject({ calls: 0 });
    }
    expect((await both(twoOperations, {}, { operationName: 'B' })).data).toMatchObject({
      farms: { nodes: [{ id: expect.any(String) }, { id: expect.any(String) }] },
    });
  });

  it('answer introspection alike', async () => {
    const result = await both('{ __schema { queryType { name } types { name kind fields { name } } } }');
    expect(result.errors).toBeUndefined();
  });

  it('give a router its inline trace (ftv1) on both', async () => {
    const traced = await both(
      '{ farms(first: 2) { nodes { farmId } } }',
      {},
      {
        headers: { 'apollo-federation-include-trace': 'ftv1' },
      },
    );
    expect(traced.trace).toBe(true);
  });
});
