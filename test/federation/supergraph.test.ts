import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { buildSchema, type GraphQLObjectType, isInterfaceType, isObjectType, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { ENTITY_TYPES } from '../../src/ids/keys.js';
import { subgraphSdl } from '../../src/schema.js';
import {
  type JobRef,
  type ProductionsSubgraph,
  productionsTypeDefs,
  type SessionRef,
  type ShotData,
  startProductionsSubgraph,
} from '../fixtures/productionsSubgraph.js';
import { compose, type Supergraph, startSupergraph } from '../helpers/supergraph.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * The Deadline subgraph composed with an independently written "productions" subgraph (its own Node, PageInfo and
 * connection; stores jobs and sessions by native IDs) and served through @apollo/gateway over HTTP. Queries cross
 * the boundary both ways; upstream calls are counted by the emulator (the gateway drops subgraph extensions).
 */
let stack: TestStack;
let dataset: Dataset;
let productions: ProductionsSubgraph;
let supergraph: Supergraph;

interface JobInfo extends JobRef {
  name: string;
  lifecycleStatus: string;
}

/** Every job of the dataset, round-robin over its queues (so any slice spans several queues). */
let jobPool: JobInfo[];
/** Jobs left without a shot (every fourth of each queue), for `Job.shot: null`. */
let shotless: Set<string>;
/** job path → shot code. */
const shotOfJob = new Map<string, string>();
let sessionShots: Array<ShotData & { latestSession: SessionRef }>;
let shots: ShotData[];

const MISSING_JOB_ID = `job-${'0'.repeat(32)}`;
const jobPath = (j: JobRef) => `${j.farmId}/${j.queueId}/${j.jobId}`;

beforeAll(async () => {
  stack = await startTestStack({
    emulator: { sizes: { jobsPerQueue: 60, workersPerFleet: 60, largeJobSessions: 400 } },
  });
  dataset = stack.emulator?.dataset as Dataset;

  const byQueue = [...dataset.jobs.entries()].map(([path, jobs]) => {
    const [farmId, queueId] = path.split('/') as [string, string];
    return jobs.map((job) => ({
      farmId,
      queueId,
      jobId: job.jobId,
      name: job.name,
      lifecycleStatus: job.lifecycleStatus,
    }));
  });
  shotless = new Set(byQueue.flatMap((jobs) => jobs.filter((_, i) => i % 4 === 3).map(jobPath)));
  jobPool = roundRobin(byQueue).filter((j) => !shotless.has(jobPath(j)));
  expect(jobPool.length).toBeGreaterThanOrEqual(203);

  // Sessions: the first session of every job that has one, round-robin over jobs, for 150 shots.
  const firstSessions = [...dataset.sessions.entries()].flatMap(([path, sessions]) => {
    const [farmId, queueId, jobId] = path.split('/') as [string, string, string];
    const s = sessions[0];
    return s ? [{ farmId, queueId, jobId, sessionId: s.sessionId }] : [];
  });
  expect(firstSessions.length).toBeGreaterThanOrEqual(150);
  sessionShots = firstSessions.slice(0, 150).map((session, i) => ({
    code: `S${String(i).padStart(3, '0')}`,
    renderJobs: [],
    latestSession: session,
  }));

  const ref = ({ farmId, queueId, jobId }: JobRef): JobRef => ({ farmId, queueId, jobId });
  const sh50 = jobPool.slice(0, 50);
  const sh150 = jobPool.slice(50, 200);
  const miss = jobPool.slice(200, 203);
  const missing = { farmId: miss[0]?.farmId ?? '', queueId: miss[0]?.queueId ?? '', jobId: MISSING_JOB_ID };
  shots = [
    ...sessionShots,
    { code: 'SH50', renderJobs: sh50.map(ref) },
    { code: 'SH150', renderJobs: sh150.map(ref) },
    {
      code: 'SHMISS',
      renderJobs: [ref(miss[0] as JobRef), missing, ref(miss[1] as JobRef), ref(miss[2] as JobRef)],
    },
  ];
  for (const shot of shots) for (const job of shot.renderJobs) shotOfJob.set(jobPath(job), shot.code);

  productions = await startProductionsSubgraph(shots);
  supergraph = await startSupergraph([
    { name: 'deadline', url: `${stack.url}/graphql`, typeDefs: parse(subgraphSdl()) },
    { name: 'productions', url: productions.url, typeDefs: productionsTypeDefs },
  ]);
});
afterAll(async () => {
  await supergraph?.close();
  await productions?.close();
  await stack?.close();
});

