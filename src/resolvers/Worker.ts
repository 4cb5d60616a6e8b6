import type { WorkerResolvers } from '../__generated__/resolvers-types.js';
import { hostProperties, logConfiguration } from './hostPropertiesAndLogs.js';

/** Worker fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Worker: WorkerResolvers = {
  hostName: (worker) => worker.hostProperties?.hostName ?? null,
  hostProperties: (worker) => hostProperties(worker.hostProperties),
  log: (worker) => logConfiguration(worker.log),
};
