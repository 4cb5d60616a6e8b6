import { GetQueueCommand, ListQueuesCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { QueueRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type QueueDetailRecord = Extract<QueueRecord, { level: 'detail' }>;

/** Queues: GetQueue per distinct queue (no BatchGetQueue), ListQueues pages per farm. */
export class QueueLoader extends EntityLoader<'Queue', QueueRecord, QueueDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Queue', upstream, (keys) =>
      getEach(upstream, 'GetQueue', keys, (client, { farmId, queueId }) =>
        client.send(new GetQueueCommand({ farmId, queueId })),
      ),
    );
  }

  pagesOf({ farmId }: FarmKey): FetchPage<QueueRecord> {
    return this.listPages(
      keyPath('Farm', { farmId }),
      'ListQueues',
      (client, page) => client.send(new ListQueuesCommand({ farmId, ...page })),
      (output) =>
        (output.queues ?? []).map((queue) => ({
          ...queue,
          key: { farmId, queueId: queue.queueId ?? '' },
          level: 'summary',
        })),
    );
  }
}
