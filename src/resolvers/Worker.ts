import type { LogConfiguration } from '@aws-sdk/client-deadline';
import type { WorkerResolvers } from '../__generated__/resolvers-types.js';
import { listedMember } from './entityResolvers.js';
import { hostProperties, logConfiguration } from './hostPropertiesAndLogs.js';

/** Worker fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Worker: WorkerResolvers = {
  hostName: (worker) => worker.hostProperties?.hostName ?? null,
  hostProperties: (worker) => hostProperties(worker.hostProperties),
  // Search results lack it (WorkerSearchSummary has no `log`).
  log: async (worker, _, ctx) =>
    logConfiguration((await listedMember('Worker', worker, 'log', ctx)) as LogConfiguration | undefined),
};
