import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A child process run from the repository's root (the gateway, or `npm start`), its stdout read as JSON log lines
 * (other lines, such as npm's banner, are skipped) and its stderr kept.
 */
export class LoggedProcess {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  stderr = '';
  private stdout = '';

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
      const complete = this.stdout.split('\n');
      this.stdout = complete.pop() ?? '';
      for (const line of complete) if (line.startsWith('{')) this.lines.push(JSON.parse(line));
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  /** The first log line `match` accepts (the bound only guards a hung process; nothing asserts timings). */
  async line(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    await expect.poll(() => this.lines.some(match), { timeout: 25_000, interval: 50 }).toBe(true);
    return this.lines.find(match) as Record<string, unknown>;
  }

  /** SIGTERM, SIGKILL after 15 s; resolves once the process has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 15_000))]);
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
