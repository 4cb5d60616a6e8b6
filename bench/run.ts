/**
 * `npm run bench`: the gateway as it is, over HTTP on loopback, against the embedded Deadline emulator. Reports
 * figures and their ratios to the limits of issues 5 and 15; asserts nothing. Writes bench/results/results.json,
 * results.md and latency.svg, and prints the Markdown table. See bench/README.md.
 *
 * BENCH_QUICK=1 shortens every time-bounded loop (a smoke run; figures are then noisier).
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateDataset, type JobRef, startEmulator } from '../src/emulator/index.js';
import { type ProcessStats, startChild } from './lib/child.js';
import { latencySvg, markdownTable } from './lib/report.js';
import type { ScenarioResult } from './lib/result.js';
import { type CacheMode, startGateway, startInProcessStack } from './lib/stack.js';
import { cpuMs } from './lib/stats.js';
import { gatewayOverhead, hotSpotFanIn, memory, type Remote } from './scenarios/remote.js';
import { criticalPath, upstreamEfficiency } from './scenarios/upstream.js';
import { paginationWalk } from './scenarios/walk.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const quick = process.env.BENCH_QUICK === '1';
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));

/** Dataset of scenarios 1, 2, 3, 5, 6: enough jobs for a 105-job `_entities` batch; a 400-session job. */
const SIZES = { jobsPerQueue: 30, largeJobSessions: 400 };
const WALK_SESSIONS = 10_000;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function gitDescription(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).trim() !== '';
    return `${commit}${dirty ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return 'unknown commit';
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = loadavg()[0] ?? 0;
  const t0 = performance.now();
  const results: ScenarioResult[] = [];

  // 1. Upstream efficiency: emulator and gateway in this process (exact emulator counters, no timing involved).
  log('1. upstream efficiency');
  // Scenarios 1 and 2 measure one cold query: caches off (with defaults, a repeated query would cost 0 calls).
  const local = await startInProcessStack({ sizes: SIZES }, 'caches-off');
  try {
    results.push(await upstreamEfficiency(local));
  } finally {
    await local.close();
  }

  // 2, 3, 5, 6: the emulator in its own process.
  const emulator = await startChild<{ endpoint: string }>('emulator.ts', [JSON.stringify({ sizes: SIZES })]);
  const dataset = generateDataset(1, SIZES);
  const hotJob = dataset.edgeJobs.get(250) as JobRef;
  try {
    log('2. critical path (gateway in this process, emulator in a child process)');
    const gateway = await startGateway(emulator.ready.endpoint, 'caches-off');
    try {
      results.push(
        await criticalPath(
          gateway.url,
          {
            endpoint: emulator.ready.endpoint,
            cpuMs: async () =>
              cpuMs({ user: 0, system: 0 }, (await emulator.call<ProcessStats>('stats', false)).cpu),
            setLatency: (ms) => emulator.call('setLatency', ms),
            resetMaxInFlight: () => emulator.call('resetMaxInFlight'),
            maxInFlight: () => emulator.call<number>('maxInFlight'),
          },
          dataset,
        ),
      );
    } finally {
      await gateway.close();
    }

    const startRemote = async (mode: CacheMode): Promise<Remote> => ({
      emulator,
      gateway: await startChild<{ url: string }>('gateway.ts', [emulator.ready.endpoint, mode]),
      mode,
    });
    const cachesOff = await startRemote('caches-off');
    const defaults = await startRemote('defaults');
    try {
      log('3. gateway overhead (gateway and emulator in child processes; caches off, then defaults)');
      results.push(
        await gatewayOverhead([cachesOff, defaults], hotJob, {
          durationMs: quick ? 1500 : 5000,
          warmupMs: quick ? 300 : 1000,
        }),
      );
    } finally {
      await cachesOff.gateway.stop();
      await defaults.gateway.stop();
    }

    log('5. hot-spot fan-in (a fresh gateway with defaults)');
    const fanIn = await startRemote('defaults');
    try {
      results.push(await hotSpotFanIn(fanIn, hotJob, { clients: 200, durationMs: quick ? 4000 : 10_000 }));
    } finally {
      await fanIn.gateway.stop();
    }

    log('6. memory (a fresh gateway process with defaults)');
    const memoryRemote = await startRemote('defaults');
    try {
      results.push(
        await memory(memoryRemote, hotJob, {
          requests: quick ? 3000 : 50_000,
          concurrency: 16,
          warmupRequests: quick ? 500 : 2000,
          maxDurationMs: quick ? 10_000 : 120_000,
        }),
      );
    } finally {
      await memoryRemote.gateway.stop();
    }
  } finally {
    await emulator.stop();
  }

  // 4. Pagination walk: its own 10,000-session job, emulator and gateway in this process (exact counters).
  log(`4. pagination walk (${WALK_SESSIONS} sessions)`);
  const walkEmulator = await startEmulator({ host: '127.0.0.1', sizes: { largeJobSessions: WALK_SESSIONS } });
  try {
    const job = walkEmulator.dataset.edgeJobs.get(WALK_SESSIONS) as JobRef;
    results.push(
      await paginationWalk(walkEmulator, job, WALK_SESSIONS, {
        sizes: [10, 50, 100],
        maxDurationMs: quick ? 10_000 : 45_000,
      }),
    );
  } finally {
    await walkEmulator.close();
  }

  results.sort((a, b) => a.title.localeCompare(b.title, 'en', { numeric: true }));
  const meta = {
    commit: gitDescription(),
    date: startedAt.toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}`,
    loadAverage: `1-min load average ${loadBefore.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end (${cpus().length} cores; above ${cpus().length} other work competed for the CPU)`,
    mode: quick ? 'quick (BENCH_QUICK=1)' : 'full',
    topology:
      'loopback HTTP; scenarios 1 and 4: emulator + gateway + client in one process; 2: emulator in a child process, gateway + client in this one; 3, 5, 6: emulator, gateway and client (load generator / raw SDK script / transport floor) in three processes',
  };
  const markdown = markdownTable(results, meta);
  await mkdir(resultsDir, { recursive: true });
  await writeFile(
    `${resultsDir}results.json`,
    `${JSON.stringify({ meta, elapsedMs: performance.now() - t0, results }, null, 2)}\n`,
  );
  await writeFile(`${resultsDir}results.md`, markdown);
  await writeFile(`${resultsDir}latency.svg`, latencySvg(results.flatMap((r) => r.latencies)));
  log(
    `done in ${((performance.now() - t0) / 1000).toFixed(1)} s; wrote bench/results/results.{json,md}, latency.svg`,
  );
  process.stdout.write(`${markdown}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
