/**
 * Idempotency of the Update* operations (`X-Amz-Client-Token`, the model's idempotencyToken): the first successful
 * answer to a token is kept for `ttlMs` (an hour by default; AWS documents no lifetime, UNVERIFIED), and a request
 * that repeats the token with the same input gets that answer again without the change being applied twice. The
 * same token with another input is refused (see `tokenReused`). A request that failed keeps nothing, so its retry
 * is judged afresh. Tokens are scoped to one operation: the same token on another operation is another request
 * (UNVERIFIED).
 */
import { type AwsError, conflict, validationError } from './awsErrors.js';

export const DEFAULT_CLIENT_TOKEN_TTL_MS = 60 * 60 * 1000;

interface Remembered {
  fingerprint: string;
  answer: unknown;
  at: number;
}

/** JSON text with object keys sorted, so two inputs that differ only in member order are the same input. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) =>
    typeof member === 'object' && member !== null && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : member,
  );
}

/**
 * The answer to a token reused with another input. The model documents none: ConflictException (409) where the
 * operation declares it (AWS's usual answer for a clientToken reused with other parameters), ValidationException
 * where it does not (BatchUpdateJob and BatchUpdateTask declare no ConflictException). Both UNVERIFIED.
 */
function tokenReused(operation: string, token: string, mayConflict: boolean): AwsError {
  const message = `The client token ${token} was already used for a ${operation} request with other parameters.`;
  return mayConflict
    ? conflict('CONFLICT_EXCEPTION', message, 'clientToken', token)
    : validationError('OTHER', message);
}

export class ClientTokens {
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    private readonly now: () => number,
    public ttlMs: number = DEFAULT_CLIENT_TOKEN_TTL_MS,
  ) {}

  /**
   * Runs `apply` once per token: with no token (a caller that sends none) it always runs; a live token with the same
   * `input` returns the kept answer; with another input it throws (`mayConflict`: the operation declares
   * ConflictException).
   */
  once(
    operation: string,
    token: string | undefined,
    input: unknown,
    mayConflict: boolean,
    apply: () => unknown,
  ): unknown {
    if (token === undefined) return apply();
    const now = this.now();
    this.forgetExpired(now);
    const key = `${operation}\n${token}`;
    const fingerprint = canonical(input);
    const kept = this.remembered.get(key);
    if (kept) {
      if (kept.fingerprint !== fingerprint) throw tokenReused(operation, token, mayConflict);
      return kept.answer;
    }
    const answer = apply();
    this.remembered.set(key, { fingerprint, answer, at: now });
    return answer;
  }

  private forgetExpired(now: number): void {
    // Kept in the order they were answered, on a clock that only moves forward.
    for (const [key, kept] of this.remembered) {
      if (now - kept.at < this.ttlMs) break;
      this.remembered.delete(key);
    }
  }
}
