import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { expressMiddleware } from '@as-integrations/express5';
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createContext, type GatewayContext } from './context.js';
import { ErrorCode } from './errors/codes.js';
import { CursorCodec } from './pagination/cursor.js';
import { preflightPlugin } from './plugins/preflightPlugin.js';
import { upstreamCallsPlugin } from './plugins/upstreamCallsPlugin.js';
import { buildGatewaySchema, DEFAULT_NODE_FIELDS, type NodeFieldNames } from './schema.js';

/**
 * The one server factory, shared by `npm start`, the tests and the benchmark: Express with `/graphql` (Apollo
 * Server) and `/healthz`, over a DeadlineClient the caller built (so the caller decides the backend).
 */
export interface GatewayOptions {
  client: DeadlineClient;
  cursorSecret: Buffer;
  /** maxResults of the upstream token chains the gateway starts (1–100, default 100). */
  chainPageSize?: number;
  /** Names of the Relay root fields `node`/`nodes`, or null to leave them out (default: node, nodes). */
  nodeFields?: NodeFieldNames | null;
  /** When set, every /graphql request must carry this shared secret (from the router) in `routerSecretHeader`. */
  routerSecret?: string;
  /** Header that carries the router secret (default `router-authorization`). */
  routerSecretHeader?: string;
  /** Where unexpected errors are reported (they reach clients masked). */
  logError?: (message: string, error: unknown) => void;
}

export interface Gateway {
  app: express.Express;
  apollo: ApolloServer<GatewayContext>;
  /** Starts listening; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting requests and waits for in-flight ones. */
  stop(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const cursors = new CursorCodec(options.cursorSecret);
  const connections = { cursors, chainPageSize: options.chainPageSize ?? 100 };
  const logError = options.logError ?? ((message, error) => console.error(message, error));

  const nodeFields = options.nodeFields === undefined ? DEFAULT_NODE_FIELDS : options.nodeFields;

  const apollo = new ApolloServer<GatewayContext>({
    schema: buildGatewaySchema(nodeFields),
    includeStacktraceInErrorResponses: false,
    plugins: [
      preflightPlugin(cursors, nodeFields),
      upstreamCallsPlugin(),
      // Federated traces for a router that asks for them (ftv1); error messages in traces are masked.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
    ],
    formatError: (formatted, error) => maskUnexpected(formatted, error, logError),
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use(
    '/graphql',
    ...(options.routerSecret ? [requireRouterSecret(options.routerSecret, options.routerSecretHeader)] : []),
    express.json({ limit: MAX_BODY }),
    expressMiddleware(apollo, { context: async () => createContext(options.client, connections) }),
  );
  app.use(bodyErrors);

  let server: Server | undefined;
  return {
    app,
    apollo,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const listening = app.listen(port, host, (error?: Error) => {
          if (error) return reject(error);
          const address = listening.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
        server = listening;
      }),
    stop: async () => {
      await apollo.stop();
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => closing.close(() => resolve()));
        closing.closeAllConnections();
      }
    },
  };
}

const MAX_BODY = '1mb';

/** A body that is not JSON, or too large, gets a GraphQL-shaped JSON error (never Express's HTML page). */
const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (res.headersSent) return next(error);
  const tooLarge = error.type === 'entity.too.large';
  const status = tooLarge ? 413 : typeof error.status === 'number' && error.status < 500 ? error.status : 400;
  res.status(status).json({
    errors: [
      {
        message: tooLarge
          ? `The request body is larger than ${MAX_BODY}. Send a smaller operation.`
          : 'The request body is not valid JSON. Send {"query": "...", "variables": {...}} with content-type application/json.',
        extensions: { code: 'BAD_REQUEST' },
      },
    ],
  });
};

/**
 * Refuses requests that do not carry the router's shared secret: a subgraph behind a router should not answer
 * anyone else. 401 with a GraphQL error body, so clients and routers see a stable code.
 */
function requireRouterSecret(secret: string, header = 'router-authorization'): RequestHandler {
  const expected = Buffer.from(secret);
  return (req, res, next) => {
    const given = Buffer.from(req.get(header) ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    res.status(401).json({
      errors: [
        {
          message: `This subgraph only answers its router: send the shared secret in the \`${header}\` header.`,
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    });
  };
}

function maskUnexpected(
  formatted: GraphQLFormattedError,
  error: unknown,
  logError: (message: string, error: unknown) => void,
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // Apollo tags anything thrown without a code (a resolver bug) INTERNAL_SERVER_ERROR; so does the upstream mapper
  // for failures it cannot classify. Those are logged in full and reach the client masked.
  if (typeof code === 'string' && code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const cause = error instanceof GraphQLError && error.originalError ? error.originalError : error;
  logError('Unexpected error while resolving a GraphQL operation', cause);
  const { awsRequestId, upstreamOperation } = formatted.extensions ?? {};
  return {
    message:
      'Internal error in the gateway. The failure has been logged; retry, and report it if it persists.',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      ...(awsRequestId === undefined ? {} : { awsRequestId, upstreamOperation }),
    },
  };
}
