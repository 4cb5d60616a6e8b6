import { isValidId } from '../ids/keys.js';
import type { FarmAllowListOptions } from './farmAccess.js';
import {
  createVerifier,
  type JwtAuthenticationOptions,
  MIN_HS256_SECRET_LENGTH,
  publicKeyFromPem,
} from './jwt.js';

/**
 * The authentication and farm allow-list part of the configuration (JWT_*, FARM_ALLOW_LIST), for `loadConfig`:
 * every problem is returned (with the variable's name), nothing is thrown.
 */
export interface AuthConfig {
  /** JWT authentication of /graphql, when configured. */
  jwt: JwtAuthenticationOptions | undefined;
  /** The farm allow-list, when FARM_ALLOW_LIST and/or JWT_FARMS_CLAIM is set. */
  farmAllowList: FarmAllowListOptions | undefined;
}

type Env = Record<string, string | undefined>;

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';
const list = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

export function readAuthConfig(env: Env, problems: string[]): AuthConfig {
  const issuer = env.JWT_ISSUER;
  const audience = env.JWT_AUDIENCE;
  const jwksUrl = env.JWT_JWKS_URL;
  const publicKey = env.JWT_PUBLIC_KEY;
  const secret = env.JWT_SECRET;
  const farmsClaim = env.JWT_FARMS_CLAIM;
  const tolerance = env.JWT_CLOCK_TOLERANCE_SECONDS;

  let jwt: JwtAuthenticationOptions | undefined;
  const anyJwt = [issuer, audience, jwksUrl, publicKey, secret, farmsClaim, tolerance].some(set);
  if (anyJwt) {
    const before = problems.length;
    if (!set(issuer)) problems.push('JWT_ISSUER is required when JWT authentication is configured (JWT_*).');
    if (!set(audience))
      problems.push('JWT_AUDIENCE is required when JWT authentication is configured (JWT_*).');
    const keySources = [jwksUrl, publicKey, secret].filter(set).length;
    if (keySources !== 1) {
      problems.push(
        'JWT authentication needs exactly one key source: JWT_JWKS_URL, JWT_PUBLIC_KEY (PEM) or JWT_SECRET (HS256)' +
          (keySources === 0 ? '.' : `; ${keySources} are set.`),
      );
    }
    let clockToleranceSeconds: number | undefined;
    if (set(tolerance)) {
      const value = Number(tolerance);
      if (!/^\d+$/.test(tolerance.trim()) || value > 300) {
        problems.push(`JWT_CLOCK_TOLERANCE_SECONDS must be an integer from 0 to 300, got "${tolerance}".`);
      } else {
        clockToleranceSeconds = value;
      }
    }
    let key: { jwksUrl: string } | { publicKey: string } | { secret: string } | undefined;
    if (keySources === 1) {
      if (set(jwksUrl)) {
        let url: URL | undefined;
        try {
          url = new URL(jwksUrl);
        } catch {
          url = undefined;
        }
        const loopback = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
        if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
          problems.push(
            `JWT_JWKS_URL must be an https URL (http only on loopback), such as https://idp.example.com/.well-known/jwks.json; got "${jwksUrl}".`,
          );
        } else {
          key = { jwksUrl: url.toString() };
        }
      } else if (set(publicKey)) {
        try {
          publicKeyFromPem(publicKey);
          key = { publicKey };
        } catch (error) {
          const detail =
            error instanceof Error && /RSA|EC P-256/.test(error.message) ? ` ${error.message}` : '';
          problems.push(
            `JWT_PUBLIC_KEY must be a PEM public key (BEGIN PUBLIC KEY) or certificate, RSA (RS256) or EC P-256 (ES256).${detail}`,
          );
        }
      } else if (set(secret)) {
        if (secret.length < MIN_HS256_SECRET_LENGTH) {
          problems.push(
            `JWT_SECRET (HS256) must be at least ${MIN_HS256_SECRET_LENGTH} characters (e.g. \`openssl rand -base64 32\`).`,
          );
        } else {
          key = { secret };
        }
      }
    }
    if (set(farmsClaim) && !/^[\x21-\x7e]+$/.test(farmsClaim)) {
      problems.push(`JWT_FARMS_CLAIM must be a claim name (printable, no spaces), got "${farmsClaim}".`);
    }
    if (problems.length === before && key && set(issuer) && set(audience)) {
      const issuers = list(issuer);
      const audiences = list(audience);
      jwt = {
        ...key,
        issuer: issuers.length === 1 ? (issuers[0] as string) : issuers,
        audience: audiences.length === 1 ? (audiences[0] as string) : audiences,
        ...(clockToleranceSeconds === undefined ? {} : { clockToleranceSeconds }),
      } as JwtAuthenticationOptions;
      try {
        createVerifier(jwt);
      } catch (error) {
        problems.push(`JWT configuration: ${error instanceof Error ? error.message : String(error)}`);
        jwt = undefined;
      }
    }
  }

  let farmAllowList: FarmAllowListOptions | undefined;
  const allowList = env.FARM_ALLOW_LIST;
  if (set(allowList) || set(farmsClaim)) {
    farmAllowList = {};
    if (set(allowList)) {
      const farmIds = list(allowList);
      const invalid = farmIds.filter((farmId) => !isValidId('farmId', farmId));
      if (farmIds.length === 0 || invalid.length > 0) {
        problems.push(
          'FARM_ALLOW_LIST must be a comma-separated list of farm IDs ("farm-" + 32 lowercase hex digits)' +
            (invalid.length > 0
              ? `; not farm IDs: ${invalid.map((id) => JSON.stringify(id)).join(', ')}.`
              : '.'),
        );
      }
      farmAllowList.farmIds = farmIds;
    }
    if (set(farmsClaim)) farmAllowList.claim = farmsClaim;
  }
  return { jwt, farmAllowList };
}
