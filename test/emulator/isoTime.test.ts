import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { iso } from '../../src/emulator/isoTime.js';

describe('iso', () => {
  it('is Date#toISOString for every whole millisecond, 1970 to 9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (epochMs) => {
        expect(iso(epochMs)).toBe(new Date(epochMs).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it.each([0, 999, 1000, 86_399_999, 86_400_000, Date.UTC(2024, 1, 29, 23, 59, 59, 999), -1, 1.5])(
    'is Date#toISOString at %s',
    (epochMs) => {
      expect(iso(epochMs)).toBe(new Date(epochMs).toISOString());
    },
  );
});
