import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPageCache } from '../../src/cache/memoryStore.js';
import type { Dataset, JobRecord, TaskRecord } from '../../src/emulator/index.js';
import { codes, queryCountingCalls, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Mutations through the real stack (GraphQL → resolvers → SDK → the emulator's UpdateJob, BatchUpdateJob,
 * UpdateStep, UpdateTask, BatchUpdateTask, UpdateSession), with a page cache on, so that read-your-writes is tested
 * against what was cached before the change. Expectations come from the emulator's dataset as it was before each
 * change and the AWS developer guide's rules (docs/emulator.md "Updates"), computed here.
 */
let stack: TestStack;
let dataset: Dataset;

beforeAll(async () => {
  stack = await startTestStack({
    emulator: { sizes: { largeJobSessions: 20 } },
    maxAttempts: 3,
    sharing: { cache: createMemoryPageCache({ maxBytes: 16 * 2 ** 20 }), coalesce: true },
  });
  dataset = stack.emulator?.dataset as Dataset;
});
afterAll(() => stack.close());

interface JobIds {
  farmId: string;
  queueId: string;
  jobId: string;
}
const jobPath = ({ farmId, queueId, jobId }: JobIds) => `${farmId}/${queueId}/${jobId}`;
const used = new Set<string>();

/** A job of the dataset (each test its own) whose tasks satisfy `wanted`, with its IDs and records. */
function jobWhere(wanted: (tasks: TaskRecord[], job: JobRecord) => boolean): JobIds & Record<string, string> {
  for (const [queuePath, jobs] of dataset.jobs) {
    const [farmId = '', queueId = ''] = queuePath.split('/');
    for (const job of jobs) {
      const ids = { farmId, queueId, jobId: job.jobId };
      if (used.has(job.jobId) || job.lifecycleStatus === 'ARCHIVED') continue;
      if (wanted(tasksOf(ids), job)) {
        used.add(job.jobId);
        return ids;
      }
    }
  }
  throw new Error('no such job in the dataset');
}

function tasksOf(ids: JobIds): TaskRecord[] {
  return (dataset.steps.get(jobPath(ids)) ?? []).flatMap(
    (step) => dataset.tasks.get(`${jobPath(ids)}/${step.stepId}`) ?? [],
  );
}

/** Run-status counts of tasks, as the schema lists them (statuses with a count only). */
function counted(statuses: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
const nonZero = (list: Array<{ status: string; count: number }>) =>
  Object.fromEntries(list.filter(({ count }) => count > 0).map(({ status, count }) => [status, count]));

const JOB_STATE = /* GraphQL */ `
  query ($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      priority lifecycleStatus taskRunStatus taskRunStatusCounts { status count }
    }
  }
`;
type JobState = {
  job: {
    priority: number;
    lifecycleStatus: string;
    taskRunStatus: string;
    taskRunStatusCounts: Array<{ status: string; count: number }>;
  };
};

const UPDATE_JOB = /* GraphQL */ `
  mutation ($input: UpdateJobInput!) {
    updateJob(input: $input) {
      clientToken
      job { jobId priority taskRunStatusCounts { status count } }
    }
  }
`;
type UpdateJobData = {
  updateJob: {
    clientToken: string;
    job: { jobId: string; priority: number; taskRunStatusCounts: Array<{ status: string; count: number }> };
  } | null;
};

describe('updateJob', () => {
  it('suspends a job: the payload and the next read (past a cached one) show every unfinished task SUSPENDED', async () => {
    const ids = jobWhere((tasks) => tasks.some((t) => ['READY', 'PENDING', 'RUNNING'].includes(t.runStatus)));
    const before = tasksOf(ids).map((task) => task.runStatus);
    const want = counted(
      before.map((status) => (['SUCCEEDED', 'CANCELED', 'FAILED'].includes(status) ? status : 'SUSPENDED')),
    );
    // Read (and cache) the job first.
    const cached = await stack.query<JobState>(JOB_STATE, ids);
    expect(nonZero(cached.data?.job.taskRunStatusCounts ?? [])).toEqual(counted(before));
    const { response, calls } = await queryCountingCalls<UpdateJobData>(stack, UPDATE_JOB, {
      input: { ...ids, targetTaskRunStatus: 'SUSPENDED' },
    });
    expect(response.errors).toBeUndefined();
    expect(nonZero(response.data?.updateJob?.job.taskRunStatusCounts ?? [])).toEqual(want);
    expect(response.data?.updateJob?.clientToken).toMatch(/^.{1,64}$/);
    expect(calls).toEqual({ UpdateJob: 1, BatchGetJob: 1 });
    // The cost model counts the change and the re-read.
    const cost = (response.extensions as { cost?: { estimatedUpstreamCalls: number } } | undefined)?.cost;
    expect(cost?.estimatedUpstreamCalls).toBeGreaterThanOrEqual(2);
    const after = await stack.query<JobState>(JOB_STATE, ids);
    expect(nonZero(after.data?.job.taskRunStatusCounts ?? [])).toEqual(want);
  });

  it('requeues a job (PENDING): every task READY or PENDING', async () => {
    const ids = jobWhere((tasks) =>
      tasks.some((t) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.runStatus)),
    );
    const { response } = await queryCountingCalls<UpdateJobData>(stack, UPDATE_JOB, {
      input: { ...ids, targetTaskRunStatus: 'PENDING' },
    });
    expect(response.errors).toBeUndefined();
    const statuses = Object.keys(nonZero(response.data?.updateJob?.job.taskRunStatusCounts ?? []));
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 'READY' || status === 'PENDING')).toBe(true);
  });

  it('changes the priority; out-of-range values and a 0 worker limit are BAD_USER_INPUT with zero calls', async () => {
    const ids = jobWhere((_, job) => job.priority !== 77);
    const { response } = await queryCountingCalls<UpdateJobData>(stack, UPDATE_JOB, {
      input: { ...ids, priority: 77 },
    });
    expect(response.data?.updateJob?.job.priority).toBe(77);
    expect(
      dataset.jobs.get(`${ids.farmId}/${ids.queueId}`)?.find((job) => job.jobId === ids.jobId)?.priority,
    ).toBe(77);
    for (const change of [{ priority: 101 }, { priority: -1 }, { maxWorkerCount: 0 }, { name: '' }, {}]) {
      const refused = await queryCountingCalls(stack, UPDATE_JOB, { input: { ...ids, ...change } });
      expect(codes(refused.response), JSON.stringify(change)).toEqual(['BAD_USER_INPUT']);
      expect(refused.calls).toEqual({});
    }
  });

  it('a missing job is NOT_FOUND; archiving an unfinished job is CONFLICT, with nothing changed', async () => {
    const ids = jobWhere((tasks) => tasks.some((t) => t.runStatus === 'READY' || t.runStatus === 'PENDING'));
    const missing = await queryCountingCalls(stack, UPDATE_JOB, {
      input: { ...ids, jobId: `job-${'0'.repeat(32)}`, priority: 10 },
    });
    expect(codes(missing.response)).toEqual(['NOT_FOUND']);
    const archive = await queryCountingCalls(
      stack,
      /* GraphQL */ `mutation ($input: ArchiveJobInput!) { archiveJob(input: $input) { job { lifecycleStatus } } }`,
      { input: ids },
    );
    expect(codes(archive.response)).toEqual(['CONFLICT']);
    expect(archive.response.errors?.[0]?.message).toMatch(/Nothing was changed/);
    const state = await stack.query<JobState>(JOB_STATE, ids);
    expect(state.data?.job.lifecycleStatus).not.toBe('ARCHIVED');
  });

  it('archives a finished job, which stays readable with its steps', async () => {
    const ids = jobWhere(
      (tasks) =>
        tasks.length > 0 && tasks.every((t) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.runStatus)),
    );
    const { response } = await queryCountingCalls<{
      archiveJob: { job: { lifecycleStatus: string; steps: { nodes: unknown[] } } };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: ArchiveJobInput!) {
        archiveJob(input: $input) { job { lifecycleStatus steps(first: 10) { nodes { stepId } } } }
      }`,
      { input: ids },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.archiveJob.job.lifecycleStatus).toBe('ARCHIVED');
    expect(response.data?.archiveJob.job.steps.nodes.length).toBe(dataset.steps.get(jobPath(ids))?.length);
  });
});

describe('idempotency', () => {
  it('a lost answer is retried with the same client token: the session is ended once', async () => {
    const [queuePath, jobs] = [...dataset.jobs][0] ?? ['', []];
    const [farmId = '', queueId = ''] = queuePath.split('/');
    const found = jobs
      .flatMap((job) =>
        (dataset.sessions.get(`${queuePath}/${job.jobId}`) ?? []).map((session) => ({ job, session })),
      )
      .find(({ session }) => session.lifecycleStatus !== 'ENDED');
    if (!found) throw new Error('no running session in the dataset');
    stack.emulator?.loseNextAnswer('UpdateSession', 'InternalServerErrorException', 1);
    const { response, calls } = await queryCountingCalls<{
      endSession: { session: { lifecycleStatus: string } };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: EndSessionInput!) {
        endSession(input: $input) { session { lifecycleStatus targetLifecycleStatus } }
      }`,
      { input: { farmId, queueId, jobId: found.job.jobId, sessionId: found.session.sessionId } },
    );
    // The first answer was lost after the change was applied; the retry with the same token got the stored answer
    // (a second application would have been a ConflictException: the session had ended).
    expect(response.errors).toBeUndefined();
    expect(response.data?.endSession.session.lifecycleStatus).toBe('ENDED');
    expect(calls.UpdateSession).toBe(2);
  });

  it('the same Idempotency-Key and input applies once; with another input it is refused', async () => {
    const ids = jobWhere((_, job) => job.priority !== 12 && job.priority !== 13);
    const key = randomBytes(8).toString('hex');
    const send = (priority: number) =>
      fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ query: UPDATE_JOB, variables: { input: { ...ids, priority } } }),
      }).then(
        (answer) =>
          answer.json() as Promise<{
            data?: UpdateJobData;
            errors?: Array<{ extensions?: { code?: string } }>;
          }>,
      );
    const first = await send(12);
    const again = await send(12);
    expect(first.data?.updateJob?.clientToken).toBe(again.data?.updateJob?.clientToken);
    expect(again.data?.updateJob?.job.priority).toBe(12);
    const other = await send(13);
    expect(other.errors?.map((error) => error.extensions?.code)).toEqual(['CONFLICT']);
    const state = await stack.query<JobState>(JOB_STATE, ids);
    expect(state.data?.job.priority).toBe(12);
  });
});

