import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobDetailDocument, type JobDetailQuery } from '../../examples/__generated__/graphql.js';
import type { JobRef } from '../../src/emulator/index.js';
import { clientSdl, subgraphSdl } from '../../src/schema.js';
import { startTestStack, type TestStack } from '../helpers/testStack.js';

/**
 * What clients make of @semanticNonNull (schema/semanticNonNull.graphql; docs/frontend.md, "Partial results"):
 * - graphql-codegen's client preset (6.2.0, with graphql-sock) types such a field non-null with
 *   `nullability: { errorHandlingClient: true }`, and nullable without it; plainly nullable fields stay `| null`.
 * - Apollo Client 4 does nothing with the directive, but with its default errorPolicy "none" it never hands out
 *   data that came with errors (nor caches it), which is what makes those non-null types honest; with "all" the
 *   null reaches the code, so an app using "all" must generate without `errorHandlingClient`.
 * relay-compiler is checked in relayCompiler.test.ts.
 */
const PROBE = /* GraphQL */ `
  query Probe($farmId: ID!) {
    farm(farmId: $farmId) {
      description
      costScaleFactor
      queues(first: 1) { nodes { queueId } }
    }
    farms(first: 1) { nodes { farmId } }
  }
`;

/** The generated result type of `Probe`, as codegen's client preset writes it. */
async function probeType(schema: string, errorHandlingClient: boolean): Promise<string> {
  const files: Array<{ filename: string; content: string }> = await generate(
    {
      schema,
      documents: PROBE,
      silent: true,
      generates: {
        'out/': {
          preset: 'client',
          presetConfig: { fragmentMasking: false },
          config: { nullability: { errorHandlingClient }, scalars: { DateTime: 'string' } },
        },
      },
    },
    false,
  );
  const types = files.find((file) => file.filename.endsWith('graphql.ts'))?.content ?? '';
  const line = /^export type ProbeQuery = (.*);$/m.exec(types)?.[1];
  if (!line) throw new Error(`no ProbeQuery type in:\n${types}`);
  return line;
}

describe('graphql-codegen client preset 6.2.0 with nullability.errorHandlingClient', () => {
  for (const [name, sdl] of [
    ['the client SDL (npm run schema:print -- --client)', clientSdl],
    ['the subgraph SDL (src/__generated__/subgraph.graphql)', subgraphSdl],
  ] as const) {
    it(`types @semanticNonNull fields non-null, plainly nullable ones \`| null\`, from ${name}`, async () => {
      expect(await probeType(sdl(), true)).toBe(
        '{ farm: { description: string | null, costScaleFactor: number, ' +
          'queues: { nodes: Array<{ queueId: string }> } } | null, farms: { nodes: Array<{ farmId: string }> } }',
      );
    });
  }

  it('without the option, every field whose Deadline call can fail is `| null`', async () => {
    expect(await probeType(clientSdl(), false)).toBe(
      '{ farm: { description: string | null, costScaleFactor: number | null, ' +
        'queues: { nodes: Array<{ queueId: string }> } | null } | null, ' +
        'farms: { nodes: Array<{ farmId: string }> } | null }',
    );
  });
});

describe('Apollo Client 4.3.8 and a partial result', () => {
  let stack: TestStack;
  let job: JobRef;
  const client = () =>
    new ApolloClient({ cache: new InMemoryCache(), link: new HttpLink({ uri: `${stack.url}/graphql` }) });

  beforeAll(async () => {
    stack = await startTestStack({ emulator: { sizes: { largeJobSessions: 10 } } });
    job = stack.emulator?.dataset.edgeJobs.get(99) as JobRef;
  });
  afterAll(() => stack?.close());

  it('default errorPolicy "none": no data and nothing cached, so the non-null `sessions` type holds', async () => {
    stack.emulator?.failNext('ListSessions', 'ThrottlingException', 1, { jobId: job.jobId });
    const apollo = client();
    await expect(apollo.query({ query: JobDetailDocument, variables: { ...job, first: 2 } })).rejects.toThrow(
      /throttling/,
    );
    expect(apollo.cache.extract()).toEqual({});
  });

  it('errorPolicy "all": the data arrives with `sessions: null`, against the errorHandlingClient type', async () => {
    stack.emulator?.failNext('ListSessions', 'ThrottlingException', 1, { jobId: job.jobId });
    const { data, error } = await client().query({
      query: JobDetailDocument,
      variables: { ...job, first: 2 },
      errorPolicy: 'all',
    });
    expect(error?.message).toMatch(/throttling/);
    const received: JobDetailQuery | undefined = data;
    expect(received?.job?.name).toBeTypeOf('string');
    // Typed non-null (examples/ generates with errorHandlingClient), null at run time: use "none" with such types.
    expect(received?.job?.sessions).toBeNull();
  });
});
