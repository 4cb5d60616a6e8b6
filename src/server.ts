/**
 * The one server factory, shared by `npm start`, the tests and the benchmark: Express with `/graphql` (Apollo
 * Server) and `/healthz`, over a DeadlineClient the caller built (so the caller decides the backend).
 */
import './execution/graphqlProductionMode.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginInlineTrace } from '@apollo/server/plugin/inlineTrace';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { DeadlineClient } from '@aws-sdk/client-deadline';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { FarmAccess, type FarmAllowListOptions } from './auth/farmAccess.js';
import { farmAllowListPlugin } from './auth/farmAllowList.js';
import { type JwtAuthenticationOptions, jwtAuthentication, jwtClaimsOf, type Refusal } from './auth/jwt.js';
import {
  DEFAULT_CHAIN_PAGE_SIZE,
  DEFAULT_DRAIN_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_QUERY_LIMITS,
  type LandingPage,
} from './config.js';
import { createContext, type GatewayContext } from './context.js';
import { demoRouter } from './demo/index.js';
import { ErrorCode } from './errors/codes.js';
import { type ExecutorKind, executorGateway } from './execution/jitGateway.js';
import { graphqlMiddleware } from './http/graphqlMiddleware.js';
import { rootPage } from './http/rootPage.js';
import { type Logger, silentLogger } from './logging.js';
import {
  DEFAULT_MAX_MUTATED_OBJECTS,
  DEFAULT_WRITE_SCOPE,
  type MutationSettings,
} from './mutations/mutationAccess.js';
import { GatewayMetrics } from './observability/metrics.js';
import { CursorCodec } from './pagination/cursor.js';
import type { CursorKeyRing } from './pagination/cursorKeys.js';
import { graphiqlLandingPage, PLAYGROUND_ASSETS_PATH, playgroundAssets } from './playground/graphiql.js';
import { cacheControlPlugin } from './plugins/cacheControlPlugin.js';
import { type CostLimits, costLimitsPlugin } from './plugins/costLimitsPlugin.js';
import { operationDeadlinePlugin } from './plugins/operationDeadlinePlugin.js';
import { operationLogPlugin } from './plugins/operationLogPlugin.js';
import { preflightPlugin } from './plugins/preflightPlugin.js';
import { upstreamCallsPlugin } from './plugins/upstreamCallsPlugin.js';
import { DEFAULT_NODE_FIELDS, type NodeFieldNames } from './relayNodeFields.js';
import { buildGatewaySchema } from './schema.js';
import { pageCacheOf, upstreamLimiterOf } from './upstream/deadlineClient.js';
import { readinessProbe } from './upstream/readiness.js';
import { hiddenServiceSdl } from './validation/hiddenServiceSdl.js';

