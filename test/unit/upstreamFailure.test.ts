import { describe, expect, it } from 'vitest';
import { ErrorCode, UpstreamReason } from '../../src/errors/codes.js';
import { mapUpstreamError } from '../../src/errors/mapUpstreamError.js';
import { describeUpstreamFailure, type UpstreamTarget } from '../../src/errors/upstreamFailure.js';
import { OperationDeadlineError } from '../../src/upstream/operationDeadline.js';
import { CREDENTIAL_CHAIN_SOURCES } from '../helpers/credentialChain.js';

/**
 * The classifier over errors of the shapes the SDK (3.1107, node-http-handler) and Node 20 actually raise, as
 * recorded against loopback servers: fields, names and messages copied from those errors.
 */
const endpoint: UpstreamTarget = { endpoint: 'http://127.0.0.1:4567', region: 'us-west-2' };
const aws: UpstreamTarget = { region: 'us-west-2' };
const attempt = { attempts: 1, totalRetryDelay: 0 };

function sdkError(message: string, fields: Record<string, unknown>, base: Error = new Error(message)): Error {
  return Object.assign(base, fields);
}

/** An SDK answer of HTTP `status` whose body was not JSON (an HTML page): a SyntaxError carrying `$metadata`. */
function unreadable(status: number): Error {
  return sdkError(
    '',
    { $metadata: { httpStatusCode: status, requestId: undefined, ...attempt } },
    new SyntaxError(
      `Unexpected token '<', "<html>Bad "... is not valid JSON\n  Deserialization error: to see the raw response, ` +
        'inspect the hidden field {error}.$response on this object.',
    ),
  );
}

/** A typed AWS error answer (restJson `x-amzn-errortype`). */
function awsError(name: string, status: number, message = 'no message'): Error {
  return sdkError(message, {
    name,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: 'rid-1', ...attempt },
  });
}

const shapes = {
  refused: () =>
    sdkError('connect ECONNREFUSED 127.0.0.1:4567', {
      errno: -111,
      code: 'ECONNREFUSED',
      syscall: 'connect',
      address: '127.0.0.1',
      port: 4567,
      $metadata: attempt,
    }),
  reset: () =>
    sdkError('read ECONNRESET', {
      errno: -104,
      code: 'ECONNRESET',
      syscall: 'read',
      name: 'TimeoutError',
      $metadata: attempt,
    }),
  hangUp: () => sdkError('socket hang up', { code: 'ECONNRESET', name: 'TimeoutError', $metadata: attempt }),
  requestTimeout: () =>
    sdkError(
      '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 800 ms requestTimeout.',
      {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
        $metadata: attempt,
      },
    ),
  connectTimeout: () =>
    sdkError(
      '@smithy/node-http-handler - the request socket did not establish a connection with the server within the ' +
        'configured timeout of 3000 ms.',
      { name: 'TimeoutError', $metadata: attempt },
    ),
  probeTimeout: () =>
    sdkError('Request aborted', {
      name: 'AbortError',
      cause: new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      $metadata: attempt,
    }),
  dns: (code = 'ENOTFOUND') =>
    sdkError(`getaddrinfo ${code} deadline.example.invalid`, {
      errno: -3008,
      code,
      syscall: 'getaddrinfo',
      hostname: 'deadline.example.invalid',
      $metadata: attempt,
    }),
  tlsToPlainHttp: () =>
    sdkError(
      'write EPROTO 808CA62F3B7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:' +
        '../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
      { errno: -71, code: 'EPROTO', syscall: 'write', $metadata: attempt },
    ),
  selfSigned: () =>
    sdkError('self-signed certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', $metadata: attempt }),
  leafSignature: () =>
    sdkError('unable to verify the first certificate', {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      $metadata: attempt,
    }),
  altName: () =>
    sdkError("Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ", {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      reason: "IP: 127.0.0.1 is not in the cert's list: ",
      host: '127.0.0.1',
      $metadata: attempt,
    }),
  notHttp: () =>
    sdkError('Parse Error: Expected HTTP/', { code: 'HPE_INVALID_CONSTANT', $metadata: attempt }),
  credentialsMissing: () =>
    sdkError('Could not load credentials from any providers', {
      name: 'CredentialsProviderError',
      tryNextLink: false,
    }),
};

