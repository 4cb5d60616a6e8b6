import { BatchGetWorkerCommand, GetWorkerCommand, ListWorkersCommand } from '@aws-sdk/client-deadline';
import { type FleetKey, keyPath, type WorkerKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { WorkerRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, matchBatch } from './entityLoader.js';

/**
 * Workers: BatchGetWorker (up to 100 per call; GetWorker where unsupported), ListWorkers pages per fleet.
 * ListWorkers items carry every member GetWorker has, so list items count as details.
 */
export class WorkerLoader extends EntityLoader<'Worker', WorkerRecord, WorkerRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Worker',
      (keys) =>
        batchWithGetFallback(
          upstream,
          'BatchGetWorker',
          keys,
          () => batchGetWorkers(upstream, keys),
          (key) => getWorker(upstream, key),
        ),
      100,
      upstream.whenIdle,
    );
  }

  pagesOf(fleet: FleetKey): FetchPage<WorkerRecord> {
    return this.pager(keyPath('Fleet', fleet), async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListWorkers', resumedFromCursor }, (client) =>
        client.send(
          new ListWorkersCommand({ farmId: fleet.farmId, fleetId: fleet.fleetId, nextToken, maxResults }),
        ),
      );
      return {
        items: (page.workers ?? []).map(
          (data): WorkerRecord => ({
            key: { ...fleet, workerId: data.workerId ?? '' },
            level: 'detail',
            ...data,
            farmId: fleet.farmId,
            fleetId: fleet.fleetId,
          }),
        ),
        nextToken: page.nextToken,
      };
    });
  }
}

async function batchGetWorkers(upstream: DeadlineUpstream, keys: readonly WorkerKey[]) {
  const result = await upstream.call({ operation: 'BatchGetWorker' }, (client) =>
    client.send(
      new BatchGetWorkerCommand({
        identifiers: keys.map(({ farmId, fleetId, workerId }) => ({ farmId, fleetId, workerId })),
      }),
    ),
  );
  const records = (result.workers ?? []).map(
    (data): WorkerRecord => ({
      key: { farmId: data.farmId ?? '', fleetId: data.fleetId ?? '', workerId: data.workerId ?? '' },
      level: 'detail',
      ...data,
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

async function getWorker(upstream: DeadlineUpstream, key: WorkerKey): Promise<WorkerRecord> {
  const { $metadata: _, ...data } = await upstream.call({ operation: 'GetWorker' }, (client) =>
    client.send(new GetWorkerCommand({ ...key })),
  );
  return { ...data, key, level: 'detail' };
}
