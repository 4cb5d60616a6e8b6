/**
 * The lean response path: the SDK's own restJson1 protocol (`AwsRestJsonProtocol`, the client's `protocol` option)
 * with one change. A successful (2xx) response of an operation whose output is plain JSON is read once and
 * `JSON.parse`d as it is: members as on the wire, timestamps the wire's ISO-8601 strings (never `Date`s; the
 * `DateTime` scalar prints them), and `$metadata` from the SDK's own `deserializeMetadata`. The SDK's typed
 * deserialization of such an answer (a schema walk, a `Date` per timestamp) was most of its CPU per call, and the
 * gateway re-shaped the result anyway (src/model/records.ts types records with `Wire<…>`).
 *
 * Everything else is the SDK's: request serialization, signing, endpoints, credentials, the retry middleware, and
 * `super.deserializeResponse` for every non-2xx answer (typed exceptions, `$retryable`, `Retry-After`), for a 2xx
 * body that is empty, not JSON, or not a JSON object (so a truncated body fails exactly as before), and for any
 * operation whose output needs the schema (`isPlainJson` below). test/unit/leanResponses.test.ts fails when an SDK
 * upgrade moves what this hooks into; test/integration/leanResponses.test.ts holds both paths' answers equal.
 *
 * Known differences on 2xx: members the SDK does not know are kept (records copy only the registry's members); an
 * unknown union member keeps its wire key where the SDK makes it `$unknown` (the resolvers read both alike); a
 * member sent as `null` stays `null` (the SDK drops it; Deadline omits absent members); a float sent as the string
 * "NaN"/"Infinity" stays a string (Deadline's floats are costs and weights); an invalid timestamp fails the one
 * `DateTime` field that selects it instead of the whole call.
 */
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { collectBody } from '@smithy/core/protocols';
import { NormalizedSchema } from '@smithy/core/schema';

type Deserialize = AwsRestJsonProtocol['deserializeResponse'];
type OperationSchema = Parameters<Deserialize>[0];
type SchemaRef = OperationSchema['output'];
/** What every deserialized output is (the SDK's `MetadataBearer`). */
type MetadataBearer = Awaited<ReturnType<Deserialize>>;

/** Smithy's simple-type code of a `date-time` timestamp (ISO-8601 on the wire). */
const DATE_TIME = 5;

export class LeanRestJsonProtocol extends AwsRestJsonProtocol {
  /** Per operation (`namespace#name`): whether its 2xx answers may take the lean path. */
  private readonly plainJson = new Map<string, boolean>();

  override async deserializeResponse<Output extends MetadataBearer>(
    operationSchema: OperationSchema,
    context: Parameters<Deserialize>[1],
    response: Parameters<Deserialize>[2],
  ): Promise<Output> {
    if (response.statusCode < 200 || response.statusCode >= 300 || !this.isLean(operationSchema)) {
      return super.deserializeResponse(operationSchema, context, response);
    }
    const bytes = await collectBody(response.body, context);
    let output: unknown;
    try {
      output =
        bytes.byteLength === 0
          ? undefined
          : JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch {
      output = undefined;
    }
    if (output === null || typeof output !== 'object' || Array.isArray(output)) {
      // The SDK's own answer (or error) for this body: it reads the bytes already collected.
      response.body = bytes;
      return super.deserializeResponse(operationSchema, context, response);
    }
    (output as { $metadata: unknown }).$metadata = this.deserializeMetadata(response);
    return output as Output;
  }

  private isLean(operationSchema: OperationSchema): boolean {
    const id = `${operationSchema.namespace}#${operationSchema.name}`;
    let lean = this.plainJson.get(id);
    if (lean === undefined) {
      lean = isPlainJson(operationSchema.output);
      this.plainJson.set(id, lean);
    }
    return lean;
  }
}

/**
 * Whether `JSON.parse` of an output's body gives what the SDK gives, up to timestamps and the differences above: no
 * member bound to a header, the status code or the whole payload, no stream; nowhere a renamed member (`jsonName`),
 * a timestamp other than ISO-8601 (`date-time`), a blob (base64 on the wire), a big number or a JSON-in-a-string.
 * Every output of Deadline's read operations the gateway calls is plain JSON (the unit test checks it).
 */
export function isPlainJson(output: SchemaRef): boolean {
  const top = NormalizedSchema.of(output);
  if (!top.isStructSchema()) return false;
  for (const [, member] of top.structIterator()) {
    const traits = member.getMergedTraits();
    if (
      traits.httpHeader !== undefined ||
      traits.httpPrefixHeaders !== undefined ||
      traits.httpResponseCode !== undefined ||
      traits.httpPayload !== undefined ||
      member.isStreaming()
    ) {
      return false;
    }
  }
  return isPlainValue(top, new Set());
}

function isPlainValue(schema: NormalizedSchema, seen: Set<unknown>): boolean {
  if (schema.getMergedTraits().jsonName !== undefined) return false;
  if (schema.isTimestampSchema()) return schema.getSchema() === DATE_TIME;
  if (schema.isBlobSchema() || schema.isBigIntegerSchema() || schema.isBigDecimalSchema()) return false;
  if (schema.isStringSchema()) return schema.getMergedTraits().mediaType === undefined;
  if (schema.isListSchema() || schema.isMapSchema()) return isPlainValue(schema.getValueSchema(), seen);
  if (schema.isStructSchema()) {
    const shape = schema.getSchema();
    if (seen.has(shape)) return true;
    seen.add(shape);
    for (const [, member] of schema.structIterator()) {
      if (!isPlainValue(member, seen)) return false;
    }
  }
  return true;
}
