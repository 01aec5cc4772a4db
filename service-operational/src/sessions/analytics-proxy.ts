import { AppError, SESSION_HEADER } from '@icc/shared';
import { Router, type Request } from 'express';
import { requireCsrfProof, sessionToken } from './session.http.js';
import type { SessionService } from './session.service.js';

/** Request headers handed on to analytics (besides the session token); nothing else of the browser's. */
const FORWARDED_REQUEST = ['accept', 'content-type', 'idempotency-key'] as const;
/** Response headers handed back. */
const FORWARDED_RESPONSE = ['content-type', 'retry-after', 'idempotent-replayed', 'location'] as const;
const UPSTREAM_TIMEOUT_MS = 60_000;

function bodyOf(req: Request): string | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  return req.body === undefined ? undefined : JSON.stringify(req.body);
}

/**
 * `/analytics/api/*` → the analytics service's `/api/*`, for the dashboard signed in by cookie:
 * the page stays on one origin (the CSP's connect-src 'self', no CORS anywhere). The cookie is
 * checked here, by the same rules and CSRF proof as the operational API, then its token is handed
 * on in `X-ICC-Session`; analytics checks it again against the same `sessions` collection
 * (sessionVerifier in shared) and applies its own roles and limits. API-key clients call
 * analytics directly; the proxy takes no key.
 */
export function analyticsProxy(sessions: SessionService, analyticsUrl: string | undefined): Router {
  const router = Router();
  router.all('/analytics/api/{*path}', async (req, res) => {
    const token = sessionToken(req.headers);
    if (token === undefined) {
      throw new AppError('UNAUTHORIZED', 'Sign in at /signin to use /analytics from the browser; API-key clients call the analytics service directly');
    }
    await sessions.authenticate(token);
    requireCsrfProof(req);
    if (!analyticsUrl) throw new AppError('SERVICE_UNAVAILABLE', 'The analytics service is not configured here (ANALYTICS_URL)');
    const headers: Record<string, string> = { [SESSION_HEADER]: token, 'x-request-id': String(res.locals.requestId) };
    for (const name of FORWARDED_REQUEST) {
      const value = req.get(name);
      if (value !== undefined) headers[name] = value;
    }
    const body = bodyOf(req);
    if (body !== undefined) headers['content-type'] = 'application/json';
    let upstream: Response;
    try {
      upstream = await fetch(`${analyticsUrl}${req.originalUrl.slice('/analytics'.length)}`, {
        method: req.method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
    } catch {
      throw new AppError('SERVICE_UNAVAILABLE', 'The analytics service cannot be reached; try again shortly');
    }
    res.status(upstream.status);
    for (const name of FORWARDED_RESPONSE) {
      const value = upstream.headers.get(name);
      if (value !== null) res.set(name, value);
    }
    res.set('Cache-Control', 'no-store');
    res.send(Buffer.from(await upstream.arrayBuffer()));
  });
  return router;
}
