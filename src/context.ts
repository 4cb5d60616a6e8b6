import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { ConnectionSettings } from './pagination/connection.js';
import { DeadlineUpstream } from './upstream/deadlineClient.js';
import { UpstreamCallTally } from './upstream/upstreamCalls.js';

/** What every resolver receives. Built fresh for each GraphQL request. */
export interface GatewayContext {
  /** Per-request loaders, one per upstream resource. */
  loaders: Loaders;
  /** The Deadline calls this request made, by operation. */
  upstreamCalls: UpstreamCallTally;
  /** Cursor codec and chain page size for connections. */
  connections: ConnectionSettings;
}

export function createContext(client: DeadlineClient, connections: ConnectionSettings): GatewayContext {
  const upstreamCalls = new UpstreamCallTally();
  return {
    loaders: createLoaders(new DeadlineUpstream(client, upstreamCalls)),
    upstreamCalls,
    connections,
  };
}
