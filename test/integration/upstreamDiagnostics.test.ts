import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGateway } from '../../src/server.js';
import { createDeadlineClient } from '../../src/upstream/deadlineClient.js';
import { CREDENTIAL_CHAIN_SOURCES } from '../helpers/credentialChain.js';
import { LoggedProcess } from '../helpers/loggedProcess.js';
import { type GraphQLErrorJson, type GraphQLResponse, postGraphQL } from '../helpers/testStack.js';

/**
 * An unreachable or misconfigured Deadline is explained, through the real stack (GraphQL over HTTP → Apollo →
 * loaders → SDK → a loopback endpoint): `/readyz` names the cause, GraphQL errors carry `extensions.reason` (and, in
 * production, no address), failed calls are logged with their cause, and `npm start` says at start-up what is
 * wrong and what to do. Nothing here reaches past loopback.
 */
const FARMS = '{ farms { nodes { farmId } } }';

interface ReadyzBody {
  status: string;
  reason?: string;
  cause?: string;
}

interface Stack {
  url: string;
  lines: Array<Record<string, unknown>>;
  readyz(): Promise<{ status: number; body: ReadyzBody }>;
  farms(): Promise<GraphQLResponse<unknown>>;
  close(): Promise<void>;
}

/** A gateway over `endpoint`, logging to memory; `production` as index.ts passes NODE_ENV=production. */
async function gatewayAt(endpoint: string, options: { production: boolean; requestTimeoutMs?: number }) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const client = createDeadlineClient(
    {
      upstream: { maxAttempts: 1, requestTimeoutMs: options.requestTimeoutMs ?? 5000 },
      production: options.production,
    },
    { region: 'us-west-2', endpoint },
    {},
    undefined,
    logger,
  );
  const gateway = await createGateway({
    client,
    cursorSecret: randomBytes(32),
    production: options.production,
    readinessCacheMs: 0,
    logger,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  const stack: Stack = {
    url,
    lines,
    async readyz() {
      const response = await fetch(`${url}/readyz`);
      return { status: response.status, body: (await response.json()) as ReadyzBody };
    },
    farms: () => postGraphQL(url, FARMS),
    async close() {
      await gateway.stop();
      client.destroy();
    },
  };
  return stack;
}

async function listening(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as AddressInfo).port;
}

