import { getIntrospectionQuery, getOperationAST, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { globalIdOf } from '../../src/ids/globalId.js';
import { CursorCodec } from '../../src/pagination/cursor.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { CostEstimateCache, estimateCost, listCalls, lookupCalls } from '../../src/validation/costModel.js';
import { measureOperation } from '../../src/validation/operationLimits.js';
import { README_FIRST_QUERY } from '../helpers/exampleQueries.js';

const schema = buildGatewaySchema();
const hex = (c: string) => c.repeat(32);
const farmId = `farm-${hex('a')}`;
const queueId = `queue-${hex('b')}`;
const jobId = `job-${hex('c')}`;
const fleetId = `fleet-${hex('d')}`;

function prepare(query: string) {
  const document = parse(query);
  const errors = validate(schema, document);
  expect(errors.map((e) => e.message)).toEqual([]);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('no operation');
  return { document, operation };
}

function cost(query: string, variables: Record<string, unknown> = {}, chainPageSize = 100) {
  const { document, operation } = prepare(query);
  const { estimatedNodes, estimatedUpstreamCalls } = estimateCost(schema, document, operation, variables, {
    chainPageSize,
  });
  return { nodes: estimatedNodes, calls: estimatedUpstreamCalls };
}

function shape(query: string) {
  const { document, operation } = prepare(query);
  return measureOperation(schema, document, operation);
}

describe('the cost model', () => {
  it('the README example: products of `first`, ⌈n/100⌉ BatchGetWorker, GetFleet bounded by farms × 10', () => {
    // farms 1 ListFarms, 5 ListQueues, 25 ListJobs, 75 ListSessions (5 < 100 items: hasNextPage is known without
    // a look-ahead), ⌈375/100⌉ = 4 BatchGetWorker, min(375 sessions, 5 farms × 10) = 50 GetFleet.
    expect(cost(README_FIRST_QUERY)).toEqual({ nodes: 5 + 25 + 75 + 375, calls: 1 + 5 + 25 + 75 + 4 + 50 });
  });

  it('the DataLoader example: a job, a page of 100 sessions, their fleets and workers', () => {
    const query = /* GraphQL */ `
      query($farmId: ID!, $queueId: ID!, $jobId: ID!) {
        job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          sessions(first: 100) { nodes { fleet { displayName } worker { hostName } } }
        }
      }
    `;
    // BatchGetJob 1 + ListSessions 1 + GetFleet min(100, 1 farm × 10) + BatchGetWorker 1.
    expect(cost(query, { farmId, queueId, jobId })).toEqual({ nodes: 100, calls: 13 });
  });

  it('defaults `first` to 25, and adds the look-ahead only when hasNextPage may need it', () => {
    expect(cost('{ farms { nodes { farmId } } }')).toEqual({ nodes: 25, calls: 1 });
    expect(cost('{ farms(first: 100) { nodes { farmId } } }')).toEqual({ nodes: 100, calls: 1 });
    expect(cost('{ farms(first: 100) { pageInfo { hasNextPage } } }')).toEqual({ nodes: 100, calls: 2 });
    expect(cost('{ farms(first: 99) { pageInfo { hasNextPage } } }')).toEqual({ nodes: 99, calls: 1 });
    expect(cost('{ farms(first: 0) { pageInfo { hasNextPage } } }')).toEqual({ nodes: 0, calls: 1 });
    expect(cost('{ farms(first: 0) { pageInfo { endCursor } } }')).toEqual({ nodes: 0, calls: 0 });
    // A smaller chain page size (UPSTREAM_PAGE_SIZE) means more pages.
    expect(cost('{ farms(first: 25) { nodes { farmId } } }', {}, 10)).toEqual({ nodes: 25, calls: 3 });
  });

  it('a resumed page (after) may straddle two upstream pages of the size its cursor carries', () => {
    const codec = new CursorCodec(Buffer.alloc(32, 1));
    const after100 = codec.encode(
      { field: 'Query.farms', parentPath: '' },
      { token: 't', skip: 40, pageSize: 100 },
    );
    const after10 = codec.encode(
      { field: 'Query.farms', parentPath: '' },
      { token: 't', skip: 4, pageSize: 10 },
    );
    const query = 'query($after: String) { farms(first: 25, after: $after) { nodes { farmId } } }';
    expect(cost(query, { after: after100 })).toEqual({ nodes: 25, calls: 2 });
    expect(cost(query, { after: after10 })).toEqual({ nodes: 25, calls: 4 });
  });

  it('multiplies nested lists: first: 100 three levels deep is 1,010,100 nodes', () => {
    const query =
      '{ farms(first: 100) { nodes { queues(first: 100) { nodes { jobs(first: 100) { nodes { id } } } } } } }';
    expect(cost(query)).toEqual({ nodes: 100 + 100 ** 2 + 100 ** 3, calls: 1 + 100 + 100 ** 2 });
  });

  it('charges detail-only fields on listed objects one BatchGet per 100, once per selection', () => {
    const jobs = /* GraphQL */ `
      query($farmId: ID!, $queueId: ID!) {
        queue(farmId: $farmId, queueId: $queueId) {
          jobs(first: 50) { nodes { name description storageProfileId parameters { name } } }
        }
      }
    `;
    expect(cost(jobs, { farmId, queueId })).toEqual({ nodes: 50, calls: 1 + 1 + 1 });
    const sessions = /* GraphQL */ `
      query($farmId: ID!, $queueId: ID!, $jobId: ID!) {
        job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          description
          sessions(first: 100) { nodes { log { logDriver } workerLog { logDriver } } }
        }
      }
    `;
    // The looked-up job is already a detail; the 100 listed sessions need one BatchGetSession.
    expect(cost(sessions, { farmId, queueId, jobId })).toEqual({ nodes: 100, calls: 1 + 1 + 1 });
    // Farms listed 25 at a time: GetFarm per farm (no batch API).
    expect(cost('{ farms { nodes { description } } }')).toEqual({ nodes: 25, calls: 1 + 25 });
  });

  it('walking back up to parents the request already holds is free; unknown ones cost one lookup per key', () => {
    const query = /* GraphQL */ `
      query($farmId: ID!, $queueId: ID!, $jobId: ID!) {
        job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
          sessions(first: 10) { nodes { job { queue { farm { displayName } } } } }
        }
      }
    `;
    // BatchGetJob 1, ListSessions 1, Session.job free (the job is held), GetQueue 1, GetFarm 1.
    expect(cost(query, { farmId, queueId, jobId })).toEqual({ nodes: 10, calls: 4 });
    const listed = '{ farms(first: 2) { nodes { queues(first: 4) { nodes { farm { displayName } } } } } }';
    expect(cost(listed)).toEqual({ nodes: 2 + 8, calls: 1 + 2 });
    const fleets = /* GraphQL */ `
      query($farmId: ID!) {
        farm(farmId: $farmId) {
          fleets(first: 10) {
            nodes { workers(first: 100) { pageInfo { hasNextPage } nodes { hostName fleet { displayName } } } }
          }
        }
      }
    `;
    // GetFarm 1, ListFleets 1, ListWorkers 10 × (1 + look-ahead); Worker.fleet free.
    expect(cost(fleets, { farmId })).toEqual({ nodes: 10 + 1000, calls: 1 + 1 + 20 });
  });

  it('node and nodes cost one lookup per ID, batched by type; _entities per representation', () => {
    const job = (n: number) =>
      globalIdOf('Job', { farmId, queueId, jobId: `job-${n.toString(16).padStart(32, '0')}` });
    const ids = [
      job(1),
      job(2),
      job(3),
      globalIdOf('Farm', { farmId }),
      globalIdOf('Farm', { farmId: `farm-${hex('e')}` }),
    ];
    const nodes = 'query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Job { description } } }';
    expect(cost(nodes, { ids })).toEqual({ nodes: 5, calls: 1 + 2 });
    const node = 'query($id: ID!) { node(id: $id) { ... on Queue { jobs(first: 10) { nodes { id } } } } }';
    expect(cost(node, { id: globalIdOf('Queue', { farmId, queueId }) })).toEqual({ nodes: 10, calls: 2 });
    // The type comes from the ID: the Queue fragment does not run on a job.
    expect(cost(node, { id: job(1) })).toEqual({ nodes: 0, calls: 1 });
    const representations = Array.from({ length: 150 }, (_, n) => ({
      __typename: 'Job',
      farmId,
      queueId,
      jobId: `job-${n.toString(16).padStart(32, '0')}`,
    }));
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Job { name } } }';
    expect(cost(entities, { r: representations })).toEqual({ nodes: 150, calls: 2 });
    const fleetReps = [
      { __typename: 'Fleet', farmId, fleetId },
      { __typename: 'Fleet', farmId, fleetId },
    ];
    expect(cost(entities.replace('Job { name }', 'Fleet { displayName }'), { r: fleetReps })).toEqual({
      nodes: 2,
      calls: 1,
    });
  });

  it('follows @skip/@include and merges fields as execution does (a fragment spread twice runs once)', () => {
    expect(
      cost('query($s: Boolean!) { farms(first: 100) @skip(if: $s) { nodes { id } } }', { s: true }),
    ).toEqual({
      nodes: 0,
      calls: 0,
    });
    const twice = /* GraphQL */ `
      { farms(first: 10) { ...F ...F nodes { queues(first: 10) { nodes { id } } } } }
      fragment F on FarmConnection { nodes { queues(first: 10) { nodes { displayName } } } }
    `;
    expect(cost(twice)).toEqual({ nodes: 10 + 100, calls: 1 + 10 });
    // A chain of fragments each spreading the next twice stays linear.
    const chain = Array.from(
      { length: 30 },
      (_, i) => `fragment F${i} on Farm { ...F${i + 1} ...F${i + 1} }`,
    ).join('\n');
    const bomb = `{ farms(first: 1) { nodes { ...F0 } } }\n${chain}\nfragment F30 on Farm { displayName }`;
    expect(cost(bomb)).toEqual({ nodes: 1, calls: 1 });
  });

  it('leaves invalid `first` to the preflight (nothing runs)', () => {
    expect(cost('{ farms(first: 1000) { nodes { id } } }')).toEqual({ nodes: 0, calls: 0 });
  });

  it('listCalls and lookupCalls follow the rules of the file header', () => {
    expect([listCalls(0, 100, false, false), listCalls(0, 100, false, true)]).toEqual([0, 1]);
    expect([
      listCalls(100, 100, false, true),
      listCalls(100, 100, true, false),
      listCalls(1, 100, true, true),
    ]).toEqual([2, 2, 2]);
    expect([
      lookupCalls('Job', 100),
      lookupCalls('Job', 101),
      lookupCalls('Fleet', 7),
      lookupCalls('Farm', 0),
    ]).toEqual([1, 2, 7, 0]);
  });
});

