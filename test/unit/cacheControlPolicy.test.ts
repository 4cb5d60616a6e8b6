import { ApolloServer } from '@apollo/server';
import { buildSchema, type DocumentNode, getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { type CacheHint, StaticCachePolicies } from '../../src/plugins/cacheControlPlugin.js';
import { buildGatewaySchema } from '../../src/schema.js';
import { DATALOADER_EXAMPLE, README_FIRST_QUERY } from '../helpers/exampleQueries.js';

/**
 * The static cache policy walker (src/plugins/cacheControlPlugin.ts): the gateway's own hints through fragments,
 * aliases, @include/@skip and nested connections; Apollo's rules on a small schema that uses what ours does not
 * (PRIVATE, field hints over type hints, inheritMaxAge on a field, hints on an interface's implementations),
 * checked against Apollo Server's built-in per-field plugin on the same operations and data.
 */

const gatewayPolicies = new StaticCachePolicies(buildGatewaySchema());

function policy(source: string, operationName?: string, policies = gatewayPolicies): Readonly<CacheHint> {
  const document = parse(source);
  return policyOf(document, operationName, policies);
}

function policyOf(document: DocumentNode, operationName?: string, policies = gatewayPolicies) {
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error(`no operation ${operationName ?? ''}`);
  return policies.policyOf(document, operation);
}

const FARM = 'farm(farmId: "farm-00000000000000000000000000000001")';
const JOB = 'job(farmId: "farm-1", queueId: "queue-1", jobId: "job-1")';
const SESSION = 'session(farmId: "farm-1", queueId: "queue-1", jobId: "job-1", sessionId: "session-1")';

describe('the gateway schema hints', () => {
  it('one type: its maxAge (farm 60, job 5, worker 5, session 2)', () => {
    expect(policy(`{ ${FARM} { displayName createdAt } }`)).toEqual({ maxAge: 60 });
    expect(policy(`{ ${JOB} { name priority taskRunStatusCounts { status count } } }`)).toEqual({
      maxAge: 5,
    });
    expect(policy('{ worker(farmId: "f", fleetId: "g", workerId: "w") { status hostName } }')).toEqual({
      maxAge: 5,
    });
    expect(policy(`{ ${SESSION} { lifecycleStatus hostProperties { hostName } } }`)).toEqual({ maxAge: 2 });
  });

  it('nested connections: the smallest maxAge on the way down; edges and PageInfo do not zero it', () => {
    expect(
      policy(
        `{ ${FARM} { queues(first: 5) { edges { cursor node { displayName } } pageInfo { endCursor } } } }`,
      ),
    ).toEqual({ maxAge: 60 });
    expect(
      policy(`{ farms { nodes { queues { nodes { jobs { pageInfo { hasNextPage } nodes { name } } } } } } }`),
    ).toEqual({ maxAge: 5 });
    expect(policy(README_FIRST_QUERY)).toEqual({ maxAge: 2 });
    expect(policy(DATALOADER_EXAMPLE)).toEqual({ maxAge: 2 });
  });

  it("a connection's pageInfo alone carries the list's TTL (which items exist), not its parent's", () => {
    expect(policy(`{ ${JOB} { name sessions(first: 1) { pageInfo { hasNextPage } } } }`)).toEqual({
      maxAge: 2,
    });
    expect(policy(`{ ${FARM} { fleets { pageInfo { hasNextPage } } } }`)).toEqual({ maxAge: 60 });
  });

  it('named fragments and inline fragments are walked where they are spread', () => {
    const withSpread = `
      query { ${JOB} { ...JobSummary } }
      fragment JobSummary on Job { name ...Sessions }
      fragment Sessions on Job { sessions { nodes { sessionId } } }
    `;
    expect(policy(withSpread)).toEqual({ maxAge: 2 });
    const withoutSpread = `
      query { ${JOB} { ...JobSummary } }
      fragment JobSummary on Job { name }
      fragment Sessions on Job { sessions { nodes { sessionId } } }
    `;
    expect(policy(withoutSpread)).toEqual({ maxAge: 5 });
    expect(
      policy(`{ ${FARM} { ... on Farm { fleets { nodes { workers { nodes { status } } } } } } }`),
    ).toEqual({
      maxAge: 5,
    });
  });

  it('aliases change nothing: every aliased field counts', () => {
    expect(policy(`{ a: ${FARM} { name: displayName } b: ${SESSION} { id: sessionId } }`)).toEqual({
      maxAge: 2,
    });
    expect(policy(`{ a: ${FARM} { displayName } b: ${FARM} { displayName } }`)).toEqual({ maxAge: 60 });
  });

  it('@include/@skip: a literal condition is honoured, a variable one counts the field (conservative)', () => {
    const query = (directive: string) =>
      `query($x: Boolean!) { ${FARM} { displayName } ${SESSION} ${directive} { sessionId } }`;
    expect(policy(query('@include(if: $x)'))).toEqual({ maxAge: 2 });
    expect(policy(query('@skip(if: $x)'))).toEqual({ maxAge: 2 });
    expect(policy(query('@include(if: true)'))).toEqual({ maxAge: 2 });
    expect(policy(query('@include(if: false)'))).toEqual({ maxAge: 60 });
    expect(policy(query('@skip(if: true)'))).toEqual({ maxAge: 60 });
    expect(
      policy(
        `query($x: Boolean!) { ${FARM} { displayName ... @include(if: false) { queues { nodes { jobs { nodes { name } } } } } } }`,
      ),
    ).toEqual({
      maxAge: 60,
    });
  });

  it('node(id:) and nodes(ids:) take the Node interface hint (2 s, the shortest implementor)', () => {
    expect(policy('{ node(id: "x") { id ... on Farm { displayName } } }')).toEqual({ maxAge: 2 });
    expect(policy('{ nodes(ids: ["x"]) { ... on Queue { displayName } } }')).toEqual({ maxAge: 2 });
  });

  it('_entities: the shortest entity type (its representations are variables)', () => {
    expect(
      policy('query($r: [_Any!]!) { _entities(representations: $r) { ... on Farm { displayName } } }'),
    ).toEqual({ maxAge: 2 });
  });

  it('_service, __typename and introspection: no cacheable maxAge', () => {
    expect(policy('{ _service { sdl } }')).toEqual({ maxAge: 0 });
    expect(policy('{ __typename }')).toEqual({});
    expect(policy('{ __schema { queryType { name } } }')).toEqual({});
    expect(policy(`{ __typename ${FARM} { __typename displayName } }`)).toEqual({ maxAge: 60 });
  });

  it('is computed per operation name, and once per document and operation', () => {
    const document = parse(`query A { ${FARM} { displayName } } query B { ${SESSION} { sessionId } }`);
    const a = policyOf(document, 'A');
    expect(a).toEqual({ maxAge: 60 });
    expect(policyOf(document, 'B')).toEqual({ maxAge: 2 });
    expect(policyOf(document, 'A')).toBe(a);
    // Another parse of the same text is another document: computed again, to the same value.
    const again = policyOf(parse(`query A { ${FARM} { displayName } } query B { x: __typename }`), 'A');
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
  });
});

/** A schema that uses the rules the gateway's hints do not, with data every field resolves on. */
const RULES_SDL = /* GraphQL */ `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
    on FIELD_DEFINITION | OBJECT | INTERFACE | UNION

  type Query {
    version: String
    pinnedVersion: String @cacheControl(maxAge: 7)
    thing: Thing
    longThing: Thing @cacheControl(maxAge: 100)
    me: User @cacheControl(maxAge: 30, scope: PRIVATE)
    item: Item @cacheControl(maxAge: 40)
    result: Result
  }
  type Thing @cacheControl(maxAge: 10) {
    x: Int
    inherits: Part @cacheControl(inheritMaxAge: true)
    bare: Part
    short: Int @cacheControl(maxAge: 4)
  }
  type Part { y: Int }
  type User @cacheControl(scope: PRIVATE) { name: String }
  interface Item { v: Int }
  type A implements Item @cacheControl(maxAge: 50) { v: Int @cacheControl(maxAge: 3) }
  type B implements Item { v: Int }
  union Result @cacheControl(maxAge: 20) = A | B
`;

const rootValue = {
  version: '1',
  pinnedVersion: '1',
  thing: { x: 1, inherits: { y: 1 }, bare: { y: 1 }, short: 1 },
  longThing: { x: 1, inherits: { y: 1 }, bare: { y: 1 }, short: 1 },
  me: { name: 'me' },
  item: { __typename: 'A', v: 1 },
  result: { __typename: 'A', v: 1 },
};

const RULE_CASES: Array<[string, CacheHint]> = [
  ['{ version }', { maxAge: 0 }],
  ['{ pinnedVersion }', { maxAge: 7 }],
  ['{ thing { x } }', { maxAge: 10 }],
  ['{ longThing { x } }', { maxAge: 100 }],
  ['{ longThing { x short } }', { maxAge: 4 }],
  ['{ thing { inherits { y } } }', { maxAge: 10 }],
  ['{ thing { bare { y } } }', { maxAge: 0 }],
  ['{ me { name } longThing { x } }', { maxAge: 30, scope: 'PRIVATE' }],
  ['{ item { v } }', { maxAge: 3 }],
  ['{ item { ... on B { v } } }', { maxAge: 40 }],
  ['{ item { ... on A { v } } }', { maxAge: 3 }],
  ['{ result { ... on B { v } } }', { maxAge: 20 }],
  ['{ result { ... on Item { v } } }', { maxAge: 3 }],
];

describe("Apollo's rules, on a schema that uses all of them", () => {
  const schema = buildSchema(RULES_SDL);
  const policies = new StaticCachePolicies(schema);

  it.each(RULE_CASES)('%s', (source, expected) => {
    expect(policy(source, undefined, policies)).toEqual(expected);
  });

  it("agrees with Apollo Server's built-in per-field plugin on every case (all fields resolve)", async () => {
    const apollo = new ApolloServer({ schema, rootValue });
    await apollo.start();
    try {
      for (const [source] of RULE_CASES) {
        const response = await apollo.executeOperation({ query: source });
        expect(response.body.kind === 'single' && response.body.singleResult.errors).toBeFalsy();
        const hint = policy(source, undefined, policies);
        const expected =
          hint.maxAge === undefined || hint.maxAge === 0
            ? 'no-store'
            : `max-age=${hint.maxAge}, ${(hint.scope ?? 'PUBLIC').toLowerCase()}`;
        expect(response.http.headers.get('cache-control'), source).toBe(expected);
      }
    } finally {
      await apollo.stop();
    }
  });
});
