import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { globalIdOf } from '../../src/ids/globalId.js';
import { DATALOADER_EXAMPLE, README_FIRST_QUERY } from '../helpers/exampleQueries.js';
import { codes, startTestStack, type TestStack } from '../helpers/testStack.js';
import type { JobRef } from '../helpers/walk.js';

/**
 * Cost and shape limits, checked before execution (src/plugins/costLimitsPlugin.ts) with the default limits:
 * 10,000 nodes, 200 upstream calls, depth 12, 30 aliases, 50 directives, 5,000 tokens. Rejections cost zero
 * Deadline calls (the gateway's count and the emulator's own counter); accepted operations report
 * `extensions.cost`, and never make more calls than estimated.
 */
interface Cost {
  estimatedNodes: number | null;
  estimatedUpstreamCalls: number | null;
  actualUpstreamCalls: number;
}

let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 400 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

async function run(query: string, variables: Record<string, unknown> = {}) {
  stack.emulator?.resetCalls();
  const response = await stack.query(query, variables);
  const emulatorCalls = Object.values(stack.emulator?.calls() ?? {}).reduce((sum, n) => sum + n, 0);
  const cost = (response.extensions as { cost?: Cost } | undefined)?.cost;
  return { response, cost, emulatorCalls, upstreamCalls: response.extensions?.upstream?.calls };
}

async function expectAccepted(query: string, variables: Record<string, unknown> = {}) {
  const result = await run(query, variables);
  expect(result.response.errors, JSON.stringify(result.response.errors)).toBeUndefined();
  expect(result.response.status).toBe(200);
  const cost = result.cost as Cost;
  expect(cost.actualUpstreamCalls).toBe(result.upstreamCalls);
  expect(cost.actualUpstreamCalls).toBe(result.emulatorCalls);
  // The model never under-estimates.
  expect(cost.actualUpstreamCalls).toBeLessThanOrEqual(cost.estimatedUpstreamCalls as number);
  return { ...result, cost };
}

async function expectRejected(code: string, query: string, variables: Record<string, unknown> = {}) {
  const result = await run(query, variables);
  expect(result.response.status).toBe(400);
  expect(codes(result.response)).toEqual([code]);
  expect(result.response.data).toBeUndefined();
  expect(result.upstreamCalls).toBe(0);
  expect(result.emulatorCalls).toBe(0);
  expect(result.cost?.actualUpstreamCalls).toBe(0);
  return result.response.errors?.[0]?.message ?? '';
}

describe('accepted operations report their cost', () => {
  it('the README example', async () => {
    const { cost } = await expectAccepted(README_FIRST_QUERY);
    expect(cost.estimatedNodes).toBe(480);
    expect(cost.estimatedUpstreamCalls).toBe(160);
    expect(cost.actualUpstreamCalls).toBeGreaterThan(0);
  });

  it('the DataLoader example', async () => {
    const { cost } = await expectAccepted(DATALOADER_EXAMPLE, { ...(dataset.edgeJobs.get(250) as JobRef) });
    expect(cost).toMatchObject({ estimatedNodes: 100, estimatedUpstreamCalls: 13 });
  });

  it('and the standard introspection query', async () => {
    const { getIntrospectionQuery } = await import('graphql');
    const { cost } = await expectAccepted(getIntrospectionQuery());
    expect(cost).toEqual({ estimatedNodes: 0, estimatedUpstreamCalls: 0, actualUpstreamCalls: 0 });
  });

  it('a failing operation (bad argument) still carries extensions.cost', async () => {
    const { response, cost } = await run('{ farms(first: 1000) { nodes { farmId } } }');
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(cost?.actualUpstreamCalls).toBe(0);
  });
});

