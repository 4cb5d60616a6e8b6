/**
 * Compile-time checks of the entity registry (`npm run typecheck` fails when one stops holding): an entry that
 * leaves out a member does not compile. Each `@ts-expect-error` below must meet an error.
 */
import { ENTITIES, type EntityDefinition } from '../../src/model/entities.js';

const { cache: _cache, ...jobWithoutCache } = ENTITIES.Job;
// @ts-expect-error an entry without its cache resource is not an EntityDefinition
export const withoutCache: EntityDefinition = jobWithoutCache;

const { members: _members, ...jobWithoutMembers } = ENTITIES.Job;
// @ts-expect-error an entry without its member lists is not an EntityDefinition
export const withoutMembers: EntityDefinition = jobWithoutMembers;

// @ts-expect-error an operation the SDK has no command for
export const unknownOperation: EntityDefinition = { ...ENTITIES.Job, get: 'GetJobs' };

export const complete: EntityDefinition = ENTITIES.Job;
