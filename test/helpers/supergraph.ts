import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { type DocumentNode, printSchema } from 'graphql';

/**
 * A supergraph for tests: composes subgraph SDLs with @apollo/composition and serves them through @apollo/gateway
 * over HTTP, each subgraph reached at its own URL (as a router would).
 */
export interface SubgraphSpec {
  name: string;
  /** The subgraph's GraphQL endpoint. */
  url: string;
  typeDefs: DocumentNode;
  /** Headers the gateway adds to every subgraph request (e.g. a router secret). */
  headers?: Record<string, string>;
}

export interface Supergraph {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The composed API schema (what clients see), as SDL. */
  apiSchemaSdl: string;
  query<T>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{
    data?: T | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  }>;
  close(): Promise<void>;
}

/** Composes the subgraphs; throws with composition's messages when they do not compose. */
export function compose(subgraphs: Array<Pick<SubgraphSpec, 'name' | 'url' | 'typeDefs'>>) {
  const result = composeServices(subgraphs);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('\n'));
  return {
    supergraphSdl: result.supergraphSdl,
    apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()),
  };
}

export async function startSupergraph(subgraphs: SubgraphSpec[]): Promise<Supergraph> {
  const { supergraphSdl, apiSchemaSdl } = compose(subgraphs);
  const headersByUrl = new Map(subgraphs.map((s) => [s.url, s.headers ?? {}]));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        ...(url === undefined ? {} : { url }),
        willSendRequest: ({ request }) => {
          for (const [name, value] of Object.entries(headersByUrl.get(url ?? '') ?? {})) {
            request.http?.headers.set(name, value);
          }
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    url,
    apiSchemaSdl,
    async query(query, variables) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as never;
    },
    close: () => server.stop(),
  };
}
