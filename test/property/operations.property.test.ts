import fc from 'fast-check';
import {
  type GraphQLCompositeType,
  type GraphQLField,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGatewaySchema } from '../../src/schema.js';
import {
  type IndependentDeadline,
  SERVED_OPERATIONS,
  startIndependentDeadline,
} from '../fixtures/independentDeadline.js';
import { namesInFirstColumn } from '../helpers/docsTables.js';
import { type GraphQLResponse, startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * Property: random operations from a small grammar never make the gateway fail. Root fields farms, farm, queue,
 * job, session, fleet, worker, node and nodes, with real, well-formed-but-unknown or malformed IDs; random nested
 * selections of the schema's real fields (walked from the gateway's own schema), connections with random `first`
 * and `after` (none, garbage, real cursors of any connection), aliases, inline fragments, named fragments,
 * @include/@skip, and now and then a field that does not exist or a truncated document.
 *
 * Every response is a well-formed GraphQL response with an HTTP status below 500; no error is
 * INTERNAL_SERVER_ERROR; every error carries an `extensions.code` from docs/errors.md's table or one of
 * GraphQL's own (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT). The upstream (the independent
 * Deadline implementation) is healthy, so the only upstream failure it can report is NOT_FOUND: any other error
 * that names an `upstreamOperation` means the gateway sent Deadline a request it should have refused itself.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run test/property/operations.
 */
const SEED = Number(process.env.FC_SEED ?? 7_654_321);
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 150);

const GRAPHQL_CODES = ['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT'];
const ALLOWED = new Set([...namesInFirstColumn('errors.md'), ...GRAPHQL_CODES]);
ALLOWED.delete('INTERNAL_SERVER_ERROR');

const SERVED = SERVED_OPERATIONS();
const ROOT_FIELDS = ['farms', 'farm', 'queue', 'job', 'session', 'fleet', 'worker', 'node', 'nodes'];
const schema = buildGatewaySchema();

let upstream: IndependentDeadline;
let stack: TestStack;
/** Real values harvested from the fixture through the gateway: native IDs by argument name, global IDs, cursors. */
const pools = {
  ids: new Map<string, string[]>(),
  globalIds: [] as string[],
  cursors: [] as string[],
};

