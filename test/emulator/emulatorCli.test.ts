import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = `${ROOT}node_modules/.bin/tsx`;
const MAIN = `${ROOT}src/emulator/main.ts`;

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(TSX, [MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { child, output: () => output };
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('npm run emulator (src/emulator/main.ts)', () => {
  it.each([
    [{ EMULATOR_THROTTLE_RATE: '2' }, [], /EMULATOR_THROTTLE_RATE must be a number between 0 and 1/],
    [{ EMULATOR_SEED: '1.5' }, [], /EMULATOR_SEED must be an integer/],
    [{ EMULATOR_SEED: '-1' }, [], /EMULATOR_SEED must be an integer between 0 and/],
    [{ EMULATOR_LATENCY_MS: '2.5' }, [], /EMULATOR_LATENCY_MS must be an integer/],
    [{}, ['--port', 'abc'], /--port must be an integer between 0 and 65535/],
    [
      { EMULATOR_LARGE_JOB_SESSIONS: '-3' },
      [],
      /EMULATOR_LARGE_JOB_SESSIONS must be an integer between 0 and 100000/,
    ],
    [{}, ['--verbose'], /unknown option --verbose/],
  ])('rejects bad settings %j %j with exit status 2', async (env, args, message) => {
    const { child, output } = run(args, env);
    expect(await exitCode(child)).toBe(2);
    expect(output()).toMatch(message);
  });

  it('prints the endpoint and usage hints (gateway, SDK, CLI), serves, and exits 0 on SIGTERM', async () => {
    const { child, output } = run(['--port', '0'], { EMULATOR_LARGE_JOB_SESSIONS: '150' });
    const exited = exitCode(child);
    const endpoint = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
        if (match?.[1]) {
          clearInterval(timer);
          resolve(match[1]);
        }
      }, 50);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error(`exited early: ${output()}`));
      });
    });
    expect(output()).toContain('disableHostPrefix: true');
    expect(output()).toContain('aws deadline list-farms --endpoint-url');
    // The line that points the gateway at this emulator names the endpoint it listens on.
    const gatewayLine = /^ {2}Gateway: DEADLINE_ENDPOINT=(\S+) npm start\b/m.exec(output());
    expect(gatewayLine?.[1]).toBe(endpoint);
    const response = await fetch(`${gatewayLine?.[1]}/2023-10-12/farms`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=x/y' },
    });
    expect(response.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
