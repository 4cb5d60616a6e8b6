import { type FleetSummary, GetFleetCommand, ListFleetsCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, type FleetKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FleetDetail, FleetRecord } from '../upstream/records.js';
import { FLEET_SUMMARY_MEMBERS } from '../upstream/summaryMembers.js';
import { EntityLoader, getEach, recordBuilder } from './entityLoader.js';

export type FleetDetailRecord = Extract<FleetRecord, { level: 'detail' }>;

/** Fleets: GetFleet per distinct fleet (no BatchGetFleet), ListFleets pages per farm. */
export class FleetLoader extends EntityLoader<'Fleet', FleetRecord, FleetDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Fleet', upstream, (keys) =>
      getEach(
        upstream,
        'GetFleet',
        keys,
        (client, { farmId, fleetId }) => client.send(new GetFleetCommand({ farmId, fleetId })),
        fleetDetailRecord,
      ),
    );
  }

  pagesOf({ farmId }: FarmKey): FetchPage<FleetRecord> {
    return this.listPages(
      keyPath('Farm', { farmId }),
      'ListFleets',
      (client, page) => client.send(new ListFleetsCommand({ farmId, ...page })),
      (output) =>
        (output.fleets ?? []).map((fleet) =>
          fleetSummaryRecord(fleet, { farmId, fleetId: fleet.fleetId ?? '' }),
        ),
    );
  }
}

/** A ListFleets item as a record of one fixed shape (see recordBuilder in entityLoader.ts). */
export const fleetSummaryRecord = recordBuilder<FleetKey, FleetSummary>()(
  'summary',
  [],
  FLEET_SUMMARY_MEMBERS,
);

/** A GetFleet output as a record of one fixed shape. */
export const fleetDetailRecord = recordBuilder<FleetKey, FleetDetail>()(
  'detail',
  [],
  [...FLEET_SUMMARY_MEMBERS, 'description', 'hostConfiguration', 'capabilities', 'roleArn'],
);