/** Runs a query through the supergraph and returns it with the Deadline calls it cost. */
async function run<T>(query: string, variables: Record<string, unknown> = {}) {
  stack.emulator?.resetCalls();
  const response = await supergraph.query<T>(query, variables);
  return { ...response, calls: stack.emulator?.calls() ?? {} };
}

const queueNames = () =>
  new Map([...dataset.queues.values()].flat().map((q) => [`${q.farmId}/${q.queueId}`, q.displayName]));

const RENDER_JOBS = /* GraphQL */ `
  query($code: String!) {
    shot(code: $code) { code renderJobs { name lifecycleStatus queue { displayName } } }
  }
`;
interface RenderJobsData {
  shot: {
    code: string;
    renderJobs: Array<{ name: string; lifecycleStatus: string; queue: { displayName: string } } | null>;
  } | null;
}

describe('productions → deadline', () => {
  it.each([
    ['SH50', 50, 1],
    ['SH150', 150, 2],
  ])(
    '%s: %i referenced jobs cost %i BatchGetJob and one GetQueue per distinct queue',
    async (code, n, batches) => {
      const jobs = code === 'SH50' ? jobPool.slice(0, 50) : jobPool.slice(50, 200);
      expect(jobs).toHaveLength(n);
      const distinctQueues = new Set(jobs.map((j) => `${j.farmId}/${j.queueId}`));
      expect(distinctQueues.size).toBeGreaterThan(2);

      const { data, errors, calls } = await run<RenderJobsData>(RENDER_JOBS, { code });
      expect(errors).toBeUndefined();
      const names = queueNames();
      expect(data?.shot?.renderJobs).toEqual(
        jobs.map((j) => ({
          name: j.name,
          lifecycleStatus: j.lifecycleStatus,
          queue: { displayName: names.get(`${j.farmId}/${j.queueId}`) },
        })),
      );
      expect(calls).toEqual({ BatchGetJob: batches, GetQueue: distinctQueues.size });
    },
  );

  it.each([50, 150])(
    'latestSession of %i shots: ⌈N/100⌉ BatchGetSession, ⌈workers/100⌉ BatchGetWorker',
    async (n) => {
      const expected = sessionShots.slice(0, n).map((shot) => {
        const s = shot.latestSession;
        const record = dataset.sessions.get(jobPath(s))?.find((r) => r.sessionId === s.sessionId);
        if (!record) throw new Error('session not in dataset');
        const worker = dataset.workers
          .get(`${s.farmId}/${record.fleetId}`)
          ?.find((w) => w.workerId === record.workerId);
        return {
          lifecycleStatus: record.lifecycleStatus,
          workerKey: `${s.farmId}/${record.fleetId}/${record.workerId}`,
          hostName: worker?.hostProperties?.hostName ?? null,
        };
      });
      const distinctWorkers = new Set(expected.map((e) => e.workerKey)).size;

      const { data, errors, calls } = await run<{
        shots: {
          edges: Array<{
            node: { latestSession: { lifecycleStatus: string; worker: { hostName: string | null } } };
          }>;
        };
      }>(
        `query($n: Int) { shots(first: $n) { edges { node { latestSession { lifecycleStatus worker { hostName } } } } } }`,
        { n },
      );
      expect(errors).toBeUndefined();
      expect(data?.shots.edges.map((e) => e.node.latestSession)).toEqual(
        expected.map((e) => ({ lifecycleStatus: e.lifecycleStatus, worker: { hostName: e.hostName } })),
      );
      expect(calls).toEqual({
        BatchGetSession: Math.ceil(n / 100),
        BatchGetWorker: Math.ceil(distinctWorkers / 100),
      });
    },
  );

  it('a missing job among referenced ones: NOT_FOUND at its index, sibling fields resolve', async () => {
    const { data, errors, calls } = await run<{
      missing: { code: string; renderJobs: Array<{ jobId: string; name: string }> } | null;
      other: { code: string; latestSession: { sessionId: string } | null } | null;
    }>(
      '{ missing: shot(code: "SHMISS") { code renderJobs { jobId name } } other: shot(code: "S000") { code latestSession { sessionId } } }',
    );
    // The productions subgraph declares `renderJobs: [Job!]!`, so GraphQL's null propagation makes the null
    // item null its shot; the error says which job, and the other shot of the same request is untouched.
    expect(data?.missing).toBeNull();
    expect(data?.other).toEqual({
      code: 'S000',
      latestSession: { sessionId: sessionShots[0]?.latestSession.sessionId },
    });
    expect((errors ?? []).map((e) => [e.extensions?.code, e.path])).toEqual([
      ['NOT_FOUND', ['missing', 'renderJobs', 1]],
    ]);
    expect(errors?.[0]?.message).toContain(MISSING_JOB_ID);
    // The four references (one missing) are one batch; `latestSession { sessionId }` needs no Deadline call.
    expect(calls).toEqual({ BatchGetJob: 1 });
  });

  it('a missing job referenced from a subgraph whose list allows null items: only that item is null', async () => {
    const [a, b, c] = jobPool.slice(200, 203) as [JobInfo, JobInfo, JobInfo];
    const missing = { farmId: a.farmId, queueId: a.queueId, jobId: MISSING_JOB_ID };
    const playlist = await startPlaylistSubgraph([a, missing, b, c]);
    const graph = await startSupergraph([
      { name: 'deadline', url: `${stack.url}/graphql`, typeDefs: parse(subgraphSdl()) },
      { name: 'playlists', url: playlist.url, typeDefs: PLAYLIST_TYPE_DEFS },
    ]);
    try {
      stack.emulator?.resetCalls();
      const { data, errors } = await graph.query<{ playlist: { jobs: Array<{ name: string } | null> } }>(
        '{ playlist { jobs { name queue { displayName } } } }',
      );
      const names = queueNames();
      expect(data?.playlist.jobs).toEqual([
        { name: a.name, queue: { displayName: names.get(`${a.farmId}/${a.queueId}`) } },
        null,
        { name: b.name, queue: { displayName: names.get(`${b.farmId}/${b.queueId}`) } },
        { name: c.name, queue: { displayName: names.get(`${c.farmId}/${c.queueId}`) } },
      ]);
      expect((errors ?? []).map((e) => [e.extensions?.code, e.path])).toEqual([
        ['NOT_FOUND', ['playlist', 'jobs', 1]],
      ]);
      expect(stack.emulator?.calls().BatchGetJob).toBe(1);
    } finally {
      await graph.close();
      await playlist.close();
    }
  });
});

