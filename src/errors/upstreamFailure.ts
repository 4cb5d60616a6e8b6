import { OperationDeadlineError } from '../upstream/operationDeadline.js';
import { UpstreamReason } from './codes.js';

/**
 * The one place that says why a Deadline call failed when Deadline itself did not answer it (network, DNS, TLS,
 * timeouts, 5xx, an endpoint that is not Deadline's API) or refused the gateway's identity. Used by the GraphQL error
 * mapping (mapUpstreamError.ts), `/readyz`, the start-up check and the log of failed calls, so that all four
 * name the same cause.
 */

/** Where a client sends its Deadline calls. */
export interface UpstreamTarget {
  /** The Deadline API URL (DEADLINE_ENDPOINT, the embedded emulator); undefined: AWS's own endpoint. */
  endpoint?: string | undefined;
  /** The AWS region; undefined: the one the AWS config names. */
  region?: string | undefined;
}

export interface UpstreamFailure {
  reason: UpstreamReason;
  /** What happened, naming no address or host: safe to tell any caller (e.g. "the connection was refused"). */
  summary: string;
  /** What happened, where, and what an operator should do: for logs, and for callers outside production. */
  explanation: string;
  /** Node's or the SDK's own words (error code and the first line of its message): for logs only. */
  detail: string;
  /** The host the failure names (the name that did not resolve, the address that refused), when it names one. */
  host?: string;
}

/** What the SDK's default credential chain looks for, in its order (@aws-sdk/credential-provider-node). */
export const DEFAULT_CREDENTIAL_CHAIN =
  'the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ' +
  'keys); the profile AWS_PROFILE (else `default`) in the shared files ~/.aws/credentials and ~/.aws/config ' +
  '(moved by AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE), with static keys, SSO, credential_process or a role ' +
  'to assume; web identity (AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN); container credentials ' +
  '(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI); EC2 instance metadata (unless ' +
  'AWS_EC2_METADATA_DISABLED=true)';

/** Errors by which AWS says it does not know the caller (not AccessDenied: that one knows who asks). */
const REFUSED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'ExpiredToken',
  'RequestExpired',
  // STS, raised unwrapped by the credential chain when a profile's or a web identity's role cannot be assumed.
  'AccessDenied',
  'RegionDisabledException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
]);

const REFUSED = new Set(['ECONNREFUSED']);
const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const RESETS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
/** Certificates Node's TLS does not accept (OpenSSL verify codes, ERR_TLS_CERT_ALTNAME_INVALID). */
const CERTIFICATE_CODE = /^(CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|ERR_TLS_CERT_|HOSTNAME_MISMATCH$)/;
/** Other failures of the TLS handshake (OpenSSL's EPROTO, Node's ERR_TLS_* and ERR_SSL_*). */
const HANDSHAKE_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$)/;

/** The fields of an SDK or Node error this module reads. */
interface ErrorShape {
  name: string;
  message: string;
  code: string | undefined;
  status: number | undefined;
  attempts: number | undefined;
  hostname: string | undefined;
  /** `address:port` of a failed connection. */
  address: string | undefined;
  /** A ValidationException's `reason` (UNKNOWN_OPERATION, FIELD_VALIDATION_FAILED, …). */
  reason: string | undefined;
  cause: unknown;
}

/**
 * Why a failed Deadline call failed, or undefined when Deadline answered it in its own terms (NotFound,
 * Validation, Throttling…) or the cause is unknown. `target` names where the client sends its calls.
 */
