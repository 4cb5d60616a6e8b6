/**
 * The Redis wire format of a cached page: JSON of an envelope `{ e: <absolute expiry, ms>, v: <value> }`.
 *
 * Outputs of the gateway's client are JSON data (leanResponses.ts); an SDK-default client's timestamps are `Date`s,
 * and those round-trip exactly as `{"$date": <getTime()>}`. So that no real data can be mistaken for a Date, every
 * object key that starts with `$` gets one more `$` on the wire (`$metadata` is sent as `$$metadata`) and loses it
 * when decoded: a single-`$` key on the wire is always the codec's own tag. Nothing else is special (no Map, Set, BigInt or
 * undefined: SDK outputs have none).
 *
 * The expiry travels with the value so that a reader's in-process L1 keeps a Redis hit only until the instant
 * the writer set, never for a fresh TTL of its own; the TTL travels too, so that a writer whose clock runs ahead
 * cannot make readers keep it longer than one TTL from the moment they read it.
 */
export interface Envelope {
  expiresAt: number;
  value: object;
  /** The writer's TTL (ms); absent in envelopes of older writers. */
  ttlMs?: number;
}

const DOLLAR = 36; // '$'
const DATE_TAG = '$date';

function hasDollarKey(object: object): boolean {
  for (const key in object) {
    if (key.charCodeAt(0) === DOLLAR) return true;
  }
  return false;
}

/** `object` with every `$`-key renamed by `rename`, own enumerable properties only, in order. */
function renameDollarKeys(object: object, rename: (key: string) => string): Record<string, unknown> {
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    // Defined, not assigned: a `__proto__` key from the wire stays a plain member.
    Object.defineProperty(renamed, key.charCodeAt(0) === DOLLAR ? rename(key) : key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return renamed;
}

/**
 * JSON.stringify calls `Date#toJSON` before the replacer sees the value, so the replacer looks at the holder
 * (`this[key]`) to recognise a Date.
 */
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  if (original instanceof Date) {
    const time = original.getTime();
    // An invalid Date has no number to keep; null (JSON's NaN) brings back an invalid Date.
    return { [DATE_TAG]: Number.isNaN(time) ? null : time };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && hasDollarKey(value)) {
    return renameDollarKeys(value, (dollarKey) => `$${dollarKey}`);
  }
  return value;
}

/** JSON.parse revives bottom-up: an object's own keys are still the wire ones when it is looked at. */
function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !hasDollarKey(value))
    return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === DATE_TAG) {
    const time = (value as Record<string, unknown>)[DATE_TAG];
    if (typeof time === 'number' || time === null) return new Date(time ?? Number.NaN);
  }
  return renameDollarKeys(value, (dollarKey) => dollarKey.slice(1));
}

export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify({ e: envelope.expiresAt, t: envelope.ttlMs, v: envelope.value }, replacer);
}

/** The envelope in `text`; throws on text this codec did not write. */
export function decodeEnvelope(text: string): Envelope {
  const parsed = JSON.parse(text, reviver) as { e?: unknown; t?: unknown; v?: unknown } | null;
  if (
    parsed === null ||
    typeof parsed !== 'object' ||
    typeof parsed.e !== 'number' ||
    parsed.v === null ||
    typeof parsed.v !== 'object'
  ) {
    throw new TypeError('not a page cache envelope');
  }
  return {
    expiresAt: parsed.e,
    value: parsed.v,
    ...(typeof parsed.t === 'number' ? { ttlMs: parsed.t } : {}),
  };
}
