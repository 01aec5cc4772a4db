import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AppError, presentedApiKey, retryAfterSeconds, type Logger } from '@icc/shared';
import type { Request, RequestHandler, Response } from 'express';
import type { Models } from '../db/models.js';
import { authenticate } from '../tenancy/api-key.service.js';

/** Request headers that go on to analytics; everything else (cookies, hop-by-hop headers) stays here. */
const FORWARDED_REQUEST = ['accept', 'content-type', 'content-length', 'x-api-key', 'authorization', 'idempotency-key', 'x-request-id'] as const;
/** Response headers that come back; the operational service sets its own security headers. */
const FORWARDED_RESPONSE = ['content-type', 'content-length', 'cache-control', 'retry-after', 'location', 'etag', 'x-request-id'] as const;

/** How long analytics may take to start answering before the page gets a 502 instead. */
const UPSTREAM_TIMEOUT_MS = 30_000;

function pick(headers: IncomingHttpHeaders, names: readonly string[]): Record<string, string | string[]> {
  const picked: Record<string, string | string[]> = {};
  for (const name of names) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

/**
 * The caller must hold a valid key here already (401, or 429 past the per-address failure limit,
 * with `Retry-After`), so failed guesses count against the caller's own address: analytics sees
 * every proxied call coming from this service's address, and its own per-address limit would
 * otherwise lock out every dashboard user at once.
 */
async function admit(models: Models, req: Request, res: Response): Promise<void> {
  try {
    await authenticate(models, presentedApiKey({ 'x-api-key': req.get('x-api-key'), authorization: req.get('authorization') }), req.ip);
  } catch (error) {
    const seconds = retryAfterSeconds(error);
    if (seconds !== undefined) res.set('Retry-After', String(seconds));
    throw error;
  }
}

/**
 * `/analytics/*` → the analytics service, so the dashboard reaches it from its own origin (no CORS
 * policy at all). Method, path, query and body pass through unchanged (the body as a stream: mount
 * this before any body parser), with the caller's credentials, once the key is known to be valid
 * here; analytics authenticates, authorises and rate-limits as it does for any client. The answer streams back with its status. Analytics down or
 * silent → 502 in the one error shape. Only the method and path are ever logged, never a header.
 *
 * @example
 *   app.use('/analytics', analyticsProxy('http://127.0.0.1:4100', { models, log }));
 *   // GET /analytics/api/recommendations?priority=CRITICAL → GET http://127.0.0.1:4100/api/recommendations?priority=CRITICAL
 */
export function analyticsProxy(baseUrl: string, deps: { models: Models; log: Logger }): RequestHandler {
  const { models, log } = deps;
  const base = new URL(baseUrl);
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const basePath = base.pathname.replace(/\/$/, '');
  return async (req, res, next) => {
    await admit(models, req, res);
    // Inside the mount, req.url is the rest of the path with its query: `/api/x?y=1`.
    const upstream = send(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method: req.method,
        path: `${basePath}${req.url}`,
        headers: { ...pick(req.headers, FORWARDED_REQUEST), 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        timeout: UPSTREAM_TIMEOUT_MS,
      },
      (answer) => {
        res.status(answer.statusCode ?? 502);
        res.set(pick(answer.headers, FORWARDED_RESPONSE));
        // One tenant's data, like the operational API's own answers.
        if (!answer.headers['cache-control']) res.set('Cache-Control', 'no-store');
        answer.pipe(res);
        answer.once('error', () => res.destroy());
      },
    );
    let failed = false;
    const fail = (reason: string) => {
      if (failed) return;
      failed = true;
      log.warn({ method: req.method, path: req.path, reason }, 'analytics proxy: upstream failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      next(new AppError('BAD_GATEWAY', `The analytics service did not answer (${reason}); try again shortly`));
    };
    upstream.once('timeout', () => {
      upstream.destroy(new Error('timed out'));
    });
    upstream.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    // The page went away: stop asking analytics.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  };
}
