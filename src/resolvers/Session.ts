import type { SessionResolvers } from '../__generated__/resolvers-types.js';
import { hostProperties, logConfiguration } from './hostPropertiesAndLogs.js';

/**
 * Session fields that reshape upstream members or follow its references to the fleet and worker that ran it (the
 * rest: entityResolvers.ts and the DTO's members).
 */
export const Session: SessionResolvers = {
  log: async (session, _, ctx) => logConfiguration((await ctx.loaders.Session.detailOf(session)).log),
  workerLog: async (session, _, ctx) =>
    logConfiguration((await ctx.loaders.Session.detailOf(session)).workerLog),
  hostProperties: async (session, _, ctx) =>
    hostProperties((await ctx.loaders.Session.detailOf(session)).hostProperties),
  fleet: (session, _, ctx) =>
    ctx.loaders.Fleet.load({ farmId: session.key.farmId, fleetId: session.fleetId ?? '' }),
  worker: (session, _, ctx) =>
    ctx.loaders.Worker.load({
      farmId: session.key.farmId,
      fleetId: session.fleetId ?? '',
      workerId: session.workerId ?? '',
    }),
};
