import {
  BatchGetJobCommand,
  GetJobCommand,
  type JobSummary,
  ListJobsCommand,
} from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type QueueKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { JobDetail, JobRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, type FixedRecord, getEach, matchBatch } from './entityLoader.js';

export type JobDetailRecord = Extract<JobRecord, { level: 'detail' }>;

/** Jobs: BatchGetJob (up to 100 per call; GetJob where unsupported), ListJobs pages per queue. */
export class JobLoader extends EntityLoader<'Job', JobRecord, JobDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Job', upstream, (keys) =>
      batchWithGetFallback(
        upstream,
        'BatchGetJob',
        () => batchGetJobs(upstream, keys),
        () =>
          getEach(
            upstream,
            'GetJob',
            keys,
            (client, { farmId, queueId, jobId }) =>
              client.send(new GetJobCommand({ farmId, queueId, jobId })),
            jobDetailRecord,
          ),
      ),
    );
  }

  pagesOf({ farmId, queueId }: QueueKey): FetchPage<JobRecord> {
    return this.listPages(
      keyPath('Queue', { farmId, queueId }),
      'ListJobs',
      (client, page) => client.send(new ListJobsCommand({ farmId, queueId, ...page })),
      (output) =>
        (output.jobs ?? []).map((job) => jobSummaryRecord(job, { farmId, queueId, jobId: job.jobId ?? '' })),
    );
  }
}

/** A ListJobs item as a record of one fixed shape (why: sessionSummaryRecord in sessionLoader.ts). */
export function jobSummaryRecord(job: JobSummary, key: JobKey): FixedRecord<JobKey, 'summary', JobSummary> {
  return {
    key,
    level: 'summary',
    jobId: job.jobId,
    name: job.name,
    lifecycleStatus: job.lifecycleStatus,
    lifecycleStatusMessage: job.lifecycleStatusMessage,
    priority: job.priority,
    createdAt: job.createdAt,
    createdBy: job.createdBy,
    updatedAt: job.updatedAt,
    updatedBy: job.updatedBy,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    taskRunStatus: job.taskRunStatus,
    targetTaskRunStatus: job.targetTaskRunStatus,
    taskRunStatusCounts: job.taskRunStatusCounts,
    taskFailureRetryCount: job.taskFailureRetryCount,
    maxFailedTasksCount: job.maxFailedTasksCount,
    maxRetriesPerTask: job.maxRetriesPerTask,
    maxWorkerCount: job.maxWorkerCount,
    sourceJobId: job.sourceJobId,
  };
}

/**
 * A BatchGetJob item or GetJob output as a record of one fixed shape, without `$metadata` (why:
 * sessionSummaryRecord). `farmId` and `queueId` come from the key: GetJob's output has neither.
 */
export function jobDetailRecord(
  job: Omit<JobDetail, 'farmId' | 'queueId'>,
  key: JobKey,
): FixedRecord<JobKey, 'detail', JobDetail> {
  return {
    key,
    level: 'detail',
    farmId: key.farmId,
    queueId: key.queueId,
    jobId: job.jobId,
    name: job.name,
    lifecycleStatus: job.lifecycleStatus,
    lifecycleStatusMessage: job.lifecycleStatusMessage,
    priority: job.priority,
    createdAt: job.createdAt,
    createdBy: job.createdBy,
    updatedAt: job.updatedAt,
    updatedBy: job.updatedBy,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    taskRunStatus: job.taskRunStatus,
    targetTaskRunStatus: job.targetTaskRunStatus,
    taskRunStatusCounts: job.taskRunStatusCounts,
    taskFailureRetryCount: job.taskFailureRetryCount,
    storageProfileId: job.storageProfileId,
    maxFailedTasksCount: job.maxFailedTasksCount,
    maxRetriesPerTask: job.maxRetriesPerTask,
    parameters: job.parameters,
    attachments: job.attachments,
    description: job.description,
    maxWorkerCount: job.maxWorkerCount,
    sourceJobId: job.sourceJobId,
  };
}

async function batchGetJobs(upstream: DeadlineUpstream, keys: readonly JobKey[]) {
  const result = await upstream.call({ operation: 'BatchGetJob' }, (client) =>
    client.send(
      new BatchGetJobCommand({
        identifiers: keys.map(({ farmId, queueId, jobId }) => ({ farmId, queueId, jobId })),
      }),
    ),
  );
  const records = (result.jobs ?? []).map((job) =>
    jobDetailRecord(job, { farmId: job.farmId ?? '', queueId: job.queueId ?? '', jobId: job.jobId ?? '' }),
  );
  return matchBatch(
    keys,
    (key) => keyPath('Job', key),
    records,
    (record) => keyPath('Job', record.key),
    result.errors ?? [],
    (error) => `${error.farmId}/${error.queueId}/${error.jobId}`,
    (error) => batchItemError('BatchGetJob', error, result.$metadata.requestId),
  );
}
