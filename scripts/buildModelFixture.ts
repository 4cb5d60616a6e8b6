/**
 * Writes the emulator's model fixture, test/emulator/model/deadline-<API version>.json, from botocore's Deadline
 * Cloud model (`botocore/data/deadline/<API version>/service-2.json`):
 *
 *   npm run model:fixture -- <path to service-2.json> [--commit <botocore commit the file was read at>]
 *
 * Kept: the operations the emulator serves (OPERATIONS in src/emulator/routes.ts, so a newly served operation
 * only needs a re-run), every shape their input, output and errors reach, and every enum shape of the model (the
 * vocabulary tests draw foreign values from). Documentation strings are dropped. Each level names the keys it
 * keeps and the doc-only keys it drops; any other key stops the script, so a new model key is decided here rather
 * than kept or lost silently. Output is byte-stable for a given input: keys in the order listed here, operations
 * and shapes sorted by name, arrays and members in model order.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { API_VERSION, OPERATIONS } from '../src/emulator/routes.js';

/** botocore 1.43.67, the snapshot the committed fixture was built from (test/emulator/model/README.md). */
const DEFAULT_COMMIT = '0e6e2404b85dc336dd2889814e089bde7d1a4c55';
const SERVICE = 'deadline';
const SCRIPT = 'scripts/buildModelFixture.ts';
const OUTPUT = new URL(`../test/emulator/model/${SERVICE}-${API_VERSION}.json`, import.meta.url);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keys that carry only prose for readers of the model. */
const DOC_KEYS = ['documentation', 'documentationUrl', 'deprecatedMessage'];

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: Json | undefined, where: string): JsonObject {
  if (!isObject(value)) throw new Error(`${where}: expected an object`);
  return value;
}

/**
 * The `keep` keys of `value`, in that order, each passed through its own function (copied as is when null);
 * DOC_KEYS are dropped and any other key is an error.
 */
function pick(
  value: Json | undefined,
  where: string,
  keep: Record<string, ((child: Json, where: string) => Json) | null>,
): JsonObject {
  const object = asObject(value, where);
  const unknown = Object.keys(object).filter((key) => !(key in keep) && !DOC_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `${where}: unhandled key(s) ${unknown.join(', ')}; decide in ${SCRIPT} to keep or drop them`,
    );
  }
  const result: JsonObject = {};
  for (const [key, transform] of Object.entries(keep)) {
    const child = object[key];
    if (child !== undefined) result[key] = transform ? transform(child, `${where}.${key}`) : child;
  }
  return result;
}

const shapeRef = (value: Json, where: string) => pick(value, where, { shape: null });

const memberRef = (value: Json, where: string) =>
  pick(value, where, {
    shape: null,
    location: null,
    locationName: null,
    idempotencyToken: null,
    deprecated: null,
  });

function members(value: Json, where: string): JsonObject {
  // Member order is the model's: it is the order of fields in requests and responses.
  return Object.fromEntries(
    Object.entries(asObject(value, where)).map(([name, member]) => [
      name,
      memberRef(member, `${where}.${name}`),
    ]),
  );
}

const shapeOf = (value: Json, where: string) =>
  pick(value, where, {
    type: null,
    required: null,
    members,
    member: memberRef,
    key: memberRef,
    value: memberRef,
    min: null,
    max: null,
    pattern: null,
    enum: null,
    union: null,
    document: null,
    sensitive: null,
    box: null,
    timestampFormat: null,
    deprecated: null,
    exception: null,
    fault: null,
    error: (error, at) => pick(error, at, { code: null, httpStatusCode: null, senderFault: null }),
    retryable: (retryable, at) => pick(retryable, at, { throttling: null }),
  });

const operationOf = (value: Json, where: string) =>
  pick(value, where, {
    name: null,
    http: (http, at) => pick(http, at, { method: null, requestUri: null, responseCode: null }),
    endpoint: (endpoint, at) => pick(endpoint, at, { hostPrefix: null }),
    input: shapeRef,
    output: shapeRef,
    errors: (errors, at) => {
      if (!Array.isArray(errors)) throw new Error(`${at}: expected an array`);
      return errors.map((error, index) => shapeRef(error, `${at}[${index}]`));
    },
    idempotent: null,
    readonly: null,
    deprecated: null,
  });

