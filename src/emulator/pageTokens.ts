/**
 * Opaque, signed pagination tokens.
 *
 * A token is `base64url(JSON payload) + "." + base64url(HMAC-SHA256(payload))` keyed with a per-emulator random
 * key, so tokens from another emulator instance, edited tokens and invented tokens all fail verification. The
 * payload binds the token to the operation and a digest of every other argument of the request (parent IDs,
 * filters and maxResults as sent), and records when it was issued so it expires after the TTL. Tokens are
 * replayable: the same token with the same arguments yields the same page, as the dataset never changes.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type AwsError, validationError } from './awsErrors.js';

/** Every argument of a List* call except nextToken; `null` marks an argument that was not sent. */
export type PageArguments = Record<string, string | number | null>;

interface TokenPayload {
  /** operation name */
  o: string;
  /** digest of the other arguments */
  a: string;
  /** offset of the next item */
  n: number;
  /** issue time (emulator clock, epoch ms) */
  t: number;
}

export const INVALID_TOKEN_MESSAGE = 'The pagination token is invalid or has expired';

function invalidToken(why: string): AwsError {
  const message = `${INVALID_TOKEN_MESSAGE}: ${why}`;
  return validationError('FIELD_VALIDATION_FAILED', message, [{ name: 'nextToken', message }]);
}

function digestArguments(args: PageArguments): string {
  const canonical = JSON.stringify(
    Object.keys(args)
      .sort()
      .map((key) => [key, args[key] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 22);
}

export class PageTokenCodec {
  private readonly key = randomBytes(32);

  constructor(
    private readonly clock: () => number,
    private readonly ttlMs: () => number,
  ) {}

  issue(operation: string, args: PageArguments, offset: number): string {
    const payload: TokenPayload = { o: operation, a: digestArguments(args), n: offset, t: this.clock() };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the offset the token points at, or throws a ValidationException saying why it is unusable. */
  redeem(token: string, operation: string, args: PageArguments): number {
    const [body, signature, extra] = token.split('.');
    if (body === undefined || signature === undefined || extra !== undefined) {
      throw invalidToken('it is not a token this service issued');
    }
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw invalidToken('it is not a token this service issued');
    }
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenPayload;
    if (payload.o !== operation) throw invalidToken(`it was issued for ${payload.o}, not ${operation}`);
    if (payload.a !== digestArguments(args)) {
      throw invalidToken('it was issued for a request with different arguments');
    }
    if (this.clock() - payload.t > this.ttlMs()) throw invalidToken('it has expired');
    return payload.n;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
