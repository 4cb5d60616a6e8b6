import { BatchGetJobCommand, CreateFarmCommand, ListSessionsCommand } from '@aws-sdk/client-deadline';
import { describe, expect, it } from 'vitest';
import { createMemoryPageCache } from '../../src/cache/memoryStore.js';
import { canonicalJson, isCacheable, UpstreamSharing } from '../../src/upstream/upstreamSharing.js';

describe('upstream sharing keys', () => {
  const sharing = new UpstreamSharing({ cache: createMemoryPageCache({ maxBytes: 1024 }), scope: 'scope-a' });

  it('keys by operation, input (key order ignored, array order kept) and scope', () => {
    const a = sharing.requestOf(
      new ListSessionsCommand({ farmId: 'f', queueId: 'q', jobId: 'j', maxResults: 100 }),
    );
    const b = sharing.requestOf(
      new ListSessionsCommand({ maxResults: 100, jobId: 'j', queueId: 'q', farmId: 'f' }),
    );
    const c = sharing.requestOf(
      new ListSessionsCommand({ farmId: 'f', queueId: 'q', jobId: 'j', maxResults: 50 }),
    );
    expect(a?.key).toBe(b?.key);
    expect(a?.key).not.toBe(c?.key);
    expect(a).toMatchObject({ operation: 'ListSessions', ttlMs: 2000 });
    const other = new UpstreamSharing({ scope: 'scope-b' }).requestOf(
      new ListSessionsCommand({ farmId: 'f', queueId: 'q', jobId: 'j', maxResults: 100 }),
    );
    expect(other?.key).not.toBe(a?.key);
    expect(canonicalJson([{ b: 1, a: [2, 1] }])).toBe('[{"a":[2,1],"b":1}]');
  });

  it('never shares writes; a TTL of 0 without coalescing shares nothing; no cache means no TTL', () => {
    expect(
      sharing.requestOf(new CreateFarmCommand({ displayName: 'x', costScaleFactor: 1 })),
    ).toBeUndefined();
    const off = new UpstreamSharing({ scope: 's', ttlMs: { job: 0 }, coalesce: false, cache: sharing.cache });
    expect(off.requestOf(new BatchGetJobCommand({ identifiers: [] }))).toBeUndefined();
    const noCache = new UpstreamSharing({ scope: 's' });
    expect(noCache.requestOf(new BatchGetJobCommand({ identifiers: [] }))).toMatchObject({ ttlMs: 0 });
  });
});

describe('isCacheable', () => {
  it('keeps answers, and BatchGet answers whose item errors are lasting; not transient item errors', () => {
    expect(isCacheable({ sessions: [] })).toBe(true);
    expect(isCacheable({ jobs: [], errors: [] })).toBe(true);
    expect(isCacheable({ jobs: [], errors: [{ code: 'ResourceNotFoundException' }] })).toBe(true);
    expect(isCacheable({ jobs: [], errors: [{ code: 'ValidationException' }] })).toBe(true);
    for (const code of [
      'ThrottlingException',
      'InternalServerErrorException',
      'AccessDeniedException',
      undefined,
    ]) {
      expect(isCacheable({ jobs: [], errors: [{ code: 'ResourceNotFoundException' }, { code }] })).toBe(
        false,
      );
    }
  });
});
