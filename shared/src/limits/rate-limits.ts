import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { rateLimitVariables } from '../config/env-schemas.js';
import { AppError } from '../errors/app-error.js';

/**
 * How much one API key, one tenant and one client address may ask of a service.
 * The counters live in the memory of one process: two processes of a service
 * each allow the full rate (see ARCHITECTURE, Security → Limits).
 */
export interface RateLimitSettings {
  /** Requests per second one API key may sustain… */
  keyPerSecond: number;
  /** …and how many it may send at once after a quiet spell (≥ keyPerSecond). */
  keyBurst: number;
  /** Requests per second all keys of one tenant together may sustain… */
  tenantPerSecond: number;
  /** …and their burst. */
  tenantBurst: number;
  /** Failed authentications per minute one client address may make before it gets 429 without a lookup. */
  authFailuresPerMinute: number;
  /**
   * Heavy reads (routes marked `heavy`: a page whose work grows with its size,
   * e.g. stock availability, seasonality of many SKUs) one tenant may start per
   * second in one service process, on top of the request limits…
   */
  tenantHeavyPerSecond: number;
  /** …and may have running at once. */
  tenantHeavyInFlight: number;
}

/** Extra points of a burst refill over this long, on top of the steady rate. */
const BURST_REFILL_SECONDS = 10;

/**
 * The limits from the environment (RATE_LIMIT_* variables, defaults in the env schemas).
 *
 * @example const limits = rateLimitSettings({ RATE_LIMIT_KEY_PER_SECOND: '5' }); // limits.keyPerSecond === 5
 */
export function rateLimitSettings(env: Record<string, string | undefined> = process.env): RateLimitSettings {
  const parsed = z.object(rateLimitVariables).parse(env);
  return {
    keyPerSecond: parsed.RATE_LIMIT_KEY_PER_SECOND,
    keyBurst: Math.max(parsed.RATE_LIMIT_KEY_BURST, parsed.RATE_LIMIT_KEY_PER_SECOND),
    tenantPerSecond: parsed.RATE_LIMIT_TENANT_PER_SECOND,
    tenantBurst: Math.max(parsed.RATE_LIMIT_TENANT_BURST, parsed.RATE_LIMIT_TENANT_PER_SECOND),
    authFailuresPerMinute: parsed.RATE_LIMIT_AUTH_FAILURES_PER_MINUTE,
    tenantHeavyPerSecond: parsed.RATE_LIMIT_TENANT_HEAVY_PER_SECOND,
    tenantHeavyInFlight: parsed.RATE_LIMIT_TENANT_HEAVY_IN_FLIGHT,
  };
}

/** A RATE_LIMITED error whose `details.retryAfterSeconds` the edge copies into `Retry-After`. */
export function rateLimited(message: string, msBeforeNext: number): AppError {
  return new AppError('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

/** The `Retry-After` value (whole seconds) of a RATE_LIMITED error, else undefined. */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!(error instanceof AppError) || error.code !== 'RATE_LIMITED') return undefined;
  const value = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof value === 'number' ? value : undefined;
}

/**
 * A token bucket: `perSecond` points refill every second, and up to
 * `burst − perSecond` more are lent from a pool that refills over ten seconds
 * (rate-limiter-flexible's BurstyRateLimiter).
 */
function tokenBucket(perSecond: number, burst: number, keyPrefix: string): { consume(key: string, points: number): Promise<unknown> } {
  const steady = new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix });
  const extra = burst - perSecond;
  if (extra <= 0) return steady;
  return new BurstyRateLimiter(steady, new RateLimiterMemory({ points: extra, duration: BURST_REFILL_SECONDS, keyPrefix: `${keyPrefix}-burst` }));
}

async function take(bucket: { consume(key: string, points: number): Promise<unknown> }, key: string, points: number, message: string): Promise<void> {
  try {
    await bucket.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) throw rateLimited(message, rejection.msBeforeNext);
    throw rejection;
  }
}

/**
 * Per-key and per-tenant request limits, checked once a request's key is known.
 * The tenant's bucket is larger than a key's, so one busy key cannot use a
 * tenant's whole share, and one busy tenant cannot starve the others.
 *
 * @example
 *   const limiter = requestLimiter(rateLimitSettings());
 *   await limiter.admit(principal); // throws RATE_LIMITED (429) when over
 */
