import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/emulator/index.js';
import { subgraphSdl } from '../../src/schema.js';
import { compose, type Supergraph, startSupergraph } from '../helpers/supergraph.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * The @cacheControl declaration (schema/cacheControl.graphql) in a Federation 2 supergraph: it composes, the
 * subgraph's `_service { sdl }` carries the hints, composition keeps the directive out of the supergraph, and
 * @apollo/gateway still answers through it.
 */
let stack: TestStack;
let supergraph: Supergraph;
let farmId: string;

beforeAll(async () => {
  stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 10 } } });
  const dataset = stack.emulator?.dataset as Dataset;
  farmId = dataset.farms[0]?.farmId as string;
  supergraph = await startSupergraph([
    { name: 'deadline', url: `${stack.url}/graphql`, typeDefs: parse(subgraphSdl()) },
  ]);
});
afterAll(async () => {
  await supergraph?.close();
  await stack?.close();
});

describe('@cacheControl in a Federation 2 supergraph', () => {
  it('_service { sdl } declares the directive and carries the hints', async () => {
    const response = await stack.query<{ _service: { sdl: string } }>('{ _service { sdl } }');
    const sdl = response.data?._service.sdl ?? '';
    expect(sdl).toMatch(/^directive @cacheControl\(/m);
    expect(sdl).toMatch(/^enum CacheControlScope\b/m);
    expect(sdl).toMatch(/^type Session implements Node[^{]*@cacheControl\(maxAge: 2\)/m);
    expect(sdl).toMatch(/^type Farm implements Node[^{]*@cacheControl\(maxAge: 60\)/m);
    expect(sdl).toMatch(/^type PageInfo[^{]*@cacheControl\(inheritMaxAge: true\)/m);
  });

  it('composes; the supergraph has no @cacheControl, only the unused CacheControlScope enum', () => {
    const { supergraphSdl, apiSchemaSdl } = compose([
      { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl()) },
    ]);
    expect(supergraphSdl).not.toContain('@cacheControl');
    expect(apiSchemaSdl).not.toContain('cacheControl');
    expect(apiSchemaSdl).toMatch(/^enum CacheControlScope \{/m);
  });

  it('answers through @apollo/gateway; the subgraph answers the gateway (POST) no-store, so does the gateway', async () => {
    const response = await fetch(supergraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($farmId: ID!) { farm(farmId: $farmId) { farmId displayName } }',
        variables: { farmId },
      }),
    });
    const body = (await response.json()) as { data?: { farm: { farmId: string } }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.farm.farmId).toBe(farmId);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
