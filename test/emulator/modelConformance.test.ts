/**
 * The emulator against the API model itself. Every constraint checked here is read from the model fixture
 * (model/deadline-2023-10-12.json: botocore's Deadline model cut to the served operations, see model/README.md),
 * never from the emulator's own constants: the operation table's methods and URIs, each URI label's pattern, each
 * query member's range, length, pattern or enum, the BatchGet* list bounds and item members, and each error's
 * HTTP status and required members. Values are made by mutating a valid one; the model decides whether each
 * should pass, and the emulator must agree. Raw HTTP over loopback, so the exact wire value is what is tested.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectableError } from '../../src/emulator/index.js';
import { OPERATIONS } from '../../src/emulator/routes.js';
import { type EmulatorFixture, rawRequest, startFixture } from './emulatorFixture.js';

// ---------------------------------------------------------------------------------------------------- the model

interface ModelMember {
  shape: string;
  location?: 'uri' | 'querystring' | 'header';
  locationName?: string;
}

interface ModelShape {
  type: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  required?: string[];
  members?: Record<string, ModelMember>;
  member?: { shape: string };
  error?: { httpStatusCode: number };
}

interface ModelOperation {
  http: { method: string; requestUri: string };
  endpoint?: { hostPrefix?: string };
  input: { shape: string };
  output: { shape: string };
  errors: { shape: string }[];
}

interface Model {
  operations: Record<string, ModelOperation>;
  shapes: Record<string, ModelShape>;
}

/** The committed fixture (`npm run model:fixture` writes it); modelFixture.test.ts checks it covers OPERATIONS. */
const model = JSON.parse(
  readFileSync(new URL('./model/deadline-2023-10-12.json', import.meta.url), 'utf8'),
) as Model;

/** What a lookup miss means: the fixture predates the operation, or the emulator names something AWS does not. */
const REGENERATE =
  'run `npm run model:fixture -- <path to botocore service-2.json>` (test/emulator/model/README.md)';

function shape(name: string): ModelShape {
  const found = model.shapes[name];
  if (!found) throw new Error(`shape ${name} is not in the model fixture; ${REGENERATE}`);
  return found;
}

function operation(name: string): ModelOperation {
  const found = model.operations[name];
  if (!found) throw new Error(`operation ${name} is not in the model fixture; ${REGENERATE}`);
  return found;
}

function inputMembers(operationName: string): [string, ModelMember][] {
  return Object.entries(shape(operation(operationName).input.shape).members ?? {});
}

/**
 * Whether the model accepts `value` (as sent on the wire) for a member of shape `shapeName`. Smithy patterns are
 * not anchored, but the service is taken to match them whole (the project's protocol notes on ID patterns), as the emulator does.
 */
function modelAccepts(shapeName: string, value: string): boolean {
  const { type, min, max, pattern, enum: values } = shape(shapeName);
  if (type === 'integer') {
    const number = Number(value);
    return (
      /^-?\d+$/.test(value) && (min === undefined || number >= min) && (max === undefined || number <= max)
    );
  }
  if (min !== undefined && value.length < min) return false;
  if (max !== undefined && value.length > max) return false;
  if (pattern !== undefined && !new RegExp(`^(?:${pattern})$`).test(value)) return false;
  return values === undefined || values.includes(value);
}

/** Values near a valid one, each named: the model decides which of them are valid. */
function variantsOf(valid: string, others: readonly string[]): [string, string][] {
  const last = valid.at(-1) === '0' ? '1' : '0';
  return [
    ['the valid value', valid],
    ['another valid-looking value', `${valid.slice(0, -1)}${last}`],
    ['upper-cased', valid.toUpperCase()],
    ['one character short', valid.slice(0, -1)],
    ['one character long', `${valid}0`],
    ['with a non-hex last character', `${valid.slice(0, -1)}g`],
    ['with a leading character', `x${valid}`],
    ['with a trailing newline', `${valid}\n`],
    ['empty', ''],
    ...others.map((other, index): [string, string] => [`a value of another member (${index + 1})`, other]),
  ];
}

// ---------------------------------------------------------------------------------------------------- fixture

