/**
 * The mutation fields (schema/mutations.graphql): the Deadline operation each sends, the entity type it changes,
 * and for a batch the input member listing the items. Read by the resolvers (src/resolvers/Mutation.ts) and the
 * cost model.
 */
import type { EntityType } from '../ids/keys.js';
import type { OperationName } from '../model/entities.js';

export interface MutationField {
  readonly operation: OperationName;
  readonly type: EntityType;
  readonly items?: string;
}

export const MUTATION_FIELDS = {
  updateJob: { operation: 'UpdateJob', type: 'Job' },
  archiveJob: { operation: 'UpdateJob', type: 'Job' },
  updateJobs: { operation: 'BatchUpdateJob', type: 'Job', items: 'jobs' },
  updateStep: { operation: 'UpdateStep', type: 'Step' },
  updateTask: { operation: 'UpdateTask', type: 'Task' },
  updateTasks: { operation: 'BatchUpdateTask', type: 'Task', items: 'tasks' },
  endSession: { operation: 'UpdateSession', type: 'Session' },
} as const satisfies Record<string, MutationField>;
