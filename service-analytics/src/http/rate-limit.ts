import { heavyReadLimiter, rateLimitSettings, requestLimiter, retryAfterSeconds, type Principal, type RateLimitSettings } from '@icc/shared';
import type { FastifyRequest } from 'fastify';
import type { AnalyticsFastify } from './fastify-types.js';
import './principal.js';

/**
 * Per-key and per-tenant request limits (shared `requestLimiter`, one process's
 * memory), and the tenant's heavy-read slots for routes with `config: { heavy: true }`
 * (shared `heavyReadLimiter`): an `onRequest` hook that must be added after the auth hook, so it
 * sees the caller; public paths have none and are not limited here. Every 429 —
 * from these buckets or from the verifier's per-address failure limit — gets
 * `Retry-After` in `onError`, before the one error handler writes the body.
 *
 * @example installRateLimits(app, { keyPerSecond: 5, keyBurst: 5, tenantPerSecond: 10, tenantBurst: 10, authFailuresPerMinute: 20 })
 */
export function installRateLimits(app: AnalyticsFastify, limits: RateLimitSettings = rateLimitSettings()): void {
  const limiter = requestLimiter(limits);
  const heavyReads = heavyReadLimiter(limits);
  const releases = new WeakMap<FastifyRequest, () => void>();
  const release = async (request: FastifyRequest) => releases.get(request)?.();
  app.addHook('onRequest', async (request) => {
    // Not declared optional on FastifyRequest, but absent on public paths.
    const caller = request.principal as Principal | undefined;
    if (!caller) return;
    await limiter.admit(caller);
    if (request.routeOptions.config.heavy) releases.set(request, await heavyReads.admit(caller));
  });
  // A heavy-read slot is given back when the answer is sent or the client goes away.
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
  app.addHook('onError', async (_request, reply, error) => {
    const seconds = retryAfterSeconds(error);
    if (seconds !== undefined) void reply.header('Retry-After', String(seconds));
  });
}