let fixture: EmulatorFixture;
const STATISTICS_PATH = '/2023-10-12/farms/{farmId}/sessions-statistics-aggregation';
/**
 * One existing resource of each kind, all on one path (a job with a session, a step with tasks, an action of that
 * session; the session's fleet and worker).
 */
let valid: Record<string, string>;

beforeAll(async () => {
  // Usage aggregations complete at once, so the Start calls below never meet one still in progress.
  fixture = await startFixture({ aggregationInProgressMs: 0 });
  const { dataset } = fixture.emulator;
  const job = dataset.edgeJobs.get(1);
  const jobKey = `${job?.farmId}/${job?.queueId}/${job?.jobId}`;
  const session = dataset.sessions.get(jobKey)?.[0];
  const step = dataset.steps.get(jobKey)?.[0];
  const task = dataset.tasks.get(`${jobKey}/${step?.stepId}`)?.[0];
  const action = dataset.sessionActions.get(jobKey)?.[0];
  const fleet = dataset.fleets
    .get(job?.farmId ?? '')
    ?.find((candidate) => candidate.fleetId === session?.fleetId);
  const worker = dataset.workers
    .get(`${job?.farmId}/${fleet?.fleetId}`)
    ?.find((candidate) => candidate.workerId === session?.workerId);
  if (!job || !session || !step || !task || !action || !fleet || !worker) {
    throw new Error('the dataset lacks a resource the tests need');
  }
  valid = {
    ...job,
    sessionId: session.sessionId,
    stepId: step.stepId,
    taskId: task.taskId,
    sessionActionId: action.sessionActionId,
    fleetId: fleet.fleetId,
    workerId: worker.workerId,
  };
  const started = await rawRequest(fixture.emulator.endpoint, pathOf(STATISTICS_PATH, valid), {
    method: 'POST',
    body: startStatisticsBody(),
  });
  valid.aggregationId = String(started.json.aggregationId);
});
afterAll(() => fixture.close());

/** Variants of the valid ID `name`, the other kinds' valid IDs among them. */
function idVariants(name: string): [string, string][] {
  const others = Object.entries(valid)
    .filter(([other]) => other !== name)
    .map(([, value]) => value);
  return variantsOf(valid[name] ?? '', others);
}

/** The valid ID `name` with its 32 hex digits replaced: well-formed (also `task-…-<n>` IDs), and unknown. */
function otherId(name: string, hex = 'f'.repeat(32)): string {
  return (valid[name] ?? '').replace(/[0-9a-f]{32}/, hex);
}

function pathOf(template: string, labels: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(labels[name] ?? ''));
}

type Answer = Awaited<ReturnType<typeof rawRequest>>;

/** The field names a 400 FIELD_VALIDATION_FAILED answer lists, or the status when it is anything else. */
function outcome(answer: Answer): string[] | number {
  if (answer.status !== 400 || answer.json.reason !== 'FIELD_VALIDATION_FAILED') return answer.status;
  return ((answer.json.fieldList as { name: string }[] | undefined) ?? []).map((field) => field.name);
}

/** Asks each variant and returns those whose answer is not the one the model calls for. */
async function disagreements(
  variants: [string, string][],
  accepts: (value: string) => boolean,
  ask: (value: string) => Promise<Answer>,
  rejectedAs: string[],
  acceptedAs: number[],
): Promise<string[]> {
  const wrong: string[] = [];
  for (const [name, value] of variants) {
    const got = outcome(await ask(value));
    const expected = accepts(value) ? acceptedAs : [rejectedAs];
    if (!expected.some((candidate) => JSON.stringify(candidate) === JSON.stringify(got))) {
      wrong.push(`${name} ${JSON.stringify(value)}: got ${JSON.stringify(got)}`);
    }
  }
  return wrong;
}

const GET_OPERATIONS = OPERATIONS.filter((op) => op.method === 'GET');
const BATCH_OPERATIONS = OPERATIONS.filter((op) => op.path.includes('/batch-get-'));
const BODY_OPERATIONS = OPERATIONS.filter(
  (op) => op.path.includes('/search/') || (op.method === 'POST' && op.path === STATISTICS_PATH),
);

