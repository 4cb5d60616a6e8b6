import type { QueueResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { resolveProvingConnection } from './keyOnly.js';

export const Queue: QueueResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.queues.load(keyOfReference('Queue', reference)),
  id: (queue) => globalIdOf('Queue', queue.key),
  farmId: (queue) => queue.key.farmId,
  queueId: (queue) => queue.key.queueId,
  description: async (queue, _, ctx) => (await ctx.loaders.queues.detailOf(queue)).description ?? null,
  farm: (queue, _, ctx) => ctx.loaders.farms.load({ farmId: queue.key.farmId }),
  jobs: (queue, args, ctx) =>
    resolveProvingConnection(
      'Queue',
      'Queue.jobs',
      queue,
      args,
      ctx.connections,
      ctx.loaders.jobs.pagesOf(queue.key),
      (key) => ctx.loaders.queues.load(key),
    ),
  job: (queue, args, ctx) => ctx.loaders.jobs.load({ ...queue.key, ...checkIdArguments(args) }),
};
