import type { Resolvers } from '../__generated__/resolvers-types.js';
import { ENTITY_TYPES } from '../ids/keys.js';
import type { NodeFieldNames } from '../relayNodeFields.js';
import { DateTime } from './DateTime.js';
import { entityResolvers, queryResolvers } from './entityResolvers.js';
import { searchTypeResolvers } from './entitySearch.js';
import { Fleet } from './Fleet.js';
import { Job } from './Job.js';
import { Mutation } from './Mutation.js';
import { Node } from './Node.js';
import { linkTypeResolvers } from './ownedConnections.js';
import { PageInfo } from './PageInfo.js';
import { Query } from './Query.js';
import { Session } from './Session.js';
import {
  SessionAction,
  SessionActionDefinition,
  SyncInputJobAttachmentsAction,
  TaskRunAction,
} from './SessionAction.js';
import { Step } from './Step.js';
import { Task } from './Task.js';
import { FarmUsage, UsageRow } from './usage.js';
import { Worker } from './Worker.js';

/** Resolvers of a type's own file, added to (or overriding) those its registry entry gives it. */
const ownResolvers: Resolvers = { Job, Session, Fleet, Worker, Step, Task, SessionAction, Farm: FarmUsage };

/**
 * The resolver map, keyed by type name: every entity type's derived resolvers (entityResolvers.ts) with its own file
 * on top. Fields not listed here are served by the upstream DTO's same-named member.
 */
export const resolvers = {
  Query: { ...queryResolvers(), ...Query },
  Mutation,
  Node,
  PageInfo,
  DateTime,
  UsageRow,
  SessionActionDefinition,
  TaskRunAction,
  SyncInputJobAttachmentsAction,
  ...linkTypeResolvers(),
  ...searchTypeResolvers(),
  ...Object.fromEntries(
    ENTITY_TYPES.map((type) => [type, { ...entityResolvers(type), ...ownResolvers[type] }]),
  ),
} as Resolvers;

/** The resolver map with the Relay root fields renamed or removed, to match `typeDefsWith`. */
export function resolversWith(nodeFields: NodeFieldNames | null): Resolvers {
  const { node, nodes, ...rest } = resolvers.Query as Record<string, unknown>;
  const query = nodeFields === null ? rest : { ...rest, [nodeFields.node]: node, [nodeFields.nodes]: nodes };
  return { ...resolvers, Query: query } as Resolvers;
}
