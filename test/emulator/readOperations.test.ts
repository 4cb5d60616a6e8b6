import {
  GetFarmCommand,
  GetFleetCommand,
  GetJobCommand,
  GetQueueCommand,
  GetSessionCommand,
  GetWorkerCommand,
  ListFarmsCommand,
  ListFleetsCommand,
  ListJobsCommand,
  ListQueuesCommand,
  ListSessionsCommand,
  ListWorkersCommand,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmulatorFixture,
  expectRequiredMembers,
  REQUIRED_MEMBERS,
  rawRequest,
  startFixture,
} from './emulatorFixture.js';

let fixture: EmulatorFixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(() => fixture.close());

const firstOf = <T>(items: readonly T[] | undefined): T => {
  const item = items?.[0];
  if (item === undefined) throw new Error('expected a non-empty list');
  return item;
};

describe('farm, queue, job, session reads', () => {
  it('ListFarms returns every farm as FarmSummary, timestamps as Dates', async () => {
    const { dataset } = fixture.emulator;
    const response = await fixture.client.send(new ListFarmsCommand({}));
    expect(response.farms?.map((farm) => farm.farmId)).toEqual(dataset.farms.map((farm) => farm.farmId));
    expect(response.nextToken).toBeUndefined();
    for (const farm of response.farms ?? []) {
      expectRequiredMembers(farm, REQUIRED_MEMBERS.FarmSummary);
      expect(farm.createdAt).toBeInstanceOf(Date);
      // Summary shape: GetFarm-only members are not listed.
      expect(farm).not.toHaveProperty('costScaleFactor');
    }
    expect(response.farms?.[0]?.displayName).toBe('Main Studio Farm');
    expect(response.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GetFarm returns the detail record including costScaleFactor and description', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const response = await fixture.client.send(new GetFarmCommand({ farmId: farm.farmId }));
    expectRequiredMembers(response, REQUIRED_MEMBERS.GetFarmResponse);
    expect(response.costScaleFactor).toBe(farm.costScaleFactor);
    expect(response.description).toBe(farm.description);
    expect(response.createdAt?.toISOString()).toBe(farm.createdAt);
  });

  it('ListQueues and GetQueue', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const queues = fixture.emulator.dataset.queues.get(farm.farmId) ?? [];
    const response = await fixture.client.send(new ListQueuesCommand({ farmId: farm.farmId }));
    expect(response.queues?.map((queue) => queue.displayName)).toEqual(
      queues.map((queue) => queue.displayName),
    );
    expect(response.queues?.[0]?.displayName).toBe('comp');
    for (const queue of response.queues ?? []) {
      expectRequiredMembers(queue, REQUIRED_MEMBERS.QueueSummary);
      expect(['IDLE', 'SCHEDULING', 'SCHEDULING_BLOCKED']).toContain(queue.status);
      expect(queue).not.toHaveProperty('roleArn');
    }
    const queue = firstOf(queues);
    const detail = await fixture.client.send(
      new GetQueueCommand({ farmId: farm.farmId, queueId: queue.queueId }),
    );
    expect(detail.roleArn).toBe(queue.roleArn);
    expect(detail.jobRunAsUser?.runAs).toBe('QUEUE_CONFIGURED_USER');
    expect(detail.description).toBe(queue.description);
  });

  it('ListJobs returns JobSummary items; GetJob adds description and parameters', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const queue = firstOf(fixture.emulator.dataset.queues.get(farm.farmId));
    const jobs = fixture.emulator.dataset.jobs.get(`${farm.farmId}/${queue.queueId}`) ?? [];
    const response = await fixture.client.send(
      new ListJobsCommand({ farmId: farm.farmId, queueId: queue.queueId }),
    );
    expect(response.jobs?.map((job) => job.jobId)).toEqual(jobs.map((job) => job.jobId));
    for (const job of response.jobs ?? []) {
      expectRequiredMembers(job, REQUIRED_MEMBERS.JobSummary);
      expect(job.name).toMatch(/^sq\d{3}_sh\d{4}_[a-z]+_v\d{3}$/);
      expect(job).not.toHaveProperty('parameters');
      expect(job).not.toHaveProperty('description');
    }
    const job = firstOf(jobs);
    const detail = await fixture.client.send(
      new GetJobCommand({ farmId: farm.farmId, queueId: queue.queueId, jobId: job.jobId }),
    );
    expectRequiredMembers(detail, REQUIRED_MEMBERS.JobSummary);
    expect(detail.description).toBe(job.description);
    expect(detail.parameters?.Frames).toEqual(job.parameters?.Frames);
    expect(detail.createdAt).toBeInstanceOf(Date);
  });

  it('ListSessions and GetSession (log, hostProperties, workerLog)', async () => {
    const { dataset } = fixture.emulator;
    const ref = dataset.edgeJobs.get(250);
    if (!ref) throw new Error('edge job missing');
    const response = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 10 }));
    expect(response.sessions).toHaveLength(10);
    for (const session of response.sessions ?? []) {
      expectRequiredMembers(session, REQUIRED_MEMBERS.SessionSummary);
      expect(session.startedAt).toBeInstanceOf(Date);
      expect(session).not.toHaveProperty('log');
    }
    const record = firstOf(dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`));
    const detail = await fixture.client.send(new GetSessionCommand({ ...ref, sessionId: record.sessionId }));
    expectRequiredMembers(detail, REQUIRED_MEMBERS.GetSessionResponse);
    expect(detail.log?.logDriver).toBe('awslogs');
    expect(detail.hostProperties?.hostName).toBe(record.hostProperties?.hostName);
    expect(detail.workerLog?.options?.logStreamName).toBe(record.workerId);
    expect(detail.endedAt?.toISOString()).toBe(record.endedAt);
  });
});

describe('fleet and worker reads', () => {
  it('ListFleets carries the configuration union; GetFleet adds roleArn and capabilities', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const response = await fixture.client.send(new ListFleetsCommand({ farmId: farm.farmId }));
    const names = response.fleets?.map((fleet) => fleet.displayName);
    expect(names).toEqual(['Linux render fleet', 'GPU sim fleet', 'Windows comp fleet']);
    const kinds = new Set<string>();
    for (const fleet of response.fleets ?? []) {
      expectRequiredMembers(fleet, REQUIRED_MEMBERS.FleetSummary);
      const keys = Object.entries(fleet.configuration ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key);
      expect(keys).toHaveLength(1);
      kinds.add(keys[0] ?? '');
      expect(fleet).not.toHaveProperty('roleArn');
    }
    expect(kinds).toEqual(new Set(['customerManaged', 'serviceManagedEc2']));
    const fleet = firstOf(response.fleets);
    const detail = await fixture.client.send(
      new GetFleetCommand({ farmId: farm.farmId, fleetId: fleet.fleetId }),
    );
    expect(detail.roleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(detail.capabilities?.amounts?.length).toBeGreaterThan(0);
    expect(detail.workerCount).toBe(fixture.emulator.dataset.sizes.largeFleetWorkers);
  });

  it('ListWorkers pages through the large fleet; GetWorker returns host properties', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const fleet = firstOf(fixture.emulator.dataset.fleets.get(farm.farmId));
    const first = await fixture.client.send(
      new ListWorkersCommand({ farmId: farm.farmId, fleetId: fleet.fleetId }),
    );
    expect(first.workers).toHaveLength(100);
    expect(first.nextToken).toBeTypeOf('string');
    const second = await fixture.client.send(
      new ListWorkersCommand({ farmId: farm.farmId, fleetId: fleet.fleetId, nextToken: first.nextToken }),
    );
    expect(second.workers).toHaveLength(60);
    expect(second.nextToken).toBeUndefined();
    const worker = firstOf(first.workers);
    expectRequiredMembers(worker, REQUIRED_MEMBERS.WorkerSummary);
    expect(worker.hostProperties?.hostName).toMatch(/^render-lnx-\d{4}\.studio\.internal$/);
    const detail = await fixture.client.send(
      new GetWorkerCommand({ farmId: farm.farmId, fleetId: fleet.fleetId, workerId: worker.workerId }),
    );
    expect(detail.hostProperties?.ipAddresses?.ipV4Addresses?.[0]).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(detail.status).toBe(worker.status);
  });
});

describe('wire format', () => {
  it('answers JSON with ISO-8601 millisecond timestamps and an x-amzn-RequestId header', async () => {
    const farm = firstOf(fixture.emulator.dataset.farms);
    const response = await rawRequest(fixture.emulator.endpoint, `/2023-10-12/farms/${farm.farmId}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.json.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(response.json).toEqual(farm);
  });

  it('every request id is unique', async () => {
    const ids = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) {
      const response = await fixture.client.send(new ListFarmsCommand({}));
      ids.add(response.$metadata.requestId);
    }
    expect(ids.size).toBe(5);
  });
});