describe('hostile operations are rejected before any Deadline call', () => {
  it('20 levels of parents and children (Session.job.queue.farm…): QUERY_TOO_DEEP', async () => {
    const job = dataset.edgeJobs.get(1) as JobRef;
    let body = 'sessionId';
    for (let i = 0; i < 3; i++) {
      body = `job { queue { farm { queue(queueId: "${job.queueId}") { job(jobId: "${job.jobId}") { sessions(first: 1) { nodes { ${body} } } } } } } }`;
    }
    const query = `{ job(farmId: "${job.farmId}", queueId: "${job.queueId}", jobId: "${job.jobId}") { sessions(first: 1) { nodes { ${body} } } } }`;
    const message = await expectRejected('QUERY_TOO_DEEP', query);
    expect(message).toMatch(/21 levels deep; the limit is 12/);
  });

  it('50 aliases: TOO_MANY_ALIASES', async () => {
    const fields = Array.from({ length: 50 }, (_, i) => `a${i}: farms(first: 1) { nodes { farmId } }`).join(
      '\n',
    );
    const message = await expectRejected('TOO_MANY_ALIASES', `{ ${fields} }`);
    expect(message).toMatch(/50 aliases .*limit is 30/);
  });

  it('60 directives: TOO_MANY_DIRECTIVES', async () => {
    const fields = Array.from({ length: 60 }, () => 'farmId @include(if: true)').join(' ');
    const message = await expectRejected(
      'TOO_MANY_DIRECTIVES',
      `{ farms(first: 1) { nodes { ${fields} } } }`,
    );
    expect(message).toMatch(/60 directives.*limit is 50/);
  });

  it('more than 5,000 tokens: TOO_MANY_TOKENS (the parser stops)', async () => {
    const query = `{ farms(first: 1) { nodes { ${'farmId '.repeat(6000)} } } }`;
    const message = await expectRejected('TOO_MANY_TOKENS', query);
    expect(message).toMatch(/more than 5000 tokens/);
  });

  it('first: 100 three levels deep (1,010,100 nodes): QUERY_TOO_COSTLY', async () => {
    const message = await expectRejected(
      'QUERY_TOO_COSTLY',
      '{ farms(first: 100) { nodes { queues(first: 100) { nodes { jobs(first: 100) { nodes { jobId } } } } } } }',
    );
    expect(message).toMatch(/up to 10101 Deadline API calls \(limit 200\)/);
    expect(message).toMatch(/up to 1010100 list items \(limit 10000\)/);
    expect(message).toMatch(/smaller pages .*`first`.*nest fewer lists.*split it/);
  });

  it('a query whose upstream estimate alone exceeds 200 calls: QUERY_TOO_COSTLY', async () => {
    // 50 + 50 × 10 = 550 nodes, but 1 ListFarms + 50 ListQueues + 500 GetQueue (descriptions) = 551 calls.
    const message = await expectRejected(
      'QUERY_TOO_COSTLY',
      '{ farms(first: 50) { nodes { queues(first: 10) { nodes { description } } } } }',
    );
    expect(message).toMatch(/up to 551 Deadline API calls \(limit 200\)/);
    expect(message).not.toMatch(/list items/);
    expect(message).toMatch(/costliest part is `farms.queues`/);
  });

  it('the rejection carries the numbers in extensions', async () => {
    const { response } = await run(
      '{ farms(first: 100) { nodes { fleets(first: 100) { nodes { fleetId } } } } }',
    );
    expect(response.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COSTLY',
      estimatedNodes: 10_100,
      estimatedUpstreamCalls: 101,
      maxNodes: 10_000,
      maxUpstreamCalls: 200,
    });
  });
});

