import { GetFleetCommand, ListFleetsCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FleetRecord } from '../upstream/records.js';
import { EntityLoader, getEach } from './entityLoader.js';

export type FleetDetailRecord = Extract<FleetRecord, { level: 'detail' }>;

/** Fleets: GetFleet per distinct fleet (no BatchGetFleet), ListFleets pages per farm. */
export class FleetLoader extends EntityLoader<'Fleet', FleetRecord, FleetDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Fleet', upstream, (keys) =>
      getEach(upstream, 'GetFleet', keys, (client, { farmId, fleetId }) =>
        client.send(new GetFleetCommand({ farmId, fleetId })),
      ),
    );
  }

  pagesOf({ farmId }: FarmKey): FetchPage<FleetRecord> {
    return this.listPages(
      keyPath('Farm', { farmId }),
      'ListFleets',
      (client, page) => client.send(new ListFleetsCommand({ farmId, ...page })),
      (output) =>
        (output.fleets ?? []).map((fleet) => ({
          ...fleet,
          key: { farmId, fleetId: fleet.fleetId ?? '' },
          level: 'summary',
        })),
    );
  }
}
