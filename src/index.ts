import { ConfigError, type GatewayConfig, loadConfig } from './config.js';
import { type EmulatorHandle, startEmulator } from './emulator/index.js';
import { createGateway } from './server.js';
import { createDeadlineClient } from './upstream/deadlineClient.js';

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
      console.log(
        `Embedded Deadline Cloud emulator (demo farm, seed ${config.emulator.seed}) at ${emulator.endpoint}`,
      );
      break;
    case 'endpoint':
      target = { region: config.backend.region, endpoint: config.backend.endpoint };
      console.log(`Using the Deadline Cloud API at ${config.backend.endpoint}`);
      break;
    case 'aws':
      target = { region: config.backend.region };
      console.log(
        `Using AWS Deadline Cloud in ${config.backend.region ?? 'the region of the AWS config'} with the default credential chain`,
      );
      break;
  }
  if (config.cursorSecretIsEphemeral) {
    console.warn(
      'CURSOR_SECRET is not set: cursors are signed with a random key of this process, so they stop working after a ' +
        'restart and are not accepted by other replicas. Set CURSOR_SECRET (32+ characters) in production.',
    );
  }

  const client = createDeadlineClient(config, target);
  const gateway = await createGateway({
    client,
    cursorSecret: config.cursorSecret,
    chainPageSize: config.upstream.chainPageSize,
    nodeFields: config.nodeFields,
    ...(config.routerSecret
      ? { routerSecret: config.routerSecret.secret, routerSecretHeader: config.routerSecret.header }
      : {}),
  });
  let url: string;
  try {
    url = await gateway.listen(config.port, config.host);
  } catch (error) {
    const code = (error as { code?: string }).code;
    console.error(
      code === 'EADDRINUSE'
        ? `Cannot listen on ${config.host}:${config.port}: the port is in use. Set PORT to a free port.`
        : `Cannot listen on ${config.host}:${config.port} (${code ?? String(error)}). Check HOST and PORT.`,
    );
    await emulator?.close();
    process.exit(1);
  }
  console.log(`deadline-graphql ready: ${url}/graphql (health: ${url}/healthz)`);

  const shutdown = async (signal: string) => {
    console.log(`${signal} received, shutting down`);
    await gateway.stop();
    await emulator?.close();
    client.destroy();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('deadline-graphql failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
