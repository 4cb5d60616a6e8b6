/**
 * `npm run bench:compare -- <checkout> [<checkout> …]`: scenario 3's request (a 100-session page, caches off by
 * default) served by gateways built from several checkouts of this repo (each with its own node_modules), against
 * one emulator, next to the raw SDK script and the transport floor (bench/lib/transportFloor.ts). The load goes to
 * each in turn in short slices, round after round, so every arm sees the same machine: on a shared machine whose
 * speed drifts by ±30 % between runs, this is how a change is judged (bench/README.md). Reports CPU per request and throughput per arm, with each arm's throughput
 * ratio to the raw SDK script and CPU ratio to the transport floor.
 *
 * Settings (environment): CONCURRENCY (32), CACHE_MODE (caches-off | defaults), ROUNDS (6), SLICE_MS (1500).
 */
import { generateDataset, type JobRef } from '../src/emulator/index.js';
import { type ChildHandle, startChild } from './lib/child.js';
import { failureOf, GraphQLClient } from './lib/load.js';
import { type CacheMode, documentedSdkClient, UPSTREAM_MAX_CONCURRENCY } from './lib/stack.js';
import { floorOperations, TransportFloor } from './lib/transportFloor.js';
import {
  type Arm,
  floorPageCall,
  measureInterleaved,
  OVERHEAD_QUERY,
  type Remote,
  rawPageCall,
} from './scenarios/remote.js';

const checkouts = process.argv.slice(2);
if (checkouts.length === 0) throw new Error('usage: npm run bench:compare -- <checkout> [<checkout> …]');
const concurrency = Number(process.env.CONCURRENCY ?? 32);
const mode = (process.env.CACHE_MODE ?? 'caches-off') as CacheMode;
if (mode !== 'caches-off' && mode !== 'defaults') throw new Error('CACHE_MODE: caches-off or defaults');
const rounds = Number(process.env.ROUNDS ?? 6);
const sliceMs = Number(process.env.SLICE_MS ?? 1500);

const emulator = await startChild<{ endpoint: string }>('emulator.ts', ['{}']);
const gateways: ChildHandle<{ url: string }>[] = [];
const clients: GraphQLClient[] = [];
const raw = documentedSdkClient(emulator.ready.endpoint);
const transport = new TransportFloor(emulator.ready.endpoint, UPSTREAM_MAX_CONCURRENCY);
try {
  const job = generateDataset().edgeJobs.get(250) as JobRef;
  const arms: Arm[] = [];
  for (const checkout of checkouts) {
    const gateway = await startChild<{ url: string }>(
      'gateway.ts',
      [emulator.ready.endpoint, mode],
      checkout,
    );
    gateways.push(gateway);
    const client = new GraphQLClient(gateway.ready.url, concurrency);
    clients.push(client);
    const remote: Remote = { emulator, gateway, mode };
    arms.push({
      key: checkout,
      remote,
      withGateway: true,
      operation: async () => failureOf(await client.query(OVERHEAD_QUERY, { ...job })),
    });
  }
  const rawRemote = (arms[0] as Arm).remote;
  const floorCalls = floorOperations(transport);
  arms.unshift(
    {
      key: 'raw SDK script',
      remote: rawRemote,
      withGateway: false,
      operation: () => rawPageCall(raw, job),
    },
    {
      key: 'transport floor',
      remote: rawRemote,
      withGateway: false,
      operation: () => floorPageCall(floorCalls, job),
    },
  );
  const measured = await measureInterleaved(arms, concurrency, {
    durationMs: rounds * sliceMs,
    warmupMs: 2000,
    slices: rounds,
  });
  const rawRate = measured.get('raw SDK script')?.throughput ?? Number.NaN;
  const floorCpu = measured.get('transport floor')?.cpuMsPerRequest.driver ?? Number.NaN;
  console.log(
    `Scenario 3 request, ${mode}, concurrency ${concurrency}, ${rounds} rounds of ${sliceMs} ms each:`,
  );
  for (const arm of arms) {
    const figures = measured.get(arm.key);
    if (!figures) continue;
    const cpu = arm.withGateway ? figures.cpuMsPerRequest.gateway : figures.cpuMsPerRequest.driver;
    console.log(
      `  ${arm.key}: ${figures.throughput.toFixed(0)} req/s, ${cpu?.toFixed(2)} ms CPU/req, ratio to raw ${(figures.throughput / rawRate).toFixed(2)}, CPU ÷ transport floor's ${((cpu ?? Number.NaN) / floorCpu).toFixed(2)}`,
    );
  }
} finally {
  for (const client of clients) client.close();
  raw.destroy();
  transport.close();
  for (const gateway of gateways) await gateway.stop();
  await emulator.stop();
}
