import { toGlobalId } from 'graphql-relay';
import { describe, expect, it } from 'vitest';
import { globalIdOf, parseGlobalId } from '../../src/ids/globalId.js';
import { type EntityKeys, type EntityType, KEY_PARTS, keyPath, parseKeyPath } from '../../src/ids/keys.js';

const hex = (c: string) => c.repeat(32);
const job = { farmId: `farm-${hex('a')}`, queueId: `queue-${hex('b')}`, jobId: `job-${hex('c')}` };

describe('key paths', () => {
  it('join the parts KEY_PARTS names, in its order, for every entity type', () => {
    for (const type of Object.keys(KEY_PARTS) as EntityType[]) {
      const key = Object.fromEntries(
        // Task and session action IDs are numbered within their step or session (`task-<32 hex>-<n>`).
        KEY_PARTS[type].map((part) => [
          part,
          `${part.slice(0, -2).toLowerCase()}-${hex('9')}${part === 'taskId' || part === 'sessionActionId' ? '-3' : ''}`,
        ]),
      );
      const path = keyPath(type, key as unknown as EntityKeys[typeof type]);
      expect(path).toBe(KEY_PARTS[type].map((part) => key[part]).join('/'));
      expect(parseKeyPath(type, path)).toEqual(key);
    }
  });

  it('print a missing part as empty (never "undefined"), and refuse an unknown type', () => {
    expect(keyPath('Job', { farmId: `farm-${hex('a')}` } as EntityKeys['Job'])).toBe(`farm-${hex('a')}//`);
    expect(() => keyPath('Pet' as EntityType, { farmId: 'x' } as never)).toThrow(TypeError);
  });
});

describe('global IDs', () => {
  it('carry the type and the full parent path', () => {
    const id = globalIdOf('Job', job);
    expect(parseGlobalId(id)).toEqual({ type: 'Job', key: job });
    const session = { ...job, sessionId: `session-${hex('d')}` };
    expect(parseGlobalId(globalIdOf('Session', session))).toEqual({ type: 'Session', key: session });
    const worker = { farmId: job.farmId, fleetId: `fleet-${hex('e')}`, workerId: `worker-${hex('f')}` };
    expect(parseGlobalId(globalIdOf('Worker', worker))).toEqual({ type: 'Worker', key: worker });
  });

  it('refuse unknown types, wrong part counts, bad IDs and non-canonical encodings', () => {
    const path = `${job.farmId}/${job.queueId}/${job.jobId}`;
    for (const id of [
      toGlobalId('Pet', path),
      toGlobalId('Job', `${job.farmId}/${job.queueId}`),
      toGlobalId('Job', `${path}/extra`),
      toGlobalId('Job', path.replace('job-', 'jab-')),
      toGlobalId('Queue', path),
      `${toGlobalId('Job', path)}=`,
      ` ${toGlobalId('Job', path)}`,
      '',
      'not base64 at all',
    ]) {
      expect(parseGlobalId(id), id).toBeUndefined();
    }
  });
});

describe('the global ID encoding', () => {
  it("is graphql-relay's toGlobalId, byte for byte", () => {
    const session = { ...job, sessionId: `session-${hex('d')}` };
    const path = `${job.farmId}/${job.queueId}/${job.jobId}/${session.sessionId}`;
    expect(globalIdOf('Session', session)).toBe(toGlobalId('Session', path));
    // Lengths 0–2 mod 3 (padding "", "==", "="), so every tail of the encoder is compared.
    const farm = (id: string) => ({ farmId: id });
    for (const id of [`farm-${hex('a')}`, `farm-${hex('b')}`.slice(0, 36), `farm-${hex('c')}`.slice(0, 35)]) {
      expect(globalIdOf('Farm', farm(id))).toBe(toGlobalId('Farm', id));
    }
  });
});
