/** What `Farm.usage` resolves from (the codegen mappers of UsageReport and UsageRow). */
import type { SessionsStatisticsAggregationStatus } from '@aws-sdk/client-deadline';

/** One Statistics item as Deadline sends it (timestamps as strings on the lean path, Dates otherwise). */
export interface UsageRowRecord {
  queueId?: string;
  fleetId?: string;
  jobId?: string;
  jobName?: string;
  userId?: string;
  usageType?: string;
  licenseProduct?: string;
  instanceType?: string;
  count: number;
  costInUsd: { min?: number; max?: number; avg?: number; sum?: number };
  runtimeInSeconds: { min?: number; max?: number; avg?: number; sum?: number };
  aggregationStartTime?: Date | string;
  aggregationEndTime?: Date | string;
}

export type UsageStatusName = SessionsStatisticsAggregationStatus;

export interface UsageReportRecord {
  status: UsageStatusName;
  aggregationId: string | null;
  rows: UsageRowRecord[];
  rowsTruncated: boolean;
  message: string | null;
}
