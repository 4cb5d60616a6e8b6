import {
  BatchGetJobCommand,
  BatchUpdateJobCommand,
  BatchUpdateTaskCommand,
  type DeadlineClient,
  GetJobCommand,
  ListFarmsCommand,
  ListQueuesCommand,
} from '@aws-sdk/client-deadline';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPageCache } from '../../src/cache/memoryStore.js';
import type { FarmGenerations, PageCache } from '../../src/cache/types.js';
import { createDeadlineClient, settingsOf } from '../../src/upstream/deadlineClient.js';
import { DeadlineUpstream } from '../../src/upstream/deadlineUpstream.js';
import { UpstreamCallTally } from '../../src/upstream/upstreamCalls.js';
import { farmsOf, UpstreamSharing, type UpstreamSharingOptions } from '../../src/upstream/upstreamSharing.js';

/**
 * `evictFarm` (src/upstream/upstreamSharing.ts) through the real DeadlineUpstream, page cache (the memory store) and
 * coalescing; only the transport under the client is a stand-in that counts calls and can hold them in flight.
 * The Redis flavour (generations shared by replicas) is test/e2e/farmEviction.e2e.test.ts.
 */
interface Transport {
  calls: string[];
  /** While set, calls wait for `release()`. */
  hold(): void;
  release(): void;
}

const clients: DeadlineClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

function clientWith(sharing: Omit<UpstreamSharingOptions, 'scope'>): {
  client: DeadlineClient;
  transport: Transport;
} {
  const client = createDeadlineClient(
    { upstream: { maxAttempts: 1, requestTimeoutMs: 5000 } },
    { region: 'us-west-2', endpoint: 'http://127.0.0.1:9' },
    {},
    { scope: 'test', ...sharing },
  );
  clients.push(client);
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  let open: (() => void) | undefined;
  let answer = 0;
  const transport: Transport = {
    calls,
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      open?.();
      gate = undefined;
    },
  };
  // Every call is answered with a fresh object that says which call it was.
  Object.defineProperty(client, 'send', {
    value: async (command: { constructor: { name: string }; input: unknown }) => {
      calls.push(`${command.constructor.name.replace(/Command$/, '')} ${JSON.stringify(command.input)}`);
      const n = ++answer;
      await gate;
      return { $metadata: {}, answer: n };
    },
  });
  return { client, transport };
}

/** One GraphQL request's access to Deadline. */
const request = (client: DeadlineClient) => new DeadlineUpstream(client, new UpstreamCallTally());

function getJob(upstream: DeadlineUpstream, farmId: string, jobId = 'job-1') {
  return upstream.call({ operation: 'GetJob' }, (client) =>
    client.send(new GetJobCommand({ farmId, queueId: 'queue-1', jobId })),
  ) as Promise<unknown> as Promise<{ answer: number }>;
}

const memoryCache = (): PageCache => createMemoryPageCache({ maxBytes: 1024 * 1024 });

describe('farmsOf', () => {
  it('names the farm of the input, each farm of a batch once, none for ListFarms', () => {
    expect(farmsOf(new GetJobCommand({ farmId: 'f1', queueId: 'q', jobId: 'j' }).input)).toEqual(['f1']);
    expect(farmsOf(new ListQueuesCommand({ farmId: 'f1' }).input)).toEqual(['f1']);
    expect(
      farmsOf(
        new BatchGetJobCommand({
          identifiers: [
            { farmId: 'f2', queueId: 'q', jobId: 'j1' },
            { farmId: 'f1', queueId: 'q', jobId: 'j2' },
            { farmId: 'f2', queueId: 'q', jobId: 'j3' },
          ],
        }).input,
      ),
    ).toEqual(['f2', 'f1']);
    expect(
      farmsOf(
        new BatchUpdateJobCommand({
          jobs: [{ farmId: 'f3', queueId: 'q', jobId: 'j', targetTaskRunStatus: 'CANCELED' }],
        } as never).input,
      ),
    ).toEqual(['f3']);
    expect(
      farmsOf(
        new BatchUpdateTaskCommand({
          tasks: [{ farmId: 'f4', queueId: 'q', jobId: 'j', stepId: 's', taskId: 't' }],
        } as never).input,
      ),
    ).toEqual(['f4']);
    expect(farmsOf(new ListFarmsCommand({}).input)).toEqual([]);
    expect(farmsOf(undefined)).toEqual([]);
  });
});