describe('the operation shape', () => {
  it('counts depth without Relay plumbing: the README example is 6 deep, edges { node } counts as nodes', () => {
    expect(shape(README_FIRST_QUERY)).toEqual({ depth: 6, aliases: 0, directives: 0 });
    expect(shape('{ farms { edges { node { queues { edges { node { displayName } } } } } } }').depth).toBe(3);
  });

  it('lets the standard introspection query through (ofType does not count)', () => {
    expect(shape(getIntrospectionQuery()).depth).toBeLessThanOrEqual(6);
  });

  it('counts aliases and directives where fragments are spread', () => {
    const query = /* GraphQL */ `
      query($a: Boolean!) {
        x: farms(first: 1) @include(if: $a) { ...F }
        y: farms(first: 1) { ...F }
      }
      fragment F on FarmConnection { one: nodes { id } two: nodes @skip(if: false) { displayName } }
    `;
    expect(shape(query)).toEqual({ depth: 2, aliases: 2 + 2 * 2, directives: 1 + 2 });
  });

  it('measures a 20-level cycle through parents as 20+ deep', () => {
    let body = 'sessionId';
    for (let i = 0; i < 5; i++)
      body = `job { queue { farm { queue(queueId: "${queueId}") { job(jobId: "${jobId}") { session(sessionId: "s") { ${body} } } } } } }`;
    const query = `{ session(farmId: "${farmId}", queueId: "${queueId}", jobId: "${jobId}", sessionId: "s") { ${body} } }`;
    expect(shape(query).depth).toBeGreaterThan(20);
  });
});

