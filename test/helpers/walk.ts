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
 * every page's invariants on the way: no errors, `hasPreviousPage` only after the first page, `hasNextPage` true
 * on every page but the last, start/end cursors equal to the first/last edge cursors.
 */
export async function walkSessions(
  stack: TestStack,
  job: JobRef,
  sizes: number[],
  maxPages = 10_000,
): Promise<WalkResult> {
  const sessionIds: string[] = [];
  let after: string | null = null;
  let listSessionsCalls = 0;
  for (let page = 0; page < maxPages; page++) {
    const first = sizes[page % sizes.length] as number;
    const response: GraphQLResponse<SessionsPageData> = await stack.query<SessionsPageData>(SESSIONS_PAGE, {
      ...job,
      first,
      after,
    });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    listSessionsCalls += response.extensions?.upstream?.byOperation.ListSessions ?? 0;
    const connection: NonNullable<SessionsPageData['job']>['sessions'] | undefined =
      response.data?.job?.sessions;
    if (!connection) throw new Error('job.sessions missing');
    const { edges, nodes, pageInfo } = connection;
    expect(edges.length).toBeLessThanOrEqual(first);
    expect(nodes.map((n) => n.sessionId)).toEqual(edges.map((e) => e.node.sessionId));
    expect(pageInfo.hasPreviousPage).toBe(after !== null);
    expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
    expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
    sessionIds.push(...edges.map((edge) => edge.node.sessionId));
    if (!pageInfo.hasNextPage) return { sessionIds, pages: page + 1, listSessionsCalls };
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
