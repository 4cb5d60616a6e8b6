/** The gateway process (`npm start`): reads the configuration, starts what it needs, serves until a signal. */
import './execution/graphqlProductionMode.js';
import { persistedQueryCache } from './cache/persistedQueryCache.js';
import { ConfigError, type GatewayConfig, loadConfig } from './config.js';
import { type EmulatorHandle, startEmulator } from './emulator/index.js';
import { createLogger } from './logging.js';
import { createGateway } from './server.js';
import { setUpSharedState } from './sharedState.js';
import { createDeadlineClient, resolvedRegion } from './upstream/deadlineClient.js';
import { logStartupReadiness } from './upstream/readiness.js';

/**
 * `npm start`: configuration → (embedded emulator when no DEADLINE_ENDPOINT) → DeadlineClient → gateway → listen.
 */
async function main(): Promise<void> {
  let config: GatewayConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  let emulator: EmulatorHandle | undefined;
  let target: { region: string | undefined; endpoint?: string };
  switch (config.backend.kind) {
    case 'emulator':
      emulator = await startEmulator({
        host: '127.0.0.1',
        port: 0,
        seed: config.emulator.seed,
        latencyMs: config.emulator.latencyMs,
        throttleRate: config.emulator.throttleRate,
        errorRate: config.emulator.errorRate,
        sizes: { largeJobSessions: config.emulator.largeJobSessions },
      });
      target = { region: config.backend.region, endpoint: emulator.endpoint };
      logger.info(
        { endpoint: emulator.endpoint, seed: config.emulator.seed },
        'embedded Deadline Cloud emulator started',
      );
      break;
    case 'endpoint':
      target = { region: config.backend.region, endpoint: config.backend.endpoint };
      logger.info({ endpoint: config.backend.endpoint }, 'using the Deadline Cloud API at DEADLINE_ENDPOINT');
      break;
    case 'aws':
      target = { region: config.backend.region };
      logger.info(
        { region: config.backend.region ?? 'from the AWS config' },
        'using AWS Deadline Cloud with the default credential chain',
      );
      break;
  }
  // The cache scope names the Deadline this process talks to: replicas share answers only for the same one. Without
  // AWS_REGION the region is the one the SDK resolves (shared config, instance metadata), so two regions sharing
  // one Redis never share keys.
  const scope = target.endpoint ?? `aws:${target.region ?? (await resolvedRegion())}`;
  const shared = await setUpSharedState(config, scope, logger);
  if (shared.cursorKeySource === 'ephemeral') {
    logger.warn(
      'CURSOR_SECRET is not set: cursors are signed with a random key of this process, so they stop working after a ' +
        'restart and are not accepted by other replicas. Set CURSOR_SECRET (32+ characters) in production.',
    );
  }
  logger.info(
    {
      pageCache: shared.cache?.kind ?? 'off',
      coalescing: config.cache.coalesce,
      ttlMs: shared.cache ? config.cache.ttlMs : undefined,
      cursorKey: shared.cursorKeySource,
    },
    'upstream sharing',
  );

  const client = createDeadlineClient(
    config,
    target,
    { maxConcurrency: config.upstream.maxConcurrency, operationTimeoutMs: config.operationTimeoutMs },
    shared.sharing,
    logger,
  );
  const gateway = await createGateway({
    client,
    cursorSecret: shared.cursorKeys,
    chainPageSize: config.upstream.chainPageSize,
    nodeFields: config.nodeFields,
    production: config.production,
    mutations: config.mutations,
    introspection: config.introspection,
    drainMs: config.drainMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    metrics: config.metrics,
    ...(config.metricsToken === undefined ? {} : { metricsToken: config.metricsToken }),
    logger,
    limits: config.limits,
    landingPage: config.landingPage,
    ...(shared.cache?.kind === 'redis' ? { persistedQueryCache: persistedQueryCache(shared.cache) } : {}),
    ...(config.auth.jwt ? { jwt: config.auth.jwt } : {}),
    ...(config.auth.farmAllowList ? { farmAllowList: config.auth.farmAllowList } : {}),
    ...(config.routerSecret
      ? { routerSecret: config.routerSecret.secret, routerSecretHeader: config.routerSecret.header }
      : {}),
  });
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (error) {
    const code = (error as { code?: string }).code;
    logger.fatal(
      code === 'EADDRINUSE'
        ? `Cannot listen on ${config.host}:${config.port}: the port is in use. Set PORT to a free port.`
        : `Cannot listen on ${config.host}:${config.port} (${code ?? String(error)}). Check HOST and PORT.`,
    );
    await emulator?.close();
    process.exit(1);
  }
  logger.info(
    {
      url: `${url}/graphql`,
      health: `${url}/healthz`,
      ready: `${url}/readyz`,
      // The demo is for whoever runs the gateway; the root page leaves it out in production too.
      ...(config.production ? {} : { demo: `${url}/demo` }),
      // The playground is what a browser gets at GET /graphql.
      ...(config.landingPage === 'off' ? {} : { playground: `${url}/graphql` }),
    },
    'deadline-graphql ready',
  );

  const shutdown = async (signal: string) => {
    logger.info({ signal, drainMs: config.drainMs }, 'shutting down: draining in-flight requests');
    await gateway.stop();
    await emulator?.close();
    await shared.close();
    client.destroy();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  const onSignal = (signal: string) =>
    shutdown(signal).catch((error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      logger.flush();
      process.exit(1);
    });
  process.once('SIGINT', () => void onSignal('SIGINT'));
  process.once('SIGTERM', () => void onSignal('SIGTERM'));

  // Say at once whether Deadline can be used, and if not why and what to do; keep serving either way.
  await logStartupReadiness(client, logger);
}

main().catch((error: unknown) => {
  console.error('deadline-graphql failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