describe('the cost estimate cache', () => {
  const query = `query Q($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int, $deep: Boolean!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: $first) { nodes { id worker @include(if: $deep) { hostName } } }
    }
  }`;
  const base = { farmId, queueId, jobId, first: 10, deep: false, unused: 'a' };

  it('answers exactly what estimateCost answers, reusing an estimate only when the variables it read agree', () => {
    const { document, operation } = prepare(query);
    const cache = new CostEstimateCache({ chainPageSize: 100 });
    const fresh = (variables: Record<string, unknown>) =>
      estimateCost(schema, document, operation, variables, { chainPageSize: 100 });
    const cached = (variables: Record<string, unknown>) =>
      cache.estimate(schema, document, operation, variables);

    const first = cached(base);
    expect(first).toEqual(fresh(base));
    // A variable the walk never reads (here: not even declared) does not matter: the same estimate comes back.
    expect(cached({ ...base, unused: 'b' })).toBe(first);
    // Variables the walk reads do: `first`, @include's condition, an omitted `first` (the default, 25).
    for (const variables of [
      { ...base, first: 50 },
      { ...base, deep: true },
      { ...base, first: 50, deep: true },
      { farmId, queueId, jobId, deep: false },
      { ...base, jobId: `job-${hex('e')}` },
    ]) {
      const estimate = cached(variables);
      expect(estimate).not.toBe(first);
      expect(estimate).toEqual(fresh(variables));
      expect(cached(variables)).toBe(estimate);
    }
    expect(fresh({ ...base, first: 50 }).estimatedNodes).toBeGreaterThan(first.estimatedNodes);
  });

  it('does not cache variables that do not coerce', () => {
    const { document, operation } = prepare(query);
    const cache = new CostEstimateCache();
    expect(cache.estimate(schema, document, operation, { ...base, first: 'ten' })).toEqual({
      estimatedNodes: 0,
      estimatedUpstreamCalls: 0,
    });
    expect(cache.estimate(schema, document, operation, base)).toEqual(
      estimateCost(schema, document, operation, base),
    );
  });
});