export function describeUpstreamFailure(
  error: unknown,
  target: UpstreamTarget = {},
): UpstreamFailure | undefined {
  const e = shapeOf(error);
  if (error instanceof OperationDeadlineError || e.cause instanceof OperationDeadlineError) {
    const deadline = (error instanceof OperationDeadlineError ? error : e.cause) as OperationDeadlineError;
    // A call cancelled after its operation answered is no failure of Deadline's.
    if (deadline.stage === 'abandoned') return undefined;
    return failure(
      UpstreamReason.TIMEOUT,
      "the operation's time budget ran out before Deadline Cloud answered",
      `${where(target)}: ${deadline.message} OPERATION_TIMEOUT_MS sets the budget.`,
      e,
    );
  }
  const at = where(target);
  if (e.name === 'CredentialsProviderError') {
    return failure(
      UpstreamReason.CREDENTIALS_MISSING,
      'the gateway has no AWS credentials',
      `the gateway found no AWS credentials for ${at} (${e.message}). The SDK's default credential chain looked ` +
        `for: ${DEFAULT_CREDENTIAL_CHAIN}. Configure one of them, then check it with \`aws sts get-caller-identity\` ` +
        "in the gateway's environment.",
      e,
    );
  }
  if (REFUSED_CREDENTIALS.has(e.name)) {
    return failure(
      UpstreamReason.CREDENTIALS_REFUSED,
      "Deadline Cloud refused the gateway's credentials",
      target.endpoint === undefined
        ? `AWS refused the gateway's credentials (${e.name}: ${firstLine(e.message)}): the keys are unknown, ` +
            "invalid or expired, the role it assumes refuses it, or the request signature is wrong. Check which identity the gateway's default " +
            "credential chain resolves with `aws sts get-caller-identity` in the gateway's environment, and renew " +
            'or replace its credentials.'
        : `${at} refused the gateway's request signature (${e.name}). With DEADLINE_ENDPOINT the gateway signs ` +
            'with placeholder credentials, so the endpoint must accept any signature; for AWS itself use ' +
            'DEADLINE_BACKEND=aws instead.',
      e,
    );
  }
  // An untyped 403 with a body that is not Deadline's (a proxy's page) is the endpoint's, not an access decision.
  if (e.name === 'AccessDeniedException' || (e.status === 403 && !isUnreadableAnswer(e))) {
    return failure(
      UpstreamReason.ACCESS_DENIED,
      "Deadline Cloud denied the gateway's identity access",
      `${at} denied the gateway's identity access (${e.name === 'AccessDeniedException' ? e.name : `HTTP ${e.status}`}` +
        "): grant the gateway's role deadline:List*, deadline:Get* and deadline:BatchGet* on the farms it serves.",
      e,
    );
  }
  // Deadline's own answer to a route it does not have: a ValidationException with reason UNKNOWN_OPERATION.
  if (e.name === 'ValidationException' && e.reason === 'UNKNOWN_OPERATION') {
    return failure(
      UpstreamReason.OPERATION_NOT_SERVED,
      'the endpoint does not serve this Deadline Cloud operation (UNKNOWN_OPERATION)',
      `${at} answered that it has no such operation (ValidationException UNKNOWN_OPERATION): it serves an older ` +
        `Deadline Cloud API, or lacks this operation. ${fixEndpoint(target, 'points at a Deadline Cloud API')}`,
      e,
    );
  }
  if ((e.status === 404 || e.status === 405 || e.status === 501) && e.name !== 'ResourceNotFoundException') {
    return failure(
      UpstreamReason.OPERATION_NOT_SERVED,
      `the endpoint does not serve this Deadline Cloud operation (HTTP ${e.status})`,
      `${at} answered HTTP ${e.status} to a Deadline Cloud API route: it is not a Deadline Cloud API, or lacks this ` +
        `operation. ${fixEndpoint(target, 'points at a Deadline Cloud API')}`,
      e,
    );
  }
  if ((e.status !== undefined && e.status >= 500) || e.name === 'InternalServerErrorException') {
    const status = e.status === undefined ? 'an internal error' : `HTTP ${e.status}`;
    return failure(
      UpstreamReason.UPSTREAM_5XX,
      `Deadline Cloud answered with ${status}`,
      `${at} answered with ${status}${e.name.endsWith('Exception') ? ` (${e.name})` : ''}` +
        `${e.attempts === undefined ? '' : ` after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}`}: ` +
        `Deadline Cloud is failing; retry later${
          target.endpoint === undefined
            ? ', and look for an event on the AWS Health Dashboard'
            : `, and check the service behind ${target.endpoint}`
        }.`,
      e,
    );
  }
  if (e.status !== undefined && isUnreadableAnswer(e)) {
    return failure(
      UpstreamReason.NOT_DEADLINE_API,
      "the endpoint's answer is not Deadline Cloud's API",
      `${at} answered HTTP ${e.status} with a body that is not Deadline Cloud's API` +
        `${e.name === 'SyntaxError' ? ' (not JSON)' : ''}. ` +
        fixEndpoint(target, 'points at a Deadline Cloud API, not at a web page or a proxy'),
      e,
    );
  }
  return networkFailure(e, target);
}

