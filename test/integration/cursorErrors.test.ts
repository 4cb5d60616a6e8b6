import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, startTestStack, type TestStack } from '../helpers/testStack.js';
import { type JobRef, SESSIONS_PAGE, type SessionsPageData } from '../helpers/walk.js';

/** Bad cursors and arguments fail with a stable code, before any upstream call; expired tokens say so. */
let stack: TestStack;
let jobA: JobRef;
let jobB: JobRef;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 300 } } });
  const edgeJobs = stack.emulator?.dataset.edgeJobs;
  jobA = edgeJobs?.get(250) as JobRef;
  jobB = edgeJobs?.get(101) as JobRef;
});
afterAll(() => stack.close());

async function endCursorOf(job: JobRef, first = 10): Promise<string> {
  const page = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...job, first });
  const cursor = page.data?.job?.sessions.pageInfo.endCursor;
  if (!cursor) throw new Error('no cursor');
  return cursor;
}

/** Runs a query and checks that it failed with `code` and made no upstream call at all. */
async function expectRejectedWithoutCalls(code: string, query: string, variables: Record<string, unknown>) {
  const before = stack.emulator?.totalCalls() ?? -1;
  const response = await stack.query(query, variables);
  expect(codes(response)).toEqual([code]);
  expect(response.extensions?.upstream?.calls).toBe(0);
  expect(stack.emulator?.totalCalls()).toBe(before);
  return response;
}

describe('INVALID_CURSOR, with zero upstream calls', () => {
  it('garbage', async () => {
    for (const after of [
      'garbage',
      '',
      'a.b',
      '....',
      'eyJ2IjoxfQ.AAAA',
      '🙂'.repeat(10),
      'x'.repeat(10_000),
    ]) {
      const response = await expectRejectedWithoutCalls('INVALID_CURSOR', SESSIONS_PAGE, {
        ...jobA,
        first: 5,
        after,
      });
      expect(response.errors?.[0]?.message).toMatch(/cursor/);
      expect(response.status).toBe(400);
    }
  });

  it('tampered: any change to payload or signature', async () => {
    const cursor = await endCursorOf(jobA);
    const [body, mac] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { s: number };
    const forged = Buffer.from(JSON.stringify({ ...payload, s: payload.s + 1 })).toString('base64url');
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    for (const after of [
      `${forged}.${mac}`,
      `${flip(body, 3)}.${mac}`,
      `${body}.${flip(mac, 0)}`,
      `${body}.`,
      body,
    ]) {
      await expectRejectedWithoutCalls('INVALID_CURSOR', SESSIONS_PAGE, { ...jobA, first: 5, after });
    }
  });

  it('another job’s cursor', async () => {
    const cursor = await endCursorOf(jobA);
    await expectRejectedWithoutCalls('INVALID_CURSOR', SESSIONS_PAGE, { ...jobB, first: 5, after: cursor });
  });

  it('another field’s cursor (a Queue.jobs cursor on Job.sessions)', async () => {
    const jobs = await stack.query<{ queue: { jobs: { pageInfo: { endCursor: string } } } }>(
      'query($f: ID!, $q: ID!) { queue(farmId: $f, queueId: $q) { jobs(first: 2) { pageInfo { endCursor } } } }',
      { f: jobA.farmId, q: jobA.queueId },
    );
    const cursor = jobs.data?.queue.jobs.pageInfo.endCursor;
    await expectRejectedWithoutCalls('INVALID_CURSOR', SESSIONS_PAGE, { ...jobA, first: 5, after: cursor });
  });

  it('another job’s cursor reached through node(id:)', async () => {
    const cursor = await endCursorOf(jobA);
    const ids = await stack.query<{ job: { id: string } }>(
      'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { id } }',
      { f: jobB.farmId, q: jobB.queueId, j: jobB.jobId },
    );
    await expectRejectedWithoutCalls(
      'INVALID_CURSOR',
      'query($id: ID!, $after: String) { node(id: $id) { ... on Job { sessions(first: 5, after: $after) { nodes { sessionId } } } } }',
      { id: ids.data?.job.id, after: cursor },
    );
  });

  it('a cursor signed with another key (another deployment, or a restart without CURSOR_SECRET)', async () => {
    const other = await startTestStack({ cursorSecret: randomBytes(32) });
    try {
      const page = await other.query<SessionsPageData>(SESSIONS_PAGE, { ...jobA, first: 5 });
      const cursor = page.data?.job?.sessions.pageInfo.endCursor;
      await expectRejectedWithoutCalls('INVALID_CURSOR', SESSIONS_PAGE, { ...jobA, first: 5, after: cursor });
    } finally {
      await other.close();
    }
  });

  it('a foreign cursor under a list parent is refused per item, before that connection’s call', async () => {
    const cursor = await endCursorOf(jobA);
    const response = await stack.query<{
      queue: { jobs: { nodes: Array<{ jobId: string } | null> } } | null;
    }>(
      `query($f: ID!, $q: ID!, $after: String) { queue(farmId: $f, queueId: $q) {
         jobs(first: 2) { nodes { jobId sessions(first: 1, after: $after) { nodes { sessionId } } } } } }`,
      { f: jobA.farmId, q: jobA.queueId, after: cursor },
    );
    expect(new Set(codes(response))).toEqual(new Set(['INVALID_CURSOR']));
    // ListJobs ran (the parent is a list); no ListSessions was made with a cursor of another job.
    expect(response.extensions?.upstream?.byOperation.ListSessions ?? 0).toBe(0);
  });
});

