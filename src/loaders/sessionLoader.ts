import {
  BatchGetSessionCommand,
  GetSessionCommand,
  ListSessionsCommand,
  type SessionSummary,
} from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type SessionKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { SessionRecord } from '../upstream/records.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, getEach, matchBatch } from './entityLoader.js';

export type SessionDetailRecord = Extract<SessionRecord, { level: 'detail' }>;

/** Sessions: BatchGetSession (up to 100 per call; GetSession where unsupported), ListSessions pages per job. */
export class SessionLoader extends EntityLoader<'Session', SessionRecord, SessionDetailRecord> {
  constructor(upstream: DeadlineUpstream) {
    super('Session', upstream, (keys) =>
      batchWithGetFallback(
        upstream,
        'BatchGetSession',
        () => batchGetSessions(upstream, keys),
        () =>
          getEach(upstream, 'GetSession', keys, async (client, { farmId, queueId, jobId, sessionId }) => ({
            ...(await client.send(new GetSessionCommand({ farmId, queueId, jobId, sessionId }))),
            farmId,
            queueId,
            jobId,
          })),
      ),
    );
  }

  pagesOf({ farmId, queueId, jobId }: JobKey): FetchPage<SessionRecord> {
    return this.listPages(
      keyPath('Job', { farmId, queueId, jobId }),
      'ListSessions',
      (client, page) => client.send(new ListSessionsCommand({ farmId, queueId, jobId, ...page })),
      (output) =>
        (output.sessions ?? []).map((session) =>
          summaryRecord(session, { farmId, queueId, jobId, sessionId: session.sessionId ?? '' }),
        ),
    );
  }
}

/**
 * A list item as a record of one fixed shape: every member of SessionSummary in one order, absent ones undefined.
 * The SDK builds its objects member by member, present ones only, so their shapes vary item to item; a fixed shape
 * keeps the compiled query's property reads monomorphic (a 100-session page is 1,300 of them) and copies no more
 * than it reads.
 */
function summaryRecord(session: SessionSummary, key: SessionKey): SessionRecord {
  return {
    key,
    level: 'summary',
    sessionId: session.sessionId,
    fleetId: session.fleetId,
    workerId: session.workerId,
    startedAt: session.startedAt,
    lifecycleStatus: session.lifecycleStatus,
    endedAt: session.endedAt,
    targetLifecycleStatus: session.targetLifecycleStatus,
    updatedAt: session.updatedAt,
    updatedBy: session.updatedBy,
  };
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
    (session): SessionDetailRecord => ({
      ...session,
      key: {
        farmId: session.farmId ?? '',
        queueId: session.queueId ?? '',
        jobId: session.jobId ?? '',
        sessionId: session.sessionId ?? '',
      },
      level: 'detail',
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
