import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LoggedProcess } from '../helpers/loggedProcess.js';

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
    const npmStart = new LoggedProcess(command, args, env);
    try {
      const ready = await npmStart.line((line) => line.msg === 'deadline-graphql ready');
      const url = String(ready.url).replace(/\/graphql$/, '');
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      await npmStart.stop(); // SIGTERM to npm itself
      // npm has exited; the gateway must have drained and exited too, not kept the port.
      await npmStart.line((line) => line.msg === 'stopped');
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      npmStart.child.kill('SIGKILL');
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
