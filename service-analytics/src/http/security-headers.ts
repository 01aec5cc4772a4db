import fastifyHelmet from '@fastify/helmet';
import { AppError, isApiPath, MAX_URL_LENGTH, SECURITY_HEADER_OPTIONS } from '@icc/shared';
import type { AnalyticsFastify } from './fastify-types.js';

/**
 * Headers on every response (helmet with the shared `SECURITY_HEADER_OPTIONS`: CSP, nosniff, no framing, no referrer, same-origin
 * opener and resource policies), `Cache-Control: no-store` on the API (one tenant's data),
 * and 414 for a URL past `MAX_URL_LENGTH` (Node only limits it with the headers, as 431).
 */
export async function installSecurityHeaders(app: AnalyticsFastify): Promise<void> {
  await app.register(fastifyHelmet, SECURITY_HEADER_OPTIONS);
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > MAX_URL_LENGTH) throw new AppError('URI_TOO_LONG', `The URL is longer than ${MAX_URL_LENGTH} characters`);
    if (isApiPath(request.url)) reply.header('Cache-Control', 'no-store');
  });
}