beforeAll(async () => {
  upstream = await startIndependentDeadline({ sessionCounts: [0, 2, 70, 5], workerCount: 3 });
  stack = await startTestStack({ endpoint: upstream.endpoint });
  const sessions = upstream.jobs.flatMap((job) => job.sessionIds.slice(0, 3));
  pools.ids.set('farmId', [upstream.farmId]);
  pools.ids.set('queueId', [upstream.queueId]);
  pools.ids.set('fleetId', [upstream.fleetId]);
  pools.ids.set(
    'jobId',
    upstream.jobs.map((job) => job.jobId),
  );
  pools.ids.set('sessionId', sessions);
  pools.ids.set('workerId', upstream.workerIds);
  const harvest = await stack.query<Record<string, unknown>>(
    /* GraphQL */ `
      query Harvest($f: ID!, $q: ID!, $fl: ID!) {
        farms(first: 1) { edges { cursor node { id } } }
        farm(farmId: $f) { queues(first: 1) { edges { cursor } } fleets(first: 1) { edges { cursor } } }
        queue(farmId: $f, queueId: $q) {
          id
          jobs(first: 10) { edges { cursor node { id sessions(first: 3) { edges { cursor node { id } } } } } }
        }
        fleet(farmId: $f, fleetId: $fl) { id workers(first: 2) { edges { cursor node { id } } } }
      }
    `,
    { f: upstream.farmId, q: upstream.queueId, fl: upstream.fleetId },
  );
  expect(harvest.errors).toBeUndefined();
  // Every `cursor` and every `id` anywhere in the response.
  JSON.stringify(harvest.data, (key, value) => {
    if (key === 'cursor') pools.cursors.push(value as string);
    if (key === 'id') pools.globalIds.push(value as string);
    return value;
  });
  expect(pools.cursors.length).toBeGreaterThan(5);
  expect(pools.globalIds.length).toBeGreaterThan(5);
});
afterAll(async () => {
  await stack?.close();
  await upstream?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// The grammar, driven by fc.gen() over the gateway's schema

type Gen = fc.GeneratorValue;

const hex32 = fc.stringMatching(/^[0-9a-f]{32}$/);
const pick = <T>(g: Gen, items: readonly T[]): T => items[g(fc.nat, { max: items.length - 1 })] as T;
const chance = (g: Gen, percent: number): boolean => g(fc.integer, { min: 1, max: 100 }) <= percent;

function nativeId(g: Gen, doc: Doc, name: string): string {
  const prefix = name.replace(/Id$/, '');
  const roll = g(fc.nat, { max: 9 });
  switch (doc.hostile || roll < 2 ? roll : 9) {
    case 0:
    case 1:
      return `${prefix}-${g(() => hex32)}`; // well-formed, unknown: NOT_FOUND
    case 2:
      return pick(g, [
        '',
        `${prefix}-123`,
        `${prefix}-${'A'.repeat(32)}`,
        'farm-🙂',
        `${prefix}-${'0'.repeat(33)}`,
      ]);
    case 3:
      return g(fc.string, { maxLength: 40 });
    default:
      return pick(g, pools.ids.get(name) ?? [`${prefix}-${'0'.repeat(32)}`]);
  }
}

function globalId(g: Gen, doc: Doc): string {
  if (!doc.hostile)
    return chance(g, 90)
      ? pick(g, pools.globalIds)
      : Buffer.from(`Farm:farm-${g(() => hex32)}`).toString('base64');
  switch (g(fc.nat, { max: 7 })) {
    case 0:
      return Buffer.from(
        `${pick(g, ['Job', 'Farm', 'Pet', 'Session'])}:${g(fc.string, { maxLength: 30 })}`,
      ).toString('base64');
    case 1:
      return Buffer.from(`Farm:farm-${g(() => hex32)}`).toString('base64'); // well-formed, unknown
    case 2:
      return g(fc.string, { maxLength: 30 });
    default:
      return pick(g, pools.globalIds);
  }
}

function argumentValue(g: Gen, doc: Doc, name: string): string | undefined {
  if (/^(farm|queue|job|session|fleet|worker)Id$/.test(name)) return JSON.stringify(nativeId(g, doc, name));
  switch (name) {
    case 'first':
      if (chance(g, 15)) return undefined; // the default, 25
      return String(
        !doc.hostile || chance(g, 85)
          ? g(fc.integer, { min: 0, max: 100 })
          : pick(g, [-1, 101, 1000, -2147483648, 2147483647]),
      );
    case 'after': {
      const kind = g(fc.nat, { max: 9 });
      if (kind < 5 || !doc.hostile) return undefined;
      if (kind < 8) return JSON.stringify(pick(g, pools.cursors));
      return JSON.stringify(g(fc.string, { maxLength: 30 }));
    }
    case 'id':
      return JSON.stringify(globalId(g, doc));
    case 'ids': {
      const count = doc.hostile && chance(g, 5) ? 101 : g(fc.nat, { max: 4 });
      return `[${Array.from({ length: count }, () => JSON.stringify(globalId(g, doc))).join(', ')}]`;
    }
    default:
      return undefined;
  }
}

interface Doc {
  fragments: string[];
  nextFragment: number;
  nextAlias: number;
  /** Names of fields with arguments already selected without an alias. */
  argFields: Set<string>;
  /** Whether this document may contain deliberate mistakes (unknown fields, missing arguments, truncation). */
  sloppy: boolean;
  /** Whether arguments may be malformed (IDs, `first` out of range, foreign or garbage cursors, 101 ids). */
  hostile: boolean;
}

function fieldText(g: Gen, doc: Doc, field: GraphQLField<unknown, unknown>, depth: number): string {
  const args: string[] = [];
  for (const arg of field.args) {
    const required = arg.type.toString().endsWith('!');
    if (required && doc.sloppy && chance(g, 10)) continue; // a missing required argument: GRAPHQL_VALIDATION_FAILED
    const value = argumentValue(g, doc, arg.name);
    if (value !== undefined) args.push(`${arg.name}: ${value}`);
    else if (required) args.push(`${arg.name}: ${JSON.stringify(nativeId(g, doc, arg.name))}`);
  }
  // Aliases are unique in the document. Fields with arguments keep their own name only the first time the
  // document uses it: two selections of one response key with different arguments would not validate (and
  // fragments merge into their parent's selection set).
  let alias = chance(g, 5) ? `a${doc.nextAlias++}: ` : '';
  if (alias === '' && args.length > 0) {
    if (doc.argFields.has(field.name)) alias = `a${doc.nextAlias++}: `;
    else doc.argFields.add(field.name);
  }
  const directive = chance(g, 8)
    ? ` @${pick(g, ['include', 'skip'])}(if: ${pick(g, ['true', 'false'])})`
    : '';
  const head = `${alias}${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}${directive}`;
  const type = getNamedType(field.type);
  if (isLeafType(type)) return head;
  return `${head} { ${selection(g, doc, type as GraphQLCompositeType, depth + 1)} }`;
}

function selection(g: Gen, doc: Doc, type: GraphQLCompositeType, depth: number): string {
  const parts: string[] = [];
  if (isInterfaceType(type) || isUnionType(type)) {
    parts.push(chance(g, 50) ? 'id' : '__typename');
    const possible = schema.getPossibleTypes(type).filter((t) => !t.name.startsWith('_'));
    const count = depth < 6 ? g(fc.integer, { min: 0, max: 2 }) : 0;
    for (let i = 0; i < count; i++) {
      const concrete = pick(g, possible);
      parts.push(fragmentOn(g, doc, concrete, depth));
    }
    return parts.join(' ');
  }
  if (!isObjectType(type)) return '__typename';
  const fields = Object.values(type.getFields()).filter((f) => !f.name.startsWith('_'));
  const leaves = fields.filter((f) => isLeafType(getNamedType(f.type)));
  // Past depth 3 only leaves, so documents stay small (under the gateway's alias, depth and token limits).
  const candidates = depth >= 3 ? leaves : fields;
  if (candidates.length === 0) return '__typename';
  const count = g(fc.integer, { min: 1, max: 3 });
  for (let i = 0; i < count; i++) {
    if (doc.sloppy && chance(g, 10)) {
      parts.push(pick(g, ['nope', 'sessionz', 'farmId(x: 1)', 'pageInfo { nope }']));
      continue;
    }
    if (depth < 6 && chance(g, 10)) {
      parts.push(fragmentOn(g, doc, type, depth));
      continue;
    }
    parts.push(fieldText(g, doc, pick(g, candidates), depth));
  }
  return parts.join(' ');
}

/** An inline fragment or a named fragment spread on `type`, holding a random selection of it. */
function fragmentOn(g: Gen, doc: Doc, type: GraphQLCompositeType, depth: number): string {
  const body = selection(g, doc, type, depth + 1);
  if (chance(g, 50)) return `... on ${type.name} { ${body} }`;
  const name = `F${doc.nextFragment++}`;
  doc.fragments.push(`fragment ${name} on ${type.name} { ${body} }`);
  return `...${name}`;
}

function operation(g: Gen): string {
  const query = schema.getQueryType();
  if (!query) throw new Error('no Query type');
  const doc: Doc = {
    fragments: [],
    nextFragment: 0,
    nextAlias: 0,
    argFields: new Set(),
    sloppy: chance(g, 15),
    hostile: chance(g, 35),
  };
  const roots = g(fc.integer, { min: 1, max: 3 });
  const parts: string[] = [];
  for (let i = 0; i < roots; i++) {
    const field = query.getFields()[pick(g, ROOT_FIELDS)];
    if (!field) throw new Error('root field missing from the schema');
    parts.push(fieldText(g, doc, field, 0));
  }
  const name = chance(g, 50) ? ' Random' : '';
  let text = `query${name} { ${parts.join(' ')} }\n${doc.fragments.join('\n')}`;
  if (doc.sloppy && chance(g, 20)) text = text.slice(0, g(fc.nat, { max: text.length }));
  return text;
}

describe('random operations', () => {
  it('never produce INTERNAL_SERVER_ERROR nor HTTP 5xx; every error has a documented code', async () => {
    expect(ALLOWED.has('NOT_FOUND') && ALLOWED.has('INVALID_CURSOR')).toBe(true);
    for (const root of ROOT_FIELDS) expect(schema.getQueryType()?.getFields()[root], root).toBeDefined();
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const text = operation(g);
        const response: GraphQLResponse<Record<string, unknown>> = await stack.query(text);
        const context = `${text}\n→ HTTP ${response.status} ${JSON.stringify(response.errors)}`;
        expect(response.status, context).toBeLessThan(500);
        expect(response.data !== undefined || response.errors !== undefined, context).toBe(true);
        for (const error of response.errors ?? []) {
          const code = error.extensions?.code;
          expect(code, context).toBeDefined();
          expect(code, context).not.toBe('INTERNAL_SERVER_ERROR');
          expect(ALLOWED.has(code as string), `${code} is not documented: ${context}`).toBe(true);
          const upstreamOperation = error.extensions?.upstreamOperation as string | undefined;
          // The independent implementation serves no Search* or usage-statistics operation: those fields may only
          // fail as not served (and must, rather than crash); the ones it serves may only be NOT_FOUND.
          if (upstreamOperation !== undefined && !SERVED.has(upstreamOperation)) {
            expect(error.extensions?.reason, `an operation it does not serve: ${context}`).toBe(
              'OPERATION_NOT_SERVED',
            );
          } else if (upstreamOperation !== undefined) {
            expect(code, `healthy upstream, so only NOT_FOUND may come from it: ${context}`).toBe(
              'NOT_FOUND',
            );
          }
          seen.set(code as string, (seen.get(code as string) ?? 0) + 1);
        }
        if (!response.errors) seen.set('(none)', (seen.get('(none)') ?? 0) + 1);
      }),
      {
        seed: SEED,
        numRuns: NUM_RUNS,
        // Bounds the run, shrinking included; a failure found by then is still reported with its seed and path.
        plugins: [fc.interruptAfterTimeLimit(20000)],
      },
    );
    // The grammar reaches both outcomes: clean data and each kind of rejection.
    for (const code of [
      '(none)',
      'NOT_FOUND',
      'BAD_USER_INPUT',
      'INVALID_CURSOR',
      'GRAPHQL_VALIDATION_FAILED',
    ]) {
      expect(seen.get(code) ?? 0, `${code} in ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  }, 60_000);
});
