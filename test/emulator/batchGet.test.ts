import {
  AccessDeniedException,
  BatchGetJobCommand,
  BatchGetSessionCommand,
  BatchGetWorkerCommand,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRef } from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

let fixture: EmulatorFixture;
let ref: JobRef;
beforeAll(async () => {
  fixture = await startFixture();
  ref = fixture.emulator.dataset.edgeJobs.get(250) as JobRef;
});
afterAll(() => fixture.close());

const MISSING_JOB = `job-${'f'.repeat(32)}`;

/** A BatchGetJob the emulator rejects as a whole, naming exactly `fields`. */
async function rejectedFields(identifiers: JobRef[], fields: string[]): Promise<ValidationException> {
  const error = await expectAwsError(
    fixture.client.send(new BatchGetJobCommand({ identifiers })),
    ValidationException,
  );
  expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
  expect(error.fieldList?.map((field) => field.name)).toEqual(fields);
  return error;
}

describe('BatchGetJob', () => {
  it('returns found jobs with parent IDs and per-item errors for missing IDs', async () => {
    const other = fixture.emulator.dataset.edgeJobs.get(101) as JobRef;
    const response = await fixture.client.send(
      new BatchGetJobCommand({ identifiers: [ref, { ...ref, jobId: MISSING_JOB }, other] }),
    );
    expect(response.jobs?.map((job) => job.jobId)).toEqual([ref.jobId, other.jobId]);
    const job = response.jobs?.[0];
    const record = fixture.emulator.dataset.jobs
      .get(`${ref.farmId}/${ref.queueId}`)
      ?.find((j) => j.jobId === ref.jobId);
    expect(job?.farmId).toBe(ref.farmId);
    expect(job?.queueId).toBe(ref.queueId);
    expect(job?.name).toBe(record?.name);
    expect(job?.description).toBe(record?.description);
    expect(job?.createdAt).toBeInstanceOf(Date);
    expect(response.errors).toEqual([
      { ...ref, jobId: MISSING_JOB, code: 'ResourceNotFoundException', message: expect.any(String) },
    ]);
  });

  it('a malformed ID rejects the whole call, naming the item (the error items could not carry it)', async () => {
    const error = await rejectedFields(
      [ref, { ...ref, jobId: 'job-nope' }, { ...ref, farmId: '' }],
      ['identifiers.2.member.jobId', 'identifiers.3.member.farmId'],
    );
    expect(error.fieldList?.[0]?.message).toContain('job-[0-9a-f]{32}');
  });

  it('reports a missing parent per item', async () => {
    const response = await fixture.client.send(
      new BatchGetJobCommand({ identifiers: [{ ...ref, queueId: `queue-${'a'.repeat(32)}` }] }),
    );
    expect(response.jobs).toEqual([]);
    expect(response.errors?.[0]?.code).toBe('ResourceNotFoundException');
    expect(response.errors?.[0]?.message).toMatch(/queue/);
  });

  it('rejects repeated identifiers, naming each repeat', async () => {
    const error = await rejectedFields(
      [ref, ref, { ...ref, jobId: MISSING_JOB }, { ...ref, jobId: MISSING_JOB }],
      ['identifiers.2.member', 'identifiers.4.member'],
    );
    expect(error.fieldList?.[1]?.message).toContain("'identifiers.3.member'");
  });

  it.each([0, 101])('rejects %s identifiers', async (count) => {
    const error = await expectAwsError(
      fixture.client.send(new BatchGetJobCommand({ identifiers: Array.from({ length: count }, () => ref) })),
      ValidationException,
    );
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    expect(error.fieldList?.[0]?.name).toBe('identifiers');
  });

  it('accepts exactly 100 identifiers', async () => {
    const jobs = fixture.emulator.dataset.jobs.get(`${ref.farmId}/${ref.queueId}`) ?? [];
    const identifiers = Array.from({ length: 100 }, (_, index) => ({
      ...ref,
      jobId: index < jobs.length ? (jobs[index]?.jobId ?? '') : `job-${index.toString(16).padStart(32, '0')}`,
    }));
    const response = await fixture.client.send(new BatchGetJobCommand({ identifiers }));
    expect(response.jobs).toHaveLength(jobs.length);
    expect(response.errors).toHaveLength(100 - jobs.length);
  });

  it.each([
    ['no body', undefined, 'FIELD_VALIDATION_FAILED'],
    ['invalid JSON', '{"identifiers": [', 'CANNOT_PARSE'],
    ['identifiers missing', '{}', 'FIELD_VALIDATION_FAILED'],
    ['identifiers null', '{"identifiers": null}', 'FIELD_VALIDATION_FAILED'],
    ['identifiers not a list', '{"identifiers": "job"}', 'CANNOT_PARSE'],
    [
      'an identifier without jobId',
      '{"identifiers": [{"farmId": "f", "queueId": "q"}]}',
      'FIELD_VALIDATION_FAILED',
    ],
    ['a null identifier', '{"identifiers": [null]}', 'FIELD_VALIDATION_FAILED'],
    ['an identifier that is a string', '{"identifiers": ["job"]}', 'CANNOT_PARSE'],
    ['a numeric jobId', '{"identifiers": [{"farmId": "f", "queueId": "q", "jobId": 5}]}', 'CANNOT_PARSE'],
    ['a JSON array body', '[]', 'CANNOT_PARSE'],
    ['a JSON null body', 'null', 'CANNOT_PARSE'],
    ['a JSON string body', '"identifiers"', 'CANNOT_PARSE'],
  ])('rejects %s with 400 ValidationException', async (_name, body, reason) => {
    const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/batch-get-job', {
      method: 'POST',
      body,
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(response.json.reason).toBe(reason);
  });
});

