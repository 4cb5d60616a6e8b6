/**
 * The records resolvers receive (codegen maps every entity type to `EntityRecord<'Type'>`): an upstream DTO plus
 * the full key (`key`, since Deadline's responses omit parent IDs) and its `level`. `level` says whether the DTO
 * came from a list (summary) or a Get/BatchGet (detail): a resolver for a detail-only field loads the detail when it
 * only has a summary, so a summary never hides a detail field. The DTO types are the SDK's, found through the
 * operations the registry names, as the wire sends them (`Wire`: timestamps are ISO strings); the builders lay
 * records out in one fixed shape per kind (docs/design/loaders.md).
 */
import type * as Sdk from '@aws-sdk/client-deadline';
import type { EntityKeys, EntityType } from '../ids/keys.js';
import { compileWithNames } from './compiled.js';
import { ENTITIES, type OperationName } from './entities.js';

type Entry<T extends EntityType> = (typeof ENTITIES)[T];

/** The output type of an operation's SDK command. */
type OutputOf<Op extends OperationName> = `${Op}Command` extends keyof typeof Sdk
  ? InstanceType<(typeof Sdk)[`${Op}Command`]> extends {
      resolveMiddleware(...args: never[]): (...args: never[]) => Promise<{ output: infer O }>;
    }
    ? O
    : never
  : never;

/** The items of output member `M` of operation `Op`. */
type ItemOf<Op extends OperationName, M extends string> =
  OutputOf<Op> extends {
    [K in M]?: ReadonlyArray<infer I> | undefined;
  }
    ? I
    : never;

/**
 * An SDK type as the client's lean response path delivers it (src/upstream/leanResponses.ts): the wire's JSON, so
 * every `Date` is the ISO-8601 string it was sent as, through objects, arrays and maps.
 */
export type Wire<T> = T extends Date ? string : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** A list item of `T`, as the SDK types it, on the wire. */
export type SummaryDto<T extends EntityType> = Wire<
  ItemOf<Entry<T>['list']['operation'], Entry<T>['list']['items']>
>;

/** A Get/BatchGet answer for `T` on the wire: the BatchGet item where there is one, else the Get output. */
export type DetailDto<T extends EntityType> = Wire<
  Entry<T>['batchGet'] extends {
    operation: infer Op extends OperationName;
    items: infer M extends string;
  }
    ? ItemOf<Op, M>
    : Omit<OutputOf<Entry<T>['get']>, '$metadata'>
>;

/** The DTO's members stay at the top level, so GraphQL's default resolvers serve the fields named as upstream. */
export type DetailRecord<T extends EntityType> = { level: 'detail' } & DetailDto<T> & { key: EntityKeys[T] };
export type SummaryRecord<T extends EntityType> = { level: 'summary' } & SummaryDto<T> & {
    key: EntityKeys[T];
  };

/** Any record of `T`: a summary or a detail; always a detail when list items are details. */
export type EntityRecord<T extends EntityType> = Entry<T>['members']['summary'] extends null
  ? DetailRecord<T>
  : SummaryRecord<T> | DetailRecord<T>;

export type AnyRecord = { [T in EntityType]: EntityRecord<T> }[EntityType];

type Members<T extends EntityType> = Entry<T>['members'];
type SummaryListed<T extends EntityType> = Members<T>['summary'] extends readonly (infer M)[] ? M : never;
type DetailListed<T extends EntityType> =
  | SummaryListed<T>
  | Members<T>['detailOnly'][number]
  | Members<T>['fromKey'][number];

/** What an entry's member lists miss or name in excess, against the SDK's types (every entry: all `never`). */
type MemberGaps<T extends EntityType> = {
  listItemMissing: Exclude<
    keyof SummaryDto<T>,
    Members<T>['summary'] extends null ? DetailListed<T> : SummaryListed<T>
  >;
  listItemUnknown: Exclude<SummaryListed<T>, keyof SummaryDto<T>>;
  detailMissing: Exclude<keyof DetailDto<T>, DetailListed<T>>;
  detailUnknown: Exclude<DetailListed<T>, keyof DetailDto<T>>;
  fromKeyNotInKey: Exclude<Members<T>['fromKey'][number], keyof EntityKeys[T]>;
};
type TrueWhenNone<Messages> = [Messages] extends [never] ? true : Messages;

/**
 * Fails to compile, naming the entry and the members, when a registry entry's member lists do not name exactly
 * the members of the SDK's types (say, one the SDK adds).
 */
export const MEMBER_LISTS_COMPLETE: TrueWhenNone<
  // One message per gap, naming the entry, the list and the member (what the compile error shows).
  {
    [T in EntityType]: {
      [G in keyof MemberGaps<T>]: `${T}.members: ${G} ${Extract<MemberGaps<T>[G], string>}`;
    }[keyof MemberGaps<T>];
  }[EntityType]
> = true;

/** Builds a record from an upstream DTO and the key: `(source, key) => record`. */
export type RecordBuilder<R> = (source: object, key: object) => R;

export interface RecordBuilders<T extends EntityType> {
  /** A List item's record (a summary, or a detail when list items are details). */
  listItem: RecordBuilder<EntityRecord<T>>;
  /** A Get output's or BatchGet item's record. */
  detail: RecordBuilder<DetailRecord<T>>;
}

/**
 * `(source, key) => ({ key, level, a: key.a, b: source.b, … })`, members in list order, absent ones undefined: the
 * object literal one would write by hand, compiled once per kind (one hidden class per kind, `$metadata` never
 * copied; docs/design/loaders.md says why).
 */
function compileRecordBuilder(
  level: 'summary' | 'detail',
  fromKey: readonly string[],
  fromSource: readonly string[],
): RecordBuilder<never> {
  const members = [
    ...fromKey.map((member) => `${member}: key.${member}`),
    ...fromSource.map((member) => `${member}: source.${member}`),
  ];
  return compileWithNames<RecordBuilder<never>>(
    'record member',
    [...fromKey, ...fromSource],
    ['source', 'key'],
    `return { key, level: ${JSON.stringify(level)}, ${members.join(', ')} };`,
  );
}

function buildersOf<T extends EntityType>(type: T): RecordBuilders<T> {
  const { summary, detailOnly, fromKey } = ENTITIES[type].members as {
    summary: readonly string[] | null;
    detailOnly: readonly string[];
    fromKey: readonly string[];
  };
  const detail = compileRecordBuilder('detail', fromKey, [...(summary ?? []), ...detailOnly]);
  return { listItem: summary === null ? detail : compileRecordBuilder('summary', [], summary), detail };
}

/** The record builders of every entity type. */
export const RECORDS = Object.fromEntries(
  (Object.keys(ENTITIES) as EntityType[]).map((type) => [type, buildersOf(type)]),
) as { readonly [T in EntityType]: RecordBuilders<T> };
