/**
 * Usage aggregations shared across requests (per DeadlineClient, so per gateway): Deadline runs one aggregation per
 * farm at a time, so identical requests share one aggregation (keyed by the canonical Start input), and different
 * ones on a farm wait in a first-in, first-out queue. Every step (Start, one poll, reading the rows) is made by one
 * waiting request through its own upstream (counted in its tally, within its time budget) and awaited by the
 * others; a request queued behind another aggregation polls that one, so the queue moves while anyone waits.
 * docs/design/usage.md.
 */
import {
  type DeadlineClient,
  GetSessionsStatisticsAggregationCommand,
  StartSessionsStatisticsAggregationCommand,
} from '@aws-sdk/client-deadline';
import { GraphQLError } from 'graphql';
import { ErrorCode, gatewayError, hasCode } from '../errors/codes.js';
import type { DeadlineUpstream } from '../upstream/deadlineUpstream.js';
import { OperationDeadlineError } from '../upstream/operationDeadline.js';
import type { UsageReportRecord, UsageRowRecord, UsageStatusName } from './usageRecords.js';
import type { PreparedUsage, UsageStartInput } from './usageRequest.js';

/**
 * Most Start or status calls one request makes, and most result pages it reads (100 rows each; the first comes
 * with the status call that finds the aggregation complete): `USAGE_MAX_CALLS` bounds its calls (the cost model).
 */
export const USAGE_MAX_POLLS = 30;
export const USAGE_MAX_RESULT_PAGES = 20;
export const USAGE_PAGE_SIZE = 100;
export const USAGE_MAX_CALLS = USAGE_MAX_POLLS + USAGE_MAX_RESULT_PAGES - 1;
/** How long a completed aggregation's rows answer identical requests (Deadline keeps them an hour). */
export const USAGE_RESULT_TTL_MS = 300_000;
const MAX_KEPT_RESULTS = 200;
/** Deadline keeps an aggregation an hour after it starts: an entry older than that is never reused. */
const AGGREGATION_LIFETIME_MS = 3_600_000;
const FIRST_POLL_DELAY_MS = 50;
const MAX_POLL_DELAY_MS = 1000;
/** A step is not begun with less of the budget left than this. */
const BUDGET_MARGIN_MS = 150;

type Phase = 'queued' | 'running' | 'reading' | 'done';

interface Entry {
  key: string;
  start: UsageStartInput;
  phase: Phase;
  aggregationId?: string;
  status?: UsageStatusName;
  statusMessage?: string;
  rows: UsageRowRecord[];
  rowsTruncated: boolean;
  doneAt?: number;
  /** When the entry was made (epoch ms). */
  createdAt: number;
  /** The shared step in flight. */
  step?: Promise<void>;
  /** The first page of rows, read by the status call that found the aggregation complete. */
  firstPage?: StatisticsPage;
  /** Not before this time (epoch ms): the next poll, or the next Start after a throttled one. */
  notBefore: number;
  delayMs: number;
  waiters: number;
}

interface StatisticsPage {
  statistics?: unknown[];
  nextToken?: string;
}

const byClient = new WeakMap<DeadlineClient, UsageAggregations>();

/** The aggregations of the gateway that uses `client`. */
export function usageAggregationsOf(client: DeadlineClient): UsageAggregations {
  let aggregations = byClient.get(client);
  if (!aggregations) {
    aggregations = new UsageAggregations();
    byClient.set(client, aggregations);
  }
  return aggregations;
}

export class UsageAggregations {
  private readonly byKey = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();
  /** Per farm, the entries waiting for or holding the farm's one running aggregation, oldest first. */
  private readonly farmQueues = new Map<string, Entry[]>();

  constructor(private readonly resultTtlMs = USAGE_RESULT_TTL_MS) {}

