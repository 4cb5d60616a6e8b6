import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { ListFarmsCommand } from '@aws-sdk/client-deadline';
import { UpstreamReason } from '../errors/codes.js';
import { describeUpstreamFailure, toldOf, type UpstreamFailure } from '../errors/upstreamFailure.js';
import type { Logger } from '../logging.js';
import { upstreamSiteOf } from './deadlineClient.js';

/**
 * `/readyz` and the start-up check: can the gateway use Deadline? One cheap call (ListFarms, 1 item), its answer
 * cached for a few seconds so that load-balancer probes never become a load on Deadline. Any Deadline answer — even
 * AccessDenied (Deadline knows the identity; other farms may be allowed) or throttling — counts as ready. Not ready:
 * no answer (network, DNS, TLS, timeouts), 5xx, an endpoint that is not Deadline's API, and credentials that are
 * missing or refused, since then no call can succeed.
 */
export interface Readiness {
  ready: boolean;
  /** Why not ready, in one sentence; it names the endpoint only when the client's messages may (not production). */
  reason?: string;
  /** The cause of a failed probe, also when still ready (AccessDenied). */
  failure?: UpstreamFailure;
}

/** A probe that gets no answer within this time counts as "not ready" (it never waits for SDK retries). */
const PROBE_TIMEOUT_MS = 2000;

export function readinessProbe(client: DeadlineClient, cacheMs = 5000): () => Promise<Readiness> {
  let cached: { at: number; value: Promise<Readiness> } | undefined;
  let pending: Promise<Readiness> | undefined;
  const site = upstreamSiteOf(client);
  return () => {
    const now = Date.now();
    if (cached && now - cached.at < cacheMs) return cached.value;
    // One probe at a time: concurrent checks share it instead of piling calls onto a slow Deadline.
    if (pending) return pending;
    const value = client
      .send(new ListFarmsCommand({ maxResults: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .then((): Readiness => ({ ready: true }))
      .catch((error: unknown): Readiness => {
        const failure = describeUpstreamFailure(error, site.target);
        if (!failure) return { ready: true };
        if (failure.reason === UpstreamReason.ACCESS_DENIED) return { ready: true, failure };
        const told =
          toldOf(failure, site.namesTarget) +
          (site.namesTarget === true ? '' : " The gateway's log names the cause and what to do.");
        return { ready: false, reason: `Deadline Cloud is unavailable: ${told}`, failure };
      });
    pending = value.finally(() => {
      pending = undefined;
      cached = { at: Date.now(), value };
    });
    return pending;
  };
}

/**
 * The start-up check (index.ts): one probe, logged — `info` when Deadline answers, `warn` with the cause and what
 * to do when it does not. The gateway keeps running either way: Deadline may come up later.
 */
export async function logStartupReadiness(client: DeadlineClient, logger: Logger): Promise<Readiness> {
  const readiness = await readinessProbe(client, 0)();
  const { target } = upstreamSiteOf(client);
  const fields =
    target.endpoint === undefined
      ? { backend: 'aws', region: target.region ?? 'from the AWS config' }
      : { endpoint: target.endpoint };
  const failure = readiness.failure;
  if (!failure) {
    logger.info(fields, 'Deadline Cloud reachable');
    return readiness;
  }
  const cause = {
    ...fields,
    reason: failure.reason,
    detail: failure.detail,
    ...(failure.host === undefined ? {} : { host: failure.host }),
  };
  if (readiness.ready) {
    logger.warn(cause, `Deadline Cloud reachable, but it denies the gateway: ${failure.explanation}`);
  } else {
    logger.warn(
      cause,
      `Deadline Cloud is unavailable at start-up: ${failure.explanation} The gateway keeps ` +
        'running and answers /readyz with 503 until this is fixed.',
    );
  }
  return readiness;
}
