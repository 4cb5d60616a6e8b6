import { randomBytes } from 'node:crypto';
import { type AuthConfig, readAuthConfig } from './auth/config.js';
import { DEFAULT_UPSTREAM_CONCURRENCY } from './upstream/concurrencyLimit.js';
import { DEFAULT_OPERATION_TIMEOUT_MS } from './upstream/operationDeadline.js';
import { CACHED_RESOURCES, type CachedResource, DEFAULT_CACHE_TTL_MS } from './upstream/upstreamSharing.js';

/**
 * All configuration, read from the environment and validated once at start-up. Every problem is reported at once
 * with the variable's name and what it accepts; nothing else in the gateway reads `process.env`.
 */

/**
 * 65 s: longer than the idle timeout of what usually sits in front of the gateway (an AWS load balancer's 60 s
 * default, a router's or proxy's connection pool), so that the gateway never closes a connection its client still
 * counts as open. With Node's default (5 s) the client can send its next request just as the gateway closes the
 * idle connection, and that request fails (a load balancer answers 502; a Node client sees "socket hang up").
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** maxResults of the upstream token chains the gateway starts (UPSTREAM_PAGE_SIZE): Deadline's largest page. */
export const DEFAULT_CHAIN_PAGE_SIZE = 100;

/** How long a shutdown lets in-flight requests finish before closing their connections (SHUTDOWN_DRAIN_MS). */
export const DEFAULT_DRAIN_MS = 10_000;

/** Cost and shape limits checked before execution (QUERY_MAX_*). */
export const DEFAULT_QUERY_LIMITS: Readonly<GatewayConfig['limits']> = {
  maxNodes: 10_000,
  maxUpstreamCalls: 200,
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxTokens: 5000,
};

/** What a browser gets at GET /graphql: offline GraphiQL, Apollo Sandbox, or nothing. */
export type LandingPage = 'graphiql' | 'sandbox' | 'off';

export type Backend =
  /** No DEADLINE_ENDPOINT: start the embedded emulator on loopback and use it (region us-west-2, dummy credentials). */
  | { kind: 'emulator'; region: string }
  /** DEADLINE_ENDPOINT=<url>: any implementation of the Deadline API at that URL (host prefix disabled). */
  | { kind: 'endpoint'; endpoint: string; region: string }
  /** DEADLINE_BACKEND=aws: real AWS with the default credential chain; region from AWS_REGION or the shared config. */
  | { kind: 'aws'; region: string | undefined };

export interface EmulatorSettings {
  seed: number;
  latencyMs: number;
  throttleRate: number;
  errorRate: number;
  largeJobSessions: number;
}