  /** The report for `prepared`, waiting within the request's time budget. */
  async report(upstream: DeadlineUpstream, prepared: PreparedUsage): Promise<UsageReportRecord> {
    const entry = this.entryFor(prepared);
    entry.waiters += 1;
    const polls = { made: 0, answered: false };
    try {
      await this.drive(entry, upstream, polls);
    } finally {
      entry.waiters -= 1;
      if (entry.waiters === 0 && entry.phase === 'queued' && !entry.step) this.forget(entry);
    }
    return reportOf(entry, polls.made >= USAGE_MAX_POLLS);
  }

  private entryFor({ start, key, resume }: PreparedUsage): Entry {
    const now = Date.now();
    if (resume !== undefined) {
      const known = this.byId.get(resume);
      if (known && known.key !== key) {
        throw gatewayError(
          ErrorCode.BAD_USER_INPUT,
          '`input.resume` names an aggregation of a different input: resume with the input of the report that ' +
            'gave this aggregationId, or leave `resume` out to start one for this input.',
          { argumentName: 'input' },
        );
      }
      if (known && !(known.phase === 'done' && this.stale(known, now))) return known;
      if (known) this.forget(known);
      // Not in the farm's queue: started elsewhere (another replica, an earlier process), or its rows are stale.
      const entry = newEntry(key, start, 'running');
      entry.aggregationId = resume;
      this.byId.set(resume, entry);
      return entry;
    }
    const existing = this.byKey.get(key);
    // An aggregation nobody finished within Deadline's hour is gone upstream: start afresh.
    const expiredUpstream = existing !== undefined && now - existing.createdAt >= AGGREGATION_LIFETIME_MS;
    if (existing && !expiredUpstream && !(existing.phase === 'done' && this.stale(existing, now)))
      return existing;
    if (existing) this.forget(existing);
    const entry = newEntry(key, start, 'queued');
    this.byKey.set(key, entry);
    const queue = this.farmQueues.get(start.farmId) ?? [];
    if (queue.length === 0) this.farmQueues.set(start.farmId, queue);
    queue.push(entry);
    return entry;
  }

  /** Rows of a failed or timed-out aggregation are never reused; completed ones for the TTL. */
  private stale(entry: Entry, now: number): boolean {
    return entry.status !== 'COMPLETED' || now - (entry.doneAt ?? 0) >= this.resultTtlMs;
  }

  private async drive(
    entry: Entry,
    upstream: DeadlineUpstream,
    polls: { made: number; answered: boolean },
  ): Promise<void> {
    const lastChance = upstream.deadlineAt - BUDGET_MARGIN_MS;
    for (;;) {
      if (entry.phase === 'done') return;
      // Queued behind another aggregation: move that one on (heads hold the farm, so they are never 'reading').
      const head = this.farmQueues.get(entry.start.farmId)?.[0];
      const target = entry.phase === 'queued' && head && head !== entry ? head : entry;
      if (target.step) {
        await this.join(target, entry, lastChance);
        polls.answered = true;
        if (Date.now() > lastChance) return;
        continue;
      }
      const now = Date.now();
      // A request that has seen no answer yet (a resume, say) asks once before its budget runs out, even when the
      // backoff would wait longer.
      const due = polls.answered ? target.notBefore : Math.min(target.notBefore, lastChance);
      if (due > lastChance || now > lastChance) return;
      if (target.phase !== 'reading' && polls.made >= USAGE_MAX_POLLS) return;
      if (due > now) {
        await new Promise((resolve) => setTimeout(resolve, due - now));
        continue;
      }
      if (target.phase !== 'reading') polls.made += 1;
      polls.answered = true;
      target.step = this.stepOf(target, upstream).finally(() => {
        target.step = undefined;
      });
    }
  }