describe('CURSOR_EXPIRED', () => {
  it('a well-formed cursor whose upstream token expired tells the client to restart', async () => {
    const cursor = await endCursorOf(jobA, 100);
    // The cursor of the 100th item already points at the token of the second upstream page.
    stack.emulator?.advanceClock(24 * 60 * 60 * 1000 + 1000);
    const response = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...jobA, first: 5, after: cursor });
    expect(codes(response)).toEqual(['CURSOR_EXPIRED']);
    expect(response.errors?.[0]?.message).toMatch(/first page/);
    // The connection alone fails: the job (looked up after all, since the page could not prove it) stays.
    expect(response.errors?.[0]?.path).toEqual(['job', 'sessions']);
    expect(response.data?.job).toEqual({ sessions: null });
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1, BatchGetJob: 1 });
    // A fresh walk from the first page still works.
    const fresh = await stack.query<SessionsPageData>(SESSIONS_PAGE, { ...jobA, first: 5 });
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data?.job?.sessions.edges).toHaveLength(5);
  });
});

describe('BAD_USER_INPUT, with zero upstream calls', () => {
  it('`first` outside 0..100 names the argument and the range', async () => {
    for (const first of [-1, 101, 1000, -2147483648]) {
      const response = await expectRejectedWithoutCalls('BAD_USER_INPUT', SESSIONS_PAGE, { ...jobA, first });
      expect(response.errors?.[0]?.message).toContain('`first`');
      expect(response.errors?.[0]?.message).toContain('0 to 100');
    }
  });

  it('`first` out of range on every connection', async () => {
    for (const query of [
      '{ farms(first: 101) { nodes { farmId } } }',
      `{ farm(farmId: "${jobA.farmId}") { queues(first: -1) { nodes { queueId } } } }`,
      `{ farm(farmId: "${jobA.farmId}") { fleets(first: 101) { nodes { fleetId } } } }`,
      `{ queue(farmId: "${jobA.farmId}", queueId: "${jobA.queueId}") { jobs(first: 500) { nodes { jobId } } } }`,
    ]) {
      await expectRejectedWithoutCalls('BAD_USER_INPUT', query, {});
    }
  });

  it('malformed native IDs name the argument and the expected form', async () => {
    for (const variables of [
      { ...jobA, farmId: 'farm-123' },
      { ...jobA, queueId: 'queue-XYZ' },
      { ...jobA, jobId: `${jobA.jobId}0` },
      { ...jobA, jobId: jobA.queueId },
    ]) {
      const response = await expectRejectedWithoutCalls('BAD_USER_INPUT', SESSIONS_PAGE, {
        ...variables,
        first: 1,
      });
      expect(response.errors?.[0]?.message).toMatch(/must be a Deadline Cloud \w+ ID/);
    }
  });

  it('malformed global IDs', async () => {
    for (const id of [
      '',
      'garbage',
      Buffer.from('Job:nope').toString('base64'),
      Buffer.from('Pet:farm-1').toString('base64'),
    ]) {
      await expectRejectedWithoutCalls('BAD_USER_INPUT', 'query($id: ID!) { node(id: $id) { id } }', { id });
    }
  });
});
