import { type DeadlineClient, ListSessionsCommand } from '@aws-sdk/client-deadline';
import type { JobRef } from '../../src/emulator/index.js';
import { DEFAULT_CACHE_TTL_MS } from '../../src/upstream/upstreamSharing.js';
import type { ChildHandle, ProcessStats } from '../lib/child.js';
import { closedLoop, failureOf, GraphQLClient, type LoadResult } from '../lib/load.js';
import type { LatencySeries, Row, ScenarioResult } from '../lib/result.js';
import { type CacheMode, documentedSdkClient, UPSTREAM_MAX_CONCURRENCY } from '../lib/stack.js';
import { addCounts, cpuMs, diffCounts, type LatencySummary, round, summarize, total } from '../lib/stats.js';
import { type FloorOperations, floorOperations, TransportFloor } from '../lib/transportFloor.js';

/**
 * Scenarios 3, 5 and 6: the emulator and the gateway each run in their own process (bench/children/), the load
 * generator (and the raw SDK baseline) in this one, so CPU time and RSS are each process's own.
 */
export interface Remote {
  emulator: ChildHandle<{ endpoint: string }>;
  gateway: ChildHandle<{ url: string }>;
  /** The gateway's cache mode (bench/lib/stack.ts). */
  mode: CacheMode;
}

const stats = (child: ChildHandle<unknown>, gc = false) => child.call<ProcessStats>('stats', gc);
/** A gateway's memory after GC and a second of idleness (bench/lib/child.ts settledProcessStats). */
const settledStats = (child: ChildHandle<unknown>) => child.call<ProcessStats>('settledStats');
const calls = (remote: Remote) => remote.emulator.call<Record<string, number>>('calls');

export const SESSION_SCALARS =
  'id farmId queueId jobId sessionId fleetId workerId startedAt endedAt updatedAt updatedBy lifecycleStatus targetLifecycleStatus';

export const OVERHEAD_QUERY = /* GraphQL */ `
  query SessionsPage($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: 100) { edges { node { ${SESSION_SCALARS} } } }
    }
  }
`;

/** A failure message when a ListSessions answer is not the full 100-session page. */
const shortPage = (output: { sessions?: unknown[] }) =>
  output.sessions?.length === 100 ? undefined : 'short page';

/**
 * The raw SDK script's operation: the ListSessions call the overhead query's page makes, with the same SDK client
 * settings, as the SDK documents it (`client.send(new ListSessionsCommand(…))`).
 */
export async function rawPageCall(raw: DeadlineClient, job: JobRef): Promise<string | undefined> {
  return shortPage(await raw.send(new ListSessionsCommand({ ...job, maxResults: 100 })));
}

/** The same ListSessions call by the transport floor (bench/lib/transportFloor.ts): no SDK client. */
export async function floorPageCall(floor: FloorOperations, job: JobRef): Promise<string | undefined> {
  return shortPage(await floor.listSessions(job, 100));
}

/** CPU time (ms) per process: the gateway (when one served the load), this process (driver), the emulator. */
interface ProcessCpu {
  gateway?: number;
  driver: number;
  emulator: number;
}

export interface Measured {
  load: LoadResult;
  throughput: number;
  upstreamCalls: Record<string, number>;
  cpuMsPerRequest: ProcessCpu;
}

/** CPU time (ms) each process spent, and the emulator's calls, around one or more closed loops. */
interface Totals {
  load: LoadResult;
  upstreamCalls: Record<string, number>;
  cpuMs: ProcessCpu;
}

/** Runs a closed loop and reads CPU deltas of all three processes and the emulator's call counter around it. */
async function measureTotals(
  remote: Remote,
  run: () => Promise<LoadResult>,
  withGateway: boolean,
): Promise<Totals> {
  const [gw0, em0, calls0] = await Promise.all([
    withGateway ? stats(remote.gateway) : undefined,
    stats(remote.emulator),
    calls(remote),
  ]);
  const driver0 = process.cpuUsage();
  const load = await run();
  const driver1 = process.cpuUsage();
  const [gw1, em1, calls1] = await Promise.all([
    withGateway ? stats(remote.gateway) : undefined,
    stats(remote.emulator),
    calls(remote),
  ]);
  return {
    load,
    upstreamCalls: diffCounts(calls0, calls1),
    cpuMs: {
      ...(gw0 && gw1 ? { gateway: cpuMs(gw0.cpu, gw1.cpu) } : {}),
      driver: cpuMs(driver0, driver1),
      emulator: cpuMs(em0.cpu, em1.cpu),
    },
  };
}

