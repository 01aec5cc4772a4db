import { AppError, MAX_URL_LENGTH } from '@icc/shared';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The content security policy of every page this service serves: the dashboard (its own
 * ES modules, the Socket.IO client from /socket.io/socket.io.js, a WebSocket back to this
 * origin) and Swagger UI at /docs (its own scripts; inline `<style>` blocks, hence
 * 'unsafe-inline' for styles only). Nothing from other origins, no framing.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
};

/**
 * Headers on every response (helmet: CSP, nosniff, no framing, no referrer, same-origin
 * opener and resource policies) and `Cache-Control: no-store` on the API, whose answers are
 * one tenant's data. Served over plain HTTP locally, so no upgrade-insecure-requests.
 */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
    (req, res, next) => {
      if (req.path === '/api' || req.path.startsWith('/api/')) res.set('Cache-Control', 'no-store');
      next();
    },
  ];
}

/** Node only limits the URL together with the headers (431); past `MAX_URL_LENGTH` it is 414. */
export const rejectLongUrls: RequestHandler = (req, _res, next) => {
  if (req.originalUrl.length > MAX_URL_LENGTH) throw new AppError('URI_TOO_LONG', `The URL is longer than ${MAX_URL_LENGTH} characters`);
  next();
};
