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
});
