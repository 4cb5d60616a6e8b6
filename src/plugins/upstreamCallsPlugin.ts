import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';

/** Adds `extensions.upstream` to every response: the Deadline calls the operation made, by operation name. */
export function upstreamCallsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, upstream: contextValue.upstreamCalls.toJSON() };
        },
      };
    },
  };
}
