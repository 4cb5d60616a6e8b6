import {
  BatchGetSessionCommand,
  GetSessionCommand,
  ListSessionsCommand,
  type SessionSummary,
} from '@aws-sdk/client-deadline';
import { type JobKey, keyPath, type SessionKey } from '../ids/keys.js';
import type { FetchPage } from '../pagination/connection.js';
import type { DeadlineUpstream } from '../upstream/deadlineClient.js';
import type { SessionDetail, SessionRecord } from '../upstream/records.js';
import { SESSION_SUMMARY_MEMBERS } from '../upstream/summaryMembers.js';
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, getEach, matchBatch, recordBuilder } from './entityLoader.js';

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
          getEach(
            upstream,
            'GetSession',
            keys,
            (client, { farmId, queueId, jobId, sessionId }) =>
              client.send(new GetSessionCommand({ farmId, queueId, jobId, sessionId })),
            sessionDetailRecord,
          ),
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
          sessionSummaryRecord(session, { farmId, queueId, jobId, sessionId: session.sessionId ?? '' }),
        ),
    );
  }
}

/** A ListSessions item as a record of one fixed shape (see recordBuilder in entityLoader.ts). */
export const sessionSummaryRecord = recordBuilder<SessionKey, SessionSummary>()(
  'summary',
  [],
  SESSION_SUMMARY_MEMBERS,
);

/**
 * A BatchGetSession item or GetSession output as a record of one fixed shape. `farmId`, `queueId` and `jobId` come
 * from the key: GetSession's output has none of them.
 */
export const sessionDetailRecord = recordBuilder<SessionKey, SessionDetail>()(
  'detail',
  ['farmId', 'queueId', 'jobId'],
  [...SESSION_SUMMARY_MEMBERS, 'log', 'hostProperties', 'workerLog'],
);

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
  const records = (result.sessions ?? []).map((session) =>
    sessionDetailRecord(session, {
      farmId: session.farmId ?? '',
      queueId: session.queueId ?? '',
      jobId: session.jobId ?? '',
      sessionId: session.sessionId ?? '',
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
