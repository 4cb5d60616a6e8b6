import { GetQueueCommand, ListQueuesCommand, type QueueSummary } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath, type QueueKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { QueueDetail, QueueRecord } from '../upstream/records.js';
import { QUEUE_SUMMARY_MEMBERS } from '../upstream/summaryMembers.js';
import { EntityLoader, getEach, recordBuilder } from './entityLoader.js';

export type QueueDetailRecord = Extract<QueueRecord, { level: 'detail' }>;

/** Queues: GetQueue per distinct queue (no BatchGetQueue), ListQueues pages per farm. */
export class QueueLoader extends EntityLoader<'Queue', QueueRecord, QueueDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Queue', upstream, (keys) =>
      getEach(
        upstream,
        'GetQueue',
        keys,
        (client, { farmId, queueId }) => client.send(new GetQueueCommand({ farmId, queueId })),
        queueDetailRecord,
      ),
    );
  }

  pagesOf({ farmId }: FarmKey): FetchPage<QueueRecord> {
    return this.listPages(
      keyPath('Farm', { farmId }),
      'ListQueues',
      (client, page) => client.send(new ListQueuesCommand({ farmId, ...page })),
      (output) =>
        (output.queues ?? []).map((queue) =>
          queueSummaryRecord(queue, { farmId, queueId: queue.queueId ?? '' }),
        ),
    );
  }
}

/** A ListQueues item as a record of one fixed shape (see recordBuilder in entityLoader.ts). */
export const queueSummaryRecord = recordBuilder<QueueKey, QueueSummary>()(
  'summary',
  [],
  QUEUE_SUMMARY_MEMBERS,
);

/** A GetQueue output as a record of one fixed shape. */
export const queueDetailRecord = recordBuilder<QueueKey, QueueDetail>()(
  'detail',
  [],
  [
    ...QUEUE_SUMMARY_MEMBERS,
    'description',
    'jobAttachmentSettings',
    'roleArn',
    'requiredFileSystemLocationNames',
    'allowedStorageProfileIds',
    'jobRunAsUser',
    'schedulingConfiguration',
  ],
);
