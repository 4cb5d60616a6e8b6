import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';

/**
 * The per-operation deadline, end of life: the deadline itself is the context's (`deadlineAt`, set when the request's
 * context is built) and is enforced by every upstream call of the request (a call still waiting when it passes —
 * for a slot or for Deadline — fails with UPSTREAM_UNAVAILABLE, so execution finishes with partial data). Once the
 * response is sent, this plugin cancels the request's calls still queued or in flight: graphql-js stops waiting for
 * the siblings of a field that failed early, and their calls would otherwise hold upstream slots for nothing.
 */
export function operationDeadlinePlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          // Optional: a context built by a test double may have no upstream.
          contextValue.upstream?.abandon();
        },
      };
    },
  };
}
