/**
 * `npm run schema:print [-- --out FILE]`: writes this subgraph's SDL (what `rover subgraph publish|check` takes),
 * with the Relay root fields as RELAY_NODE_FIELD configures them. Default output: src/__generated__/subgraph.graphql
 * (committed; `npm test` fails when it is stale).
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { subgraphSdl } from '../src/schema.js';

export const DEFAULT_OUTPUT = 'src/__generated__/subgraph.graphql';

const outIndex = process.argv.indexOf('--out');
const out = outIndex >= 0 ? process.argv[outIndex + 1] : DEFAULT_OUTPUT;
if (!out) {
  console.error('--out needs a file name');
  process.exit(2);
}
writeFileSync(out, subgraphSdl(loadConfig().nodeFields));
console.log(`Wrote the subgraph SDL to ${out}`);
