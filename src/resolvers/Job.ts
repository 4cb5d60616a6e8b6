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

/** Deadline sends each parameter as a one-key union (`{int: "3"}`, `{path: "/mnt/…"}`); every value is a string. */
function jobParameters(parameters: Record<string, JobParameterDto> | undefined): JobParameter[] {
  return Object.entries(parameters ?? {}).flatMap(([name, parameter]): JobParameter[] => {
    if (parameter.int !== undefined) return [{ name, type: 'INT', value: parameter.int }];
    if (parameter.float !== undefined) return [{ name, type: 'FLOAT', value: parameter.float }];
    if (parameter.string !== undefined) return [{ name, type: 'STRING', value: parameter.string }];
    if (parameter.path !== undefined) return [{ name, type: 'PATH', value: parameter.path }];
    return [];
  });
}