/** A loopback port with nothing listening on it (bound once, then closed). */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listening(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function onlyError(response: GraphQLResponse<unknown>): GraphQLErrorJson {
  expect(response.errors, JSON.stringify(response.errors)).toHaveLength(1);
  return response.errors?.[0] as GraphQLErrorJson;
}

describe('a Deadline endpoint where nothing listens', () => {
  let endpoint: string;
  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await closedPort()}`;
  });

  it('/readyz is 503 naming the endpoint and "connection refused"; a query gets CONNECTION_REFUSED; the call is logged', async () => {
    const stack = await gatewayAt(endpoint, { production: false });
    try {
      const ready = await stack.readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe('unavailable');
      expect(ready.body.cause).toBe('CONNECTION_REFUSED');
      expect(ready.body.reason).toContain(`nothing is listening at ${endpoint} (connection refused`);
      expect(ready.body.reason).toContain('fix DEADLINE_ENDPOINT');

      const response = await stack.farms();
      const error = onlyError(response);
      expect(error.extensions).toMatchObject({
        code: 'UPSTREAM_UNAVAILABLE',
        reason: 'CONNECTION_REFUSED',
        upstreamOperation: 'ListFarms',
      });
      // Outside production the message helps a developer: where, and what to do.
      expect(error.message).toContain(
        `Deadline Cloud is unavailable (ListFarms): nothing is listening at ${endpoint}`,
      );

      const failed = stack.lines.filter((line) => line.msg?.toString().startsWith('Deadline call failed'));
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({
        level: 40,
        operation: 'ListFarms',
        reason: 'CONNECTION_REFUSED',
        upstream: endpoint,
        host: endpoint.replace('http://', ''),
      });
      expect(String(failed[0]?.detail)).toContain('ECONNREFUSED');
      // The operation's own line still carries the code.
      expect(stack.lines.find((line) => line.msg === 'graphql operation')).toMatchObject({
        errorCodes: ['UPSTREAM_UNAVAILABLE'],
      });
    } finally {
      await stack.close();
    }
  });

  it('an outage logs one line per cause every 10 s, and the next line counts the calls left out', async () => {
    const stack = await gatewayAt(endpoint, { production: false });
    // Only the clock is faked (timers stay real): the log's quiet period is measured with Date.now().
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      for (let i = 0; i < 3; i++)
        expect(onlyError(await stack.farms()).extensions?.reason).toBe('CONNECTION_REFUSED');
      const failed = () =>
        stack.lines.filter((line) => line.msg?.toString().startsWith('Deadline call failed'));
      expect(failed()).toHaveLength(1);
      vi.setSystemTime(Date.now() + 10_001);
      await stack.farms();
      expect(failed()).toHaveLength(2);
      expect(failed()[1]).toMatchObject({ reason: 'CONNECTION_REFUSED', suppressed: 2 });
    } finally {
      vi.useRealTimers();
      await stack.close();
    }
  });

  it('in production, neither the GraphQL error nor /readyz names an address; the class is still there', async () => {
    const stack = await gatewayAt(endpoint, { production: true });
    try {
      const response = await stack.farms();
      const error = onlyError(response);
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', reason: 'CONNECTION_REFUSED' });
      expect(error.message).toBe(
        'Deadline Cloud is unavailable (ListFarms): the connection was refused. This is a problem between the ' +
          'gateway and Deadline Cloud, not with the request: retry later.',
      );
      const port = new URL(endpoint).port;
      expect(JSON.stringify(response.errors)).not.toContain('127.0.0.1');
      expect(JSON.stringify(response.errors)).not.toContain(port);

      const ready = await stack.readyz();
      expect(ready.status).toBe(503);
      expect(ready.body.cause).toBe('CONNECTION_REFUSED');
      expect(JSON.stringify(ready.body)).not.toContain('127.0.0.1');
      // The log, for operators, has the address in any mode.
      expect(
        stack.lines.some((line) => line.upstream === endpoint && line.reason === 'CONNECTION_REFUSED'),
      ).toBe(true);
    } finally {
      await stack.close();
    }
  });
});

/** Loopback endpoints that fail in one way each; `https` asks for TLS from a server that speaks plain HTTP. */
const MISBEHAVING: Array<{
  name: string;
  server: () => Server | ReturnType<typeof createHttpServer>;
  https?: boolean;
  requestTimeoutMs?: number;
  code: string;
  reason: string;
  ready: boolean;
}> = [
  {
    name: 'resets the connection',
    server: () => createNetServer((socket) => socket.on('data', () => socket.resetAndDestroy())),
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'CONNECTION_RESET',
    ready: false,
  },
  {
    name: 'closes the connection without answering (socket hang up)',
    server: () => createNetServer((socket) => socket.on('data', () => socket.end())),
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'CONNECTION_RESET',
    ready: false,
  },
  {
    name: 'never answers',
    server: () => createNetServer((socket) => socket.on('data', () => {})),
    requestTimeoutMs: 200,
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'TIMEOUT',
    ready: false,
  },
  {
    name: 'speaks plain HTTP to an https:// URL',
    server: () => createHttpServer((_req, res) => res.end('{}')),
    https: true,
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'TLS',
    ready: false,
  },
  {
    name: 'answers something that is not HTTP',
    server: () =>
      createNetServer((socket) => socket.on('data', () => socket.end('\x15\x03\x01\x00\x02\x02\x46'))),
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'NOT_DEADLINE_API',
    ready: false,
  },
  {
    name: 'answers 502 with an HTML page',
    server: () =>
      createHttpServer((_req, res) =>
        res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502</h1>'),
      ),
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'UPSTREAM_5XX',
    ready: false,
  },
  {
    name: 'answers 200 with an HTML page',
    server: () =>
      createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hi</h1>')),
    code: 'UPSTREAM_UNAVAILABLE',
    reason: 'NOT_DEADLINE_API',
    ready: false,
  },
  {
    name: 'refuses the signature (UnrecognizedClientException)',
    server: () =>
      createHttpServer((_req, res) =>
        res
          .writeHead(403, {
            'content-type': 'application/json',
            'x-amzn-errortype': 'UnrecognizedClientException',
          })
          .end(JSON.stringify({ message: 'The security token included in the request is invalid.' })),
      ),
    code: 'FORBIDDEN',
    reason: 'CREDENTIALS_REFUSED',
    ready: false,
  },
  {
    name: 'denies access (AccessDeniedException): Deadline answered, so still ready',
    server: () =>
      createHttpServer((_req, res) =>
        res
          .writeHead(403, { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' })
          .end(JSON.stringify({ message: 'not authorized' })),
      ),
    code: 'FORBIDDEN',
    reason: 'ACCESS_DENIED',
    ready: true,
  },
];

describe('an endpoint that misbehaves: each failure has its class, in /readyz and in GraphQL errors', () => {
  it.each(MISBEHAVING)('$name → $code / $reason', async (fault) => {
    const server = fault.server();
    const port = await listening(server);
    const endpoint = `${fault.https ? 'https' : 'http'}://127.0.0.1:${port}`;
    const stack = await gatewayAt(endpoint, {
      production: true,
      ...(fault.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: fault.requestTimeoutMs }),
    });
    try {
      const error = onlyError(await stack.farms());
      expect(error.extensions).toMatchObject({ code: fault.code, reason: fault.reason });
      expect(error.message).not.toContain('127.0.0.1');
      const ready = await stack.readyz();
      expect(ready.status).toBe(fault.ready ? 200 : 503);
      if (!fault.ready) expect(ready.body.cause).toBe(fault.reason);
      expect(
        stack.lines.find((line) => line.msg?.toString().startsWith('Deadline call failed')),
      ).toMatchObject({
        reason: fault.reason,
        upstream: endpoint,
      });
    } finally {
      await stack.close();
      server.close();
    }
  });
});

