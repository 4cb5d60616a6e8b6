/**
 * CloudWatch Logs GetLogEvents in its real protocol (awsJson1_1: `POST /` with
 * `X-Amz-Target: Logs_20140328.GetLogEvents`), served on the emulator's port next to the Deadline API.
 *
 * Unlike the Deadline routes, requests must carry a valid SigV4 signature (service `logs`) made with credentials
 * that AssumeQueueRoleForRead / AssumeFleetRoleForRead issued: the signature is recomputed from the canonical
 * request with the credentials' secret. Errors are `{ __type, message }` with HTTP 400, as CloudWatch answers them.
 *
 * Paging: a token names a position between two events of the stream (`f/…` reads forward from it, `b/…` backward),
 * 56 digits like CloudWatch's: position, issue time (tokens last 24 hours), a stream hash and a check. A page holds
 * at most `limit` (1–10,000, default 10,000) events and 1,048,576 bytes counting each event as its UTF-8 message
 * length + 26. At the end of the stream (forward) or its start (backward) the token passed in is returned as is.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { IssuedCredentials, ReadRoleCredentials } from './readRoles.js';
import type { LogEvent, SessionLogs } from './sessionLogs.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
export const GET_LOG_EVENTS_MAX_LIMIT = 10_000;
export const GET_LOG_EVENTS_MAX_BYTES = 1_048_576;
/** Bytes CloudWatch counts per event besides its message. */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
const TOKEN_TTL_MS = 24 * 60 * 60 * 1000;
const ACCOUNT_ID = '123456789012';
const REGION = 'us-west-2';

export class LogsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface LogsAnswer {
  status: number;
  body: unknown;
}

export interface LogsDependencies {
  readRoles: ReadRoleCredentials;
  logs: SessionLogs;
  now: () => number;
}

