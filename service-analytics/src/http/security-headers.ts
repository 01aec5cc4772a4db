import fastifyHelmet from '@fastify/helmet';
import { AppError, MAX_URL_LENGTH } from '@icc/shared';
import type { AnalyticsFastify } from './fastify-types.js';

/**
 * The content security policy of the pages this service serves: Swagger UI at /docs (its
 * own scripts; inline `<style>`, hence 'unsafe-inline' for styles only). Nothing from
 * other origins, no framing. The same policy as the operational service's.
 */
const CONTENT_SECURITY_POLICY = {
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
 * opener and resource policies), `Cache-Control: no-store` on the API (one tenant's data),
 * and 414 for a URL past `MAX_URL_LENGTH` (Node only limits it with the headers, as 431).
 */
export async function installSecurityHeaders(app: AnalyticsFastify): Promise<void> {
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) throw new AppError('URI_TOO_LONG', `The URL is longer than ${MAX_URL_LENGTH} characters`);
    if (request.url === '/api' || request.url.startsWith('/api/') || request.url.startsWith('/api?')) reply.header('Cache-Control', 'no-store');
  });
}
