import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('defaults: port 4000, embedded emulator, random cursor key', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.backend).toEqual({ kind: 'emulator', region: 'us-west-2' });
    expect(config.cursorSecretIsEphemeral).toBe(true);
    expect(config.cursorSecret.length).toBe(32);
    expect(config.upstream.chainPageSize).toBe(100);
    expect(config.keepAliveTimeoutMs).toBe(65_000);
  });

  it('MUTATIONS: on with the embedded emulator, off against another endpoint, AWS or in production unless asked for', () => {
    expect(loadConfig({}).mutations).toEqual({
      enabled: true,
      writeScope: 'deadline:write',
      maxObjects: 500,
    });
    expect(loadConfig({ DEADLINE_ENDPOINT: 'http://127.0.0.1:9' }).mutations.enabled).toBe(false);
    expect(loadConfig({ DEADLINE_BACKEND: 'aws', AWS_REGION: 'us-west-2' }).mutations.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).mutations.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', MUTATIONS: 'on' }).mutations.enabled).toBe(true);
    expect(loadConfig({ MUTATIONS: 'off' }).mutations.enabled).toBe(false);
    expect(loadConfig({ JWT_WRITE_SCOPE: 'farm:admin', MUTATION_MAX_OBJECTS: '20' }).mutations).toMatchObject(
      {
        writeScope: 'farm:admin',
        maxObjects: 20,
      },
    );
    expect(problemsOf({ MUTATIONS: 'yes' })).toEqual([expect.stringContaining('MUTATIONS')]);
    expect(problemsOf({ JWT_WRITE_SCOPE: 'two scopes' })).toEqual([
      expect.stringContaining('JWT_WRITE_SCOPE'),
    ]);
    expect(problemsOf({ MUTATION_MAX_OBJECTS: '0' })).toEqual([
      expect.stringContaining('MUTATION_MAX_OBJECTS'),
    ]);
  });

  it('METRICS: on by default, off in production unless asked for, anything else is refused', () => {
    expect(loadConfig({}).metrics).toBe(true);
    expect(loadConfig({ METRICS: 'off' }).metrics).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).metrics).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', METRICS: 'on' }).metrics).toBe(true);
    expect(problemsOf({ METRICS: 'maybe' })).toEqual([expect.stringContaining('METRICS')]);
  });

  it('METRICS_TOKEN: 16 to 512 printable characters; turns metrics on, in production too; not with METRICS=off', () => {
    const token = 'x'.repeat(16);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', METRICS_TOKEN: token })).toMatchObject({
      metrics: true,
      metricsToken: token,
    });
    expect(loadConfig({ METRICS: 'on', METRICS_TOKEN: token }).metrics).toBe(true);
    for (const bad of ['short', 'has a space 0123456789', 'y'.repeat(513)]) {
      expect(problemsOf({ METRICS_TOKEN: bad }), bad).toEqual([expect.stringContaining('METRICS_TOKEN')]);
    }
    expect(problemsOf({ METRICS: 'off', METRICS_TOKEN: token })).toEqual([
      expect.stringContaining('METRICS_TOKEN is set but METRICS=off'),
    ]);
  });

  it('HTTP_KEEP_ALIVE_TIMEOUT_MS: 2 s to 10 min', () => {
    expect(loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '300000' }).keepAliveTimeoutMs).toBe(300_000);
    for (const bad of ['1000', '700000', 'soon']) {
      expect(problemsOf({ HTTP_KEEP_ALIVE_TIMEOUT_MS: bad })).toEqual([
        expect.stringContaining('HTTP_KEEP_ALIVE_TIMEOUT_MS'),
      ]);
    }
  });

  it('DEADLINE_ENDPOINT selects another implementation; DEADLINE_BACKEND=aws selects AWS', () => {
    expect(loadConfig({ DEADLINE_ENDPOINT: 'http://127.0.0.1:4566/' }).backend).toEqual({
      kind: 'endpoint',
      endpoint: 'http://127.0.0.1:4566',
      region: 'us-west-2',
    });
    expect(loadConfig({ DEADLINE_BACKEND: 'aws', AWS_REGION: 'eu-west-1' }).backend).toEqual({
      kind: 'aws',
      region: 'eu-west-1',
    });
    // No AWS_REGION: the SDK's chain (shared config profile, instance metadata) decides.
    expect(loadConfig({ DEADLINE_BACKEND: 'aws' }).backend).toEqual({ kind: 'aws', region: undefined });
  });

  it('reports every problem at once, naming the variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DEADLINE_ENDPOINT: 'ftp://x',
      CURSOR_SECRET: 'short',
      UPSTREAM_PAGE_SIZE: '101',
      EMULATOR_THROTTLE_RATE: '2',
      AWS_REGION: 'mars',
    });
    expect(problems).toHaveLength(6);
    for (const name of [
      'PORT',
      'DEADLINE_ENDPOINT',
      'CURSOR_SECRET',
      'UPSTREAM_PAGE_SIZE',
      'EMULATOR_THROTTLE_RATE',
      'AWS_REGION',
    ]) {
      expect(
        problems.some((p) => p.includes(name)),
        name,
      ).toBe(true);
    }
  });

  it('refuses contradictory backends', () => {
    expect(problemsOf({ DEADLINE_BACKEND: 'aws', DEADLINE_ENDPOINT: 'http://x' })).toHaveLength(1);
    expect(problemsOf({ DEADLINE_BACKEND: 'azure' })).toHaveLength(1);
  });

  it('RELAY_NODE_FIELD renames or removes the Relay root fields', () => {
    expect(loadConfig({}).nodeFields).toEqual({ node: 'node', nodes: 'nodes' });
    expect(loadConfig({ RELAY_NODE_FIELD: 'deadlineNode' }).nodeFields).toEqual({
      node: 'deadlineNode',
      nodes: 'deadlineNodes',
    });
    expect(loadConfig({ RELAY_NODE_FIELD: 'off' }).nodeFields).toBeNull();
    for (const bad of ['1node', 'no-de', '__node']) {
      expect(problemsOf({ RELAY_NODE_FIELD: bad })[0]).toContain('RELAY_NODE_FIELD');
    }
  });

  it('ROUTER_SECRET needs 16+ characters and a valid header name', () => {
    expect(loadConfig({}).routerSecret).toBeUndefined();
    expect(loadConfig({ ROUTER_SECRET: 's'.repeat(16) }).routerSecret).toEqual({
      secret: 's'.repeat(16),
      header: 'router-authorization',
    });
    expect(problemsOf({ ROUTER_SECRET: 'short' })[0]).toContain('ROUTER_SECRET');
    expect(problemsOf({ ROUTER_SECRET: 's'.repeat(16), ROUTER_SECRET_HEADER: 'bad header' })[0]).toContain(
      'ROUTER_SECRET_HEADER',
    );
  });

  it('LANDING_PAGE: graphiql by default, off in production, validated', () => {
    expect(loadConfig({}).landingPage).toBe('graphiql');
    expect(loadConfig({ NODE_ENV: 'production' }).landingPage).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production', LANDING_PAGE: 'graphiql' }).landingPage).toBe('graphiql');
    expect(loadConfig({ LANDING_PAGE: 'sandbox' }).landingPage).toBe('sandbox');
    expect(problemsOf({ LANDING_PAGE: 'playground' })[0]).toContain('LANDING_PAGE');
  });
  it('page cache: on by default with per-resource TTLs, REDIS_URL and switches validated', () => {
    const { cache } = loadConfig({});
    expect(cache).toEqual({
      enabled: true,
      ttlMs: { farm: 60_000, queue: 60_000, fleet: 60_000, job: 5000, session: 2000, worker: 5000 },
      maxBytes: 64 * 2 ** 20,
      coalesce: true,
      redisUrl: undefined,
      scope: undefined,
    });
    const tuned = loadConfig({
      UPSTREAM_CACHE: 'off',
      UPSTREAM_COALESCE: 'off',
      CACHE_TTL_SESSION_MS: '0',
      CACHE_TTL_FARM_MS: '300000',
      CACHE_MAX_BYTES: '1048576',
      REDIS_URL: 'redis://127.0.0.1:6379/2',
      CACHE_SCOPE: 'prod-role',
    }).cache;
    expect(tuned).toMatchObject({ enabled: false, coalesce: false, maxBytes: 1_048_576, scope: 'prod-role' });
    expect(tuned.ttlMs).toMatchObject({ session: 0, farm: 300_000, job: 5000 });
    expect(tuned.redisUrl).toBe('redis://127.0.0.1:6379/2');
    expect(problemsOf({ UPSTREAM_CACHE: 'yes' })[0]).toContain('UPSTREAM_CACHE must be "on" or "off"');
    expect(problemsOf({ CACHE_TTL_JOB_MS: '-1' })[0]).toContain('CACHE_TTL_JOB_MS');
    expect(problemsOf({ REDIS_URL: 'http://127.0.0.1:6379' })[0]).toContain('REDIS_URL must be a redis://');
    expect(problemsOf({ CACHE_SCOPE: 'has space' })[0]).toContain('CACHE_SCOPE');
  });
});
