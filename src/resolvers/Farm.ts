import type { FarmResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyPath } from '../ids/keys.js';
import { resolveConnection } from '../pagination/connection.js';
import { bindingOf } from '../pagination/cursor.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';

export const Farm: FarmResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.farms.load(keyOfReference('Farm', reference)),
  id: (farm) => globalIdOf('Farm', farm.key),
  farmId: (farm) => farm.key.farmId,
  description: async (farm, _, ctx) => (await ctx.loaders.farms.detailOf(farm)).description ?? null,
  costScaleFactor: async (farm, _, ctx) => (await ctx.loaders.farms.detailOf(farm)).costScaleFactor ?? null,
  queues: (farm, args, ctx) =>
    resolveConnection(
      args,
      bindingOf('Farm.queues', keyPath('Farm', farm.key)),
      ctx.connections,
      ctx.loaders.queues.pagesOf(farm.key),
    ),
  queue: (farm, args, ctx) => ctx.loaders.queues.load({ ...farm.key, ...checkIdArguments(args) }),
  fleets: (farm, args, ctx) =>
    resolveConnection(
      args,
      bindingOf('Farm.fleets', keyPath('Farm', farm.key)),
      ctx.connections,
      ctx.loaders.fleets.pagesOf(farm.key),
    ),
  fleet: (farm, args, ctx) => ctx.loaders.fleets.load({ ...farm.key, ...checkIdArguments(args) }),
};
