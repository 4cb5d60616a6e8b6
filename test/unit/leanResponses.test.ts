import { Readable } from 'node:stream';
import * as Sdk from '@aws-sdk/client-deadline';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { collectBody, HttpBindingProtocol, HttpResponse } from '@smithy/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/loaders/entityLoader.js';
import {
  ENTITIES,
  type EntityDefinition,
  type OperationName,
  operationsOf,
} from '../../src/model/entities.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import { isPlainJson, LeanRestJsonProtocol } from '../../src/upstream/leanResponses.js';

/**
 * The canary of the lean response path (src/upstream/leanResponses.ts): it fails, naming what moved, when an SDK
 * upgrade renames or reorders what the path hooks into — the protocol class and its export, the client's
 * `protocol` option, the `deserializeResponse` call and its arguments, the deserializer middleware that makes it,
 * the helpers the path calls — or gives an operation the gateway calls an output that is not plain JSON. No
 * network: the client's request handler answers from memory.
 */

/** Every operation the gateway sends: the registry's, and the readiness probe's ListFarms. */
const GATEWAY_OPERATIONS: OperationName[] = [
  ...new Set(Object.values(ENTITIES).flatMap((entry) => operationsOf(entry as EntityDefinition))),
  'ListFarms',
];

const SESSIONS_BODY = JSON.stringify({
  sessions: [
    {
      sessionId: 'session-0123456789abcdef0123456789abcdef',
      fleetId: 'fleet-0123456789abcdef0123456789abcdef',
      workerId: 'worker-0123456789abcdef0123456789abcdef-0',
      startedAt: '2025-06-02T17:59:58.123Z',
      lifecycleStatus: 'ENDED',
    },
  ],
});

interface Answered {
  /** The arguments the SDK passed to `deserializeResponse`. */
  calls: Array<{ operationSchema: { name: string; namespace: string; output: unknown }; context: object }>;
  client: Sdk.DeadlineClient;
}

/** A client whose requests are answered 200 with `body` from memory, recording its protocol's calls. */
function cannedClient(body: string, options: { lean?: boolean } = {}): Answered {
  const calls: Answered['calls'] = [];
  const requestHandler = {
    handle: async () => ({
      response: new HttpResponse({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-requestid': 'request-1' },
        body: Readable.from([Buffer.from(body)]),
      }),
    }),
  };
  const client = new Sdk.DeadlineClient({
    region: 'us-west-2',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'canary', secretAccessKey: 'canary' },
    requestHandler,
    ...(options.lean === false ? {} : { protocol: LeanRestJsonProtocol }),
  });
  const protocol = client.config.protocol as AwsRestJsonProtocol;
  const deserialize = protocol.deserializeResponse.bind(protocol);
  protocol.deserializeResponse = ((operationSchema, context, response) => {
    calls.push({ operationSchema, context } as Answered['calls'][number]);
    return deserialize(operationSchema, context, response);
  }) as typeof protocol.deserializeResponse;
  return { calls, client };
}

describe('the SDK still offers what the lean path hooks into', () => {
  it("Deadline's default protocol is @aws-sdk/core's AwsRestJsonProtocol, which LeanRestJsonProtocol extends", () => {
    expect(typeof AwsRestJsonProtocol).toBe('function');
    expect(Object.getPrototypeOf(LeanRestJsonProtocol)).toBe(AwsRestJsonProtocol);
    expect(AwsRestJsonProtocol.prototype).toBeInstanceOf(HttpBindingProtocol);
    const plain = new Sdk.DeadlineClient({ region: 'us-west-2' });
    try {
      expect(plain.config.protocol.constructor).toBe(AwsRestJsonProtocol);
    } finally {
      plain.destroy();
    }
  });

  it('the protocol methods the path overrides and calls keep their names and arities', () => {
    const prototype = AwsRestJsonProtocol.prototype as unknown as Record<string, unknown>;
    // deserializeResponse(operationSchema, context, response), declared by AwsRestJsonProtocol itself.
    expect(Object.hasOwn(AwsRestJsonProtocol.prototype, 'deserializeResponse')).toBe(true);
    expect((prototype.deserializeResponse as () => unknown).length).toBe(3);
    // deserializeMetadata(response): `$metadata` of a successful answer, as the SDK builds it.
    expect(typeof prototype.deserializeMetadata).toBe('function');
    expect((prototype.deserializeMetadata as () => unknown).length).toBe(1);
    expect(typeof collectBody).toBe('function');
    expect(typeof NormalizedSchema.of).toBe('function');
  });

  it('createDeadlineClient builds its clients with the lean protocol, whatever the target', () => {
    const upstream = { maxAttempts: 1, requestTimeoutMs: 1000 };
    const clients = [
      createDeadlineClient({ upstream }, { region: 'us-west-2', endpoint: 'http://127.0.0.1:9' }),
      createDeadlineClient({ upstream }, { region: 'us-west-2' }),
    ];
    try {
      for (const client of clients) expect(client.config.protocol).toBeInstanceOf(LeanRestJsonProtocol);
    } finally {
      for (const client of clients) client.destroy();
    }
  });

  it('the deserializer middleware, by its name, calls deserializeResponse(operation, context, response)', async () => {
    const { calls, client } = cannedClient(SESSIONS_BODY);
    const seen: unknown[] = [];
    // Fails with "deserializerMiddleware is not found" when the SDK renames the middleware.
    const canary = (next: (args: object) => Promise<{ output: unknown }>) => async (args: object) => {
      const result = await next(args);
      seen.push(result.output);
      return result;
    };
    client.middlewareStack.addRelativeTo(canary as never, {
      relation: 'before',
      toMiddleware: 'deserializerMiddleware',
      name: 'leanCanary',
    });
    const output = await client.send(
      new Sdk.ListSessionsCommand({ farmId: 'farm-1', queueId: 'queue-1', jobId: 'job-1' }),
    );
    client.destroy();
    expect(calls).toHaveLength(1);
    const [{ operationSchema, context } = { operationSchema: undefined, context: {} }] = calls;
    expect(operationSchema).toMatchObject({ name: 'ListSessions', namespace: 'com.amazonaws.deadline' });
    expect(typeof (context as { streamCollector?: unknown }).streamCollector).toBe('function');
    expect(seen).toEqual([output]);
    // The wire's JSON, timestamps as sent; `$metadata` as the SDK makes it, attempts added by the retry middleware.
    expect(output).toEqual({
      ...JSON.parse(SESSIONS_BODY),
      $metadata: {
        httpStatusCode: 200,
        requestId: 'request-1',
        extendedRequestId: undefined,
        cfId: undefined,
        attempts: 1,
        totalRetryDelay: 0,
      },
    });
  });

  it("the SDK's own path still makes Dates of the same answer (what Wire<…> in records.ts types away)", async () => {
    const { client } = cannedClient(SESSIONS_BODY, { lean: false });
    const output = await client.send(
      new Sdk.ListSessionsCommand({ farmId: 'farm-1', queueId: 'queue-1', jobId: 'job-1' }),
    );
    client.destroy();
    expect(output.sessions?.[0]?.startedAt).toBeInstanceOf(Date);
    expect(output.sessions?.[0]?.startedAt?.toISOString()).toBe('2025-06-02T17:59:58.123Z');
  });
});

