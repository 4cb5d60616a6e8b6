import { parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../errors/codes.js';

/**
 * ISO-8601 UTC with milliseconds, as Deadline sends it. Records hold the wire's string (src/upstream/leanResponses.ts);
 * serialize prints it, or a Date, in this one form.
 */
function serialize(value: unknown): string {
  // The wire's own form, a valid instant in years 1000–9999: already what toISOString would print.
  if (typeof value === 'string' && isCanonical(value)) return value;
  const date =
    value instanceof Date ? value : typeof value === 'string' ? parseWireTimestamp(value) : undefined;
  if (!date) throw new GraphQLError('DateTime cannot represent this value.');
  const time = date.getTime();
  if (Number.isNaN(time)) throw new GraphQLError('DateTime cannot represent this value.');
  return isoString(time, date);
}

/**
 * Another RFC 3339 form of a wire timestamp (an offset, other fractions), read as strictly as the SDK's own JSON
 * deserializer reads it: no zone, or a day the month does not have, is refused, not guessed.
 */
function parseWireTimestamp(value: string): Date | undefined {
  try {
    return parseRfc3339DateTimeWithOffset(value);
  } catch {
    return undefined;
  }
}

const CANONICAL = /^([1-9]\d{3})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

/** Whether `value` is `YYYY-MM-DDTHH:MM:SS.mmmZ` naming a real calendar day (years 1000–9999), without a Date. */
export function isCanonical(value: string): boolean {
  const match = CANONICAL.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days =
    month === 2 ? (leap ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return day <= days;
}

const DAY_MS = 86_400_000;
/** Years 1000–9999: four digits, no sign, as Date#toISOString prints them. Others go to toISOString. */
const FIRST_FOUR_DIGIT_MS = Date.UTC(1000, 0, 1);
const LAST_FOUR_DIGIT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `date.toISOString()`, computed from the epoch milliseconds (H. Hinnant's civil-from-days): the same string at a
 * fraction of toISOString's cost. A page of 100 sessions prints 300 of these, a dashboard thousands. A property
 * test holds it equal to toISOString.
 */
export function isoString(time: number, date: Date): string {
  if (!(time >= FIRST_FOUR_DIGIT_MS && time <= LAST_FOUR_DIGIT_MS)) return date.toISOString();
  const days = Math.floor(time / DAY_MS);
  let ms = time - days * DAY_MS;
  const shifted = days + 719_468; // days since 0000-03-01
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(ms / 3_600_000);
  ms -= hours * 3_600_000;
  const minutes = Math.floor(ms / 60_000);
  ms -= minutes * 60_000;
  const seconds = Math.floor(ms / 1000);
  ms -= seconds * 1000;
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}Z`;
}

/** An input instant: UTC, to the second or with up to 3 fraction digits. */
const ISO_UTC_INPUT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,3}))?Z$/;

/**
 * An input DateTime, in canonical form (milliseconds added). A day or time that does not exist (February 30th,
 * 24:00) is refused, not rolled over: the canonical form must name the instant that was written.
 */
function parse(value: unknown): string {
  const match = typeof value === 'string' ? ISO_UTC_INPUT.exec(value) : null;
  const canonical = match ? `${match[1]}.${(match[2] ?? '').padEnd(3, '0')}Z` : undefined;
  const time = canonical === undefined ? Number.NaN : Date.parse(canonical);
  if (canonical === undefined || Number.isNaN(time) || new Date(time).toISOString() !== canonical) {
    throw badUserInput(
      'DateTime must be an ISO-8601 UTC instant, e.g. 2026-11-27T09:15:02.123Z or 2026-11-27T09:15:02Z.',
    );
  }
  return canonical;
}

export const DateTime = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO-8601 UTC date and time with milliseconds.',
  serialize,
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
