import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';

/**
 * Child processes of the Redis e2e suites: a real `redis-server` (Debian's, installed by .ci/install-e2e-deps) and
 * gateway processes started exactly as `npm start` starts one. Every wait here is on a condition (a log line, an
 * HTTP answer, an exit), bounded by a deadline; a child that dies first fails the wait with its output.
 */
export const REDIS_SERVER = process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it; the caller binds it next). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

interface Watched {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function spawnWatched(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', (error) => {
      output += String(error);
      resolve(null);
    });
  });
  return { child, output: () => output, exited } satisfies Watched;
}

/** Polls `ready` every 50 ms until it holds; fails if `watched` exits first or `timeoutMs` runs out. */
async function waitUntil(watched: Watched, what: string, ready: () => Promise<boolean>, timeoutMs: number) {
  let exited = false;
  void watched.exited.then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (exited) throw new Error(`${what} exited before it was ready:\n${watched.output()}`);
    if (Date.now() > deadline)
      throw new Error(`${what} not ready within ${timeoutMs} ms:\n${watched.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function kill(watched: Watched | undefined, signal: NodeJS.Signals): Promise<void> {
  if (watched === undefined || watched.child.exitCode !== null || watched.child.signalCode !== null) return;
  // SIGCONT first: a paused process does not act on SIGTERM.
  watched.child.kill('SIGCONT');
  watched.child.kill(signal);
  await watched.exited;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Whether the server process is alive (it may be paused). */
  readonly running: boolean;
  /** SIGKILL: the server disappears at once, as in a crash. */
  kill(): Promise<void>;
  /** A fresh, empty server on the same port. */
  restart(): Promise<void>;
  /** SIGSTOP / SIGCONT: connections stay open, nothing answers (a hung server). */
  pause(): void;
  resume(): void;
}

/** `redis-server` on a free loopback port, in memory only (no RDB, no AOF). */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let current: Watched | undefined;
  const start = async () => {
    const watched = spawnWatched(
      REDIS_SERVER,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
      {},
    );
    current = watched;
    await waitUntil(
      watched,
      `redis-server on port ${port}`,
      async () => watched.output().includes('Ready to accept connections'),
      10_000,
    );
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return current !== undefined && current.child.exitCode === null && current.child.signalCode === null;
    },
    kill: () => kill(current, 'SIGKILL'),
    async restart() {
      await kill(current, 'SIGKILL');
      await start();
    },
    pause: () => current?.child.kill('SIGSTOP'),
    resume: () => current?.child.kill('SIGCONT'),
  };
}

export interface GatewayProcess {
  readonly url: string;
  output(): string;
  /** SIGTERM (the gateway drains and exits), SIGKILL after 10 s. */
  stop(): Promise<void>;
}

/**
 * `node --import tsx src/index.ts` (what `npm start` runs) with `env` added to this process's environment, on a
 * free loopback port; resolves once `GET /healthz` answers 200.
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const inherited = { ...process.env };
  // The tests say which of these apply; the developer's shell must not decide.
  for (const name of ['CURSOR_SECRET', 'REDIS_URL', 'DEADLINE_BACKEND', 'NODE_ENV']) delete inherited[name];
  const watched = spawnWatched(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { ...inherited, HOST: '127.0.0.1', PORT: String(port), ...env },
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    const timer = setTimeout(() => watched.child.kill('SIGKILL'), 10_000);
    await kill(watched, 'SIGTERM');
    clearTimeout(timer);
  };
  try {
    await waitUntil(
      watched,
      `gateway on port ${port}`,
      async () => {
        try {
          return (await fetch(`${url}/healthz`)).status === 200;
        } catch {
          return false;
        }
      },
      30_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, output: watched.output, stop };
}
