/**
 * Injected failures: a share of calls answered 429/500 at random (from a seeded PRNG, so a run is repeatable),
 * and scripted failures for the next N calls of one operation (or of any, with '*'), optionally only those whose
 * path carries given label values (the ListSessions of one job); and answers lost after a call was served (its
 * change made, then a 500 or a dropped connection), for retries that must not apply a change twice.
 */
import { type AwsError, accessDenied, internalError, throttled } from './awsErrors.js';
import { SeededRandom } from './seededRandom.js';

export type InjectableError =
  | 'ThrottlingException'
  | 'InternalServerErrorException'
  | 'AccessDeniedException';

export interface FaultRates {
  throttleRate?: number;
  errorRate?: number;
}

/**
 * How an "after applying" fault loses a served call's answer: a 500 InternalServerErrorException, or the connection
 * dropped without an answer (the SDK sees a socket error). Both are retried by the SDK.
 */
export type LostAnswer = 'InternalServerErrorException' | 'ConnectionReset';

/** Path label values of a call (`{ farmId, queueId, jobId }` for ListSessions), percent-decoded. */
export type CallLabels = Readonly<Record<string, string>>;

interface Scripted<E> {
  operation: string;
  error: E;
  remaining: number;
  /** When set, only calls whose labels have all these values fail (and count down). */
  only: CallLabels | undefined;
}

export function assertRate(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new RangeError(`${name} must be a number between 0 and 1, got ${String(value)}`);
  }
}

function errorFor(kind: InjectableError): AwsError {
  if (kind === 'ThrottlingException') return throttled();
  if (kind === 'InternalServerErrorException') return internalError();
  return accessDenied('Access denied (injected by the emulator)');
}

export class FaultInjector {
  private throttleRate = 0;
  private errorRate = 0;
  private readonly scripted: Scripted<InjectableError>[] = [];
  /** Served first, answer lost after: for idempotent-retry tests. */
  private readonly losses: Scripted<LostAnswer>[] = [];
  private readonly random: SeededRandom;

  constructor(seed: number, rates: FaultRates) {
    this.random = new SeededRandom(seed ^ 0x5eed_fa17);
    this.setRates(rates);
  }

  setRates(rates: FaultRates): void {
    if (rates.throttleRate !== undefined) {
      assertRate('throttleRate', rates.throttleRate);
      this.throttleRate = rates.throttleRate;
    }
    if (rates.errorRate !== undefined) {
      assertRate('errorRate', rates.errorRate);
      this.errorRate = rates.errorRate;
    }
  }

  failNext(operation: string, error: InjectableError, count = 1, only?: CallLabels): void {
    assertCount(count);
    this.scripted.push({ operation, error, remaining: count, only });
  }

  /** The next `count` successful calls of `operation` are served (changes made), then their answer is lost. */
  loseNextAnswer(operation: string, how: LostAnswer, count = 1, only?: CallLabels): void {
    assertCount(count);
    this.losses.push({ operation, error: how, remaining: count, only });
  }

  /** How to lose this served call's answer, if a loss is scripted for it (the first added that matches). */
  lossFor(operation: string, labels: CallLabels = {}): LostAnswer | undefined {
    return takeScripted(this.losses, operation, labels);
  }

  /**
   * The failure to answer this call with, if any; scripted failures first, the first added that matches the call
   * (its operation, and its path labels when the failure names some).
   */
  failureFor(operation: string, labels: CallLabels = {}): AwsError | undefined {
    const scripted = takeScripted(this.scripted, operation, labels);
    if (scripted) return errorFor(scripted);
    if (this.throttleRate === 0 && this.errorRate === 0) return undefined;
    const roll = this.random.next();
    if (roll < this.throttleRate) return throttled();
    if (roll < this.throttleRate + this.errorRate) return internalError();
    return undefined;
  }
}

function assertCount(count: number): void {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`count must be an integer ≥ 1, got ${count}`);
}

/** The first scripted entry matching the call (its operation, and its labels when it names some), counted down. */
function takeScripted<E>(entries: Scripted<E>[], operation: string, labels: CallLabels): E | undefined {
  const index = entries.findIndex(
    (entry) =>
      (entry.operation === '*' || entry.operation === operation) &&
      (entry.only === undefined ||
        Object.entries(entry.only).every(([name, value]) => labels[name] === value)),
  );
  const entry = entries[index];
  if (!entry) return undefined;
  entry.remaining -= 1;
  if (entry.remaining === 0) entries.splice(index, 1);
  return entry.error;
}
