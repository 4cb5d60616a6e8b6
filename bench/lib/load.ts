import { Agent, request } from 'node:http';

/** A GraphQL response as the benchmark reads it. */
export interface GraphQLResult {
  status: number;
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  extensions?: { upstream?: { calls: number; attempts: number; byOperation: Record<string, number> } };
}

/**
 * A minimal GraphQL-over-HTTP client on node:http with a keep-alive pool: much cheaper per request than `fetch`, so
 * the load generator steals as little CPU as possible from the gateway on a small machine. Loopback only.
 */
export class GraphQLClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, maxSockets: number) {
    this.url = new URL('/graphql', baseUrl);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(this.url.hostname)) {
      throw new Error(`the benchmark only talks to loopback, not ${this.url.hostname}`);
    }
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  query(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            try {
              const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<
                GraphQLResult,
                'status'
              >;
              resolve({ ...parsed, status: res.statusCode ?? 0 });
            } catch (error) {
              reject(error);
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface LoadResult {
  /** Completed operations. */
  count: number;
  /** Operations that threw or returned GraphQL errors. */
  failures: number;
  firstFailure?: string;
  elapsedMs: number;
  /** Per-operation latencies (ms), at most `maxSamples` (the first ones). */
  latencies: number[];
}

/**
 * Closed-loop load: `concurrency` workers each run `operation` back to back until `durationMs` has passed or
 * `maxCount` operations have started, whichever comes first. `operation` resolves to an error text or undefined.
 */
export async function closedLoop(options: {
  concurrency: number;
  durationMs: number;
  maxCount?: number;
  maxSamples?: number;
  operation: (index: number) => Promise<string | undefined>;
}): Promise<LoadResult> {
  const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
  const maxSamples = options.maxSamples ?? 200_000;
  const latencies: number[] = [];
  let started = 0;
  let count = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const deadline = start + options.durationMs;
  const worker = async () => {
    while (started < maxCount && performance.now() < deadline) {
      const index = started++;
      const t0 = performance.now();
      let failure: string | undefined;
      try {
        failure = await options.operation(index);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      const latency = performance.now() - t0;
      if (latencies.length < maxSamples) latencies.push(latency);
      count++;
      if (failure !== undefined) {
        failures++;
        firstFailure ??= failure;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { count, failures, firstFailure, elapsedMs: performance.now() - start, latencies };
}

/** The error text of a GraphQL result, or undefined when it succeeded. */
export function failureOf(result: GraphQLResult): string | undefined {
  if (result.status !== 200) return `HTTP ${result.status}: ${JSON.stringify(result.errors ?? [])}`;
  if (result.errors && result.errors.length > 0) return JSON.stringify(result.errors.slice(0, 2));
  return undefined;
}
