/**
 * `npm run bench:compare -- <checkout> [<checkout> …]`: scenario 3's request (a 100-session page, caches off by
 * default) served by gateways built from several checkouts of this repo (each with its own node_modules), against
 * one emulator, next to the raw SDK script. The load goes to each in turn in short slices, round after round, so
 * every arm sees the same machine: on a shared machine whose speed drifts by ±30 % between runs, this is how a
 * change is judged (README "Benchmark", before/after table). Reports CPU per request and throughput per arm.
 *
 * Settings (environment): CONCURRENCY (32), CACHE_MODE (caches-off | defaults), ROUNDS (6), SLICE_MS (1500).
 */
import { generateDataset, type JobRef } from '../src/emulator/index.js';
import { type ChildHandle, type ProcessStats, startChild } from './lib/child.js';
import { closedLoop, failureOf, GraphQLClient } from './lib/load.js';
import { benchDeadlineClient } from './lib/stack.js';
import { cpuMs } from './lib/stats.js';
import { OVERHEAD_QUERY, rawPageCall } from './scenarios/remote.js';

const checkouts = process.argv.slice(2);
if (checkouts.length === 0) throw new Error('usage: npm run bench:compare -- <checkout> [<checkout> …]');
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const mode = process.env.CACHE_MODE ?? 'caches-off';
const rounds = Number(process.env.ROUNDS ?? 6);
const sliceMs = Number(process.env.SLICE_MS ?? 1500);

interface Arm {
  name: string;
  /** Runs the closed loop for `ms`; resolves with the number of requests completed. */
  run(ms: number): Promise<number>;
  /** CPU time (ms) of the process that serves this arm. */
  cpu(): Promise<number>;
  totals: { cpuMs: number; requests: number; wallMs: number };
}

const emulator = await startChild<{ endpoint: string }>('emulator.ts', ['{}']);
const gateways: ChildHandle<{ url: string }>[] = [];
const raw = benchDeadlineClient(emulator.ready.endpoint);
try {
  const job = generateDataset().edgeJobs.get(250) as JobRef;
  const loop = (operation: () => Promise<string | undefined>) => async (ms: number) => {
    const load = await closedLoop({ concurrency, durationMs: ms, operation });
    if (load.failures > 0) throw new Error(`${load.failures} failed: ${load.firstFailure}`);
    return load.count;
  };
  const ownCpu = async () => cpuMs({ user: 0, system: 0 }, process.cpuUsage());
  const arms: Arm[] = [
    {
      name: 'raw SDK script',
      run: loop(() => rawPageCall(raw, job)),
      cpu: ownCpu,
      totals: { cpuMs: 0, requests: 0, wallMs: 0 },
    },
  ];
  for (const checkout of checkouts) {
    const gateway = await startChild<{ url: string }>(
      'gateway.ts',
      [emulator.ready.endpoint, mode],
      checkout,
    );
    gateways.push(gateway);
    const client = new GraphQLClient(gateway.ready.url, concurrency);
    arms.push({
      name: checkout,
      run: loop(async () => failureOf(await client.query(OVERHEAD_QUERY, { ...job }))),
      cpu: async () => {
        const stats = await gateway.call<ProcessStats>('stats', false);
        return cpuMs({ user: 0, system: 0 }, stats.cpu);
      },
      totals: { cpuMs: 0, requests: 0, wallMs: 0 },
    });
  }
  for (const arm of arms) await arm.run(2000); // warm-up: JIT, sockets
  for (let round = 0; round < rounds; round++) {
    for (const arm of arms) {
      const cpu0 = await arm.cpu();
      const started = performance.now();
      arm.totals.requests += await arm.run(sliceMs);
      arm.totals.wallMs += performance.now() - started;
      arm.totals.cpuMs += (await arm.cpu()) - cpu0;
    }
  }
  const perSecond = (arm: Arm) => (arm.totals.requests / arm.totals.wallMs) * 1000;
  const rawRate = perSecond(arms[0] as Arm);
  console.log(
    `Scenario 3 request, ${mode}, concurrency ${concurrency}, ${rounds} rounds of ${sliceMs} ms each:`,
  );
  for (const arm of arms) {
    const rate = perSecond(arm);
    console.log(
      `  ${arm.name}: ${rate.toFixed(0)} req/s, ${(arm.totals.cpuMs / arm.totals.requests).toFixed(2)} ms CPU/req, ratio to raw ${(rate / rawRate).toFixed(2)}`,
    );
  }
} finally {
  raw.destroy();
  for (const gateway of gateways) await gateway.stop();
  await emulator.stop();
}
