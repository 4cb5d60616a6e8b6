import { ENTITY_TYPES, type EntityType } from '../ids/keys.js';
import type { DeadlineUpstream } from '../upstream/deadlineUpstream.js';
import { EntityLoader } from './entityLoader.js';

/** One loader per entity type, keyed by type name (`loaders.Job`). */
export type Loaders = { readonly [T in EntityType]: EntityLoader<T> };

/** A fresh set per GraphQL request: caches never outlive the request nor cross users. */
export function createLoaders(upstream: DeadlineUpstream): Loaders {
  return Object.fromEntries(ENTITY_TYPES.map((type) => [type, new EntityLoader(type, upstream)])) as Loaders;
}
