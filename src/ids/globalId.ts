import { fromGlobalId } from 'graphql-relay';
import {
  type EntityKeys,
  type EntityType,
  isEntityType,
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
