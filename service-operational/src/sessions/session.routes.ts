import { AppError, DEFAULT_CURRENCY, invalidInput, SignInSchema, type Principal } from '@icc/shared';
import { Router, type Request, type Response } from 'express';
import type { Models } from '../db/models.js';
import { dashboardDirectory } from '../live/live.dashboard.js';
import { authenticate } from '../tenancy/api-key.service.js';
import { clearSessionCookie, fromOtherOrigin, requireCsrfProof, sessionToken, setSessionCookie } from './session.http.js';
import type { OpenedSession, SessionService } from './session.service.js';

/** What the page may know of its session: never the key, never the token; the tenant's currency for money. */
async function describe(models: Models, principal: Principal, expiresAt?: Date) {
  const tenant = await models.Tenant.findById(principal.tenantId, { currency: 1 }).lean();
  return {
    tenantId: principal.tenantId,
    keyName: principal.keyName,
    roles: principal.roles,
    currency: tenant?.currency ?? DEFAULT_CURRENCY,
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  };
}

function signedIn(req: Request, res: Response, opened: OpenedSession): void {
  setSessionCookie(req, res, opened.token, opened.expiresAt);
}

/**
 * Signing in to the dashboard:
 * - `GET /signin`: the sign-in page; with `?code=` (pnpm start's one-time link) the code is
 *   spent for a session cookie and the browser sent on to `/` (303), so the code leaves the
 *   address bar and history with the redirect. A refused code goes to `/signin?link=refused`.
 * - `POST /api/session {apiKey}`: the key for a session cookie (201), 401 for a bad key.
 * - `GET /api/session`: who the cookie signs in as (401 when it does not).
 * - `DELETE /api/session`: sign out (204): the session is revoked and the cookie cleared.
 * The API's writes need `X-ICC-CSRF: 1` with the cookie, these included (a forged sign-in is CSRF too).
 */
export function sessionRouter(models: Models, sessions: SessionService): Router {
  const router = Router();
  const page = dashboardDirectory();

  router.get('/signin', async (req, res) => {
    const code = req.query.code;
    if (code === undefined) {
      res.set('Cache-Control', 'no-cache').sendFile('signin.html', { root: page });
      return;
    }
    res.set('Cache-Control', 'no-store');
    try {
      signedIn(req, res, await sessions.exchangeCode(typeof code === 'string' ? code : undefined));
      res.redirect(303, '/');
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'UNAUTHORIZED') throw error;
      res.redirect(303, '/signin?link=refused');
    }
  });

  router.post('/api/session', async (req, res) => {
    requireCsrfProof(req);
    if (!req.is('application/json')) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send {"apiKey": "icc_…"} as JSON (Content-Type: application/json)');
    const parsed = SignInSchema.safeParse(req.body);
    if (!parsed.success) throw invalidInput(parsed.error, 'body');
    const principal = await authenticate(models, parsed.data.apiKey, req.ip);
    const opened = await sessions.open(principal);
    signedIn(req, res, opened);
    res.status(201).json(await describe(models, principal, opened.expiresAt));
  });

  router.get('/api/session', async (req, res) => {
    const principal = await sessions.authenticate(sessionToken(req.headers));
    res.json(await describe(models, principal));
  });

  router.delete('/api/session', async (req, res) => {
    const token = sessionToken(req.headers);
    if (token !== undefined || fromOtherOrigin(req.headers, req.protocol)) requireCsrfProof(req);
    if (token !== undefined) await sessions.revoke(token);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  return router;
}