/**
 * `node --import tsx src/index.ts` (what `npm start` runs) as a child process. A preloaded guard refuses (and reports
 * on stderr) any connection or name lookup that is not loopback, so nothing can leave the machine whatever the
 * gateway or the SDK tries.
 */
function gatewayProcess(env: NodeJS.ProcessEnv, guard: string): LoggedProcess {
  return new LoggedProcess(
    process.execPath,
    ['--import', pathToFileURL(guard).href, '--import', 'tsx', 'src/index.ts'],
    env,
  );
}

const GUARD = `
import net from 'node:net';
import dns from 'node:dns';
const loopback = (host) => host === undefined || host === 'localhost' || /^(127\\.|::1$|::ffff:127\\.)/.test(host);
const report = (what) => process.stderr.write('NETWORK GUARD: ' + what + '\\n');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  // As net decides: a truthy path is a local socket (IPC); anything else is TCP to options.host.
  if (options && !options.path && !loopback(options.host)) {
    report('refused a connection to ' + options.host + ':' + options.port);
    process.nextTick(() => this.destroy(new Error('network guard: only loopback')));
    return this;
  }
  return connect.apply(this, args);
};
for (const target of [dns, dns.promises]) {
  const lookup = target.lookup;
  target.lookup = function (host, ...rest) {
    if (!loopback(host) && !net.isIP(host)) {
      report('refused to look up ' + host);
      const error = Object.assign(new Error('network guard: no lookups'), { code: 'ENOTFOUND', hostname: host });
      const callback = rest.find((arg) => typeof arg === 'function');
      if (callback) return void process.nextTick(callback, error);
      return Promise.reject(error);
    }
    return lookup.call(this, host, ...rest);
  };
}
`;

