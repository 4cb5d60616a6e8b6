/**
 * SessionAction fields that reshape upstream members or follow its references (the rest: entityResolvers.ts and the
 * DTO's members), and the members of its `definition` union.
 */
import type {
  SessionActionDefinitionResolvers,
  SessionActionResolvers,
  SyncInputJobAttachmentsActionResolvers,
  TaskRunActionResolvers,
} from '../__generated__/resolvers-types.js';
import { ErrorCode, gatewayError } from '../errors/codes.js';
import { DEFINITION_TYPES, type DefinitionSource } from '../model/sessionActionDefinitions.js';
import { parameterList } from './upstreamValues.js';

export const SessionAction: SessionActionResolvers = {
  definition: async (action, _, ctx) => {
    let definition = (action.definition ?? {}) as Record<string, unknown>;
    // A list item's task run may leave out its parameters (the model's Summary variant); the detail always has them.
    const taskRun = definition.taskRun as { parameters?: unknown } | null | undefined;
    if (action.level === 'summary' && taskRun != null && taskRun.parameters == null) {
      definition = (await ctx.loaders.SessionAction.detailOf(action)).definition as Record<string, unknown>;
    }
    const { farmId, queueId, jobId } = action.key;
    for (const [member, definitionType] of Object.entries(DEFINITION_TYPES)) {
      const value = definition[member];
      if (value != null) return { ...(value as object), definitionType, job: { farmId, queueId, jobId } };
    }
    throw gatewayError(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `Deadline Cloud sent a session action definition of a kind this gateway does not know (${Object.keys(definition).join(', ') || 'none'}). Upgrade the gateway.`,
    );
  },
  session: async (action, _, ctx) => {
    // Set on actions listed under their session (entityLoader.ts pagesUnder); else from the action's detail.
    const sessionId =
      (action as { sessionId?: string }).sessionId ??
      (await ctx.loaders.SessionAction.detailOf(action)).sessionId;
    if (!sessionId) {
      throw gatewayError(
        ErrorCode.UPSTREAM_UNAVAILABLE,
        `Deadline Cloud sent session action ${action.key.sessionActionId} without the session it belongs to, which its API model requires. Retry later.`,
      );
    }
    const { farmId, queueId, jobId } = action.key;
    return ctx.loaders.Session.load({ farmId, queueId, jobId, sessionId });
  },
};

export const SessionActionDefinition: SessionActionDefinitionResolvers = {
  __resolveType: (definition) => definition.definitionType,
};

/** A step the definition names, under the action's job. */
const stepOf = (definition: DefinitionSource) =>
  definition.stepId ? { ...definition.job, stepId: definition.stepId as string } : undefined;

export const TaskRunAction: TaskRunActionResolvers = {
  parameters: (definition) => parameterList(definition.parameters as Record<string, object> | undefined),
  step: (definition, _, ctx) => {
    const key = stepOf(definition);
    return key ? ctx.loaders.Step.load(key) : null;
  },
  task: (definition, _, ctx) => {
    const key = stepOf(definition);
    return key && definition.taskId
      ? ctx.loaders.Task.load({ ...key, taskId: definition.taskId as string })
      : null;
  },
};

export const SyncInputJobAttachmentsAction: SyncInputJobAttachmentsActionResolvers = {
  step: (definition, _, ctx) => {
    const key = stepOf(definition);
    return key ? ctx.loaders.Step.load(key) : null;
  },
};
