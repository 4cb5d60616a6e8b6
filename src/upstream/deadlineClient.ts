import { DeadlineClient } from '@aws-sdk/client-deadline';
import type { GatewayConfig } from '../config.js';
import { mapUpstreamError, type UpstreamCallInfo } from '../errors/mapUpstreamError.js';
import { countCallsIn, installCallCounter, type UpstreamCallTally } from './upstreamCalls.js';

/**
 * The only place a DeadlineClient is built. One client per process, shared by every request: it holds the
 * connection pool, the credentials and the retry token bucket.
 */
export function createDeadlineClient(
  config: Pick<GatewayConfig, 'upstream'>,
  target: { region: string; endpoint?: string },
): DeadlineClient {
  const client = new DeadlineClient({
    region: target.region,
    maxAttempts: config.upstream.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: Math.min(config.upstream.requestTimeoutMs, 3000),
      requestTimeout: config.upstream.requestTimeoutMs,
    },
    ...(target.endpoint === undefined
      ? {}
      : {
          endpoint: target.endpoint,
          // Deadline operations carry the host prefix `management.`; a custom endpoint must be used as is.
          disableHostPrefix: true,
          // Emulators and test doubles accept any SigV4 signature: no need to look for real credentials.
          credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
        }),
  });
  installCallCounter(client);
  return client;
}

/**
 * What loaders use to reach Deadline in one GraphQL request: counts the calls in the request's tally and maps
 * failures to GraphQL errors in one place.
 */
export class DeadlineUpstream {
  constructor(
    readonly client: DeadlineClient,
    readonly tally: UpstreamCallTally,
  ) {}

  async call<T>(info: UpstreamCallInfo, send: (client: DeadlineClient) => Promise<T>): Promise<T> {
    try {
      return await countCallsIn(this.tally, () => send(this.client));
    } catch (error) {
      throw mapUpstreamError(error, info);
    }
  }
}
