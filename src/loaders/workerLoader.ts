import { BatchGetWorkerCommand, GetWorkerCommand, ListWorkersCommand } from '@aws-sdk/client-deadline';
import { type FleetKey, keyPath, type WorkerKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { WorkerDetail, WorkerRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, getEach, matchBatch, recordBuilder } from './entityLoader.js';

/**
 * Workers: BatchGetWorker (up to 100 per call; GetWorker where unsupported), ListWorkers pages per fleet.
 * ListWorkers items carry every member GetWorker has, so list items count as details.
 */
export class WorkerLoader extends EntityLoader<'Worker', WorkerRecord, WorkerRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Worker', upstream, (keys) =>
      batchWithGetFallback(
        upstream,
        'BatchGetWorker',
        () => batchGetWorkers(upstream, keys),
        () =>
          getEach(
            upstream,
            'GetWorker',
            keys,
            (client, { farmId, fleetId, workerId }) =>
              client.send(new GetWorkerCommand({ farmId, fleetId, workerId })),
            workerRecord,
          ),
      ),
    );
  }

  pagesOf({ farmId, fleetId }: FleetKey): FetchPage<WorkerRecord> {
    return this.listPages(
      keyPath('Fleet', { farmId, fleetId }),
      'ListWorkers',
      (client, page) => client.send(new ListWorkersCommand({ farmId, fleetId, ...page })),
      (output) =>
        (output.workers ?? []).map((worker) =>
          workerRecord(worker, { farmId, fleetId, workerId: worker.workerId ?? '' }),
        ),
    );
  }
}

/**
 * A ListWorkers item, BatchGetWorker item or GetWorker output (the same members) as a record of one fixed shape
 * (see recordBuilder in entityLoader.ts). `farmId` and `fleetId` come from the key.
 */
export const workerRecord = recordBuilder<WorkerKey, WorkerDetail>()(
  'detail',
  ['farmId', 'fleetId'],
  ['workerId', 'hostProperties', 'status', 'log', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'],
);

async function batchGetWorkers(upstream: DeadlineUpstream, keys: readonly WorkerKey[]) {
  const result = await upstream.call({ operation: 'BatchGetWorker' }, (client) =>
    client.send(
      new BatchGetWorkerCommand({
        identifiers: keys.map(({ farmId, fleetId, workerId }) => ({ farmId, fleetId, workerId })),
      }),
    ),
  );
  const records = (result.workers ?? []).map((worker) =>
    workerRecord(worker, {
      farmId: worker.farmId ?? '',
      fleetId: worker.fleetId ?? '',
      workerId: worker.workerId ?? '',
    }),
  );
  return matchBatch(
    keys,
    (key) => keyPath('Worker', key),
    records,
    (record) => keyPath('Worker', record.key),
    result.errors ?? [],
    (error) => `${error.farmId}/${error.fleetId}/${error.workerId}`,
    (error) => batchItemError('BatchGetWorker', error, result.$metadata.requestId),
  );
}
