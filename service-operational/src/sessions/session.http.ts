import { AppError } from '@icc/shared';
import type { IncomingHttpHeaders } from 'node:http';
import type { Request, Response } from 'express';

/** The session cookie's name. Not `__Host-`: that prefix needs Secure, and the demo runs on plain http://127.0.0.1. */
export const SESSION_COOKIE = 'icc_session';
/** The header every cookie-authenticated request that changes state must carry; a cross-site form cannot send it. */
export const CSRF_HEADER = 'x-icc-csrf';

/** The session token of a request's (or a socket handshake's) Cookie header, if any. */
export function sessionToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), Path=/ (pages,
 * API and Socket.IO), Secure when the request came over https (behind a proxy: Express's trust proxy).
 */
export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The origin this server is reached at, as a browser names it in `Origin`. */
function ownOrigin(protocol: string, host: string | undefined): string | undefined {
  return host ? `${protocol}://${host}` : undefined;
}

/**
 * Whether a browser request came from a page of another origin: its `Origin` (sent on
 * cross-origin requests and on every POST/DELETE) differs from this server's, or its
 * `Sec-Fetch-Site` says cross-site. Requests without either (older browsers, tools) pass here.
 */
export function fromOtherOrigin(headers: IncomingHttpHeaders, protocol: string): boolean {
  const origin = headers.origin;
  if (origin !== undefined && origin !== ownOrigin(protocol, headers.host)) return true;
  return headers['sec-fetch-site'] === 'cross-site';
}

/**
 * The CSRF rule for requests authenticated by the session cookie: anything but GET/HEAD/OPTIONS
 * must carry `X-ICC-CSRF: 1` (a custom header: a cross-site form cannot send it, and a cross-site
 * script needs a CORS preflight this service never grants) and must not come from another origin.
 * Requests with an API key in a header are not affected: a browser never adds that header by itself.
 */
export function requireCsrfProof(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.get(CSRF_HEADER) !== '1') {
    throw new AppError('FORBIDDEN', `Requests signed in by cookie that change anything need the header X-ICC-CSRF: 1 (the dashboard sends it)`);
  }
  if (fromOtherOrigin(req.headers, req.protocol)) {
    throw new AppError('FORBIDDEN', 'Requests signed in by cookie are only accepted from pages of this service');
  }
}