/** The smallest valid body of the Search* operation at `path` (its required members). */
function searchBody(path: string): string {
  return path.endsWith('/search/workers')
    ? JSON.stringify({ fleetIds: [valid.fleetId], itemOffset: 0 })
    : JSON.stringify({ queueIds: [valid.queueId], itemOffset: 0 });
}

/** The smallest valid body of StartSessionsStatisticsAggregation (its required members). */
function startStatisticsBody(): string {
  return JSON.stringify({
    resourceIds: { queueIds: [valid.queueId] },
    startTime: '2025-05-01T00:00:00Z',
    endTime: '2025-06-01T00:00:00Z',
    groupBy: ['QUEUE_ID'],
    statistics: ['SUM'],
  });
}

/** The required query members of a GET operation, with valid values (GetSessionsStatisticsAggregation's ID). */
function requiredQuery(path: string): string {
  return path.endsWith('/sessions-statistics-aggregation')
    ? new URLSearchParams({ aggregationId: valid.aggregationId ?? '' }).toString()
    : '';
}

/** `path` with the operation's required query members and `extra` (already encoded). */
function withQuery(path: string, extra = ''): string {
  const query = [requiredQuery(path), extra].filter((part) => part !== '').join('&');
  return query === '' ? path : `${path}?${query}`;
}

/**
 * The body of a PATCH (Update*) request to `path`: its required members (an UpdateJob member, as it has none);
 * the batches' lists are empty, so a batch is always refused before anything changes.
 */
function patchBody(path: string): string {
  const bare = path.split('?')[0] ?? '';
  if (bare.endsWith('/batch-update-job')) return '{"jobs": []}';
  if (bare.endsWith('/batch-update-task')) return '{"tasks": []}';
  if (bare.includes('/sessions/')) return '{"targetLifecycleStatus": "ENDED"}';
  if (bare.includes('/tasks/')) return '{"targetRunStatus": "READY"}';
  if (bare.includes('/steps/')) return '{"targetTaskRunStatus": "READY"}';
  return '{"priority": 50}';
}

/**
 * A request to `path`: a GET, a POST (Search*, StartSessionsStatisticsAggregation) or a PATCH (Update*) with its
 * smallest valid body.
 */
function askAt(method: string, path: string, init: Parameters<typeof rawRequest>[2] = {}): Promise<Answer> {
  if (method === 'PATCH') {
    return rawRequest(fixture.emulator.endpoint, path, { method: 'PATCH', body: patchBody(path), ...init });
  }
  const body = path.endsWith('/sessions-statistics-aggregation') ? startStatisticsBody() : searchBody(path);
  return method === 'POST'
    ? rawRequest(fixture.emulator.endpoint, path, { method: 'POST', body, ...init })
    : rawRequest(fixture.emulator.endpoint, withQuery(path), init);
}

// ---------------------------------------------------------------------------------------------------- tests

describe('operation table', () => {
  it.each(OPERATIONS.map((op) => [op.name, op]))('%s has the model method and request URI', (_, op) => {
    expect({ method: op.method, path: op.path }).toEqual({
      method: operation(op.name).http.method,
      path: operation(op.name).http.requestUri,
    });
  });

  // Clients of the emulator (and the gateway's client for a custom endpoint) turn the host prefix off: that is
  // only right while every served operation has the same one, `management.`, which the emulator ignores.
  it.each(OPERATIONS.map((op) => [op.name]))('%s has the host prefix management.', (name) => {
    expect(operation(name).endpoint?.hostPrefix).toBe('management.');
  });
});

describe('URI labels follow the model patterns', () => {
  const cases = [...GET_OPERATIONS, ...BODY_OPERATIONS].flatMap((op) =>
    inputMembers(op.name)
      .filter(([, member]) => member.location === 'uri')
      .map(([name, member]) => [op.name, name, member.shape, op.path, op.method] as const),
  );

  it.each(cases)('%s %s (%s)', async (_operation, label, shapeName, template, method) => {
    const wrong = await disagreements(
      idVariants(label),
      (value) => modelAccepts(shapeName, value),
      (value) => askAt(method, pathOf(template, { ...valid, [label]: value })),
      [label],
      // A well-formed ID is served (200) or not found (404); never a validation error.
      [200, 404],
    );
    expect(wrong).toEqual([]);
  });

  it('the ValidationException quotes the model pattern and names the value', async () => {
    const answer = await rawRequest(
      fixture.emulator.endpoint,
      pathOf(operation('GetJob').http.requestUri, { ...valid, jobId: 'job-1' }),
    );
    const fieldList = answer.json.fieldList as { name: string; message: string }[];
    expect(fieldList[0]?.message).toContain(shape('JobId').pattern);
    expect(fieldList[0]?.message).toContain("'job-1'");
  });
});

