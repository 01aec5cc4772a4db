/**
 * The content security policy of every page the services serve: the operational dashboard
 * (its own ES modules, the Socket.IO client from /socket.io/socket.io.js, a WebSocket back to
 * the same origin) and Swagger UI at /docs on both (its own scripts; inline `<style>` blocks,
 * hence 'unsafe-inline' for styles only). Nothing from other origins, no framing.
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
 * Options for helmet (Express) and @fastify/helmet alike: the CSP above, nosniff, no framing,
 * no referrer, same-origin opener and resource policies (helmet's defaults). The services speak
 * plain HTTP locally, so no upgrade-insecure-requests.
 *
 * @example app.use(helmet(SECURITY_HEADER_OPTIONS)); // or app.register(fastifyHelmet, SECURITY_HEADER_OPTIONS)
 */
export const SECURITY_HEADER_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
};

/** Whether a request path is the API's, whose answers are one tenant's data: `Cache-Control: no-store`. */
export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path.startsWith('/api?');
}
