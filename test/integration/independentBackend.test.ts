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