describe('query members follow the model', () => {
  /** Members whose valid values are opaque (a nextToken of a valid length can still be one never issued). */
  const OPAQUE = new Set(['NextToken']);

  const STATUS_VALUES = [
    ...new Set(
      Object.entries(model.shapes)
        .filter(([name]) => name.endsWith('Status'))
        .flatMap(([, candidate]) => candidate.enum ?? []),
    ),
  ];

  function queryVariants(shapeName: string): [string, string][] {
    const { type, min, max, enum: values } = shape(shapeName);
    if (type === 'integer') {
      return [min, max]
        .filter((bound): bound is number => bound !== undefined)
        .flatMap((bound): [string, string][] => [
          [`${bound - 1}`, `${bound - 1}`],
          [`${bound}`, `${bound}`],
          [`${bound + 1}`, `${bound + 1}`],
        ]);
    }
    if (values !== undefined) {
      return [
        ...values.map((value): [string, string] => [value, value]),
        // Another status enum's values (as the queue doc's "ACTIVE", which QueueStatus lacks) must not pass.
        ...STATUS_VALUES.filter((value) => !values.includes(value)).map((value): [string, string] => [
          'another status enum value',
          value,
        ]),
        ['lower-cased', (values[0] ?? '').toLowerCase()],
        ['not in the enum', 'NOT_A_VALUE'],
        ['empty', ''],
      ];
    }
    if (shapeName === 'IdentityCenterPrincipalId') {
      // Both forms the pattern allows: '<10 hex>-<UUID>' and a bare UUID (whose hex may be upper-case).
      const principal = fixture.emulator.dataset.principals[0] ?? '';
      const uuid = principal.replace(/^[0-9a-f]{10}-/, '');
      return [
        ...variantsOf(principal, [`${principal}-extra`]),
        ...variantsOf(uuid, []).map(([name, value]): [string, string] => [`bare UUID, ${name}`, value]),
      ];
    }
    const lengths = [min === undefined ? 0 : min - 1, min ?? 0, max ?? 0, (max ?? 0) + 1];
    return lengths
      .filter((length) => length >= 0)
      .filter(
        (length) => !OPAQUE.has(shapeName) || !modelAccepts(shapeName, 'a'.repeat(length)) || length === 0,
      )
      .map((length): [string, string] => [`${length} characters`, 'a'.repeat(length)]);
  }

  const cases = GET_OPERATIONS.flatMap((op) =>
    inputMembers(op.name)
      .filter(([, member]) => member.location === 'querystring')
      .map(([name, member]) => [op.name, member.locationName ?? name, member.shape, op.path] as const),
  );

  /** An ID filter (ListSessionActions' sessionId, taskId): a well-formed ID is served, or not found. */
  const isIdFilter = (parameter: string, shapeName: string) =>
    shape(shapeName).pattern !== undefined && parameter in valid;

  it.each(cases)('%s ?%s (%s)', async (_operation, parameter, shapeName, template) => {
    const path = pathOf(template, valid);
    const idFilter = isIdFilter(parameter, shapeName);
    const wrong = await disagreements(
      idFilter ? idVariants(parameter) : queryVariants(shapeName),
      (value) => modelAccepts(shapeName, value),
      (value) =>
        rawRequest(
          fixture.emulator.endpoint,
          parameter === 'aggregationId'
            ? `${path}?${new URLSearchParams({ [parameter]: value })}`
            : withQuery(path, new URLSearchParams({ [parameter]: value }).toString()),
        ),
      [parameter],
      idFilter ? [200, 404] : [200],
    );
    expect(wrong).toEqual([]);
  });

  it('an unknown ID in a filter is ResourceNotFoundException, a known one is served', async () => {
    const path = pathOf(operation('ListSessionActions').http.requestUri, valid);
    for (const parameter of ['sessionId', 'taskId']) {
      const known = await rawRequest(
        fixture.emulator.endpoint,
        `${path}?${new URLSearchParams({ [parameter]: valid[parameter] ?? '' })}`,
      );
      expect(known.status, parameter).toBe(200);
      const unknown = await rawRequest(
        fixture.emulator.endpoint,
        `${path}?${new URLSearchParams({ [parameter]: otherId(parameter) })}`,
      );
      expect(unknown.status, parameter).toBe(404);
      expect(unknown.json.resourceId, parameter).toBe(otherId(parameter));
    }
  });

  it('ignores query parameters the operation does not bind, as a restJson1 server does', async () => {
    const path = pathOf(operation('ListSessions').http.requestUri, valid);
    const answer = await rawRequest(
      fixture.emulator.endpoint,
      `${path}?status=NOT_A_VALUE&principalId=nobody&displayName=&unknown=1&maxResults=1`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json.sessions).toHaveLength(1);
  });
});

