import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Federation's `_service { sdl }` returns the whole schema. When introspection is off (production) and no router
 * secret restricts who may call this subgraph, it would undo that: this rule refuses it, like introspection.
 */
export const hiddenServiceSdl: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '_service' && context.getParentType()?.name === 'Query') {
      context.reportError(
        new GraphQLError(
          '`_service` (the subgraph SDL) is disabled: introspection is off and no ROUTER_SECRET restricts callers. ' +
            'Set ROUTER_SECRET (routers send it), or GRAPHQL_INTROSPECTION=true.',
          { nodes: node },
        ),
      );
    }
  },
});
