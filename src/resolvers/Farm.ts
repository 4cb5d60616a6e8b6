import type { FarmResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { resolveProvingConnection } from './keyOnly.js';

export const Farm: FarmResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.farms.load(keyOfReference('Farm', reference)),
  id: (farm) => globalIdOf('Farm', farm.key),
  farmId: (farm) => farm.key.farmId,
  description: async (farm, _, ctx) => (await ctx.loaders.farms.detailOf(farm)).description ?? null,
  costScaleFactor: async (farm, _, ctx) => (await ctx.loaders.farms.detailOf(farm)).costScaleFactor ?? null,
  queues: (farm, args, ctx) =>
    resolveProvingConnection(
      'Farm',
      'Farm.queues',
      farm,
      args,
      ctx.connections,
      ctx.loaders.queues.pagesOf(farm.key),
      (key) => ctx.loaders.farms.load(key),
    ),
  queue: (farm, args, ctx) => ctx.loaders.queues.load({ ...farm.key, ...checkIdArguments(args) }),
  fleets: (farm, args, ctx) =>
    resolveProvingConnection(
      'Farm',
      'Farm.fleets',
      farm,
      args,
      ctx.connections,
      ctx.loaders.fleets.pagesOf(farm.key),
      (key) => ctx.loaders.farms.load(key),
    ),
  fleet: (farm, args, ctx) => ctx.loaders.fleets.load({ ...farm.key, ...checkIdArguments(args) }),
};