function perRequest(totals: Totals): Measured {
  const { load } = totals;
  const per = (ms: number) => round(ms / Math.max(1, load.count), 3);
  return {
    load,
    throughput: (load.count / load.elapsedMs) * 1000,
    upstreamCalls: totals.upstreamCalls,
    cpuMsPerRequest: {
      ...(totals.cpuMs.gateway === undefined ? {} : { gateway: per(totals.cpuMs.gateway) }),
      driver: per(totals.cpuMs.driver),
      emulator: per(totals.cpuMs.emulator),
    },
  };
}

async function measure(
  remote: Remote,
  run: () => Promise<LoadResult>,
  withGateway: boolean,
): Promise<Measured> {
  return perRequest(await measureTotals(remote, run, withGateway));
}

function addTotals(a: Totals | undefined, b: Totals): Totals {
  if (!a) return b;
  const sum = (x: number | undefined, y: number | undefined) =>
    x === undefined || y === undefined ? undefined : x + y;
  const gateway = sum(a.cpuMs.gateway, b.cpuMs.gateway);
  return {
    load: {
      count: a.load.count + b.load.count,
      failures: a.load.failures + b.load.failures,
      ...((a.load.firstFailure ?? b.load.firstFailure)
        ? { firstFailure: a.load.firstFailure ?? b.load.firstFailure }
        : {}),
      elapsedMs: a.load.elapsedMs + b.load.elapsedMs,
      latencies: a.load.latencies.concat(b.load.latencies),
    },
    upstreamCalls: addCounts(a.upstreamCalls, b.upstreamCalls),
    cpuMs: {
      ...(gateway === undefined ? {} : { gateway }),
      driver: a.cpuMs.driver + b.cpuMs.driver,
      emulator: a.cpuMs.emulator + b.cpuMs.emulator,
    },
  };
}

function assertClean(name: string, load: LoadResult): void {
  if (load.failures > 0)
    throw new Error(`${name}: ${load.failures} of ${load.count} failed: ${load.firstFailure}`);
}

/** One thing scenario 3 puts load on: the raw script, or an operation through one gateway. */
export interface Arm {
  /** Its key in the details (`raw-c1`, `caches-off-c32`, …). */
  key: string;
  /** The processes whose CPU is read: the emulator always, the gateway when `withGateway`. */
  remote: Remote;
  withGateway: boolean;
  operation: () => Promise<string | undefined>;
}

/**
 * Loads every arm in turn, in short slices, round after round (each round starting one arm later), so that every
 * arm sees the same machine: on this shared machine the speed drifts by ±30 % within minutes, and a raw figure
 * measured in a slow minute made the ratio of a gateway measured in a fast one look better than it was (and the
 * other way round). A warm-up per arm first (JIT, keep-alive sockets; with defaults, the cache), and a short
 * unmeasured loop before every slice: an arm waits up to 2 × (arms − 1) slices between two of its own, longer than
 * the emulator's 5 s keep-alive, and its first requests would otherwise pay for new connections.
 */
export async function measureInterleaved(
  arms: Arm[],
  concurrency: number,
  options: { durationMs: number; warmupMs: number; slices: number },
): Promise<Map<string, Measured & { summary: LatencySummary }>> {
  const loop = (arm: Arm, durationMs: number) => () =>
    closedLoop({ concurrency, durationMs, operation: arm.operation });
  for (const arm of arms) await loop(arm, options.warmupMs)();
  const totals = new Map<string, Totals>();
  const sliceMs = options.durationMs / options.slices;
  for (let slice = 0; slice < options.slices; slice++) {
    for (let i = 0; i < arms.length; i++) {
      const arm = arms[(i + slice) % arms.length] as Arm;
      await loop(arm, Math.min(100, sliceMs / 10))();
      const measured = await measureTotals(arm.remote, loop(arm, sliceMs), arm.withGateway);
      totals.set(arm.key, addTotals(totals.get(arm.key), measured));
    }
  }
  const results = new Map<string, Measured & { summary: LatencySummary }>();
  for (const [key, total] of totals) {
    assertClean(`${key} (c=${concurrency})`, total.load);
    results.set(key, { ...perRequest(total), summary: summarize(total.load.latencies) });
  }
  return results;
}

