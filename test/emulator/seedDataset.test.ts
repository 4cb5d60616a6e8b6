import { describe, expect, it } from 'vitest';
import {
  DATASET_NOW,
  type Dataset,
  DEFAULT_SEED_SIZES,
  datasetToJson,
  generateDataset,
} from '../../src/emulator/index.js';

const dataset = generateDataset(1);
const ID = (prefix: string) => new RegExp(`^${prefix}-[0-9a-f]{32}$`);
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function allSessions(data: Dataset) {
  return [...data.sessions.entries()].flatMap(([key, sessions]) =>
    sessions.map((session) => ({ key, session })),
  );
}

describe('determinism', () => {
  it('the same seed gives byte-identical data; another seed gives different data', () => {
    expect(datasetToJson(generateDataset(1))).toBe(datasetToJson(dataset));
    const other = generateDataset(2);
    expect(datasetToJson(other)).not.toBe(datasetToJson(dataset));
    expect(other.farms[0]?.farmId).not.toBe(dataset.farms[0]?.farmId);
  });

  it('two emulators with one seed serve the same dataset', async () => {
    const { startEmulator } = await import('../../src/emulator/index.js');
    const [a, b] = await Promise.all([startEmulator({ seed: 7 }), startEmulator({ seed: 7 })]);
    try {
      expect(datasetToJson(a.dataset)).toBe(datasetToJson(b.dataset));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('generates the default dataset quickly', () => {
    const started = performance.now();
    generateDataset(3);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('edge jobs', () => {
  it('have exactly the stated session counts and live in the first farm’s comp queue', () => {
    const counts = [...dataset.edgeJobs.keys()].sort((a, b) => a - b);
    expect(counts).toEqual([0, 1, 99, 100, 101, 250, DEFAULT_SEED_SIZES.largeJobSessions]);
    const farm = dataset.farms[0];
    const comp = dataset.queues.get(farm?.farmId ?? '')?.[0];
    expect(comp?.displayName).toBe('comp');
    for (const [count, ref] of dataset.edgeJobs) {
      expect(ref.farmId).toBe(farm?.farmId);
      expect(ref.queueId).toBe(comp?.queueId);
      expect(dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`)).toHaveLength(count);
    }
  });

  it('largeJobSessions is configurable', () => {
    const small = generateDataset(1, { largeJobSessions: 1234, jobsPerQueue: 2 });
    const ref = small.edgeJobs.get(1234);
    expect(small.sessions.get(`${ref?.farmId}/${ref?.queueId}/${ref?.jobId}`)).toHaveLength(1234);
  });

  it('the large job’s sessions span more than 100 distinct workers and several fleets', () => {
    const ref = dataset.edgeJobs.get(DEFAULT_SEED_SIZES.largeJobSessions);
    const sessions = dataset.sessions.get(`${ref?.farmId}/${ref?.queueId}/${ref?.jobId}`) ?? [];
    expect(new Set(sessions.map((session) => session.workerId)).size).toBeGreaterThan(100);
    expect(new Set(sessions.map((session) => session.fleetId)).size).toBeGreaterThanOrEqual(3);
  });

  it('ordinary jobs have 0–30 sessions', () => {
    const edgeIds = new Set([...dataset.edgeJobs.values()].map((ref) => ref.jobId));
    for (const [key, sessions] of dataset.sessions) {
      if (!edgeIds.has(key.split('/')[2] ?? '')) expect(sessions.length).toBeLessThanOrEqual(30);
    }
  });
});

describe('consistency', () => {
  it('sessions occur in every lifecycle status; endedAt only and always on ENDED sessions', () => {
    const statuses = new Set<string>();
    let withTarget = 0;
    for (const { session } of allSessions(dataset)) {
      statuses.add(session.lifecycleStatus);
      expect(session.endedAt !== undefined).toBe(session.lifecycleStatus === 'ENDED');
      if (session.targetLifecycleStatus === 'ENDED') withTarget += 1;
    }
    expect([...statuses].sort()).toEqual([
      'ENDED',
      'STARTED',
      'UPDATE_FAILED',
      'UPDATE_IN_PROGRESS',
      'UPDATE_SUCCEEDED',
    ]);
    expect(withTarget).toBeGreaterThan(0);
  });

  it('sessions run on a worker of a fleet of the same farm, with that worker’s host properties', () => {
    for (const { key, session } of allSessions(dataset)) {
      const farmId = key.split('/')[0] ?? '';
      const workers = dataset.workers.get(`${farmId}/${session.fleetId}`);
      const worker = workers?.find((candidate) => candidate.workerId === session.workerId);
      expect(worker, `${session.sessionId} worker`).toBeDefined();
      expect(session.hostProperties).toEqual(worker?.hostProperties);
    }
  });

  it('timestamps are ISO with ms and ordered: job created ≤ started ≤ sessions ≤ ended ≤ dataset now', () => {
    for (const [queueKey, jobs] of dataset.jobs) {
      for (const job of jobs) {
        expect(job.createdAt).toMatch(ISO_MS);
        const created = Date.parse(job.createdAt);
        const sessions = dataset.sessions.get(`${queueKey}/${job.jobId}`) ?? [];
        if (sessions.length === 0) {
          expect(job.startedAt).toBeUndefined();
          continue;
        }
        const started = Date.parse(job.startedAt ?? '');
        expect(started).toBeGreaterThanOrEqual(created);
        for (const session of sessions) {
          expect(session.startedAt).toMatch(ISO_MS);
          const sessionStart = Date.parse(session.startedAt);
          expect(sessionStart).toBeGreaterThanOrEqual(started);
          if (session.endedAt) expect(Date.parse(session.endedAt)).toBeGreaterThanOrEqual(sessionStart);
          expect(Date.parse(session.endedAt ?? session.startedAt)).toBeLessThanOrEqual(DATASET_NOW);
          if (job.endedAt)
            expect(Date.parse(session.endedAt ?? '')).toBeLessThanOrEqual(Date.parse(job.endedAt));
        }
        const active = sessions.some((session) => session.lifecycleStatus !== 'ENDED');
        expect(job.endedAt === undefined).toBe(active);
        expect(job.taskRunStatus === 'RUNNING').toBe(active);
      }
    }
  });

  it('IDs match the model patterns and are unique', () => {
    const ids = new Set<string>();
    const add = (id: string, prefix: string) => {
      expect(id).toMatch(ID(prefix));
      expect(ids.has(id)).toBe(false);
      ids.add(id);
    };
    for (const farm of dataset.farms) add(farm.farmId, 'farm');
    for (const queues of dataset.queues.values()) for (const queue of queues) add(queue.queueId, 'queue');
    for (const jobs of dataset.jobs.values()) for (const job of jobs) add(job.jobId, 'job');
    for (const { session } of allSessions(dataset)) add(session.sessionId, 'session');
    for (const fleets of dataset.fleets.values()) for (const fleet of fleets) add(fleet.fleetId, 'fleet');
    for (const workers of dataset.workers.values())
      for (const worker of workers) add(worker.workerId, 'worker');
  });

  it('values respect the model’s enums and ranges', () => {
    const jobStatuses = [
      'CREATE_IN_PROGRESS',
      'CREATE_FAILED',
      'CREATE_COMPLETE',
      'UPLOAD_IN_PROGRESS',
      'UPLOAD_FAILED',
      'UPDATE_IN_PROGRESS',
      'UPDATE_FAILED',
      'UPDATE_SUCCEEDED',
      'ARCHIVED',
    ];
    for (const jobs of dataset.jobs.values()) {
      for (const job of jobs) {
        expect(jobStatuses).toContain(job.lifecycleStatus);
        expect(job.priority).toBeGreaterThanOrEqual(0);
        expect(job.priority).toBeLessThanOrEqual(100);
        expect(job.name.length).toBeLessThanOrEqual(128);
        expect(job.lifecycleStatusMessage).toBeTypeOf('string');
      }
    }
    for (const farm of dataset.farms) {
      expect(farm.costScaleFactor).toBeGreaterThanOrEqual(0);
      expect(farm.description?.length ?? 0).toBeLessThanOrEqual(100);
    }
    for (const fleets of dataset.fleets.values()) {
      for (const fleet of fleets) {
        expect(Object.keys(fleet.configuration)).toHaveLength(1);
        expect(fleet.workerCount).toBe(dataset.workers.get(`${fleet.farmId}/${fleet.fleetId}`)?.length);
        expect(fleet.description?.length ?? 0).toBeLessThanOrEqual(100);
      }
    }
  });

  it('a fleet with more than 100 workers exists; the sandbox farm is small', () => {
    const farm1 = dataset.farms[0]?.farmId ?? '';
    const farm2 = dataset.farms[1]?.farmId ?? '';
    const bigFleet = dataset.fleets.get(farm1)?.[0];
    expect(dataset.workers.get(`${farm1}/${bigFleet?.fleetId}`)?.length).toBeGreaterThan(100);
    expect(dataset.farms[1]?.displayName).toBe('Sandbox Farm');
    expect(dataset.queues.get(farm2)?.length).toBeLessThan(dataset.queues.get(farm1)?.length ?? 0);
  });

  it('honours the sizes option', () => {
    const custom = generateDataset(5, {
      farms: 3,
      queuesPerFarm: 7,
      fleetsPerFarm: 6,
      jobsPerQueue: 1,
      largeJobSessions: 10,
    });
    expect(custom.farms).toHaveLength(3);
    expect(custom.queues.get(custom.farms[0]?.farmId ?? '')).toHaveLength(7);
    expect(custom.fleets.get(custom.farms[0]?.farmId ?? '')).toHaveLength(6);
    const names = custom.fleets.get(custom.farms[0]?.farmId ?? '')?.map((fleet) => fleet.displayName);
    expect(new Set(names).size).toBe(6);
    expect(() => generateDataset(1, { workersPerFleet: 0 })).toThrow(RangeError);
  });
});
