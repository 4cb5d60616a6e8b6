import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidCursor } from '../errors/codes.js';
import { CursorKeyRing } from './cursorKeys.js';

/**
 * Opaque, versioned, integrity-protected cursors over Deadline's `nextToken` chains.
 *
 * A cursor is a resume point: "fetch the page of token `t` (none = the chain's first page) with `maxResults` `p`,
 * and skip its first `s` items". Replaying a token with unchanged arguments returns the same page, so every edge's
 * cursor works as `after`, not only `endCursor`. The page size `p` is fixed when a chain starts and travels in the
 * cursor, because Deadline rejects a token sent with a different `maxResults`.
 *
 * Wire format (v1): base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload)[0..16)). The payload names
 * the connection it belongs to (field + a hash of the parent's key path) so a cursor of another job, or of another
 * field, is refused before any upstream call. The secret is the key ring's signing key; a cursor signed with a key
 * the ring retired not long ago still verifies (cursorKeys.ts).
 */

export interface ResumePoint {
  /** The upstream token of the page to fetch; null for the first page of the chain. */
  token: string | null;
  /** How many items of that page come before the resume point. */
  skip: number;
  /** The chain's `maxResults`. */
  pageSize: number;
}

/** Which connection a cursor belongs to: `Job.sessions` of `farm-…/queue-…/job-…`. */
export interface ConnectionBinding {
  readonly field: string;
  readonly parentPath: string;
}

/** The binding of connection `field` (e.g. `Job.sessions`) under the parent with key path `parentPath`. */
export function bindingOf(field: string, parentPath: string): ConnectionBinding {
  return { field, parentPath };
}

export interface DecodedCursor extends ResumePoint {
  field: string;
  parentHash: string;
}

const VERSION = 1;
const MAC_BYTES = 16;
/** Deadline tokens are at most 4096 characters; a cursor cannot be much longer. */
const MAX_CURSOR_LENGTH = 6000;

interface PayloadV1 {
  v: 1;
  f: string;
  o: string;
  t: string | null;
  s: number;
  p: number;
}

export function parentHash(parentPath: string): string {
  return createHash('sha256').update(parentPath).digest('base64url').slice(0, 16);
}

/** parentHash of a binding, computed once per binding: every edge cursor of a connection shares its binding. */
const parentHashes = new WeakMap<ConnectionBinding, string>();
function parentHashOf(binding: ConnectionBinding): string {
  let hash = parentHashes.get(binding);
  if (hash === undefined) {
    hash = parentHash(binding.parentPath);
    parentHashes.set(binding, hash);
  }
  return hash;
}

export class CursorCodec {
  private readonly keys: CursorKeyRing;

  /** A fixed secret (CURSOR_SECRET, tests), or a ring whose signing key can change (the key shared in Redis). */
  constructor(keys: Buffer | CursorKeyRing) {
    this.keys = keys instanceof CursorKeyRing ? keys : new CursorKeyRing(keys);
  }

  encode(binding: ConnectionBinding, point: ResumePoint): string {
    const payload: PayloadV1 = {
      v: VERSION,
      f: binding.field,
      o: parentHashOf(binding),
      t: point.token,
      s: point.skip,
      p: point.pageSize,
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body, this.keys.signing).toString('base64url')}`;
  }

  /**
   * Checks encoding, version and integrity. Returns undefined for anything this gateway did not issue. The
   * caller still checks that the cursor belongs to the connection at hand (`matches`).
   */
  verify(cursor: string): DecodedCursor | undefined {
    if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
    const dot = cursor.indexOf('.');
    if (dot <= 0 || dot !== cursor.lastIndexOf('.')) return undefined;
    const body = cursor.slice(0, dot);
    const mac = cursor.slice(dot + 1);
    if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(mac)) return undefined;
    const given = Buffer.from(mac, 'base64url');
    // Refuse non-canonical spellings of the same bytes (base64's unused bits).
    if (given.length !== MAC_BYTES || given.toString('base64url') !== mac) return undefined;
    if (!this.signedByRing(body, given)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isPayloadV1(payload)) return undefined;
    return {
      field: payload.f,
      parentHash: payload.o,
      token: payload.t,
      skip: payload.s,
      pageSize: payload.p,
    };
  }

  /** Decodes a cursor for one connection, or throws INVALID_CURSOR. */
  decodeFor(binding: ConnectionBinding, cursor: string, argumentName = 'after'): ResumePoint {
    const decoded = this.verify(cursor);
    if (!decoded || !matches(decoded, binding)) throw invalidCursor(argumentName);
    return { token: decoded.token, skip: decoded.skip, pageSize: decoded.pageSize };
  }

  /** The signing key first (every cursor but those of a replaced key), then the retired ones. */
  private signedByRing(body: string, given: Buffer): boolean {
    // Compare bytes in constant time.
    if (timingSafeEqual(given, this.mac(body, this.keys.signing))) return true;
    return this.keys.retiredKeys().some((key) => timingSafeEqual(given, this.mac(body, key)));
  }

  private mac(body: string, key: Buffer): Buffer {
    return createHmac('sha256', key).update(`v${VERSION}.`).update(body).digest().subarray(0, MAC_BYTES);
  }
}

export function matches(decoded: DecodedCursor, binding: ConnectionBinding): boolean {
  return decoded.field === binding.field && decoded.parentHash === parentHashOf(binding);
}

function isPayloadV1(value: unknown): value is PayloadV1 {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    p.v === VERSION &&
    typeof p.f === 'string' &&
    typeof p.o === 'string' &&
    (p.t === null || (typeof p.t === 'string' && p.t.length > 0 && p.t.length <= 4096)) &&
    Number.isSafeInteger(p.s) &&
    (p.s as number) >= 0 &&
    (p.s as number) <= 100 &&
    Number.isSafeInteger(p.p) &&
    (p.p as number) >= 1 &&
    (p.p as number) <= 100
  );
}