/** The figures of an arm as results.json keeps them (without the raw samples). */
function armDetails(measured: Measured & { summary: LatencySummary }, extra: Record<string, unknown> = {}) {
  const { load, summary, ...rest } = measured;
  return { ...rest, count: load.count, elapsedMs: load.elapsedMs, latency: summary, ...extra };
}

/**
 * Scenario 3: the gateway serving a 100-session page vs the raw SDK making the page's ListSessions call, both
 * against the same emulator process, at concurrency 1 and 32; with the transport floor making the same call
 * (bench/lib/transportFloor.ts), and the page's call alone and the empty operation through the caches-off gateway,
 * as bounds. All arms of one concurrency are measured interleaved.
 */
export async function gatewayOverhead(
  gateways: Remote[],
  job: JobRef,
  options: { durationMs: number; warmupMs: number; slices?: number },
): Promise<ScenarioResult> {
  const started = performance.now();
  const slices = options.slices ?? 5;
  const cachesOffRemote = gateways.find((remote) => remote.mode === 'caches-off');
  if (!cachesOffRemote) throw new Error('scenario 3 needs a caches-off gateway');
  const raw = documentedSdkClient(cachesOffRemote.emulator.ready.endpoint);
  const transport = new TransportFloor(cachesOffRemote.emulator.ready.endpoint, UPSTREAM_MAX_CONCURRENCY);
  const floorCalls = floorOperations(transport);
  const rows: Row[] = [];
  const latencies: LatencySeries[] = [];
  const details: Record<string, unknown> = {};
  const clients: GraphQLClient[] = [];
  try {
    for (const concurrency of [1, 32]) {
      // Issue 15's targets for the caches-off page: ≥ 1.0 at concurrency 32, ≥ 0.6 at concurrency 1.
      const pageTarget = concurrency === 32 ? 1 : 0.6;
      const through = (remote: Remote, key: string, query: string, variables = {}): Arm => {
        const graphql = new GraphQLClient(remote.gateway.ready.url, concurrency);
        clients.push(graphql);
        const operation = async () => failureOf(await graphql.query(query, variables));
        return { key: `${key}-c${concurrency}`, remote, withGateway: true, operation };
      };
      const arms: Arm[] = [
        {
          key: `raw-c${concurrency}`,
          remote: cachesOffRemote,
          withGateway: false,
          operation: () => rawPageCall(raw, job),
        },
        {
          key: `transport-floor-c${concurrency}`,
          remote: cachesOffRemote,
          withGateway: false,
          operation: () => floorPageCall(floorCalls, job),
        },
        ...gateways.map((remote) => through(remote, remote.mode, OVERHEAD_QUERY, { ...job })),
        through(cachesOffRemote, 'call-alone', CALL_ALONE_QUERY, { ...job }),
        through(cachesOffRemote, 'empty-operation', EMPTY_OPERATION),
      ];
      const measured = await measureInterleaved(arms, concurrency, { ...options, slices });
      const get = (key: string) => {
        const m = measured.get(`${key}-c${concurrency}`);
        if (!m) throw new Error(`scenario 3: no figures for ${key}`);
        return m;
      };
      const rw = oneCallEach('the raw script', get('raw'));
      const tf = oneCallEach('the transport floor', get('transport-floor'));
      const rwSummary = rw.summary;
      latencies.push({ label: `3. raw ListSessions, c=${concurrency}`, summary: rwSummary });
      latencies.push({ label: `3. transport floor ListSessions, c=${concurrency}`, summary: tf.summary });
      details[`raw-c${concurrency}`] = armDetails(rw);
      for (const remote of gateways) {
        const gw = get(remote.mode);
        const ratio = gw.throughput / rw.throughput;
        const gwSummary = gw.summary;
        latencies.push({
          label: `3. gateway (${remote.mode}), 100-session page, c=${concurrency}`,
          summary: gwSummary,
        });
        const gwCalls = total(gw.upstreamCalls) / Math.max(1, gw.load.count);
        const cachesOff = remote.mode === 'caches-off';
        rows.push({
          scenario: `3. Gateway overhead, concurrency ${concurrency}, ${cachesOff ? 'caches off (page cache and coalescing off)' : 'defaults (page cache and coalescing on)'}`,
          measured: `gateway ${round(gw.throughput, 0)} req/s, p50 ${round(gwSummary.p50, 2)} ms, CPU ${gw.cpuMsPerRequest.gateway} ms/req in the gateway process (+ ${gw.cpuMsPerRequest.driver} ms/req load generator), ${round(gwCalls, 3)} upstream calls/req`,
          limit: `raw SDK ${round(rw.throughput, 0)} calls/s, p50 ${round(rwSummary.p50, 2)} ms, CPU ${rw.cpuMsPerRequest.driver} ms/call in the raw script`,
          ratio: round(ratio),
          target: cachesOff ? `≥ ${pageTarget.toFixed(1)}` : '— (reported)',
          meetsTarget: cachesOff ? round(ratio) >= pageTarget : null,
          notes: `Measured interleaved with the raw script, the transport floor and the bounds below (${slices} slices each). Gateway/raw CPU per request: ${round((gw.cpuMsPerRequest.gateway ?? 0) / rw.cpuMsPerRequest.driver)}×. Emulator CPU: ${gw.cpuMsPerRequest.emulator} ms/req (gateway) vs ${rw.cpuMsPerRequest.emulator} ms/call (raw). Upstream calls per request: ${round(gwCalls, 3)} (${
            Object.entries(gw.upstreamCalls)
              .map(([op, n]) => `${op} ${n}`)
              .join(', ') || 'none'
          }); the raw script makes 1.`,
        });
        details[`${remote.mode}-c${concurrency}`] = armDetails(gw, { ratio });
        if (cachesOff) {
          const cpu = floorCpuRow(concurrency, gw, tf);
          rows.push(cpu.row);
          details[`gateway-cpu-vs-transport-floor-c${concurrency}`] = cpu.details;
          const callAlone = pageCallAloneRow(concurrency, get('call-alone'), rw);
          rows.push(callAlone.row);
          details[`call-alone-c${concurrency}`] = callAlone.details;
          const floor = emptyOperationRow(concurrency, get('empty-operation'), rw);
          rows.push(floor.row);
          details[`empty-operation-c${concurrency}`] = floor.details;
        }
      }
      const vsSdk = transportFloorRow(concurrency, tf, rw);
      rows.push(vsSdk.row);
      details[`transport-floor-c${concurrency}`] = vsSdk.details;
    }
  } finally {
    for (const client of clients) client.close();
    raw.destroy();
    transport.close();
  }
  return {
    id: 'gateway-overhead',
    title: '3. Gateway overhead',
    rows,
    latencies,
    details: { job, query: OVERHEAD_QUERY, ...details },
    elapsedMs: performance.now() - started,
  };
}