describe('deadline → productions', () => {
  it('job(farmId, queueId, jobId) { shot { code } }', async () => {
    const withShot = jobPool[7] as JobInfo;
    const without = [...dataset.jobs.entries()].flatMap(([path, jobs]) =>
      jobs.filter((j) => shotless.has(`${path}/${j.jobId}`)).map((j) => ({ path, job: j })),
    )[0];
    if (!without) throw new Error('no shotless job');
    const [wf, wq] = without.path.split('/') as [string, string];
    const { data, errors, calls } = await run<{
      a: { name: string; shot: { code: string } | null };
      b: { name: string; shot: { code: string } | null };
    }>(
      `query($f: ID!, $q: ID!, $j: ID!, $f2: ID!, $q2: ID!, $j2: ID!) {
        a: job(farmId: $f, queueId: $q, jobId: $j) { name shot { code } }
        b: job(farmId: $f2, queueId: $q2, jobId: $j2) { name shot { code } }
      }`,
      { f: withShot.farmId, q: withShot.queueId, j: withShot.jobId, f2: wf, q2: wq, j2: without.job.jobId },
    );
    expect(errors).toBeUndefined();
    expect(data?.a).toEqual({ name: withShot.name, shot: { code: 'SH50' } });
    expect(data?.b).toEqual({ name: without.job.name, shot: null });
    expect(calls).toEqual({ BatchGetJob: 1 });
  });

  it('queue { jobs(first: 20) { nodes { name shot { code } } } }: jobs with and without a shot', async () => {
    const farmId = dataset.farms[0]?.farmId ?? '';
    const queueId = dataset.queues.get(farmId)?.[2]?.queueId ?? '';
    const jobs = (dataset.jobs.get(`${farmId}/${queueId}`) ?? []).slice(0, 20);
    const expected = jobs.map((j) => ({
      name: j.name,
      shot: shotOfJob.has(`${farmId}/${queueId}/${j.jobId}`)
        ? { code: shotOfJob.get(`${farmId}/${queueId}/${j.jobId}`) }
        : null,
    }));
    expect(expected.some((e) => e.shot === null)).toBe(true);
    expect(expected.some((e) => e.shot !== null)).toBe(true);

    const { data, errors, calls } = await run<{
      queue: { jobs: { nodes: Array<{ name: string; shot: { code: string } | null }> } };
    }>(
      'query($f: ID!, $q: ID!) { queue(farmId: $f, queueId: $q) { jobs(first: 20) { nodes { name shot { code } } } } }',
      {
        f: farmId,
        q: queueId,
      },
    );
    expect(errors).toBeUndefined();
    expect(data?.queue.jobs.nodes).toEqual(expected);
    expect(calls).toEqual({ ListJobs: 1 });
  });

  it('a round trip: shot → jobs (deadline) → shot (productions)', async () => {
    const { data, errors } = await run<{ shot: { renderJobs: Array<{ shot: { code: string } | null }> } }>(
      '{ shot(code: "SH50") { renderJobs { jobId shot { code } } } }',
    );
    expect(errors).toBeUndefined();
    expect(data?.shot.renderJobs.map((j) => j.shot?.code)).toEqual(Array(50).fill('SH50'));
  });
});

