/**
 * The HTTP transport: SigV4 presence check, per-operation call counting, injected faults and latency, request
 * parsing, dispatch to the operation table, and AWS-style responses. Never lets a request crash the process:
 * anything unexpected becomes a 500 InternalServerErrorException.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { AwsError, accessDenied, internalError, validationError } from './awsErrors.js';
import {
  answerLogsRequest,
  isLogsRequest,
  LOGS_TARGET_PREFIX,
  type LogsDependencies,
} from './cloudWatchLogs.js';
import type { FaultInjector } from './faultInjection.js';
import { isJsonObject } from './requestValidation.js';
import { matchRoute, type OperationContext } from './routes.js';

/** Counter key for requests that match no operation. */
export const UNKNOWN_OPERATION = 'UnknownOperation';
const MAX_BODY_BYTES = 1024 * 1024;

export class CallCounter {
  private counts = new Map<string, number>();

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  total(): number {
    let sum = 0;
    for (const count of this.counts.values()) sum += count;
    return sum;
  }

  reset(): void {
    this.counts = new Map();
  }
}

/** Requests being served right now, and the most at once: lets tests check a client's concurrency limit. */
export class InFlightGauge {
  private current = 0;
  private peak = 0;

  enter(): void {
    this.current += 1;
    if (this.current > this.peak) this.peak = this.current;
  }

  leave(): void {
    this.current -= 1;
  }

  now(): number {
    return this.current;
  }

  max(): number {
    return this.peak;
  }

  /** Restarts the peak from the requests in flight now. */
  resetMax(): void {
    this.peak = this.current;
  }
}

export interface ServerDependencies {
  context: OperationContext;
  faults: FaultInjector;
  calls: CallCounter;
  latencyMs: () => number;
  /** Counts the requests in flight (from arrival until the response is finished or the connection drops). */
  inFlight?: InFlightGauge;
  /** CloudWatch Logs (GetLogEvents) on the same port: the issued read-role credentials and the logs. */
  logs: LogsDependencies;
}

/** Requests must look SigV4-signed; the signature itself is not verified. */
function authorizationFailure(request: IncomingMessage): AwsError | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return accessDenied('Missing Authentication Token');
  if (!header.startsWith('AWS4-HMAC-SHA256 ') || !header.includes('Credential=')) {
    return accessDenied(
      "Authorization header requires 'Credential' parameter and must use the AWS4-HMAC-SHA256 algorithm.",
    );
  }
  return undefined;
}

async function readRawBody(request: IncomingMessage): Promise<{ raw: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size <= MAX_BODY_BYTES) chunks.push(buffer);
  }
  return { raw: Buffer.concat(chunks), tooLarge: size > MAX_BODY_BYTES };
}

async function readBody(request: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const { raw, tooLarge } = await readRawBody(request);
  return { text: raw.toString('utf8'), tooLarge };
}

/** A CloudWatch Logs request (awsJson1_1), counted under its target's operation name (e.g. GetLogEvents). */
async function handleLogs(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDependencies,
  requestId: string,
) {
  const arrivedAt = performance.now();
  const target = String(request.headers['x-amz-target']).slice(LOGS_TARGET_PREFIX.length);
  deps.calls.record(target === 'GetLogEvents' ? 'GetLogEvents' : UNKNOWN_OPERATION);
  const { raw, tooLarge } = await readRawBody(request);
  const { status, body } = tooLarge
    ? { status: 413, body: { __type: 'SerializationException', message: 'Request entity too large' } }
    : answerLogsRequest(
        { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: raw },
        deps.logs,
      );
  const payload = JSON.stringify(body);
  const remaining = deps.latencyMs() - (performance.now() - arrivedAt);
  if (remaining > 0) await sleep(remaining);
  response.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': String(Buffer.byteLength(payload)),
    'x-amzn-RequestId': requestId,
  });
  response.end(payload);
}

/** A response ready to be written: serialised before any injected latency is waited out. */
interface Answer {
  status: number;
  payload: string;
  headers: Record<string, string>;
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, payload: JSON.stringify(body), headers };
}

function errorAnswer(error: AwsError): Answer {
  return answer(error.status, error.body(), { 'x-amzn-ErrorType': error.errorName, ...error.headers });
}

function send(response: ServerResponse, requestId: string, { status, payload, headers }: Answer): void {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(payload)),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  response.end(payload);
}

/** A route's raw path labels, percent-decoded; a label that does not decode is left out (the call fails anyway). */
function decodedLabels(raw: Readonly<Record<string, string>>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      labels[name] = decodeURIComponent(value);
    } catch {
      // answerFor answers the malformed path with a ValidationException.
    }
  }
  return labels;
}

function decodeSegments(pathname: string): string[] {
  try {
    return pathname
      .slice(1)
      .split('/')
      .map((segment) => decodeURIComponent(segment));
  } catch {
    throw validationError('CANNOT_PARSE', 'The request path contains an invalid percent-encoding.');
  }
}

/**
 * A POST or PATCH operation's input structure: an empty body is one with no members; anything but a JSON object (invalid
 * JSON, an array, a string, null) cannot be read as the input structure.
 */