/** An arm that should make one ListSessions per operation and nothing else (no retries): the raw script, the floor. */
function oneCallEach<T extends Measured>(name: string, measured: T): T {
  const { upstreamCalls, load } = measured;
  if ((upstreamCalls.ListSessions ?? 0) !== load.count || total(upstreamCalls) !== load.count)
    throw new Error(
      `${name} should make one ListSessions per call (no retries), made ${JSON.stringify(upstreamCalls)} for ${load.count}`,
    );
  return measured;
}

/** Issue 15's target: the caches-off gateway's CPU per page request ÷ the transport floor's CPU per call. */
const FLOOR_CPU_TARGET = 3;

/**
 * Scenario 3, caches off: the gateway process's CPU per page request against the transport floor's CPU per
 * ListSessions call in its own process (the same page's call made the cheapest way a correct client can).
 */
function floorCpuRow(
  concurrency: number,
  gateway: Measured,
  floor: Measured,
): { row: Row; details: Record<string, unknown> } {
  const gatewayCpu = gateway.cpuMsPerRequest.gateway ?? 0;
  const ratio = gatewayCpu / floor.cpuMsPerRequest.driver;
  return {
    row: {
      scenario: `3. Gateway CPU vs the transport floor, concurrency ${concurrency}, caches off: CPU per page request ÷ CPU per ListSessions call`,
      measured: `gateway CPU ${gatewayCpu} ms/req in the gateway process`,
      limit: `transport floor CPU ${floor.cpuMsPerRequest.driver} ms/call in its process (SigV4 + node:http keep-alive + JSON.parse)`,
      ratio: round(ratio),
      target: `≤ ${FLOOR_CPU_TARGET}`,
      meetsTarget: round(ratio) <= FLOOR_CPU_TARGET,
      notes:
        'Both arms measured interleaved, in the same rounds of slices. Everything the gateway spends above the floor (HTTP server, GraphQL, resolvers, the SDK client, the JSON of 100 nodes) is overhead it chooses (issue 15).',
    },
    details: { gatewayCpuMsPerRequest: gatewayCpu, floorCpuMsPerCall: floor.cpuMsPerRequest.driver, ratio },
  };
}

