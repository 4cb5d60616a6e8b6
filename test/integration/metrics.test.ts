import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryPageCache } from '../../src/cache/memoryStore.js';
import type { JobRef } from '../../src/emulator/index.js';
import { metricValue as sample, scrapeMetrics as scrape } from '../helpers/metrics.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * `GET /metrics` (src/observability/metrics.ts): Prometheus text with what the gateway did, counted from the same
 * figures as the operation log, through the real stack (HTTP → Apollo → resolvers → SDK → emulator).
 */
let stack: TestStack;
const cache = createMemoryPageCache({ maxBytes: 16 * 2 ** 20 });

beforeAll(async () => {
  stack = await startTestStack({ sharing: { cache, coalesce: true } });
});
afterAll(() => stack.close());

const SESSIONS = `query S($farmId: ID!, $queueId: ID!, $jobId: ID!) {
  job(farmId: $farmId, queueId: $queueId, jobId: $jobId) { name sessions(first: 10) { nodes { sessionId } } }
}`;

describe('GET /metrics', () => {
  it('counts operations, their Deadline calls by operation, page cache hits and errors by code', async () => {
    const job = stack.emulator?.dataset.edgeJobs.get(250) as JobRef;
    const before = (await scrape(stack.url)).text;

    const first = await stack.query(SESSIONS, { ...job });
    expect(first.errors).toBeUndefined();
    const second = await stack.query(SESSIONS, { ...job });
    expect(second.extensions?.upstream?.calls).toBe(0);
    const missing = await stack.query(SESSIONS, { ...job, jobId: `job-${'0'.repeat(32)}` });
    expect(missing.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);

    const after = await scrape(stack.url);
    expect(after.status).toBe(200);
    expect(after.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const delta = (name: string, labels?: Record<string, string>) =>
      sample(after.text, name, labels) - sample(before, name, labels);
    expect(delta('deadline_graphql_operations_total', { type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('deadline_graphql_operations_total', { type: 'query', outcome: 'partial' })).toBe(1);
    expect(delta('deadline_graphql_errors_total', { code: 'NOT_FOUND' })).toBe(1);
    expect(delta('deadline_graphql_operation_duration_seconds_count', { type: 'query' })).toBe(3);
    // The first answer made the calls, the second was served by the page cache, the missing job made its own.
    const calls = [first, missing].map((r) => r.extensions?.upstream?.byOperation ?? {});
    for (const operation of ['ListSessions', 'BatchGetJob']) {
      const expected = calls.reduce((sum, byOperation) => sum + (byOperation[operation] ?? 0), 0);
      expect(expected).toBeGreaterThan(0);
      expect(delta('deadline_graphql_upstream_calls_total', { operation })).toBe(expected);
    }
    expect(delta('deadline_graphql_upstream_cache_hits_total')).toBe(second.extensions?.upstream?.cacheHits);
    expect(delta('deadline_graphql_page_cache_hits_total')).toBeGreaterThanOrEqual(2);
    expect(sample(after.text, 'deadline_graphql_page_cache_bytes')).toBeGreaterThan(0);
    expect(sample(after.text, 'deadline_graphql_upstream_in_flight')).toBe(0);
    // Node's process metrics, under the same prefix.
    expect(after.text).toMatch(/^deadline_graphql_process_cpu_user_seconds_total \d/m);
    expect(after.text).toMatch(/^deadline_graphql_nodejs_eventloop_lag_seconds \d/m);
    // Never the client's operation names or variables.
    expect(after.text).not.toContain(job.jobId);
    expect(after.text).not.toMatch(/"S"|operationName/);
  });

  it('counts requests refused before GraphQL, by status and code', async () => {
    const guarded = await startTestStack({ gateway: { routerSecret: 'a-router-secret-of-24-chars' } });
    try {
      const refused = await fetch(`${guarded.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(refused.status).toBe(401);
      const { text } = await scrape(guarded.url);
      expect(
        sample(text, 'deadline_graphql_refused_requests_total', { status: '401', code: 'UNAUTHENTICATED' }),
      ).toBe(1);
      expect(sample(text, 'deadline_graphql_operations_total', { type: 'query', outcome: 'ok' })).toBe(0);
    } finally {
      await guarded.close();
    }
  });

  it('counts every /graphql answer by HTTP status, those refused before GraphQL too', async () => {
    const before = (await scrape(stack.url)).text;
    const badBody = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{bad',
    });
    expect(badBody.status).toBe(400);
    // A simple GET without a preflight header: refused by CSRF prevention.
    const csrf = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(csrf.status).toBe(400);
    const ok = await stack.query('{ __typename }');
    expect(ok.status).toBe(200);
    const after = (await scrape(stack.url)).text;
    const delta = (status: string) =>
      sample(after, 'deadline_graphql_http_responses_total', { status }) -
      sample(before, 'deadline_graphql_http_responses_total', { status });
    expect(delta('400')).toBe(2);
    expect(delta('200')).toBe(1);
  });

  it('counts the persisted-query handshake as a miss, not an error', async () => {
    const before = (await scrape(stack.url)).text;
    const extensions = { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } };
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ extensions }),
    });
    const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const after = (await scrape(stack.url)).text;
    const delta = (outcome: string) =>
      sample(after, 'deadline_graphql_operations_total', { type: 'unknown', outcome }) -
      sample(before, 'deadline_graphql_operations_total', { type: 'unknown', outcome });
    expect(delta('persisted_query_miss')).toBe(1);
    expect(delta('error')).toBe(0);
  });

  it('answers a failure to collect with a 500 of its own', async () => {
    const broken = {
      ...cache,
      stats: () => {
        throw new Error('stats unavailable');
      },
    };
    const failing = await startTestStack({ sharing: { cache: broken } });
    try {
      const { status, type, text } = await scrape(failing.url);
      expect(status).toBe(500);
      expect(type).toMatch(/^text\/plain/);
      // The cause goes to the log, not to whoever scrapes.
      expect(text).not.toContain('stats unavailable');
      expect(text).toContain('metrics could not be collected');
    } finally {
      await failing.close();
    }
  });

  it('with a token (METRICS_TOKEN): only a scrape that carries it as a bearer token is answered', async () => {
    const token = 'scrape-token-0123456789abcdef';
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const guarded = await startTestStack({
      gateway: { production: true, metrics: true, metricsToken: token, logger },
    });
    try {
      const scrapeWith = (authorization?: string) =>
        fetch(`${guarded.url}/metrics`, authorization === undefined ? {} : { headers: { authorization } });
      for (const authorization of [
        undefined,
        `Bearer ${token}x`,
        `Bearer ${token.slice(0, -1)}`,
        `Basic ${token}`,
        token,
      ]) {
        const refused = await scrapeWith(authorization);
        expect(refused.status, String(authorization)).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
        const body = await refused.text();
        expect(body).toMatch(authorization === undefined ? /Authorization: Bearer <token>/ : /METRICS_TOKEN/);
        expect(body).not.toContain('deadline_graphql_');
      }
      for (const authorization of [`Bearer ${token}`, `bearer ${token}`]) {
        const answered = await scrapeWith(authorization);
        expect(answered.status).toBe(200);
        expect(await answered.text()).toMatch(/^# TYPE deadline_graphql_operations_total counter$/m);
      }
      // /graphql does not ask for the metrics token.
      expect((await guarded.query('{ __typename }')).data).toEqual({ __typename: 'Query' });
      const refusals = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((record) => record.msg === 'metrics scrape refused');
      expect(refusals).toHaveLength(5);
      expect(refusals.every((record) => record.status === 401 && record.path === '/metrics')).toBe(true);
      expect(lines.join('\n')).not.toContain(token.slice(0, 16));
    } finally {
      await guarded.close();
    }
  });

  it('is absent with metrics off (METRICS=off), and by default in production', async () => {
    for (const gateway of [{ metrics: false }, { production: true }]) {
      const quiet = await startTestStack({ gateway });
      try {
        expect((await scrape(quiet.url)).status).toBe(404);
      } finally {
        await quiet.close();
      }
    }
    const asked = await startTestStack({ gateway: { production: true, metrics: true } });
    try {
      expect((await scrape(asked.url)).status).toBe(200);
    } finally {
      await asked.close();
    }
  });
});
