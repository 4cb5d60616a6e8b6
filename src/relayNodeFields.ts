/**
 * The names of the Relay root fields `node(id:)` and `nodes(ids:)`, or null to leave them out. In a supergraph
 * whose other subgraphs already define `Query.node`, rename them (RELAY_NODE_FIELD) or switch them off: see
 * docs/federation.md.
 */
export interface NodeFieldNames {
  node: string;
  nodes: string;
}

export const DEFAULT_NODE_FIELDS: NodeFieldNames = { node: 'node', nodes: 'nodes' };
