/**
 * `Farm.usage`'s input checked against Deadline's limits (before any call, BAD_USER_INPUT) and turned into the
 * StartSessionsStatisticsAggregation input, with the canonical key identical requests share an aggregation by.
 */
import type {
  UsageGroupBy,
  UsageInput,
  UsagePeriod,
  UsageStatistic,
} from '../__generated__/resolvers-types.js';
import { badUserInput } from '../errors/codes.js';
import { isValidId } from '../ids/keys.js';
import { canonicalJson } from '../upstream/upstreamSharing.js';

/** StartSessionsStatisticsAggregation's input, times as ISO-8601 strings (JSON-safe, for the canonical key). */
export interface UsageStartInput {
  farmId: string;
  resourceIds: { queueIds: string[] } | { fleetIds: string[] };
  startTime: string;
  endTime: string;
  timezone: string;
  period: UsagePeriod;
  groupBy: UsageGroupBy[];
  statistics: UsageStatistic[];
}

export interface PreparedUsage {
  start: UsageStartInput;
  /** Equal for requests that ask Deadline the same thing. */
  key: string;
  /** The aggregation to continue, when the input names one. */
  resume: string | undefined;
}

const ALL_STATISTICS: UsageStatistic[] = ['SUM', 'MIN', 'MAX', 'AVG'];
const TIMEZONE = /^UTC[-+][01][0-9]:(30|00)$/;
const AGGREGATION_ID = /^[0-9a-f]{32}$/;
const MAX_RESOURCES = 10;

const fail = (message: string) => badUserInput(message, 'input');

function distinct<T>(values: readonly T[], name: string, min: number, max: number): T[] {
  if (values.length < min || values.length > max) {
    throw fail(`\`input.${name}\` takes ${min} to ${max} values (got ${values.length}).`);
  }
  if (new Set(values).size !== values.length) {
    throw fail(`\`input.${name}\` must not repeat a value (got ${JSON.stringify(values)}).`);
  }
  return values.slice().sort();
}

/** The queue or fleet IDs: exactly one of the two lists, 1–10 well-formed IDs, counted once each. */
function resources(input: UsageInput): UsageStartInput['resourceIds'] {
  const queueIds = input.queueIds ?? undefined;
  const fleetIds = input.fleetIds ?? undefined;
  if ((queueIds === undefined) === (fleetIds === undefined)) {
    throw fail(
      'Give exactly one of `input.queueIds` and `input.fleetIds`: Deadline Cloud aggregates over queues or fleets, ' +
        'not both.',
    );
  }
  const name = queueIds ? 'queueIds' : 'fleetIds';
  const idName = queueIds ? 'queueId' : 'fleetId';
  const ids = [...new Set(queueIds ?? fleetIds ?? [])].sort();
  if (ids.length < 1 || ids.length > MAX_RESOURCES) {
    throw fail(`\`input.${name}\` takes 1 to ${MAX_RESOURCES} distinct IDs (got ${ids.length}).`);
  }
  for (const id of ids) {
    if (!isValidId(idName, id)) {
      const prefix = idName.replace('Id', '');
      throw fail(
        `\`input.${name}\` must hold Deadline Cloud ${prefix} IDs: "${prefix}-" followed by 32 lowercase hex ` +
          `digits (got ${JSON.stringify(id)}).`,
      );
    }
  }
  return queueIds ? { queueIds: ids } : { fleetIds: ids };
}

/** Checks `input` against Deadline's limits (BAD_USER_INPUT, saying what to change) and prepares the request. */
export function prepareUsage(farmId: string, input: UsageInput): PreparedUsage {
  const resourceIds = resources(input);
  const groupBy = distinct(input.groupBy, 'groupBy', 1, 2);
  const statistics = distinct(input.statistics ?? ALL_STATISTICS, 'statistics', 1, 4);
  if (Date.parse(input.startTime) >= Date.parse(input.endTime)) {
    throw fail(
      `\`input.endTime\` (${input.endTime}) must be after \`input.startTime\` (${input.startTime}): the window ` +
        'runs from startTime (inclusive) to endTime (exclusive).',
    );
  }
  const timezone = input.timezone ?? 'UTC+00:00';
  if (!TIMEZONE.test(timezone)) {
    throw fail(
      `\`input.timezone\` must be a UTC offset such as UTC+00:00, UTC-05:00 or UTC+05:30 (minutes 00 or 30; got ` +
        `${JSON.stringify(timezone)}).`,
    );
  }
  const resume = input.resume ?? undefined;
  if (resume !== undefined && !AGGREGATION_ID.test(resume)) {
    throw fail(
      `\`input.resume\` must be the \`aggregationId\` of an earlier report: 32 lowercase hex digits (got ` +
        `${JSON.stringify(resume)}).`,
    );
  }
  const start: UsageStartInput = {
    farmId,
    resourceIds,
    startTime: input.startTime,
    endTime: input.endTime,
    timezone,
    period: input.period ?? 'DAILY',
    groupBy,
    statistics,
  };
  return { start, key: canonicalJson(start), resume };
}
