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
import { batchItemError } from './batchErrors.js';
import { batchWithGetFallback } from './batchFallback.js';
import { EntityLoader, type FixedRecord, getEach, matchBatch } from './entityLoader.js';

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

/**
 * A list item as a record of one fixed shape: every member of SessionSummary in one order, absent ones undefined.
 * The SDK builds its objects member by member, present ones only, so their shapes vary item to item; a fixed shape
 * keeps the compiled query's property reads monomorphic (a 100-session page is 1,300 of them) and copies no more
 * than it reads.
 */
export function sessionSummaryRecord(
  session: SessionSummary,
  key: SessionKey,
): FixedRecord<SessionKey, 'summary', SessionSummary> {
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

/**
 * A BatchGetSession item or GetSession output as a record of one fixed shape, without `$metadata` (why:
 * sessionSummaryRecord). `farmId`, `queueId` and `jobId` come from the key: GetSession's output has none of them.
 */
export function sessionDetailRecord(
  session: Omit<SessionDetail, 'farmId' | 'queueId' | 'jobId'>,
  key: SessionKey,
): FixedRecord<SessionKey, 'detail', SessionDetail> {
  return {
    key,
    level: 'detail',
    farmId: key.farmId,
    queueId: key.queueId,
    jobId: key.jobId,
    sessionId: session.sessionId,
    fleetId: session.fleetId,
    workerId: session.workerId,
    startedAt: session.startedAt,
    lifecycleStatus: session.lifecycleStatus,
    endedAt: session.endedAt,
    targetLifecycleStatus: session.targetLifecycleStatus,
    updatedAt: session.updatedAt,
    updatedBy: session.updatedBy,
    log: session.log,
    hostProperties: session.hostProperties,
    workerLog: session.workerLog,
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
