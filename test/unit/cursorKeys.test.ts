import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bindingOf, CursorCodec } from '../../src/pagination/cursor.js';
import { CursorKeyRing } from '../../src/pagination/cursorKeys.js';

/**
 * The cursor key ring (src/pagination/cursorKeys.ts) and the codec over it: what a replica accepts when the key it
 * signs with changes (the key shared in Redis was lost and replaced). The Redis side is in
 * test/e2e/redisPageCache.e2e.test.ts.
 */
const binding = bindingOf('Job.sessions', 'farm-a/queue-a/job-a');
const point = { token: 'token-1', skip: 3, pageSize: 100 };
const HOUR = 60 * 60 * 1000;

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('CursorKeyRing', () => {
  it('signs with the adopted key and still verifies cursors of the key it replaced, for retainMs', () => {
    const time = clock();
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const ring = new CursorKeyRing(k1, { retainMs: 25 * HOUR, now: time.now });
    const codec = new CursorCodec(ring);
    const before = codec.encode(binding, point);

    expect(ring.adopt(k2)).toBe(true);
    expect(ring.signing).toBe(k2);
    const after = codec.encode(binding, point);
    expect(after).not.toBe(before);
    // New cursors are those of a replica that only knows k2.
    expect(new CursorCodec(k2).decodeFor(binding, after)).toEqual(point);
    expect(() => new CursorCodec(k2).decodeFor(binding, before)).toThrow(/cursor/i);
    // This replica accepts both, until the old key's time is up.
    expect(codec.decodeFor(binding, before)).toEqual(point);
    time.advance(25 * HOUR - 1);
    expect(codec.decodeFor(binding, before)).toEqual(point);
    time.advance(1);
    expect(codec.verify(before)).toBeUndefined();
    expect(codec.decodeFor(binding, after)).toEqual(point);
  });

  it('changes nothing when it adopts the key it signs with, and keeps a key that comes back only once', () => {
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const ring = new CursorKeyRing(k1);
    expect(ring.adopt(Buffer.from(k1))).toBe(false);
    expect(ring.retiredKeys()).toEqual([]);
    ring.adopt(k2);
    ring.adopt(k1);
    expect(ring.signing).toBe(k1);
    expect(ring.retiredKeys()).toEqual([k2]);
  });

  it('keeps at most maxRetired replaced keys, dropping the one that expires first', () => {
    const time = clock();
    const keys = Array.from({ length: 6 }, () => randomBytes(32));
    const ring = new CursorKeyRing(keys[0] as Buffer, { maxRetired: 3, now: time.now });
    for (const key of keys.slice(1)) {
      time.advance(1000);
      ring.adopt(key);
    }
    expect(ring.signing).toBe(keys[5]);
    expect(ring.retiredKeys()).toEqual([keys[4], keys[3], keys[2]]);
  });

  it('learns keys other replicas verify with, never past the expiry it is told', () => {
    const time = clock();
    const [mine, theirs, expired] = [randomBytes(32), randomBytes(32), randomBytes(32)];
    const ring = new CursorKeyRing(mine, { retainMs: 10 * HOUR, now: time.now });
    const other = new CursorCodec(theirs);
    const cursor = other.encode(binding, point);
    const codec = new CursorCodec(ring);
    expect(codec.verify(cursor)).toBeUndefined();

    expect(ring.learn(theirs, time.now() + HOUR)).toBe(true);
    expect(ring.learn(expired, time.now())).toBe(false);
    expect(ring.learn(mine, time.now() + HOUR)).toBe(false);
    expect(codec.decodeFor(binding, cursor)).toEqual(point);
    // Told again with a later expiry: extended to it, and no further.
    expect(ring.learn(theirs, time.now() + 2 * HOUR)).toBe(false);
    // What this replica publishes: only its own keys (a learned key's expiry is not passed on and stretched).
    expect(ring.own().map(({ key, until }) => [key, until - time.now()])).toEqual([[mine, 10 * HOUR]]);
    expect(ring.retiredKeys()).toEqual([theirs]);
    time.advance(2 * HOUR - 1);
    expect(codec.decodeFor(binding, cursor)).toEqual(point);
    time.advance(1);
    expect(codec.verify(cursor)).toBeUndefined();
    expect(ring.retiredKeys()).toEqual([]);
  });

  it('keeps a learned key no longer than retainMs, whatever expiry it is told', () => {
    const time = clock();
    const ring = new CursorKeyRing(randomBytes(32), { retainMs: 10 * HOUR, now: time.now });
    const theirs = randomBytes(32);
    const cursor = new CursorCodec(theirs).encode(binding, point);
    expect(ring.learn(theirs, 1e15)).toBe(true);
    const codec = new CursorCodec(ring);
    time.advance(10 * HOUR - 1);
    expect(codec.decodeFor(binding, cursor)).toEqual(point);
    // Told the far-future expiry again: still capped at retainMs from the time it is told.
    ring.learn(theirs, 1e15);
    time.advance(10 * HOUR);
    expect(codec.verify(cursor)).toBeUndefined();
  });

  it('never lets keys learned from other replicas push out a key it signed with', () => {
    const time = clock();
    const [k1, k2] = [randomBytes(32), randomBytes(32)];
    const ring = new CursorKeyRing(k1, { retainMs: 10 * HOUR, now: time.now });
    const codec = new CursorCodec(ring);
    const mine = codec.encode(binding, point);
    ring.adopt(k2);
    // 40 replicas that started during an outage, each with its own key, all retiring later than k1.
    time.advance(60_000);
    const learned = Array.from({ length: 40 }, () => randomBytes(32));
    for (const key of learned) ring.learn(key, time.now() + 10 * HOUR);
    expect(codec.decodeFor(binding, mine)).toEqual(point);
    expect(ring.retiredKeys()).toHaveLength(1 + 32);
    expect(ring.own().map(({ key }) => key)).toEqual([k2, k1]);
  });

  it('refuses an empty key', () => {
    expect(() => new CursorKeyRing(Buffer.alloc(0))).toThrow(RangeError);
    expect(() => new CursorKeyRing(randomBytes(32)).adopt(Buffer.alloc(0))).toThrow(RangeError);
  });
});