describe('BatchGetSession and BatchGetWorker', () => {
  it('BatchGetSession returns GetSession fields plus farmId/queueId/jobId', async () => {
    const sessions = fixture.emulator.dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`) ?? [];
    const [first, second] = sessions;
    const response = await fixture.client.send(
      new BatchGetSessionCommand({
        identifiers: [
          { ...ref, sessionId: first?.sessionId },
          { ...ref, sessionId: second?.sessionId },
          { ...ref, sessionId: `session-${'0'.repeat(32)}` },
        ],
      }),
    );
    expect(response.sessions?.map((session) => session.sessionId)).toEqual([
      first?.sessionId,
      second?.sessionId,
    ]);
    const item = response.sessions?.[0];
    expect(item).toMatchObject({ farmId: ref.farmId, queueId: ref.queueId, jobId: ref.jobId });
    expect(item?.log?.logDriver).toBe('awslogs');
    expect(item?.startedAt).toBeInstanceOf(Date);
    expect(response.errors?.map((error) => error.code)).toEqual(['ResourceNotFoundException']);
    expect(response.errors?.[0]).toMatchObject({ ...ref, sessionId: `session-${'0'.repeat(32)}` });
  });

  it('BatchGetWorker returns workers and per-item errors', async () => {
    const farmId = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    const fleet = fixture.emulator.dataset.fleets.get(farmId)?.[1];
    const workers = fixture.emulator.dataset.workers.get(`${farmId}/${fleet?.fleetId}`) ?? [];
    const response = await fixture.client.send(
      new BatchGetWorkerCommand({
        identifiers: [
          { farmId, fleetId: fleet?.fleetId, workerId: workers[0]?.workerId },
          { farmId, fleetId: fleet?.fleetId, workerId: `worker-${'0'.repeat(32)}` },
        ],
      }),
    );
    expect(response.workers?.[0]).toMatchObject({
      farmId,
      fleetId: fleet?.fleetId,
      workerId: workers[0]?.workerId,
    });
    expect(response.workers?.[0]?.hostProperties?.ec2InstanceType).toMatch(/^g6\./);
    expect(response.errors?.map((error) => error.code)).toEqual(['ResourceNotFoundException']);
  });

  it('rejects 101 session identifiers', async () => {
    await expectAwsError(
      fixture.client.send(
        new BatchGetSessionCommand({
          identifiers: Array.from({ length: 101 }, () => ({
            ...ref,
            sessionId: `session-${'0'.repeat(32)}`,
          })),
        }),
      ),
      ValidationException,
    );
  });
});

describe('denied farms in batches', () => {
  it('BatchGetJob reports AccessDeniedException per item; BatchGetSession fails the call with 403', async () => {
    const local = await startFixture({});
    const denied = local.emulator.dataset.edgeJobs.get(1) as JobRef;
    await local.close();
    const restricted = await startFixture({ deniedFarmIds: [denied.farmId] });
    try {
      const farm2 = restricted.emulator.dataset.farms[1]?.farmId ?? '';
      const queue2 = restricted.emulator.dataset.queues.get(farm2)?.[0]?.queueId ?? '';
      const job2 = restricted.emulator.dataset.jobs.get(`${farm2}/${queue2}`)?.[0]?.jobId ?? '';
      const response = await restricted.client.send(
        new BatchGetJobCommand({ identifiers: [denied, { farmId: farm2, queueId: queue2, jobId: job2 }] }),
      );
      expect(response.jobs?.map((job) => job.jobId)).toEqual([job2]);
      expect(response.errors).toEqual([
        { ...denied, code: 'AccessDeniedException', message: expect.any(String) },
      ]);
      await expectAwsError(
        restricted.client.send(
          new BatchGetSessionCommand({
            identifiers: [{ ...denied, sessionId: `session-${'0'.repeat(32)}` }],
          }),
        ),
        AccessDeniedException,
      );
    } finally {
      await restricted.close();
    }
  });
});
