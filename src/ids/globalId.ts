import { fromGlobalId } from 'graphql-relay';
import {
  type EntityKeys,
  type EntityType,
  ID_PATTERNS,
  type IdName,
  isEntityType,
  KEY_PARTS,
  keyPath,
  parseKeyPath,
  type TypedKey,
} from './keys.js';

/**
 * Relay global IDs: base64 of `Type:farm-…/queue-…/job-…`. The ID names the type and the full parent path, so
 * `Query.node(id:)` needs one lookup and no search. Clients must treat the value as opaque.
 */
export function globalIdOf<T extends EntityType>(type: T, key: EntityKeys[T]): string {
  return encodeGlobalId(type, keyPath(type, key));
}

/**
 * graphql-relay's `toGlobalId` (base64 of the UTF-8 of `Type:path`, padded), through Node's native base64 instead of
 * its per-character JavaScript encoder: the same string (every `id` of every node costs one of these).
 */
function encodeGlobalId(type: string, path: string): string {
  return Buffer.from(`${type}:${path}`, 'utf8').toString('base64');
}

/**
 * Decodes a global ID, or returns undefined when the value is not one this API issued (wrong encoding, unknown
 * type, wrong parts). Only canonical encodings are accepted, so an ID has exactly one spelling.
 */
export function parseGlobalId(id: string): TypedKey | undefined {
  const { type, id: path } = fromGlobalId(id);
  if (!isEntityType(type)) return undefined;
  const key = parseKeyPath(type, path);
  if (key === undefined || encodeGlobalId(type, path) !== id) return undefined;
  return { type, key } as TypedKey;
}

/** The BAD_USER_INPUT message for `value`, given as `what` (e.g. `` `ids[2]` ``), which is not a global ID. */
export function notAGlobalIdMessage(what: string, value: string): string {
  return (
    nativeIdMessage(what, value, 'lookup') ??
    `${what} is not an ID issued by this API (got ${JSON.stringify(value.slice(0, 100))}). Use the \`id\` field of ` +
      'an object; native Deadline IDs go to the typed lookups such as `job(farmId:, queueId:, jobId:)`.'
  );
}

/**
 * When `value` is a native Deadline ID (`farm-…`, `job-…`: it matches an ID_PATTERNS entry) given where a global ID
 * belongs, a message that says so and names what takes it: the root lookup of the entity whose key ends with that
 * ID, with that key's parts as arguments (`job(farmId:, queueId:, jobId: "job-…")`); for a federation `reference`,
 * the key fields to send instead. Undefined for any other value.
 */
export function nativeIdMessage(
  what: string,
  value: string,
  use: 'lookup' | 'reference',
): string | undefined {
  const idName = (Object.keys(ID_PATTERNS) as IdName[]).find((name) => ID_PATTERNS[name].test(value));
  const type = (Object.keys(KEY_PARTS) as EntityType[]).find((t) => KEY_PARTS[t].at(-1) === idName);
  if (!idName || !type) return undefined;
  const kind = idName.slice(0, -'Id'.length);
  const parts: readonly IdName[] = KEY_PARTS[type];
  const instead =
    use === 'reference'
      ? `Send its key fields instead (\`${parts.join(' ')}\`)`
      : `Use \`${kind}(${parts.map((part) => (part === idName ? `${part}: "${value}"` : `${part}:`)).join(', ')})\``;
  return (
    `${what}: "${value}" is a native Deadline ${kind} ID, not a global ID. ${instead}, or the ${kind}'s \`id\` ` +
    'field as returned by this API.'
  );
}