/**
 * Scenario 3: the transport floor against the SDK's documented path, the same ListSessions call from the same
 * process (this one), measured interleaved: what the SDK client costs above what a Deadline call must cost.
 */
function transportFloorRow(
  concurrency: number,
  floor: Measured & { summary: LatencySummary },
  sdk: Measured & { summary: LatencySummary },
): { row: Row; details: Record<string, unknown> } {
  const ratio = floor.throughput / sdk.throughput;
  const cpuRatio = sdk.cpuMsPerRequest.driver / floor.cpuMsPerRequest.driver;
  return {
    row: {
      scenario: `3. Transport floor, concurrency ${concurrency}: the same ListSessions by \`@smithy/signature-v4\` + \`node:http\` keep-alive + \`JSON.parse\` (no SDK client)`,
      measured: `${round(floor.throughput, 0)} calls/s, p50 ${round(floor.summary.p50, 2)} ms, CPU ${floor.cpuMsPerRequest.driver} ms/call in its process`,
      limit: `raw SDK as documented (\`client.send(new ListSessionsCommand(…))\`) ${round(sdk.throughput, 0)} calls/s, p50 ${round(sdk.summary.p50, 2)} ms, CPU ${sdk.cpuMsPerRequest.driver} ms/call`,
      ratio: round(ratio),
      target: '— (reported: floor calls/s ÷ raw SDK calls/s)',
      meetsTarget: null,
      notes: `bench/lib/transportFloor.ts, measured interleaved with the raw script and the gateways. Raw SDK / floor CPU per call: ${round(cpuRatio)}× (the SDK client's middleware stack, endpoint resolution and typed deserialisation). Emulator CPU: ${floor.cpuMsPerRequest.emulator} ms/call (floor) vs ${sdk.cpuMsPerRequest.emulator} ms/call (raw SDK).`,
    },
    details: armDetails(floor, { ratio, sdkToFloorCpu: cpuRatio }),
  };
}

/** The overhead query's upstream call with none of its nodes: the same ListSessions, a one-field answer. */
export const CALL_ALONE_QUERY = /* GraphQL */ `
  query SessionsPageCall($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      sessions(first: 100) { pageInfo { endCursor } }
    }
  }
`;

/**
 * Scenario 3's first bound: the page's ListSessions call through the same gateway, selecting only `endCursor`: the
 * whole path of the page (HTTP, Express, Apollo, plugins, resolvers, loader, the SDK call, the page's records, a
 * signed cursor) except executing and serialising its 100 nodes. Its ratio to raw is the best the page could reach
 * with this gateway if those cost nothing. Checked to make exactly one ListSessions call per request.
 */
