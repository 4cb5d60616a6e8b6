/**
 * CLI for `npm run emulator`: starts the Deadline Cloud emulator until SIGINT/SIGTERM.
 *
 *   --port N        or EMULATOR_PORT                 default 4566 (the usual local-AWS port; 0 = ephemeral)
 *   --host H        or EMULATOR_HOST                 default 127.0.0.1
 *   EMULATOR_SEED                  integer          default 1
 *   EMULATOR_LATENCY_MS            number ≥ 0       default 0
 *   EMULATOR_THROTTLE_RATE         0..1             default 0
 *   EMULATOR_ERROR_RATE            0..1             default 0
 *   EMULATOR_LARGE_JOB_SESSIONS    integer ≥ 0      default 3000
 * Command-line flags win over environment variables. Bad values exit with status 2 and a message.
 */
import { DEFAULT_SEED_SIZES, type EmulatorOptions, startEmulator } from './index.js';

const DEFAULT_PORT = 4566;

class UsageError extends Error {}

function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, index) => {
    if (arg === flag) {
      const next = args[index + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      value = next;
    } else if (arg.startsWith(`${flag}=`)) {
      value = arg.slice(flag.length + 1);
    }
  });
  return value;
}

function parseNumber(
  name: string,
  raw: string | undefined,
  fallback: number,
  check: { integer?: boolean; min?: number; max?: number },
): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  const range =
    check.min !== undefined && check.max !== undefined
      ? ` between ${check.min} and ${check.max}`
      : check.min !== undefined
        ? ` ≥ ${check.min}`
        : '';
  const expected = `${check.integer ? 'an integer' : 'a number'}${range}`;
  if (
    !Number.isFinite(value) ||
    (check.integer && !Number.isSafeInteger(value)) ||
    (check.min !== undefined && value < check.min) ||
    (check.max !== undefined && value > check.max)
  ) {
    throw new UsageError(`${name} must be ${expected}, got '${raw}'`);
  }
  return value;
}

function optionsFrom(args: readonly string[], env: NodeJS.ProcessEnv): EmulatorOptions {
  const known = new Set(['--port', '--host']);
  for (const arg of args) {
    const name = arg.split('=')[0] ?? arg;
    if (arg.startsWith('--') && !known.has(name))
      throw new UsageError(`unknown option ${name} (use --port, --host)`);
  }
  const portFlag = flagValue(args, '--port');
  const host = flagValue(args, '--host') ?? env.EMULATOR_HOST ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('host must not be empty');
  return {
    host,
    port: parseNumber(
      portFlag !== undefined ? '--port' : 'EMULATOR_PORT',
      portFlag ?? env.EMULATOR_PORT,
      DEFAULT_PORT,
      {
        integer: true,
        min: 0,
        max: 65535,
      },
    ),
    seed: parseNumber('EMULATOR_SEED', env.EMULATOR_SEED, 1, { integer: true, min: 0, max: 2 ** 31 - 1 }),
    latencyMs: parseNumber('EMULATOR_LATENCY_MS', env.EMULATOR_LATENCY_MS, 0, {
      integer: true,
      min: 0,
      max: 60_000,
    }),
    throttleRate: parseNumber('EMULATOR_THROTTLE_RATE', env.EMULATOR_THROTTLE_RATE, 0, { min: 0, max: 1 }),
    errorRate: parseNumber('EMULATOR_ERROR_RATE', env.EMULATOR_ERROR_RATE, 0, { min: 0, max: 1 }),
    sizes: {
      largeJobSessions: parseNumber(
        'EMULATOR_LARGE_JOB_SESSIONS',
        env.EMULATOR_LARGE_JOB_SESSIONS,
        DEFAULT_SEED_SIZES.largeJobSessions,
        { integer: true, min: 0, max: 100_000 },
      ),
    },
  };
}

/** The endpoint a client on this machine can connect to: a wildcard listening address becomes loopback. */
function reachableEndpoint(endpoint: string): string {
  return endpoint.replace('//0.0.0.0:', '//127.0.0.1:').replace('//[::]:', '//[::1]:');
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = optionsFrom(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`deadline emulator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const emulator = await startEmulator(options);
  const firstFarm = emulator.dataset.farms[0]?.farmId ?? '';
  process.stdout.write(
    [
      `Deadline Cloud emulator listening on ${emulator.endpoint} (seed ${options.seed}, ${emulator.dataset.farms.length} farms)`,
      `  Gateway: DEADLINE_ENDPOINT=${reachableEndpoint(emulator.endpoint)} npm start   (in another terminal)`,
      `  SDK:     new DeadlineClient({ endpoint: '${emulator.endpoint}', region: 'us-west-2', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, disableHostPrefix: true })`,
      `  aws CLI: AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y aws deadline list-farms --endpoint-url ${emulator.endpoint} --region us-west-2`,
      `           (the CLI adds the 'management.' host prefix: make management.<host> resolve to the emulator, e.g. an /etc/hosts entry)`,
      `  e.g. farm ${firstFarm}`,
      '',
    ].join('\n'),
  );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`\n${signal} received, stopping the emulator\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`deadline emulator: error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`deadline emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
