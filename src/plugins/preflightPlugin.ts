import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { CursorCodec } from '../pagination/cursor.js';
import type { NodeFieldNames } from '../relayNodeFields.js';
import { preflightOperation } from '../validation/preflight.js';

/**
 * Runs the argument preflight once the operation is parsed and validated, before any resolver (and so before any
 * Deadline call). A failure rejects the whole operation with HTTP 400 and the error's code, path and locations.
 */
export function preflightPlugin(
  cursors: CursorCodec,
  nodeFields: NodeFieldNames | null,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          try {
            preflightOperation(
              schema,
              document,
              operation,
              request.variables,
              cursors,
              nodeFields,
              contextValue.mutations.settings.maxObjects,
            );
          } catch (error) {
            if (!(error instanceof GraphQLError)) throw error;
            throw new GraphQLError(error.message, {
              ...(error.nodes ? { nodes: error.nodes } : {}),
              ...(error.path ? { path: error.path } : {}),
              extensions: { ...error.extensions, http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}
