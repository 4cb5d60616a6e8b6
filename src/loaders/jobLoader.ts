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
import { JOB_SUMMARY_MEMBERS } from '../upstream/summaryMembers.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, getEach, matchBatch, recordBuilder } from './entityLoader.js';

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

/** A ListJobs item as a record of one fixed shape (see recordBuilder in entityLoader.ts). */
export const jobSummaryRecord = recordBuilder<JobKey, JobSummary>()('summary', [], JOB_SUMMARY_MEMBERS);

/**
 * A BatchGetJob item or GetJob output as a record of one fixed shape. `farmId` and `queueId` come from the key:
 * GetJob's output has neither.
 */
export const jobDetailRecord = recordBuilder<JobKey, JobDetail>()(
  'detail',
  ['farmId', 'queueId'],
  [...JOB_SUMMARY_MEMBERS, 'storageProfileId', 'parameters', 'attachments', 'description'],
);

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
