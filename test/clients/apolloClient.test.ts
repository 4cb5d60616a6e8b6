import { ApolloClient, gql, HttpLink, InMemoryCache, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { subgraphSdl } from '../../src/schema.js';
import {
  type ProductionsSubgraph,
  productionsTypeDefs,
  startProductionsSubgraph,
} from '../fixtures/productionsSubgraph.js';
import { type Supergraph, startSupergraph } from '../helpers/supergraph.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import type { JobRef } from '../helpers/walk.js';

/**
 * Client check (issue 3): Apollo Client 4, with `relayStylePagination()` on `Job.sessions`, pages through a job's
 * sessions with `fetchMore` through the supergraph (@apollo/gateway over HTTP → the Deadline gateway → emulator, next
 * to the independent productions subgraph) and ends with every session exactly once, in Deadline's order.
 */
interface SessionsData {
  job: {
    __typename: 'Job';
    id: string;
    sessions: {
      __typename: 'SessionConnection';
      edges: Array<{ __typename: 'SessionEdge'; cursor: string; node: { id: string; sessionId: string } }>;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
}
interface SessionsVars extends JobRef {
  first: number;
  after?: string | null;
}

const JOB_SESSIONS: TypedDocumentNode<SessionsData, SessionsVars> = gql`
  query JobSessions($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      id
      sessions(first: $first, after: $after) {
        edges {
          cursor
          node {
            id
            sessionId
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

let stack: TestStack;
let productions: ProductionsSubgraph;
let supergraph: Supergraph;
let edgeJobs: ReadonlyMap<number, JobRef>;
let upstreamOrder: (job: JobRef) => string[];

beforeAll(async () => {
  stack = await startTestStack();
  const dataset = stack.emulator?.dataset;
  if (!dataset) throw new Error('no emulator');
  edgeJobs = dataset.edgeJobs;
  upstreamOrder = (job) =>
    (dataset.sessions.get(`${job.farmId}/${job.queueId}/${job.jobId}`) ?? []).map((s) => s.sessionId);
  productions = await startProductionsSubgraph([
    { code: 'sq010_sh0040', renderJobs: [edgeJobs.get(250) as JobRef, edgeJobs.get(101) as JobRef] },
  ]);
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

interface ApolloWalk {
  /** `fetchMore` calls made after the first page. */
  rounds: number;
  /** HTTP requests the client sent to the supergraph. */
  requests: number;
  /** Session IDs of every page as the server returned it, concatenated. */
  pageSessionIds: string[];
  /** The merged list as the cache returns it after the walk. */
  merged: NonNullable<SessionsData['job']>['sessions'];
}

/** A fresh client walks `job`'s sessions: one query with `first`, then `fetchMore({ after: endCursor })`. */
async function walkWithApollo(job: JobRef, first: number, maxRounds = 1000): Promise<ApolloWalk> {
  let requests = 0;
  const client = new ApolloClient({
    cache: new InMemoryCache({ typePolicies: { Job: { fields: { sessions: relayStylePagination() } } } }),
    link: new HttpLink({
      uri: supergraph.url,
      fetch: (input, init) => {
        requests++;
        return fetch(input, init);
      },
    }),
  });
  const observable = client.watchQuery({ query: JOB_SESSIONS, variables: { ...job, first } });
  const pageSessionIds: string[] = [];
  let subscription: { unsubscribe(): void } | undefined;
  let latest: SessionsData | undefined;
  const latestIds = () => latest?.job?.sessions.edges.map((edge) => edge.node.sessionId);
  try {
    const firstPage = await new Promise<SessionsData>((resolve, reject) => {
      subscription = observable.subscribe({
        next: (result) => {
          if (result.data) latest = result.data as SessionsData;
          if (result.error) reject(result.error);
          else if (!result.loading && result.data) resolve(result.data as SessionsData);
        },
        error: reject,
      });
    });
    let connection = firstPage.job?.sessions;
    if (!connection) throw new Error('job.sessions missing on the first page');
    pageSessionIds.push(...connection.edges.map((edge) => edge.node.sessionId));
    let rounds = 0;
    while (connection.pageInfo.hasNextPage) {
      if (++rounds > maxRounds) throw new Error(`walk did not finish within ${maxRounds} rounds`);
      expect(connection.pageInfo.endCursor, 'a page with hasNextPage has an endCursor').toBeTruthy();
      const more: ApolloClient.QueryResult<SessionsData> = await observable.fetchMore({
        variables: { after: connection.pageInfo.endCursor },
      });
      expect(more.error).toBeUndefined();
      connection = more.data?.job?.sessions;
      if (!connection) throw new Error(`job.sessions missing on fetchMore round ${rounds}`);
      expect(connection.edges.length, 'a fetched page is never empty').toBeGreaterThan(0);
      pageSessionIds.push(...connection.edges.map((edge) => edge.node.sessionId));
    }
    const cached = client.readQuery({ query: JOB_SESSIONS, variables: { ...job, first } });
    const merged = cached?.job?.sessions;
    if (!merged) throw new Error('the merged connection is not in the cache');
    // The watching subscription is told about the merged list too (Apollo Client 4 broadcasts it after fetchMore's
    // promise resolves, so wait for it rather than reading getCurrentResult() at once).
    const mergedIds = merged.edges.map((edge) => edge.node.sessionId);
    await vi.waitFor(() => expect(latestIds()).toEqual(mergedIds), { timeout: 2000 });
    return { rounds, requests, pageSessionIds, merged };
  } finally {
    subscription?.unsubscribe();
    client.stop();
  }
}

function expectExactlyOnceInOrder(walk: ApolloWalk, expected: string[]): void {
  const mergedIds = walk.merged.edges.map((edge) => edge.node.sessionId);
  expect(mergedIds).toEqual(expected);
  expect(new Set(mergedIds).size).toBe(expected.length);
  expect(new Set(walk.merged.edges.map((edge) => edge.node.id)).size).toBe(expected.length);
  expect(new Set(walk.merged.edges.map((edge) => edge.cursor)).size).toBe(expected.length);
  // What the server sent, page by page, is the same sequence: the cache did not hide duplicates.
  expect(walk.pageSessionIds).toEqual(expected);
  expect(walk.merged.pageInfo.hasNextPage).toBe(false);
  expect(walk.merged.pageInfo.endCursor).toBe(walk.merged.edges.at(-1)?.cursor);
}

describe('Apollo Client 4 relayStylePagination through the supergraph', () => {
  for (const n of [250, 101]) {
    it(`first: 7 then fetchMore over ${n} sessions: every session once, upstream order, ⌈N/7⌉ − 1 rounds`, async () => {
      const job = edgeJobs.get(n) as JobRef;
      const expected = upstreamOrder(job);
      expect(expected).toHaveLength(n);
      const walk = await walkWithApollo(job, 7);
      expectExactlyOnceInOrder(walk, expected);
      expect(walk.rounds).toBe(Math.ceil(n / 7) - 1);
      expect(walk.requests).toBe(walk.rounds + 1);
    });
  }

  it('first: 100 over exactly 100 sessions: one page, hasNextPage false, no extra empty page', async () => {
    const job = edgeJobs.get(100) as JobRef;
    const expected = upstreamOrder(job);
    expect(expected).toHaveLength(100);
    const walk = await walkWithApollo(job, 100);
    expectExactlyOnceInOrder(walk, expected);
    expect(walk.rounds).toBe(0);
    expect(walk.requests).toBe(1);
  });

  it('first: 100 over 101 and 250 sessions: page boundaries at the upstream page size add no duplicates', async () => {
    for (const n of [101, 250]) {
      const job = edgeJobs.get(n) as JobRef;
      const walk = await walkWithApollo(job, 100);
      expectExactlyOnceInOrder(walk, upstreamOrder(job));
      expect(walk.rounds).toBe(Math.ceil(n / 100) - 1);
      expect(walk.requests).toBe(walk.rounds + 1);
    }
  });
});
