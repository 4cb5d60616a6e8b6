import { BatchGetJobCommand, GetJobCommand, ListJobsCommand } from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type QueueKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { JobRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, getEach, matchBatch } from './entityLoader.js';

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
          getEach(upstream, 'GetJob', keys, async (client, { farmId, queueId, jobId }) => ({
            ...(await client.send(new GetJobCommand({ farmId, queueId, jobId }))),
            farmId,
            queueId,
          })),
      ),
    );
  }

  pagesOf({ farmId, queueId }: QueueKey): FetchPage<JobRecord> {
    return this.listPages(
      keyPath('Queue', { farmId, queueId }),
      'ListJobs',
      (client, page) => client.send(new ListJobsCommand({ farmId, queueId, ...page })),
      (output) =>
        (output.jobs ?? []).map((job) => ({
          ...job,
          key: { farmId, queueId, jobId: job.jobId ?? '' },
          level: 'summary',
        })),
    );
  }
}

async function batchGetJobs(upstream: DeadlineUpstream, keys: readonly JobKey[]) {
  const result = await upstream.call({ operation: 'BatchGetJob' }, (client) =>
    client.send(
      new BatchGetJobCommand({
        identifiers: keys.map(({ farmId, queueId, jobId }) => ({ farmId, queueId, jobId })),
      }),
    ),
  );
  const records = (result.jobs ?? []).map(
    (job): JobDetailRecord => ({
      ...job,
      key: { farmId: job.farmId ?? '', queueId: job.queueId ?? '', jobId: job.jobId ?? '' },
      level: 'detail',
    }),
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
