import { ListSessionsCommand, ThrottlingException } from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRef } from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, startFixture } from './emulatorFixture.js';

/**
 * `failNext(operation, error, count, only)`: a scripted failure aimed at the calls whose path carries given label
 * values (the ListSessions of one job), so a test can fail exactly one call of a wide operation.
 */
let fixture: EmulatorFixture;
let target: JobRef;
let other: JobRef;

beforeAll(async () => {
  fixture = await startFixture({ sizes: { largeJobSessions: 10 } });
  const { edgeJobs } = fixture.emulator.dataset;
  target = edgeJobs.get(1) as JobRef;
  other = edgeJobs.get(99) as JobRef;
});
afterAll(() => fixture.close());

const listSessions = (job: JobRef) => fixture.client.send(new ListSessionsCommand({ ...job, maxResults: 5 }));

describe('failNext with path labels', () => {
  it('fails only the calls whose labels match, and only they count down', async () => {
    fixture.emulator.failNext('ListSessions', 'ThrottlingException', 2, { jobId: target.jobId });
    // Another job's calls pass, however many, and do not use the failure up.
    for (let i = 0; i < 3; i++) await listSessions(other);
    await expectAwsError(listSessions(target), ThrottlingException);
    await listSessions(other);
    await expectAwsError(listSessions(target), ThrottlingException);
    // Used up: the target is served again.
    expect((await listSessions(target)).sessions).toHaveLength(1);
  });

  it('needs every label named to match', async () => {
    fixture.emulator.failNext('ListSessions', 'ThrottlingException', 1, {
      queueId: target.queueId,
      jobId: other.jobId,
    });
    // The target job has the queue but not the job ID: served.
    await listSessions(target);
    await expectAwsError(listSessions(other), ThrottlingException);
  });

  it('refuses labels the operation does not have, empty values, an empty set and "*"', () => {
    const { emulator } = fixture;
    expect(() => emulator.failNext('ListSessions', 'ThrottlingException', 1, { fleetId: 'fleet-x' })).toThrow(
      /ListSessions has no path label 'fleetId' \(it has: farmId, queueId, jobId\)/,
    );
    expect(() => emulator.failNext('BatchGetJob', 'ThrottlingException', 1, { jobId: target.jobId })).toThrow(
      /has no path label 'jobId' \(it has: none\)/,
    );
    expect(() => emulator.failNext('ListSessions', 'ThrottlingException', 1, { jobId: '' })).toThrow(
      RangeError,
    );
    expect(() => emulator.failNext('ListSessions', 'ThrottlingException', 1, {})).toThrow(RangeError);
    expect(() => emulator.failNext('*', 'ThrottlingException', 1, { jobId: target.jobId })).toThrow(
      RangeError,
    );
  });
});
