import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAuthConfig } from '../../src/auth/config.js';

const A = `farm-${'a'.repeat(32)}`;
const B = `farm-${'b'.repeat(32)}`;
const SECRET = 's'.repeat(32);

function read(env: Record<string, string>) {
  const problems: string[] = [];
  const config = readAuthConfig(env, problems);
  return { ...config, problems };
}

describe('readAuthConfig', () => {
  it('nothing configured: no JWT, no allow-list', () => {
    expect(read({})).toEqual({ jwt: undefined, farmAllowList: undefined, problems: [] });
  });

  it('HS256, with lists of issuers and audiences and a clock tolerance', () => {
    const { jwt, problems } = read({
      JWT_ISSUER: 'https://a/, https://b/',
      JWT_AUDIENCE: 'api',
      JWT_SECRET: SECRET,
      JWT_CLOCK_TOLERANCE_SECONDS: '10',
    });
    expect(problems).toEqual([]);
    expect(jwt).toEqual({
      secret: SECRET,
      issuer: ['https://a/', 'https://b/'],
      audience: 'api',
      clockToleranceSeconds: 10,
    });
  });

  it('JWKS URL: https, or http on loopback only', () => {
    expect(
      read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS_URL: 'https://idp/jwks.json' }).jwt,
    ).toMatchObject({
      jwksUrl: 'https://idp/jwks.json',
    });
    expect(
      read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS_URL: 'http://127.0.0.1:9/jwks' }).problems,
    ).toEqual([]);
    expect(read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_JWKS_URL: 'http://idp/jwks' }).problems).toEqual([
      expect.stringMatching(/^JWT_JWKS_URL must be an https URL/),
    ]);
  });

  it('a PEM public key', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_PUBLIC_KEY: pem }).problems).toEqual([]);
    expect(read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_PUBLIC_KEY: 'nope' }).problems).toEqual([
      expect.stringMatching(/^JWT_PUBLIC_KEY must be a PEM/),
    ]);
  });

  it('partial or contradictory JWT configuration is an error, never silently off', () => {
    const { jwt, problems } = read({
      JWT_SECRET: 'short',
      JWT_JWKS_URL: 'https://idp/jwks',
      JWT_CLOCK_TOLERANCE_SECONDS: '-1',
    });
    expect(jwt).toBeUndefined();
    expect(problems).toEqual([
      expect.stringMatching(/^JWT_ISSUER is required/),
      expect.stringMatching(/^JWT_AUDIENCE is required/),
      expect.stringMatching(/exactly one key source.*2 are set/),
      expect.stringMatching(/^JWT_CLOCK_TOLERANCE_SECONDS/),
    ]);
    expect(read({ JWT_ISSUER: 'i', JWT_AUDIENCE: 'a', JWT_SECRET: 'short' }).problems).toEqual([
      expect.stringMatching(/^JWT_SECRET \(HS256\) must be at least 32/),
    ]);
    expect(read({ JWT_FARMS_CLAIM: 'farms' }).problems).toEqual([
      expect.stringMatching(/^JWT_ISSUER/),
      expect.stringMatching(/^JWT_AUDIENCE/),
      expect.stringMatching(/exactly one key source/),
    ]);
  });

  it('FARM_ALLOW_LIST and JWT_FARMS_CLAIM', () => {
    expect(read({ FARM_ALLOW_LIST: ` ${A}, ${B} ` })).toMatchObject({
      farmAllowList: { farmIds: [A, B] },
      problems: [],
    });
    expect(read({ FARM_ALLOW_LIST: `${A},farm-nope` }).problems).toEqual([
      expect.stringMatching(/^FARM_ALLOW_LIST must be .*"farm-nope"/),
    ]);
    const claim = read({
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
      JWT_SECRET: SECRET,
      JWT_FARMS_CLAIM: 'https://ex/farms',
    });
    expect(claim.problems).toEqual([]);
    expect(claim.farmAllowList).toEqual({ claim: 'https://ex/farms' });
  });
});
