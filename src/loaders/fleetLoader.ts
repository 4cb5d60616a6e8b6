import { type FleetSummary, GetFleetCommand, ListFleetsCommand } from '@aws-sdk/client-deadline';
import { type FarmKey, type FleetKey, keyPath } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { FleetDetail, FleetRecord } from '../upstream/records.js';
import { EntityLoader, type FixedRecord, getEach } from './entityLoader.js';

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

/** A ListFleets item as a record of one fixed shape (why: sessionSummaryRecord in sessionLoader.ts). */
export function fleetSummaryRecord(
  fleet: FleetSummary,
  key: FleetKey,
): FixedRecord<FleetKey, 'summary', FleetSummary> {
  return {
    key,
    level: 'summary',
    fleetId: fleet.fleetId,
    farmId: fleet.farmId,
    displayName: fleet.displayName,
    status: fleet.status,
    statusMessage: fleet.statusMessage,
    autoScalingStatus: fleet.autoScalingStatus,
    targetWorkerCount: fleet.targetWorkerCount,
    workerCount: fleet.workerCount,
    minWorkerCount: fleet.minWorkerCount,
    maxWorkerCount: fleet.maxWorkerCount,
    configuration: fleet.configuration,
    createdAt: fleet.createdAt,
    createdBy: fleet.createdBy,
    updatedAt: fleet.updatedAt,
    updatedBy: fleet.updatedBy,
  };
}

/** A GetFleet output as a record of one fixed shape, without `$metadata` (why: sessionSummaryRecord). */
export function fleetDetailRecord(
  fleet: FleetDetail,
  key: FleetKey,
): FixedRecord<FleetKey, 'detail', FleetDetail> {
  return {
    key,
    level: 'detail',
    fleetId: fleet.fleetId,
    farmId: fleet.farmId,
    displayName: fleet.displayName,
    status: fleet.status,
    statusMessage: fleet.statusMessage,
    autoScalingStatus: fleet.autoScalingStatus,
    targetWorkerCount: fleet.targetWorkerCount,
    workerCount: fleet.workerCount,
    minWorkerCount: fleet.minWorkerCount,
    maxWorkerCount: fleet.maxWorkerCount,
    configuration: fleet.configuration,
    createdAt: fleet.createdAt,
    createdBy: fleet.createdBy,
    updatedAt: fleet.updatedAt,
    updatedBy: fleet.updatedBy,
    description: fleet.description,
    hostConfiguration: fleet.hostConfiguration,
    capabilities: fleet.capabilities,
    roleArn: fleet.roleArn,
  };
}
