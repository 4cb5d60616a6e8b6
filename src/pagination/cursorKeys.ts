/**
 * The keys that sign and verify cursors: one signing key, plus the keys it replaced, still accepted for a while.
 *
 * A fixed CURSOR_SECRET never changes. A key shared through Redis can: when Redis loses it (a restart without
 * persistence, an `allkeys-*` eviction) and a replica stores another one, every replica adopts the key Redis holds
 * (sharedCursorKey.ts `watchSharedCursorKey`). A cursor a client holds was signed with the old key; it stays
 * valid here for `retainMs` after the switch (default 25 h: a cursor carries a Deadline `nextToken`, which expires
 * after 24 h anyway), so a page in a user's hands does not turn into INVALID_CURSOR because Redis restarted.
 * Replicas also publish the keys they sign or signed with (`own`), and learn the others' (`learn`; learned keys are
 * not passed on), so a replica that never held a key still accepts the cursors another replica signed with it.
 */

/** How long, and how many, replaced and learned keys a ring keeps. */
export interface CursorKeyRingOptions {
  /** How long a replaced key still verifies cursors, default 25 h; also the longest a learned key is kept. */
  retainMs?: number;
  /**
   * Most keys kept of each kind, own (this ring signed with them) and learned (from other replicas), the one that
   * expires first dropped first; default 8 and 32. Kept apart, so that keys learned from many replicas never push
   * out a key this replica signed cursors with. A flapping Redis cannot grow the ring.
   */
  maxRetired?: number;
  maxLearned?: number;
  now?: () => number;
}

const DEFAULT_RETIRED_KEY_RETAIN_MS = 25 * 60 * 60 * 1000;
const DEFAULT_MAX_RETIRED = 8;
/**
 * Most learned keys a ring keeps unless `maxLearned` says otherwise; also how many keys a replica reads back from
 * those the others publish (sharedCursorKey.ts).
 */
export const DEFAULT_MAX_LEARNED = 32;

export interface RetiredKey {
  key: Buffer;
  until: number;
}

interface HeldKey extends RetiredKey {
  /** This ring signed with it (else another replica did, and this one learned it). */
  own: boolean;
}

export class CursorKeyRing {
  private signingKey: Buffer;
  private retired: HeldKey[] = [];
  private readonly retainMs: number;
  private readonly maxRetired: number;
  private readonly maxLearned: number;
  private readonly now: () => number;

  constructor(signing: Buffer, options: CursorKeyRingOptions = {}) {
    if (signing.length === 0) throw new RangeError('a cursor key cannot be empty');
    this.signingKey = signing;
    this.retainMs = options.retainMs ?? DEFAULT_RETIRED_KEY_RETAIN_MS;
    this.maxRetired = options.maxRetired ?? DEFAULT_MAX_RETIRED;
    this.maxLearned = options.maxLearned ?? DEFAULT_MAX_LEARNED;
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

  /**
   * The keys this ring signs or signed with, and until when they verify (the signing key counts as retiring now):
   * what a replica publishes for the others to `learn`. Learned keys are not passed on, so a key's expiry only
   * ever comes from the replicas that signed with it.
   */
  own(): RetiredKey[] {
    return [
      { key: this.signingKey, until: this.now() + this.retainMs },
      ...this.live()
        .filter((entry) => entry.own)
        .map(({ key, until }) => ({ key, until })),
    ];
  }

  private live(): HeldKey[] {
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
      { key: this.signingKey, until, own: true },
      // A key that comes back (A → B → A) is the signing key again, not also a retired one.
      ...this.retired.filter((entry) => !entry.key.equals(key)),
    ];
    this.signingKey = key;
    this.bound();
    return true;
  }

  /**
   * Accepts cursors signed with `key` until `until` (epoch ms): a key another replica signs or signed with (its
   * ring's `own()`, shared through Redis). Kept no longer than `retainMs` from now whatever `until` says (another
   * replica's clock, or a stray write to Redis), and never past the `until` it is given. Returns whether `key` was
   * new here.
   */
  learn(key: Buffer, until: number): boolean {
    const now = this.now();
    const capped = Math.min(until, now + this.retainMs);
    if (key.length === 0 || key.equals(this.signingKey) || !(capped > now)) return false;
    const held = this.retired.find((entry) => entry.key.equals(key));
    if (held) {
      if (!held.own) held.until = Math.max(held.until, capped);
      return false;
    }
    this.retired = [...this.retired, { key, until: capped, own: false }];
    this.bound();
    return this.retired.some((entry) => entry.key.equals(key));
  }

  /** At most `maxRetired` own and `maxLearned` learned keys, each kind dropping the one that expires first. */
  private bound(): void {
    const latestFirst = this.retired.sort((a, b) => b.until - a.until);
    const own = latestFirst.filter((entry) => entry.own).slice(0, this.maxRetired);
    const learned = latestFirst.filter((entry) => !entry.own).slice(0, this.maxLearned);
    this.retired = [...own, ...learned].sort((a, b) => b.until - a.until);
  }
}
