import { GraphQLError } from 'graphql';
import { ErrorCode, hasCode } from '../errors/codes.js';
import type { DeadlineUpstream } from '../upstream/deadlineUpstream.js';

/** A batch result per key: the record, or an Error (a missing key becomes NOT_FOUND). */
export type BatchResult<R> = R | Error | undefined;

/**
 * BatchGetJob/Session/Worker are recent additions to the Deadline API: an older Deadline-compatible endpoint (a
 * test double, a private emulator) may not have them. When a BatchGet call fails as a whole with an untyped
 * 404/405/501 (a batch never fails as a whole for a missing item: those come back as per-item errors on a 200,
 * and a typed ResourceNotFoundException is a Deadline answer, not a missing route), the endpoint is
 * taken not to support it: this batch and every later one of this client fall back to one Get call per key.
 */
export async function batchWithGetFallback<D>(
  upstream: DeadlineUpstream,
  operation: string,
  batch: () => Promise<readonly BatchResult<D>[]>,
  getEachKey: () => Promise<readonly BatchResult<D>[]>,
): Promise<readonly BatchResult<D>[]> {
  if (!upstream.unsupportedOperations.has(operation)) {
    try {
      return await batch();
    } catch (error) {
      if (!isUnsupported(error)) throw error;
      upstream.unsupportedOperations.add(operation);
      console.warn(`Deadline endpoint does not support ${operation}; falling back to one Get call per item.`);
    }
  }
  return getEachKey();
}

function isUnsupported(error: unknown): boolean {
  if (!(error instanceof GraphQLError)) return false;
  const status = error.extensions.upstreamStatus;
  // A typed ResourceNotFoundException (NOT_FOUND) is a Deadline answer, not a missing operation.
  return (status === 404 || status === 405 || status === 501) && !hasCode(error, ErrorCode.NOT_FOUND);
}
