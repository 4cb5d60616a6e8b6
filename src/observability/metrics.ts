import type { RequestHandler } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Refusal } from '../auth/jwt.js';
import type { PageCache } from '../cache/types.js';
import { ApolloErrorCode } from '../errors/codes.js';
import type { ConcurrencyLimiter } from '../upstream/concurrencyLimit.js';
import type { UpstreamCallTally } from '../upstream/upstreamCalls.js';

/**
 * Prometheus metrics of one gateway (`GET /metrics`, text exposition format), in a registry of its own so that
 * several gateways in one process (tests) never share counters.
 *
 * Every label has a bounded set of values: operation types, Deadline operation names (the SDK's), error codes
 * (shaped like ours, anything else counted as OTHER), HTTP statuses of refusals. Client-chosen operation names are
 * never labels (they are in the operation log). Besides these, Node's process metrics (CPU, memory, heap, event
 * loop lag, GC) under `deadline_graphql_process_…` / `deadline_graphql_nodejs_…`.
 */
export class GatewayMetrics {
  /** This gateway's own metrics. */
  private readonly registry = new Registry();
  /** What `/metrics` answers: this gateway's metrics and the process's. */
  private readonly exposed: Registry;
  private readonly operations: Counter<'type' | 'outcome'>;
  private readonly responses: Counter<'status'>;
  private readonly duration: Histogram<'type'>;
  private readonly errors: Counter<'code'>;
  private readonly upstreamCalls: Counter<'operation'>;
  private readonly upstreamAttempts: Counter;
  private readonly cacheHits: Counter;
  private readonly coalesced: Counter;
  private readonly refused: Counter<'status' | 'code'>;

  private readonly logError: (message: string, error: unknown) => void;

