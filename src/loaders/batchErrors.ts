import { mapUpstreamError } from '../errors/mapUpstreamError.js';

/**
 * A per-item error of a BatchGet* response (`{code, message}` on a 200). A missing item resolves to undefined
 * (the loader turns it into NOT_FOUND for that key only); any other code maps like a failed call,
 * with the batch call's AWS request ID.
 */
export function batchItemError(
  operation: string,
  error: { code?: string; message?: string },
  requestId: string | undefined,
): Error | undefined {
  if (error.code === 'ResourceNotFoundException') return undefined;
  return mapUpstreamError(
    { name: error.code, message: error.message, $metadata: { requestId } },
    { operation },
  );
}
