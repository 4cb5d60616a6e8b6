import type { JobParameterType, JobResolvers } from '../__generated__/resolvers-types.js';
import { detailMember } from './entityResolvers.js';
import { parameterList, statusCounts } from './upstreamValues.js';

/** Job fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Job: JobResolvers = {
  taskRunStatusCounts: (job) => statusCounts(job.taskRunStatusCounts),
  // A job parameter is never a chunk (the model's JobParameter has no `chunkInt`).
  // Set on jobs a search found (its summaries carry them); else from the job's detail.
  parameters: async (job, _, ctx) =>
    parameterList((await detailMember('Job', job, 'parameters', ctx)) as Record<string, object> | null).map(
      (parameter) => ({
        ...parameter,
        type: parameter.type as JobParameterType,
      }),
    ),
};
