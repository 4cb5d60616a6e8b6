/**
 * The emulator in its own process (scenarios 2, 3, 5, 6), so its CPU does not count against the gateway's or the raw
 * client's. Options come as JSON in argv[2]; the parent reads its counters
 * and sets its latency over IPC, and regenerates the same deterministic dataset itself (`generateDataset`).
 */
import { type EmulatorOptions, startEmulator } from '../../src/emulator/index.js';
import { processStats, serveParent } from '../lib/child.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator({ ...options, host: '127.0.0.1', port: 0 });
serveParent(
  {
    calls: () => emulator.calls(),
    resetCalls: () => emulator.resetCalls(),
    setLatency: (ms) => emulator.setLatency(ms as number),
    resetMaxInFlight: () => emulator.resetMaxInFlight(),
    maxInFlight: () => emulator.maxInFlight(),
    stats: (gc) => processStats(gc === true),
  },
  () => emulator.close(),
);
process.send?.({ type: 'ready', endpoint: emulator.endpoint });