describe('batches', () => {
  it('updateJobs: one result per job in order; a missing job fails alone', async () => {
    const a = jobWhere(() => true);
    const b = jobWhere(() => true);
    const missing = { ...a, jobId: `job-${'f'.repeat(32)}` };
    const { response, calls } = await queryCountingCalls<{
      updateJobs: {
        results: Array<{ job: { jobId: string; priority: number } | null; error: { code: string } | null }>;
      };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: UpdateJobsInput!) {
        updateJobs(input: $input) { results { job { jobId priority } error { code message } } }
      }`,
      {
        input: {
          jobs: [a, missing, b].map((ids) => ({
            farmId: ids.farmId,
            queueId: ids.queueId,
            jobId: ids.jobId,
            priority: 42,
          })),
        },
      },
    );
    expect(response.errors).toBeUndefined();
    const results = response.data?.updateJobs.results ?? [];
    expect(
      results.map((result) => [
        result.job?.jobId ?? null,
        result.job?.priority ?? null,
        result.error?.code ?? null,
      ]),
    ).toEqual([
      [a.jobId, 42, null],
      [null, null, 'NOT_FOUND'],
      [b.jobId, 42, null],
    ]);
    expect(calls.BatchUpdateJob).toBe(1);
  });

  it('updateJobs: a batch call that fails (throttled on every attempt) fails its items, each with the code', async () => {
    const a = jobWhere((_, job) => job.priority !== 9);
    const b = jobWhere((_, job) => job.priority !== 9);
    stack.emulator?.failNext('BatchUpdateJob', 'ThrottlingException', 3);
    const { response, calls } = await queryCountingCalls<{
      updateJobs: { results: Array<{ job: unknown; error: { code: string } | null }> };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: UpdateJobsInput!) {
        updateJobs(input: $input) { results { job { jobId } error { code message } } }
      }`,
      { input: { jobs: [a, b].map((ids) => ({ ...ids, priority: 9 })) } },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.updateJobs.results).toEqual([
      { job: null, error: { code: 'UPSTREAM_THROTTLED', message: expect.stringContaining('throttling') } },
      { job: null, error: { code: 'UPSTREAM_THROTTLED', message: expect.stringContaining('throttling') } },
    ]);
    expect(calls.BatchUpdateJob).toBe(3);
    for (const ids of [a, b]) {
      const job = dataset.jobs
        .get(`${ids.farmId}/${ids.queueId}`)
        ?.find((candidate) => candidate.jobId === ids.jobId);
      expect(job?.priority).not.toBe(9);
    }
  });

  it('updateTasks: retries failed tasks (READY); more objects than MUTATION_MAX_OBJECTS is refused with zero calls', async () => {
    const ids = jobWhere((tasks) => tasks.filter((t) => t.runStatus === 'FAILED').length >= 2);
    const steps = dataset.steps.get(jobPath(ids)) ?? [];
    const failed = steps.flatMap((step) =>
      (dataset.tasks.get(`${jobPath(ids)}/${step.stepId}`) ?? [])
        .filter((task) => task.runStatus === 'FAILED')
        .map((task) => ({ ...ids, stepId: step.stepId, taskId: task.taskId })),
    );
    const { response } = await queryCountingCalls<{
      updateTasks: { results: Array<{ task: { taskId: string; runStatus: string } | null; error: unknown }> };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: UpdateTasksInput!) {
        updateTasks(input: $input) { results { task { taskId runStatus } error { code } } }
      }`,
      { input: { tasks: failed.map((task) => ({ ...task, targetRunStatus: 'READY' })) } },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.updateTasks.results.map((result) => result.task?.taskId)).toEqual(
      failed.map((t) => t.taskId),
    );
    expect(
      response.data?.updateTasks.results.every((result) =>
        ['READY', 'PENDING'].includes(result.task?.runStatus ?? ''),
      ),
    ).toBe(true);
    const tooMany = Array.from({ length: 501 }, () => ({ ...failed[0], targetRunStatus: 'READY' }));
    const refused = await queryCountingCalls(
      stack,
      /* GraphQL */ `mutation ($input: UpdateTasksInput!) { updateTasks(input: $input) { results { error { code } } } }`,
      { input: { tasks: tooMany } },
    );
    expect(codes(refused.response)).toEqual(['BAD_USER_INPUT']);
    expect(refused.calls).toEqual({});
    // The bound is the operation's: two fields of 300 each are refused before either runs.
    const halves = tooMany.slice(0, 300);
    const split = await queryCountingCalls(
      stack,
      /* GraphQL */ `mutation ($a: UpdateTasksInput!, $b: UpdateTasksInput!) {
        a: updateTasks(input: $a) { results { error { code } } }
        b: updateTasks(input: $b) { results { error { code } } }
      }`,
      { a: { tasks: halves }, b: { tasks: halves } },
    );
    expect(codes(split.response)).toEqual(['BAD_USER_INPUT']);
    expect(split.response.errors?.[0]?.message).toMatch(/MUTATION_MAX_OBJECTS/);
    expect(split.calls).toEqual({});
  });

  it('updateStep cancels a step: its unfinished tasks CANCELED; updateTask requeues one failed task', async () => {
    const ids = jobWhere(
      (tasks) =>
        tasks.some((t) => t.runStatus === 'FAILED') &&
        tasks.some((t) => !['SUCCEEDED', 'FAILED'].includes(t.runStatus)),
    );
    const steps = dataset.steps.get(jobPath(ids)) ?? [];
    const step = steps.find((candidate) =>
      (dataset.tasks.get(`${jobPath(ids)}/${candidate.stepId}`) ?? []).some(
        (t) => !['SUCCEEDED', 'FAILED', 'CANCELED'].includes(t.runStatus),
      ),
    );
    if (!step) throw new Error('no step with unfinished tasks');
    const before = (dataset.tasks.get(`${jobPath(ids)}/${step.stepId}`) ?? []).map((t) => t.runStatus);
    const want = counted(
      before.map((status) => (['SUCCEEDED', 'FAILED'].includes(status) ? status : 'CANCELED')),
    );
    const cancel = await queryCountingCalls<{
      updateStep: { step: { taskRunStatusCounts: Array<{ status: string; count: number }> } };
    }>(
      stack,
      /* GraphQL */ `mutation ($input: UpdateStepInput!) {
        updateStep(input: $input) { step { taskRunStatusCounts { status count } } }
      }`,
      { input: { ...ids, stepId: step.stepId, targetTaskRunStatus: 'CANCELED' } },
    );
    expect(cancel.response.errors).toBeUndefined();
    expect(nonZero(cancel.response.data?.updateStep.step.taskRunStatusCounts ?? [])).toEqual(want);
    expect(cancel.calls).toEqual({ UpdateStep: 1, BatchGetStep: 1 });

    const failedTask = steps
      .flatMap((s) =>
        (dataset.tasks.get(`${jobPath(ids)}/${s.stepId}`) ?? []).map((task) => ({ stepId: s.stepId, task })),
      )
      .find(({ task }) => task.runStatus === 'FAILED');
    if (!failedTask) throw new Error('no failed task left');
    const retry = await queryCountingCalls<{ updateTask: { task: { runStatus: string } } }>(
      stack,
      /* GraphQL */ `mutation ($input: UpdateTaskInput!) { updateTask(input: $input) { task { runStatus } } }`,
      {
        input: {
          ...ids,
          stepId: failedTask.stepId,
          taskId: failedTask.task.taskId,
          targetRunStatus: 'READY',
        },
      },
    );
    expect(retry.response.errors).toBeUndefined();
    expect(['READY', 'PENDING']).toContain(retry.response.data?.updateTask.task.runStatus);
    expect(retry.calls).toEqual({ UpdateTask: 1, BatchGetTask: 1 });
  });
});

describe('authorization', () => {
  it('with mutations off, or a farm the allow-list refuses: FORBIDDEN with zero calls', async () => {
    const off = await startTestStack({ gateway: { mutations: { enabled: false } } });
    const allowList = await startTestStack({
      gateway: { farmAllowList: { farmIds: [`farm-${'1'.repeat(32)}`] } },
    });
    try {
      for (const gateway of [off, allowList]) {
        const data = gateway.emulator?.dataset as Dataset;
        const [queuePath, jobs] = [...data.jobs][0] ?? ['', []];
        const [farmId = '', queueId = ''] = queuePath.split('/');
        const { response, calls } = await queryCountingCalls(gateway, UPDATE_JOB, {
          input: { farmId, queueId, jobId: jobs[0]?.jobId, priority: 5 },
        });
        expect(codes(response)).toEqual(['FORBIDDEN']);
        expect(calls).toEqual({});
      }
    } finally {
      await off.close();
      await allowList.close();
    }
  });
});

describe('with JWT authentication', () => {
  const ISSUER = 'https://idp.test.example/';
  const AUDIENCE = 'deadline-graphql';
  const SECRET = 'an-hs256-secret-that-is-at-least-32-chars';
  const token = (scope: string) =>
    new SignJWT({ scope })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('wrangler-7')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it('needs the write grant (FORBIDDEN with zero calls without it); each change is audited with the subject, never the token', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const jwtStack = await startTestStack({
      emulator: { sizes: { largeJobSessions: 10 } },
      gateway: { jwt: { secret: SECRET, issuer: ISSUER, audience: AUDIENCE }, logger },
    });
    try {
      const data = jwtStack.emulator?.dataset as Dataset;
      const [queuePath, jobs] = [...data.jobs][0] ?? ['', []];
      const [farmId = '', queueId = ''] = queuePath.split('/');
      const jobId = jobs[0]?.jobId ?? '';
      const send = async (bearer: string, priority: number) => {
        const before = jwtStack.emulator?.totalCalls() ?? 0;
        const answer = await fetch(`${jwtStack.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify({
            query: UPDATE_JOB,
            variables: { input: { farmId, queueId, jobId, priority } },
          }),
        });
        const body = (await answer.json()) as {
          data?: UpdateJobData;
          errors?: Array<{ extensions?: { code?: string } }>;
        };
        return { body, calls: (jwtStack.emulator?.totalCalls() ?? 0) - before };
      };
      const reader = await token('openid deadline:read');
      const refused = await send(reader, 3);
      expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(refused.calls).toBe(0);
      const writer = await token('openid deadline:write');
      const applied = await send(writer, 4);
      expect(applied.body.errors).toBeUndefined();
      expect(applied.body.data?.updateJob?.job.priority).toBe(4);
      const audits = lines.map((line) => JSON.parse(line)).filter((entry) => entry.audit);
      expect(audits.map((entry) => entry.audit)).toEqual([
        {
          subject: 'wrangler-7',
          operation: 'UpdateJob',
          ids: { farmId, queueId, jobId },
          changes: { priority: 3 },
          outcome: 'refused',
          error: 'FORBIDDEN',
        },
        {
          subject: 'wrangler-7',
          operation: 'UpdateJob',
          ids: { farmId, queueId, jobId },
          changes: { priority: 4 },
          outcome: 'applied',
        },
      ]);
      expect(lines.join('\n')).not.toContain(writer);
      expect(lines.join('\n')).not.toContain(reader);
    } finally {
      await jwtStack.close();
    }
  });
});