/** Failures below HTTP: connecting, resolving, TLS, timeouts. */
function networkFailure(e: ErrorShape, target: UpstreamTarget): UpstreamFailure | undefined {
  const at = where(target);
  const code = e.code ?? '';
  if (REFUSED.has(code)) {
    const host = e.address;
    return failure(
      UpstreamReason.CONNECTION_REFUSED,
      'the connection was refused',
      target.endpoint === undefined
        ? `the connection to ${host ?? at} was refused (${code}): check the network path to AWS (proxy, ` +
            'firewall, VPC endpoint).'
        : `nothing is listening at ${target.endpoint} (connection refused, ${code}): ${startEmulatorHint(target.endpoint)}` +
            'or fix DEADLINE_ENDPOINT (unset, the gateway starts its embedded emulator).',
      e,
      host,
    );
  }
  if (DNS_FAILURES.has(code)) {
    const host = e.hostname ?? hostOf(target.endpoint);
    const name = host === undefined ? 'the host name' : `the host name ${host}`;
    const temporary = code === 'EAI_AGAIN' ? ': the DNS server did not answer' : '';
    return failure(
      UpstreamReason.DNS,
      'the Deadline Cloud host name does not resolve',
      target.endpoint === undefined
        ? `${name} does not resolve (${code}${temporary}): check AWS_REGION (${
            target.region ?? 'from the AWS config'
          }; Deadline Cloud must be offered there) and the machine's DNS and network access.`
        : `${name} of ${target.endpoint} does not resolve (${code}${temporary}): fix DEADLINE_ENDPOINT, or the ` +
            "machine's DNS.",
      e,
      host,
    );
  }
  if (CERTIFICATE_CODE.test(code)) {
    return failure(
      UpstreamReason.TLS,
      'the TLS connection to Deadline Cloud failed',
      `the TLS certificate of ${at} is not trusted (${code}: ${firstLine(e.message)}): give Node the CA that ` +
        'issued it (NODE_EXTRA_CA_CERTS=/path/to/ca.pem), or fix the certificate (its name must match the host).',
      e,
    );
  }
  if (HANDSHAKE_CODE.test(code)) {
    // OpenSSL reads an HTTP answer as a TLS record of an unknown version.
    const plainHttp = /wrong version number|packet length too long|http request/i.test(e.message);
    return failure(
      UpstreamReason.TLS,
      'the TLS connection to Deadline Cloud failed',
      plainHttp
        ? `the TLS handshake with ${at} failed (${code}: ${tlsReason(e.message)}): the endpoint does not speak ` +
            'TLS on that port; if it serves plain HTTP, use an http:// URL in DEADLINE_ENDPOINT.'
        : `the TLS handshake with ${at} failed (${code}: ${tlsReason(e.message)}): check that it serves TLS ` +
            '1.2 or later on that port.',
      e,
    );
  }
  if (code.startsWith('HPE_')) {
    return failure(
      UpstreamReason.NOT_DEADLINE_API,
      "the endpoint's answer is not Deadline Cloud's API",
      `${at} answered with something that is not HTTP (${code}): ` +
        fixEndpoint(
          target,
          'has the right scheme (an https:// server asked for with http:// answers this way)',
        ),
      e,
    );
  }
  if (RESETS.has(code)) {
    return failure(
      UpstreamReason.CONNECTION_RESET,
      'the connection was closed before Deadline Cloud answered',
      `${at} closed the connection before answering (${code}${/socket hang up/.test(e.message) ? ', socket hang up' : ''}` +
        '): check that it is healthy ' +
        'and serves the Deadline Cloud API on that scheme and port (an https server asked for with http:// ' +
        'closes the connection), and any proxy in between.',
      e,
    );
  }
  if (UNREACHABLE.has(code)) {
    return failure(
      UpstreamReason.UNREACHABLE,
      'the Deadline Cloud host is unreachable',
      `the network cannot reach ${at}${e.address === undefined ? '' : ` (${e.address})`} (${code}): ` +
        'check routes, firewalls and proxies between the gateway and Deadline Cloud.',
      e,
      e.address,
    );
  }
  if (code === 'ETIMEDOUT' || e.name === 'TimeoutError' || isTimeoutAbort(e)) {
    return failure(
      UpstreamReason.TIMEOUT,
      'Deadline Cloud did not answer in time',
      `${at} ${timeoutText(e)}: check that it is up and not overloaded, and the network in between.`,
      e,
    );
  }
  return undefined;
}