describe('npm start explains an unusable Deadline at start-up, and keeps serving', () => {
  let dir: string;
  let guard: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'deadline-graphql-diagnostics-'));
    guard = join(dir, 'networkGuard.mjs');
    writeFileSync(guard, GUARD);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The test's environment without anything that picks a backend or supplies AWS credentials. */
  function baseEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
    for (const name of ['DEADLINE_ENDPOINT', 'DEADLINE_BACKEND', 'REDIS_URL', 'NODE_ENV', 'LANDING_PAGE']) {
      delete env[name];
    }
    for (const name of Object.keys(env)) if (name.startsWith('AWS_')) delete env[name];
    env.AWS_EC2_METADATA_DISABLED = 'true';
    env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    return env;
  }

  it('a closed DEADLINE_ENDPOINT: the ready line lists the demo, then a warning names the endpoint, the cause and the fix', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const gateway = gatewayProcess({ ...baseEnv(), DEADLINE_ENDPOINT: endpoint }, guard);
    try {
      const ready = await gateway.line((line) => line.msg === 'deadline-graphql ready');
      const url = String(ready.url).replace(/\/graphql$/, '');
      expect(ready).toMatchObject({ demo: `${url}/demo`, playground: `${url}/graphql` });

      const warning = await gateway.line((line) => line.level === 40 && line.reason !== undefined);
      expect(warning).toMatchObject({ endpoint, reason: 'CONNECTION_REFUSED' });
      const port = new URL(endpoint).port;
      expect(warning.msg).toBe(
        `Deadline Cloud is unavailable at start-up: nothing is listening at ${endpoint} (connection refused, ` +
          `ECONNREFUSED): start the Deadline endpoint there (the emulator: \`npm run emulator -- --port ${port}\`), ` +
          'or fix DEADLINE_ENDPOINT (unset, the gateway starts its embedded emulator). The gateway keeps running ' +
          'and answers /readyz with 503 until this is fixed.',
      );
      // Still serving: liveness is fine, readiness says why not.
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const readyz = await fetch(`${url}/readyz`);
      expect(readyz.status).toBe(503);
      expect(((await readyz.json()) as ReadyzBody).cause).toBe('CONNECTION_REFUSED');
      expect(gateway.lines.some((line) => line.msg === 'Deadline Cloud reachable')).toBe(false);
    } finally {
      await gateway.stop();
    }
    expect(gateway.stderr).not.toContain('NETWORK GUARD');
  });

  it('the embedded emulator: "Deadline Cloud reachable"', async () => {
    const gateway = gatewayProcess(baseEnv(), guard);
    try {
      const reachable = await gateway.line((line) => line.msg === 'Deadline Cloud reachable');
      expect(String(reachable.endpoint)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(gateway.lines.some((line) => line.level === 40 && line.reason !== undefined)).toBe(false);
    } finally {
      await gateway.stop();
    }
  });

  it('DEADLINE_BACKEND=aws without credentials: the warning lists what the chain looked for; /readyz 503; UPSTREAM_CREDENTIALS_MISSING; nothing sent', async () => {
    const home = mkdtempSync(join(dir, 'home-'));
    const gateway = gatewayProcess(
      {
        ...baseEnv(),
        DEADLINE_BACKEND: 'aws',
        AWS_REGION: 'us-west-2',
        HOME: home,
        AWS_CONFIG_FILE: join(home, 'no-such-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-such-credentials'),
      },
      guard,
    );
    try {
      const ready = await gateway.line((line) => line.msg === 'deadline-graphql ready');
      const url = String(ready.url).replace(/\/graphql$/, '');
      const warning = await gateway.line((line) => line.level === 40 && line.reason !== undefined);
      expect(warning).toMatchObject({ backend: 'aws', region: 'us-west-2', reason: 'CREDENTIALS_MISSING' });
      expect(String(warning.detail)).toContain('CredentialsProviderError');
      for (const looked of [...CREDENTIAL_CHAIN_SOURCES, 'aws sts get-caller-identity']) {
        expect(String(warning.msg)).toContain(looked);
      }

      const readyz = await fetch(`${url}/readyz`);
      expect(readyz.status).toBe(503);
      const body = (await readyz.json()) as ReadyzBody;
      expect(body.cause).toBe('CREDENTIALS_MISSING');
      expect(body.reason).toContain('the gateway found no AWS credentials');

      const response = await postGraphQL<unknown>(url, FARMS);
      const error = onlyError(response);
      expect(error.extensions).toMatchObject({
        code: 'UPSTREAM_CREDENTIALS_MISSING',
        reason: 'CREDENTIALS_MISSING',
      });
      expect(error.message).toMatch(/^The gateway has no AWS credentials for Deadline Cloud \(ListFarms\)/);
      // The SDK gave up before sending anything: no HTTP attempt.
      expect(response.extensions?.upstream).toMatchObject({ calls: 1, attempts: 0 });
    } finally {
      await gateway.stop();
    }
    expect(gateway.stderr).not.toContain('NETWORK GUARD');
  });
});