export interface GatewayConfig {
  port: number;
  host: string;
  backend: Backend;
  /** Key of the HMAC that protects cursors. */
  cursorSecret: Buffer;
  /** True when CURSOR_SECRET was unset and a random per-process key is used. */
  cursorSecretIsEphemeral: boolean;
  upstream: {
    /** SDK attempts per call, retries included (standard retry mode). */
    maxAttempts: number;
    /** Per-attempt timeout of an upstream HTTP request. */
    requestTimeoutMs: number;
    /** maxResults of every upstream token chain the gateway starts (1–100). See docs/cursors.md. */
    chainPageSize: number;
    /** Deadline calls in flight at once, for the whole process. */
    maxConcurrency: number;
  };
  /** Cross-request sharing of Deadline's answers (src/upstream/upstreamSharing.ts, docs/caching.md). */
  cache: {
    /** UPSTREAM_CACHE=off turns the page cache off (coalescing has its own switch). */
    enabled: boolean;
    /** CACHE_TTL_<RESOURCE>_MS; 0 keeps a resource out of the cache. */
    ttlMs: Record<CachedResource, number>;
    /** CACHE_MAX_BYTES: bound of the in-memory LRU (the whole cache, or the L1 in front of Redis). */
    maxBytes: number;
    /** UPSTREAM_COALESCE=off: identical calls in flight at once no longer share one call. */
    coalesce: boolean;
    /** REDIS_URL: the page cache (and the cursor key, when CURSOR_SECRET is unset) live in Redis. */
    redisUrl: string | undefined;
    /** CACHE_SCOPE: names the AWS identity whose answers are cached; part of every key. */
    scope: string | undefined;
  };
  /** Time budget of one GraphQL operation. */
  operationTimeoutMs: number;
  /** Cost and shape limits checked before execution. */
  limits: {
    maxNodes: number;
    maxUpstreamCalls: number;
    maxDepth: number;
    maxAliases: number;
    maxDirectives: number;
    maxTokens: number;
  };
  /** JWT authentication (JWT_*) and the farm allow-list (FARM_ALLOW_LIST, JWT_FARMS_CLAIM). */
  auth: AuthConfig;
  emulator: EmulatorSettings;
  /** Names of the Relay root fields, or null when RELAY_NODE_FIELD=off. */
  nodeFields: { node: string; nodes: string } | null;
  /** Shared secret every request must carry (ROUTER_SECRET), and its header. */
  routerSecret: { secret: string; header: string } | undefined;
  /** NODE_ENV=production: introspection off (unless GRAPHQL_INTROSPECTION=true), no schema suggestions in errors. */
  production: boolean;
  introspection: boolean;
  /** What a browser gets at GET /graphql (LANDING_PAGE). */
  landingPage: LandingPage;
  /** pino level (LOG_LEVEL). */
  logLevel: string;
  /** How long SIGTERM lets in-flight requests finish (SHUTDOWN_DRAIN_MS). */
  drainMs: number;
  /** How long an idle keep-alive connection stays open (HTTP_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs: number;
  /** METRICS: Prometheus metrics at /metrics (default on, off with NODE_ENV=production; on with METRICS_TOKEN). */
  metrics: boolean;
  /** METRICS_TOKEN: the bearer token a scrape of /metrics must carry; unset: /metrics is open when on. */
  metricsToken: string | undefined;
  /**
   * MUTATIONS (on|off; default on with the embedded emulator outside production, else off), JWT_WRITE_SCOPE (the
   * grant a JWT needs to change anything; default deadline:write), MUTATION_MAX_OBJECTS (default 500).
   */
  mutations: { enabled: boolean; writeScope: string; maxObjects: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): GatewayConfig {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}".`);
      return fallback;
    }
    return value;
  };
  const rate = (name: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return 0;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || value > 1) {
      problems.push(`${name} must be a number from 0 to 1 (a share of calls), got "${raw}".`);
      return 0;
    }
    return value;
  };

  const explicitRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
  if (explicitRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(explicitRegion)) {
    problems.push(`AWS_REGION must be an AWS region such as us-west-2, got "${explicitRegion}".`);
  }
  const region = explicitRegion ?? 'us-west-2';

  let backend: Backend = { kind: 'emulator', region: 'us-west-2' };
  const backendName = env.DEADLINE_BACKEND;
  const endpoint = env.DEADLINE_ENDPOINT;
  if (backendName !== undefined && backendName !== '' && !['aws', 'emulator'].includes(backendName)) {
    problems.push(`DEADLINE_BACKEND must be "aws" or "emulator" (or unset), got "${backendName}".`);
  } else if (backendName === 'aws') {
    if (endpoint) problems.push('Set either DEADLINE_BACKEND=aws or DEADLINE_ENDPOINT, not both.');
    // Without AWS_REGION the SDK's own chain (shared config profile, instance metadata) picks the region.
    backend = { kind: 'aws', region: explicitRegion };
  } else if (endpoint) {
    if (backendName === 'emulator')
      problems.push('DEADLINE_BACKEND=emulator cannot be combined with DEADLINE_ENDPOINT.');
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol)) {
      problems.push(
        `DEADLINE_ENDPOINT must be an http(s) URL such as http://127.0.0.1:4566, got "${endpoint}".`,
      );
    } else {
      backend = { kind: 'endpoint', endpoint: url.toString().replace(/\/$/, ''), region };
    }
  }

  const secret = env.CURSOR_SECRET;
  let cursorSecret: Buffer;
  let cursorSecretIsEphemeral = false;
  if (secret === undefined || secret === '') {
    cursorSecret = randomBytes(32);
    cursorSecretIsEphemeral = true;
  } else {
    if (secret.length < 32) {
      problems.push('CURSOR_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`).');
    }
    cursorSecret = Buffer.from(secret, 'utf8');
  }

  const nodeField = env.RELAY_NODE_FIELD || 'node';
  let nodeFields: GatewayConfig['nodeFields'] = { node: nodeField, nodes: `${nodeField}s` };
  if (nodeField === 'off') {
    nodeFields = null;
  } else if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(nodeField) || nodeField.startsWith('__')) {
    problems.push(
      `RELAY_NODE_FIELD must be a GraphQL field name (e.g. deadlineNode) or "off", got "${nodeField}".`,
    );
  }

  let routerSecret: GatewayConfig['routerSecret'];
  const routerSecretValue = env.ROUTER_SECRET;
  const routerSecretHeader = (env.ROUTER_SECRET_HEADER || 'router-authorization').toLowerCase();
  if (routerSecretValue !== undefined && routerSecretValue !== '') {
    if (routerSecretValue.length < 16) problems.push('ROUTER_SECRET must be at least 16 characters.');
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(routerSecretHeader)) {
      problems.push(`ROUTER_SECRET_HEADER must be an HTTP header name, got "${routerSecretHeader}".`);
    }
    routerSecret = { secret: routerSecretValue, header: routerSecretHeader };
  }

  const production = env.NODE_ENV === 'production';
  const introspectionValue = env.GRAPHQL_INTROSPECTION;
  if (
    introspectionValue !== undefined &&
    introspectionValue !== '' &&
    !['true', 'false'].includes(introspectionValue)
  ) {
    problems.push(`GRAPHQL_INTROSPECTION must be "true" or "false", got "${introspectionValue}".`);
  }
  const introspection = introspectionValue ? introspectionValue === 'true' : !production;
  const landingPageValue = env.LANDING_PAGE || (production ? 'off' : 'graphiql');
  let landingPage: LandingPage = production ? 'off' : 'graphiql';
  if (landingPageValue === 'graphiql' || landingPageValue === 'sandbox' || landingPageValue === 'off') {
    landingPage = landingPageValue;
  } else {
    problems.push(`LANDING_PAGE must be "graphiql", "sandbox" or "off", got "${landingPageValue}".`);
  }
  const logLevel = env.LOG_LEVEL || 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(
      `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}".`,
    );
  }

  const auth = readAuthConfig(env, problems);

  const onOff = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'on' || raw === 'off') return raw === 'on';
    problems.push(`${name} must be "on" or "off", got "${raw}".`);
    return fallback;
  };
  const metricsToken = env.METRICS_TOKEN || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,512}$/.test(metricsToken)) {
    problems.push(
      'METRICS_TOKEN must be 16 to 512 printable characters without spaces (Prometheus sends it as a bearer token).',
    );
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl)) {
    problems.push(
      `REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got "${redisUrl}".`,
    );
  }
  const cacheScope = env.CACHE_SCOPE || undefined;
  if (cacheScope !== undefined && !/^[\x21-\x7e]{1,200}$/.test(cacheScope)) {
    problems.push('CACHE_SCOPE must be 1 to 200 printable ASCII characters without spaces.');
  }
  const ttl = (resource: CachedResource): number =>
    int(`CACHE_TTL_${resource.toUpperCase()}_MS`, DEFAULT_CACHE_TTL_MS[resource], 0, 86_400_000);
  const cache: GatewayConfig['cache'] = {
    enabled: onOff('UPSTREAM_CACHE', true),
    ttlMs: Object.fromEntries(CACHED_RESOURCES.map((resource) => [resource, ttl(resource)])) as Record<
      CachedResource,
      number
    >,
    maxBytes: int('CACHE_MAX_BYTES', 64 * 2 ** 20, 0, 2 ** 40),
    coalesce: onOff('UPSTREAM_COALESCE', true),
    redisUrl,
    scope: cacheScope,
  };

  const host = env.HOST || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host) || host.startsWith('-')) {
    problems.push(`HOST must be an IP address or host name to listen on (e.g. 0.0.0.0), got "${host}".`);
  }
  const config: GatewayConfig = {
    port: int('PORT', 4000, 0, 65535),
    host,
    backend,
    cursorSecret,
    cursorSecretIsEphemeral,
    upstream: {
      maxAttempts: int('UPSTREAM_MAX_ATTEMPTS', 3, 1, 10),
      requestTimeoutMs: int('UPSTREAM_TIMEOUT_MS', 5000, 100, 120_000),
      chainPageSize: int('UPSTREAM_PAGE_SIZE', DEFAULT_CHAIN_PAGE_SIZE, 1, 100),
      maxConcurrency: int('UPSTREAM_MAX_CONCURRENCY', DEFAULT_UPSTREAM_CONCURRENCY, 1, 1000),
    },
    cache,
    operationTimeoutMs: int('OPERATION_TIMEOUT_MS', DEFAULT_OPERATION_TIMEOUT_MS, 100, 300_000),
    limits: {
      maxNodes: int('QUERY_MAX_NODES', DEFAULT_QUERY_LIMITS.maxNodes, 1, 10_000_000),
      maxUpstreamCalls: int('QUERY_MAX_UPSTREAM_CALLS', DEFAULT_QUERY_LIMITS.maxUpstreamCalls, 1, 100_000),
      maxDepth: int('QUERY_MAX_DEPTH', DEFAULT_QUERY_LIMITS.maxDepth, 1, 100),
      maxAliases: int('QUERY_MAX_ALIASES', DEFAULT_QUERY_LIMITS.maxAliases, 0, 10_000),
      maxDirectives: int('QUERY_MAX_DIRECTIVES', DEFAULT_QUERY_LIMITS.maxDirectives, 0, 10_000),
      maxTokens: int('QUERY_MAX_TOKENS', DEFAULT_QUERY_LIMITS.maxTokens, 100, 1_000_000),
    },
    auth,
    emulator: {
      seed: int('EMULATOR_SEED', 1, 0, 2 ** 31 - 1),
      latencyMs: int('EMULATOR_LATENCY_MS', 0, 0, 60_000),
      throttleRate: rate('EMULATOR_THROTTLE_RATE'),
      errorRate: rate('EMULATOR_ERROR_RATE'),
      largeJobSessions: int('EMULATOR_LARGE_JOB_SESSIONS', 3000, 0, 100_000),
    },
    nodeFields,
    routerSecret,
    production,
    introspection,
    landingPage,
    logLevel,
    drainMs: int('SHUTDOWN_DRAIN_MS', DEFAULT_DRAIN_MS, 0, 600_000),
    // At least 2 s: Node's own HTTP client stops reusing a connection 1 s before the announced `Keep-Alive: timeout`
    // (whole seconds). At most 10 min: past that an idle connection is a leak, not a pool.
    keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 2000, 600_000),
    // Off in production unless asked for: /metrics is on the public port, outside the JWT and router secret. A
    // token protects it, so setting one turns it on (METRICS=off with a token is a contradiction, refused below).
    metrics: onOff('METRICS', !production || metricsToken !== undefined),
    metricsToken,
    mutations: {
      enabled: onOff('MUTATIONS', backend.kind === 'emulator' && !production),
      writeScope: writeScope(env.JWT_WRITE_SCOPE, problems),
      maxObjects: int('MUTATION_MAX_OBJECTS', 500, 1, 10_000),
    },
  };
  if (metricsToken !== undefined && env.METRICS === 'off') {
    problems.push('METRICS_TOKEN is set but METRICS=off: unset one of them.');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** JWT_WRITE_SCOPE: one scope token (no spaces), default deadline:write. */
function writeScope(value: string | undefined, problems: string[]): string {
  if (value === undefined || value === '') return 'deadline:write';
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) {
    problems.push(`JWT_WRITE_SCOPE must be one scope (printable characters, no spaces), got "${value}".`);
  }
  return value;
}
