/**
 * Projections of the dataset's Get* records onto the other output shapes of the model: the List* *Summary
 * shapes (the members of src/upstream/summaryMembers.ts, which the loaders build their records from too) and the
 * BatchGet* items (Get* fields plus the parent IDs).
 */

import {
  FARM_SUMMARY_MEMBERS,
  FLEET_SUMMARY_MEMBERS,
  JOB_SUMMARY_MEMBERS,
  QUEUE_SUMMARY_MEMBERS,
  SESSION_SUMMARY_MEMBERS,
} from '../upstream/summaryMembers.js';
import type {
  FarmRecord,
  FleetRecord,
  JobRecord,
  QueueRecord,
  SessionRecord,
  WorkerRecord,
} from './dataset.js';

/** The members of `record` that `members` names and that it has (a dataset record may lack an optional one). */
function pickMembers<T extends object, K extends string>(
  record: T,
  members: readonly K[],
): Pick<T, K & keyof T> {
  const out: Partial<Record<string, unknown>> = {};
  for (const member of members) {
    const value = (record as Record<string, unknown>)[member];
    if (value !== undefined) out[member] = value;
  }
  return out as Pick<T, K & keyof T>;
}

export const farmSummary = (farm: FarmRecord) => pickMembers(farm, FARM_SUMMARY_MEMBERS);
export const queueSummary = (queue: QueueRecord) => pickMembers(queue, QUEUE_SUMMARY_MEMBERS);
export const jobSummary = (job: JobRecord) => pickMembers(job, JOB_SUMMARY_MEMBERS);
export const sessionSummary = (session: SessionRecord) => pickMembers(session, SESSION_SUMMARY_MEMBERS);
export const fleetSummary = (fleet: FleetRecord) => pickMembers(fleet, FLEET_SUMMARY_MEMBERS);
/** WorkerSummary has the same members as GetWorkerResponse. */
export const workerSummary = (worker: WorkerRecord): WorkerRecord => worker;

export const batchJobItem = (farmId: string, queueId: string, job: JobRecord) => ({
  farmId,
  queueId,
  ...job,
});
export const batchSessionItem = (farmId: string, queueId: string, jobId: string, session: SessionRecord) => ({
  farmId,
  queueId,
  jobId,
  ...session,
});
export const batchWorkerItem = (worker: WorkerRecord): WorkerRecord => worker;
