import { GraphQLError } from 'graphql';
import { UpstreamReason } from '../errors/codes.js';
import type { DeadlineUpstream } from '../upstream/deadlineUpstream.js';

/** A batch result per key: the record, or an Error (a missing key becomes NOT_FOUND). */
export type BatchResult<R> = R | Error | undefined;

/**
 * BatchGetJob/Session/Worker are recent additions to the Deadline API: an older Deadline-compatible endpoint (a
 * test double, a private emulator) may not have them. When a BatchGet call fails as a whole because the endpoint
 * does not serve it (an untyped 404/405/501, or a ValidationException UNKNOWN_OPERATION; a batch never fails as a
 * whole for a missing item: those come back as per-item errors on a 200), the endpoint is taken not to support it: this batch and every later one of this client fall back to one Get call per key.
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

/** Whether a failed call says the endpoint does not serve the operation (upstreamFailure.ts classifies it). */
function isUnsupported(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.reason === UpstreamReason.OPERATION_NOT_SERVED;
}