  /**
   * Waits for `target`'s step. Its failure is this request's only when the step was `own`'s and Deadline refused
   * it; a step cut by its maker's time budget (or another entry's failure) leaves the next step to whoever waits.
   */
  private async join(target: Entry, own: Entry, lastChance: number): Promise<void> {
    // Another request's step may run to its own, later, budget: wait no longer than this request's.
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, lastChance - Date.now()));
    });
    try {
      await Promise.race([target.step, budget]);
    } catch (error) {
      if (target === own && !cutByBudget(error)) throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private stepOf(entry: Entry, upstream: DeadlineUpstream): Promise<void> {
    if (entry.phase === 'queued') return this.startStep(entry, upstream);
    if (entry.phase === 'running') return this.pollStep(entry, upstream);
    return this.readStep(entry, upstream);
  }

  private async startStep(entry: Entry, upstream: DeadlineUpstream): Promise<void> {
    const { start } = entry;
    try {
      const output = await upstream.call({ operation: 'StartSessionsStatisticsAggregation' }, (client) =>
        client.send(
          new StartSessionsStatisticsAggregationCommand({
            ...start,
            startTime: new Date(start.startTime),
            endTime: new Date(start.endTime),
          }),
        ),
      );
      const aggregationId = output.aggregationId ?? '';
      entry.aggregationId = aggregationId;
      this.byId.set(aggregationId, entry);
      entry.phase = 'running';
      entry.notBefore = Date.now() + FIRST_POLL_DELAY_MS;
      entry.delayMs = FIRST_POLL_DELAY_MS;
    } catch (error) {
      // Throttled: the farm runs an aggregation this gateway does not know of (another gateway, the console).
      // Stay at the head of the queue and try again after a while.
      if (hasCode(error, ErrorCode.UPSTREAM_THROTTLED)) {
        entry.delayMs = Math.min(Math.max(entry.delayMs * 2, 200), MAX_POLL_DELAY_MS);
        entry.notBefore = Date.now() + entry.delayMs;
        return;
      }
      if (!cutByBudget(error)) this.forget(entry);
      throw error;
    }
  }

  private async pollStep(entry: Entry, upstream: DeadlineUpstream): Promise<void> {
    const output = await this.get(entry, upstream);
    if (output.status === 'IN_PROGRESS') {
      entry.delayMs = Math.min(entry.delayMs * 2, MAX_POLL_DELAY_MS);
      entry.notBefore = Date.now() + entry.delayMs;
      return;
    }
    // Deadline no longer runs it: the next aggregation of the farm may start while this one's rows are read.
    this.release(entry);
    entry.status = output.status;
    if (output.statusMessage !== undefined) entry.statusMessage = output.statusMessage;
    if (output.status !== 'COMPLETED') {
      this.finish(entry);
      return;
    }
    entry.firstPage = output;
    entry.phase = 'reading';
  }

  /** Reads every page of a completed aggregation's rows (up to USAGE_MAX_RESULT_PAGES). */
  private async readStep(entry: Entry, upstream: DeadlineUpstream): Promise<void> {
    const rows: UsageRowRecord[] = [];
    let page: StatisticsPage = entry.firstPage ?? (await this.get(entry, upstream));
    let pages = 1;
    for (;;) {
      rows.push(...((page.statistics ?? []) as UsageRowRecord[]));
      if (!page.nextToken) break;
      if (pages >= USAGE_MAX_RESULT_PAGES) {
        entry.rowsTruncated = true;
        break;
      }
      page = await this.get(entry, upstream, page.nextToken);
      pages += 1;
    }
    entry.rows = rows;
    this.finish(entry);
  }

  private async get(entry: Entry, upstream: DeadlineUpstream, nextToken?: string) {
    try {
      return await upstream.call({ operation: 'GetSessionsStatisticsAggregation' }, (client) =>
        client.send(
          new GetSessionsStatisticsAggregationCommand({
            farmId: entry.start.farmId,
            aggregationId: entry.aggregationId ?? '',
            maxResults: USAGE_PAGE_SIZE,
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
    } catch (error) {
      if (cutByBudget(error)) throw error;
      this.forget(entry);
      if (hasCode(error, ErrorCode.NOT_FOUND)) throw expired(error as GraphQLError, entry.aggregationId);
      throw error;
    }
  }

  private finish(entry: Entry): void {
    entry.phase = 'done';
    entry.doneAt = Date.now();
    this.release(entry);
    // Entries of resumed aggregations are known by ID only: both maps are pruned, stale rows first.
    const now = Date.now();
    const done = [...new Set([...this.byKey.values(), ...this.byId.values()])].filter(
      (other) => other.phase === 'done',
    );
    const kept = done.filter((other) => !this.stale(other, now));
    for (const old of done.filter((other) => this.stale(other, now))) this.forget(old);
    for (const old of kept.slice(0, Math.max(0, kept.length - MAX_KEPT_RESULTS))) this.forget(old);
  }

  /** Takes the entry out of its farm's queue (the farm's next aggregation may start). */
  private release(entry: Entry): void {
    const queue = this.farmQueues.get(entry.start.farmId);
    if (!queue) return;
    const index = queue.indexOf(entry);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.farmQueues.delete(entry.start.farmId);
  }

  /** Drops the entry: the next identical request starts afresh. */
  private forget(entry: Entry): void {
    this.release(entry);
    if (this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
    if (entry.aggregationId !== undefined && this.byId.get(entry.aggregationId) === entry) {
      this.byId.delete(entry.aggregationId);
    }
  }
}

function newEntry(key: string, start: UsageStartInput, phase: Phase): Entry {
  return {
    key,
    start,
    phase,
    rows: [],
    rowsTruncated: false,
    createdAt: Date.now(),
    notBefore: 0,
    delayMs: FIRST_POLL_DELAY_MS,
    waiters: 0,
  };
}

/** Whether a step failed because its maker's time budget ran out (not Deadline's answer). */
function cutByBudget(error: unknown): boolean {
  return error instanceof GraphQLError && error.originalError instanceof OperationDeadlineError;
}

function expired(error: GraphQLError, aggregationId: string | undefined): GraphQLError {
  return gatewayError(
    ErrorCode.NOT_FOUND,
    `Deadline Cloud no longer has aggregation ${aggregationId} (it keeps one for an hour after it starts): ask ` +
      'again without `input.resume` to start a new one.',
    { ...error.extensions, code: undefined },
    error,
  );
}

const RESUME = 'ask again with `input.resume` set to this aggregationId';

function reportOf(entry: Entry, pollLimitReached: boolean): UsageReportRecord {
  const aggregationId = entry.aggregationId ?? null;
  const base = { aggregationId, rows: [] as UsageRowRecord[], rowsTruncated: false };
  if (entry.phase === 'queued') {
    return {
      ...base,
      status: 'IN_PROGRESS',
      message:
        'The aggregation has not started: Deadline Cloud runs one per farm at a time, and this farm was busy ' +
        "until the operation's time budget ran out. Ask again with the same input.",
    };
  }
  if (entry.phase !== 'done') {
    const why = pollLimitReached
      ? `still in progress after ${USAGE_MAX_POLLS} polls`
      : "still in progress when the operation's time budget ran out";
    return { ...base, status: 'IN_PROGRESS', message: `The aggregation is ${why}: ${RESUME}.` };
  }
  const status = entry.status ?? 'FAILED';
  if (status !== 'COMPLETED') {
    const upstreamSays = entry.statusMessage ? ` Deadline Cloud says: ${entry.statusMessage}` : '';
    return {
      ...base,
      status,
      message:
        status === 'TIMEOUT'
          ? `The aggregation timed out: narrow the window, use fewer queues or fleets, or a longer period.${upstreamSays}`
          : `The aggregation failed: ask again, or narrow the request.${upstreamSays}`,
    };
  }
  return {
    ...base,
    status,
    rows: entry.rows,
    rowsTruncated: entry.rowsTruncated,
    message: entry.rowsTruncated
      ? `Only the first ${USAGE_MAX_RESULT_PAGES * USAGE_PAGE_SIZE} rows are given: narrow the window, group by ` +
        'fewer keys, or use a longer period.'
      : null,
  };
}