describe('BatchGet* bodies follow the model', () => {
  function identifierShape(operationName: string) {
    const list = shape(inputMembers(operationName).find(([name]) => name === 'identifiers')?.[1].shape ?? '');
    const item = shape(list.member?.shape ?? '');
    return { list, item, members: Object.entries(item.members ?? {}) };
  }

  function identifierOf(
    operationName: string,
    overrides: Record<string, string> = {},
  ): Record<string, string> {
    const { members } = identifierShape(operationName);
    return Object.fromEntries(members.map(([name]) => [name, overrides[name] ?? valid[name] ?? '']));
  }

  /** `count` distinct well-formed identifiers: the valid one, then unknown ones (different last ID). */
  function identifiers(operationName: string, count: number): Record<string, string>[] {
    const { members } = identifierShape(operationName);
    const [lastName] = members.at(-1) ?? [''];
    return Array.from({ length: count }, (_, index) =>
      identifierOf(
        operationName,
        index === 0 ? {} : { [lastName]: otherId(lastName, index.toString(16).padStart(32, '0')) },
      ),
    );
  }

  function batch(operationName: string, body: unknown): Promise<Answer> {
    return rawRequest(fixture.emulator.endpoint, operation(operationName).http.requestUri, {
      method: 'POST',
      body: JSON.stringify(body),
    });
  }

  it.each(BATCH_OPERATIONS.map((op) => [op.name]))('%s identifiers: list length bounds', async (name) => {
    const { min = 0, max = 0 } = identifierShape(name).list;
    const got: Record<number, string[] | number> = {};
    for (const count of [min - 1, min, max, max + 1].filter((n) => n >= 0)) {
      got[count] = outcome(await batch(name, { identifiers: identifiers(name, count) }));
    }
    const expected: Record<number, string[] | number> = {
      [min]: 200,
      [max]: 200,
      [max + 1]: ['identifiers'],
    };
    if (min > 0) expected[min - 1] = ['identifiers'];
    expect(got).toEqual(expected);
  });

  it.each(BATCH_OPERATIONS.map((op) => [op.name]))(
    '%s identifiers: each required member, omitted',
    async (name) => {
      const { item } = identifierShape(name);
      for (const member of item.required ?? []) {
        const { [member]: _omitted, ...rest } = identifierOf(name);
        expect(outcome(await batch(name, { identifiers: [rest] })), member).toEqual([
          `identifiers.1.member.${member}`,
        ]);
      }
    },
  );

  const memberCases = BATCH_OPERATIONS.flatMap((op) =>
    identifierShape(op.name).members.map(
      ([member, { shape: shapeName }]) => [op.name, member, shapeName] as const,
    ),
  );

  it.each(memberCases)(
    '%s identifiers[].%s (%s): malformed values reject the whole call',
    async (name, member, shapeName) => {
      const wrong = await disagreements(
        idVariants(member),
        (value) => modelAccepts(shapeName, value),
        (value) => batch(name, { identifiers: [identifierOf(name, { [member]: value })] }),
        [`identifiers.1.member.${member}`],
        [200],
      );
      expect(wrong).toEqual([]);
    },
  );

  it.each(BATCH_OPERATIONS.map((op) => [op.name]))('%s rejects a repeated identifier', async (name) => {
    const [first, second] = identifiers(name, 2);
    expect(outcome(await batch(name, { identifiers: [first, second, first] }))).toEqual([
      'identifiers.3.member',
    ]);
  });

  it.each(BATCH_OPERATIONS.map((op) => [op.name]))(
    '%s per-item errors use the model error codes and well-formed IDs',
    async (name) => {
      const answer = await batch(name, { identifiers: identifiers(name, 3) });
      expect(answer.status).toBe(200);
      const output = shape(operation(name).output.shape);
      const errorsMember = output.members?.errors?.shape ?? '';
      const errorItem = shape(shape(errorsMember).member?.shape ?? '');
      const items = answer.json.errors as Record<string, string>[];
      expect(items).toHaveLength(2);
      for (const error of items) {
        for (const member of errorItem.required ?? []) {
          const memberShape = errorItem.members?.[member]?.shape ?? '';
          expect(modelAccepts(memberShape, error[member] ?? ''), `${member}: ${error[member]}`).toBe(true);
        }
      }
    },
  );
});

