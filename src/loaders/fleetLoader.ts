import { GetFleetCommand, ListFleetsCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FleetRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type FleetDetailRecord = Extract<FleetRecord, { level: 'detail' }>;

/** Fleets: GetFleet per distinct fleet (no BatchGetFleet), ListFleets pages per farm. */
export class FleetLoader extends EntityLoader<'Fleet', FleetRecord, FleetDetailRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Fleet',
      (keys) =>
        getEach(keys, async (key) => {
          const { $metadata: _, ...data } = await upstream.call({ operation: 'GetFleet' }, (client) =>
            client.send(new GetFleetCommand({ farmId: key.farmId, fleetId: key.fleetId })),
          );
          return { ...data, key, level: 'detail' } satisfies FleetDetailRecord;
        }),
      100,
      upstream.whenIdle,
    );
  }

  pagesOf(farm: FarmKey): FetchPage<FleetRecord> {
    return this.pager(keyPath('Farm', farm), async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListFleets', resumedFromCursor }, (client) =>
        client.send(new ListFleetsCommand({ farmId: farm.farmId, nextToken, maxResults })),
      );
      return {
        items: (page.fleets ?? []).map((data) => ({
          key: { farmId: farm.farmId, fleetId: data.fleetId ?? '' },
          level: 'summary',
          ...data,
        })),
        nextToken: page.nextToken,
      };
    });
  }
}
