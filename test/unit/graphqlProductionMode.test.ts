import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * src/execution/graphqlProductionMode.ts only works when it runs before anything loads graphql: an entry point
 * must import it first. `npm start` and the benchmark once ran with graphql-js's development `instanceOf` (a class
 * name comparison on every failed type check) because another import loaded graphql earlier.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Imports `module` in a fresh Node process and reports which `instanceOf` graphql picked. */
function instanceOfAfterImporting(module: string): string {
  const script = `
    await import(${JSON.stringify(`${root}${module}`)});
    const { createRequire } = await import('node:module');
    const { instanceOf } = createRequire(${JSON.stringify(root)})('graphql/jsutils/instanceOf.js');
    console.log(instanceOf.toString().includes('toStringTag') ? 'development' : 'production');
    process.exit(0);`;
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  }).trim();
}

describe('graphql production mode', () => {
  it('is on in the server factory and in the benchmark stack (fresh processes)', () => {
    expect(instanceOfAfterImporting('src/server.ts')).toBe('production');
    expect(instanceOfAfterImporting('bench/lib/stack.ts')).toBe('production');
  });

  it('is the first import of `npm start` (src/index.ts starts the gateway when imported)', () => {
    const source = readFileSync(`${root}src/index.ts`, 'utf8');
    const firstImport = source.match(/^import .*$/m)?.[0];
    expect(firstImport).toBe("import './execution/graphqlProductionMode.js';");
  });
});
