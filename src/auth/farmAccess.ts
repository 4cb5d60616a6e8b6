import { GraphQLError } from 'graphql';
import type { JWTPayload } from 'jose';
import { ErrorCode } from '../errors/codes.js';
import { isValidId } from '../ids/keys.js';

/**
 * The gateway-side farm allow-list (FARM_ALLOW_LIST, and/or the farms a JWT claim grants: JWT_FARMS_CLAIM). A
 * request may only touch the farms its FarmAccess allows: an operation that names another farm anywhere in its
 * arguments (farmId arguments, global IDs, `_entities` representations) is refused as a whole by the static check
 * (HTTP 403, zero Deadline calls), and the loaders check every key again right before any Deadline call
 * (`FarmAccess.allows`), so nothing reaches Deadline for another farm whatever path led there. `Query.farms` lists
 * only allowed farms.
 *
 * This is independent of Deadline's own authorization (AccessDenied, also `FORBIDDEN`, from the gateway's AWS
 * credentials) and of the emulator's `deniedFarmIds` (which simulates those AWS 403s).
 */

export interface FarmAllowListOptions {
  /** Farms every request may touch (FARM_ALLOW_LIST). */
  farmIds?: readonly string[];
  /**
   * Name of a JWT claim listing the farms the token grants (JWT_FARMS_CLAIM; needs JWT authentication): an array
   * of farm IDs, or one string of farm IDs separated by spaces or commas. With `farmIds` too, a request gets the
   * intersection. A token without the claim gets no farm.
   */
  claim?: string;
}

/** `extensions.reason` of a FORBIDDEN that comes from the allow-list (Deadline's own AccessDenied has none). */
export const FARM_NOT_ALLOWED = 'FARM_NOT_ALLOWED';

export class FarmAccess {
  /** No allow-list: every farm (what Deadline's credentials allow). */
  static readonly unrestricted = new FarmAccess(undefined);

  private constructor(private readonly allowed: ReadonlySet<string> | undefined) {}

  /** Exactly these farms. */
  static only(farmIds: Iterable<string>): FarmAccess {
    return new FarmAccess(new Set(farmIds));
  }

  /**
   * The access of one request: the static list, narrowed to the token's claim when a claim is configured.
   * Unrestricted when neither is configured.
   */
  static forRequest(options: FarmAllowListOptions | undefined, claims: JWTPayload | undefined): FarmAccess {
    const staticList = options?.farmIds;
    const claimName = options?.claim;
    if (staticList === undefined && claimName === undefined) return FarmAccess.unrestricted;
    let allowed: Set<string> | undefined = staticList === undefined ? undefined : new Set(staticList);
    if (claimName !== undefined) {
      const granted = farmsInClaim(claims?.[claimName]);
      allowed =
        allowed === undefined ? granted : new Set([...allowed].filter((farmId) => granted.has(farmId)));
    }
    return new FarmAccess(allowed ?? new Set());
  }

  /** True when an allow-list applies to this request. */
  get restricted(): boolean {
    return this.allowed !== undefined;
  }

  /** True when no farm at all is allowed (a `Query.farms` answer is then empty without asking Deadline). */
  get allowsNothing(): boolean {
    return this.allowed !== undefined && this.allowed.size === 0;
  }

  allows(farmId: string): boolean {
    return this.allowed === undefined || this.allowed.has(farmId);
  }
}

/** FORBIDDEN for a farm the request may not touch; `wholeOperation` marks a static refusal (HTTP 403). */
export function farmNotAllowed(farmId: string, wholeOperation: boolean): GraphQLError {
  return new GraphQLError(
    `Farm ${farmId} is not one of the farms this gateway serves to you (farm allow-list)` +
      (wholeOperation
        ? ': the operation was not run. Remove it from the operation, or ask for access.'
        : '.'),
    {
      extensions: {
        code: ErrorCode.FORBIDDEN,
        reason: FARM_NOT_ALLOWED,
        farmId,
        ...(wholeOperation ? { http: { status: 403 } } : {}),
      },
    },
  );
}

/** The farm IDs in a claim value: an array of strings, or one string separated by spaces/commas; others ignored. */
export function farmsInClaim(value: unknown): Set<string> {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[\s,]+/) : [];
  return new Set(
    items.filter((item): item is string => typeof item === 'string' && isValidId('farmId', item)),
  );
}
