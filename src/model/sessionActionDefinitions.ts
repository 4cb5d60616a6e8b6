/**
 * What `SessionAction.definition` resolves to (the codegen mapper of its union members): Deadline's
 * SessionActionDefinition union member, tagged with the GraphQL type it becomes and the job it belongs to, so a
 * task run can reach its task and step.
 */
import type { EntityKeys } from '../ids/keys.js';

/** The members of Deadline's SessionActionDefinition union, by the GraphQL type each becomes. */
export const DEFINITION_TYPES = {
  envEnter: 'EnvironmentEnterAction',
  envExit: 'EnvironmentExitAction',
  taskRun: 'TaskRunAction',
  syncInputJobAttachments: 'SyncInputJobAttachmentsAction',
} as const;

export type DefinitionType = (typeof DEFINITION_TYPES)[keyof typeof DEFINITION_TYPES];

export interface DefinitionSource extends Record<string, unknown> {
  definitionType: DefinitionType;
  job: EntityKeys['Job'];
}
