import { parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DateTime, isoString } from '../../src/resolvers/DateTime.js';

/**
 * Property: the DateTime scalar prints exactly what `Date#toISOString` prints, for any instant JavaScript can
 * represent (src/resolvers/DateTime.ts computes the string from the epoch milliseconds for speed, and falls back to
 * toISOString outside years 1000–9999).
 */
const MAX_DATE_MS = 8.64e15;

describe('DateTime serialization', () => {
  it('equals toISOString for any representable instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }), (time) => {
        const date = new Date(time);
        expect(isoString(time, date)).toBe(date.toISOString());
        expect(DateTime.serialize(date)).toBe(date.toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it("prints a wire string as the SDK's own JSON deserializer read it, and refuses what it refused", () => {
    /** What the SDK's JSON deserializer made of a timestamp before the lean path: its instant, or a failure. */
    const sdkReading = (text: string): string | undefined => {
      try {
        return parseRfc3339DateTimeWithOffset(text)?.toISOString();
      } catch {
        return undefined;
      }
    };
    const part = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, '0'));
    const zone = fc.constantFrom('Z', '+01:00', '-05:30', '', 'z');
    const fraction = fc.constantFrom('', '.1', '.12', '.123', '.123456');
    const candidate = fc
      .tuple(part(10_999, 4), part(13, 2), part(32, 2), part(24, 2), part(60, 2), part(60, 2), fraction, zone)
      .map(([y, mo, d, h, mi, s, f, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f}${z}`);
    fc.assert(
      fc.property(candidate, (text) => {
        const expected = sdkReading(text);
        if (expected === undefined) expect(() => DateTime.serialize(text)).toThrow();
        else expect(DateTime.serialize(text)).toBe(expected);
      }),
      { numRuns: 20_000 },
    );
    const cases: Array<[string, string | undefined]> = [
      ['2024-02-29T00:00:00.000Z', '2024-02-29T00:00:00.000Z'],
      ['2023-02-29T00:00:00.000Z', undefined],
      ['2026-04-31T00:00:00.000Z', undefined],
      ['2025-06-02T17:59:58', undefined],
      ['2025-06-02', undefined],
      ['2025-06-02T17:59:58.1+01:00', '2025-06-02T16:59:58.100Z'],
    ];
    for (const [text, printed] of cases) {
      if (printed === undefined) expect(() => DateTime.serialize(text), text).toThrow();
      else expect(DateTime.serialize(text), text).toBe(printed);
    }
  });

  it('equals toISOString around the edges: years 999/1000 and 9999/10000, days, leap years, month ends', () => {
    const edges = [
      Date.UTC(1000, 0, 1) - 1,
      Date.UTC(1000, 0, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 1,
      Date.UTC(1970, 0, 1),
      Date.UTC(1970, 0, 1) - 1,
      Date.UTC(2000, 1, 29, 12),
      Date.UTC(1900, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(2026, 10, 27, 9, 15, 2, 123),
    ];
    for (const time of edges) {
      for (const t of [time - 86_400_000, time, time + 86_400_000]) {
        expect(isoString(t, new Date(t))).toBe(new Date(t).toISOString());
      }
    }
  });

  it('accepts a parseable string, refuses what is not an instant', () => {
    expect(DateTime.serialize('2026-11-27T09:15:02.123Z')).toBe('2026-11-27T09:15:02.123Z');
    expect(() => DateTime.serialize(new Date(Number.NaN))).toThrow('DateTime cannot represent this value.');
    expect(() => DateTime.serialize('yesterday')).toThrow('DateTime cannot represent this value.');
    expect(() => DateTime.serialize(42)).toThrow('DateTime cannot represent this value.');
  });
});

describe('DateTime arguments', () => {
  it('takes any instant to the second or the millisecond, and gives it back in canonical form', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1000-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59Z') }),
        (time) => {
          const canonical = new Date(time).toISOString();
          expect(DateTime.parseValue(canonical)).toBe(canonical);
          const seconds = canonical.replace(/\.\d{3}Z$/, 'Z');
          expect(DateTime.parseValue(seconds)).toBe(seconds.replace('Z', '.000Z'));
        },
      ),
      { numRuns: 5_000 },
    );
    expect(DateTime.parseValue('2026-11-01T00:00:00.5Z')).toBe('2026-11-01T00:00:00.500Z');
  });

  it('refuses what names no instant, or names it other than in UTC', () => {
    for (const text of [
      '2025-02-29T00:00:00Z',
      '2025-04-31T00:00:00Z',
      '2025-01-01T24:00:00Z',
      '2025-01-01T00:00:60Z',
      '2025-01-01T00:00:00+01:00',
      '2025-01-01T00:00:00',
      '2025-01-01',
      '2025-01-01T00:00:00.1234Z',
      ' 2025-01-01T00:00:00Z',
    ]) {
      expect(() => DateTime.parseValue(text), text).toThrow(/DateTime must be an ISO-8601 UTC instant/);
    }
    expect(() => DateTime.parseValue(1700000000000)).toThrow(/DateTime must be/);
  });
});
