import type { DeadlineClient } from '@aws-sdk/client-deadline';
import { ListFarmsCommand } from '@aws-sdk/client-deadline';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors/codes.js';
import { mapUpstreamError } from '../errors/mapUpstreamError.js';

/**
 * `/readyz`: is Deadline reachable? One cheap call (ListFarms, 1 item), its answer cached for a few seconds so
 * that load-balancer probes never become a load on Deadline. Any Deadline answer — even AccessDenied or throttling —
 * proves reachability; only network failures, timeouts and 5xx make the gateway not ready.
 */
export interface Readiness {
  ready: boolean;
  reason?: string;
}

/** A probe that gets no answer within this time counts as "not ready" (it never waits for SDK retries). */
const PROBE_TIMEOUT_MS = 2000;

export function readinessProbe(client: DeadlineClient, cacheMs = 5000): () => Promise<Readiness> {
  let cached: { at: number; value: Promise<Readiness> } | undefined;
  let pending: Promise<Readiness> | undefined;
  return () => {
    const now = Date.now();
    if (cached && now - cached.at < cacheMs) return cached.value;
    // One probe at a time: concurrent checks share it instead of piling calls onto a slow Deadline.
    if (pending) return pending;
    const value = client
      .send(new ListFarmsCommand({ maxResults: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) })
      .then((): Readiness => ({ ready: true }))
      .catch((error: unknown): Readiness => {
        const mapped = mapUpstreamError(error, { operation: 'ListFarms' });
        const unavailable =
          mapped instanceof GraphQLError && mapped.extensions.code === ErrorCode.UPSTREAM_UNAVAILABLE;
        return unavailable ? { ready: false, reason: mapped.message } : { ready: true };
      });
    pending = value.finally(() => {
      pending = undefined;
      cached = { at: Date.now(), value };
    });
    return pending;
  };
}
