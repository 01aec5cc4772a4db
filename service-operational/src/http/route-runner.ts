import {
  AppError,
  authorize,
  invalidInput,
  presentedApiKey,
  heavyReadLimiter,
  rateLimitSettings,
  requestLimiter,
  retryAfterSeconds,
  type Principal,
  type RateLimitSettings,
} from '@icc/shared';
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Models } from '../db/models.js';
import { requireCsrfProof, sessionToken } from '../sessions/session.http.js';
import { sessionsFor } from '../sessions/session.service.js';
import { authenticate, configureAuthentication } from '../tenancy/api-key.service.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { claimIdempotencyKey } from './idempotency.js';
import { routeRequirement, type AnyRoute } from './route.js';

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, where);
  return result.data;
}

function presentedKey(req: Request): string | undefined {
  return presentedApiKey({ 'x-api-key': req.get('x-api-key'), authorization: req.get('authorization') });
}

/**
 * The caller: by the API key in a header when there is one, else by the session cookie (then
 * with the CSRF rule for anything that changes state), else a 401 asking for a key.
 */
async function callerOf(models: Models, req: Request): Promise<Principal> {
  const key = presentedKey(req);
  const token = key === undefined ? sessionToken(req.headers) : undefined;
  if (token === undefined) return authenticate(models, key, req.ip);
  const { sessionId: _sessionId, ...principal } = await sessionsFor(models).authenticate(token);
  requireCsrfProof(req);
  return principal;
}

/** A 429 carries `Retry-After`; the error handler writes the body in the one error shape. */
async function withRetryAfter<T>(res: Response, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const seconds = retryAfterSeconds(error);
    if (seconds !== undefined) res.set('Retry-After', String(seconds));
    throw error;
  }
}

/**
 * Mount declared routes on an Express router. Order of checks: API key, or session cookie and
 * its CSRF proof (401/403, or 429 for an address with too many failures), the key's and tenant's request
 * limits (429), role (403), input (400), idempotency (409/422), then the handler
 * inside the caller's tenant scope. Nothing is written before every check has passed.
 */
export function mountRoutes(models: Models, routes: readonly AnyRoute[], limits: RateLimitSettings = rateLimitSettings()): Router {
  const router = Router();
  configureAuthentication(models, { authFailuresPerMinute: limits.authFailuresPerMinute });
  const limiter = requestLimiter(limits);
  const heavyReads = heavyReadLimiter(limits);
  for (const route of routes) {
    router[route.method](route.path, async (req: Request, res: Response) => {
      res.locals.routePath = route.path;
      const principal =
        route.authenticated === false
          ? undefined
          : await withRetryAfter(res, async () => {
              const caller = await callerOf(models, req);
              await limiter.admit(caller);
              return caller;
            });
      if (principal) authorize(principal, routeRequirement(route), `${route.method.toUpperCase()} ${route.path}`);
      const release = principal && route.heavy ? await withRetryAfter(res, () => heavyReads.admit(principal)) : undefined;
      // Released when the answer is sent or the client goes away, whichever comes first.
      if (release) res.once('close', release);
      // express.json() skips bodies of other types, which would then read as "no body".
      const hasContent = req.get('transfer-encoding') !== undefined || Number(req.get('content-length')) > 0;
      if (route.body && hasContent && !req.is('application/json')) {
        throw new AppError(
          'UNSUPPORTED_MEDIA_TYPE',
          `Send the body as UTF-8 JSON (Content-Type: application/json), not ${req.get('content-type') ?? 'no Content-Type'}`,
        );
      }
      const input = {
        params: parse(route.params, req.params, 'path'),
        query: parse(route.query, req.query, 'query'),
        body: parse(route.body, req.body, 'body'),
        principal: principal as Principal,
        requestId: String(res.locals.requestId),
      };
      const status = route.status ?? 200;
      if (!principal) {
        res.status(status).json(await route.handler(input));
        return;
      }
      await runAsPrincipal(principal, async () => {
        const idempotencyKey = route.idempotent ? req.get('idempotency-key') : undefined;
        if (idempotencyKey === undefined) {
          res.status(status).json(await route.handler(input));
          return;
        }
        const claim = await claimIdempotencyKey(models, idempotencyKey, {
          method: route.method,
          path: req.path,
          body: req.body,
        });
        if (claim.kind === 'replay') {
          res.set('Idempotent-Replayed', 'true').status(claim.response.statusCode).json(claim.response.body);
          return;
        }
        let body: unknown;
        try {
          body = await route.handler(input);
        } catch (error) {
          await claim.release();
          throw error;
        }
        await claim.complete({ statusCode: status, body });
        res.status(status).json(body);
      });
    });
  }
  return router;
}