describe('composition', () => {
  it('merges both PageInfo definitions, both Node interfaces, and adds Job.shot', () => {
    const { supergraphSdl, apiSchemaSdl } = compose([
      { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl()) },
      { name: 'productions', url: 'http://productions.invalid/graphql', typeDefs: productionsTypeDefs },
    ]);
    const api = buildSchema(apiSchemaSdl);

    const pageInfo = api.getType('PageInfo') as GraphQLObjectType;
    expect(isObjectType(pageInfo)).toBe(true);
    expect(Object.keys(pageInfo.getFields()).sort()).toEqual(
      ['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor'].sort(),
    );
    expect(apiSchemaSdl.match(/^type PageInfo\b/gm)).toHaveLength(1);
    // Both subgraphs own PageInfo in the supergraph.
    const pageInfoDef = supergraphSdl.match(/type PageInfo[^{]*\{/)?.[0] ?? '';
    expect(pageInfoDef).toContain('@join__type(graph: DEADLINE)');
    expect(pageInfoDef).toContain('@join__type(graph: PRODUCTIONS)');
    const nodeDef = supergraphSdl.match(/interface Node[^{]*\{/)?.[0] ?? '';
    expect(nodeDef).toContain('@join__type(graph: DEADLINE)');
    expect(nodeDef).toContain('@join__type(graph: PRODUCTIONS)');

    const node = api.getType('Node');
    expect(isInterfaceType(node)).toBe(true);
    const implementations = api
      .getPossibleTypes(node as never)
      .map((t) => t.name)
      .sort();
    expect(implementations).toEqual([...ENTITY_TYPES, 'Shot'].sort());

    const job = api.getType('Job') as GraphQLObjectType;
    expect(job.getFields().shot?.type.toString()).toBe('Shot');
    // Nullable (schema/semanticNonNull.graphql); @semanticNonNull is this subgraph's own directive, left out of the
    // supergraph by composition.
    expect(job.getFields().sessions?.type.toString()).toBe('SessionConnection');
    expect(supergraphSdl).not.toContain('semanticNonNull');
    expect(apiSchemaSdl).not.toContain('semanticNonNull');
    const shot = api.getType('Shot') as GraphQLObjectType;
    expect(shot.getFields().renderJobs?.type.toString()).toBe('[Job!]!');
    const query = api.getQueryType()?.getFields() ?? {};
    expect(Object.keys(query)).toEqual(
      expect.arrayContaining(['node', 'nodes', 'job', 'farms', 'shots', 'shot']),
    );
    expect(api.getType('ShotConnection')).toBeDefined();
    expect(api.getType('JobConnection')).toBeDefined();
  });
});

describe('RELAY_NODE_FIELD', () => {
  const others = () => [
    { name: 'productions', url: 'http://productions.invalid/graphql', typeDefs: productionsTypeDefs },
    { name: 'directory', url: 'http://directory.invalid/graphql', typeDefs: DIRECTORY_TYPE_DEFS },
  ];

  it('a subgraph with its own Query.node does not compose with the default SDL', () => {
    let message = '';
    try {
      compose([
        { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl()) },
        ...others(),
      ]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toBe('');
    expect(message).toMatch(/Query\.node\b/);
  });

  it('composes with the Relay fields off', () => {
    const { apiSchemaSdl } = compose([
      { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl(null)) },
      ...others(),
    ]);
    const query = buildSchema(apiSchemaSdl).getQueryType()?.getFields() ?? {};
    expect(query.node?.type.toString()).toBe('Node');
    expect(query.nodes).toBeUndefined();
    expect(query.job).toBeDefined();
  });

  it('composes with the Relay fields renamed, and deadlineNode works through the gateway', async () => {
    const nodeFields = { node: 'deadlineNode', nodes: 'deadlineNodes' };
    const renamed = await startTestStack({
      emulator: { sizes: { jobsPerQueue: 4, largeJobSessions: 10 } },
      gateway: { nodeFields },
    });
    const directory = await startDirectorySubgraph();
    const prods = await startProductionsSubgraph([]);
    const graph = await startSupergraph([
      { name: 'deadline', url: `${renamed.url}/graphql`, typeDefs: parse(subgraphSdl(nodeFields)) },
      { name: 'productions', url: prods.url, typeDefs: productionsTypeDefs },
      { name: 'directory', url: directory.url, typeDefs: DIRECTORY_TYPE_DEFS },
    ]);
    try {
      const query = buildSchema(graph.apiSchemaSdl).getQueryType()?.getFields() ?? {};
      expect(query.deadlineNode?.type.toString()).toBe('Node');
      expect(query.deadlineNodes?.type.toString()).toBe('[Node]!');

      const ds = renamed.emulator?.dataset as Dataset;
      const farm = ds.farms[0];
      const queue = ds.queues.get(farm?.farmId ?? '')?.[0];
      const job = ds.jobs.get(`${farm?.farmId}/${queue?.queueId}`)?.[0];
      const jobGid = Buffer.from(`Job:${farm?.farmId}/${queue?.queueId}/${job?.jobId}`).toString('base64');
      const farmGid = Buffer.from(`Farm:${farm?.farmId}`).toString('base64');
      const { data, errors } = await graph.query<{
        deadlineNode: { __typename: string; id: string; name: string } | null;
        deadlineNodes: Array<{ __typename: string; displayName?: string } | null>;
        node: { __typename: string; name: string } | null;
      }>(
        `query($id: ID!, $ids: [ID!]!) {
          deadlineNode(id: $id) { __typename id ... on Job { name } }
          deadlineNodes(ids: $ids) { __typename ... on Farm { displayName } }
          node(id: "person-1") { __typename ... on Person { name } }
        }`,
        { id: jobGid, ids: [farmGid] },
      );
      expect(errors).toBeUndefined();
      expect(data?.deadlineNode).toEqual({ __typename: 'Job', id: jobGid, name: job?.name });
      expect(data?.deadlineNodes).toEqual([{ __typename: 'Farm', displayName: farm?.displayName }]);
      expect(data?.node).toEqual({ __typename: 'Person', name: 'Ada' });
    } finally {
      await graph.close();
      await prods.close();
      await directory.close();
      await renamed.close();
    }
  });
});

describe('router secret', () => {
  const secret = 'x'.repeat(24);
  let guarded: TestStack;
  beforeAll(async () => {
    guarded = await startTestStack({
      emulator: { sizes: { jobsPerQueue: 4, largeJobSessions: 10 } },
      gateway: { routerSecret: secret },
    });
  });
  afterAll(() => guarded?.close());

  const post = (headers: Record<string, string>) =>
    fetch(`${guarded.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: '{ farms(first: 1) { nodes { farmId } } }' }),
    });

  it('refuses a direct request without the header: 401 UNAUTHENTICATED, no Deadline call', async () => {
    guarded.emulator?.resetCalls();
    const response = await post({});
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(guarded.emulator?.totalCalls()).toBe(0);
  });

  it('refuses a wrong secret, of the same length or not', async () => {
    for (const wrong of ['y'.repeat(24), 'x'.repeat(23), `${secret}x`, '']) {
      const response = await post({ 'router-authorization': wrong });
      expect(response.status, JSON.stringify(wrong)).toBe(401);
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
      expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('keeps /healthz open', async () => {
    const response = await fetch(`${guarded.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('answers a direct request with the secret', async () => {
    const response = await post({ 'router-authorization': secret });
    expect(response.status).toBe(200);
  });

  it('works through a supergraph that sends the secret, not through one that does not', async () => {
    const ds = guarded.emulator?.dataset as Dataset;
    const farm = ds.farms[0];
    const prods = await startProductionsSubgraph([]);
    const withSecret = await startSupergraph([
      {
        name: 'deadline',
        url: `${guarded.url}/graphql`,
        typeDefs: parse(subgraphSdl()),
        headers: { 'router-authorization': secret },
      },
      { name: 'productions', url: prods.url, typeDefs: productionsTypeDefs },
    ]);
    const withoutSecret = await startSupergraph([
      { name: 'deadline', url: `${guarded.url}/graphql`, typeDefs: parse(subgraphSdl()) },
      { name: 'productions', url: prods.url, typeDefs: productionsTypeDefs },
    ]);
    try {
      const query =
        'query($f: ID!) { farm(farmId: $f) { displayName queues(first: 1) { nodes { queueId } } } }';
      const ok = await withSecret.query<{ farm: { displayName: string } }>(query, { f: farm?.farmId });
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.farm.displayName).toBe(farm?.displayName);

      const refused = await withoutSecret.query<{ farm: unknown }>(query, { f: farm?.farmId });
      expect(refused.data?.farm ?? null).toBeNull();
      expect(refused.errors?.length ?? 0).toBeGreaterThan(0);
    } finally {
      await withSecret.close();
      await withoutSecret.close();
      await prods.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------- helpers

/** A third subgraph with its own Relay `Query.node` (a studio directory of people). */
const DIRECTORY_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    node(id: ID!): Node
  }

  interface Node {
    id: ID!
  }

  type Person implements Node @key(fields: "id") {
    id: ID!
    name: String!
  }
`);

async function startDirectorySubgraph() {
  const people = new Map([['person-1', { id: 'person-1', name: 'Ada' }]]);
  const schema = buildSubgraphSchema({
    typeDefs: DIRECTORY_TYPE_DEFS,
    resolvers: {
      Query: {
        node: (_: unknown, { id }: { id: string }) => {
          const person = people.get(id);
          return person ? { __typename: 'Person', ...person } : null;
        },
      },
      Person: { __resolveReference: (ref: { id: string }) => people.get(ref.id) ?? null },
    },
  });
  return startSubgraphServer(schema);
}

/** A subgraph that lists jobs with nullable items, so a missing job can be null on its own. */
const PLAYLIST_TYPE_DEFS = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])

  type Query {
    playlist: Playlist!
  }

  type Playlist {
    jobs: [Job]!
  }

  type Job @key(fields: "farmId queueId jobId", resolvable: false) {
    farmId: ID!
    queueId: ID!
    jobId: ID!
  }
`);

async function startPlaylistSubgraph(jobs: JobRef[]) {
  const schema = buildSubgraphSchema({
    typeDefs: PLAYLIST_TYPE_DEFS,
    resolvers: {
      Query: {
        playlist: () => ({
          jobs: jobs.map(({ farmId, queueId, jobId }) => ({ __typename: 'Job', farmId, queueId, jobId })),
        }),
      },
    },
  });
  return startSubgraphServer(schema);
}

async function startSubgraphServer(schema: ReturnType<typeof buildSubgraphSchema>) {
  const server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url, close: () => server.stop() };
}

function roundRobin<T>(lists: T[][]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let i = 0; i < longest; i++) {
    for (const list of lists) {
      const item = list[i];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}
