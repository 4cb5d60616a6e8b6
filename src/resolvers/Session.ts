import type { SessionResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { hostProperties, logConfiguration } from './hostAndLog.js';

export const Session: SessionResolvers = {
  __resolveReference: async (reference, ctx) =>
    ctx.loaders.sessions.load(keyOfReference('Session', reference)),
  id: (session) => globalIdOf('Session', session.key),
  farmId: (session) => session.key.farmId,
  queueId: (session) => session.key.queueId,
  jobId: (session) => session.key.jobId,
  sessionId: (session) => session.key.sessionId,
  log: async (session, _, ctx) => logConfiguration((await ctx.loaders.sessions.detailOf(session)).log),
  workerLog: async (session, _, ctx) =>
    logConfiguration((await ctx.loaders.sessions.detailOf(session)).workerLog),
  hostProperties: async (session, _, ctx) =>
    hostProperties((await ctx.loaders.sessions.detailOf(session)).hostProperties),
  job: (session, _, ctx) => {
    const { farmId, queueId, jobId } = session.key;
    return ctx.loaders.jobs.load({ farmId, queueId, jobId });
  },
  fleet: (session, _, ctx) =>
    ctx.loaders.fleets.load({ farmId: session.key.farmId, fleetId: session.fleetId ?? '' }),
  worker: (session, _, ctx) =>
    ctx.loaders.workers.load({
      farmId: session.key.farmId,
      fleetId: session.fleetId ?? '',
      workerId: session.workerId ?? '',
    }),
};