/** What `createGateway` builds the server from; everything but the client and the cursor key has a default. */
export interface GatewayOptions {
  client: DeadlineClient;
  /** Signs cursors: a fixed key, or a ring whose signing key follows the one shared in Redis (cursorKeys.ts). */
  cursorSecret: Buffer | CursorKeyRing;
  /** maxResults of the upstream token chains the gateway starts (1–100, default DEFAULT_CHAIN_PAGE_SIZE). */
  chainPageSize?: number;
  /** Names of the Relay root fields `node`/`nodes`, or null to leave them out (default: node, nodes). */
  nodeFields?: NodeFieldNames | null;
  /** When set, every /graphql request must carry this shared secret (from the router) in `routerSecretHeader`. */
  routerSecret?: string;
  /** Header that carries the router secret (default `router-authorization`). */
  routerSecretHeader?: string;
  /**
   * Production mode: introspection off (unless `introspection` says otherwise), no "Did you mean …" suggestions
   * in validation errors. CSRF prevention is always on.
   */
  production?: boolean;
  /** Introspection; default: on, off in production. */
  introspection?: boolean;
  /** How long `stop()` lets in-flight requests finish before closing their connections (DEFAULT_DRAIN_MS). */
  drainMs?: number;
  /** How long an idle keep-alive connection stays open (default 65 s, DEFAULT_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs?: number;
  /** Prometheus metrics at `GET /metrics` (default: on, off in production; src/observability/metrics.ts). */
  metrics?: boolean;
  /** When set, a scrape of `/metrics` must carry `Authorization: Bearer <metricsToken>`; others get 401. */
  metricsToken?: string;
  /** Structured logger for operations and unexpected errors (default: silent). */
  logger?: Logger;
  /**
   * Mutations: whether they run (default: on, off in production), the JWT grant they need (default
   * `deadline:write`), and the most objects one operation may change (default 500).
   */
  mutations?: Partial<MutationSettings>;
  /** How long `/readyz` reuses its last Deadline probe (default 5 s). */
  readinessCacheMs?: number;
  /** Cost and shape limits, checked before execution (defaults: DEFAULT_QUERY_LIMITS). */
  limits?: Partial<CostLimits & { maxTokens: number }>;
  /** The operation's time budget; default: the client's (`createDeadlineClient`, DEFAULT_OPERATION_TIMEOUT_MS). */
  operationTimeoutMs?: number;
  /** JWT authentication of /graphql (src/auth/jwt.ts); off when unset. */
  jwt?: JwtAuthenticationOptions;
  /** Farm allow-list (static IDs and/or a JWT claim; src/auth/farmAccess.ts); every farm when unset. */
  farmAllowList?: FarmAllowListOptions;
  /**
   * What a browser gets at `GET /graphql`: `graphiql` (offline GraphiQL served from node_modules, see
   * src/playground/), `sandbox` (Apollo's embedded Sandbox, loaded from Apollo's CDN) or `off`.
   * Default: `graphiql`, `off` in production.
   */
  landingPage?: LandingPage;
  /**
   * Where automatic persisted queries are kept; default: an in-process LRU. With REDIS_URL, index.ts passes the
   * shared cache (src/cache/persistedQueryCache.ts), so every replica knows a query registered on any of them.
   */
  persistedQueryCache?: KeyValueCache<string>;
  /**
   * What executes operations: graphql-jit's compiled queries (default) or graphql-js's `execute`; same answers
   * (src/execution/jitGateway.ts).
   */
  executor?: ExecutorKind;
}

export interface Gateway {
  app: express.Express;
  apollo: ApolloServer<GatewayContext>;
  /** Starts listening; resolves with the base URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting requests, lets in-flight ones finish (up to `drainMs`), then stops. */
  stop(): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const cursors = new CursorCodec(options.cursorSecret);
  const paging = { cursors, chainPageSize: options.chainPageSize ?? DEFAULT_CHAIN_PAGE_SIZE };
  const logger = options.logger ?? silentLogger;
  const mutations: MutationSettings = {
    enabled: options.mutations?.enabled ?? !(options.production ?? false),
    writeScope: options.mutations?.writeScope ?? DEFAULT_WRITE_SCOPE,
    maxObjects: options.mutations?.maxObjects ?? DEFAULT_MAX_MUTATED_OBJECTS,
  };
  const logError = (message: string, error: unknown) => logger.error({ err: error }, message);
  const production = options.production ?? false;
  const metrics =
    (options.metrics ?? !production)
      ? new GatewayMetrics({
          limiter: upstreamLimiterOf(options.client),
          pageCache: pageCacheOf(options.client),
          logError,
        })
      : undefined;
  // Requests refused before GraphQL (JWT, router secret) never reach the operation log: one warning each, with what
  // the client was told and never the credential it sent.
  const logRefusal = (refusal: Refusal) => {
    metrics?.recordRefusal(refusal);
    logger.warn(refusal, 'request refused before GraphQL');
  };
  const landingPage = options.landingPage ?? (production ? 'off' : 'graphiql');

  const nodeFields = options.nodeFields === undefined ? DEFAULT_NODE_FIELDS : options.nodeFields;
  const limits = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  const introspection = options.introspection ?? !production;
  if (options.farmAllowList?.claim !== undefined && !options.jwt) {
    throw new Error('A farm allow-list taken from a JWT claim needs JWT authentication.');
  }

