import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * The transport floor (issue 15): a Deadline call made the cheapest way a correct client can. SigV4 signing by
 * `@smithy/signature-v4` (the SDK's own signer, with the placeholder credentials and the region the gateway's
 * client uses for an emulator endpoint: src/upstream/deadlineClient.ts, bench/lib/stack.ts), one request on a
 * `node:http` keep-alive Agent, one `JSON.parse` of a 2xx body. No SDK client: no middleware stack, no endpoint
 * resolution, no typed deserialisation. A non-2xx answer is an error (no retries: the benchmark checks that every
 * call succeeds and that the emulator counted one call per call made); an attempt that takes longer than the
 * gateway's per-attempt timeout (5 s) is abandoned. Loopback (plain HTTP) only.
 */

/** Deadline's API version, the first segment of every operation's path (the model's `http.requestUri`). */
const API = '/2023-10-12';
const REGION = 'us-west-2';
const TIMEOUT_MS = 5000;

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBinary = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/**
 * SHA-256 (and HMAC-SHA256 when given a secret) on node:crypto, as SignatureV4 takes it: what the SDK's Node
 * runtime passes it (`Sha256` of `@smithy/core/checksum`, a node:crypto wrapper when the platform has one).
 */
class Sha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(this.secret));
  }

  update(data: SourceData): void {
    this.hash.update(toBinary(data));
  }

  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }

  reset(): void {
    this.hash = this.create();
  }
}

export class TransportFloor {
  private readonly agent: Agent;
  private readonly hostname: string;
  private readonly port: number;
  private readonly host: string;
  private readonly signer = new SignatureV4({
    service: 'deadline',
    region: REGION,
    credentials: { accessKeyId: 'emulator', secretAccessKey: 'emulator' },
    sha256: Sha256,
  });

  /** `maxSockets`: the gateway's client has max(50, UPSTREAM_MAX_CONCURRENCY) (64). */
  constructor(endpoint: string, maxSockets = 64) {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
      throw new Error(`the transport floor only talks to a loopback emulator, not ${endpoint}`);
    this.hostname = url.hostname;
    this.port = Number(url.port || 80);
    this.host = url.host;
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  /**
   * One signed call: `path` after the API version, with its labels already percent-encoded; `body` (a POST's
   * input) is sent as JSON. Resolves to the parsed 2xx body.
   */
  async call<T>(
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { host: this.host };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const signed = await this.signer.sign({
      method,
      protocol: 'http:',
      hostname: this.hostname,
      port: this.port,
      path: `${API}${path}`,
      query,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
    });
    const search = new URLSearchParams(query).toString();
    return new Promise<T>((resolve, reject) => {
      const req = request(
        {
          method,
          hostname: this.hostname,
          port: this.port,
          path: search === '' ? signed.path : `${signed.path}?${search}`,
          headers: signed.headers,
          agent: this.agent,
          timeout: TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status < 200 || status > 299) {
              reject(new Error(`${method} ${path}: HTTP ${status} ${res.headers['x-amzn-errortype'] ?? ''}`));
              return;
            }
            try {
              resolve(JSON.parse(text) as T);
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A path segment (an ID), percent-encoded as the SDK encodes a path label. */
const label = encodeURIComponent;
const page = (maxResults: number) => ({ maxResults: String(maxResults) });

type JobIds = { farmId: string; queueId: string; jobId: string };

/**
 * The Deadline operations the benchmark makes through the transport floor, as the wire answers them (JSON as sent:
 * timestamps stay ISO strings; only what the benchmark reads is typed). The same method and path as the SDK's
 * serializers and the emulator's routes (src/emulator/routes.ts).
 */
export type FloorOperations = ReturnType<typeof floorOperations>;

export function floorOperations(floor: TransportFloor) {
  return {
    getFarm: (farmId: string) => floor.call<unknown>('GET', `/farms/${label(farmId)}`),
    listQueues: (farmId: string, maxResults: number) =>
      floor.call<{ queues?: Array<{ queueId: string }> }>(
        'GET',
        `/farms/${label(farmId)}/queues`,
        page(maxResults),
      ),
    listJobs: (farmId: string, queueId: string, maxResults: number) =>
      floor.call<{ jobs?: Array<{ jobId: string }> }>(
        'GET',
        `/farms/${label(farmId)}/queues/${label(queueId)}/jobs`,
        page(maxResults),
      ),
    listSessions: (job: JobIds, maxResults: number) =>
      floor.call<{ sessions?: Array<{ sessionId: string; fleetId: string; workerId: string }> }>(
        'GET',
        `/farms/${label(job.farmId)}/queues/${label(job.queueId)}/jobs/${label(job.jobId)}/sessions`,
        page(maxResults),
      ),
    batchGetJob: (identifiers: JobIds[]) =>
      floor.call<unknown>('POST', '/batch-get-job', {}, { identifiers }),
    batchGetWorker: (identifiers: Array<{ farmId: string; fleetId: string; workerId: string }>) =>
      floor.call<unknown>('POST', '/batch-get-worker', {}, { identifiers }),
    getFleet: (farmId: string, fleetId: string) =>
      floor.call<unknown>('GET', `/farms/${label(farmId)}/fleets/${label(fleetId)}`),
  };
}
