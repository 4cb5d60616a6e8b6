import type { EmulatorHandle, JobRef } from '../../src/emulator/index.js';
import { failureOf, GraphQLClient } from '../lib/load.js';
import type { LatencySeries, Row, ScenarioResult } from '../lib/result.js';
import { CHAIN_PAGE_SIZE, startGateway } from '../lib/stack.js';
import { round, summarize, total } from '../lib/stats.js';

const WALK_QUERY = /* GraphQL */ `
  query Walk($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int!, $after: String) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { sessionId lifecycleStatus startedAt }
      }
    }
  }
`;

interface WalkPage {
  job: {
    sessions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: unknown[] };
  } | null;
}

/**
 * Scenario 4: walk all N sessions of one job with a constant `first`, following `endCursor` while `hasNextPage`.
 * Emulator and gateway in this process (the emulator's counter is read directly); a fresh gateway per walk. Bounded by `maxPages` and
 * `maxDurationMs` per walk.
 */
export async function paginationWalk(
  emulator: EmulatorHandle,
  job: JobRef,
  sessionCount: number,
  options: { sizes: number[]; maxDurationMs: number },
): Promise<ScenarioResult> {
  const started = performance.now();
  const floor = Math.ceil(sessionCount / CHAIN_PAGE_SIZE);
  const rows: Row[] = [];
  const latencies: LatencySeries[] = [];
  const details: Record<string, unknown> = { sessionCount, floor };
  for (const first of options.sizes) {
    // A fresh gateway (defaults) per walk: nothing cached from the previous walk.
    const stack = await startGateway(emulator.endpoint, 'defaults');
    const client = new GraphQLClient(stack.url, 1);
    try {
      await client.query(WALK_QUERY, { ...job, first: 0 }); // warm-up: no upstream call
      emulator.resetCalls();
      const pageTimes: number[] = [];
      const deadline = performance.now() + options.maxDurationMs;
      const maxPages = Math.ceil(sessionCount / first) + 2;
      let after: string | null = null;
      let seen = 0;
      let complete = false;
      const t0 = performance.now();
      for (let page = 0; page < maxPages && performance.now() < deadline; page++) {
        const p0 = performance.now();
        const result = await client.query(WALK_QUERY, { ...job, first, after });
        pageTimes.push(performance.now() - p0);
        const failure = failureOf(result);
        if (failure) throw new Error(`walk first=${first} page ${page}: ${failure}`);
        const connection = (result.data as unknown as WalkPage).job?.sessions;
        if (!connection) throw new Error(`walk first=${first}: no connection`);
        seen += connection.nodes.length;
        if (!connection.pageInfo.hasNextPage) {
          complete = true;
          break;
        }
        after = connection.pageInfo.endCursor;
      }
      const wallMs = performance.now() - t0;
      const calls = emulator.calls();
      const list = calls.ListSessions ?? 0;
      const bound = Math.ceil(sessionCount / first) + Math.floor(sessionCount / CHAIN_PAGE_SIZE) + 1;
      const summary = summarize(pageTimes);
      latencies.push({ label: `4. walk page, first=${first}`, summary });
      rows.push({
        scenario: `4. Pagination walk: ${sessionCount.toLocaleString('en-US')} sessions, first=${first}`,
        measured: `${list} ListSessions (${total(calls)} calls in all: ${Object.entries(calls)
          .map(([op, n]) => `${op} ${n}`)
          .join(
            ', ',
          )}) over ${pageTimes.length} pages, ${round(wallMs / 1000, 2)} s wall; ${seen} sessions${complete ? '' : ' (INCOMPLETE: time bound hit)'}`,
        limit: `⌈N/100⌉ = ${floor} ListSessions`,
        ratio: round(list / floor),
        target: '≈ 1',
        meetsTarget: round(list / floor) <= 1.05,
        notes: `Gateway with defaults: the page cache serves the upstream page a GraphQL page resumes in (and the look-ahead for an exact hasNextPage). Without it every GraphQL page re-reads its upstream page: the documented bound is ⌈N/k⌉ + ⌊N/100⌋ + 1 = ${bound}. A job { sessions } selection costs no job lookup (ListSessions proves the job). All calls / ⌈N/100⌉: ${round(total(calls) / floor)}. Page p50 ${round(summary.p50, 2)} ms.`,
      });
      details[`first${first}`] = {
        calls,
        pages: pageTimes.length,
        sessions: seen,
        complete,
        wallMs,
        bound,
        latency: summary,
      };
    } finally {
      client.close();
      await stack.close();
    }
  }
  return {
    id: 'pagination-walk',
    title: '4. Pagination walk',
    rows,
    latencies,
    details,
    elapsedMs: performance.now() - started,
  };
}