describe('error answers follow the model', () => {
  /** One request per error the emulator can be made to answer for `op`. */
  function triggers(op: (typeof OPERATIONS)[number]): [string, () => Promise<Answer>][] {
    const endpoint = fixture.emulator.endpoint;
    const labels = [...op.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
    const [first] = labels;
    const last = labels.at(-1);
    const ask = (path: string, init: Parameters<typeof rawRequest>[2] = {}) =>
      BATCH_OPERATIONS.includes(op)
        ? rawRequest(endpoint, op.path, { method: 'POST', body: '{"identifiers": []}', ...init })
        : askAt(op.method, path, init);
    const validPath = pathOf(op.path, valid);
    const injected = (error: InjectableError) => () => {
      fixture.emulator.failNext(op.name, error);
      return ask(validPath);
    };
    const result: [string, () => Promise<Answer>][] = [
      [
        'ValidationException',
        () =>
          ask(first === undefined ? `${op.path}?maxResults=0` : pathOf(op.path, { ...valid, [first]: 'x' })),
      ],
      ['AccessDeniedException', () => ask(validPath, { authorization: null })],
      ['ThrottlingException', injected('ThrottlingException')],
      ['InternalServerErrorException', injected('InternalServerErrorException')],
    ];
    if (last !== undefined) {
      result.push([
        'ResourceNotFoundException',
        () => ask(pathOf(op.path, { ...valid, [last]: otherId(last) })),
      ]);
    }
    return result;
  }

  it.each(OPERATIONS.map((op) => [op.name, op]))(
    '%s: each error is one the model declares, with its status and required members',
    async (name, op) => {
      const declared = operation(name).errors.map((error) => error.shape);
      for (const [errorName, trigger] of triggers(op)) {
        const answer = await trigger();
        const errorShape = shape(errorName);
        const bodyMembers = Object.entries(errorShape.members ?? {}).filter(([, member]) => !member.location);
        const context = `${name} ${errorName}`;
        expect(declared, context).toContain(errorName);
        expect(answer.headers.get('x-amzn-errortype'), context).toBe(errorName);
        expect(answer.status, context).toBe(errorShape.error?.httpStatusCode);
        expect(answer.json, context).not.toHaveProperty('code');
        for (const member of errorShape.required ?? []) {
          expect(answer.json[member], `${context}.${member}`).toBeTypeOf('string');
        }
        // No body member the shape lacks (the SDK would copy it onto the exception).
        expect(
          Object.keys(answer.json).filter((key) => !bodyMembers.some(([member]) => member === key)),
          context,
        ).toEqual([]);
        if (typeof answer.json.reason === 'string') {
          const reasonShape = errorShape.members?.reason?.shape ?? '';
          expect(shape(reasonShape).enum, context).toContain(answer.json.reason);
        }
      }
    },
  );
});
