import type { JobParameterType, JobResolvers } from '../__generated__/resolvers-types.js';
import { parameterList, statusCounts } from './upstreamValues.js';

/** Job fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Job: JobResolvers = {
  taskRunStatusCounts: (job) => statusCounts(job.taskRunStatusCounts),
  // A job parameter is never a chunk (the model's JobParameter has no `chunkInt`).
  parameters: async (job, _, ctx) =>
    parameterList((await ctx.loaders.Job.detailOf(job)).parameters).map((parameter) => ({
      ...parameter,
      type: parameter.type as JobParameterType,
    })),
};