function pageCallAloneRow(
  concurrency: number,
  alone: Measured & { summary: LatencySummary },
  raw: Measured,
): { row: Row; details: Record<string, unknown> } {
  const callsPerRequest = total(alone.upstreamCalls) / Math.max(1, alone.load.count);
  if ((alone.upstreamCalls.ListSessions ?? 0) !== alone.load.count || callsPerRequest !== 1)
    throw new Error(
      `the call-alone query should make one ListSessions per request, made ${JSON.stringify(alone.upstreamCalls)} for ${alone.load.count}`,
    );
  const ratio = alone.throughput / raw.throughput;
  return {
    row: {
      scenario: `3. The page's call alone, concurrency ${concurrency}, caches off: \`sessions(first: 100) { pageInfo { endCursor } }\` (same ListSessions, no node executed)`,
      measured: `${round(alone.throughput, 0)} req/s, p50 ${round(alone.summary.p50, 2)} ms, CPU ${alone.cpuMsPerRequest.gateway} ms/req in the gateway process, 1 call/req`,
      limit: `raw SDK ${round(raw.throughput, 0)} calls/s`,
      ratio: round(ratio),
      target: '— (bound for the page row)',
      meetsTarget: null,
      notes:
        'Everything the page costs except executing and serialising its 100 nodes: the best gateway/raw ratio the page could reach with this gateway if those cost nothing.',
    },
    details: armDetails(alone, { ratio }),
  };
}

/** An operation that executes nothing: what the HTTP server, Express and Apollo's pipeline cost on their own. */
const EMPTY_OPERATION = '{ __typename }';

/**
 * Scenario 3's floor: `{ __typename }` through the same gateway (HTTP, Express, Apollo, plugins; no resolver, no
 * Deadline call), and the best gateway/raw ratio any page could reach on top of it if executing and serialising the
 * page cost nothing. At concurrency 1 the request and the SDK call happen one after the other, so the bound is
 * raw latency / (raw latency + empty-operation latency). At concurrency 32 the gateway's main thread is what runs
 * out, so the bound is the raw script's CPU per call / (that + the empty operation's CPU per request): a ceiling
 * that assumes the SDK call costs the gateway what it costs the raw script (measured: it costs more).
 */
function emptyOperationRow(
  concurrency: number,
  empty: Measured & { summary: LatencySummary },
  raw: Measured & { summary: LatencySummary },
): { row: Row; details: Record<string, unknown> } {
  const summary = empty.summary;
  const rawP50 = raw.summary.p50;
  const emptyCpu = empty.cpuMsPerRequest.gateway ?? 0;
  const bound =
    concurrency === 1
      ? rawP50 / (rawP50 + summary.p50)
      : raw.cpuMsPerRequest.driver / (raw.cpuMsPerRequest.driver + emptyCpu);
  return {
    row: {
      scenario: `3. Floor of the stack, concurrency ${concurrency}: \`${EMPTY_OPERATION}\` (HTTP, Express, Apollo, plugins; no resolver, no call)`,
      measured: `${round(empty.throughput, 0)} req/s, p50 ${round(summary.p50, 2)} ms, CPU ${emptyCpu} ms/req in the gateway process`,
      limit:
        concurrency === 1
          ? `raw SDK p50 ${round(rawP50, 2)} ms: best page ratio = raw / (raw + empty operation)`
          : `raw SDK CPU ${raw.cpuMsPerRequest.driver} ms/call: ceiling = raw CPU / (raw CPU + empty operation CPU), if the SDK call cost the gateway what it costs the raw script (it costs more)`,
      ratio: round(bound),
      target: '— (bound for the row above)',
      meetsTarget: null,
      notes:
        'The best gateway/raw ratio a page could reach if executing it and writing its JSON cost nothing: what the HTTP server, Express and Apollo Server cost before any resolver runs.',
    },
    details: armDetails(empty, { bound }),
  };
}

export const POLL_QUERY = /* GraphQL */ `
  query JobFirstPage($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      name
      lifecycleStatus
      sessions(first: 25) {
        pageInfo { hasNextPage endCursor }
        nodes { sessionId lifecycleStatus startedAt endedAt workerId }
      }
    }
  }
`;

