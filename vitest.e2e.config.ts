import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * `npm run test:e2e`: the browser suites (headless Debian chromium driven by playwright-core) and the Redis suites
 * (a real redis-server, two gateway processes); `.ci/install-e2e-deps` installs both. Kept out of `npm test`,
 * which must run on a machine without a browser or Redis.
 */
export default defineConfig({
  resolve: {
    // One graphql instance, the CJS one Node loads (see vitest.config.ts).
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // A browser start plus an 8 MB bundle parsed on 2 cores: generous, and every wait is on a condition.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // One browser at a time; the files share the machine with the gateway and the emulator.
    fileParallelism: false,
  },
});
