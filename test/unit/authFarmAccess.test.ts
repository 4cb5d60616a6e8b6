import { describe, expect, it } from 'vitest';
import { FarmAccess, farmNotAllowed, farmsInClaim } from '../../src/auth/farmAccess.js';
import { farmsNamedBy } from '../../src/auth/farmAllowList.js';
import { globalIdOf } from '../../src/ids/globalId.js';

const A = `farm-${'a'.repeat(32)}`;
const B = `farm-${'b'.repeat(32)}`;
const C = `farm-${'c'.repeat(32)}`;

describe('FarmAccess.forRequest', () => {
  it('unrestricted without configuration', () => {
    const access = FarmAccess.forRequest(undefined, { farms: [A] });
    expect(access.restricted).toBe(false);
    expect(access.allows(B)).toBe(true);
    expect(FarmAccess.forRequest({}, undefined).restricted).toBe(false);
  });

  it('the static list', () => {
    const access = FarmAccess.forRequest({ farmIds: [A, B] }, undefined);
    expect([A, B, C].map((farm) => access.allows(farm))).toEqual([true, true, false]);
  });

  it('the claim, intersected with the static list; a missing claim grants nothing', () => {
    expect(FarmAccess.forRequest({ claim: 'farms' }, { farms: [A, C] }).allows(C)).toBe(true);
    const both = FarmAccess.forRequest({ farmIds: [A, B], claim: 'farms' }, { farms: [A, C] });
    expect([A, B, C].map((farm) => both.allows(farm))).toEqual([true, false, false]);
    const none = FarmAccess.forRequest({ claim: 'farms' }, { sub: 'x' });
    expect(none.restricted).toBe(true);
    expect(none.allowsNothing).toBe(true);
    expect(FarmAccess.forRequest({ claim: 'farms' }, undefined).allowsNothing).toBe(true);
  });

  it('whole-operation refusals carry HTTP 403, run-time ones do not', () => {
    const refusal = { code: 'FORBIDDEN', reason: 'FARM_NOT_ALLOWED', farmId: B };
    expect(farmNotAllowed(B, true).extensions).toEqual({ ...refusal, http: { status: 403 } });
    expect(farmNotAllowed(B, false).extensions).toEqual(refusal);
  });
});

describe('farmsInClaim', () => {
  it('arrays and space/comma separated strings; anything else ignored', () => {
    expect([...farmsInClaim([A, 'x', 3, B])]).toEqual([A, B]);
    expect([...farmsInClaim(`${A} ${B},${C}`)]).toEqual([A, B, C]);
    expect([...farmsInClaim({ A })]).toEqual([]);
    expect([...farmsInClaim(undefined)]).toEqual([]);
  });
});

describe('farmsNamedBy (the static check’s argument scan)', () => {
  it('farmId arguments, global IDs, representations', () => {
    const job = { farmId: B, queueId: `queue-${'1'.repeat(32)}`, jobId: `job-${'2'.repeat(32)}` };
    expect(farmsNamedBy('farmId', A)).toEqual([A]);
    expect(farmsNamedBy('farmId', 'farm-bad')).toEqual([]);
    expect(farmsNamedBy('id', globalIdOf('Job', job))).toEqual([B]);
    expect(farmsNamedBy('ids', [globalIdOf('Farm', { farmId: A }), 'garbage'])).toEqual([A]);
    expect(
      farmsNamedBy('representations', [
        { __typename: 'Job', ...job },
        { __typename: 'Farm', id: globalIdOf('Farm', { farmId: C }) },
      ]),
    ).toEqual([B, C]);
    expect(farmsNamedBy('after', 'cursor')).toEqual([]);
    expect(farmsNamedBy('first', 5)).toEqual([]);
  });
});
