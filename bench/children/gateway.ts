/**
 * The gateway in its own process (scenarios 3, 5, 6), so its CPU time and RSS are measured apart from the load
 * generator's. argv[2] is the Deadline endpoint (the emulator child), argv[3] the cache mode (lib/stack.ts).
 */
import { processStats, serveParent, settledProcessStats } from '../lib/child.js';
import { type CacheMode, startGateway } from '../lib/stack.js';

const [endpoint, mode] = process.argv.slice(2);
if (!endpoint || (mode !== 'caches-off' && mode !== 'defaults'))
  throw new Error('usage: gateway.ts <deadline endpoint> caches-off|defaults');
const stack = await startGateway(endpoint, mode as CacheMode);
serveParent({ stats: (gc) => processStats(gc === true), settledStats: () => settledProcessStats() }, () =>
  stack.close(),
);
process.send?.({ type: 'ready', url: stack.url });
