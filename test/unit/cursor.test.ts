import { createHmac, randomBytes } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { bindingOf, CursorCodec, parentHash, peekPageSize } from '../../src/pagination/cursor.js';

const codec = new CursorCodec(randomBytes(32));
const sessionsOfA = bindingOf('Job.sessions', 'farm-a/queue-a/job-a');
const sessionsOfB = bindingOf('Job.sessions', 'farm-a/queue-a/job-b');
const jobsOfA = bindingOf('Queue.jobs', 'farm-a/queue-a/job-a');

function codeOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error instanceof GraphQLError ? error.extensions.code : error;
  }
  return undefined;
}

describe('CursorCodec', () => {
  it('round-trips a resume point for its own connection', () => {
    for (const point of [
      { token: null, skip: 0, pageSize: 100 },
      { token: 'abc+/=', skip: 99, pageSize: 100 },
      { token: 'x'.repeat(4096), skip: 1, pageSize: 7 },
    ]) {
      const cursor = codec.encode(sessionsOfA, point);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      expect(codec.decodeFor(sessionsOfA, cursor)).toEqual(point);
    }
  });

  it('is opaque: the token is not visible as such', () => {
    const cursor = codec.encode(sessionsOfA, { token: 'secret-token', skip: 0, pageSize: 100 });
    expect(cursor).not.toContain('secret-token');
  });

  it('refuses another parent, another field, another key', () => {
    const cursor = codec.encode(sessionsOfA, { token: 't', skip: 1, pageSize: 100 });
    expect(codeOf(() => codec.decodeFor(sessionsOfB, cursor))).toBe('INVALID_CURSOR');
    expect(codeOf(() => codec.decodeFor(jobsOfA, cursor))).toBe('INVALID_CURSOR');
    expect(codeOf(() => new CursorCodec(randomBytes(32)).decodeFor(sessionsOfA, cursor))).toBe(
      'INVALID_CURSOR',
    );
  });

  it('refuses any single-character change', () => {
    const cursor = codec.encode(sessionsOfA, { token: 'tok', skip: 3, pageSize: 100 });
    for (let i = 0; i < cursor.length; i++) {
      const changed = cursor.slice(0, i) + (cursor[i] === 'Q' ? 'R' : 'Q') + cursor.slice(i + 1);
      if (changed === cursor) continue;
      expect(codec.verify(changed), `position ${i}`).toBeUndefined();
    }
  });

  it('refuses signed payloads outside the ranges (defence in depth) and garbage', () => {
    const secret = randomBytes(32);
    const local = new CursorCodec(secret);
    // Signs like the codec does (v1 wire format), so only the payload check can refuse these.
    const sign = (payload: object) => {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      const mac = createHmac('sha256', secret).update('v1.').update(body).digest().subarray(0, 16);
      return `${body}.${mac.toString('base64url')}`;
    };
    const good = { v: 1, f: 'Job.sessions', o: 'x', t: 'tok', s: 0, p: 100 };
    expect(local.verify(sign(good))).toEqual({
      field: 'Job.sessions',
      parentHash: 'x',
      token: 'tok',
      skip: 0,
      pageSize: 100,
    });
    for (const bad of [
      { ...good, v: 2 },
      { ...good, t: 5 },
      { ...good, t: '' },
      { ...good, s: -1 },
      { ...good, s: 101 },
      { ...good, s: 1.5 },
      { ...good, p: 0 },
      { ...good, p: 101 },
      { ...good, f: 7 },
    ]) {
      expect(local.verify(sign(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    for (const garbage of ['', '.', 'a.', '.a', 'a.b.c', '%%%.%%%', 'x'.repeat(7000)]) {
      expect(local.verify(garbage)).toBeUndefined();
    }
  });

  it('writes the v1 payload with its one-letter keys, in order (outstanding cursors stay valid)', () => {
    const cursor = codec.encode(sessionsOfA, { token: 'tok', skip: 3, pageSize: 50 });
    const body = cursor.split('.')[0] as string;
    expect(Buffer.from(body, 'base64url').toString('utf8')).toBe(
      `{"v":1,"f":"Job.sessions","o":"${parentHash('farm-a/queue-a/job-a')}","t":"tok","s":3,"p":50}`,
    );
  });

  it('decodeForField checks the field always, and the parent when it is given', () => {
    const point = { token: 't', skip: 1, pageSize: 100 };
    const cursor = codec.encode(sessionsOfA, point);
    expect(codec.decodeForField('Job.sessions', 'farm-a/queue-a/job-a', cursor)).toEqual(point);
    expect(codec.decodeForField('Job.sessions', undefined, cursor)).toEqual(point);
    expect(codeOf(() => codec.decodeForField('Job.sessions', 'farm-a/queue-a/job-b', cursor))).toBe(
      'INVALID_CURSOR',
    );
    expect(codeOf(() => codec.decodeForField('Queue.jobs', undefined, cursor))).toBe('INVALID_CURSOR');
    expect(codeOf(() => codec.decodeForField('Job.sessions', undefined, `${cursor}x`))).toBe(
      'INVALID_CURSOR',
    );
    let thrown: unknown;
    try {
      codec.decodeForField('Queue.jobs', undefined, cursor, 'since');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect((thrown as GraphQLError).extensions.argumentName).toBe('since');
  });

  it("peekPageSize reads the page size without a key, within the codec's format checks", () => {
    const cursor = codec.encode(sessionsOfA, { token: 'tok', skip: 3, pageSize: 7 });
    expect(peekPageSize(cursor)).toBe(7);
    const [body] = cursor.split('.');
    // A MAC of another key, or of the right length but wrong: not verified here.
    expect(peekPageSize(`${body}.AAAA`)).toBe(7);
    const unsigned = (payload: object) =>
      `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.AAAA`;
    const good = { v: 1, f: 'Job.sessions', o: 'x', t: 'tok', s: 0, p: 100 };
    expect(peekPageSize(unsigned(good))).toBe(100);
    for (const bad of [{ ...good, p: 0 }, { ...good, p: 101 }, { ...good, v: 2 }, { p: 5 }]) {
      expect(peekPageSize(unsigned(bad)), JSON.stringify(bad)).toBeUndefined();
    }
    const long = unsigned({ ...good, t: 'x'.repeat(4096) });
    expect(long.length).toBeLessThanOrEqual(6000);
    expect(peekPageSize(long)).toBe(100);
    expect(peekPageSize(`${long}${'A'.repeat(6001 - long.length)}`)).toBeUndefined();
    for (const garbage of ['', '.', 'a.', `${body}`, `${body}.a.b`, '%%%.%%%']) {
      expect(peekPageSize(garbage), garbage).toBeUndefined();
    }
  });
});
