import { randomBytes } from 'node:crypto';
import { AppError, hashSecret, looksLikeSecret, sessionVerifier, type Principal } from '@icc/shared';
import type { Models } from '../db/models.js';

/** How long a browser stays signed in: one working day, then the key is asked for again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How long a one-time sign-in code (`pnpm start`'s link) can be used. */
export const SIGN_IN_CODE_TTL_MS = 10 * 60 * 1000;

export type Clock = () => Date;

export { hashSecret };

export interface OpenedSession {
  /** The cookie's value; shown once, stored only as its hash. */
  token: string;
  principal: Principal;
  expiresAt: Date;
}

export interface SessionService {
  /** A new session for a caller whose API key was just verified. */
  open(principal: Principal): Promise<OpenedSession>;
  /** The caller behind a session token; 401 for a missing, unknown, expired or revoked session, or a revoked key. */
  authenticate(token: string | undefined): Promise<Principal & { sessionId: string }>;
  /** Sign out: the session stops working now. False when there was no active session for the token. */
  revoke(token: string): Promise<boolean>;
  /** Of these session ids, those still active (not expired, not revoked, their key not revoked): for open sockets. */
  stillActive(sessionIds: readonly string[]): Promise<Set<string>>;
  /** Spend a one-time sign-in code for a new session; 401 for an unknown, used or expired code. */
  exchangeCode(code: string | undefined): Promise<OpenedSession>;
}

/** The caller a stored API key stands for, or undefined when the key is gone or revoked. */
async function keyPrincipal(models: Models, apiKeyId: string, tenantId: string): Promise<Principal | undefined> {
  const key = await models.ApiKey.findById(apiKeyId).lean();
  if (!key || key.revokedAt || key.tenantId !== tenantId) return undefined;
  return { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles };
}

/**
 * Server-side sessions for the dashboard. Every request with a session cookie costs two indexed
 * lookups (the session, its key; see sessionVerifier in shared): no cache, so signing out or
 * revoking the key takes effect at once.
 * `clock` is injectable so tests can move past an expiry.
 */
export function createSessionService(models: Models, clock: Clock = () => new Date()): SessionService {
  // The rules shared with the analytics service (which checks the token the /analytics proxy hands on).
  const verify = sessionVerifier({
    activeSession: (tokenHash, now) => models.Session.findOne({ tokenHash, revokedAt: null, expiresAt: { $gt: now } }).lean(),
    apiKey: (apiKeyId) => models.ApiKey.findById(apiKeyId).lean(),
  });

  async function open(principal: Principal): Promise<OpenedSession> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(clock().getTime() + SESSION_TTL_MS);
    await models.Session.create({
      tokenHash: hashSecret(token),
      tenantId: principal.tenantId,
      apiKeyId: principal.apiKeyId,
      roles: principal.roles,
      expiresAt,
    });
    return { token, principal, expiresAt };
  }

  return {
    open,

    authenticate: (token) => verify(token, clock()),

    async revoke(token) {
      if (!looksLikeSecret(token)) return false;
      const result = await models.Session.updateOne({ tokenHash: hashSecret(token), revokedAt: null }, { $set: { revokedAt: clock() } });
      return result.modifiedCount === 1;
    },

    async stillActive(sessionIds) {
      if (sessionIds.length === 0) return new Set();
      const sessions = await models.Session.find({ _id: { $in: sessionIds }, revokedAt: null, expiresAt: { $gt: clock() } }).lean();
      const keys = await models.ApiKey.find({ _id: { $in: sessions.map((s) => s.apiKeyId) }, revokedAt: null }).lean();
      const liveKeys = new Set(keys.map((key) => `${key.tenantId}/${String(key._id)}`));
      return new Set(sessions.filter((s) => liveKeys.has(`${s.tenantId}/${s.apiKeyId}`)).map((s) => String(s._id)));
    },

    async exchangeCode(code) {
      const invalid = () => new AppError('UNAUTHORIZED', 'That sign-in link is not valid, has expired or was already used; sign in with your API key');
      if (!code || !looksLikeSecret(code)) throw invalid();
      const now = clock();
      // One atomic claim: of two requests with the same code, only one gets the document.
      const claimed = await models.SignInCode.findOneAndUpdate(
        { codeHash: hashSecret(code), usedAt: null, expiresAt: { $gt: now } },
        { $set: { usedAt: now } },
        { returnDocument: 'after' },
      ).lean();
      if (!claimed) throw invalid();
      const principal = await keyPrincipal(models, claimed.apiKeyId, claimed.tenantId);
      if (!principal) throw invalid();
      return open(principal);
    },
  };
}

/**
 * A one-time sign-in code for an API key (admin side: `pnpm start` prints a link with it).
 * Only its hash is stored; it works once, within `ttlMs`.
 *
 * @example const code = await issueSignInCode(models, apiKeyId); // → `${url}/signin?code=${code}`
 */
export async function issueSignInCode(models: Models, apiKeyId: string, options: { ttlMs?: number; now?: Date } = {}): Promise<string> {
  const key = await models.ApiKey.findById(apiKeyId).lean();
  if (!key || key.revokedAt) throw new AppError('NOT_FOUND', `API key ${apiKeyId} does not exist or is revoked`);
  const code = randomBytes(24).toString('base64url');
  const now = options.now ?? new Date();
  await models.SignInCode.create({
    codeHash: hashSecret(code),
    tenantId: key.tenantId,
    apiKeyId: String(key._id),
    expiresAt: new Date(now.getTime() + (options.ttlMs ?? SIGN_IN_CODE_TTL_MS)),
  });
  return code;
}

const services = new WeakMap<Models, SessionService>();

/** Give the app's models their session service (createApp does, with its clock). */
export function configureSessions(models: Models, clock?: Clock): SessionService {
  const service = createSessionService(models, clock);
  services.set(models, service);
  return service;
}

/** The app's session service (HTTP routes and live sockets share it). */
export function sessionsFor(models: Models): SessionService {
  let service = services.get(models);
  if (!service) service = configureSessions(models);
  return service;
}