/** Scenario 5: `clients` concurrent pollers of the same job's first page, for `durationMs`. */
export async function hotSpotFanIn(
  remote: Remote,
  job: JobRef,
  options: { clients: number; durationMs: number },
): Promise<ScenarioResult> {
  const started = performance.now();
  const graphql = new GraphQLClient(remote.gateway.ready.url, options.clients);
  try {
    await closedLoop({
      concurrency: options.clients,
      durationMs: 1000,
      operation: async () => failureOf(await graphql.query(POLL_QUERY, { ...job })),
    });
    const m = await measure(
      remote,
      () =>
        closedLoop({
          concurrency: options.clients,
          durationMs: options.durationMs,
          operation: async () => failureOf(await graphql.query(POLL_QUERY, { ...job })),
        }),
      true,
    );
    assertClean('fan-in', m.load);
    const seconds = m.load.elapsedMs / 1000;
    const upstreamPerSecond = total(m.upstreamCalls) / seconds;
    const clientPerSecond = m.load.count / seconds;
    const listPerSecond = (m.upstreamCalls.ListSessions ?? 0) / seconds;
    const summary = summarize(m.load.latencies);
    // The poll reads two distinct upstream requests: the job (BatchGetJob) and its first session page. A cached
    // answer is refreshed at the first request after it expires, so a window of W seconds holds at most
    // ⌊W / TTL⌋ + 1 calls per distinct request: that is "1 call per TTL per page".
    const ttlSeconds: Record<string, number> = {
      BatchGetJob: DEFAULT_CACHE_TTL_MS.job / 1000,
      ListSessions: DEFAULT_CACHE_TTL_MS.session / 1000,
    };
    const allowed = (op: string) => Math.floor(seconds / (ttlSeconds[op] ?? 1)) + 1;
    const ratios = Object.keys(ttlSeconds).map((op) => (m.upstreamCalls[op] ?? 0) / allowed(op));
    const worst = Math.max(...ratios);
    const other =
      total(m.upstreamCalls) - (m.upstreamCalls.BatchGetJob ?? 0) - (m.upstreamCalls.ListSessions ?? 0);
    return {
      id: 'hot-spot-fan-in',
      title: '5. Hot-spot fan-in',
      rows: [
        {
          scenario: `5. Hot-spot fan-in: ${options.clients} clients polling one job's first page, ${round(seconds, 1)} s (${remote.mode})`,
          measured: `${round(upstreamPerSecond, 2)} upstream calls/s (ListSessions ${round(listPerSecond, 2)}/s, BatchGetJob ${round((m.upstreamCalls.BatchGetJob ?? 0) / seconds, 2)}/s) for ${round(clientPerSecond, 0)} client req/s; p50 ${round(summary.p50, 1)} ms, p99 ${round(summary.p99, 1)} ms`,
          limit: `1 call per TTL per distinct page over ${round(seconds, 1)} s: ListSessions ≤ ${allowed('ListSessions')} (TTL ${ttlSeconds.ListSessions} s), BatchGetJob ≤ ${allowed('BatchGetJob')} (TTL ${ttlSeconds.BatchGetJob} s)`,
          ratio: round(worst),
          target: '≤ 1',
          meetsTarget: round(worst) <= 1 && other === 0,
          notes: `Calls made: ListSessions ${m.upstreamCalls.ListSessions ?? 0}, BatchGetJob ${m.upstreamCalls.BatchGetJob ?? 0}, other ${other}. Upstream calls per client request: ${round(upstreamPerSecond / clientPerSecond, 5)}. Gateway CPU ${m.cpuMsPerRequest.gateway} ms/req.`,
        },
      ],
      latencies: [{ label: `5. fan-in poll, ${options.clients} clients`, summary }],
      details: {
        clients: options.clients,
        requests: m.load.count,
        elapsedMs: m.load.elapsedMs,
        upstreamCalls: m.upstreamCalls,
        upstreamPerSecond,
        clientPerSecond,
        cpuMsPerRequest: m.cpuMsPerRequest,
        latency: summary,
      },
      elapsedMs: performance.now() - started,
    };
  } finally {
    graphql.close();
  }
}