/** The names of `start` and every shape it reaches through members, list members and map keys and values. */
function reachable(shapes: JsonObject, start: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...start];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    const shape = shapes[name];
    if (!isObject(shape)) throw new Error(`shape ${name} is referenced but not in the model`);
    seen.add(name);
    const refs = [
      ...Object.values(isObject(shape.members) ? shape.members : {}),
      shape.member,
      shape.key,
      shape.value,
    ];
    for (const ref of refs) if (isObject(ref) && typeof ref.shape === 'string') pending.push(ref.shape);
  }
  return seen;
}

function sortedEntries(names: Iterable<string>, make: (name: string) => Json): JsonObject {
  return Object.fromEntries([...names].sort().map((name) => [name, make(name)]));
}

function buildFixture(model: JsonObject, commit: string): JsonObject {
  const metadata = asObject(model.metadata, 'metadata');
  if (metadata.apiVersion !== API_VERSION) {
    throw new Error(`the model is API version ${metadata.apiVersion}; the emulator serves ${API_VERSION}`);
  }
  const operations = asObject(model.operations, 'operations');
  const shapes = asObject(model.shapes, 'shapes');

  const served = OPERATIONS.map((op) => op.name);
  const missing = served.filter((name) => !(name in operations));
  if (missing.length > 0) throw new Error(`operations the emulator serves but the model lacks: ${missing}`);
  const kept = Object.fromEntries(served.map((name) => [name, operationOf(operations[name] ?? null, name)]));

  const roots = Object.values(kept).flatMap((op) => [
    ...[op.input, op.output].filter(isObject).map((ref) => String(ref.shape)),
    ...(Array.isArray(op.errors) ? op.errors : []).filter(isObject).map((ref) => String(ref.shape)),
  ]);
  const enums = Object.keys(shapes).filter((name) => isObject(shapes[name]) && 'enum' in shapes[name]);
  const keptShapes = new Set([...reachable(shapes, roots), ...enums]);

  const path = `botocore/data/${SERVICE}/${API_VERSION}/service-2.json`;
  return {
    // Provenance; the tests read only `operations` and `shapes`.
    _source: {
      repository: 'https://github.com/boto/botocore',
      path,
      commit,
      url: `https://github.com/boto/botocore/blob/${commit}/${path}`,
      license: 'Apache-2.0',
      licenseText: 'https://www.apache.org/licenses/LICENSE-2.0',
      copyright: 'Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved.',
      modified: `Derived by ${SCRIPT}: documentation stripped; only the operations src/emulator/routes.ts serves, the shapes they reach, and every enum shape`,
    },
    version: model.version ?? null,
    metadata: pick(metadata, 'metadata', {
      apiVersion: null,
      auth: null,
      endpointPrefix: null,
      protocol: null,
      protocols: null,
      serviceFullName: null,
      serviceId: null,
      signatureVersion: null,
      signingName: null,
      uid: null,
    }),
    operations: sortedEntries(Object.keys(kept), (name) => kept[name] ?? null),
    shapes: sortedEntries(keptShapes, (name) => shapeOf(shapes[name] ?? null, `shapes.${name}`)),
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { commit: { type: 'string' } },
});
const [input] = positionals;
if (input === undefined || positionals.length > 1) {
  console.error(`usage: npm run model:fixture -- <path to service-2.json> [--commit <botocore commit>]`);
  process.exit(2);
}
const commit = values.commit ?? DEFAULT_COMMIT;
if (values.commit === undefined) {
  // The fixture records its source: a newer model read without --commit would claim the old snapshot.
  console.warn(`No --commit given: recording botocore ${DEFAULT_COMMIT}, the committed fixture's source.`);
}
if (!/^[0-9a-f]{40}$/.test(commit)) {
  console.error(`--commit: expected a full 40-character commit hash, got ${commit}`);
  process.exit(2);
}

const model = asObject(JSON.parse(readFileSync(input, 'utf8')) as Json, input);
// Only these top-level keys are known (documentation aside); anything else stops here.
pick(model, 'the model', { version: null, metadata: null, operations: null, shapes: null });
const fixture = buildFixture(model, commit);
const text = `${JSON.stringify(fixture, null, 2)}\n`;
mkdirSync(new URL('.', OUTPUT), { recursive: true });
writeFileSync(OUTPUT, text);
const counts = `${Object.keys(asObject(fixture.operations, '')).length} operations, ${Object.keys(asObject(fixture.shapes, '')).length} shapes`;
console.log(`Wrote ${fileURLToPath(OUTPUT)} (${counts}, ${(text.length / 1024).toFixed(1)} KB).`);
