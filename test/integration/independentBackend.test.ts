import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndependentDeadline, startIndependentDeadline } from '../fixtures/independentDeadline.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';
import { callBudget, walkSessions } from '../helpers/walk.js';

/**
 * The gateway pointed (as with DEADLINE_ENDPOINT) at a second, independently written Deadline implementation:
 * server-side random tokens bound to every argument, a token on a page that ends exactly at the end, a default
 * page size of 50, and pages that stop short of maxResults while more items remain. Walking every job's sessions
 * must return exactly that upstream's sequence.
 */
const COUNTS = [0, 1, 2, 7, 99, 100, 101, 250, 1013];

for (const shortPages of [false, true]) {
  describe(`independent Deadline implementation (short pages ${shortPages ? 'on' : 'off'})`, () => {
    let upstream: IndependentDeadline;
    let stack: TestStack;
    beforeAll(async () => {
      upstream = await startIndependentDeadline({ sessionCounts: COUNTS, shortPages });
      stack = await startTestStack({ endpoint: upstream.endpoint });
    });
    afterAll(async () => {
      await stack.close();
      await upstream.close();
    });

    /** Upstream pages a full walk reads: short pages stop at multiples of 64. */
    const upstreamPages = (n: number) => (shortPages ? Math.ceil(n / 64) : Math.ceil(n / 100));

    for (const k of [1, 7, 25, 100]) {
      it(`first = ${k}: every job walks to exactly the upstream sequence within budget`, async () => {
        for (const job of upstream.jobs) {
          const n = job.sessionIds.length;
          if (k === 1 && n > 250) continue; // covered by k = 7 and the mixed walk; saves ~1000 requests
          const walk = await walkSessions(
            stack,
            { farmId: upstream.farmId, queueId: upstream.queueId, jobId: job.jobId },
            [k],
          );
          expect(walk.sessionIds, `job with ${n} sessions`).toEqual(job.sessionIds);
          expect(walk.listSessionsCalls).toBeLessThanOrEqual(
            shortPages ? Math.ceil(n / k) + upstreamPages(n) + 1 : callBudget(n, k),
          );
        }
      });
    }

    it('mixed page sizes walk every job exactly', async () => {
      for (const job of upstream.jobs) {
        const walk = await walkSessions(
          stack,
          { farmId: upstream.farmId, queueId: upstream.queueId, jobId: job.jobId },
          [1, 7, 25, 100, 3],
        );
        expect(walk.sessionIds).toEqual(job.sessionIds);
        expect(walk.listSessionsCalls).toBeLessThanOrEqual(
          walk.pages + upstreamPages(job.sessionIds.length) + 1,
        );
      }
    });
  });
}

describe.each([
  ['404 UnknownOperationException', 'not-found'],
  ['400 ValidationException UNKNOWN_OPERATION', 'validation'],
] as const)(
  'an endpoint without the BatchGet* operations (an older Deadline-compatible API), answering %s',
  (_, unknownOperation) => {
    let upstream: IndependentDeadline;
    let stack: TestStack;
    beforeAll(async () => {
      upstream = await startIndependentDeadline({ sessionCounts: [3, 5], batchGet: false, unknownOperation });
      stack = await startTestStack({ endpoint: upstream.endpoint });
    });
    afterAll(async () => {
      await stack.close();
      await upstream.close();
    });

    const QUERY = /* GraphQL */ `
    query($f: ID!, $q: ID!, $j: ID!) {
      job(farmId: $f, queueId: $q, jobId: $j) {
        name
        sessions(first: 5) { nodes { sessionId log { logDriver } worker { workerId } } }
      }
    }
  `;

    it('falls back to one Get call per item, and stops trying the batch call', async () => {
      const job = upstream.jobs[1];
      const variables = { f: upstream.farmId, q: upstream.queueId, j: job?.jobId };
      const first = await stack.query<{
        job: { sessions: { nodes: Array<{ sessionId: string; worker: { workerId: string } }> } };
      }>(QUERY, variables);
      expect(first.errors).toBeUndefined();
      expect(first.data?.job.sessions.nodes.map((n) => n.sessionId)).toEqual(job?.sessionIds);
      expect(first.extensions?.upstream?.byOperation).toMatchObject({
        BatchGetJob: 1,
        GetJob: 1,
        BatchGetSession: 1,
        GetSession: 5,
        BatchGetWorker: 1,
        GetWorker: new Set(first.data?.job.sessions.nodes.map((n) => n.worker.workerId)).size,
      });
      upstream.resetCalls();
      const second = await stack.query(QUERY, variables);
      expect(second.errors).toBeUndefined();
      const calls = upstream.calls();
      expect(calls.BatchGetJob ?? 0).toBe(0);
      expect(calls.BatchGetSession ?? 0).toBe(0);
      expect(calls.BatchGetWorker ?? 0).toBe(0);
      expect(calls.GetJob).toBe(1);
    });

    it('a missing item is still NOT_FOUND for that item only', async () => {
      const response = await stack.query(
        `query($f: ID!, $q: ID!, $j: ID!, $missing: ID!) {
        a: job(farmId: $f, queueId: $q, jobId: $j) { name }
        b: job(farmId: $f, queueId: $q, jobId: $missing) { name }
      }`,
        {
          f: upstream.farmId,
          q: upstream.queueId,
          j: upstream.jobs[0]?.jobId,
          missing: `job-${'0'.repeat(32)}`,
        },
      );
      expect((response.data as { a: unknown; b: unknown }).a).not.toBeNull();
      expect((response.data as { a: unknown; b: unknown }).b).toBeNull();
      expect(response.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['b'], 'NOT_FOUND']]);
    });
  },
);
