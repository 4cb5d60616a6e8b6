import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * `job(…)` skips BatchGetJob when its selection is key fields plus `sessions` (ListSessions proves the job exists):
 * one upstream call, and a missing job is still null with a NOT_FOUND error naming it.
 */
let stack: TestStack;
let dataset: Dataset;

const ZEROS = '0'.repeat(32);

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 120 } } });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

function someJob() {
  const [parent, jobs] = [...dataset.jobs].find(([, jobs]) => jobs.length > 0) ?? [];
  const [farmId, queueId] = parent?.split('/') ?? [];
  const jobId = jobs?.[0]?.jobId;
  if (!farmId || !queueId || !jobId) throw new Error('no job');
  return { farmId, queueId, jobId };
}

const missingJob = () => ({ ...someJob(), jobId: `job-${ZEROS}` });

const SESSIONS = `query S($farmId: ID!, $queueId: ID!, $jobId: ID!, $first: Int = 100, $withName: Boolean = false) {
  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
    id farmId queueId jobId __typename
    name @include(if: $withName)
    sessions(first: $first) { edges { node { id sessionId startedAt lifecycleStatus } } }
  }
}`;

interface JobOut {
  job: {
    id: string;
    jobId: string;
    name?: string;
    sessions: { edges: Array<{ node: { sessionId: string } }> };
  } | null;
}

describe('job(…) with only key fields and sessions', () => {
  it('makes ListSessions only, and answers as the lookup would', async () => {
    const key = someJob();
    const response = await stack.query<JobOut>(SESSIONS, key);
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
    expect(response.data?.job?.jobId).toBe(key.jobId);
    expect(response.data?.job?.id).toBe(
      Buffer.from(`Job:${key.farmId}/${key.queueId}/${key.jobId}`).toString('base64'),
    );
    const expected = (dataset.sessions.get(`${key.farmId}/${key.queueId}/${key.jobId}`) ?? []).length;
    expect(response.data?.job?.sessions.edges).toHaveLength(Math.min(expected, 100));
  });

  it('still looks the job up when another field of it is selected (here through @include)', async () => {
    const key = someJob();
    const response = await stack.query<JobOut>(SESSIONS, { ...key, withName: true });
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1, ListSessions: 1 });
    expect(typeof response.data?.job?.name).toBe('string');
  });

  it('gives null and a NOT_FOUND naming the job when the job does not exist', async () => {
    const key = missingJob();
    const response = await stack.query<JobOut>(SESSIONS, key);
    expect(response.data).toEqual({ job: null });
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(response.errors?.[0]?.message).toContain(
      `Job ${key.farmId}/${key.queueId}/${key.jobId} does not exist`,
    );
    expect(response.errors?.[0]?.path).toEqual(['job', 'sessions']);
    expect(response.extensions?.upstream?.byOperation).toEqual({ ListSessions: 1 });
  });

  it('looks the job up when sessions(first: 0) makes no call', async () => {
    const found = await stack.query<JobOut>(SESSIONS, { ...someJob(), first: 0 });
    expect(found.errors).toBeUndefined();
    expect(found.data?.job?.sessions.edges).toEqual([]);
    expect(found.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });

    const missing = await stack.query<JobOut>(SESSIONS, { ...missingJob(), first: 0 });
    expect(missing.data).toEqual({ job: null });
    expect(missing.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    expect(missing.errors?.[0]?.message).toContain(`job-${ZEROS} does not exist`);
  });

  it('keeps the lookup for key fields alone, so a missing job is never a silent answer', async () => {
    const query = `query J($farmId: ID!, $queueId: ID!, $jobId: ID!, $s: Boolean = false) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { jobId sessions @include(if: $s) { nodes { id } } }
    }`;
    const found = await stack.query<JobOut>(query, someJob());
    expect(found.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });

    const missing = await stack.query<JobOut>(query, missingJob());
    expect(missing.data).toEqual({ job: null });
    expect(missing.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['job']]]);
    expect(missing.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1 });
  });

  it('counts fragments: a fragment asking for another field keeps the lookup', async () => {
    const query = `query J($farmId: ID!, $queueId: ID!, $jobId: ID!) {
      job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { ...Keys ... on Job { priority } }
    }
    fragment Keys on Job { id sessions(first: 5) { nodes { id } } }`;
    const response = await stack.query<JobOut>(query, someJob());
    expect(response.errors).toBeUndefined();
    expect(response.extensions?.upstream?.byOperation).toEqual({ BatchGetJob: 1, ListSessions: 1 });
  });
});
