import type { JobParameter as JobParameterDto } from '@aws-sdk/client-deadline';
import type { JobParameter, JobResolvers, TaskRunStatus } from '../__generated__/resolvers-types.js';
import { globalIdOf } from '../ids/globalId.js';
import { keyOfReference } from '../validation/entityReference.js';
import { checkIdArguments } from '../validation/idArguments.js';
import { resolveProvingConnection } from './keyOnly.js';

export const Job: JobResolvers = {
  __resolveReference: async (reference, ctx) => ctx.loaders.jobs.load(keyOfReference('Job', reference)),
  id: (job) => globalIdOf('Job', job.key),
  farmId: (job) => job.key.farmId,
  queueId: (job) => job.key.queueId,
  jobId: (job) => job.key.jobId,
  taskRunStatusCounts: (job) =>
    Object.entries(job.taskRunStatusCounts ?? {}).map(([status, count]) => ({
      status: status as TaskRunStatus,
      count,
    })),
  description: async (job, _, ctx) => (await ctx.loaders.jobs.detailOf(job)).description ?? null,
  storageProfileId: async (job, _, ctx) => (await ctx.loaders.jobs.detailOf(job)).storageProfileId ?? null,
  parameters: async (job, _, ctx) => jobParameters((await ctx.loaders.jobs.detailOf(job)).parameters),
  queue: (job, _, ctx) => ctx.loaders.queues.load({ farmId: job.key.farmId, queueId: job.key.queueId }),
  // A job from a lookup that skipped BatchGetJob is proven (or refuted) by this ListSessions (keyOnly.ts).
  sessions: (job, args, ctx) =>
    resolveProvingConnection(
      'Job',
      'Job.sessions',
      job,
      args,
      ctx.connections,
      ctx.loaders.sessions.pagesOf(job.key),
      (key) => ctx.loaders.jobs.load(key),
    ),
  session: (job, args, ctx) => ctx.loaders.sessions.load({ ...job.key, ...checkIdArguments(args) }),
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
