import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, type GraphQLSchema, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientSdl, subgraphSdl } from '../../src/schema.js';
import { productionsTypeDefs } from '../fixtures/productionsSubgraph.js';
import { compose } from '../helpers/supergraph.js';

/**
 * Client check (issue 3): relay-compiler 21 compiles a Relay pagination fragment against the composed API schema of
 * the supergraph (Deadline subgraph + an independent "productions" subgraph with its own Node/PageInfo/connection).
 * `@connection` on `Job.sessions` needs a Relay-shaped connection; `@refetchable` on `Job` needs `Job implements Node`
 * and `Query.node(id: ID!): Node` in the API schema. The compiler runs as a child process in a temp dir.
 */
const relayCli = createRequire(import.meta.url).resolve('relay-compiler/cli.js');

const RELAY_CONFIG = {
  src: './src',
  schema: './schema.graphql',
  language: 'typescript',
  eagerEsModules: true,
};

const JOB_SESSIONS_SOURCE = `import { graphql } from 'relay-runtime';

export const jobSessionsFragment = graphql\`
  fragment JobSessions_job on Job
  @refetchable(queryName: "JobSessionsPaginationQuery")
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" }) {
    sessions(first: $count, after: $cursor) @connection(key: "JobSessions_sessions") {
      edges {
        node {
          id
          sessionId
          lifecycleStatus
        }
      }
    }
  }
\`;

export const jobSessionsQuery = graphql\`
  query JobSessionsQuery($farmId: ID!, $queueId: ID!, $jobId: ID!) {
    job(farmId: $farmId, queueId: $queueId, jobId: $jobId) {
      name
      ...JobSessions_job
    }
  }
\`;
`;

interface RelayRun {
  code: number;
  output: string;
  dir: string;
}

const tempDirs: string[] = [];

