import { expect } from 'vitest';
import type { GraphQLResponse, TestStack } from './testStack.js';

export interface JobRef {
  farmId: string;
  queueId: string;
  jobId: string;
}

export const SESSIONS_PAGE = /* GraphQL */ `
  query SessionsPage($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: $first, after: $after) {
        edges { cursor node { sessionId } }
        nodes { sessionId }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`;

export interface SessionsPageData {
  job: {
    sessions: {
      edges: Array<{ cursor: string; node: { sessionId: string } }>;
      nodes: Array<{ sessionId: string }>;
      pageInfo: {
        hasNextPage: boolean;
        hasPreviousPage: boolean;
        startCursor: string | null;
        endCursor: string | null;
      };
    };
  } | null;
}

export interface WalkResult {
  sessionIds: string[];
  /** GraphQL requests made. */
  pages: number;
  /** ListSessions calls, as reported by the gateway in `extensions.upstream`. */
  listSessionsCalls: number;
}

/**
 * Walks a job's sessions to the end through the gateway, with page sizes taken in turn from `sizes`, checking
 * every page's invariants (`walkConnection`).
 */
export async function walkSessions(
  stack: TestStack,
  job: JobRef,
  sizes: number[],
  maxPages = 10_000,
): Promise<WalkResult> {
  const walk = await walkConnection<SessionsPageData>(stack, {
    query: SESSIONS_PAGE,
    variables: { ...job },
    connectionOf: (data) => data?.job?.sessions,
    idOf: (node) => (node as { sessionId: string }).sessionId,
    operation: 'ListSessions',
    sizes,
    maxPages,
  });
  return { sessionIds: walk.ids, pages: walk.pages, listSessionsCalls: walk.listCalls };
}

export interface PageConnection {
  edges: Array<{ cursor: string; node: unknown }>;
  nodes: unknown[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

export interface ConnectionWalk<T> {
  /** The query; takes `$first` and `$after` besides `variables`. */
  query: string;
  variables: Record<string, unknown>;
  /** The connection in a page's data. */
  connectionOf: (data: T | null | undefined) => PageConnection | null | undefined;
  /** A node's own ID, as the query selects it (the same for `nodes` and `edges.node`). */
  idOf: (node: unknown) => string;
  /** The List operation whose calls the walk counts (`extensions.upstream.byOperation`). */
  operation: string;
  sizes: number[];
  maxPages?: number;
}

/**
 * Walks a connection to the end through the gateway, with page sizes taken in turn from `sizes`, checking every
 * page's invariants on the way: no errors, `nodes` equal to the edges' nodes, `hasPreviousPage` only after the first
 * page, `hasNextPage` true on every page but the last, start/end cursors equal to the first/last edge cursors.
 */
export async function walkConnection<T>(
  stack: TestStack,
  walk: ConnectionWalk<T>,
): Promise<{ ids: string[]; pages: number; listCalls: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let listCalls = 0;
  const maxPages = walk.maxPages ?? 10_000;
  for (let page = 0; page < maxPages; page++) {
    const first = walk.sizes[page % walk.sizes.length] as number;
    const response: GraphQLResponse<T> = await stack.query<T>(walk.query, {
      ...walk.variables,
      first,
      after,
    });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    listCalls += response.extensions?.upstream?.byOperation[walk.operation] ?? 0;
    const connection = walk.connectionOf(response.data);
    if (!connection) throw new Error('the connection is missing from the page');
    const { edges, nodes, pageInfo } = connection;
    expect(edges.length).toBeLessThanOrEqual(first);
    expect(nodes.map(walk.idOf)).toEqual(edges.map((edge) => walk.idOf(edge.node)));
    expect(pageInfo.hasPreviousPage).toBe(after !== null);
    expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
    expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
    ids.push(...edges.map((edge) => walk.idOf(edge.node)));
    if (!pageInfo.hasNextPage) return { ids, pages: page + 1, listCalls };
    // A page that claims more must make progress, or the walk would never end.
    expect(edges.length, 'a page with hasNextPage must not be empty').toBeGreaterThan(first === 0 ? -1 : 0);
    if (first > 0) after = pageInfo.endCursor;
  }
  throw new Error(`walk did not finish within ${maxPages} pages`);
}

/** The section-5 budget for a constant page size k over N items with upstream pages of P. */
export function callBudget(n: number, k: number, upstreamPage = 100): number {
  return Math.ceil(n / k) + Math.ceil(n / upstreamPage) + 1;
}

export interface ListWalk {
  /** The root lookup of the connection's owner (`job`) and its ID arguments (`{ farmId, queueId, jobId }`). */
  lookup: string;
  keys: Record<string, string>;
  /** The connection field on the owner (`steps`) and the own-ID field of its nodes (`stepId`). */
  field: string;
  idField: string;
  operation: string;
  sizes: number[];
}

/** `walkConnection` over `<lookup>(<keys>) { <field>(first, after) }`, selecting each node's `idField`. */
export function walkList(stack: TestStack, walk: ListWalk) {
  const names = Object.keys(walk.keys);
  const query = `query (${names.map((name) => `$${name}: ID!`).join(', ')}, $first: Int, $after: String) {
    owner: ${walk.lookup}(${names.map((name) => `${name}: $${name}`).join(', ')}) {
      list: ${walk.field}(first: $first, after: $after) {
        edges { cursor node { ${walk.idField} } }
        nodes { ${walk.idField} }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }`;
  return walkConnection<{ owner: { list: PageConnection } | null }>(stack, {
    query,
    variables: walk.keys,
    connectionOf: (data) => data?.owner?.list,
    idOf: (node) => (node as Record<string, string>)[walk.idField] as string,
    operation: walk.operation,
    sizes: walk.sizes,
  });
}
