import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';
import type { Logger } from '../logging.js';
import type { GatewayMetrics } from '../observability/metrics.js';

/**
 * One log line per GraphQL operation: its name and type, duration, cost (`extensions.cost`, set by the cost
 * plugin, which runs before this one), Deadline calls, and the codes of its errors. Never variables, cursors or
 * tokens. The same figures feed the metrics, when there are any (src/observability/metrics.ts).
 */
export function operationLogPlugin(
  logger: Logger,
  metrics?: GatewayMetrics,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const started = performance.now();
      return {
        async willSendResponse({ response, contextValue, operation, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const errorCodes = (body?.errors ?? errors ?? []).map((error) =>
            String((error.extensions as { code?: unknown } | undefined)?.code ?? 'UNKNOWN'),
          );
          const durationMs = performance.now() - started;
          metrics?.recordOperation({
            type: operation?.operation,
            hasData: body?.data !== undefined && body.data !== null,
            errorCodes,
            durationSeconds: durationMs / 1000,
            upstream: contextValue.upstreamCalls,
          });
          logger.info(
            {
              // The name is client-supplied: bounded, so that it cannot blow up a log line.
              operationName: (request.operationName ?? operation?.name?.value ?? null)?.slice(0, 200) ?? null,
              operationType: operation?.operation ?? null,
              durationMs: Math.round(durationMs * 10) / 10,
              status: response.http.status ?? 200,
              ...(body?.extensions?.cost === undefined ? {} : { cost: body.extensions.cost }),
              upstream: contextValue.upstreamCalls.toJSON(),
              ...(errorCodes.length > 0 ? { errorCodes } : {}),
            },
            'graphql operation',
          );
        },
      };
    },
  };
}
