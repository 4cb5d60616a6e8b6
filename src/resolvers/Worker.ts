import type { WorkerResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { hostProperties, logConfiguration } from './hostAndLog.js';

export const Worker: WorkerResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.workers.load(keyOfReference('Worker', reference)),
  id: (worker) => globalIdOf('Worker', worker.key),
  farmId: (worker) => worker.key.farmId,
  fleetId: (worker) => worker.key.fleetId,
  workerId: (worker) => worker.key.workerId,
  hostName: (worker) => worker.hostProperties?.hostName ?? null,
  hostProperties: (worker) => hostProperties(worker.hostProperties),
  log: (worker) => logConfiguration(worker.log),
  fleet: (worker, _, ctx) =>
    ctx.loaders.fleets.load({ farmId: worker.key.farmId, fleetId: worker.key.fleetId }),
};
