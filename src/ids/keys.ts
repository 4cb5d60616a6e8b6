/**
 * Native Deadline Cloud identifiers and the composite keys that locate each entity, derived from the registry
 * (src/model/entities.ts).
 *
 * Deadline's list and get responses often omit parent IDs (a JobSummary has no farmId/queueId), so every record
 * the gateway handles carries its full key. Keys are also what loaders cache by and what global IDs encode.
 */
import { compileWithNames } from '../model/compiled.js';
import { ENTITIES } from '../model/entities.js';

export type EntityType = keyof typeof ENTITIES;

/** The key parts of `T`, outermost first. */
type KeyPartsOf<T extends EntityType> = (typeof ENTITIES)[T]['key'];
type Last<K> = K extends readonly [...unknown[], infer L] ? L : never;

/** A native ID's name: the last key part of some entity (`farmId`, `jobId`, …). */
export type IdName = { [T in EntityType]: Last<KeyPartsOf<T>> }[EntityType];

/** Each entity's key: its key parts as string members. */
export type EntityKeys = { [T in EntityType]: { [P in KeyPartsOf<T>[number]]: string } };

type Init<K> = K extends readonly [...infer I, unknown] ? I : never;

/** The key of `T`'s parent: `T`'s key without its own ID (`{}` for a root type, listed under `Query`). */
export type ParentKey<T extends EntityType> = { [P in Init<KeyPartsOf<T>>[number] & string]: string };

/** A key tagged with its entity type. */
export type TypedKey = { [T in EntityType]: { type: T; key: EntityKeys[T] } }[EntityType];

export const ENTITY_TYPES = Object.keys(ENTITIES) as EntityType[];

/** The parts of each entity's key, outermost first. The order defines key paths and global IDs. */
export const KEY_PARTS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [type, ENTITIES[type].key]),
) as unknown as { readonly [T in EntityType]: KeyPartsOf<T> };

/** Anchored ID patterns from the Deadline Cloud model, by ID name. */
export const ID_PATTERNS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [ENTITIES[type].key.at(-1), ENTITIES[type].idPattern]),
) as Readonly<Record<IdName, RegExp>>;

const partsOf = (type: EntityType): readonly IdName[] => KEY_PARTS[type] as readonly IdName[];

export function isEntityType(value: string): value is EntityType {
  return Object.hasOwn(ENTITIES, value);
}

export function isIdName(value: string): value is IdName {
  return Object.hasOwn(ID_PATTERNS, value);
}

export function isValidId(name: IdName, value: string): boolean {
  return ID_PATTERNS[name].test(value);
}

/** The entity whose key is `type`'s key without its last part; undefined for a root type. */
export function parentTypeOf(type: EntityType): EntityType | undefined {
  const parts = partsOf(type);
  return ENTITY_TYPES.find(
    (other) =>
      partsOf(other).length === parts.length - 1 && partsOf(other).every((part, i) => parts[i] === part),
  );
}

/** The entities `type`'s key contains (its key ancestors), outermost first. */
export function keyAncestorsOf(type: EntityType): EntityType[] {
  const ancestors: EntityType[] = [];
  for (let parent = parentTypeOf(type); parent !== undefined; parent = parentTypeOf(parent)) {
    ancestors.unshift(parent);
  }
  return ancestors;
}

/** A function compiled once per entity type from its key parts (src/model/compiled.ts). */
function compilePerType<F>(source: (parts: readonly string[]) => string, ...parameters: string[]) {
  return Object.fromEntries(
    ENTITY_TYPES.map((type) => [
      type,
      compileWithNames<F>('key part', partsOf(type), parameters, source(partsOf(type))),
    ]),
  ) as Record<EntityType, F>;
}

const stringOr = (expression: string) => `(typeof ${expression} === 'string' ? ${expression} : '')`;

const KEY_OF = compilePerType<(source: object) => object>(
  (parts) => `return { ${parts.map((part) => `${part}: ${stringOr(`s.${part}`)}`).join(', ')} };`,
  's',
);

const KEY_UNDER = compilePerType<(parent: object, item: object) => object>(
  (parts) =>
    `return { ${parts
      .map((part, index) => `${part}: ${index < parts.length - 1 ? `p.${part}` : stringOr(`i.${part}`)}`)
      .join(', ')} };`,
  'p',
  'i',
);

/** The key of `type` read from any object holding its parts (a wider key, a record, arguments): exactly its parts. */
export function keyOf<T extends EntityType>(type: T, source: object): EntityKeys[T] {
  return KEY_OF[type](source) as EntityKeys[T];
}

const KEY_PART_READERS = new Map(
  Object.keys(ID_PATTERNS).map((part) => [
    part,
    compileWithNames<(record: { key: object }) => string>(
      'key part',
      [part],
      ['record'],
      `return record.key.${part};`,
    ),
  ]),
);

/** `(record) => record.key.<part>`, compiled (a named property read), for the key fields' resolvers. */
export function keyPartReader(part: IdName): (record: { key: object }) => string {
  const reader = KEY_PART_READERS.get(part);
  if (reader === undefined) throw new TypeError(`not a key part: ${part}`);
  return reader;
}

/** The key of a `type` item of a list: its parent's key parts from `parent`, its own ID from the item. */
export function keyUnder<T extends EntityType>(type: T, parent: ParentKey<T>, item: object): EntityKeys[T] {
  return KEY_UNDER[type](parent, item) as EntityKeys[T];
}

const KEY_PATH_OF = compilePerType<(key: object) => string>(
  (parts) => `return ${parts.map((part) => `(k.${part} ?? '')`).join(" + '/' + ")};`,
  'k',
);

/**
 * `farm-…/queue-…/job-…` (a missing part prints as ''): a key as one string, the cache key and what cursors and
 * global IDs hold.
 */
export function keyPath<T extends EntityType>(type: T, key: EntityKeys[T]): string {
  const path = KEY_PATH_OF[type];
  if (path === undefined) throw new TypeError(`keyPath: unknown entity type ${String(type)}`);
  return path(key);
}

/**
 * Parses a key path back into a key, or returns undefined when it does not have the right number of parts or a
 * part does not match its ID pattern.
 */
export function parseKeyPath<T extends EntityType>(type: T, path: string): EntityKeys[T] | undefined {
  const parts = partsOf(type);
  const values = path.split('/');
  if (values.length !== parts.length) return undefined;
  const key: Partial<Record<IdName, string>> = {};
  for (const [index, part] of parts.entries()) {
    const value = values[index];
    if (value === undefined || !isValidId(part, value)) return undefined;
    key[part] = value;
  }
  return key as unknown as EntityKeys[T];
}

/** Entity types, longest key first: the first whose parts a key has all of is the key's type. */
const BY_KEY_LENGTH = [...ENTITY_TYPES].sort((a, b) => partsOf(b).length - partsOf(a).length);

/** The farm of any entity's key (every key starts with `farmId`), or '' when it has none. */
export function farmOf(key: object): string {
  return (key as { farmId?: string }).farmId ?? '';
}

/** The entity type a key belongs to, told by which IDs it has. */
export function entityTypeOf(key: object): EntityType {
  const type = BY_KEY_LENGTH.find((candidate) => partsOf(candidate).every((part) => part in key));
  if (type === undefined) throw new TypeError('entityTypeOf: not an entity key');
  return type;
}
