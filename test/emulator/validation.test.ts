import {
  AccessDeniedException,
  GetJobCommand,
  GetSessionCommand,
  GetWorkerCommand,
  ListFarmsCommand,
  ListFleetsCommand,
  ListJobsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
  ResourceNotFoundException,
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

const UNKNOWN_HEX = '0123456789abcdef0123456789abcdef';
const sessionsPath = () => `/2023-10-12/farms/${ref.farmId}/queues/${ref.queueId}/jobs/${ref.jobId}/sessions`;

describe('maxResults', () => {
  it.each([0, 101, -1])('rejects maxResults=%s through the SDK', async (maxResults) => {
    const error = await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, maxResults })),
      ValidationException,
    );
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    expect(error.fieldList?.map((field) => field.name)).toEqual(['maxResults']);
  });

  it('rejects maxResults=1.5 through the SDK as unparsable (not an integer)', async () => {
    const error = await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 1.5 })),
      ValidationException,
    );
    expect(error.reason).toBe('CANNOT_PARSE');
    expect(error.message).toContain("'maxResults'");
  });

  it.each(['abc', '', '1e2', '0x10', '100.0', ' 5', '2147483648', '-2147483649'])(
    'rejects maxResults=%j on the wire as unparsable',
    async (raw) => {
      const response = await rawRequest(
        fixture.emulator.endpoint,
        `${sessionsPath()}?maxResults=${encodeURIComponent(raw)}`,
      );
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(response.json.reason).toBe('CANNOT_PARSE');
      expect(response.json).not.toHaveProperty('code');
    },
  );

  it.each(['2147483647', '-2147483648'])(
    'a 32-bit maxResults=%s parses, then fails its range',
    async (raw) => {
      const response = await rawRequest(fixture.emulator.endpoint, `${sessionsPath()}?maxResults=${raw}`);
      expect(response.status).toBe(400);
      expect(response.json.reason).toBe('FIELD_VALIDATION_FAILED');
    },
  );

  it('rejects a repeated maxResults', async () => {
    const response = await rawRequest(
      fixture.emulator.endpoint,
      `${sessionsPath()}?maxResults=5&maxResults=6`,
    );
    expect(response.status).toBe(400);
  });

  it.each([1, 100])('accepts maxResults=%s', async (maxResults) => {
    const response = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults }));
    expect(response.sessions).toHaveLength(maxResults);
  });
});

describe('identifier patterns', () => {
  it.each([
    ['farmId', 'farm-123'],
    ['farmId', `farm-${UNKNOWN_HEX.toUpperCase()}`],
    ['farmId', `xfarm-${UNKNOWN_HEX}`],
    ['queueId', `queue-${UNKNOWN_HEX}0`],
    ['jobId', `fleet-${UNKNOWN_HEX}`],
    ['jobId', ''],
  ])('rejects %s=%j with a ValidationException naming the field', async (field, value) => {
    const error = await expectAwsError(
      fixture.client.send(new GetJobCommand({ ...ref, [field]: value })),
      ValidationException,
    );
    expect(error.reason).toBe('FIELD_VALIDATION_FAILED');
    expect(error.fieldList?.map((entry) => entry.name)).toEqual([field]);
  });

  it('lists every failed field at once', async () => {
    const error = await expectAwsError(
      fixture.client.send(
        new ListSessionsCommand({ farmId: 'farm-x', queueId: 'queue-y', jobId: ref.jobId, maxResults: 0 }),
      ),
      ValidationException,
    );
    expect(error.fieldList?.map((entry) => entry.name)).toEqual(['farmId', 'queueId', 'maxResults']);
    expect(error.message).toMatch(/^3 validation errors detected/);
  });

  it('rejects a percent-encoded slash inside a label rather than routing on it', async () => {
    const response = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${ref.farmId}%2Fqueues/queues/${ref.queueId}`,
    );
    expect(response.status).toBe(400);
    expect(response.json.fieldList).toEqual([expect.objectContaining({ name: 'farmId' })]);
  });
});

describe('unknown resources', () => {
  it('unknown job → 404 ResourceNotFoundException with resourceId and resourceType', async () => {
    const jobId = `job-${UNKNOWN_HEX}`;
    const error = await expectAwsError(
      fixture.client.send(new GetJobCommand({ ...ref, jobId })),
      ResourceNotFoundException,
    );
    expect(error.resourceId).toBe(jobId);
    expect(error.resourceType).toBe('job');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('an unknown parent is reported before the child', async () => {
    const farmId = `farm-${UNKNOWN_HEX}`;
    const error = await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, farmId })),
      ResourceNotFoundException,
    );
    expect(error.resourceId).toBe(farmId);
    expect(error.resourceType).toBe('farm');
    const queueId = `queue-${UNKNOWN_HEX}`;
    const queueError = await expectAwsError(
      fixture.client.send(new GetSessionCommand({ ...ref, queueId, sessionId: `session-${UNKNOWN_HEX}` })),
      ResourceNotFoundException,
    );
    expect(queueError.resourceId).toBe(queueId);
  });

  it('a resource is only found under its own parents', async () => {
    const other = fixture.emulator.dataset.edgeJobs.get(101) as JobRef;
    const session = fixture.emulator.dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`)?.[0];
    const error = await expectAwsError(
      fixture.client.send(new GetSessionCommand({ ...other, sessionId: session?.sessionId })),
      ResourceNotFoundException,
    );
    expect(error.resourceType).toBe('session');
    const farm2 = fixture.emulator.dataset.farms[1]?.farmId ?? '';
    const farm1 = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    const fleet = fixture.emulator.dataset.fleets.get(farm1)?.[0];
    const worker = fixture.emulator.dataset.workers.get(`${farm1}/${fleet?.fleetId}`)?.[0];
    await expectAwsError(
      fixture.client.send(
        new GetWorkerCommand({ farmId: farm2, fleetId: fleet?.fleetId, workerId: worker?.workerId }),
      ),
      ResourceNotFoundException,
    );
  });
});

