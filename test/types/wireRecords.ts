/**
 * Compile-time checks of the records' timestamp types: the client's lean response path
 * (src/upstream/leanResponses.ts) hands over the wire's ISO strings, never `Date`s, and `Wire<…>` types records so.
 * Each `@ts-expect-error` below must meet an error.
 */
import type { DetailRecord, SummaryRecord, Wire } from '../../src/model/records.js';

export const startedAt: SummaryRecord<'Session'>['startedAt'] = '2025-06-02T17:59:58.123Z';
export const createdAt: DetailRecord<'Job'>['createdAt'] = '2025-06-02T17:59:58.123Z';

// @ts-expect-error a record's timestamp is not a Date
export const notADate: DetailRecord<'Job'>['createdAt'] = new Date();

// @ts-expect-error nor in lists and maps
export const nested: Wire<{ at: Date[]; by: Record<string, { at?: Date }> }> = { at: [new Date()], by: {} };

export const wire: Wire<{ at: Date[]; by: Record<string, { at?: Date }>; n: number }> = {
  at: ['2025-06-02T17:59:58.123Z'],
  by: { a: { at: '2025-06-02T17:59:58.123Z' }, b: {} },
  n: 1,
};
