import type { FleetResolvers } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { resolveProvingConnection } from './keyOnly.js';

export const Fleet: FleetResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.fleets.load(keyOfReference('Fleet', reference)),
  id: (fleet) => globalIdOf('Fleet', fleet.key),
  farmId: (fleet) => fleet.key.farmId,
  fleetId: (fleet) => fleet.key.fleetId,
  configurationType: (fleet) =>
    fleet.configuration?.serviceManagedEc2 ? 'SERVICE_MANAGED_EC2' : 'CUSTOMER_MANAGED',
  description: async (fleet, _, ctx) => (await ctx.loaders.fleets.detailOf(fleet)).description ?? null,
  roleArn: async (fleet, _, ctx) => (await ctx.loaders.fleets.detailOf(fleet)).roleArn ?? null,
  farm: (fleet, _, ctx) => ctx.loaders.farms.load({ farmId: fleet.key.farmId }),
  workers: (fleet, args, ctx) =>
    resolveProvingConnection(
      'Fleet',
      'Fleet.workers',
      fleet,
      args,
      ctx.connections,
      ctx.loaders.workers.pagesOf(fleet.key),
      (key) => ctx.loaders.fleets.load(key),
    ),
  worker: (fleet, args, ctx) => ctx.loaders.workers.load({ ...fleet.key, ...checkIdArguments(args) }),
};