/** Writes the schema, relay.config.json and `src/` files into a fresh temp dir and runs relay-compiler there. */
async function runRelay(schemaSdl: string, sources: Record<string, string>): Promise<RelayRun> {
  const dir = await mkdtemp(join(tmpdir(), 'deadline-relay-'));
  tempDirs.push(dir);
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'schema.graphql'), schemaSdl);
  await writeFile(join(dir, 'relay.config.json'), JSON.stringify(RELAY_CONFIG, null, 2));
  for (const [name, text] of Object.entries(sources)) await writeFile(join(dir, 'src', name), text);
  return new Promise((resolve) => {
    execFile(process.execPath, [relayCli], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}`, dir });
    });
  });
}

/** The operation text relay-compiler embedded in a generated request artifact (`params.text`). */
function operationText(artifact: string): string {
  const match = /"text": ("(?:[^"\\]|\\.)*")/.exec(artifact);
  if (!match?.[1]) throw new Error('no operation text in the artifact');
  return JSON.parse(match[1]) as string;
}

const generated = (dir: string, name: string) => join(dir, 'src', '__generated__', `${name}.graphql.ts`);

let apiSchemaSdl: string;
let apiSchema: GraphQLSchema;

beforeAll(() => {
  apiSchemaSdl = compose([
    { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl()) },
    { name: 'productions', url: 'http://productions.invalid/graphql', typeDefs: productionsTypeDefs },
  ]).apiSchemaSdl;
  apiSchema = buildSchema(apiSchemaSdl);
});

afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('relay-compiler 21 against the composed API schema', () => {
  it('compiles @connection on Job.sessions and @refetchable on Job (via Node)', async () => {
    const run = await runRelay(apiSchemaSdl, { 'JobSessions.ts': JOB_SESSIONS_SOURCE });
    expect(run.code, run.output).toBe(0);

    const paginationPath = generated(run.dir, 'JobSessionsPaginationQuery');
    expect(existsSync(paginationPath), run.output).toBe(true);
    const pagination = await readFile(paginationPath, 'utf8');
    const refetchText = operationText(pagination);
    expect(refetchText).toContain('node(id: $id)');
    expect(refetchText).toContain('sessions(first: $count, after: $cursor)');
    // Relay added what its connection handler needs.
    expect(refetchText).toMatch(/pageInfo \{\s+endCursor\s+hasNextPage\s+\}/);
    expect(refetchText).toMatch(/edges \{[\s\S]*cursor/);

    // The fragment artifact carries the connection and refetch metadata usePaginationFragment relies on.
    const fragment = await readFile(generated(run.dir, 'JobSessions_job'), 'utf8');
    expect(fragment).toContain('"name": "__JobSessions_sessions_connection"');
    expect(pagination).toContain('"key": "JobSessions_sessions"');
    expect(fragment).toContain('"direction": "forward"');
    expect(fragment).toMatch(/"fragmentPathInResult": \[\s*"node"\s*\]/);

    // What Relay would send is valid against the supergraph's API schema (graphql-js agrees with the compiler).
    const queryText = operationText(await readFile(generated(run.dir, 'JobSessionsQuery'), 'utf8'));
    for (const text of [refetchText, queryText]) expect(validate(apiSchema, parse(text))).toEqual([]);
  });
});

/**
 * Semantic nullability: relay-compiler 21 reads @semanticNonNull from the client SDL (`npm run schema:print --
 * --client`; it cannot read the subgraph SDL's `extend schema @link`, and composition leaves the directive out of
 * the supergraph). Under @throwOnFieldError such a field is typed non-null; elsewhere it stays nullable.
 */
const PROBE_SOURCE = `import { graphql } from 'relay-runtime';

export const throwing = graphql\`
  query ThrowingProbeQuery($farmId: ID!) @throwOnFieldError {
    farm(farmId: $farmId) { description costScaleFactor queues(first: 1) { nodes { queueId } } }
    farms(first: 1) { nodes { farmId } }
  }
\`;

export const plain = graphql\`
  query PlainProbeQuery($farmId: ID!) {
    farm(farmId: $farmId) { description costScaleFactor queues(first: 1) { nodes { queueId } } }
    farms(first: 1) { nodes { farmId } }
  }
\`;
`;

/** The generated `…$data` type of an operation, whitespace collapsed. */
async function dataType(dir: string, name: string): Promise<string> {
  const artifact = await readFile(generated(dir, name), 'utf8');
  const match = new RegExp(`export type ${name}\\$data = (\\{[\\s\\S]*?\\n\\});`).exec(artifact);
  if (!match?.[1]) throw new Error(`no ${name}$data in the artifact`);
  return match[1].replace(/\s+/g, ' ');
}

describe('relay-compiler 21 and @semanticNonNull', () => {
  it('types @semanticNonNull fields non-null under @throwOnFieldError only', async () => {
    const run = await runRelay(clientSdl(), { 'Probe.ts': PROBE_SOURCE });
    expect(run.code, run.output).toBe(0);
    expect(await dataType(run.dir, 'ThrowingProbeQuery')).toBe(
      '{ readonly farm: { readonly costScaleFactor: number; readonly description: string | null | undefined; ' +
        'readonly queues: { readonly nodes: ReadonlyArray<{ readonly queueId: string; }>; }; } | null | undefined; ' +
        'readonly farms: { readonly nodes: ReadonlyArray<{ readonly farmId: string; }>; }; }',
    );
    expect(await dataType(run.dir, 'PlainProbeQuery')).toBe(
      '{ readonly farm: { readonly costScaleFactor: number | null | undefined; ' +
        'readonly description: string | null | undefined; ' +
        'readonly queues: { readonly nodes: ReadonlyArray<{ readonly queueId: string; }>; } | null | undefined; ' +
        '} | null | undefined; readonly farms: { readonly nodes: ReadonlyArray<{ readonly farmId: string; }>; ' +
        '} | null | undefined; }',
    );
  });

  it('cannot read the subgraph SDL itself (federation’s `extend schema @link`)', async () => {
    const run = await runRelay(subgraphSdl(), { 'Probe.ts': PROBE_SOURCE });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain('SchemaExtension not implemented');
  });
});

describe('negative controls: the same harness fails when the schema does not support the directive', () => {
  it('@connection on a field that is not a connection (Job.parameters) fails', async () => {
    const run = await runRelay(apiSchemaSdl, {
      'Bad.ts': `import { graphql } from 'relay-runtime';
export const bad = graphql\`
  fragment Bad_job on Job {
    parameters @connection(key: "Bad_parameters") { name value }
  }
\`;
`,
    });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("@connection used on invalid field 'parameters'");
    expect(existsSync(generated(run.dir, 'Bad_job'))).toBe(false);
  });

  it('@refetchable on a type without Node (TaskRunStatusCount) fails', async () => {
    const run = await runRelay(apiSchemaSdl, {
      'Bad.ts': `import { graphql } from 'relay-runtime';
export const bad = graphql\`
  fragment Bad_count on TaskRunStatusCount @refetchable(queryName: "BadCountRefetchQuery") {
    status
    count
  }
\`;
`,
    });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("Invalid use of @refetchable on fragment 'Bad_count'");
    expect(existsSync(generated(run.dir, 'BadCountRefetchQuery'))).toBe(false);
  });

  it('the same fragment fails when the supergraph has no Query.node (Deadline node fields switched off)', async () => {
    const withoutNode = compose([
      { name: 'deadline', url: 'http://deadline.invalid/graphql', typeDefs: parse(subgraphSdl(null)) },
      { name: 'productions', url: 'http://productions.invalid/graphql', typeDefs: productionsTypeDefs },
    ]).apiSchemaSdl;
    const run = await runRelay(withoutNode, { 'JobSessions.ts': JOB_SESSIONS_SOURCE });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain("Invalid use of @refetchable on fragment 'JobSessions_job'");
    expect(existsSync(generated(run.dir, 'JobSessionsPaginationQuery'))).toBe(false);
  });
});
