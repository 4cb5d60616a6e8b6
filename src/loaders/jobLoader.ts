import { BatchGetJobCommand, GetJobCommand, ListJobsCommand } from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type QueueKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { JobRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, matchBatch } from './entityLoader.js';

export type JobDetailRecord = Extract<JobRecord, { level: 'detail' }>;

/** Jobs: BatchGetJob (up to 100 per call; GetJob where unsupported), ListJobs pages per queue. */
export class JobLoader extends EntityLoader<'Job', JobRecord, JobDetailRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Job',
      (keys) =>
        batchWithGetFallback(
          upstream,
          'BatchGetJob',
          keys,
          () => batchGetJobs(upstream, keys),
          (key) => getJob(upstream, key),
        ),
      100,
      upstream.whenIdle,
    );
  }

  pagesOf(queue: QueueKey): FetchPage<JobRecord> {
    return this.pager(keyPath('Queue', queue), async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListJobs', resumedFromCursor }, (client) =>
        client.send(
          new ListJobsCommand({ farmId: queue.farmId, queueId: queue.queueId, nextToken, maxResults }),
        ),
      );
      return {
        items: (page.jobs ?? []).map((data) => ({
          key: { ...queue, jobId: data.jobId ?? '' },
          level: 'summary',
          ...data,
        })),
        nextToken: page.nextToken,
      };
    });
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
    (data): JobDetailRecord => ({
      key: { farmId: data.farmId ?? '', queueId: data.queueId ?? '', jobId: data.jobId ?? '' },
      level: 'detail',
      ...data,
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

async function getJob(upstream: DeadlineUpstream, key: JobKey): Promise<JobDetailRecord> {
  const { $metadata: _, ...data } = await upstream.call({ operation: 'GetJob' }, (client) =>
    client.send(new GetJobCommand({ farmId: key.farmId, queueId: key.queueId, jobId: key.jobId })),
  );
  return { ...data, farmId: key.farmId, queueId: key.queueId, key, level: 'detail' };
}