function parseJsonBody(body: { text: string; tooLarge: boolean }): Record<string, unknown> | undefined {
  if (body.tooLarge)
    throw validationError('CANNOT_PARSE', `The request body exceeds ${MAX_BODY_BYTES} bytes.`);
  if (body.text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    throw validationError('CANNOT_PARSE', 'The request body is not valid JSON.');
  }
  if (!isJsonObject(parsed)) throw validationError('CANNOT_PARSE', 'The request body must be a JSON object.');
  return parsed;
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  deps: ServerDependencies,
  requestId: string,
) {
  if (isLogsRequest(request.headers)) return handleLogs(request, response, deps, requestId);
  const arrivedAt = performance.now();
  const url = new URL(request.url ?? '/', 'http://emulator.invalid');
  const method = request.method ?? 'GET';
  // Match on the raw segments (so an encoded '/' inside a label cannot change the route), decode afterwards.
  const route = matchRoute(method, url.pathname.slice(1).split('/'));
  deps.calls.record(route.kind === 'operation' ? route.operation.name : UNKNOWN_OPERATION);
  const body = await readBody(request);

  // Injected latency is the call's response time, as a client of Deadline sees it: the answer (an error too) is
  // computed and serialised on arrival, then sent once `latency` ms have passed since the request arrived, or as
  // soon as it is ready when computing it took longer. Deadline serves concurrent requests in parallel; sleeping
  // first would queue this single-threaded emulator's work for a wide round (a dashboard's dozens of calls at once)
  // behind the same wait, one request after another. State changes and injected faults take effect on arrival, as
  // a request AWS accepted before its client gave up would.
  // An unauthenticated request never reaches the fault injector (`??` does not evaluate its right side).
  const failure =
    authorizationFailure(request) ??
    (route.kind === 'operation'
      ? deps.faults.failureFor(route.operation.name, decodedLabels(route.labels))
      : deps.faults.failureFor(UNKNOWN_OPERATION));
  const clientToken = headerValue(request.headers['x-amz-client-token']);
  const ready = failure ? errorAnswer(failure) : answerFor(route, url, method, body, clientToken, deps);
  // An "after applying" fault: the call was served (its change made, its answer kept for its client token), and
  // then the client gets a 500 or a dropped connection instead of the answer.
  const lost =
    !failure && ready.status === 200 && route.kind === 'operation'
      ? deps.faults.lossFor(route.operation.name, decodedLabels(route.labels))
      : undefined;
  const remaining = deps.latencyMs() - (performance.now() - arrivedAt);
  if (remaining > 0) await sleep(remaining);
  if (lost === 'ConnectionReset') {
    response.socket?.destroy();
    return;
  }
  send(response, requestId, lost ? errorAnswer(internalError()) : ready);
}

/** A header's value; a repeated header counts as its first value. */
function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The operation's answer, or its error's. */
function answerFor(
  route: ReturnType<typeof matchRoute>,
  url: URL,
  method: string,
  body: { text: string; tooLarge: boolean },
  clientToken: string | undefined,
  deps: ServerDependencies,
): Answer {
  try {
    // Unknown routes answer ValidationException/UNKNOWN_OPERATION: the model's own reason for this case, and a
    // typed error the SDK can surface (a 404 ResourceNotFoundException would claim a resource is missing).
    if (route.kind === 'unknownPath') {
      throw validationError('UNKNOWN_OPERATION', `No operation matches ${method} ${url.pathname}`);
    }
    if (route.kind === 'wrongMethod') {
      throw validationError(
        'UNKNOWN_OPERATION',
        `No operation matches ${method} ${url.pathname}; this path accepts ${route.allowed.join(', ')}`,
      );
    }
    const segments = decodeSegments(url.pathname);
    const labels: Record<string, string> = {};
    const templateSegments = route.operation.path.slice(1).split('/');
    templateSegments.forEach((segment, index) => {
      if (segment.startsWith('{')) labels[segment.slice(1, -1)] = segments[index] ?? '';
    });

    const parsedBody = route.operation.method === 'GET' ? undefined : parseJsonBody(body);
    return answer(
      200,
      route.operation.handle(
        { labels, query: url.searchParams, body: parsedBody, clientToken },
        deps.context,
      ),
    );
  } catch (error) {
    return answerForFailure(error, method, url.pathname + url.search);
  }
}

/** An AWS error as itself; anything else (a bug) logged and answered 500 InternalServerException. */
function answerForFailure(error: unknown, method: string | undefined, url: string | undefined): Answer {
  if (error instanceof AwsError) return errorAnswer(error);
  process.stderr.write(`[deadline-emulator] unexpected error for ${method} ${url}: ${String(error)}\n`);
  return errorAnswer(internalError());
}

export function createEmulatorServer(deps: ServerDependencies): Server {
  const server = createServer((request, response) => {
    const requestId = randomUUID();
    const gauge = deps.inFlight;
    if (gauge) {
      gauge.enter();
      response.once('close', () => gauge.leave());
    }
    handle(request, response, deps, requestId).catch((error: unknown) => {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      send(response, requestId, answerForFailure(error, request.method, request.url));
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