  const app = express();
  const httpServer = createServer(app);
  // Only the idle time between requests: Node's headersTimeout (60 s) counts from a request's first byte, not
  // across an idle keep-alive connection, so it needs no change.
  httpServer.keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  const apollo = new ApolloServer<GatewayContext>({
    gateway: executorGateway(buildGatewaySchema(nodeFields), options.executor ?? 'jit'),
    includeStacktraceInErrorResponses: false,
    introspection,
    // Introspection off and callers not restricted to a router: `_service { sdl }` would reveal the schema anyway.
    validationRules: !introspection && !options.routerSecret ? [hiddenServiceSdl] : [],
    hideSchemaDetailsFromClientErrors: production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: limits.maxTokens },
    // Automatic persisted queries (on by default in Apollo Server 5), in their own LRU bounded in bytes unless the
    // caller shares them (Redis).
    persistedQueries: {
      cache: options.persistedQueryCache ?? new InMemoryLRUCache<string>({ maxSize: APQ_CACHE_BYTES }),
    },
    // Shutdown is the caller's (index.ts drains on SIGTERM, then stops the emulator and exits 0).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({
        httpServer,
        stopGracePeriodMillis: options.drainMs ?? DEFAULT_DRAIN_MS,
      }),
      // Checks before execution, in order: farm allow-list (FORBIDDEN), cost and shape limits, argument preflight.
      farmAllowListPlugin(),
      costLimitsPlugin(limits, { chainPageSize: paging.chainPageSize }),
      preflightPlugin(cursors, nodeFields),
      upstreamCallsPlugin(),
      operationDeadlinePlugin(),
      operationLogPlugin(logger, metrics),
      // Cache-Control from the schema's @cacheControl hints, one walk per document (docs/caching.md, "Response
      // caching and persisted queries"); Apollo's per-field plugin is off. Never `public` behind a JWT, an allow-list
      // or a router secret: a shared cache would hand the answer to callers who do not pass those checks.
      ApolloServerPluginCacheControlDisabled(),
      cacheControlPlugin<GatewayContext>({
        isPrivate: ({ contextValue }) =>
          Boolean(options.jwt || options.routerSecret) || contextValue.farmAccess.restricted,
      }),
      // Federated traces for a router that asks for them (ftv1); error messages in traces are masked.
      ApolloServerPluginInlineTrace({ includeErrors: { masked: true } }),
      landingPage === 'graphiql'
        ? graphiqlLandingPage()
        : landingPage === 'sandbox'
          ? ApolloServerPluginLandingPageLocalDefault({ embed: true })
          : ApolloServerPluginLandingPageDisabled(),
    ],
    formatError: (formatted, error) => maskUnexpected(formatted, error, logError),
  });
  await apollo.start();

  app.disable('x-powered-by');
  // /graphql first: it is the hot path, and Express tries routes in order.
  app.use(
    '/graphql',
    ...(metrics ? [metrics.countResponses()] : []),
    ...(options.routerSecret
      ? [requireRouterSecret(options.routerSecret, options.routerSecretHeader, logRefusal)]
      : []),
    ...(options.jwt
      ? [
          jwtAuthentication({
            ...options.jwt,
            onKeySetError: (error) => logError('JWKS fetch failed', error),
            onRefused: logRefusal,
          }),
        ]
      : []),
    express.json({ limit: MAX_BODY }),
    graphqlMiddleware(apollo, async ({ req, res }) =>
      createContext(options.client, paging, {
        farmAccess: FarmAccess.forRequest(options.farmAllowList, jwtClaimsOf(res)),
        mutations: {
          settings: mutations,
          claims: jwtClaimsOf(res) as Record<string, unknown> | undefined,
          idempotencyKey: req.get('idempotency-key'),
          logger,
        },
        ...(options.operationTimeoutMs === undefined
          ? {}
          : { operationTimeoutMs: options.operationTimeoutMs }),
      }),
    ),
  );
  app.get('/', rootPage({ production, landingPage, demo: true, metrics: metrics !== undefined }));
  // Liveness: the process serves HTTP.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  if (metrics) {
    app.get(
      '/metrics',
      ...(options.metricsToken ? [requireBearerToken(options.metricsToken, logger)] : []),
      metrics.handler(),
    );
  }
  // The playground's assets (the page itself is the landing-page plugin's answer to `GET /graphql`).
  if (landingPage === 'graphiql') app.use(PLAYGROUND_ASSETS_PATH, playgroundAssets());
  // The frontend demo page (/demo): plain HTML + one ES module, a starting point to copy.
  app.use(demoRouter());
  // Readiness: Deadline is usable (cached a few seconds). A 503 says why: `reason` in words, `cause` its class.
  const probe = readinessProbe(options.client, options.readinessCacheMs);
  app.get('/readyz', async (_req, res) => {
    const readiness = await probe();
    res
      .status(readiness.ready ? 200 : 503)
      .json(
        readiness.ready
          ? { status: 'ready' }
          : { status: 'unavailable', reason: readiness.reason, cause: readiness.failure?.reason },
      );
  });
  app.use(bodyErrors);

  return {
    app,
    apollo,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shownHost}:${address.port}`);
        });
      }),
    // The drain plugin closes the HTTP server, waits for in-flight requests, then Apollo stops.
    stop: () => apollo.stop(),
  };
}

const MAX_BODY = '1mb';
/** Bound of the APQ cache (query texts by sha256), in characters: thousands of typical operations. */
const APQ_CACHE_BYTES = 8 * 2 ** 20;

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
        extensions: { code: ErrorCode.BAD_REQUEST },
      },
    ],
  });
};

/**
 * Refuses requests that do not carry the router's shared secret: a subgraph behind a router should not answer
 * anyone else. 401 with a GraphQL error body, so clients and routers see a stable code.
 */
function requireRouterSecret(
  secret: string,
  header: string | undefined,
  onRefused: (refusal: Refusal) => void,
): RequestHandler {
  const name = header ?? 'router-authorization';
  const matches = secretMatcher(secret);
  return (req, res, next) => {
    if (matches(req.get(name))) return next();
    const message = `This subgraph only answers its router: send the shared secret in the \`${name}\` header.`;
    onRefused({ status: 401, code: ErrorCode.UNAUTHENTICATED, reason: message });
    res.status(401).json({ errors: [{ message, extensions: { code: ErrorCode.UNAUTHENTICATED } }] });
  };
}

