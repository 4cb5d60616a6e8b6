import { badUserInput } from '../errors/codes.js';
import { parseGlobalId } from '../ids/globalId.js';
import {
  type EntityKeys,
  type EntityType,
  ID_PATTERNS,
  type IdName,
  KEY_PARTS,
  type TypedKey,
} from '../ids/keys.js';

/** The most IDs `nodes(ids:)` takes in one call. */
export const MAX_NODES = 100;

/** `nodes(ids:)` takes at most MAX_NODES IDs (checked by the preflight, and by the resolver for direct executions). */
export function checkNodesCount(ids: readonly unknown[]): void {
  if (ids.length > MAX_NODES) {
    throw badUserInput(
      `\`ids\` takes at most ${MAX_NODES} IDs (got ${ids.length}). Split the request.`,
      'ids',
    );
  }
}

/** What a global ID must be, beyond one this API issued. */
export interface ExpectedGlobalId<T extends EntityType> {
  /** The entity type the ID must name. */
  type: T;
  /**
   * The ID is the `id` of a federation entity representation (`_entities`): the message names the representation,
   * and points a native ID to the representation's key fields instead of to a lookup.
   */
  inReference?: boolean;
}

/**
 * The typed key of the global ID `value`, given as the argument `argumentName` (`id`, `ids[2]`), optionally of an
 * expected type; otherwise BAD_USER_INPUT naming the argument (`extensions.argumentName`). Every global ID a client
 * sends (`node`, `nodes`, `_entities` representations) is checked here, by the preflight and again by the resolver.
 */
export function parseGlobalIdArgument(value: string, argumentName: string): TypedKey;
export function parseGlobalIdArgument<T extends EntityType>(
  value: string,
  argumentName: string,
  expected: ExpectedGlobalId<T>,
): { type: T; key: EntityKeys[T] };
export function parseGlobalIdArgument(
  value: string,
  argumentName: string,
  expected?: ExpectedGlobalId<EntityType>,
): TypedKey {
  const typed = parseGlobalId(value);
  if (typed && (!expected || typed.type === expected.type)) return typed;
  const what = expected?.inReference
    ? `\`${argumentName}\` of this ${expected.type} reference`
    : `\`${argumentName}\``;
  const native = typed
    ? undefined
    : nativeIdMessage(what, value, expected?.inReference ? 'reference' : 'lookup');
  throw badUserInput(native ?? notIssuedMessage(what, value, expected), argumentName);
}

/** The message for a value that is not a global ID this API issued (of the expected type, when there is one). */
function notIssuedMessage(
  what: string,
  value: string,
  expected: ExpectedGlobalId<EntityType> | undefined,
): string {
  const got = `(got ${JSON.stringify(value.slice(0, 100))})`;
  if (!expected) {
    return (
      `${what} is not an ID issued by this API ${got}. Use the \`id\` field of an object; native Deadline IDs go to ` +
      'the typed lookups such as `job(farmId:, queueId:, jobId:)`.'
    );
  }
  const instead = expected.inReference
    ? `, or send its key fields instead (\`${KEY_PARTS[expected.type].join(' ')}\`)`
    : '; native Deadline IDs go to the typed lookups';
  return `${what} is not a ${expected.type} ID issued by this API ${got}. Use the \`id\` field of a ${expected.type}${instead}.`;
}

/**
 * When `value` is a native Deadline ID (`farm-…`, `job-…`: it matches an ID_PATTERNS entry) given where a global ID
 * belongs, a message that says so and names what takes it: the root lookup of the entity whose key ends with that
 * ID, with that key's parts as arguments (`job(farmId:, queueId:, jobId: "job-…")`); for a federation `reference`,
 * the key fields to send instead. Undefined for any other value.
 */
function nativeIdMessage(what: string, value: string, use: 'lookup' | 'reference'): string | undefined {
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