describe('every operation the gateway calls takes the lean path', () => {
  it.each(GATEWAY_OPERATIONS)(
    '%s: its output is plain JSON, and its answer is parsed as sent',
    async (operation) => {
      const body = '{"unknownMember":{"at":"2025-06-02T17:59:58.123Z"}}';
      const { calls, client } = cannedClient(body);
      const output = await client.send(
        commandOf(operation, {
          farmId: 'farm-1',
          queueId: 'queue-1',
          jobId: 'job-1',
          sessionId: 'session-1',
          fleetId: 'fleet-1',
          workerId: 'worker-1',
          stepId: 'step-1',
          taskId: 'task-1',
          sessionActionId: 'sessionaction-1',
          identifiers: [],
        }),
      );
      client.destroy();
      const schema = calls[0]?.operationSchema;
      expect(schema?.name).toBe(operation);
      expect(isPlainJson(schema?.output as never)).toBe(true);
      // Kept as sent: proof that the lean path, not the schema, read it.
      expect((output as { unknownMember?: unknown }).unknownMember).toEqual({
        at: '2025-06-02T17:59:58.123Z',
      });
    },
  );
});

describe('isPlainJson leaves to the SDK what needs the schema', () => {
  const member = (schema: unknown, traits: object | number = 0) => [schema, traits];
  const struct = (members: Record<string, unknown>) => [
    3,
    'canary',
    'Output',
    0,
    Object.keys(members),
    Object.values(members),
  ];
  const DATE_TIME = 5;
  const EPOCH_SECONDS = 7;
  const BLOB = 21;

  const LIST = 64;
  const MAP = 128;

  it('ISO timestamps, strings, numbers, lists, maps and nested structures are plain', () => {
    const plain = struct({
      at: DATE_TIME,
      name: member(0, {}),
      count: 1,
      times: LIST | DATE_TIME,
      counts: MAP | 1,
      inner: struct({ at: member(DATE_TIME, { sensitive: 1 }) }),
    });
    expect(isPlainJson(plain as never)).toBe(true);
  });

  it.each([
    ['a member bound to a header', struct({ retryAfter: member(1, { httpHeader: 'Retry-After' }) })],
    ['the status code', struct({ status: member(1, { httpResponseCode: 1 }) })],
    ['the whole payload', struct({ data: member(BLOB, { httpPayload: 1 }) })],
    ['a renamed member', struct({ name: member(0, { jsonName: 'Name' }) })],
    ['an epoch-seconds timestamp', struct({ at: EPOCH_SECONDS })],
    ['a blob', struct({ data: BLOB })],
    ['a nested non-ISO timestamp', struct({ inner: struct({ at: EPOCH_SECONDS }) })],
    ['a list of non-ISO timestamps', struct({ times: LIST | EPOCH_SECONDS })],
  ])('not plain: %s', (_what, schema) => {
    expect(isPlainJson(schema as never)).toBe(false);
  });

  it("an SDK error shape with a header member (ThrottlingException's Retry-After) is not plain", () => {
    expect(isPlainJson(Sdk.ThrottlingException$ as never)).toBe(false);
  });
});
