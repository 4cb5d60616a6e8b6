import { BatchGetSessionCommand, GetSessionCommand, ListSessionsCommand } from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type SessionKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { SessionRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, matchBatch } from './entityLoader.js';

export type SessionDetailRecord = Extract<SessionRecord, { level: 'detail' }>;

/** Sessions: BatchGetSession (up to 100 per call; GetSession where unsupported), ListSessions pages per job. */
export class SessionLoader extends EntityLoader<'Session', SessionRecord, SessionDetailRecord> {
  constructor(private readonly upstream: DeadlineUpstream) {
    super(
      'Session',
      (keys) =>
        batchWithGetFallback(
          upstream,
          'BatchGetSession',
          keys,
          () => batchGetSessions(upstream, keys),
          (key) => getSession(upstream, key),
        ),
      100,
      upstream.whenIdle,
    );
  }

  pagesOf(job: JobKey): FetchPage<SessionRecord> {
    return this.pager(keyPath('Job', job), async ({ nextToken, maxResults, resumedFromCursor }) => {
      const page = await this.upstream.call({ operation: 'ListSessions', resumedFromCursor }, (client) =>
        client.send(
          new ListSessionsCommand({
            farmId: job.farmId,
            queueId: job.queueId,
            jobId: job.jobId,
            nextToken,
            maxResults,
          }),
        ),
      );
      return {
        items: (page.sessions ?? []).map((data) => ({
          key: { ...job, sessionId: data.sessionId ?? '' },
          level: 'summary',
          ...data,
        })),
        nextToken: page.nextToken,
      };
    });
  }
}

async function batchGetSessions(upstream: DeadlineUpstream, keys: readonly SessionKey[]) {
  const result = await upstream.call({ operation: 'BatchGetSession' }, (client) =>
    client.send(
      new BatchGetSessionCommand({
        identifiers: keys.map(({ farmId, queueId, jobId, sessionId }) => ({
          farmId,
          queueId,
          jobId,
          sessionId,
        })),
      }),
    ),
  );
  const records = (result.sessions ?? []).map(
    (data): SessionDetailRecord => ({
      key: {
        farmId: data.farmId ?? '',
        queueId: data.queueId ?? '',
        jobId: data.jobId ?? '',
        sessionId: data.sessionId ?? '',
      },
      level: 'detail',
      ...data,
    }),
  );
  return matchBatch(
    keys,
    (key) => keyPath('Session', key),
    records,
    (record) => keyPath('Session', record.key),
    result.errors ?? [],
    (error) => `${error.farmId}/${error.queueId}/${error.jobId}/${error.sessionId}`,
    (error) => batchItemError('BatchGetSession', error, result.$metadata.requestId),
  );
}

async function getSession(upstream: DeadlineUpstream, key: SessionKey): Promise<SessionDetailRecord> {
  const { $metadata: _, ...data } = await upstream.call({ operation: 'GetSession' }, (client) =>
    client.send(new GetSessionCommand({ ...key })),
  );
  return { ...data, farmId: key.farmId, queueId: key.queueId, jobId: key.jobId, key, level: 'detail' };
}
