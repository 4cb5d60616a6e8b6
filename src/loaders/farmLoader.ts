import { GetFarmCommand, ListFarmsCommand } from '@aws-sdk/client-deadline';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FarmRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type FarmDetailRecord = Extract<FarmRecord, { level: 'detail' }>;

/** Farms: GetFarm per distinct farm (Deadline has no BatchGetFarm), ListFarms pages. */
export class FarmLoader extends EntityLoader<'Farm', FarmRecord, FarmDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Farm', upstream, (keys) =>
      getEach(upstream, 'GetFarm', keys, (client, { farmId }) => client.send(new GetFarmCommand({ farmId }))),
    );
  }

  pages(): FetchPage<FarmRecord> {
    return this.listPages(
      '',
      'ListFarms',
      (client, page) => client.send(new ListFarmsCommand(page)),
      (output) =>
        (output.farms ?? []).map((farm) => ({
          ...farm,
          key: { farmId: farm.farmId ?? '' },
          level: 'summary',
        })),
    );
  }
}
