/** ISO-8601 timestamps for the seeded records. */

const DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));
const dayPrefixes = new Map<number, string>();

/**
 * `new Date(epochMs).toISOString()`, several times faster: the work records carry tens of thousands of
 * timestamps, and a Date for each was most of the seeding time.
 */
export function iso(epochMs: number): string {
  // Whole milliseconds from 1970 on, as the seeds make them; anything else the slow way.
  if (!Number.isSafeInteger(epochMs) || epochMs < 0) return new Date(epochMs).toISOString();
  const day = Math.floor(epochMs / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let rest = epochMs - day * DAY;
  const ms = rest % 1000;
  rest = (rest - ms) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${prefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[ms]}Z`;
}
