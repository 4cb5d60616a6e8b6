import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IndependentDeadline, startIndependentDeadline } from '../fixtures/independentDeadline.js';
import { codes, type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Property: any string as `after`, on any connection whose parent is known from the arguments, yields either the
 * page after that cursor (exactly when the string is a cursor this gateway issued for this same connection) or a
 * single `INVALID_CURSOR` error with HTTP 400 and zero upstream calls. Never another code, never a 5xx.
 *
 * Why INVALID_CURSOR only (and never BAD_USER_INPUT): `after` is a `String`, so any string passes GraphQL
 * coercion, and src/validation/preflight.ts hands every `after` to `CursorCodec.verify` (src/pagination/cursor.ts),
 * which returns undefined for anything it did not sign for that field; the preflight turns that into
 * `invalidCursor()` before execution. BAD_USER_INPUT is reserved for `first` and IDs, which are valid here.
 *
 * Strings: ASCII, full unicode (graphemes, any code point, lone surrogates), base64/base64url-looking shapes,
 * forged payloads (right shape, wrong or borrowed MAC), real cursors with one character changed, truncated or
 * extended, and real cursors of other jobs, other fields and other parents. Passed as a variable, and (when the
 * string is well-formed UTF-16) also inlined as a GraphQL string literal.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run test/property/cursor.
 */
const SEED = Number(process.env.FC_SEED ?? 424_242);
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 400);

let upstream: IndependentDeadline;
let stack: TestStack;
let jobA: string;
let jobB: string;
let jobAIdGlobal: string;
/** Cursors the gateway issued, by connection (`field:parent`). Grows with every page the property fetches. */
const issued = new Map<string, Set<string>>();
const allIssued = (): string[] => [...issued.values()].flatMap((set) => [...set]);

interface Target {
  /** Connection key, as in `issued`. */
  connection: string;
  query: (after: string) => string;
  variables: () => Record<string, unknown>;
  /** The connection object in the response data. */
  pick: (data: Record<string, unknown>) => Connection | undefined;
}

interface Connection {
  edges: Array<{ cursor: string; node: Record<string, string> }>;
  pageInfo: { hasNextPage: boolean };
}

const PAGE = 'edges { cursor node { __typename ...Ids } } pageInfo { hasNextPage }';
const IDS = /* GraphQL */ `
  fragment Ids on Node {
    id
    ... on Farm { farmId }
    ... on Queue { queueId }
    ... on Job { jobId }
    ... on Session { sessionId }
    ... on Fleet { fleetId }
    ... on Worker { workerId }
  }
`;
const get = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v as Record<string, unknown> | null | undefined)?.[key], value);

function targets(): Target[] {
  const f = upstream.farmId;
  const q = upstream.queueId;
  const fl = upstream.fleetId;
  const target = (
    connection: string,
    path: string[],
    ids: Record<string, string>,
    body: (after: string) => string,
  ): Target => ({
    connection,
    query: (after) => {
      const defs = [...Object.keys(ids).map((name) => `$${name}: ID!`), '$first: Int'];
      if (after === '$after') defs.push('$after: String');
      return `query P(${defs.join(', ')}) { ${body(after)} }\n${IDS}`;
    },
    variables: () => ({ ...ids }),
    pick: (data) => get(data, ...path) as Connection | undefined,
  });
  const sessionsOf = (jobId: string) =>
    target(
      `Job.sessions:${jobId}`,
      ['job', 'sessions'],
      { f, q, j: jobId },
      (after) =>
        `job(farmId: $f, queueId: $q, jobId: $j) { sessions(first: $first, after: ${after}) { ${PAGE} } }`,
    );
  return [
    sessionsOf(jobA),
    target(
      `Job.sessions:${jobA}`,
      ['node', 'sessions'],
      { id: jobAIdGlobal },
      (after) => `node(id: $id) { ... on Job { sessions(first: $first, after: ${after}) { ${PAGE} } } }`,
    ),
    target(
      `Queue.jobs:${q}`,
      ['queue', 'jobs'],
      { f, q },
      (after) => `queue(farmId: $f, queueId: $q) { jobs(first: $first, after: ${after}) { ${PAGE} } }`,
    ),
    target('Query.farms', ['farms'], {}, (after) => `farms(first: $first, after: ${after}) { ${PAGE} }`),
    target(
      `Farm.queues:${f}`,
      ['farm', 'queues'],
      { f },
      (after) => `farm(farmId: $f) { queues(first: $first, after: ${after}) { ${PAGE} } }`,
    ),
    target(
      `Farm.fleets:${f}`,
      ['farm', 'fleets'],
      { f },
      (after) => `farm(farmId: $f) { fleets(first: $first, after: ${after}) { ${PAGE} } }`,
    ),
    target(
      `Fleet.workers:${fl}`,
      ['fleet', 'workers'],
      { f, fl },
      (after) => `fleet(farmId: $f, fleetId: $fl) { workers(first: $first, after: ${after}) { ${PAGE} } }`,
    ),
    // The same field under another parent: its cursors are foreign to every target above.
    sessionsOf(jobB),
  ];
}

