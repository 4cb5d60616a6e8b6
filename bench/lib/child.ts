import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A helper process (emulator or gateway) driven over Node's IPC channel: it sends `{ type: 'ready', ... }` once
 * listening, then answers `{ id, command }` messages with `{ id, result }` (or `{ id, error }`).
 */
export interface ChildHandle<Ready> {
  ready: Ready;
  pid: number;
  call<T>(command: string, argument?: unknown): Promise<T>;
  stop(): Promise<void>;
}

type Reply = { id: number; result?: unknown; error?: string };

export async function startChild<Ready>(
  script: string,
  args: string[],
  /** Another checkout's root: run its bench/children/<script>, with its own node_modules (bench/compare.ts). */
  checkout?: string,
): Promise<ChildHandle<Ready>> {
  // Absolute, so that the child's own cwd (the checkout) does not apply a relative path twice.
  const root = checkout === undefined ? undefined : resolve(checkout);
  const path = root
    ? `${root}/bench/children/${script}`
    : fileURLToPath(new URL(`../children/${script}`, import.meta.url));
  const child: ChildProcess = fork(path, args, {
    ...(root ? { cwd: root } : {}),
    execArgv: [
      '--import',
      'tsx',
      '--expose-gc',
      // BENCH_PROFILE=<dir>: every child writes a V8 CPU profile there when it exits (bench/README.md).
      ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (message: unknown) => {
      const msg = message as { type?: string } & Reply;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg as unknown as Ready);
        return;
      }
      const waiter = pending.get(msg.id);
      if (!waiter) return;
      pending.delete(msg.id);
      if (msg.error !== undefined) waiter.reject(new Error(msg.error));
      else waiter.resolve(msg.result);
    });
  });
  child.removeAllListeners('exit');
  child.on('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error(`${script} exited`));
    pending.clear();
  });
  return {
    ready,
    pid: child.pid ?? -1,
    call<T>(command: string, argument?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, argument });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const id = nextId++;
      child.send({ id, command: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The child side: serves `handlers` over IPC; `close` runs `onClose` then exits. */
export function serveParent(
  handlers: Record<string, (argument: unknown) => unknown>,
  onClose: () => Promise<void>,
): void {
  process.on('message', (message: unknown) => {
    const { id, command, argument } = message as { id: number; command: string; argument?: unknown };
    if (command === 'close') {
      onClose().finally(() => process.exit(0));
      return;
    }
    const handler = handlers[command];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${command}`);
        return handler(argument);
      })
      .then(
        (result) => process.send?.({ id, result }),
        (error: unknown) =>
          process.send?.({ id, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  // The parent died: do not linger.
  process.on('disconnect', () => {
    onClose().finally(() => process.exit(0));
  });
}

/** What both children report about themselves. */
export interface ProcessStats {
  cpu: NodeJS.CpuUsage;
  memory: NodeJS.MemoryUsage;
}

export function processStats(collectGarbage: boolean): ProcessStats {
  if (collectGarbage) {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
  }
  return { cpu: process.cpuUsage(), memory: process.memoryUsage() };
}

/**
 * Memory as a leak check should read it: full GC, a second of idleness (V8's memory reducer and the allocator
 * return freed pages to the OS), full GC again. Read the same way before and after a run, RSS then differs by
 * what the process keeps, not by when the last collection happened to run.
 */
export async function settledProcessStats(): Promise<ProcessStats> {
  processStats(true);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return processStats(true);
}
