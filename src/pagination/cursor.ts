import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { invalidCursor } from '../errors/codes.js';
import { CursorKeyRing } from './cursorKeys.js';

/**
 * Cursors: opaque, versioned, signed resume points over Deadline's `nextToken` chains, each bound to one connection
 * (a field under one parent). A cursor reads "fetch the page of `token` (null: the chain's first page) with
 * `maxResults` = `pageSize`, and skip its first `skip` items".
 *
 * Wire format v1: body "." base64url(HMAC-SHA256(key, "v1." + body)[0..16)), where body = base64url(JSON payload);
 * at most MAX_CURSOR_LENGTH characters. The payload's one-letter keys are part of the format (renaming one would void every
 * outstanding cursor); only `PayloadV1`, `toPayload`, `fromPayload` and `isPayloadV1` spell them:
 *
 *   v version (1) · f field (`Job.sessions`) · o parent hash (of the parent's key path) · t token · s skip ·
 *   p page size
 *
 * Keys come from the key ring (cursorKeys.ts): signed with its signing key, verified with it or a retired one.
 * `peekPageSize` reads a cursor's page size without a key, for the cost model. Why cursors are built this way:
 * docs/design/cursors.md.
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

/** A verified cursor: its resume point and the connection it was issued for. */
export interface DecodedCursor extends ResumePoint {
  field: string;
  /** `parentHash(parentPath)` of the parent it was issued under. */
  parentHash: string;
}

const VERSION = 1;
const MAC_BYTES = 16;
/** Deadline tokens are at most 4096 characters; a cursor cannot be much longer. */
const MAX_CURSOR_LENGTH = 6000;
const MAX_TOKEN_LENGTH = 4096;
/** Bounds of `skip` and `pageSize` (a Deadline page holds at most 100 items). */
const MAX_PAGE_SIZE = 100;

/** The v1 JSON payload, key by key (see the summary above). */
interface PayloadV1 {
  /** Version: 1. */
  v: 1;
  /** Field: the connection's field, `Type.field`. */
  f: string;
  /** Parent hash ("owner"): `parentHash` of the parent's key path. */
  o: string;
  /** Token: the upstream `nextToken`, null for the chain's first page. */
  t: string | null;
  /** Skip: items of that page before the resume point. */
  s: number;
  /** Page size: the chain's `maxResults`. */
  p: number;
}

function toPayload(field: string, parentHash: string, point: ResumePoint): PayloadV1 {
  return { v: VERSION, f: field, o: parentHash, t: point.token, s: point.skip, p: point.pageSize };
}

function fromPayload(payload: PayloadV1): DecodedCursor {
  return {
    field: payload.f,
    parentHash: payload.o,
    token: payload.t,
    skip: payload.s,
    pageSize: payload.p,
  };
}

/** The members every v1 payload has (version, field, parent hash), as a record to check the rest of, or undefined. */
function boundPayload(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const p = value as Record<string, unknown>;
  return p.v === VERSION && typeof p.f === 'string' && typeof p.o === 'string' ? p : undefined;
}

function isPayloadV1(value: unknown): value is PayloadV1 {
  const p = boundPayload(value);
  return (
    p !== undefined &&
    (p.t === null || (typeof p.t === 'string' && p.t.length > 0 && p.t.length <= MAX_TOKEN_LENGTH)) &&
    Number.isSafeInteger(p.s) &&
    (p.s as number) >= 0 &&
    (p.s as number) <= MAX_PAGE_SIZE &&
    Number.isSafeInteger(p.p) &&
    (p.p as number) >= 1 &&
    (p.p as number) <= MAX_PAGE_SIZE
  );
}

/** A cursor's two parts, when it has the wire format's shape (length, one dot, base64url on both sides). */
function splitCursor(cursor: string): { body: string; mac: string } | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
  const dot = cursor.indexOf('.');
  if (dot <= 0 || dot !== cursor.lastIndexOf('.')) return undefined;
  const body = cursor.slice(0, dot);
  const mac = cursor.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(mac)) return undefined;
  return { body, mac };
}

