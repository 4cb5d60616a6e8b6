import { type FarmSummary, GetFarmCommand, ListFarmsCommand } from '@aws-sdk/client-deadline';
import type { FarmKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FarmDetail, FarmRecord } from '../upstream/records.js';
import { FARM_SUMMARY_MEMBERS } from '../upstream/summaryMembers.js';
import { EntityLoader, getEach, recordBuilder } from './entityLoader.js';

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

/** A ListFarms item as a record of one fixed shape (see recordBuilder in entityLoader.ts). */
export const farmSummaryRecord = recordBuilder<FarmKey, FarmSummary>()('summary', [], FARM_SUMMARY_MEMBERS);

/** A GetFarm output as a record of one fixed shape. */
export const farmDetailRecord = recordBuilder<FarmKey, FarmDetail>()(
  'detail',
  [],
  [...FARM_SUMMARY_MEMBERS, 'description', 'costScaleFactor'],
);
