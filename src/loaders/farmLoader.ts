import { type FarmSummary, GetFarmCommand, ListFarmsCommand } from '@aws-sdk/client-deadline';
import type { FarmKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FarmDetail, FarmRecord } from '../upstream/records.js';
import { EntityLoader, type FixedRecord, getEach } from './entityLoader.js';

export type FarmDetailRecord = Extract<FarmRecord, { level: 'detail' }>;

/** Farms: GetFarm per distinct farm (Deadline has no BatchGetFarm), ListFarms pages. */
export class FarmLoader extends EntityLoader<'Farm', FarmRecord, FarmDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Farm', upstream, (keys) =>
      getEach(
        upstream,
        'GetFarm',
        keys,
        (client, { farmId }) => client.send(new GetFarmCommand({ farmId })),
        farmDetailRecord,
      ),
    );
  }

  pages(): FetchPage<FarmRecord> {
    return this.listPages(
      '',
      'ListFarms',
      (client, page) => client.send(new ListFarmsCommand(page)),
      (output) => (output.farms ?? []).map((farm) => farmSummaryRecord(farm, { farmId: farm.farmId ?? '' })),
    );
  }
}

/** A ListFarms item as a record of one fixed shape (why: sessionSummaryRecord in sessionLoader.ts). */
export function farmSummaryRecord(
  farm: FarmSummary,
  key: FarmKey,
): FixedRecord<FarmKey, 'summary', FarmSummary> {
  return {
    key,
    level: 'summary',
    farmId: farm.farmId,
    displayName: farm.displayName,
    kmsKeyArn: farm.kmsKeyArn,
    createdAt: farm.createdAt,
    createdBy: farm.createdBy,
    updatedAt: farm.updatedAt,
    updatedBy: farm.updatedBy,
  };
}

/** A GetFarm output as a record of one fixed shape, without `$metadata` (why: sessionSummaryRecord). */
export function farmDetailRecord(farm: FarmDetail, key: FarmKey): FixedRecord<FarmKey, 'detail', FarmDetail> {
  return {
    key,
    level: 'detail',
    farmId: farm.farmId,
    displayName: farm.displayName,
    kmsKeyArn: farm.kmsKeyArn,
    createdAt: farm.createdAt,
    createdBy: farm.createdBy,
    updatedAt: farm.updatedAt,
    updatedBy: farm.updatedBy,
    description: farm.description,
    costScaleFactor: farm.costScaleFactor,
  };
}
