import { fromGlobalId, toGlobalId } from 'graphql-relay';
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
  return toGlobalId(type, keyPath(type, key));
}

/**
 * Decodes a global ID, or returns undefined when the value is not one this API issued (wrong encoding, unknown
 * type, wrong parts). Only canonical encodings are accepted, so an ID has exactly one spelling.
 */
export function parseGlobalId(id: string): TypedKey | undefined {
  const { type, id: path } = fromGlobalId(id);
  if (!isEntityType(type)) return undefined;
  const key = parseKeyPath(type, path);
  if (key === undefined || toGlobalId(type, path) !== id) return undefined;
  return { type, key } as TypedKey;
}
