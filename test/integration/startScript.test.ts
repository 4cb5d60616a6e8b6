import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * `npm start` as a supervisor or a newcomer's `kill <pid>` sees it: the signal goes to npm, which forwards it to its
 * child. The start script must `exec` node, or that child is a shell that dies and leaves node holding the port.
 */
describe('npm start', () => {
  it('stops the gateway and frees its port when npm itself gets SIGTERM', async () => {
    // Under `npm test`, npm_execpath is the npm that runs the suite; elsewhere, the npm on PATH.
    const npm = process.env.npm_execpath;
    const [command, args] = npm ? [process.execPath, [npm, 'start']] : ['npm', ['start']];
    const mark = randomUUID();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      START_SCRIPT_TEST_MARK: mark,
    };
    for (const name of ['DEADLINE_ENDPOINT', 'DEADLINE_BACKEND', 'REDIS_URL', 'NODE_ENV']) delete env[name];
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "ready" line within 25 s:\n${output}`)), 25_000);
        const onData = () => {
          const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            child.stdout.off('data', onData);
            resolve(match[1]);
          }
        };
        child.stdout.on('data', onData);
        void exited.then(() => reject(new Error(`npm start exited before it was ready:\n${output}`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      child.kill('SIGTERM');
      await exited;
      // npm has exited; the gateway must have drained and exited too, not kept the port.
      await expect
        .poll(() => output.includes('"msg":"stopped"'), { timeout: 15_000, interval: 50 })
        .toBe(true);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      killMarked(mark);
    }
  });
});

/** Kills whatever this test started and left behind (an orphaned node, when the test fails), found by its marker. */
function killMarked(mark: string): void {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`START_SCRIPT_TEST_MARK=${mark}`)) {
        process.kill(Number(pid), 'SIGKILL');
      }
    } catch {
      // Gone already, or not ours to read.
    }
  }
}
