import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, createVerifier, publicKeyFromPem, verifyBearer } from '../../src/auth/jwt.js';

const ISSUER = 'https://idp.test.example/';
const AUDIENCE = 'deadline-graphql';

function pair(type: 'rsa' | 'ec' | 'ed25519') {
  const options =
    type === 'rsa' ? { modulusLength: 2048 } : type === 'ec' ? { namedCurve: 'P-256' } : ({} as object);
  return generateKeyPairSync(type as 'rsa', options as { modulusLength: number });
}

async function token(key: Parameters<SignJWT['sign']>[0], alg: string, audience = AUDIENCE) {
  return new SignJWT({ farms: [] })
    .setProtectedHeader({ alg })
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setExpirationTime('5m')
    .sign(key);
}

describe('static PEM keys', () => {
  it('RS256 with an RSA public key, ES256 with an EC P-256 key (\\n escapes accepted)', async () => {
    for (const [type, alg] of [
      ['rsa', 'RS256'],
      ['ec', 'ES256'],
    ] as const) {
      const { publicKey, privateKey } = pair(type);
      const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      for (const text of [pem, pem.replaceAll('\n', '\\n')]) {
        const verifier = createVerifier({ publicKey: text, issuer: ISSUER, audience: AUDIENCE });
        expect(verifier.algorithms).toEqual([alg]);
        const claims = await verifyBearer(`Bearer ${await token(privateKey, alg)}`, verifier, {
          issuer: ISSUER,
          audience: AUDIENCE,
        });
        expect(claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, farms: [] });
      }
    }
  });

  it('refuses a token signed by another key, and the wrong audience, without echoing the token', async () => {
    const { publicKey } = pair('rsa');
    const other = pair('rsa');
    const verifier = createVerifier({
      publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const forged = await token(other.privateKey, 'RS256');
    const failure = await verifyBearer(`Bearer ${forged}`, verifier, {
      issuer: ISSUER,
      audience: AUDIENCE,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect((failure as AuthenticationError).message).toMatch(/signature/);
    expect((failure as AuthenticationError).message).not.toContain(forged.slice(0, 20));
  });

  it('rejects keys that are not RSA or EC P-256, and non-keys', () => {
    const ed = pair('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => publicKeyFromPem(ed)).toThrow(/RSA \(RS256\) or EC P-256/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() => publicKeyFromPem(p384)).toThrow(/secp384r1/);
    expect(() => publicKeyFromPem('not a pem')).toThrow();
  });

  it('HS256 secrets must be long enough', () => {
    expect(() => createVerifier({ secret: 'short', issuer: ISSUER, audience: AUDIENCE })).toThrow(/32/);
  });
});

describe('verifyBearer header parsing', () => {
  const verifier = createVerifier({ secret: 'x'.repeat(32), issuer: ISSUER, audience: AUDIENCE });
  const options = { issuer: ISSUER, audience: AUDIENCE };
  it.each([
    [undefined, /Authentication required/],
    ['', /Authentication required/],
    ['Token abc', /must be `Bearer <token>`/],
    ['Bearer a b', /must be `Bearer <token>`/],
    ['Bearer abc', /not a JWT/],
    ['Bearer a.b', /not a JWT/],
    ['Bearer a.b.c.d', /not a JWT/],
  ])('%s', async (header, message) => {
    const failure = (await verifyBearer(header, verifier, options).catch(
      (error: unknown) => error,
    )) as AuthenticationError;
    expect(failure).toBeInstanceOf(AuthenticationError);
    expect(failure.status).toBe(401);
    expect(failure.code).toBe('UNAUTHENTICATED');
    expect(failure.message).toMatch(message);
  });
});
