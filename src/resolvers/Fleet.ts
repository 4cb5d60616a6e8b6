import type { FleetResolvers } from '../__generated__/resolvers-types.js';

/** Fleet fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Fleet: FleetResolvers = {
  configurationType: (fleet) =>
    fleet.configuration?.serviceManagedEc2 ? 'SERVICE_MANAGED_EC2' : 'CUSTOMER_MANAGED',
};
