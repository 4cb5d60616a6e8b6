import { type EntityKeys, type EntityType, type IdName, KEY_PARTS } from '../ids/keys.js';
import { parseGlobalIdArgument } from './globalIdArguments.js';
import { checkIdArgument } from './idArguments.js';

/**
 * The key of an entity representation sent by a federation router (`_entities`): either its global `id`, or its
 * native Deadline IDs (`farmId queueId jobId` …). Anything else is BAD_USER_INPUT for that representation only:
 * callers must throw it asynchronously (async resolvers), since @apollo/subgraph calls every `__resolveReference`
 * inside one `map`, where a synchronous throw would fail the whole `_entities` list.
 */
export function keyOfReference<T extends EntityType>(type: T, reference: object): EntityKeys[T] {
  const fields = reference as Record<string, unknown>;
  if (typeof fields.id === 'string') {
    return parseGlobalIdArgument(fields.id, 'id', { type, inReference: true }).key;
  }
  const parts: readonly IdName[] = KEY_PARTS[type];
  const key: Partial<Record<IdName, string>> = {};
  for (const part of parts) {
    checkIdArgument(part, fields[part]);
    key[part] = fields[part] as string;
  }
  return key as unknown as EntityKeys[T];
}