/** The JSON a cursor body holds, or undefined. */
function jsonOf(body: string): unknown {
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The v1 token payload a cursor body holds, or undefined. */
function payloadOf(body: string): PayloadV1 | undefined {
  const payload = jsonOf(body);
  return isPayloadV1(payload) ? payload : undefined;
}

/**
 * An offset cursor's payload (search connections, docs/design/search.md): v · f · o as above, n the item's offset
 * in the result, i the item's ID (to notice results that moved); no `i` in a page cursor (`pageCursors`), minted
 * for an offset without learning the item there; k the item's sort key, on cursors a page past Deadline's window
 * may continue from (the continuation by key).
 */
interface OffsetPayloadV1 {
  v: 1;
  f: string;
  o: string;
  n: number;
  i?: string;
  k?: string;
}

/** An offset cursor's position: the item's offset in the result, its ID and sort key when the cursor knows them. */
export interface OffsetPoint {
  offset: number;
  id?: string;
  key?: string;
}

/** Offsets beyond Deadline's search window (10,000) reach a cursor only with the key that continues past it. */
const MAX_OFFSET = 10_000;
const MAX_ID_LENGTH = 256;
const MAX_KEY_LENGTH = 64;

function isOffsetPayloadV1(value: unknown): value is OffsetPayloadV1 {
  const p = boundPayload(value);
  return (
    p !== undefined &&
    Number.isSafeInteger(p.n) &&
    (p.n as number) >= 0 &&
    ((p.n as number) <= MAX_OFFSET || 'k' in p) &&
    (!('i' in p) || (typeof p.i === 'string' && p.i.length > 0 && p.i.length <= MAX_ID_LENGTH)) &&
    (!('k' in p) ||
      (typeof p.k === 'string' && p.k.length > 0 && p.k.length <= MAX_KEY_LENGTH && 'i' in p)) &&
    !('t' in p)
  );
}

/**
 * The page size a cursor carries, read without verifying its MAC (no key needed), with the codec's own format
 * checks; undefined for anything that is not a v1 cursor. Only for estimates: whether the cursor may be used is
 * `CursorCodec.verify`'s to say.
 */
export function peekPageSize(cursor: string): number | undefined {
  const parts = splitCursor(cursor);
  return parts && payloadOf(parts.body)?.p;
}

/**
 * Whether an offset cursor carries a sort key (a page from it may continue past the search window by key, at up to
 * three calls), read without verifying it: for cost estimates only.
 */
export function peekKeyed(cursor: string): boolean {
  const parts = splitCursor(cursor);
  const payload = parts && jsonOf(parts.body);
  return typeof payload === 'object' && payload !== null && 'k' in payload;
}

/** What a cursor carries of its parent's key path: a short hash (the path itself would be longer, and readable). */
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
    const payload = toPayload(binding.field, parentHashOf(binding), point);
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body, this.keys.signing).toString('base64url')}`;
  }

  /**
   * Checks format, version and integrity: undefined for anything this gateway did not issue. Says nothing about
   * which connection the cursor may be used on (`decodeFor`, `decodeForField`).
   */
  verify(cursor: string): DecodedCursor | undefined {
    const body = this.signedBody(cursor);
    const payload = body === undefined ? undefined : payloadOf(body);
    return payload && fromPayload(payload);
  }

  /** An offset cursor for the item at `point` of search connection `binding` (without `id`: a page cursor). */
  encodeOffset(binding: ConnectionBinding, point: OffsetPoint): string {
    const payload: OffsetPayloadV1 = {
      v: VERSION,
      f: binding.field,
      o: parentHashOf(binding),
      n: point.offset,
    };
    if (point.id !== undefined) payload.i = point.id;
    if (point.key !== undefined) payload.k = point.key;
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.mac(body, this.keys.signing).toString('base64url')}`;
  }

  /** The position of an offset cursor issued for search connection `binding`, or throws INVALID_CURSOR. */
  decodeOffsetFor(binding: ConnectionBinding, cursor: string, argumentName: string): OffsetPoint {
    const body = this.signedBody(cursor);
    const payload = body === undefined ? undefined : jsonOf(body);
    if (!isOffsetPayloadV1(payload) || payload.f !== binding.field || payload.o !== parentHashOf(binding))
      throw invalidCursor(argumentName);
    return {
      offset: payload.n,
      ...(payload.i === undefined ? {} : { id: payload.i }),
      ...(payload.k === undefined ? {} : { key: payload.k }),
    };
  }

  /** The body of a cursor this gateway signed (any kind), or undefined. */
  private signedBody(cursor: string): string | undefined {
    const parts = splitCursor(cursor);
    if (!parts) return undefined;
    const given = Buffer.from(parts.mac, 'base64url');
    // Refuse non-canonical spellings of the same bytes (base64's unused bits).
    if (given.length !== MAC_BYTES || given.toString('base64url') !== parts.mac) return undefined;
    return this.signedByRing(parts.body, given) ? parts.body : undefined;
  }

  /** The resume point of a cursor issued for connection `binding`, or throws INVALID_CURSOR. */
  decodeFor(binding: ConnectionBinding, cursor: string, argumentName = 'after'): ResumePoint {
    return this.decodeChecked(cursor, binding.field, parentHashOf(binding), argumentName);
  }

  /**
   * The resume point of a cursor issued for field `field` (`Job.sessions`) under the parent with key path
   * `parentPath`, or under any parent when `parentPath` is undefined (not known yet); or throws INVALID_CURSOR
   * naming `argumentName`.
   */
  decodeForField(
    field: string,
    parentPath: string | undefined,
    cursor: string,
    argumentName = 'after',
  ): ResumePoint {
    const hash = parentPath === undefined ? undefined : parentHash(parentPath);
    return this.decodeChecked(cursor, field, hash, argumentName);
  }

  private decodeChecked(
    cursor: string,
    field: string,
    hash: string | undefined,
    argumentName: string,
  ): ResumePoint {
    const decoded = this.verify(cursor);
    if (!decoded || decoded.field !== field || (hash !== undefined && decoded.parentHash !== hash))
      throw invalidCursor(argumentName);
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
