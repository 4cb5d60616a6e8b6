import {
  ListFarmsCommand,
  ListJobsCommand,
  ListSessionsCommand,
  paginateListSessions,
  ValidationException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRef } from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, rawRequest, startFixture } from './emulatorFixture.js';

let fixture: EmulatorFixture;
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(() => fixture.close());

function edgeJob(count: number): JobRef {
  const ref = fixture.emulator.dataset.edgeJobs.get(count);
  if (!ref) throw new Error(`no edge job with ${count} sessions`);
  return ref;
}

async function pageSizes(ref: JobRef, maxResults?: number): Promise<number[]> {
  const sizes: number[] = [];
  let nextToken: string | undefined;
  do {
    const page = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults, nextToken }));
    sizes.push(page.sessions?.length ?? -1);
    nextToken = page.nextToken;
  } while (nextToken && sizes.length < 100);
  return sizes;
}

describe('ListSessions paging', () => {
  it('pages a 250-session job at maxResults 100 as 100/100/50, in dataset order', async () => {
    const ref = edgeJob(250);
    expect(await pageSizes(ref, 100)).toEqual([100, 100, 50]);
    const ids: string[] = [];
    for await (const page of paginateListSessions({ client: fixture.client, pageSize: 100 }, { ...ref })) {
      ids.push(...(page.sessions ?? []).map((session) => session.sessionId ?? ''));
    }
    const expected = fixture.emulator.dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`) ?? [];
    expect(ids).toEqual(expected.map((session) => session.sessionId));
  });

  it('a full page ending exactly at the end still carries a token; the next page is empty without one', async () => {
    const ref = edgeJob(100);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    expect(first.sessions).toHaveLength(100);
    expect(first.nextToken).toBeTypeOf('string');
    const second = await fixture.client.send(
      new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken }),
    );
    expect(second.sessions).toEqual([]);
    expect(second.nextToken).toBeUndefined();
  });

  it('edge counts page as expected around the 100 boundary (default page size 100)', async () => {
    expect(await pageSizes(edgeJob(0))).toEqual([0]);
    expect(await pageSizes(edgeJob(1))).toEqual([1]);
    expect(await pageSizes(edgeJob(99))).toEqual([99]);
    expect(await pageSizes(edgeJob(101))).toEqual([100, 1]);
  });

  it('pages the large job completely with distinct sessions', async () => {
    const large = fixture.emulator.dataset.sizes.largeJobSessions;
    const sizes = await pageSizes(edgeJob(large), 100);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(large);
    expect(sizes.at(-1)).toBe(0); // 3000 is a multiple of 100: the last full page points at an empty one
  });

  it('an empty list is [] without a token', async () => {
    const response = await fixture.client.send(new ListSessionsCommand({ ...edgeJob(0) }));
    expect(response.sessions).toEqual([]);
    expect(response.nextToken).toBeUndefined();
  });

  it('tokens are replayable: the same token and arguments give the same page', async () => {
    const ref = edgeJob(250);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 40 }));
    const again = await fixture.client.send(
      new ListSessionsCommand({ ...ref, maxResults: 40, nextToken: first.nextToken }),
    );
    const replay = await fixture.client.send(
      new ListSessionsCommand({ ...ref, maxResults: 40, nextToken: first.nextToken }),
    );
    expect(replay.sessions).toEqual(again.sessions);
    expect(again.sessions?.[0]?.sessionId).not.toBe(first.sessions?.[0]?.sessionId);
  });
});

describe('nextToken binding and integrity', () => {
  it('is bound to maxResults', async () => {
    const ref = edgeJob(250);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    const error = await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 50, nextToken: first.nextToken })),
      ValidationException,
    );
    expect(error.message).toMatch(/pagination token is invalid or has expired/);
    expect(error.$metadata.httpStatusCode).toBe(400);
    // maxResults omitted is a different argument from maxResults=100, even though the page size is the same.
    await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, nextToken: first.nextToken })),
      ValidationException,
    );
  });

  it('is bound to the parent job and to the operation', async () => {
    const first = await fixture.client.send(new ListSessionsCommand({ ...edgeJob(250), maxResults: 100 }));
    await expectAwsError(
      fixture.client.send(
        new ListSessionsCommand({ ...edgeJob(101), maxResults: 100, nextToken: first.nextToken }),
      ),
      ValidationException,
    );
    const ref = edgeJob(250);
    await expectAwsError(
      fixture.client.send(
        new ListJobsCommand({
          farmId: ref.farmId,
          queueId: ref.queueId,
          maxResults: 100,
          nextToken: first.nextToken,
        }),
      ),
      ValidationException,
    );
  });

  it('is bound to filters', async () => {
    const principal = fixture.emulator.dataset.principals[0] ?? '';
    const first = await fixture.client.send(new ListFarmsCommand({ maxResults: 1 }));
    expect(first.nextToken).toBeTypeOf('string');
    await expectAwsError(
      fixture.client.send(
        new ListFarmsCommand({ maxResults: 1, principalId: principal, nextToken: first.nextToken }),
      ),
      ValidationException,
    );
    const second = await fixture.client.send(
      new ListFarmsCommand({ maxResults: 1, nextToken: first.nextToken }),
    );
    expect(second.farms?.[0]?.farmId).toBe(fixture.emulator.dataset.farms[1]?.farmId);
  });

  it('rejects tampered, invented and foreign tokens', async () => {
    const ref = edgeJob(250);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    const token = first.nextToken ?? '';
    const [body = '', signature = ''] = token.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { n: number };
    const forgedBody = Buffer.from(JSON.stringify({ ...payload, n: 0 })).toString('base64url');
    for (const bad of [
      `${forgedBody}.${signature}`,
      `${token}x`,
      'abc',
      'a.b.c',
      '%%%',
      token.slice(0, -2),
    ]) {
      await expectAwsError(
        fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: bad })),
        ValidationException,
      );
    }
    const other = await startFixture();
    try {
      await expectAwsError(
        other.client.send(new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: token })),
        ValidationException,
      );
    } finally {
      await other.close();
    }
  });

  it('rejects a token longer than 4096 characters', async () => {
    await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...edgeJob(250), nextToken: 'a'.repeat(4097) })),
      ValidationException,
    );
  });

  it('is percent-decoded from the query string', async () => {
    const ref = edgeJob(250);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    const encoded = [...(first.nextToken ?? '')]
      .map((char) => `%${char.charCodeAt(0).toString(16)}`)
      .join('');
    const path = `/2023-10-12/farms/${ref.farmId}/queues/${ref.queueId}/jobs/${ref.jobId}/sessions`;
    const response = await rawRequest(
      fixture.emulator.endpoint,
      `${path}?maxResults=100&nextToken=${encoded}`,
    );
    expect(response.status).toBe(200);
    expect(response.json.sessions).toHaveLength(100);
  });
});

describe('token expiry', () => {
  it('fails once the emulator clock passes the TTL, and setTokenTtl applies to issued tokens', async () => {
    const local = await startFixture({ tokenTtlMs: 60_000 });
    try {
      const ref = local.emulator.dataset.edgeJobs.get(250) as JobRef;
      const first = await local.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
      local.emulator.advanceClock(59_000);
      await local.client.send(
        new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken }),
      );
      local.emulator.advanceClock(2_000);
      const error = await expectAwsError(
        local.client.send(new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken })),
        ValidationException,
      );
      expect(error.message).toMatch(/expired/);
      local.emulator.setTokenTtl(3_600_000);
      const page = await local.client.send(
        new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken }),
      );
      expect(page.sessions).toHaveLength(100);
    } finally {
      await local.close();
    }
  });

  it('defaults to 24 hours', async () => {
    const ref = edgeJob(250);
    const first = await fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100 }));
    fixture.emulator.advanceClock(24 * 3_600_000 - 1_000);
    await fixture.client.send(
      new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken }),
    );
    fixture.emulator.advanceClock(2_000);
    await expectAwsError(
      fixture.client.send(new ListSessionsCommand({ ...ref, maxResults: 100, nextToken: first.nextToken })),
      ValidationException,
    );
  });
});

describe('default page size option', () => {
  it('uses defaultMaxResults when maxResults is omitted', async () => {
    const local = await startFixture({ defaultMaxResults: 25 });
    try {
      const ref = local.emulator.dataset.edgeJobs.get(101) as JobRef;
      const first = await local.client.send(new ListSessionsCommand({ ...ref }));
      expect(first.sessions).toHaveLength(25);
      expect(first.nextToken).toBeTypeOf('string');
    } finally {
      await local.close();
    }
  });
});
