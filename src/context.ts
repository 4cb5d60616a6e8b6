import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { FarmAccess } from './auth/farmAccess.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import { silentLogger } from './logging.js';
import {
  DEFAULT_MAX_MUTATED_OBJECTS,
  DEFAULT_WRITE_SCOPE,
  type MutationRequest,
} from './mutations/mutationAccess.js';
import type { ConnectionSettings } from './pagination/connection.js';
import { DeadlineUpstream } from './upstream/deadlineUpstream.js';
import { UpstreamCallTally } from './upstream/upstreamCalls.js';

/** What every resolver receives. Built fresh for each GraphQL request. */
export interface GatewayContext {
  /** Per-request loaders, one per upstream resource. */
  loaders: Loaders;
  /** The Deadline calls this request made, by operation. */
  upstreamCalls: UpstreamCallTally;
  /** How connections page: the cursor codec and the page size of the token chains the gateway starts. */
  paging: ConnectionSettings;
  /** The request's access to Deadline (the loaders' too): its deadline, and `abandon()` once the response is sent. */
  upstream: DeadlineUpstream;
  /** Absolute time (epoch ms) when the operation's time budget runs out: waiting fields then fail. */
  deadlineAt: number;
  /** The farms this request may touch (the farm allow-list, src/auth/farmAccess.ts); unrestricted by default. */
  farmAccess: FarmAccess;
  /** What this request's mutations may do, their idempotency key and audit log (src/mutations/mutationAccess.ts). */
  mutations: MutationRequest;
}

export interface ContextOptions {
  /** The operation's time budget; default: the client's (`createDeadlineClient` limits, DEFAULT_OPERATION_TIMEOUT_MS). */
  operationTimeoutMs?: number;
  /** The request's farm allow-list (`FarmAccess.forRequest`); default unrestricted. */
  farmAccess?: FarmAccess;
  /** The request's mutation settings, claims and idempotency key; default: mutations on, no JWT, no key. */
  mutations?: MutationRequest;
}

export function createContext(
  client: DeadlineClient,
  paging: ConnectionSettings,
  options: ContextOptions = {},
): GatewayContext {
  const upstreamCalls = new UpstreamCallTally();
  const upstream = new DeadlineUpstream(client, upstreamCalls, options);
  const loaders = createLoaders(upstream);
  // Every Deadline call goes through a loader; each checks its keys against the allow-list right before calling.
  const farmAccess = options.farmAccess ?? FarmAccess.unrestricted;
  for (const loader of Object.values(loaders)) loader.restrictTo(farmAccess);
  return {
    loaders,
    upstreamCalls,
    paging,
    upstream,
    deadlineAt: upstream.deadlineAt,
    farmAccess,
    mutations: options.mutations ?? {
      settings: { enabled: true, writeScope: DEFAULT_WRITE_SCOPE, maxObjects: DEFAULT_MAX_MUTATED_OBJECTS },
      claims: undefined,
      idempotencyKey: undefined,
      logger: silentLogger,
    },
  };
}