describe('evictFarm with the memory store', () => {
  it('keys stay as they were until a farm is evicted', () => {
    const sharing = new UpstreamSharing({ scope: 's', cache: memoryCache() });
    const job = sharing.requestOf(new GetJobCommand({ farmId: 'f1', queueId: 'q', jobId: 'j' }));
    if (!job) throw new Error('GetJob is shared');
    expect(sharing.keyOf(job, new Map())).toBe(job.key);
  });

  it('serves the cached answer before the eviction, not after; other farms keep serving theirs', async () => {
    const { client, transport } = clientWith({ cache: memoryCache() });
    const first = await getJob(request(client), 'farm-a');
    const other = await getJob(request(client), 'farm-b');
    expect(await getJob(request(client), 'farm-a')).toEqual(first);
    expect(transport.calls).toHaveLength(2);

    const mutating = request(client);
    await mutating.evictFarm('farm-a');
    const after = await getJob(request(client), 'farm-a');
    expect(after).not.toEqual(first);
    expect(transport.calls).toHaveLength(3);
    // The answer read after the eviction is cached in turn, and farm-b's entry still serves.
    expect(await getJob(request(client), 'farm-a')).toEqual(after);
    expect(await getJob(request(client), 'farm-b')).toEqual(other);
    expect(transport.calls).toHaveLength(3);
    expect(settingsSharing(client)).toMatchObject({ evictions: 1, evictionFailures: 0 });
  });

  it('the mutating request’s own re-read goes to Deadline', async () => {
    const { client, transport } = clientWith({ cache: memoryCache() });
    const mutating = request(client);
    const before = await getJob(mutating, 'farm-a');
    expect(await getJob(mutating, 'farm-a')).toEqual(before);
    await mutating.evictFarm('farm-a');
    expect(await getJob(mutating, 'farm-a')).not.toEqual(before);
    expect(transport.calls).toHaveLength(2);
  });

  it('a batch naming several farms misses after an eviction of any of them', async () => {
    const { client, transport } = clientWith({ cache: memoryCache() });
    const batch = (upstream: DeadlineUpstream) =>
      upstream.call({ operation: 'BatchGetJob' }, (c) =>
        c.send(
          new BatchGetJobCommand({
            identifiers: [
              { farmId: 'farm-a', queueId: 'q', jobId: 'j1' },
              { farmId: 'farm-b', queueId: 'q', jobId: 'j2' },
            ],
          }),
        ),
      );
    const first = await batch(request(client));
    expect(await batch(request(client))).toEqual(first);
    await request(client).evictFarm('farm-c');
    expect(await batch(request(client))).toEqual(first);
    expect(transport.calls).toHaveLength(1);
    await request(client).evictFarm('farm-b');
    expect(await batch(request(client))).not.toEqual(first);
    expect(transport.calls).toHaveLength(2);
  });

  it('a call in flight when the farm is evicted is not joined by requests after; one of another farm is', async () => {
    const { client, transport } = clientWith({ cache: memoryCache() });
    transport.hold();
    const early = getJob(request(client), 'farm-a');
    const otherFarm = getJob(request(client), 'farm-b');
    const joined = getJob(request(client), 'farm-a');
    await expect.poll(() => transport.calls.length).toBe(2);

    await request(client).evictFarm('farm-a');
    const late = getJob(request(client), 'farm-a');
    const lateOther = getJob(request(client), 'farm-b');
    const lateJoined = getJob(request(client), 'farm-a');
    await expect.poll(() => transport.calls.length).toBe(3);
    transport.release();

    const [a, b, c, d, e, f] = await Promise.all([early, otherFarm, joined, late, lateOther, lateJoined]);
    expect(c).toEqual(a); // joined before the eviction
    expect(e).toEqual(b); // another farm's call is still shared
    expect(d).not.toEqual(a); // after the eviction: a call of its own ...
    expect(f).toEqual(d); // ... which later requests share
    expect(transport.calls).toHaveLength(3);
    // The early call's answer, stored when it ended (after the eviction), is not served either.
    expect(await getJob(request(client), 'farm-a')).toEqual(d);
    expect(transport.calls).toHaveLength(3);
  });

  it('coalescing without a cache: a call in flight before the eviction is not joined after', async () => {
    const { client, transport } = clientWith({ coalesce: true });
    transport.hold();
    const early = getJob(request(client), 'farm-a');
    await expect.poll(() => transport.calls.length).toBe(1);
    await request(client).evictFarm('farm-a');
    const late = getJob(request(client), 'farm-a');
    await expect.poll(() => transport.calls.length).toBe(2);
    transport.release();
    expect(await late).not.toEqual(await early);
  });
});

describe('evictFarm with shared generations', () => {
  /** The memory store with generations kept as a shared store keeps them, counting reads (Redis: e2e tests). */
  function sharedStore(options: { renewFails?: boolean } = {}) {
    const tokens = new Map<string, number>();
    const reads: string[] = [];
    const generations: FarmGenerations = {
      async read(farmId) {
        reads.push(farmId);
        return String(tokens.get(farmId) ?? 0);
      },
      async renew(farmId) {
        if (options.renewFails) return false;
        tokens.set(farmId, (tokens.get(farmId) ?? 0) + 1);
        return true;
      },
      stats: () => ({ reads: reads.length, renewals: 0, renewalFailures: 0, pending: 0 }),
    };
    const cache: PageCache = { ...memoryCache(), farmGenerations: generations };
    return { cache, reads, tokens };
  }

  it('reads a farm’s generation once per request, again after an eviction in this process', async () => {
    const { cache, reads } = sharedStore();
    const { client, transport } = clientWith({ cache });
    const one = request(client);
    await getJob(one, 'farm-a', 'job-1');
    await getJob(one, 'farm-a', 'job-2');
    await getJob(one, 'farm-b', 'job-1');
    expect(reads).toEqual(['farm-a', 'farm-b']);
    await getJob(request(client), 'farm-a', 'job-1');
    expect(reads).toEqual(['farm-a', 'farm-b', 'farm-a']);
    expect(transport.calls).toHaveLength(3);

    await one.evictFarm('farm-a');
    await getJob(one, 'farm-a', 'job-1');
    await getJob(one, 'farm-b', 'job-1');
    expect(reads).toEqual(['farm-a', 'farm-b', 'farm-a', 'farm-a']);
    expect(transport.calls).toHaveLength(4);
  });

  it('counts an eviction the store did not record, and does not throw', async () => {
    const { cache } = sharedStore({ renewFails: true });
    const { client } = clientWith({ cache });
    await expect(request(client).evictFarm('farm-a')).resolves.toBeUndefined();
    expect(settingsSharing(client)).toMatchObject({ evictions: 1, evictionFailures: 1 });
  });
});

/** The UpstreamSharing a client was built with. */
function settingsSharing(client: DeadlineClient): UpstreamSharing | undefined {
  return settingsOf(client).sharing;
}