function remember(connection: string, page: Connection | undefined): void {
  const set = issued.get(connection) ?? new Set<string>();
  for (const edge of page?.edges ?? []) set.add(edge.cursor);
  issued.set(connection, set);
}

/** Fetches every page of a connection with `first` items each, remembering every edge cursor. */
async function harvest(target: Target, first: number): Promise<void> {
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const response: GraphQLResponse<Record<string, unknown>> = await stack.query(target.query('$after'), {
      ...target.variables(),
      first,
      after,
    });
    expect(response.errors).toBeUndefined();
    const page = target.pick(response.data ?? {});
    remember(target.connection, page);
    if (!page?.pageInfo.hasNextPage) return;
    after = page.edges.at(-1)?.cursor ?? null;
  }
}

beforeAll(async () => {
  upstream = await startIndependentDeadline({ sessionCounts: [150, 40, 3], workerCount: 4 });
  stack = await startTestStack({ endpoint: upstream.endpoint });
  jobA = upstream.jobs[0]?.jobId as string;
  jobB = upstream.jobs[1]?.jobId as string;
  const idA = await stack.query<{ job: { id: string } }>(
    'query($f: ID!, $q: ID!, $j: ID!) { job(farmId: $f, queueId: $q, jobId: $j) { id } }',
    { f: upstream.farmId, q: upstream.queueId, j: jobA },
  );
  jobAIdGlobal = idA.data?.job.id as string;
  for (const target of targets()) {
    await harvest(
      target,
      target.connection === `Job.sessions:${jobB}` ? 7 : target.connection.startsWith('Job') ? 50 : 1,
    );
  }
  expect(issued.get(`Job.sessions:${jobA}`)?.size).toBeGreaterThanOrEqual(150);
  expect(issued.get(`Job.sessions:${jobB}`)?.size).toBe(40);
});
afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Arbitraries

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const b64urlChars = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...B64URL.split('')), minLength: min, maxLength: max });
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** Lazily reads the issued pool (filled in beforeAll, after the arbitraries are built). */
const realCursor = fc.nat().map((i) => {
  const pool = allIssued();
  return pool[i % pool.length] as string;
});

const forgedPayload = fc
  .record({
    v: fc.constantFrom(1, 2, 0, '1'),
    f: fc.constantFrom('Job.sessions', 'Queue.jobs', 'Query.farms', 'Farm.queues', 'Fleet.workers', 'X'),
    o: fc.oneof(b64urlChars(16, 16), fc.string()),
    t: fc.oneof(fc.constant(null), fc.string({ minLength: 1 }), fc.constant('')),
    s: fc.oneof(fc.integer({ min: -1, max: 101 }), fc.double()),
    p: fc.oneof(fc.integer({ min: 0, max: 101 }), fc.constant(100)),
  })
  .chain((payload) =>
    fc
      .oneof(
        b64urlChars(22, 22),
        // A MAC borrowed from a real cursor: valid for that cursor's body, not this one.
        realCursor.map((cursor) => cursor.slice(cursor.indexOf('.') + 1)),
      )
      .map((mac) => `${b64url(JSON.stringify(payload))}.${mac}`),
  );