export function requestLimiter(settings: RateLimitSettings) {
  const perKey = tokenBucket(settings.keyPerSecond, settings.keyBurst, 'key');
  const perTenant = tokenBucket(settings.tenantPerSecond, settings.tenantBurst, 'tenant');
  return {
    /** Take `cost` points (default 1) from the caller's key and tenant; RATE_LIMITED when either is empty. */
    async admit(caller: { apiKeyId: string; tenantId: string }, cost = 1): Promise<void> {
      await take(perKey, caller.apiKeyId, cost, `Too many requests with this API key (limit ${settings.keyPerSecond}/s); retry after the Retry-After seconds`);
      await take(
        perTenant,
        caller.tenantId,
        cost,
        `Too many requests for this tenant (limit ${settings.tenantPerSecond}/s); retry after the Retry-After seconds`,
      );
    },
  };
}
export type RequestLimiter = ReturnType<typeof requestLimiter>;

/**
 * Heavy reads per tenant: a rate (a token bucket of `tenantHeavyPerSecond`,
 * holding at most one second's worth) and a number running at once. The
 * request limits count requests, but a heavy read costs a hundred light ones:
 * what one tenant's heavy reads take from the others is bounded by how many
 * run at once and how often they start (see BENCHMARKS, fairness). A caller
 * that is refused gets RATE_LIMITED (429, `Retry-After`) at once, before any
 * work.
 *
 * @example
 *   const heavy = heavyReadLimiter(rateLimitSettings());
 *   const release = await heavy.admit(principal); // throws RATE_LIMITED when over
 *   try { await read(); } finally { release(); }
 */
export function heavyReadLimiter(settings: Pick<RateLimitSettings, 'tenantHeavyPerSecond' | 'tenantHeavyInFlight'>) {
  const perSecond = settings.tenantHeavyPerSecond;
  // rate-limiter-flexible counts whole points per window: a rate under 1/s becomes one point per 1/rate seconds.
  const starts = new RateLimiterMemory({
    points: Math.max(1, Math.floor(perSecond)),
    duration: perSecond >= 1 ? 1 : Math.ceil(1 / perSecond),
    keyPrefix: 'tenant-heavy',
  });
  const running = new Map<string, number>();
  return {
    /** Take a heavy-read slot of the caller's tenant; call the returned function when the read is over (once). */
    async admit(caller: { tenantId: string }): Promise<() => void> {
      const now = running.get(caller.tenantId) ?? 0;
      if (now >= settings.tenantHeavyInFlight) {
        throw rateLimited(
          `This tenant already has ${now} heavy read(s) running (limit ${settings.tenantHeavyInFlight} at once); wait for it, then retry after the Retry-After seconds`,
          1_000,
        );
      }
      await take(starts, caller.tenantId, 1, `Too many heavy reads for this tenant (limit ${perSecond}/s); retry after the Retry-After seconds`);
      running.set(caller.tenantId, now + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (running.get(caller.tenantId) ?? 1) - 1;
        if (left > 0) running.set(caller.tenantId, left);
        else running.delete(caller.tenantId);
      };
    },
  };
}
export type HeavyReadLimiter = ReturnType<typeof heavyReadLimiter>;

/**
 * Failed authentications per client address: once an address has failed
 * `perMinute` times in a minute, it is refused before any key lookup until the
 * minute is over.
 *
 * @example
 *   const failures = authFailureLimiter(20);
 *   await failures.refuseIfBlocked('10.0.0.7'); // throws RATE_LIMITED when blocked
 *   await failures.record('10.0.0.7');
 */
export function authFailureLimiter(perMinute: number) {
  const failures = new RateLimiterMemory({ points: perMinute, duration: 60, keyPrefix: 'auth-failures' });
  return {
    async refuseIfBlocked(address: string): Promise<void> {
      const state = await failures.get(address);
      if (state && state.consumedPoints >= perMinute) {
        throw rateLimited('Too many failed authentications from this address; retry after the Retry-After seconds', state.msBeforeNext);
      }
    },
    async record(address: string): Promise<void> {
      // Past the limit the counter only has to stay blocked; the rejection itself is expected.
      await failures.consume(address).catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
      });
    },
  };
}
export type AuthFailureLimiter = ReturnType<typeof authFailureLimiter>;
