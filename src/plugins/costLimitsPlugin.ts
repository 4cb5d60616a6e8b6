/** The cost and shape limits of an operation, checked once it is validated and before it runs. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';
import { ErrorCode, gatewayError } from '../errors/codes.js';
import {
  type CostEstimate,
  CostEstimateCache,
  type CostModelOptions,
  OperationTooLargeError,
} from '../validation/costModel.js';
import { located } from '../validation/errorLocation.js';
import { shapeLimitError, tooManyTokens } from '../validation/operationLimits.js';

/** The limits an operation is checked against; the gateway's defaults are DEFAULT_QUERY_LIMITS (src/config.ts). */
export interface CostLimits {
  /** Most list items an operation may return (estimatedNodes). */
  maxNodes: number;
  /** Most Deadline calls an operation may make (estimatedUpstreamCalls). */
  maxUpstreamCalls: number;
  /** Deepest field nesting (Relay plumbing not counted). */
  maxDepth: number;
  /** Most aliases. */
  maxAliases: number;
  /** Most directives. */
  maxDirectives: number;
}

/**
 * Checks an operation's shape (depth, aliases, directives) and static cost (src/validation/costModel.ts) once it is
 * parsed and validated, before any resolver (and so before any Deadline call), and rejects it with HTTP 400 and its
 * own code when a limit is exceeded. Adds `extensions.cost` to every response: `{ estimatedNodes,
 * estimatedUpstreamCalls, actualUpstreamCalls }` (estimates null when the operation was not estimated: a parse or
 * validation error, or a shape limit exceeded). Also turns the parser's token-limit failure (`parseOptions.maxTokens`)
 * into `TOO_MANY_TOKENS`.
 */
export function costLimitsPlugin(
  limits: CostLimits,
  model: CostModelOptions = {},
): ApolloServerPlugin<GatewayContext> {
  const estimates = new CostEstimateCache(model);
  return {
    async requestDidStart() {
      let estimate: CostEstimate | undefined;
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const shapeError = shapeLimitError(schema, document, operation, limits);
          if (shapeError) throw shapeError;
          try {
            estimate = estimates.estimate(schema, document, operation, request.variables);
          } catch (error) {
            if (!(error instanceof OperationTooLargeError)) throw error;
            throw gatewayError(
              ErrorCode.QUERY_TOO_COSTLY,
              `The operation expands to more than ${error.fieldVisits} fields once its fragments are applied; its cost ` +
                'cannot be estimated. Split it into several operations.',
              { http: { status: 400 } },
            );
          }
          const { estimatedNodes, estimatedUpstreamCalls } = estimate;
          if (estimatedNodes > limits.maxNodes || estimatedUpstreamCalls > limits.maxUpstreamCalls) {
            throw tooCostly(estimate, limits);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (result.errors) result.errors = result.errors.map(tooManyTokens);
          result.extensions = {
            ...result.extensions,
            cost: {
              estimatedNodes: estimate?.estimatedNodes ?? null,
              estimatedUpstreamCalls: estimate?.estimatedUpstreamCalls ?? null,
              actualUpstreamCalls: contextValue.upstreamCalls.total,
            },
          };
        },
      };
    },
  };
}

function tooCostly(estimate: CostEstimate, limits: CostLimits) {
  const { estimatedNodes, estimatedUpstreamCalls, costliestPath } = estimate;
  const over: string[] = [];
  if (estimatedUpstreamCalls > limits.maxUpstreamCalls) {
    over.push(`up to ${estimatedUpstreamCalls} Deadline API calls (limit ${limits.maxUpstreamCalls})`);
  }
  if (estimatedNodes > limits.maxNodes)
    over.push(`up to ${estimatedNodes} list items (limit ${limits.maxNodes})`);
  const costliest = costliestPath
    ? ` The costliest part is \`${costliestPath.path}\` (${costliestPath.upstreamCalls} calls, ${costliestPath.nodes} items).`
    : '';
  const error = gatewayError(
    ErrorCode.QUERY_TOO_COSTLY,
    `This operation could cost ${over.join(' and ')}.${costliest} Reduce it: ask for smaller pages (a lower ` +
      '`first`: the costs multiply down nested lists), nest fewer lists inside lists, or split it into several ' +
      'operations (page the inner lists separately, with `after`).',
    {
      estimatedNodes,
      estimatedUpstreamCalls,
      maxNodes: limits.maxNodes,
      maxUpstreamCalls: limits.maxUpstreamCalls,
      http: { status: 400 },
    },
  );
  // At the costliest field: its location, and its response path (errorLocation.ts).
  return costliestPath ? located(error, costliestPath.field, costliestPath.responsePath) : error;
}