  constructor(
    sources: {
      limiter?: ConcurrencyLimiter;
      pageCache?: PageCache | undefined;
      /** Where a failure to collect is told in full (the scraper gets a fixed message). */
      logError?: (message: string, error: unknown) => void;
    } = {},
  ) {
    this.logError = sources.logError ?? (() => {});
    const registers = [this.registry];
    this.operations = new Counter({
      name: `${PREFIX}operations_total`,
      help: 'GraphQL operations answered, by operation type and outcome (ok; partial: data with errors; error: no data; persisted_query_miss: the APQ handshake asking for the query text).',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.responses = new Counter({
      name: `${PREFIX}http_responses_total`,
      help: 'HTTP answers of /graphql by status, including requests refused before any GraphQL (bad body, CSRF, authentication).',
      labelNames: ['status'],
      registers,
    });
    this.duration = new Histogram({
      name: `${PREFIX}operation_duration_seconds`,
      help: 'Time from receiving a GraphQL operation to sending its answer.',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: `${PREFIX}errors_total`,
      help: 'GraphQL errors in answers, by extensions.code.',
      labelNames: ['code'],
      registers,
    });
    this.upstreamCalls = new Counter({
      name: `${PREFIX}upstream_calls_total`,
      help: 'Deadline Cloud calls made by GraphQL operations (one per call, whatever its retries), by operation.',
      labelNames: ['operation'],
      registers,
    });
    this.upstreamAttempts = new Counter({
      name: `${PREFIX}upstream_attempts_total`,
      help: 'HTTP attempts of those calls, retries included: what Deadline throttling sees.',
      registers,
    });
    this.cacheHits = new Counter({
      name: `${PREFIX}upstream_cache_hits_total`,
      help: 'Calls answered by the page cache instead of Deadline.',
      registers,
    });
    this.coalesced = new Counter({
      name: `${PREFIX}upstream_coalesced_total`,
      help: 'Calls that joined an identical call already in flight instead of making their own.',
      registers,
    });
    this.refused = new Counter({
      name: `${PREFIX}refused_requests_total`,
      help: 'Requests refused before GraphQL (JWT, router secret), by HTTP status and error code.',
      labelNames: ['status', 'code'],
      registers,
    });
    const { limiter, pageCache } = sources;
    if (limiter) {
      new Gauge({
        name: `${PREFIX}upstream_in_flight`,
        help: 'Deadline calls in flight now (process-wide limit: UPSTREAM_MAX_CONCURRENCY).',
        registers,
        collect() {
          this.set(limiter.inUse);
        },
      });
      new Gauge({
        name: `${PREFIX}upstream_queued`,
        help: 'Deadline calls waiting for a slot of the concurrency limit now.',
        registers,
        collect() {
          this.set(limiter.queued);
        },
      });
    }
    if (pageCache) this.exposePageCache(pageCache, registers);
    // Last: a merge takes the metrics registered by then.
    this.exposed = Registry.merge([processRegistry(), this.registry]);
  }

  /** Counts one answered operation (the operation log's data: src/plugins/operationLogPlugin.ts). */
  recordOperation(answer: {
    type: string | undefined;
    hasData: boolean;
    errorCodes: readonly string[];
    durationSeconds: number;
    upstream: UpstreamCallTally;
  }): void {
    const type = answer.type ?? 'unknown';
    const outcome =
      answer.errorCodes.length === 0
        ? 'ok'
        : answer.hasData
          ? 'partial'
          : answer.errorCodes.every((code) => code === ApolloErrorCode.PERSISTED_QUERY_NOT_FOUND)
            ? 'persisted_query_miss'
            : 'error';
    this.operations.inc({ type, outcome });
    this.duration.observe({ type }, answer.durationSeconds);
    for (const code of answer.errorCodes) this.errors.inc({ code: boundedCode(code) });
    for (const [operation, calls] of Object.entries(answer.upstream.calls)) {
      this.upstreamCalls.inc({ operation: boundedCode(operation, /^[A-Za-z]{1,64}$/) }, calls);
    }
    if (answer.upstream.attempts > 0) this.upstreamAttempts.inc(answer.upstream.attempts);
    if (answer.upstream.cacheHits > 0) this.cacheHits.inc(answer.upstream.cacheHits);
    if (answer.upstream.coalesced > 0) this.coalesced.inc(answer.upstream.coalesced);
  }

  recordRefusal(refusal: Refusal): void {
    this.refused.inc({ status: String(refusal.status), code: boundedCode(refusal.code) });
  }

  /** Middleware first on /graphql: counts every answer by HTTP status once it is sent, whoever sent it. */
  countResponses(): RequestHandler {
    return (_req, res, next) => {
      res.once('finish', () => this.responses.inc({ status: String(res.statusCode) }));
      next();
    };
  }

  /** `GET /metrics`. A failure to collect is a 500 of its own, never handed to the JSON body error handler. */
  handler(): RequestHandler {
    return (_req, res) => {
      this.exposed.metrics().then(
        (text) => {
          res.setHeader('content-type', this.exposed.contentType);
          res.setHeader('cache-control', 'no-store');
          res.end(text);
        },
        (error: unknown) => {
          this.logError('metrics could not be collected', error);
          res.statusCode = 500;
          res.setHeader('content-type', 'text/plain; charset=utf-8');
          res.end('# metrics could not be collected; the cause is in the gateway log\n');
        },
      );
    };
  }

  /** The page cache's own figures (cumulative since start), read at every scrape. */
  private exposePageCache(cache: PageCache, registers: Registry[]): void {
    const cumulative = (name: string, help: string, read: () => number) => {
      let reported = 0;
      new Counter({
        name: `${PREFIX}page_cache_${name}_total`,
        help,
        registers,
        collect() {
          const now = read();
          if (now > reported) this.inc(now - reported);
          reported = Math.max(reported, now);
        },
      });
    };
    cumulative(
      'hits',
      'Lookups of the page cache store answered with a value (from this process or Redis; persisted queries too when they share the store).',
      () => cache.stats().hits,
    );
    cumulative(
      'misses',
      'Lookups of the page cache store answered empty (absent, expired, store down).',
      () => cache.stats().misses,
    );
    cumulative(
      'evictions',
      'Entries dropped from this process to stay within its byte bound (CACHE_MAX_BYTES; with Redis, the in-process L1, at most 8 MiB).',
      () => cache.stats().evictions,
    );
    cumulative(
      'errors',
      'Store failures (Redis commands failed or timed out, undecodable values).',
      () => cache.stats().errors,
    );
    new Gauge({
      name: `${PREFIX}page_cache_bytes`,
      help: 'Estimated bytes the page cache holds in this process (with Redis: its in-process L1).',
      registers,
      collect() {
        this.set(cache.stats().bytes);
      },
    });
  }
}

const PREFIX = 'deadline_graphql_';

let processMetrics: Registry | undefined;

/**
 * Node's process metrics (CPU, memory, heap, event loop lag, GC), registered once per process and shared by every
 * gateway's `/metrics`: each registration starts an event-loop monitor and a GC observer that nothing stops.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: PREFIX });
  }
  return processMetrics;
}

/** A label value from a bounded set: shaped like an error code (or `shape`), else OTHER. */
function boundedCode(value: string, shape: RegExp = /^[A-Z][A-Z0-9_]{0,63}$/): string {
  return shape.test(value) ? value : 'OTHER';
}
