import type { JobParameter as JobParameterDto } from '@aws-sdk/client-deadline';
import type { JobParameter, JobResolvers, TaskRunStatus } from '../__generated__/resolvers-types.js';

/** Job fields that reshape upstream members (the rest: entityResolvers.ts and the DTO's members). */
export const Job: JobResolvers = {
  taskRunStatusCounts: (job) =>
    Object.entries(job.taskRunStatusCounts ?? {}).map(([status, count]) => ({
      status: status as TaskRunStatus,
      count,
    })),
  parameters: async (job, _, ctx) => jobParameters((await ctx.loaders.Job.detailOf(job)).parameters),
};

/**
 * Deadline sends each parameter as a one-key union (`{int: "3"}`, `{path: "/mnt/…"}`); every value is a string. A
 * member sent as null is absent.
 */
function jobParameters(parameters: Record<string, JobParameterDto> | undefined): JobParameter[] {
  return Object.entries(parameters ?? {}).flatMap(([name, parameter]): JobParameter[] => {
    if (parameter.int != null) return [{ name, type: 'INT', value: parameter.int }];
    if (parameter.float != null) return [{ name, type: 'FLOAT', value: parameter.float }];
    if (parameter.string != null) return [{ name, type: 'STRING', value: parameter.string }];
    if (parameter.path != null) return [{ name, type: 'PATH', value: parameter.path }];
    return [];
  });
}
