import { describe, expect, it } from 'vitest';
import { ByteBoundedLru, createMemoryPageCache } from '../../../src/cache/memoryStore.js';

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** What the store weighs an entry at: UTF-8 bytes of its JSON plus of its key. */
const weight = (key: string, value: object) =>
  Buffer.byteLength(JSON.stringify(value), 'utf8') + Buffer.byteLength(key, 'utf8');

describe('memory page cache', () => {
  it('returns the stored object itself until its expiry, then never again', async () => {
    const clock = manualClock();
    const cache = createMemoryPageCache({ maxBytes: 10_000, now: clock.now });
    const value = { sessions: [{ sessionId: 's-1', startedAt: new Date(0) }], $metadata: {} };
    cache.set('k', value, 1000);

    expect(await cache.get('k')).toBe(value);
    clock.advance(999);
    expect(await cache.get('k')).toBe(value);
    clock.advance(1);
    expect(await cache.get('k')).toBeUndefined();
    // Dropped for good: moving the clock back does not revive it.
    clock.advance(-500);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, sets: 1, entries: 0, bytes: 0 });
  });

  it('keeps each entry for its own TTL, and a new set under the same key replaces value and expiry', async () => {
    const clock = manualClock();
    const cache = createMemoryPageCache({ maxBytes: 10_000, now: clock.now });
    cache.set('short', { n: 1 }, 100);
    cache.set('long', { n: 2 }, 10_000);
    cache.set('replaced', { n: 3 }, 100);
    cache.set('replaced', { n: 4 }, 10_000);
    clock.advance(100);
    expect(await cache.get('short')).toBeUndefined();
    expect(await cache.get('long')).toEqual({ n: 2 });
    expect(await cache.get('replaced')).toEqual({ n: 4 });
    expect(cache.stats().bytes).toBe(weight('long', { n: 2 }) + weight('replaced', { n: 4 }));
  });

  it('ignores TTLs that are not a positive finite number', async () => {
    const cache = createMemoryPageCache({ maxBytes: 10_000 });
    for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) cache.set(`ttl ${ttl}`, { ttl }, ttl);
    expect(cache.stats()).toMatchObject({ sets: 0, entries: 0 });
  });

  it('weighs an entry as the UTF-8 length of its JSON plus its key, and stays within maxBytes', async () => {
    const key = 'clé';
    const value = { name: 'Ünïcode ✓', startedAt: new Date(Date.UTC(2026, 0, 1)) };
    const bytes = weight(key, value);
    expect(bytes).toBeGreaterThan(JSON.stringify(value).length + key.length);
    const cache = createMemoryPageCache({ maxBytes: bytes * 3 });
    cache.set(key, value, 60_000);
    expect(cache.stats().bytes).toBe(bytes);

    for (let i = 0; i < 50; i++) cache.set(`${key}${i % 10}`, value, 60_000);
    const { bytes: held, entries } = cache.stats();
    expect(held).toBeLessThanOrEqual(bytes * 3);
    expect(entries).toBe(2);
  });

  it('evicts the least recently used entries first, a hit counting as a use', async () => {
    const entry = (n: number) => ({ n, pad: 'x'.repeat(100) });
    const size = weight('k0', entry(0));
    const cache = createMemoryPageCache({ maxBytes: size * 3 });
    cache.set('k0', entry(0), 60_000);
    cache.set('k1', entry(1), 60_000);
    cache.set('k2', entry(2), 60_000);
    // k0 is used, so k1 is now the least recently used.
    expect(await cache.get('k0')).toEqual(entry(0));
    cache.set('k3', entry(3), 60_000);
    expect(await cache.get('k1')).toBeUndefined();
    expect(await cache.get('k0')).toEqual(entry(0));
    expect(await cache.get('k2')).toEqual(entry(2));
    expect(await cache.get('k3')).toEqual(entry(3));
    // k0 then k2 then k3 were used last: a heavier entry (two slots) evicts the two least recent, k0 and k2.
    cache.set('k4', { n: 4, pad: 'x'.repeat(100 + size) }, 60_000);
    expect(await cache.get('k0')).toBeUndefined();
    expect(await cache.get('k2')).toBeUndefined();
    expect(await cache.get('k3')).toEqual(entry(3));
    expect(cache.stats()).toMatchObject({ evictions: 3, entries: 2 });
  });

  it('does not count dead entries it drops for room as evictions', async () => {
    const clock = manualClock();
    const size = weight('a', { n: 1 });
    const cache = createMemoryPageCache({ maxBytes: size * 2, now: clock.now });
    cache.set('a', { n: 1 }, 100);
    cache.set('b', { n: 2 }, 60_000);
    clock.advance(100);
    cache.set('c', { n: 3 }, 60_000);
    expect(cache.stats()).toMatchObject({ evictions: 0, entries: 2, bytes: size * 2 });
  });

  it('does not store an entry heavier than maxBytes, and drops the older value under its key', async () => {
    const cache = createMemoryPageCache({ maxBytes: 200 });
    cache.set('small', { n: 1 }, 60_000);
    cache.set('big', { n: 1 }, 60_000);
    cache.set('big', { pad: 'x'.repeat(300) }, 60_000);
    expect(await cache.get('big')).toBeUndefined();
    expect(await cache.get('small')).toEqual({ n: 1 });
    expect(cache.stats()).toMatchObject({
      sets: 2,
      evictions: 0,
      entries: 1,
      bytes: weight('small', { n: 1 }),
    });
  });

  it('counts a value it cannot serialize as an error and never throws', async () => {
    const cache = createMemoryPageCache({ maxBytes: 10_000 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cache.set('cyclic', cyclic, 60_000)).not.toThrow();
    expect(await cache.get('cyclic')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ sets: 0, errors: 1, misses: 1 });
  });

  it('rejects a bound that is not a positive integer', () => {
    for (const maxBytes of [-1, 1.5, Number.NaN]) {
      expect(() => createMemoryPageCache({ maxBytes })).toThrow(/maxBytes must be an integer ≥ 0/);
    }
    expect(() => createMemoryPageCache({ maxBytes: 0 })).toThrow(/maxBytes must be above 0/);
  });

  it('as an L1 with a bound of 0, stores nothing', () => {
    const lru = new ByteBoundedLru(0, Date.now, 'l1MaxBytes');
    expect(lru.set('k', {}, Date.now() + 60_000, 1)).toBe(false);
    expect(lru.get('k')).toBeUndefined();
    expect(() => new ByteBoundedLru(-1, Date.now, 'l1MaxBytes')).toThrow(/l1MaxBytes must be an integer ≥ 0/);
  });

  it('forgets everything on close', async () => {
    const cache = createMemoryPageCache({ maxBytes: 10_000 });
    cache.set('k', { n: 1 }, 60_000);
    await cache.close();
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
    expect(cache.kind).toBe('memory');
  });
});
