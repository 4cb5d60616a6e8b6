/**
 * Every GraphQL operation has a time budget (default 10 s). An upstream call still waiting when it runs out — for
 * a slot of the concurrency limit, or for Deadline's answer — is cut with this error, which the upstream error
 * mapping turns into `UPSTREAM_UNAVAILABLE` on the fields that waited: the response goes out with partial data.
 */

export const DEFAULT_OPERATION_TIMEOUT_MS = 10_000;

export type DeadlineStage =
  /** The budget was spent before the call could start. */
  | 'before'
  /** The call waited for a slot of the upstream concurrency limit. */
  | 'queue'
  /** The call was sent, and Deadline had not answered (retries included). */
  | 'call'
  /** The response was already sent (a call left behind by a failed sibling is cancelled). */
  | 'abandoned';

export class OperationDeadlineError extends Error {
  override readonly name = 'OperationDeadlineError';

  constructor(
    readonly operation: string,
    readonly stage: DeadlineStage,
    readonly budgetMs: number,
  ) {
    super(deadlineMessage(operation, stage, budgetMs));
  }
}

function deadlineMessage(operation: string, stage: DeadlineStage, budgetMs: number): string {
  const budget = `The operation's time budget (${budgetMs} ms) ran out`;
  const advice = 'Retry later, or request fewer items.';
  switch (stage) {
    case 'queue':
      return `${budget}: timed out waiting for an upstream slot for ${operation} (too many Deadline Cloud calls in flight). ${advice}`;
    case 'call':
      return `${budget} before Deadline Cloud answered ${operation}. ${advice}`;
    case 'abandoned':
      return `${operation} was cancelled: the operation's response was already sent.`;
    default:
      return `${budget} before ${operation} could be sent to Deadline Cloud. ${advice}`;
  }
}