/**
 * Scenario 6: the gateway process's RSS and heap (after forced GC) before and after `requests` requests at modest
 * concurrency, time-bounded. A fresh gateway process; warm-up first so "before" is a steady state.
 */
export async function memory(
  remote: Remote,
  job: JobRef,
  options: { requests: number; concurrency: number; maxDurationMs: number; warmupRequests: number },
): Promise<ScenarioResult> {
  const started = performance.now();
  const graphql = new GraphQLClient(remote.gateway.ready.url, options.concurrency);
  const run = (count: number, durationMs: number) =>
    closedLoop({
      concurrency: options.concurrency,
      durationMs,
      maxCount: count,
      maxSamples: 100_000,
      operation: async () => failureOf(await graphql.query(POLL_QUERY, { ...job })),
    });
  try {
    const fresh = await settledStats(remote.gateway);
    assertClean('memory warm-up', await run(options.warmupRequests, 60_000));
    const before = await settledStats(remote.gateway);
    const samples: Array<{ atSeconds: number; rssMb: number }> = [];
    const t0 = performance.now();
    const sampler = setInterval(() => {
      const atSeconds = round((performance.now() - t0) / 1000, 0);
      void stats(remote.gateway).then((s) =>
        samples.push({ atSeconds, rssMb: round(s.memory.rss / 2 ** 20, 1) }),
      );
    }, 10_000);
    const load = await closedLoop({
      concurrency: options.concurrency,
      durationMs: options.maxDurationMs,
      maxCount: options.requests,
      maxSamples: 100_000,
      operation: async () => failureOf(await graphql.query(POLL_QUERY, { ...job })),
    }).finally(() => clearInterval(sampler));
    assertClean('memory', load);
    const after = await settledStats(remote.gateway);
    const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
    const rssGrowth = after.memory.rss - before.memory.rss;
    const heapGrowth = after.memory.heapUsed - before.memory.heapUsed;
    const summary = summarize(load.latencies);
    const complete = load.count >= options.requests;
    return {
      id: 'memory',
      title: '6. Memory',
      rows: [
        {
          scenario: `6. Memory (${remote.mode}): ${load.count.toLocaleString('en-US')} requests at concurrency ${options.concurrency}${complete ? '' : ` (time bound ${options.maxDurationMs / 1000} s hit before ${options.requests.toLocaleString('en-US')})`}`,
          measured: `gateway RSS ${mb(before.memory.rss)} → ${mb(after.memory.rss)} MB (${rssGrowth >= 0 ? '+' : ''}${mb(rssGrowth)} MB); heap used after GC ${mb(before.memory.heapUsed)} → ${mb(after.memory.heapUsed)} MB (${heapGrowth >= 0 ? '+' : ''}${mb(heapGrowth)} MB)`,
          limit: `RSS before (after ${options.warmupRequests.toLocaleString('en-US')} warm-up requests; each reading after GC and 1 s idle): ${mb(before.memory.rss)} MB`,
          ratio: round(after.memory.rss / before.memory.rss),
          target: '≈ 1.00 (no growth beyond noise: RSS ≤ +5 %, heap after GC ≤ +2 MB)',
          // Noise, as judged here: RSS within 5 % (allocator and JIT pages come and go), heap after GC within 2 MB.
          meetsTarget: after.memory.rss <= before.memory.rss * 1.05 && heapGrowth <= 2 * 2 ** 20,
          notes: `Fresh process: RSS ${mb(fresh.memory.rss)} MB. ${round((load.count / load.elapsedMs) * 1000, 0)} req/s. RSS along the run (s: MB): ${samples.map((s) => `${s.atSeconds}: ${s.rssMb}`).join(', ')}.`,
        },
      ],
      latencies: [{ label: `6. memory loop, c=${options.concurrency}`, summary }],
      details: {
        requests: load.count,
        elapsedMs: load.elapsedMs,
        fresh: fresh.memory,
        before: before.memory,
        after: after.memory,
        rssGrowthBytes: rssGrowth,
        heapUsedGrowthBytes: heapGrowth,
        samples,
        latency: summary,
      },
      elapsedMs: performance.now() - started,
    };
  } finally {
    graphql.close();
  }
}
