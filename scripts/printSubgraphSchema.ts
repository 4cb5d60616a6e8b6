/**
 * `npm run schema:print [-- --out FILE]`: writes this subgraph's SDL (what `rover subgraph publish|check` takes),
 * with the Relay root fields as RELAY_NODE_FIELD configures them. Default output: src/__generated__/subgraph.graphql
 * (committed; `npm test` fails when it is stale). With `--client` (and `--out`), the SDL for a client's codegen or
 * relay-compiler instead: without federation's directives, with @semanticNonNull (docs/frontend.md).
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { clientSdl, subgraphSdl } from '../src/schema.js';

export const DEFAULT_OUTPUT = 'src/__generated__/subgraph.graphql';

const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : DEFAULT_OUTPUT;
if (!out) {
  console.error('--out needs a file name');
  process.exit(2);
}
const client = process.argv.includes('--client');
if (client && outIndex < 0) {
  console.error('--client needs --out FILE (the default output is the subgraph SDL)');
  process.exit(2);
}
const { nodeFields } = loadConfig();
writeFileSync(out, client ? clientSdl(nodeFields) : subgraphSdl(nodeFields));
console.log(`Wrote the ${client ? 'client' : 'subgraph'} SDL to ${out}`);
