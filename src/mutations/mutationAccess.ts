/**
 * Who may change what (docs/design/mutations.md): mutations are off unless enabled (MUTATIONS); with JWT
 * authentication a mutation needs the write grant (JWT_WRITE_SCOPE in the token's `scope` or `scp` claim); the farm
 * allow-list applies. Every refusal happens before any Deadline call. Also the client token each mutation field
 * sends (`Idempotency-Key`, `clientToken`, or one made here) and the audit log line.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { responsePathAsArray } from 'graphql';
import type { FarmAccess } from '../auth/farmAccess.js';
import { badUserInput, ErrorCode, gatewayError } from '../errors/codes.js';
import type { Logger } from '../logging.js';

export interface MutationSettings {
  /** Whether mutations run at all (MUTATIONS=on|off). */
  enabled: boolean;
  /** The grant a JWT must carry in `scope` (space-separated) or `scp` (a list) to change anything. */
  writeScope: string;
  /** The most objects one operation may change (MUTATION_MAX_OBJECTS). */
  maxObjects: number;
}

export const DEFAULT_WRITE_SCOPE = 'deadline:write';
export const DEFAULT_MAX_MUTATED_OBJECTS = 500;

/** What a request brings to its mutations. */
export interface MutationRequest {
  settings: MutationSettings;
  /** The verified JWT claims, when JWT authentication is on. */
  claims: Record<string, unknown> | undefined;
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey: string | undefined;
  logger: Logger;
}

/** Deadline's clientToken: 1 to 64 characters. */
const MAX_TOKEN_LENGTH = 64;

/** FORBIDDEN unless this request may change `farmIds` (checked before any call). */
export function checkMayMutate(
  request: MutationRequest,
  farmAccess: FarmAccess,
  farmIds: Iterable<string>,
): void {
  if (!request.settings.enabled) {
    throw gatewayError(
      ErrorCode.FORBIDDEN,
      'Mutations are off on this gateway. Its operators can turn them on with MUTATIONS=on (README "Changing things").',
    );
  }
  if (request.claims !== undefined && !grants(request.claims, request.settings.writeScope)) {
    throw gatewayError(
      ErrorCode.FORBIDDEN,
      `Changing the farm needs the \`${request.settings.writeScope}\` grant in the bearer token's \`scope\` (or \`scp\`) claim; this token has none. Ask for a token with it.`,
    );
  }
  for (const farmId of farmIds) {
    if (!farmAccess.allows(farmId)) {
      throw gatewayError(
        ErrorCode.FORBIDDEN,
        `This request may not touch farm ${farmId} (the farm allow-list). Ask for access to it, or change another farm.`,
      );
    }
  }
}

function grants(claims: Record<string, unknown>, scope: string): boolean {
  const scopes = [claims.scope, claims.scp].flatMap((value) =>
    typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value.map(String) : [],
  );
  return scopes.includes(scope);
}

/**
 * The client token a mutation field sends: the input's own (checked), else one derived from the `Idempotency-Key`
 * header and the field's path (so each field of an operation gets its own, and a retry of the same operation the
 * same one), else a fresh one. Deadline applies a token once; the SDK's retries resend the same command, token
 * included.
 */
export function clientTokenOf(
  request: MutationRequest,
  given: string | null | undefined,
  info: GraphQLResolveInfo,
): string {
  if (given !== null && given !== undefined) {
    if (given.length < 1 || given.length > MAX_TOKEN_LENGTH)
      throw badUserInput(
        `\`clientToken\` must be 1 to ${MAX_TOKEN_LENGTH} characters long (got ${given.length}).`,
        'clientToken',
      );
    return given;
  }
  if (request.idempotencyKey !== undefined && request.idempotencyKey !== '') {
    const path = responsePathAsArray(info.path).join('.');
    return createHash('sha256').update(`${request.idempotencyKey}\n${path}`).digest('base64url');
  }
  return randomUUID();
}

/** BAD_USER_INPUT when one operation would change more objects than allowed. */
export function checkObjectCount(request: MutationRequest, count: number, argumentName: string): void {
  if (count === 0) throw badUserInput(`\`${argumentName}\` needs at least one entry.`, argumentName);
  const max = request.settings.maxObjects;
  if (count > max) {
    throw badUserInput(
      `One operation changes at most ${max} objects (MUTATION_MAX_OBJECTS); \`${argumentName}\` has ${count}. Split the change.`,
      argumentName,
    );
  }
}

/** The audit line of a mutation: who, what (operation, IDs, changed members), and the outcome; never token contents. */
export function audit(
  request: MutationRequest,
  entry: { operation: string; ids: object; changes: object; outcome: string; error?: string },
): void {
  const subject = typeof request.claims?.sub === 'string' ? request.claims.sub : null;
  request.logger.info({ audit: { subject, ...entry } }, `mutation ${entry.operation}: ${entry.outcome}`);
}