const oneCharChanged = fc
  .tuple(realCursor, fc.nat(), fc.constantFrom(...`${B64URL}.=+/ A`.split('')))
  .map(([cursor, at, char]) => {
    const i = at % cursor.length;
    return cursor.slice(0, i) + char + cursor.slice(i + 1);
  });

const reshaped = fc
  .tuple(realCursor, fc.nat(), fc.string({ maxLength: 3 }))
  .chain(([cursor, at, extra]) =>
    fc.constantFrom(
      cursor.slice(0, at % (cursor.length + 1)),
      `${cursor}${extra}`,
      `${extra}${cursor}`,
      `${cursor}.${cursor}`,
      cursor.replace('.', ''),
      cursor.replace(/-/g, '+').replace(/_/g, '/'),
      `${cursor}==`,
      ` ${cursor}`,
      cursor.toUpperCase(),
    ),
  );

const anyAfter = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.oneof(loneSurrogate, fc.string({ unit: 'binary', maxLength: 1 })) }),
  fc.base64String(),
  fc.tuple(b64urlChars(0, 120), b64urlChars(0, 30)).map(([a, b]) => `${a}.${b}`),
  forgedPayload,
  oneCharChanged,
  reshaped,
  realCursor,
  realCursor,
  fc.string({ minLength: 5990, maxLength: 6010, unit: fc.constantFrom('A', '.', '_') }),
);

const isWellFormed = (text: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

// ---------------------------------------------------------------------------------------------------------------

describe('any string as `after`', () => {
  it('yields the page after an issued cursor of this connection, or INVALID_CURSOR with zero upstream calls', async () => {
    const all = targets();
    /** A cursor issued for the target's own connection: the case that must be accepted. */
    const ownCursor = (t: number) =>
      fc.nat().map((i) => {
        const pool = [...(issued.get((all[t] as Target).connection) ?? [])];
        return pool[i % pool.length] as string;
      });
    const targetAndAfter = fc
      .nat({ max: all.length - 1 })
      .chain((t) => fc.tuple(fc.constant(t), fc.oneof({ arbitrary: anyAfter, weight: 4 }, ownCursor(t))));
    await fc.assert(
      fc.asyncProperty(
        targetAndAfter,
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        async ([targetIndex, after], first, inline) => {
          const target = all[targetIndex] as Target;
          const asLiteral = inline && isWellFormed(after);
          const before = Object.values(upstream.calls()).reduce((a, b) => a + b, 0);
          const response = await stack.query<Record<string, unknown>>(
            target.query(asLiteral ? JSON.stringify(after) : '$after'),
            { ...target.variables(), first, ...(asLiteral ? {} : { after }) },
          );
          const accepted = issued.get(target.connection)?.has(after) ?? false;
          const context = `${target.connection} (${asLiteral ? 'literal' : 'variable'}): ${JSON.stringify(response.errors)}`;
          expect(response.status, context).toBeLessThan(500);
          if (accepted) {
            expect(response.errors, context).toBeUndefined();
            expect(response.status).toBe(200);
            const page = target.pick(response.data ?? {});
            expect(page, context).toBeDefined();
            expect(page?.edges.length).toBeLessThanOrEqual(first);
            remember(target.connection, page);
            if (target.connection === `Job.sessions:${jobA}`) {
              // The page is the run of upstream items right after the cursor's item.
              const want = upstream.jobs[0]?.sessionIds ?? [];
              const ids = page?.edges.map((edge) => edge.node.sessionId as string) ?? [];
              const start = ids.length > 0 ? want.indexOf(ids[0] as string) : -1;
              if (ids.length > 0) expect(ids).toEqual(want.slice(start, start + ids.length));
            }
          } else {
            expect(codes(response), context).toEqual(['INVALID_CURSOR']);
            expect(response.status, context).toBe(400);
            expect(response.extensions?.upstream?.calls ?? 0, context).toBe(0);
            const afterCalls = Object.values(upstream.calls()).reduce((a, b) => a + b, 0);
            expect(afterCalls - before, `${context}: upstream calls`).toBe(0);
          }
        },
      ),
      {
        seed: SEED,
        numRuns: NUM_RUNS,
        // Bounds the run, shrinking included; a failure found by then is still reported with its seed and path.
        plugins: [fc.interruptAfterTimeLimit(20000)],
      },
    );
  }, 60_000);
});
