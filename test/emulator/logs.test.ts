import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  InvalidParameterException,
  ResourceNotFoundException as LogsResourceNotFoundException,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AssumeFleetRoleForReadCommand,
  AssumeQueueRoleForReadCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-deadline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Dataset,
  GET_LOG_EVENTS_MAX_BYTES,
  generateDataset,
  LARGE_SESSION_LOG_LINES,
  LOG_EVENT_OVERHEAD_BYTES,
  type LogEvent,
  logEventsOf,
  type SessionRecord,
} from '../../src/emulator/index.js';
import { type EmulatorFixture, expectAwsError, startFixture } from './emulatorFixture.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

let fixture: EmulatorFixture;
const clients: CloudWatchLogsClient[] = [];
beforeAll(async () => {
  fixture = await startFixture();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await fixture.close();
});

interface Located {
  farmId: string;
  queueId: string;
  session: SessionRecord;
}

function largeSession(dataset: Dataset): Located {
  const ref = dataset.edgeJobs.get(dataset.sizes.largeJobSessions);
  if (!ref) throw new Error('no large edge job');
  const session = dataset.sessions.get(`${ref.farmId}/${ref.queueId}/${ref.jobId}`)?.[0];
  if (!session) throw new Error('no session');
  return { farmId: ref.farmId, queueId: ref.queueId, session };
}

function allSessions(dataset: Dataset): Located[] {
  const found: Located[] = [];
  for (const [key, sessions] of dataset.sessions) {
    const [farmId = '', queueId = ''] = key.split('/');
    for (const session of sessions) found.push({ farmId, queueId, session });
  }
  return found;
}

function groupStream(session: SessionRecord): { logGroupName: string; logStreamName: string } {
  const options = session.log.options ?? {};
  return { logGroupName: options.logGroupName ?? '', logStreamName: options.logStreamName ?? '' };
}

async function queueCredentials(farmId: string, queueId: string) {
  const response = await fixture.client.send(new AssumeQueueRoleForReadCommand({ farmId, queueId }));
  const credentials = response.credentials;
  if (!credentials?.accessKeyId || !credentials.secretAccessKey || !credentials.sessionToken) {
    throw new Error('no credentials');
  }
  return credentials;
}