describe('describeUpstreamFailure: the cause of a failed Deadline call, by class', () => {
  it.each([
    ['refused', shapes.refused(), UpstreamReason.CONNECTION_REFUSED],
    [
      'reset (read ECONNRESET, named TimeoutError by the SDK)',
      shapes.reset(),
      UpstreamReason.CONNECTION_RESET,
    ],
    ['socket hang up', shapes.hangUp(), UpstreamReason.CONNECTION_RESET],
    ['request timeout', shapes.requestTimeout(), UpstreamReason.TIMEOUT],
    ['connect timeout', shapes.connectTimeout(), UpstreamReason.TIMEOUT],
    ["the readiness probe's time limit", shapes.probeTimeout(), UpstreamReason.TIMEOUT],
    ['DNS: no such name', shapes.dns(), UpstreamReason.DNS],
    ['DNS: no answer', shapes.dns('EAI_AGAIN'), UpstreamReason.DNS],
    ['https:// to a plain HTTP server', shapes.tlsToPlainHttp(), UpstreamReason.TLS],
    ['self-signed certificate', shapes.selfSigned(), UpstreamReason.TLS],
    ['unknown issuer', shapes.leafSignature(), UpstreamReason.TLS],
    ['certificate for another name', shapes.altName(), UpstreamReason.TLS],
    ['an answer that is not HTTP', shapes.notHttp(), UpstreamReason.NOT_DEADLINE_API],
    ['502 with an HTML body', unreadable(502), UpstreamReason.UPSTREAM_5XX],
    [
      '500 InternalServerErrorException',
      awsError('InternalServerErrorException', 500),
      UpstreamReason.UPSTREAM_5XX,
    ],
    ['404 with an HTML body', unreadable(404), UpstreamReason.OPERATION_NOT_SERVED],
    ['405 with an empty body', awsError('Unknown', 405, 'UnknownError'), UpstreamReason.OPERATION_NOT_SERVED],
    ['200 with an HTML body', unreadable(200), UpstreamReason.NOT_DEADLINE_API],
    ['403 with an HTML body (a proxy)', unreadable(403), UpstreamReason.NOT_DEADLINE_API],
    ['AccessDeniedException', awsError('AccessDeniedException', 403), UpstreamReason.ACCESS_DENIED],
    [
      'UnrecognizedClientException',
      awsError('UnrecognizedClientException', 403),
      UpstreamReason.CREDENTIALS_REFUSED,
    ],
    [
      'InvalidSignatureException',
      awsError('InvalidSignatureException', 403),
      UpstreamReason.CREDENTIALS_REFUSED,
    ],
    ['ExpiredTokenException', awsError('ExpiredTokenException', 403), UpstreamReason.CREDENTIALS_REFUSED],
    [
      'STS AccessDenied (a role that cannot be assumed)',
      awsError('AccessDenied', 403),
      UpstreamReason.CREDENTIALS_REFUSED,
    ],
    [
      'STS InvalidIdentityToken (web identity)',
      awsError('InvalidIdentityToken', 400),
      UpstreamReason.CREDENTIALS_REFUSED,
    ],
    ['no credentials', shapes.credentialsMissing(), UpstreamReason.CREDENTIALS_MISSING],
  ])('%s → %s', (_label, error, reason) => {
    expect(describeUpstreamFailure(error, endpoint)?.reason).toBe(reason);
    expect(describeUpstreamFailure(error, aws)?.reason).toBe(reason);
  });

  it("returns nothing for Deadline's own answers and for calls cancelled after their operation answered", () => {
    for (const name of ['ResourceNotFoundException', 'ValidationException', 'ConflictException']) {
      expect(
        describeUpstreamFailure(awsError(name, name === 'ConflictException' ? 409 : 400)),
      ).toBeUndefined();
    }
    expect(describeUpstreamFailure(awsError('ResourceNotFoundException', 404))).toBeUndefined();
    expect(describeUpstreamFailure(awsError('ThrottlingException', 429))).toBeUndefined();
    const abandoned = sdkError('Request aborted', {
      name: 'AbortError',
      cause: new OperationDeadlineError('ListJobs', 'abandoned', 10_000),
    });
    expect(describeUpstreamFailure(abandoned)).toBeUndefined();
    const cut = sdkError('Request aborted', {
      name: 'AbortError',
      cause: new OperationDeadlineError('ListJobs', 'call', 10_000),
    });
    expect(describeUpstreamFailure(cut)?.reason).toBe(UpstreamReason.TIMEOUT);
  });

  it('a refused connection: the summary names no address; the explanation names the endpoint and the fix', () => {
    const failure = describeUpstreamFailure(shapes.refused(), endpoint);
    expect(failure).toMatchObject({
      reason: 'CONNECTION_REFUSED',
      summary: 'the connection was refused',
      detail: 'connect ECONNREFUSED 127.0.0.1:4567',
      host: '127.0.0.1:4567',
    });
    expect(failure?.explanation).toBe(
      'nothing is listening at http://127.0.0.1:4567 (connection refused, ECONNREFUSED): start the Deadline ' +
        'endpoint there (the emulator: `npm run emulator -- --port 4567`), or fix DEADLINE_ENDPOINT (unset, the ' +
        'gateway starts its embedded emulator).',
    );
  });

  it('DNS names the host that did not resolve; with AWS, the region to check', () => {
    const onEndpoint = describeUpstreamFailure(shapes.dns(), {
      endpoint: 'http://deadline.example.invalid:4567',
    });
    expect(onEndpoint?.host).toBe('deadline.example.invalid');
    expect(onEndpoint?.explanation).toContain(
      'the host name deadline.example.invalid of http://deadline.example',
    );
    expect(onEndpoint?.explanation).toContain('fix DEADLINE_ENDPOINT');
    const onAws = describeUpstreamFailure(shapes.dns('EAI_AGAIN'), aws);
    expect(onAws?.explanation).toContain('the DNS server did not answer');
    expect(onAws?.explanation).toContain('check AWS_REGION (us-west-2');
  });

  it('TLS tells a certificate problem from an endpoint that does not speak TLS', () => {
    expect(describeUpstreamFailure(shapes.tlsToPlainHttp(), endpoint)?.explanation).toContain(
      '(EPROTO: wrong version number): the endpoint does not speak TLS on that port; if it serves plain HTTP, use ' +
        'an http:// URL',
    );
    const refusedHandshake = sdkError(
      'write EPROTO 40D8E1F6:error:0A000410:SSL routines:ssl3_read_bytes:sslv3 alert handshake failure:' +
        '../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1605:SSL alert number 40\n',
      { errno: -71, code: 'EPROTO', syscall: 'write', $metadata: attempt },
    );
    const handshake = describeUpstreamFailure(refusedHandshake, endpoint);
    expect(handshake?.reason).toBe('TLS');
    expect(handshake?.explanation).toContain(
      '(EPROTO: sslv3 alert handshake failure): check that it serves TLS',
    );
    const selfSigned = describeUpstreamFailure(shapes.selfSigned(), endpoint);
    expect(selfSigned?.explanation).toContain('(DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate)');
    expect(selfSigned?.explanation).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('credentials: missing lists what the default chain looked for; refused says how to check the identity', () => {
    const missing = describeUpstreamFailure(shapes.credentialsMissing(), aws)?.explanation ?? '';
    for (const looked of CREDENTIAL_CHAIN_SOURCES) {
      expect(missing).toContain(looked);
    }
    const refused = describeUpstreamFailure(
      awsError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'),
      aws,
    );
    expect(refused?.explanation).toContain('The security token included in the request is invalid.');
    expect(refused?.explanation).toContain('aws sts get-caller-identity');
    // A DEADLINE_ENDPOINT is signed with placeholder credentials: the fix is on the endpoint's side.
    expect(
      describeUpstreamFailure(awsError('InvalidSignatureException', 403), endpoint)?.explanation,
    ).toContain('placeholder credentials');
  });

  it('5xx says how many attempts were made', () => {
    const failure = describeUpstreamFailure(
      Object.assign(unreadable(503), {
        $metadata: { httpStatusCode: 503, attempts: 3, totalRetryDelay: 120 },
      }),
      endpoint,
    );
    expect(failure?.summary).toBe('Deadline Cloud answered with HTTP 503');
    expect(failure?.explanation).toContain('http://127.0.0.1:4567 answered with HTTP 503 after 3 attempts');
  });
});

describe('mapUpstreamError: the code, extensions.reason and a message for the caller', () => {
  const call = { operation: 'ListFarms' };

  it('in production, no address or host in the message or extensions; elsewhere the endpoint and the fix', () => {
    for (const error of [
      shapes.refused(),
      shapes.dns(),
      shapes.tlsToPlainHttp(),
      shapes.reset(),
      unreadable(502),
    ]) {
      const hidden = mapUpstreamError(error, call, { target: endpoint });
      expect(hidden.extensions.code).toBe(ErrorCode.UPSTREAM_UNAVAILABLE);
      const told = JSON.stringify({ message: hidden.message, extensions: hidden.extensions });
      expect(told).not.toMatch(/127\.0\.0\.1|4567|example\.invalid/);
      expect(hidden.message).toMatch(/^Deadline Cloud is unavailable \(ListFarms\): .*retry later\.$/);
    }
    const hidden = mapUpstreamError(shapes.refused(), call, { target: endpoint });
    expect(hidden.message).toBe(
      'Deadline Cloud is unavailable (ListFarms): the connection was refused. This is a problem between the ' +
        'gateway and Deadline Cloud, not with the request: retry later.',
    );
    expect(hidden.extensions).toEqual({
      upstreamOperation: 'ListFarms',
      reason: 'CONNECTION_REFUSED',
      code: 'UPSTREAM_UNAVAILABLE',
    });
    const named = mapUpstreamError(shapes.refused(), call, { target: endpoint, namesTarget: true });
    expect(named.message).toContain('nothing is listening at http://127.0.0.1:4567 (connection refused');
  });

  it('missing credentials get a code of their own, never INTERNAL_SERVER_ERROR', () => {
    const error = mapUpstreamError(shapes.credentialsMissing(), call, { target: aws });
    expect(error.extensions).toMatchObject({
      code: 'UPSTREAM_CREDENTIALS_MISSING',
      reason: 'CREDENTIALS_MISSING',
    });
    expect(error.message).toMatch(/^The gateway has no AWS credentials for Deadline Cloud \(ListFarms\)\./);
    expect(error.message).toContain('server configuration error');
  });

  it('refused credentials and AccessDenied stay FORBIDDEN, told apart by extensions.reason', () => {
    const refused = mapUpstreamError(awsError('ExpiredTokenException', 403), call, { target: aws });
    expect(refused.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CREDENTIALS_REFUSED' });
    const denied = mapUpstreamError(awsError('AccessDeniedException', 403), call, { target: aws });
    expect(denied.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ACCESS_DENIED',
      awsRequestId: 'rid-1',
    });
  });

  it("an HTML 400 is the endpoint's fault, not the caller's; a typed ValidationException still is the caller's", () => {
    expect(mapUpstreamError(unreadable(400), call).extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      reason: 'NOT_DEADLINE_API',
    });
    expect(mapUpstreamError(awsError('ValidationException', 400), call).extensions.code).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('the time budget keeps its own message, with reason TIMEOUT', () => {
    const error = mapUpstreamError(new OperationDeadlineError('ListJobs', 'call', 1000), {
      operation: 'ListJobs',
    });
    expect(error.extensions).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      reason: 'TIMEOUT',
      timeBudgetMs: 1000,
    });
  });
});