/**
 * Compares what a request carries with a shared secret in constant time, whatever either's length: both sides are
 * hashed first, so neither the content nor the length of the secret leaks through timing.
 */
function secretMatcher(secret: string): (given: string | undefined) => boolean {
  const expected = createHash('sha256').update(secret).digest();
  return (given) =>
    given !== undefined && timingSafeEqual(createHash('sha256').update(given).digest(), expected);
}

/**
 * Guards `/metrics` with a bearer token (METRICS_TOKEN; Prometheus: `authorization: { credentials: … }` in the
 * scrape config). A refusal is a plain-text 401 with `WWW-Authenticate: Bearer`, logged once without what was sent.
 */
function requireBearerToken(token: string, logger: Logger): RequestHandler {
  const matches = secretMatcher(token);
  return (req, res, next) => {
    const header = req.get('authorization');
    const given = header?.match(/^Bearer +(\S+) *$/i)?.[1];
    if (matches(given)) return next();
    const reason =
      header === undefined
        ? 'Send the metrics token as `Authorization: Bearer <token>`.'
        : 'The Authorization header does not carry the configured metrics token (METRICS_TOKEN) as `Bearer <token>`.';
    logger.warn({ status: 401, path: '/metrics', reason }, 'metrics scrape refused');
    res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').type('text/plain').send(`${reason}\n`);
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
  // Apollo's own request errors without a code but with a 4xx status (a persisted-query hash that does not match,
  // an unsupported persisted-query version) are the client's mistake, not a bug: say so, do not log them.
  const status =
    error instanceof GraphQLError
      ? (error.extensions.http as { status?: number } | undefined)?.status
      : undefined;
  if (status !== undefined && status >= 400 && status < 500 && !formatted.path) {
    return { message: formatted.message, extensions: { code: ErrorCode.BAD_REQUEST } };
  }
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
