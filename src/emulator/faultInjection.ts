/**
 * Injected failures: a share of calls answered 429/500 at random (from a seeded PRNG, so a run is repeatable),
 * and scripted failures for the next N calls of one operation (or of any, with '*'), optionally only those whose
 * path carries given label values (the ListSessions of one job).
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

/** Path label values of a call (`{ farmId, queueId, jobId }` for ListSessions), percent-decoded. */
export type CallLabels = Readonly<Record<string, string>>;

interface ScriptedFailure {
  operation: string;
  error: InjectableError;
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
  private readonly scripted: ScriptedFailure[] = [];
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
    if (!Number.isSafeInteger(count) || count < 1)
      throw new RangeError(`count must be an integer ≥ 1, got ${count}`);
    this.scripted.push({ operation, error, remaining: count, only });
  }

  /**
   * The failure to answer this call with, if any; scripted failures first, the first added that matches the call
   * (its operation, and its path labels when the failure names some).
   */
  failureFor(operation: string, labels: CallLabels = {}): AwsError | undefined {
    const index = this.scripted.findIndex(
      (entry) =>
        (entry.operation === '*' || entry.operation === operation) &&
        (entry.only === undefined ||
          Object.entries(entry.only).every(([name, value]) => labels[name] === value)),
    );
    const entry = this.scripted[index];
    if (entry) {
      entry.remaining -= 1;
      if (entry.remaining === 0) this.scripted.splice(index, 1);
      return errorFor(entry.error);
    }
    if (this.throttleRate === 0 && this.errorRate === 0) return undefined;
    const roll = this.random.next();
    if (roll < this.throttleRate) return throttled();
    if (roll < this.throttleRate + this.errorRate) return internalError();
    return undefined;
  }
}
