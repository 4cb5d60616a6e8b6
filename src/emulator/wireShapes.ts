/**
 * Projections of the dataset's Get* records onto the other output shapes of the model: the List* *Summary
 * shapes (the registry's list-item members, src/model/entities.ts, which the loaders build their records from too)
 * and the BatchGet* items (Get* fields plus the parent IDs).
 */

import { ENTITIES } from '../model/entities.js';
import type {
  FarmRecord,
  FleetRecord,
  JobRecord,
  QueueRecord,
  SessionActionRecord,
  SessionRecord,
  StepLink,
  StepRecord,
  TaskRecord,
  WorkerRecord,
  WorkerSessionRef,
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

export const farmSummary = (farm: FarmRecord) => pickMembers(farm, ENTITIES.Farm.members.summary);
export const queueSummary = (queue: QueueRecord) => pickMembers(queue, ENTITIES.Queue.members.summary);
export const jobSummary = (job: JobRecord) => pickMembers(job, ENTITIES.Job.members.summary);
export const sessionSummary = (session: SessionRecord) =>
  pickMembers(session, ENTITIES.Session.members.summary);
export const fleetSummary = (fleet: FleetRecord) => pickMembers(fleet, ENTITIES.Fleet.members.summary);
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

export const stepSummary = (step: StepRecord) => pickMembers(step, ENTITIES.Step.members.summary);
/** TaskSummary has the same members as GetTaskResponse. */
export const taskSummary = (task: TaskRecord): TaskRecord => task;
/**
 * SessionActionSummary: the registry's list-item members. Its `definition` is the SessionActionDefinitionSummary
 * union, whose members are the full definition's with `taskRun.parameters` optional; the records' definitions
 * carry the parameters, and so do the list items.
 */
export const sessionActionSummary = (action: SessionActionRecord) =>
  pickMembers(action, ENTITIES.SessionAction.members.summary);
/** StepDependency and StepConsumer items are the links themselves. */
export const stepLink = (link: StepLink): StepLink => link;
/** WorkerSessionSummary: the session's summary with its queue and job, without fleet, worker and updates. */
export const workerSessionSummary = ({ queueId, jobId, session }: WorkerSessionRef) => {
  const summary: Record<string, unknown> = {
    sessionId: session.sessionId,
    queueId,
    jobId,
    startedAt: session.startedAt,
    lifecycleStatus: session.lifecycleStatus,
  };
  if (session.endedAt !== undefined) summary.endedAt = session.endedAt;
  if (session.targetLifecycleStatus !== undefined)
    summary.targetLifecycleStatus = session.targetLifecycleStatus;
  return summary;
};

export const batchStepItem = (farmId: string, queueId: string, jobId: string, step: StepRecord) => ({
  farmId,
  queueId,
  jobId,
  ...step,
});
export const batchTaskItem = (
  farmId: string,
  queueId: string,
  jobId: string,
  stepId: string,
  task: TaskRecord,
) => ({ farmId, queueId, jobId, stepId, ...task });
export const batchSessionActionItem = (
  farmId: string,
  queueId: string,
  jobId: string,
  action: SessionActionRecord,
) => ({ farmId, queueId, jobId, ...action });
