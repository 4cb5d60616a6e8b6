/**
 * Fails when the committed codegen output differs from what `npm run codegen` would write now (the schema or
 * codegen.ts changed without regenerating). Generates in memory; writes nothing.
 */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.js';
import { subgraphSdl } from '../src/schema.js';

const outputs: Array<{ filename: string; content: string }> = [
  ...(await generate({ ...config, silent: true }, false)),
  // The default subgraph SDL (`npm run schema:print`), for rover and for readers of the contract.
  { filename: 'src/__generated__/subgraph.graphql', content: subgraphSdl() },
];
const stale = outputs.filter(({ filename, content }) => {
  let current: string | undefined;
  try {
    current = readFileSync(filename, 'utf8');
  } catch {
    current = undefined;
  }
  return current !== content;
});
if (stale.length > 0) {
  console.error(
    `Generated code is stale: ${stale.map((o) => o.filename).join(', ')}. Run \`npm run codegen\` and commit.`,
  );
  process.exit(1);
}
console.log(`Generated code is up to date (${outputs.length} file${outputs.length === 1 ? '' : 's'}).`);
