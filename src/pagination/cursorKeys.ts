/**
 * The keys that sign and verify cursors: one signing key, plus the keys it replaced, still accepted for a while.
 *
 * A fixed CURSOR_SECRET never changes. A key shared through Redis can: when Redis loses it (a restart without
 * persistence, an `allkeys-*` eviction) and a replica stores another one, every replica adopts the key Redis holds
 * (src/cache/redisStore.ts `watchSharedCursorKey`). A cursor a client holds was signed with the old key; it stays
 * valid here for `retainMs` after the switch (default 25 h: a cursor carries a Deadline `nextToken`, which expires
 * after 24 h anyway), so a page in a user's hands does not turn into INVALID_CURSOR because Redis restarted.
 * Replicas also share the keys they verify with (`known`/`learn`), so a replica that never held a key still accepts
 * the cursors another replica signed with it.
 */
export interface CursorKeyRingOptions {
  /** How long a replaced key still verifies cursors, default 25 h. */
  retainMs?: number;
  /** Most replaced keys kept (the oldest is dropped first), default 8: a flapping Redis cannot grow the ring. */
  maxRetired?: number;
  now?: () => number;
}

export const DEFAULT_RETIRED_KEY_RETAIN_MS = 25 * 60 * 60 * 1000;
const DEFAULT_MAX_RETIRED = 8;

export interface RetiredKey {
  key: Buffer;
  until: number;
}

export class CursorKeyRing {
  private signingKey: Buffer;
  private retired: RetiredKey[] = [];
  private readonly retainMs: number;
  private readonly maxRetired: number;
  private readonly now: () => number;

  constructor(signing: Buffer, options: CursorKeyRingOptions = {}) {
    if (signing.length === 0) throw new RangeError('a cursor key cannot be empty');
    this.signingKey = signing;
    this.retainMs = options.retainMs ?? DEFAULT_RETIRED_KEY_RETAIN_MS;
    this.maxRetired = options.maxRetired ?? DEFAULT_MAX_RETIRED;
    this.now = options.now ?? Date.now;
  }

  /** The key new cursors are signed with. */
  get signing(): Buffer {
    return this.signingKey;
  }

  /** Keys replaced less than `retainMs` ago (or learned), latest expiry first: tried after the signing key. */
  retiredKeys(): Buffer[] {
    return this.live().map((entry) => entry.key);
  }

  /** Every key this ring verifies with, and until when: the signing key counts as retiring now. */
  known(): RetiredKey[] {
    return [{ key: this.signingKey, until: this.now() + this.retainMs }, ...this.live()];
  }

  private live(): RetiredKey[] {
    if (this.retired.length === 0) return this.retired;
    const now = this.now();
    if (this.retired.some((entry) => entry.until <= now)) {
      this.retired = this.retired.filter((entry) => entry.until > now);
    }
    return this.retired;
  }

  /**
   * Signs with `key` from now on; the previous signing key retires (still verifies for `retainMs`). Returns false,
   * changing nothing, when `key` already is the signing key.
   */
  adopt(key: Buffer): boolean {
    if (key.length === 0) throw new RangeError('a cursor key cannot be empty');
    if (key.equals(this.signingKey)) return false;
    const until = this.now() + this.retainMs;
    this.retired = [
      { key: this.signingKey, until },
      // A key that comes back (A → B → A) is the signing key again, not also a retired one.
      ...this.retired.filter((entry) => !entry.key.equals(key)),
    ];
    this.signingKey = key;
    this.bound();
    return true;
  }

  /**
   * Accepts cursors signed with `key` until `until` (epoch ms): a key another replica signs or signed with (its
   * ring's `known()`, shared through Redis). Never extends a key past the `until` it is given, so keys passed
   * around between replicas still expire. Returns whether `key` was new here.
   */
  learn(key: Buffer, until: number): boolean {
    if (key.length === 0 || key.equals(this.signingKey) || until <= this.now()) return false;
    const known = this.retired.find((entry) => entry.key.equals(key));
    if (known) {
      known.until = Math.max(known.until, until);
      return false;
    }
    this.retired = [...this.retired, { key, until }];
    this.bound();
    return this.retired.some((entry) => entry.key.equals(key));
  }

  /** Latest expiry first, at most `maxRetired`: the key that expires soonest goes first. */
  private bound(): void {
    this.retired = this.retired.sort((a, b) => b.until - a.until).slice(0, this.maxRetired);
  }
}
