import type { TaskResolvers } from '../__generated__/resolvers-types.js';
import { parameterList } from './upstreamValues.js';

/** Task fields that reshape upstream members or follow its reference to its latest run. */
export const Task: TaskResolvers = {
  parameters: (task) => parameterList(task.parameters),
  latestSessionAction: (task, _, ctx) => {
    const sessionActionId = task.latestSessionActionId;
    if (!sessionActionId) return null;
    const { farmId, queueId, jobId } = task.key;
    return ctx.loaders.SessionAction.load({ farmId, queueId, jobId, sessionActionId });
  },
};
