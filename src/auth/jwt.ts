import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ErrorCode } from '../errors/codes.js';

/**
 * Optional bearer-token authentication of `/graphql` (JWT_* variables): every request must carry
 * `Authorization: Bearer <jwt>`, signed by the configured key (a remote JWKS, a static public key, or an HS256
 * secret), issued by the configured issuer for the configured audience, and not expired. Anything else is answered
 * 401 `UNAUTHENTICATED` with a GraphQL-shaped JSON body saying what is wrong — never echoing the token — before the
 * body is parsed. The verified claims are left in `res.locals` for the context function (`jwtClaimsOf`).
 */

/** Where the token's signing key comes from: exactly one. */
export type JwtKeySource =
  /** A JSON Web Key Set URL (the issuer's `jwks_uri`); keys are picked by `kid` and refetched on an unknown `kid`. */
  | { jwksUrl: string | URL; secret?: never; publicKey?: never }
  /** A PEM public key (SPKI `BEGIN PUBLIC KEY`) or X.509 certificate: RSA → RS256, EC P-256 → ES256. */
  | { publicKey: string; jwksUrl?: never; secret?: never }
  /** A shared secret for HS256 (at least 32 characters). */
  | { secret: string; jwksUrl?: never; publicKey?: never };

export type JwtAuthenticationOptions = JwtKeySource & {
  /** Expected `iss` (one of them, if several). */
  issuer: string | string[];
  /** Expected `aud` (the token must name at least one of them). */
  audience: string | string[];
  /** Accepted clock skew for `exp`/`nbf`/`iat`, in seconds (default 5). */
  clockToleranceSeconds?: number;
  /** JWKS only: accepted algorithms (default RS256, ES256). */
  algorithms?: string[];
  /** JWKS only: minimum time between two refetches triggered by an unknown `kid` (default 30 s). */
  jwksCooldownMs?: number;
  /** JWKS only: how long a fetched key set is used before it is refetched (default 10 min). */
  jwksCacheMaxAgeMs?: number;
  /** JWKS only: timeout of a key set fetch (default 5 s). */
  jwksTimeoutMs?: number;
  /** Called when the key set cannot be fetched (the request gets 503); for server-side logs. */
  onKeySetError?: (error: unknown) => void;
  /** Called for every refused request (401 or 503) with what the client was told; for server-side logs. */
  onRefused?: (refusal: Refusal) => void;
};

/** A request refused before GraphQL: the status and code it got, and the reason it was told (never the credential). */
export interface Refusal {
  status: number;
  code: string;
  reason: string;
}

/** What a verified request carries, in `res.locals.auth`. */
export interface VerifiedAuth {
  claims: JWTPayload;
}

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const MIN_HS256_SECRET_LENGTH = 32;
const DEFAULT_JWKS_ALGORITHMS = ['RS256', 'ES256'];
/** Real JWTs are a few kilobytes at most; anything much longer is refused without being parsed. */
const MAX_TOKEN_LENGTH = 8192;

/** The verified claims of this request, when JWT authentication is on and passed (undefined otherwise). */
export function jwtClaimsOf(res: Response): JWTPayload | undefined {
  const auth = (res.locals as { auth?: VerifiedAuth }).auth;
  return auth?.claims;
}

type Key = Parameters<typeof jwtVerify>[1];

interface Verifier {
  key: Key | JWTVerifyGetKey;
  algorithms: string[];
  remote: boolean;
}

/**
 * Builds the key and accepted algorithms once, at start-up: a bad PEM or URL throws here (with a message naming
 * the option), not on the first request.
 */
export function createVerifier(options: JwtAuthenticationOptions): Verifier {
  if (options.jwksUrl !== undefined) {
    const url = options.jwksUrl instanceof URL ? options.jwksUrl : new URL(options.jwksUrl);
    const jwks = createRemoteJWKSet(url, {
      ...(options.jwksCooldownMs === undefined ? {} : { cooldownDuration: options.jwksCooldownMs }),
      ...(options.jwksCacheMaxAgeMs === undefined ? {} : { cacheMaxAge: options.jwksCacheMaxAgeMs }),
      ...(options.jwksTimeoutMs === undefined ? {} : { timeoutDuration: options.jwksTimeoutMs }),
    });
    return { key: jwks, algorithms: options.algorithms ?? DEFAULT_JWKS_ALGORITHMS, remote: true };
  }
  if (options.publicKey !== undefined) {
    const key = publicKeyFromPem(options.publicKey);
    return { key, algorithms: [algorithmOf(key)], remote: false };
  }
  if (options.secret !== undefined) {
    if (options.secret.length < MIN_HS256_SECRET_LENGTH) {
      throw new Error(`The HS256 secret must be at least ${MIN_HS256_SECRET_LENGTH} characters.`);
    }
    return { key: new TextEncoder().encode(options.secret), algorithms: ['HS256'], remote: false };
  }
  throw new Error('JWT authentication needs a key: a JWKS URL, a PEM public key, or an HS256 secret.');
}

/** A PEM public key or certificate; `\n` escapes (common in environment variables) are accepted. */
export function publicKeyFromPem(pem: string): KeyObject {
  const text = pem.includes('\\n') ? pem.replaceAll('\\n', '\n') : pem;
  const key = text.includes('BEGIN CERTIFICATE')
    ? new X509Certificate(text).publicKey
    : createPublicKey({ key: text, format: 'pem' });
  algorithmOf(key);
  return key;
}

function algorithmOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(
    `The public key must be RSA (RS256) or EC P-256 (ES256), got ${key.asymmetricKeyType ?? 'unknown'}` +
      `${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}.`,
  );
}

/** Thrown by `verifyBearer`: what the client sees (status, message), never the token. */
export class AuthenticationError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 503 = 401,
    readonly code:
      | typeof ErrorCode.UNAUTHENTICATED
      | typeof ErrorCode.AUTHENTICATION_UNAVAILABLE = ErrorCode.UNAUTHENTICATED,
    readonly bearerError: 'invalid_request' | 'invalid_token' | null = 'invalid_token',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuthenticationError';
  }
}

/** Verifies an `Authorization` header value; resolves with the claims or throws AuthenticationError. */
export async function verifyBearer(
  header: string | undefined,
  verifier: Verifier,
  options: Pick<JwtAuthenticationOptions, 'issuer' | 'audience' | 'clockToleranceSeconds'>,
): Promise<JWTPayload> {
  if (header === undefined || header.trim() === '') {
    throw new AuthenticationError(
      'Authentication required: send `Authorization: Bearer <token>` with a JWT from your identity provider.',
      401,
      ErrorCode.UNAUTHENTICATED,
      null,
    );
  }
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new AuthenticationError(
      'The `Authorization` header must be `Bearer <token>` (one JWT, nothing else).',
      401,
      ErrorCode.UNAUTHENTICATED,
      'invalid_request',
    );
  }
  const token = match[1] as string;
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    throw new AuthenticationError('The bearer token is not a JWT (three base64url parts separated by dots).');
  }
  try {
    // jwtVerify's two overloads (a key, or a key resolver such as the remote JWKS) as one signature.
    const verify = jwtVerify as (
      token: string,
      key: Key | JWTVerifyGetKey,
      options: Parameters<typeof jwtVerify>[2],
    ) => ReturnType<typeof jwtVerify>;
    const { payload } = await verify(token, verifier.key, {
      issuer: options.issuer,
      audience: options.audience,
      algorithms: verifier.algorithms,
      clockTolerance: options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp'],
    });
    return payload;
  } catch (error) {
    throw describeFailure(error, verifier);
  }
}

/** A jose failure as a message for the client: what is wrong with the token, not which value was expected. */
function describeFailure(error: unknown, verifier: Verifier): AuthenticationError {
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('The bearer token has expired. Get a new token and retry.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const messages: Record<string, string> = {
      iss: 'The bearer token was issued by an issuer this API does not trust (`iss`).',
      aud: 'The bearer token is not meant for this API: its audience (`aud`) does not match.',
      nbf: 'The bearer token is not valid yet (`nbf` is in the future). Check the clocks.',
      iat: 'The bearer token has an invalid issue time (`iat`).',
      exp: 'The bearer token has no valid expiry time (`exp`); tokens without one are refused.',
    };
    return new AuthenticationError(
      messages[error.claim] ?? `The bearer token's \`${error.claim}\` claim is not valid (${error.reason}).`,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('The bearer token signature is not valid.');
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new AuthenticationError(
      `The bearer token is signed with an algorithm this API does not accept (accepted: ${verifier.algorithms.join(', ')}).`,
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError(
      'The bearer token is signed with a key the issuer does not publish (unknown `kid`).',
    );
  }
  if (
    verifier.remote &&
    (error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      !(error instanceof errors.JOSEError) ||
      error.code === 'ERR_JOSE_GENERIC')
  ) {
    return new AuthenticationError(
      'The identity provider’s signing keys (JWKS) could not be fetched, so the token cannot be checked. Retry later.',
      503,
      ErrorCode.AUTHENTICATION_UNAVAILABLE,
      null,
      { cause: error },
    );
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKInvalid
  ) {
    return new AuthenticationError('The bearer token is malformed or uses an unsupported format.');
  }
  return new AuthenticationError(
    'The bearer token is not valid.',
    401,
    ErrorCode.UNAUTHENTICATED,
    'invalid_token',
    {
      cause: error,
    },
  );
}

/**
 * Express middleware factory: mount it on `/graphql` before the JSON body parser. On success the claims are in
 * `res.locals.auth.claims` (read them with `jwtClaimsOf(res)`); on failure the request ends here with 401
 * `UNAUTHENTICATED` (or 503 `AUTHENTICATION_UNAVAILABLE` when the JWKS cannot be fetched).
 */
export function jwtAuthentication(options: JwtAuthenticationOptions): RequestHandler {
  const verifier = createVerifier(options);
  return async (req, res, next) => {
    try {
      const claims = await verifyBearer(req.get('authorization'), verifier, options);
      (res.locals as { auth?: VerifiedAuth }).auth = { claims };
      next();
    } catch (error) {
      const failure =
        error instanceof AuthenticationError
          ? error
          : new AuthenticationError(
              'The bearer token is not valid.',
              401,
              ErrorCode.UNAUTHENTICATED,
              'invalid_token',
              {
                cause: error,
              },
            );
      if (failure.status === 503) options.onKeySetError?.(failure.cause);
      options.onRefused?.({ status: failure.status, code: failure.code, reason: failure.message });
      if (failure.status === 401) {
        const description = failure.message.replace(/[^\x20-\x7e]|["\\]/g, '');
        res.set(
          'WWW-Authenticate',
          failure.bearerError
            ? `Bearer error="${failure.bearerError}", error_description="${description}"`
            : 'Bearer',
        );
      }
      res.status(failure.status).json({
        errors: [{ message: failure.message, extensions: { code: failure.code } }],
      });
    }
  };
}