/**
 * What a caller (a GraphQL client, a /readyz probe) is told of a failure: the explanation, with the endpoint and the
 * fix, where addresses may be shown (not production); else only the summary, which names no address.
 */
export function toldOf(failure: UpstreamFailure, namesTarget: boolean | undefined): string {
  return namesTarget === true ? failure.explanation : `${failure.summary}.`;
}

/** How operators name a target: the endpoint URL, or AWS and the region. */
export function where(target: UpstreamTarget): string {
  return target.endpoint ?? `AWS Deadline Cloud in ${target.region ?? 'the region of the AWS config'}`;
}

function failure(
  reason: UpstreamReason,
  summary: string,
  explanation: string,
  e: ErrorShape,
  host?: string,
): UpstreamFailure {
  const label = e.code ?? e.name;
  const detail = e.message.includes(label) ? firstLine(e.message) : `${label}: ${firstLine(e.message)}`;
  return { reason, summary, explanation, detail, ...(host === undefined ? {} : { host }) };
}

function shapeOf(error: unknown): ErrorShape {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Record<string, unknown>;
  // Node reports a connection to every address of a name (IPv4 and IPv6) failing as an AggregateError.
  const inner = Array.isArray(e.errors) && typeof e.errors[0] === 'object' ? (e.errors[0] as typeof e) : {};
  const cause = typeof e.cause === 'object' && e.cause !== null ? (e.cause as typeof e) : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const metadata = (e.$metadata ?? {}) as { httpStatusCode?: unknown; attempts?: unknown };
  return {
    name: text(e.name) ?? 'Error',
    message: text(e.message) ?? (typeof error === 'string' ? error : ''),
    code: text(e.code) ?? text(inner.code) ?? text(cause.code),
    status: typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined,
    attempts: typeof metadata.attempts === 'number' ? metadata.attempts : undefined,
    hostname: text(e.hostname) ?? text(inner.hostname) ?? text(cause.hostname),
    address: addressOf(e) ?? addressOf(inner) ?? addressOf(cause),
    reason: text(e.reason),
    cause: e.cause,
  };
}

function addressOf(e: Record<string, unknown>): string | undefined {
  if (typeof e.address !== 'string') return undefined;
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  return typeof e.port === 'number' ? `${host}:${e.port}` : host;
}

/** The SDK could not read the answer as Deadline's JSON (an HTML page, a proxy's error). */
function isUnreadableAnswer(e: ErrorShape): boolean {
  return e.name === 'SyntaxError' || e.message.includes('Deserialization error');
}

/** An abort whose reason is a timeout (AbortSignal.timeout: the readiness probe's limit). */
function isTimeoutAbort(e: ErrorShape): boolean {
  return e.name === 'AbortError' && (e.cause as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

function fixEndpoint(target: UpstreamTarget, what: string): string {
  return target.endpoint === undefined
    ? 'Check AWS_REGION and any proxy between the gateway and AWS.'
    : `Check that DEADLINE_ENDPOINT ${what}.`;
}

function startEmulatorHint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'start the Deadline endpoint there, ';
  }
  // The emulator serves plain HTTP on loopback: suggest it only for such an endpoint.
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    return 'start the Deadline endpoint there, ';
  const host = url.hostname === '[::1]' ? ' --host ::1' : '';
  return `start the Deadline endpoint there (the emulator: \`npm run emulator -- --port ${url.port || '80'}${host}\`), `;
}

function hostOf(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    return new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
}

/** Which limit a timeout hit, from the SDK's and AbortSignal's messages. */
function timeoutText(e: ErrorShape): string {
  if (/did not establish a connection/.test(e.message))
    return 'accepted no connection within the connect timeout';
  if (isTimeoutAbort(e)) return "did not answer within the readiness probe's time limit";
  return 'did not answer in time (UPSTREAM_TIMEOUT_MS is the limit of one attempt)';
}

/** OpenSSL's reason alone: `wrong version number` of `…:SSL routines:ssl3_get_record:wrong version number:…`. */
function tlsReason(message: string): string {
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(message)?.[1];
  return reason ?? firstLine(message);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '').trim().slice(0, 200) || 'no message';
}