export interface LogsRequest {
  method: string;
  /** Raw path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** True when the request is meant for CloudWatch Logs (its X-Amz-Target names the Logs API). */
export function isLogsRequest(headers: IncomingHttpHeaders): boolean {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(LOGS_TARGET_PREFIX);
}

export function answerLogsRequest(request: LogsRequest, deps: LogsDependencies): LogsAnswer {
  try {
    const credentials = authenticate(request, deps);
    const target = String(request.headers['x-amz-target']).slice(LOGS_TARGET_PREFIX.length);
    if (request.method !== 'POST' || new URL(request.url, 'http://x').pathname !== '/') {
      throw new LogsError('UnknownOperationException', '');
    }
    if (target !== 'GetLogEvents') throw new LogsError('UnknownOperationException', '');
    const input = parseBody(request.body);
    return { status: 200, body: getLogEvents(input, credentials, deps) };
  } catch (error) {
    if (error instanceof LogsError) {
      return { status: error.status, body: { __type: error.type, message: error.message } };
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------- SigV4

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** RFC 3986 encoding, as SigV4 wants it. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function canonicalQuery(search: string): string {
  if (search === '' || search === '?') return '';
  const pairs = search
    .slice(1)
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
      return [uriEncode(name), uriEncode(value)] as const;
    });
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

function canonicalPath(pathname: string): string {
  // Non-S3 services sign the path with each segment encoded once more.
  return pathname
    .split('/')
    .map((segment) => uriEncode(segment))
    .join('/');
}

/** Verifies the SigV4 Authorization header; returns the issued credentials that signed the request. */
function authenticate(request: LogsRequest, deps: LogsDependencies): IssuedCredentials {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined || authorization === '') {
    throw new LogsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) {
    throw new LogsError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters, and the AWS4-HMAC-SHA256 algorithm. Authorization=${authorization}`,
    );
  }
  const [, credential = '', signedHeadersText = '', signature = ''] = match;
  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5 || scopeParts[4] !== 'aws4_request') {
    throw new LogsError('IncompleteSignatureException', `Credential is malformed: ${credential}`);
  }
  const [accessKeyId = '', date = '', region = '', service = ''] = scopeParts;
  if (service !== 'logs') {
    throw new LogsError(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: 'logs'.`,
    );
  }
  const issued = deps.readRoles.find(accessKeyId);
  if (!issued) {
    throw new LogsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (header(request.headers, 'x-amz-security-token') !== issued.sessionToken) {
    throw new LogsError(
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (deps.readRoles.isExpired(issued)) {
    throw new LogsError('ExpiredTokenException', 'The security token included in the request is expired');
  }
  const amzDate = header(request.headers, 'x-amz-date');
  if (amzDate === undefined || !/^\d{8}T\d{6}Z$/.test(amzDate)) {
    throw new LogsError(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (amzDate.slice(0, 8) !== date) {
    throw new LogsError(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const signedHeaders = signedHeadersText.split(';');
  if (!signedHeaders.includes('host')) {
    throw new LogsError(
      'InvalidSignatureException',
      "'Host' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  const url = new URL(request.url, 'http://emulator.invalid');
  const canonicalHeaders = signedHeaders
    .map((name) => `${name}:${(header(request.headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeadersText,
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${issued.secretAccessKey}`, date), region), service), 'aws4_request');
  const expected = Buffer.from(hmac(key, stringToSign).toString('hex'));
  if (!timingSafeEqual(expected, Buffer.from(signature))) {
    throw new LogsError('InvalidSignatureException', SIGNATURE_MISMATCH);
  }
  return issued;
}

// ---------------------------------------------------------------------------------------------- GetLogEvents

function parseBody(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LogsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LogsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

function invalid(message: string): LogsError {
  return new LogsError('InvalidParameterException', message);
}

function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new LogsError(
      'SerializationException',
      `STRING_VALUE can not be converted to a String at '${name}'`,
    );
  return value;
}

function optionalInteger(input: Record<string, unknown>, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new LogsError('SerializationException', `NUMBER_VALUE can not be converted to a Long at '${name}'`);
  }
  return value;
}

function constraint(errors: string[]): void {
  if (errors.length > 0) {
    throw invalid(
      `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`,
    );
  }
}

interface GetLogEventsInput {
  group: string;
  stream: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit: number;
  startFromHead: boolean;
}

function readInput(input: Record<string, unknown>): GetLogEventsInput {
  const logGroupName = optionalString(input, 'logGroupName');
  const logGroupIdentifier = optionalString(input, 'logGroupIdentifier');
  const logStreamName = optionalString(input, 'logStreamName');
  const nextToken = optionalString(input, 'nextToken');
  const startTime = optionalInteger(input, 'startTime');
  const endTime = optionalInteger(input, 'endTime');
  const limit = optionalInteger(input, 'limit');
  const startFromHead = input.startFromHead;
  if (startFromHead !== undefined && startFromHead !== null && typeof startFromHead !== 'boolean') {
    throw new LogsError(
      'SerializationException',
      "BOOLEAN_VALUE can not be converted to a Boolean at 'startFromHead'",
    );
  }
  const errors: string[] = [];
  if (logStreamName === undefined) {
    errors.push("Value null at 'logStreamName' failed to satisfy constraint: Member must not be null");
  } else if (logStreamName.length < 1 || logStreamName.length > 512) {
    errors.push(
      `Value '${logStreamName}' at 'logStreamName' failed to satisfy constraint: Member must have length between 1 and 512`,
    );
  } else if (/[:*]/.test(logStreamName)) {
    errors.push(
      `Value '${logStreamName}' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`,
    );
  }
  if (logGroupName !== undefined && !/^[.\-_/#A-Za-z0-9]{1,512}$/.test(logGroupName)) {
    errors.push(
      `Value '${logGroupName}' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+`,
    );
  }
  if (logGroupIdentifier !== undefined && !/^[\w#+=/:,.@-]{1,2048}$/.test(logGroupIdentifier)) {
    errors.push(
      `Value '${logGroupIdentifier}' at 'logGroupIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*`,
    );
  }
  for (const [name, value] of [
    ['startTime', startTime],
    ['endTime', endTime],
  ] as const) {
    if (value !== undefined && value < 0) {
      errors.push(
        `Value '${value}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
      );
    }
  }
  if (limit !== undefined && limit < 1) {
    errors.push(
      `Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  if (limit !== undefined && limit > GET_LOG_EVENTS_MAX_LIMIT) {
    errors.push(
      `Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${GET_LOG_EVENTS_MAX_LIMIT}`,
    );
  }
  if (nextToken !== undefined && nextToken.length < 1) {
    errors.push(
      "Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  constraint(errors);
  if (logGroupName !== undefined && logGroupIdentifier !== undefined) {
    throw invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  let group = logGroupName;
  if (logGroupIdentifier !== undefined) {
    const arn = /^arn:aws[\w-]*:logs:[\w-]+:(\d{12}):log-group:([^:]+)$/.exec(logGroupIdentifier);
    if (logGroupIdentifier.startsWith('arn:') && !arn) {
      throw invalid(`Invalid LogGroup ARN: ${logGroupIdentifier}`);
    }
    group = arn ? (arn[1] === ACCOUNT_ID ? arn[2] : undefined) : logGroupIdentifier;
    if (arn && group === undefined)
      throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
  }
  if (group === undefined) {
    throw invalid('Either logGroupName or logGroupIdentifier must be provided.');
  }
  const result: GetLogEventsInput = {
    group,
    stream: logStreamName ?? '',
    limit: limit ?? GET_LOG_EVENTS_MAX_LIMIT,
    startFromHead: startFromHead === true,
  };
  if (startTime !== undefined) result.startTime = startTime;
  if (endTime !== undefined) result.endTime = endTime;
  if (nextToken !== undefined) result.nextToken = nextToken;
  return result;
}

/**
 * UNVERIFIED: the read credentials are scoped to the role's own log group (a queue role reads
 * `/aws/deadline/<farmId>/<queueId>`, a fleet role `/aws/deadline/<farmId>/<fleetId>`), as Deadline's
 * documented role policies grant; other groups answer AccessDeniedException.
 */
function authorize(credentials: IssuedCredentials, group: string, stream: string): void {
  const ownGroup = `/aws/deadline/${credentials.farmId}/${credentials.role.slice(credentials.role.indexOf('/') + 1)}`;
  if (group !== ownGroup) {
    throw new LogsError(
      'AccessDeniedException',
      `User: ${credentials.principalArn} is not authorized to perform: logs:GetLogEvents on resource: arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${group}:log-stream:${stream} because no identity-based policy allows the logs:GetLogEvents action`,
    );
  }
}

interface Token {
  forward: boolean;
  position: number;
}

function streamHash(group: string, stream: string): string {
  return (BigInt(`0x${sha256Hex(`${group}\u0000${stream}`).slice(0, 15)}`) % 10n ** 16n)
    .toString()
    .padStart(16, '0');
}

function check(body: string): string {
  return (BigInt(`0x${sha256Hex(`token:${body}`).slice(0, 15)}`) % 10n ** 16n).toString().padStart(16, '0');
}

function encodeToken(forward: boolean, position: number, now: number, group: string, stream: string): string {
  const body = `${forward ? 'f' : 'b'}/${String(position).padStart(12, '0')}${String(Math.floor(now / 1000)).padStart(12, '0')}${streamHash(group, stream)}`;
  return `${body}${check(body)}`;
}

function decodeToken(token: string, now: number, group: string, stream: string): Token {
  const match = /^([fb])\/(\d{12})(\d{12})(\d{16})(\d{16})$/.exec(token);
  const bad = invalid('The specified nextToken is invalid.');
  if (!match) throw bad;
  const [, direction = '', position = '', issued = '', hash = '', digest = ''] = match;
  if (check(token.slice(0, token.length - 16)) !== digest || hash !== streamHash(group, stream)) throw bad;
  // UNVERIFIED: what CloudWatch answers for a token older than 24 hours.
  if (now - Number(issued) * 1000 > TOKEN_TTL_MS) throw invalid('The specified nextToken has expired.');
  return { forward: direction === 'f', position: Number(position) };
}

function eventBytes(event: LogEvent): number {
  return Buffer.byteLength(event.message, 'utf8') + LOG_EVENT_OVERHEAD_BYTES;
}

/** The first index whose timestamp is ≥ time (events are in non-decreasing timestamp order). */
function lowerBound(events: readonly LogEvent[], time: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid]?.timestamp ?? 0) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function getLogEvents(
  body: Record<string, unknown>,
  credentials: IssuedCredentials,
  deps: LogsDependencies,
): Record<string, unknown> {
  const input = readInput(body);
  authorize(credentials, input.group, input.stream);
  if (!deps.logs.hasGroup(input.group)) {
    throw new LogsError('ResourceNotFoundException', 'The specified log group does not exist.');
  }
  const events = deps.logs.events(input.group, input.stream);
  if (!events) throw new LogsError('ResourceNotFoundException', 'The specified log stream does not exist.');
  const now = deps.now();
  const token =
    input.nextToken === undefined ? undefined : decodeToken(input.nextToken, now, input.group, input.stream);

  // The events inside the time bounds are a contiguous range [lo, hi) of the stream.
  const lo = input.startTime === undefined ? 0 : lowerBound(events, input.startTime);
  const hi = Math.max(lo, input.endTime === undefined ? events.length : lowerBound(events, input.endTime));
  const forward = token ? token.forward : input.startFromHead;
  const from = Math.min(hi, Math.max(lo, token ? token.position : forward ? lo : hi));

  let start = from;
  let end = from;
  let bytes = 0;
  if (forward) {
    while (end < hi && end - start < input.limit) {
      const size = eventBytes(events[end] as LogEvent);
      if (bytes + size > GET_LOG_EVENTS_MAX_BYTES) break;
      bytes += size;
      end += 1;
    }
  } else {
    while (start > lo && end - start < input.limit) {
      const size = eventBytes(events[start - 1] as LogEvent);
      if (bytes + size > GET_LOG_EVENTS_MAX_BYTES) break;
      bytes += size;
      start -= 1;
    }
  }
  const page = events.slice(start, end).map((event) => ({
    timestamp: event.timestamp,
    message: event.message,
    ingestionTime: event.ingestionTime,
  }));
  const empty = start === end;
  const nextForwardToken =
    empty && token?.forward === true && input.nextToken !== undefined
      ? input.nextToken
      : encodeToken(true, end, now, input.group, input.stream);
  const nextBackwardToken =
    empty && token?.forward === false && input.nextToken !== undefined
      ? input.nextToken
      : encodeToken(false, start, now, input.group, input.stream);
  return { events: page, nextForwardToken, nextBackwardToken };
}