describe('list filters', () => {
  it('principalId is validated and filters farms, queues and fleets by membership', async () => {
    const { dataset } = fixture.emulator;
    const farm1 = dataset.farms[0]?.farmId ?? '';
    await expectAwsError(
      fixture.client.send(new ListFarmsCommand({ principalId: 'nobody' })),
      ValidationException,
    );
    const outsider = dataset.principals.find(
      (principal) => !(dataset.members.get(dataset.farms[1]?.farmId ?? '') ?? []).includes(principal),
    );
    expect(outsider).toBeDefined();
    const farms = await fixture.client.send(new ListFarmsCommand({ principalId: outsider }));
    expect(farms.farms?.map((farm) => farm.farmId)).toEqual([farm1]);

    const queueMember = dataset.members.get(dataset.queues.get(farm1)?.[1]?.queueId ?? '')?.at(-1) ?? '';
    const queues = await fixture.client.send(
      new ListQueuesCommand({ farmId: farm1, principalId: queueMember }),
    );
    const expectedQueues = (dataset.queues.get(farm1) ?? []).filter((queue) =>
      dataset.members.get(queue.queueId)?.includes(queueMember),
    );
    expect(queues.queues?.map((queue) => queue.queueId)).toEqual(
      expectedQueues.map((queue) => queue.queueId),
    );
    expect(expectedQueues.length).toBeLessThan(dataset.queues.get(farm1)?.length ?? 0);

    const stranger = '0123456789-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const none = await fixture.client.send(new ListFleetsCommand({ farmId: farm1, principalId: stranger }));
    expect(none.fleets).toEqual([]);
  });

  it('ListJobs principalId keeps the jobs that principal created', async () => {
    const jobs = fixture.emulator.dataset.jobs.get(`${ref.farmId}/${ref.queueId}`) ?? [];
    const creator = jobs[0]?.createdBy ?? '';
    const response = await fixture.client.send(
      new ListJobsCommand({ farmId: ref.farmId, queueId: ref.queueId, principalId: creator }),
    );
    expect(response.jobs?.map((job) => job.jobId)).toEqual(
      jobs.filter((job) => job.createdBy === creator).map((job) => job.jobId),
    );
  });

  it('status filters are validated against the enums and applied', async () => {
    const farm1 = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    await expectAwsError(
      fixture.client.send(new ListQueuesCommand({ farmId: farm1, status: 'ACTIVE' as 'IDLE' })),
      ValidationException,
    );
    await expectAwsError(
      fixture.client.send(new ListFleetsCommand({ farmId: farm1, status: 'RUNNING' as 'ACTIVE' })),
      ValidationException,
    );
    const scheduling = await fixture.client.send(
      new ListQueuesCommand({ farmId: farm1, status: 'SCHEDULING' }),
    );
    expect(scheduling.queues?.length).toBeGreaterThan(0);
    expect(scheduling.queues?.every((queue) => queue.status === 'SCHEDULING')).toBe(true);
    const suspended = await fixture.client.send(
      new ListFleetsCommand({ farmId: farm1, status: 'SUSPENDED' }),
    );
    expect(suspended.fleets).toEqual([]);
  });

  it('displayName filter: 1–100 chars, exact match', async () => {
    const farm1 = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    const response = await fixture.client.send(
      new ListFleetsCommand({ farmId: farm1, displayName: 'GPU sim fleet' }),
    );
    expect(response.fleets?.map((fleet) => fleet.displayName)).toEqual(['GPU sim fleet']);
    await expectAwsError(
      fixture.client.send(new ListFleetsCommand({ farmId: farm1, displayName: 'x'.repeat(101) })),
      ValidationException,
    );
    const empty = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${farm1}/fleets?displayName=`,
    );
    expect(empty.status).toBe(400);
  });
});

describe('routing', () => {
  it('unknown paths → 400 ValidationException reason UNKNOWN_OPERATION', async () => {
    for (const path of ['/', '/2023-10-12/farm', '/2023-10-12/farms/x/y/z/w', '/2024-01-01/farms']) {
      const response = await rawRequest(fixture.emulator.endpoint, path);
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
      expect(response.json.reason).toBe('UNKNOWN_OPERATION');
    }
    expect(fixture.emulator.calls().UnknownOperation).toBeGreaterThanOrEqual(4);
  });

  it('a wrong method on a known path is an error, not a crash', async () => {
    for (const [method, path] of [
      ['POST', '/2023-10-12/farms'],
      ['DELETE', `/2023-10-12/farms/${ref.farmId}`],
      ['GET', '/2023-10-12/batch-get-job'],
      ['PATCH', sessionsPath()],
    ] as const) {
      const response = await rawRequest(fixture.emulator.endpoint, path, { method });
      expect(response.status).toBe(400);
      expect(response.json.reason).toBe('UNKNOWN_OPERATION');
    }
  });

  it('a trailing slash is not normalised: …/jobs/ is GetJob with an empty jobId', async () => {
    const response = await rawRequest(
      fixture.emulator.endpoint,
      `/2023-10-12/farms/${ref.farmId}/queues/${ref.queueId}/jobs/`,
    );
    expect(response.status).toBe(400);
    expect(response.json.fieldList).toEqual([expect.objectContaining({ name: 'jobId' })]);
  });

  it('malformed percent-encoding → 400 CANNOT_PARSE', async () => {
    const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.json.reason).toBe('CANNOT_PARSE');
  });
});

describe('authentication', () => {
  it('a request without Authorization → 403 AccessDeniedException "Missing Authentication Token"', async () => {
    const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms', {
      authorization: null,
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.json).toEqual({ message: 'Missing Authentication Token' });
  });

  it.each(['Bearer abc', 'AWS4-HMAC-SHA256 SignedHeaders=host', 'AWS4-HMAC-SHA256'])(
    'rejects Authorization %j',
    async (authorization) => {
      const response = await rawRequest(fixture.emulator.endpoint, '/2023-10-12/farms', { authorization });
      expect(response.status).toBe(403);
    },
  );

  it('the SDK surfaces it as AccessDeniedException', async () => {
    const { DeadlineClient } = await import('@aws-sdk/client-deadline');
    const unsigned = new DeadlineClient({
      endpoint: fixture.emulator.endpoint,
      region: 'us-west-2',
      disableHostPrefix: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    type Middleware = Parameters<typeof unsigned.middlewareStack.addRelativeTo>[0];
    const dropAuthorization =
      (next: (args: unknown) => Promise<unknown>) =>
      async (args: unknown): Promise<unknown> => {
        const request = (args as { request: { headers: Record<string, string> } }).request;
        delete request.headers.authorization;
        return next(args);
      };
    unsigned.middlewareStack.addRelativeTo(dropAuthorization as unknown as Middleware, {
      relation: 'after',
      toMiddleware: 'httpSigningMiddleware',
      name: 'dropAuthorization',
    });
    try {
      await expectAwsError(unsigned.send(new ListFarmsCommand({})), AccessDeniedException);
    } finally {
      unsigned.destroy();
    }
  });
});
