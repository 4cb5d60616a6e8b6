import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope } from '../../../src/cache/codec.js';

const roundTrip = (value: object, expiresAt = 1_700_000_060_000) =>
  decodeEnvelope(encodeEnvelope({ expiresAt, value }));

describe('page cache codec (the Redis wire format)', () => {
  it('round-trips an SDK-shaped output: Dates revived with the same time, $metadata intact', () => {
    const output = {
      $metadata: { httpStatusCode: 200, requestId: 'r-1', attempts: 1, totalRetryDelay: 0 },
      sessions: [
        {
          sessionId: 'session-1',
          startedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
          endedAt: new Date(-1),
          hostProperties: { ipAddresses: { ipV4Addresses: ['10.0.0.1'] } },
        },
      ],
      nextToken: 'token',
      total: 3,
      done: false,
      missing: null,
    };
    const { expiresAt, value } = roundTrip(output);
    expect(expiresAt).toBe(1_700_000_060_000);
    expect(value).toEqual(output);
    const session = (value as typeof output).sessions[0];
    expect(session?.startedAt).toBeInstanceOf(Date);
    expect(session?.startedAt.getTime()).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    expect(session?.endedAt.getTime()).toBe(-1);
  });

  it('round-trips a top-level Date array and an invalid Date', () => {
    const { value } = roundTrip([new Date(0), new Date(Number.NaN)]);
    expect(value).toHaveLength(2);
    const [epoch, invalid] = value as Date[];
    expect(epoch).toBeInstanceOf(Date);
    expect(epoch?.getTime()).toBe(0);
    expect(invalid).toBeInstanceOf(Date);
    expect(invalid?.getTime()).toBeNaN();
  });

  it('never mistakes data for its Date tag: real $-keys are escaped on the wire', () => {
    const data = {
      parameters: { $date: 12345 },
      nested: { $$date: 1, $x: { $date: 'not a number' } },
      list: [{ $date: 0 }],
    };
    const text = encodeEnvelope({ expiresAt: 1, value: data });
    expect(text).toContain('"$$date":12345');
    const { value } = decodeEnvelope(text);
    expect(value).toEqual(data);
    const decoded = value as typeof data;
    expect(decoded.parameters).not.toBeInstanceOf(Date);
    expect(decoded.list[0]).not.toBeInstanceOf(Date);
  });

  it('keeps no undefined properties (JSON has none) and nothing else special', () => {
    const { value } = roundTrip({ a: undefined, b: 1, c: '2026-01-01T00:00:00.000Z' });
    expect(Object.keys(value)).toEqual(['b', 'c']);
    expect((value as { c: unknown }).c).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses text it did not write', () => {
    for (const text of ['null', '{}', '{"e":"soon","v":{}}', '{"e":1,"v":3}', '{"e":1,"v":null}']) {
      expect(() => decodeEnvelope(text), text).toThrow(/not a page cache envelope/);
    }
    expect(() => decodeEnvelope('{not json')).toThrow(SyntaxError);
  });
});
