import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Principal, Role } from '../schemas/auth.schemas.js';
import type { StoredApiKey } from './api-keys.js';

/**
 * Browser sessions (the dashboard's sign-in): the cookie holds a random token, the operational
 * database's `sessions` collection its SHA-256, with the API key the session acts as. The
 * operational service reads the cookie; its `/analytics/*` proxy hands the token on to the
 * analytics service in this header, and analytics checks it by the same rules.
 */
export const SESSION_HEADER = 'x-icc-session';

/** The stored form of a session token or sign-in code (256 and 192 random bits: a fast hash is enough). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Shape check before any lookup: base64url of the lengths issued. */
export function looksLikeSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]{20,100}$/.test(value);
}

/** A session as both services read it from the operational `sessions` collection. */
export interface StoredSession {
  _id: unknown;
  tenantId: string;
  apiKeyId: string;
}

export interface SessionLookups {
  /** The session with this token hash that is neither revoked nor expired at `now`. */
  activeSession(tokenHash: string, now: Date): Promise<StoredSession | null>;
  /** The API key with this id. */
  apiKey(apiKeyId: string): Promise<StoredApiKey | null>;
}

/**
 * Turns a session token into its caller: the API key the session was opened with, as it is now
 * (its current roles; a revoked key ends its sessions). 401 for a missing, malformed, unknown,
 * expired or revoked session. No cache: signing out takes effect at once.
 *
 * @example const principal = await sessionVerifier(lookups)(token, new Date());
 */
export function sessionVerifier(lookups: SessionLookups) {
  return async function authenticateSession(token: string | undefined, now: Date): Promise<Principal & { sessionId: string }> {
    if (!token || !looksLikeSecret(token)) throw new AppError('UNAUTHORIZED', 'Your session has ended or is not valid; sign in again at /signin');
    const session = await lookups.activeSession(hashSecret(token), now);
    if (!session) throw new AppError('UNAUTHORIZED', 'Your session has ended or is not valid; sign in again at /signin');
    const key = await lookups.apiKey(session.apiKeyId);
    if (!key || key.revokedAt || key.tenantId !== session.tenantId) {
      throw new AppError('UNAUTHORIZED', 'The API key this session was opened with has been revoked; sign in with a valid key');
    }
    return { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles as Role[], sessionId: String(session._id) };
  };
}
