import { GetQueueCommand, ListQueuesCommand, type QueueSummary } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath, type QueueKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { QueueDetail, QueueRecord } from '../upstream/records.js';
import { EntityLoader, type FixedRecord, getEach } from './entityLoader.js';

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

/** A ListQueues item as a record of one fixed shape (why: sessionSummaryRecord in sessionLoader.ts). */
export function queueSummaryRecord(
  queue: QueueSummary,
  key: QueueKey,
): FixedRecord<QueueKey, 'summary', QueueSummary> {
  return {
    key,
    level: 'summary',
    farmId: queue.farmId,
    queueId: queue.queueId,
    displayName: queue.displayName,
    status: queue.status,
    defaultBudgetAction: queue.defaultBudgetAction,
    blockedReason: queue.blockedReason,
    createdAt: queue.createdAt,
    createdBy: queue.createdBy,
    updatedAt: queue.updatedAt,
    updatedBy: queue.updatedBy,
  };
}

/** A GetQueue output as a record of one fixed shape, without `$metadata` (why: sessionSummaryRecord). */
export function queueDetailRecord(
  queue: QueueDetail,
  key: QueueKey,
): FixedRecord<QueueKey, 'detail', QueueDetail> {
  return {
    key,
    level: 'detail',
    farmId: queue.farmId,
    queueId: queue.queueId,
    displayName: queue.displayName,
    status: queue.status,
    defaultBudgetAction: queue.defaultBudgetAction,
    blockedReason: queue.blockedReason,
    createdAt: queue.createdAt,
    createdBy: queue.createdBy,
    updatedAt: queue.updatedAt,
    updatedBy: queue.updatedBy,
    description: queue.description,
    jobAttachmentSettings: queue.jobAttachmentSettings,
    roleArn: queue.roleArn,
    requiredFileSystemLocationNames: queue.requiredFileSystemLocationNames,
    allowedStorageProfileIds: queue.allowedStorageProfileIds,
    jobRunAsUser: queue.jobRunAsUser,
    schedulingConfiguration: queue.schedulingConfiguration,
  };
}
