import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { NodeFieldNames } from '../schema.js';
import { DateTime } from './DateTime.js';
import { Farm } from './Farm.js';
import { Fleet } from './Fleet.js';
import { Job } from './Job.js';
import { Node } from './Node.js';
import { PageInfo } from './PageInfo.js';
import { Query } from './Query.js';
import { Queue } from './Queue.js';
import { Session } from './Session.js';
import { Worker } from './Worker.js';

/** The resolver map, keyed by type name. Fields not listed here are served by the upstream DTO's same-named member. */
export const resolvers: Resolvers = {
  Query,
  Node,
  PageInfo,
  Farm,
  Queue,
  Job,
  Session,
  Fleet,
  Worker,
  DateTime,
};

/** The resolver map with the Relay root fields renamed or removed, to match `typeDefsWith`. */
export function resolversWith(nodeFields: NodeFieldNames | null): Resolvers {
  const { node, nodes, ...rest } = Query;
  const query = nodeFields === null ? rest : { ...rest, [nodeFields.node]: node, [nodeFields.nodes]: nodes };
  return { ...resolvers, Query: query };
}
