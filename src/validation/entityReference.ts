import { badUserInput } from '../errors/codes.js';
import { nativeIdMessage, parseGlobalId } from '../ids/globalId.js';
import { type EntityKeys, type EntityType, type IdName, KEY_PARTS } from '../ids/keys.js';
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
    const typed = parseGlobalId(fields.id);
    if (!typed || typed.type !== type) {
      const what = `\`id\` of this ${type} reference`;
      throw badUserInput(
        (!typed && nativeIdMessage(what, fields.id, 'reference')) ||
          `${what} is not a ${type} ID issued by this subgraph.`,
        'id',
      );
    }
    return typed.key as EntityKeys[T];
  }
  const parts: readonly IdName[] = KEY_PARTS[type];
  const key: Partial<Record<IdName, string>> = {};
  for (const part of parts) {
    checkIdArgument(part, fields[part]);
    key[part] = fields[part] as string;
  }
  return key as unknown as EntityKeys[T];
}
