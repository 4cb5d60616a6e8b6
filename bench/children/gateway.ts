/**
 * The gateway in its own process (scenarios 3, 5, 6), so its CPU time and RSS are measured apart from the load
 * generator's. argv[2] is the Deadline endpoint (the emulator child).
 */
import { processStats, serveParent } from '../lib/child.js';
import { startGateway } from '../lib/stack.js';

const endpoint = process.argv[2];
if (!endpoint) throw new Error('usage: gateway.ts <deadline endpoint>');
const stack = await startGateway(endpoint);
serveParent({ stats: (gc) => processStats(gc === true) }, () => stack.close());
process.send?.({ type: 'ready', url: stack.url });
