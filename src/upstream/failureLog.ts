import type { DeadlineClient } from '@aws-sdk/client-deadline';
import type { UpstreamReason } from '../errors/codes.js';
import { describeUpstreamFailure, type UpstreamTarget, where } from '../errors/upstreamFailure.js';
import type { Logger } from '../logging.js';
import { callContextOf } from './upstreamCalls.js';

/**
 * The log of failed Deadline calls: one `warn` line per call of a GraphQL operation that failed for a cause other
 * than Deadline's own answer (upstreamFailure.ts), with the operation, the cause's class, Node's or the SDK's words,
 * the endpoint and what to do. Written after the SDK's retries, once per call sent (a coalesced caller does not
 * repeat it). An outage fails every call: each cause gets at most one line per QUIET_MS, and the next line counts
 * those left out (`suppressed`).
 */
const QUIET_MS = 10_000;

export function installFailureLog(client: DeadlineClient, target: UpstreamTarget, logger: Logger): void {
  const lastLine = new Map<UpstreamReason, { at: number; suppressed: number }>();
  const record = (operation: string, error: unknown) => {
    const failure = describeUpstreamFailure(error, target);
    if (!failure) return;
    const now = Date.now();
    const last = lastLine.get(failure.reason);
    if (last && now - last.at < QUIET_MS) {
      last.suppressed += 1;
      return;
    }
    lastLine.set(failure.reason, { at: now, suppressed: 0 });
    const metadata = (error as { $metadata?: { httpStatusCode?: number; requestId?: string } }).$metadata;
    logger.warn(
      {
        operation,
        reason: failure.reason,
        detail: failure.detail,
        upstream: where(target),
        ...(failure.host === undefined ? {} : { host: failure.host }),
        ...(metadata?.httpStatusCode === undefined ? {} : { upstreamStatus: metadata.httpStatusCode }),
        ...(metadata?.requestId === undefined ? {} : { awsRequestId: metadata.requestId }),
        ...(last && last.suppressed > 0 ? { suppressed: last.suppressed } : {}),
      },
      `Deadline call failed: ${failure.explanation}`,
    );
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (callContextOf(context) && context.commandName) {
          record(context.commandName.replace(/Command$/, ''), error);
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'deadlineGraphqlFailureLog', override: true },
  );
}
