import { GetFarmCommand, ListFarmsCommand } from '@aws-sdk/client-deadline';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FarmRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type FarmDetailRecord = Extract<FarmRecord, { level: 'detail' }>;

/** Farms: GetFarm per distinct farm (Deadline has no BatchGetFarm), ListFarms pages. */
export class FarmLoader extends EntityLoader<'Farm', FarmRecord, FarmDetailRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Farm',
      (keys) =>
        getEach(keys, async (key) => {
          const { $metadata: _, ...data } = await upstream.call({ operation: 'GetFarm' }, (client) =>
            client.send(new GetFarmCommand({ farmId: key.farmId })),
          );
          return { ...data, key, level: 'detail' } satisfies FarmDetailRecord;
        }),
      100,
      upstream.whenIdle,
    );
  }

  pages(): FetchPage<FarmRecord> {
    return this.pager('', async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListFarms', resumedFromCursor }, (client) =>
        client.send(new ListFarmsCommand({ nextToken, maxResults })),
      );
      return {
        items: (page.farms ?? []).map((data) => ({
          key: { farmId: data.farmId ?? '' },
          level: 'summary',
          ...data,
        })),
        nextToken: page.nextToken,
      };
    });
  }
}
