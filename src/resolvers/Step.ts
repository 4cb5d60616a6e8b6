import type { StepResolvers } from '../__generated__/resolvers-types.js';
import { statusCounts } from './upstreamValues.js';

/** Step fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Step: StepResolvers = {
  taskRunStatusCounts: (step) => statusCounts(step.taskRunStatusCounts),
};