function logsClient(credentials: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string }) {
  const client = new CloudWatchLogsClient({
    endpoint: fixture.emulator.endpoint,
    region: 'us-west-2',
    credentials: {
      accessKeyId: credentials.accessKeyId ?? '',
      secretAccessKey: credentials.secretAccessKey ?? '',
      sessionToken: credentials.sessionToken ?? '',
    },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

const plain = (events: readonly (OutputLogEvent | LogEvent)[] | undefined) =>
  (events ?? []).map(({ timestamp, message, ingestionTime }) => ({ timestamp, message, ingestionTime }));

function expectedEvents(dataset: Dataset, group: string, stream: string): readonly LogEvent[] {
  const events = logEventsOf(dataset, group, stream);
  if (!events) throw new Error(`no log ${group} ${stream}`);
  return events;
}

describe('AssumeQueueRoleForRead / AssumeFleetRoleForRead', () => {
  it('issue temporary credentials that expire after the configured TTL', async () => {
    const { farmId, queueId } = largeSession(fixture.emulator.dataset);
    const before = Date.now();
    const credentials = await queueCredentials(farmId, queueId);
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.secretAccessKey?.length).toBeGreaterThanOrEqual(40);
    expect(credentials.sessionToken?.length).toBeGreaterThan(100);
    const expiresIn = (credentials.expiration?.getTime() ?? 0) - before;
    expect(expiresIn).toBeGreaterThan(14 * 60 * 1000);
    expect(expiresIn).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
    const again = await queueCredentials(farmId, queueId);
    expect(again.accessKeyId).not.toBe(credentials.accessKeyId);

    const fleet = fixture.emulator.dataset.fleets.get(farmId)?.[0];
    const fleetResponse = await fixture.client.send(
      new AssumeFleetRoleForReadCommand({ farmId, fleetId: fleet?.fleetId ?? '' }),
    );
    expect(fleetResponse.credentials?.accessKeyId).toMatch(/^ASIA/);
  });

  it('answer ResourceNotFoundException for an unknown queue or fleet', async () => {
    const farmId = fixture.emulator.dataset.farms[0]?.farmId ?? '';
    await expectAwsError(
      fixture.client.send(new AssumeQueueRoleForReadCommand({ farmId, queueId: `queue-${'0'.repeat(32)}` })),
      ResourceNotFoundException,
    );
    await expectAwsError(
      fixture.client.send(new AssumeFleetRoleForReadCommand({ farmId, fleetId: `fleet-${'0'.repeat(32)}` })),
      ResourceNotFoundException,
    );
  });
});

describe('session logs', () => {
  it('every session has a log inside its time span, shaped like a worker agent log', () => {
    const { dataset } = fixture.emulator;
    const sessions = allSessions(dataset);
    const sample = sessions.filter((_, i) => i % 37 === 0);
    let equalTimestamps = 0;
    for (const { session } of sample) {
      const { logGroupName, logStreamName } = groupStream(session);
      const events = expectedEvents(dataset, logGroupName, logStreamName);
      expect(events.length).toBeGreaterThanOrEqual(1);
      const start = Date.parse(session.startedAt);
      const end = session.endedAt ? Date.parse(session.endedAt) : Number.POSITIVE_INFINITY;
      events.forEach((event, i) => {
        expect(event.timestamp).toBeGreaterThanOrEqual(start);
        expect(event.timestamp).toBeLessThanOrEqual(end);
        const previous = events[i - 1];
        if (previous) {
          expect(event.timestamp).toBeGreaterThanOrEqual(previous.timestamp);
          if (previous.timestamp === event.timestamp) equalTimestamps += 1;
        }
      });
      expect(events[0]?.message).toContain(session.sessionId);
    }
    expect(equalTimestamps).toBeGreaterThan(0);
    const sizes = sample.map(({ session }) => {
      const { logGroupName, logStreamName } = groupStream(session);
      return expectedEvents(dataset, logGroupName, logStreamName).length;
    });
    expect(Math.min(...sizes)).toBeLessThanOrEqual(8);

    // A session whose task failed logs the traceback.
    const failed = [...dataset.sessionActions.values()]
      .flat()
      .find((action) => action.status === 'FAILED' && 'taskRun' in action.definition);
    const failedSession = sessions.find(({ session }) => session.sessionId === failed?.sessionId);
    if (!failedSession) throw new Error('no failed session');
    const { logGroupName, logStreamName } = groupStream(failedSession.session);
    const messages = expectedEvents(dataset, logGroupName, logStreamName).map((event) => event.message);
    expect(messages).toContain('Traceback (most recent call last):');
    expect(messages.some((message) => message.startsWith('Running step '))).toBe(true);

    // Generated from the dataset alone: the same for a fresh copy of the dataset.
    const { session } = largeSession(dataset);
    const large = groupStream(session);
    const events = expectedEvents(dataset, large.logGroupName, large.logStreamName);
    expect(events).toHaveLength(LARGE_SESSION_LOG_LINES);
    const fresh = generateDataset(dataset.seed);
    expect(logEventsOf(fresh, large.logGroupName, large.logStreamName)).toEqual(events);
  });
});

describe('CloudWatch Logs GetLogEvents', () => {
  async function walk(
    client: CloudWatchLogsClient,
    input: GetLogEventsCommandInput,
    direction: 'forward' | 'backward',
  ): Promise<{ events: OutputLogEvent[]; calls: number; lastToken: string | undefined }> {
    const pages: OutputLogEvent[][] = [];
    let token: string | undefined;
    let calls = 0;
    for (;;) {
      const response = await client.send(
        new GetLogEventsCommand({
          ...input,
          ...(token === undefined ? { startFromHead: direction === 'forward' } : { nextToken: token }),
        }),
      );
      calls += 1;
      pages.push(response.events ?? []);
      const next = direction === 'forward' ? response.nextForwardToken : response.nextBackwardToken;
      expect(next).toMatch(direction === 'forward' ? /^f\/\d{56}$/ : /^b\/\d{56}$/);
      if (next === token) {
        expect(response.events).toEqual([]);
        break;
      }
      token = next;
      if (calls > 100) throw new Error('walk does not end');
    }
    const events = direction === 'forward' ? pages.flat() : pages.reverse().flat();
    return { events, calls, lastToken: token };
  }

  it('a forward walk and a backward walk of the 20,500-line log return exactly its events', async () => {
    const { dataset } = fixture.emulator;
    const { farmId, queueId, session } = largeSession(dataset);
    const { logGroupName, logStreamName } = groupStream(session);
    const client = logsClient(await queueCredentials(farmId, queueId));
    const expected = plain(expectedEvents(dataset, logGroupName, logStreamName));
    expect(expected).toHaveLength(LARGE_SESSION_LOG_LINES);

    const forward = await walk(client, { logGroupName, logStreamName }, 'forward');
    expect(plain(forward.events)).toEqual(expected);
    expect(forward.calls).toBeGreaterThanOrEqual(4);

    const backward = await walk(client, { logGroupName, logStreamName }, 'backward');
    expect(plain(backward.events)).toEqual(expected);

    // Without a token nor startFromHead, the call reads the tail.
    const tail = await client.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit: 3 }));
    expect(plain(tail.events)).toEqual(expected.slice(-3));
    // With logGroupIdentifier (name or ARN) instead of logGroupName.
    const byArn = await client.send(
      new GetLogEventsCommand({
        logGroupIdentifier: `arn:aws:logs:us-west-2:123456789012:log-group:${logGroupName}`,
        logStreamName,
        limit: 2,
        startFromHead: true,
      }),
    );
    expect(plain(byArn.events)).toEqual(expected.slice(0, 2));
  });

  it('pages hold at most `limit` events and at most 1 MB (message bytes + 26 per event)', async () => {
    const { dataset } = fixture.emulator;
    const { farmId, queueId, session } = largeSession(dataset);
    const { logGroupName, logStreamName } = groupStream(session);
    const client = logsClient(await queueCredentials(farmId, queueId));
    const expected = expectedEvents(dataset, logGroupName, logStreamName);

    const five = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, limit: 5 }),
    );
    expect(plain(five.events)).toEqual(plain(expected.slice(0, 5)));
    const next = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: five.nextForwardToken, limit: 5 }),
    );
    expect(plain(next.events)).toEqual(plain(expected.slice(5, 10)));
    const back = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: next.nextBackwardToken, limit: 5 }),
    );
    expect(plain(back.events)).toEqual(plain(expected.slice(0, 5)));

    // The first full page stops where the next event would pass 1,048,576 bytes, before 10,000 events.
    let bytes = 0;
    let fit = 0;
    for (const event of expected) {
      const size = Buffer.byteLength(event.message) + LOG_EVENT_OVERHEAD_BYTES;
      if (bytes + size > GET_LOG_EVENTS_MAX_BYTES || fit === 10_000) break;
      bytes += size;
      fit += 1;
    }
    expect(fit).toBeLessThan(10_000);
    const full = await client.send(
      new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true }),
    );
    expect(full.events).toHaveLength(fit);

    for (const limit of [0, 10_001]) {
      await expectAwsError(
        client.send(new GetLogEventsCommand({ logGroupName, logStreamName, limit })),
        InvalidParameterException,
      );
    }
    await expectAwsError(
      client.send(new GetLogEventsCommand({ logGroupName, logStreamName, nextToken: 'f/123' })),
      InvalidParameterException,
    );
    // A token of another stream is not valid here.
    const other = allSessions(dataset).find(
      (found) => found.queueId === queueId && found.session.sessionId !== session.sessionId,
    );
    await expectAwsError(
      client.send(
        new GetLogEventsCommand({
          logGroupName,
          logStreamName: other?.session.sessionId ?? '',
          nextToken: five.nextForwardToken,
        }),
      ),
      InvalidParameterException,
    );
    await expectAwsError(
      client.send(new GetLogEventsCommand({ logGroupName, logGroupIdentifier: logGroupName, logStreamName })),
      InvalidParameterException,
    );
  });

  it('startTime (inclusive) and endTime (exclusive) bound the events', async () => {
    const { dataset } = fixture.emulator;
    const { farmId, queueId, session } = largeSession(dataset);
    const { logGroupName, logStreamName } = groupStream(session);
    const client = logsClient(await queueCredentials(farmId, queueId));
    const expected = expectedEvents(dataset, logGroupName, logStreamName);
    const startTime = expected[1000]?.timestamp ?? 0;
    const endTime = expected[1500]?.timestamp ?? 0;
    const inRange = plain(expected.filter((e) => e.timestamp >= startTime && e.timestamp < endTime));
    expect(inRange.length).toBeGreaterThan(100);
    const forward = await walk(
      client,
      { logGroupName, logStreamName, startTime, endTime, limit: 97 },
      'forward',
    );
    expect(plain(forward.events)).toEqual(inRange);
    const backward = await walk(
      client,
      { logGroupName, logStreamName, startTime, endTime, limit: 97 },
      'backward',
    );
    expect(plain(backward.events)).toEqual(inRange);
  });

  it('answers ResourceNotFoundException for a missing stream, AccessDeniedException outside the role', async () => {
    const { dataset } = fixture.emulator;
    const { farmId, queueId, session } = largeSession(dataset);
    const { logGroupName } = groupStream(session);
    const client = logsClient(await queueCredentials(farmId, queueId));
    const missing = await expectAwsError(
      client.send(new GetLogEventsCommand({ logGroupName, logStreamName: 'session-nope' })),
      LogsResourceNotFoundException,
    );
    expect(missing.message).toBe('The specified log stream does not exist.');

    // A worker's log needs the fleet role's credentials.
    const worker = dataset.workers
      .get(`${farmId}/${session.fleetId}`)
      ?.find((w) => w.workerId === session.workerId);
    const workerGroup = `/aws/deadline/${farmId}/${session.fleetId}`;
    const denied = await client
      .send(new GetLogEventsCommand({ logGroupName: workerGroup, logStreamName: session.workerId }))
      .catch((error: Error) => error);
    expect((denied as Error).name).toBe('AccessDeniedException');
    const fleetCredentials = (
      await fixture.client.send(new AssumeFleetRoleForReadCommand({ farmId, fleetId: session.fleetId }))
    ).credentials;
    const fleetClient = logsClient(fleetCredentials ?? {});
    const workerLog = await fleetClient.send(
      new GetLogEventsCommand({
        logGroupName: workerGroup,
        logStreamName: session.workerId,
        startFromHead: true,
      }),
    );
    expect(worker).toBeDefined();
    expect(plain(workerLog.events)).toEqual(plain(expectedEvents(dataset, workerGroup, session.workerId)));
    expect(workerLog.events?.some((e) => e.message?.includes(session.sessionId))).toBe(true);
  });

  it('answers ResourceNotFoundException for a queue whose log group holds no stream yet', async () => {
    const small = await startFixture({ sizes: { jobsPerQueue: 0, largeJobSessions: 2, farms: 1 } });
    try {
      const farmId = small.emulator.dataset.farms[0]?.farmId ?? '';
      const queue = small.emulator.dataset.queues.get(farmId)?.find((q) => q.displayName !== 'comp');
      const response = await small.client.send(
        new AssumeQueueRoleForReadCommand({ farmId, queueId: queue?.queueId ?? '' }),
      );
      const client = new CloudWatchLogsClient({
        endpoint: small.emulator.endpoint,
        region: 'us-west-2',
        credentials: {
          accessKeyId: response.credentials?.accessKeyId ?? '',
          secretAccessKey: response.credentials?.secretAccessKey ?? '',
          sessionToken: response.credentials?.sessionToken ?? '',
        },
        maxAttempts: 1,
      });
      clients.push(client);
      const missing = await expectAwsError(
        client.send(
          new GetLogEventsCommand({
            logGroupName: `/aws/deadline/${farmId}/${queue?.queueId}`,
            logStreamName: 'session-x',
          }),
        ),
        LogsResourceNotFoundException,
      );
      expect(missing.message).toBe('The specified log group does not exist.');
    } finally {
      await small.close();
    }
  });

  it('refuses expired credentials, a wrong secret, unknown keys and unsigned requests', async () => {
    const { dataset } = fixture.emulator;
    const { farmId, queueId, session } = largeSession(dataset);
    const { logGroupName, logStreamName } = groupStream(session);
    const credentials = await queueCredentials(farmId, queueId);
    const input = { logGroupName, logStreamName, limit: 1 };

    const wrongSecret = logsClient({ ...credentials, secretAccessKey: `${credentials.secretAccessKey}x` });
    const signature = await wrongSecret.send(new GetLogEventsCommand(input)).catch((error: Error) => error);
    expect((signature as Error).name).toBe('InvalidSignatureException');

    const unknown = logsClient({ ...credentials, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' });
    const unrecognized = await unknown.send(new GetLogEventsCommand(input)).catch((error: Error) => error);
    expect((unrecognized as Error).name).toBe('UnrecognizedClientException');

    const wrongToken = logsClient({ ...credentials, sessionToken: 'other' });
    const badToken = await wrongToken.send(new GetLogEventsCommand(input)).catch((error: Error) => error);
    expect((badToken as Error).name).toBe('UnrecognizedClientException');

    const unsigned = await fetch(fixture.emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Logs_20140328.GetLogEvents',
      },
      body: JSON.stringify(input),
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({
      __type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });

    const client = logsClient(credentials);
    expect((await client.send(new GetLogEventsCommand(input))).events).toHaveLength(1);
    fixture.emulator.advanceClock(15 * 60 * 1000 + 1);
    const expired = await client.send(new GetLogEventsCommand(input)).catch((error: Error) => error);
    expect((expired as Error).name).toBe('ExpiredTokenException');
    expect((expired as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
  });
});