describe('the estimate is never below the calls actually made', () => {
  it('over a varied set of accepted operations', async () => {
    const farm = dataset.farms[0];
    if (!farm) throw new Error('no farm');
    const farmId = farm.farmId;
    const edge100 = dataset.edgeJobs.get(100) as JobRef;
    const edge250 = dataset.edgeJobs.get(250) as JobRef;
    const edge400 = dataset.edgeJobs.get(400) as JobRef;
    const queue = (dataset.queues.get(farmId) ?? [])[0];
    const fleet = (dataset.fleets.get(farmId) ?? [])[0];
    if (!queue || !fleet) throw new Error('no queue or fleet');
    const sessions = dataset.sessions.get(`${edge250.farmId}/${edge250.queueId}/${edge250.jobId}`) ?? [];

    const cases: Array<[string, Record<string, unknown>]> = [
      [README_FIRST_QUERY, {}],
      [DATALOADER_EXAMPLE, { ...edge400 }],
      [
        '{ farms(first: 3) { pageInfo { hasNextPage } nodes { description costScaleFactor fleets(first: 5) { nodes { roleArn } } } } }',
        {},
      ],
      [
        // A page that ends where an upstream page ends: hasNextPage needs the look-ahead.
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          description sessions(first: 100) { pageInfo { hasNextPage } nodes { log { logDriver } hostProperties { hostName } } } } }`,
        { ...edge100 },
      ],
      [
        `query($farmId: ID!, $queueId: ID!) { queue(farmId: $farmId, queueId: $queueId) {
          farm { displayName } jobs(first: 20) { nodes { description parameters { name } queue { displayName }
            sessions(first: 3) { nodes { job { name queue { farm { displayName } } } worker { fleet { displayName } } } } } } } }`,
        { farmId, queueId: queue.queueId },
      ],
      [
        `query($farmId: ID!, $fleetId: ID!) { fleet(farmId: $farmId, fleetId: $fleetId) {
          farm { description } workers(first: 100) { pageInfo { hasNextPage } nodes { hostName fleet { description } } } } }`,
        { farmId, fleetId: fleet.fleetId },
      ],
      [
        'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Job { description sessions(first: 2) { nodes { sessionId } } } ... on Farm { description } ... on Session { log { logDriver } fleet { displayName } } } }',
        {
          ids: [
            globalIdOf('Job', edge100),
            globalIdOf('Job', edge250),
            globalIdOf('Farm', { farmId }),
            ...sessions.slice(0, 5).map((s) => globalIdOf('Session', { ...edge250, sessionId: s.sessionId })),
          ],
        },
      ],
      [
        'query($id: ID!) { node(id: $id) { ... on Queue { jobs(first: 5) { nodes { sessions(first: 5) { nodes { worker { hostName } } } } } } } }',
        { id: globalIdOf('Queue', { farmId, queueId: queue.queueId }) },
      ],
      [
        'query($r: [_Any!]!) { _entities(representations: $r) { ... on Job { name description } ... on Fleet { displayName } } }',
        {
          r: [
            { __typename: 'Job', ...edge100 },
            { __typename: 'Job', ...edge250 },
            { __typename: 'Fleet', farmId, fleetId: fleet.fleetId },
          ],
        },
      ],
    ];
    for (const [query, variables] of cases) await expectAccepted(query, variables);
  });

  it("over the views inside a job: steps, tasks, session actions, links, a worker's sessions", async () => {
    const farmId = dataset.farms[0]?.farmId ?? '';
    const queueId = dataset.queues.get(farmId)?.[0]?.queueId ?? '';
    const [jobId = '', steps = []] =
      [...dataset.steps.entries()]
        .filter(([path]) => path.startsWith(`${farmId}/${queueId}/`))
        .map(([path, list]) => [path.split('/')[2], list] as const)
        .sort((a, b) => b[1].length - a[1].length)[0] ?? [];
    const job = { farmId, queueId, jobId };
    const step = steps.at(-1);
    const action = dataset.sessionActions.get(`${farmId}/${queueId}/${jobId}`)?.[0];
    const fleet = dataset.fleets.get(farmId)?.[0];
    const worker = dataset.workers.get(`${farmId}/${fleet?.fleetId}`)?.[0];
    const cases: Array<[string, Record<string, unknown>]> = [
      [
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          steps(first: 10) { nodes { name description tasks(first: 50) { pageInfo { hasNextPage }
            nodes { runStatus parameters { value } latestSessionAction { status processExitCode session { workerId } } } } } } } }`,
        job,
      ],
      [
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!, $stepId: ID!) { step(farmId: $farmId, queueId: $queueId, jobId: $jobId, stepId: $stepId) {
          dependencies(first: 5) { edges { status node { name } } } consumers { nodes { name parameterSpace { combination } } } } }`,
        { ...job, stepId: step?.stepId },
      ],
      [
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!) { job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          sessions(first: 3) { nodes { actions(first: 10) { nodes { status progressMessage definition {
            ... on TaskRunAction { task { runStatus } step { name } } ... on SyncInputJobAttachmentsAction { step { name } } } } } } }
          sessionActions(first: 20) { nodes { session { workerId } } } } }`,
        job,
      ],
      [
        `query($farmId: ID!, $queueId: ID!, $jobId: ID!, $sessionActionId: ID!) {
          sessionAction(farmId: $farmId, queueId: $queueId, jobId: $jobId, sessionActionId: $sessionActionId) { sessionId job { name } } }`,
        { ...job, sessionActionId: action?.sessionActionId },
      ],
      [
        `query($farmId: ID!, $queueIds: [ID!]!) { farm(farmId: $farmId) {
          recent: jobSearch(queueIds: $queueIds, last: 10) { totalCount nodes { description queue { displayName } steps(first: 3) { nodes { name } } } }
          failed: jobSearch(queueIds: $queueIds, filter: { taskRunStatus: { eq: FAILED } }, first: 5) { totalCount nodes { parameters { name } } } } }`,
        { farmId, queueIds: (dataset.queues.get(farmId) ?? []).map((q) => q.queueId) },
      ],
      [
        `query($farmId: ID!, $fleetId: ID!, $workerId: ID!) { worker(farmId: $farmId, fleetId: $fleetId, workerId: $workerId) {
          sessions(first: 30) { nodes { updatedAt log { logDriver } job { name } actions(first: 2) { nodes { status } } } } } }`,
        { farmId, fleetId: fleet?.fleetId, workerId: worker?.workerId },
      ],
    ];
    for (const [query, variables] of cases) await expectAccepted(query, variables);
  });

  it('resuming mid-page (after) may straddle two upstream pages', async () => {
    const page = `query($farmId: ID!, $queueId: ID!, $jobId: ID!, $after: String) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
        sessions(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { sessionId } } } }`;
    const edge250 = dataset.edgeJobs.get(250) as JobRef;
    const first30 = page.replace('first: 100, after: $after', 'first: 30').replace(', $after: String', '');
    const short = await expectAccepted(first30, { ...edge250 });
    const after = (short.response.data as { job: { sessions: { pageInfo: { endCursor: string } } } }).job
      .sessions.pageInfo.endCursor;
    const { cost } = await expectAccepted(page, { ...edge250, after });
    // ListSessions for sessions 30–99 and 100–129: 2 calls (no BatchGetJob: ListSessions proves the job, see
    // src/resolvers/rootLookup.ts), estimated 1 + (1 + 1): the model still counts the lookup, an upper bound.
    expect(cost).toEqual({ estimatedNodes: 100, estimatedUpstreamCalls: 3, actualUpstreamCalls: 2 });
  });
});
