import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * The hostile-input table: each row is an input an attacker (or a broken client) may send, with the HTTP status
 * and `extensions.code` it must get. None may reach Deadline, crash the process, or answer 5xx.
 */
let stack: TestStack;
let job: { farmId: string; queueId: string; jobId: string };
beforeAll(async () => {
  stack = await startTestStack();
  job = stack.emulator?.dataset.edgeJobs.get(250) as typeof job;
});
afterAll(() => stack.close());

interface Row {
  name: string;
  body: () => string;
  contentType?: string;
  status: number;
  code: string;
}

const sessionsSelection = (depth: number): string =>
  depth === 0 ? 'sessionId' : `job { sessions(first: 1) { nodes { ${sessionsSelection(depth - 1)} } } }`;

const rows: Row[] = [
  {
    name: 'deep nesting (Session.job.sessions… 15 levels)',
    body: () =>
      JSON.stringify({
        query: `{ job(farmId: "${job.farmId}", queueId: "${job.queueId}", jobId: "${job.jobId}") { sessions(first: 1) { nodes { ${sessionsSelection(14)} } } } }`,
      }),
    status: 400,
    code: 'QUERY_TOO_DEEP',
  },
  {
    name: 'alias bomb (200 aliases of farms)',
    body: () =>
      JSON.stringify({
        query: `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: farms(first: 1) { nodes { farmId } }`).join(' ')} }`,
      }),
    status: 400,
    code: 'TOO_MANY_ALIASES',
  },
  {
    name: 'fragment cycle',
    body: () =>
      JSON.stringify({
        query:
          'query { farms { nodes { ...A } } } fragment A on Farm { queues { nodes { farm { ...B } } } } fragment B on Farm { ...A }',
      }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'huge first',
    body: () => JSON.stringify({ query: '{ farms(first: 1000000) { nodes { farmId } } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'first: 100 nested three levels (1,010,100 items)',
    body: () =>
      JSON.stringify({
        query:
          '{ farms(first: 100) { nodes { queues(first: 100) { nodes { jobs(first: 100) { nodes { jobId } } } } } } }',
      }),
    status: 400,
    code: 'QUERY_TOO_COSTLY',
  },
  {
    name: 'huge string argument (a 500 kB farmId)',
    body: () =>
      JSON.stringify({
        query: 'query($f: ID!) { farm(farmId: $f) { farmId } }',
        variables: { f: 'x'.repeat(500_000) },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'invalid native ID',
    body: () => JSON.stringify({ query: '{ farm(farmId: "farm-../../etc/passwd") { farmId } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'invalid global ID',
    body: () => JSON.stringify({ query: '{ node(id: "RmFybTo=") { id } }' }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'unicode in IDs and cursors',
    body: () =>
      JSON.stringify({
        query: 'query($f: ID!, $a: String) { farm(farmId: $f) { queues(after: $a) { nodes { queueId } } } }',
        variables: { f: 'farm-𝔣𝔞𝔯𝔪😀\u0000\u202e', a: '😀\u0000' },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'cursor full of unicode',
    body: () =>
      JSON.stringify({
        query: 'query($a: String) { farms(after: $a) { nodes { farmId } } }',
        variables: { a: '\u202e😀'.repeat(100) },
      }),
    status: 400,
    code: 'INVALID_CURSOR',
  },
  {
    name: 'batched array of operations',
    body: () =>
      JSON.stringify([
        { query: '{ farms { nodes { farmId } } }' },
        { query: '{ farms { nodes { farmId } } }' },
      ]),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'wrong content type (text/plain, a CSRF vector)',
    body: () => JSON.stringify({ query: '{ farms { nodes { farmId } } }' }),
    contentType: 'text/plain',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'not JSON',
    body: () => '{"query": "{ farms',
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'too many tokens',
    body: () => JSON.stringify({ query: `{ farms { nodes { ${'farmId '.repeat(6000)} } } }` }),
    status: 400,
    code: 'TOO_MANY_TOKENS',
  },
  {
    name: 'directive flood',
    body: () =>
      JSON.stringify({ query: `{ farms { nodes { ${'farmId @include(if: true) '.repeat(80)} } } }` }),
    status: 400,
    code: 'TOO_MANY_DIRECTIVES',
  },
  {
    name: 'introspection cycle bomb',
    body: () =>
      JSON.stringify({
        query:
          '{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }',
      }),
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  {
    name: 'persisted-query hash that does not match the query',
    body: () =>
      JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } },
      }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'unsupported persisted-query version',
    body: () =>
      JSON.stringify({
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 2, sha256Hash: 'abc' } },
      }),
    status: 400,
    code: 'BAD_REQUEST',
  },
  {
    name: 'more than 100 ids',
    body: () =>
      JSON.stringify({
        query: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
        variables: { ids: Array(101).fill('RmFybTo=') },
      }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
];

describe('hostile inputs', () => {
  for (const row of rows) {
    it(`${row.name} → ${row.status} ${row.code}, no Deadline call`, async () => {
      const before = stack.emulator?.totalCalls();
      const response = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': row.contentType ?? 'application/json' },
        body: row.body(),
      });
      const text = await response.text();
      expect(response.status, text.slice(0, 300)).toBe(row.status);
      const body = JSON.parse(text) as {
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
      expect(body.errors?.[0]?.extensions?.code, text.slice(0, 300)).toBe(row.code);
      expect(body.errors?.[0]?.message.length).toBeGreaterThan(10);
      expect(text).not.toMatch(/\n\s+at |node_modules/);
      expect(stack.emulator?.totalCalls()).toBe(before);
    });
  }

  it('the gateway still serves normally afterwards', async () => {
    const response = await stack.query<{ farms: { nodes: unknown[] } }>('{ farms { nodes { farmId } } }');
    expect(response.errors).toBeUndefined();
    expect(response.data?.farms.nodes.length).toBeGreaterThan(0);
  });
});
