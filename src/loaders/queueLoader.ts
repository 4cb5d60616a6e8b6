import { GetQueueCommand, ListQueuesCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { QueueRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type QueueDetailRecord = Extract<QueueRecord, { level: 'detail' }>;

/** Queues: GetQueue per distinct queue (no BatchGetQueue), ListQueues pages per farm. */
export class QueueLoader extends EntityLoader<'Queue', QueueRecord, QueueDetailRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Queue',
      (keys) =>
        getEach(keys, async (key) => {
          const { $metadata: _, ...data } = await upstream.call({ operation: 'GetQueue' }, (client) =>
            client.send(new GetQueueCommand({ farmId: key.farmId, queueId: key.queueId })),
          );
          return { ...data, key, level: 'detail' } satisfies QueueDetailRecord;
        }),
      100,
      upstream.whenIdle,
    );
  }

  pagesOf(farm: FarmKey): FetchPage<QueueRecord> {
    return this.pager(keyPath('Farm', farm), async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListQueues', resumedFromCursor }, (client) =>
        client.send(new ListQueuesCommand({ farmId: farm.farmId, nextToken, maxResults })),
      );
      return {
        items: (page.queues ?? []).map((data) => ({
          key: { farmId: farm.farmId, queueId: data.queueId ?? '' },
          level: 'summary',
          ...data,
        })),
        nextToken: page.nextToken,
      };
    });
  }
}
