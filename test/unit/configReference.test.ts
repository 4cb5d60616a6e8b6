import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { namesInFirstColumn } from '../helpers/docsTables.js';

/**
 * docs/configuration.md against the code: the variables `loadConfig` actually reads (recorded through a Proxy over
 * the environment, so no list is kept by hand on either side) are exactly the variables the reference documents.
 */
/** Every environment variable `loadConfig` reads for `env`, whether the configuration is valid or not. */
function variablesRead(env: Record<string, string>): Set<string> {
  const read = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return target[name as string];
    },
    has(target, name) {
      if (typeof name === 'string') read.add(name);
      return name in target;
    },
  });
  try {
    loadConfig(recording);
  } catch {
    // An invalid combination still shows which variables were consulted.
  }
  return read;
}

describe('docs/configuration.md', () => {
  it('documents every variable the configuration reads, and nothing else', () => {
    // Several environments, so that a variable read only in one branch (a backend, auth on, metrics token) counts.
    const environments: Record<string, string>[] = [
      {},
      { DEADLINE_BACKEND: 'aws' },
      { DEADLINE_ENDPOINT: 'http://127.0.0.1:1', NODE_ENV: 'production' },
      { METRICS_TOKEN: 'a-metrics-token-of-16+', METRICS: 'off', REDIS_URL: 'redis://127.0.0.1:1' },
      {
        JWT_ISSUER: 'https://issuer.example',
        JWT_AUDIENCE: 'api',
        JWT_SECRET: 'x'.repeat(32),
        FARM_ALLOW_LIST: '',
      },
      { ROUTER_SECRET: 'a-router-secret-16', RELAY_NODE_FIELD: 'off', CURSOR_SECRET: 'c'.repeat(32) },
    ];
    const read = new Set(environments.flatMap((env) => [...variablesRead(env)]));
    const documented = namesInFirstColumn('configuration.md');
    const undocumented = [...read].filter((name) => !documented.has(name)).sort();
    const notRead = [...documented].filter((name) => !read.has(name)).sort();
    expect(undocumented, 'read by src/config.ts but missing from docs/configuration.md').toEqual([]);
    expect(notRead, 'documented in docs/configuration.md but never read by src/config.ts').toEqual([]);
    // The check itself sees the whole table (a parser that matched nothing would pass the two lines above).
    expect(documented.size).toBeGreaterThan(40);
  });
});
