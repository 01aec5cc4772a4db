import {
  apiKeyVerifier,
  authorize,
  describeRoles,
  presentedApiKey,
  rateLimitSettings,
  SESSION_HEADER,
  sessionVerifier,
  type Principal,
  type RateLimitSettings,
  type Role,
  type StoredApiKey,
  type StoredSession,
} from '@icc/shared';
import type { FastifyRequest } from 'fastify';
import { ObjectId, type Db } from 'mongodb';

/**
 * API keys are shared with the operational service: the same tenants, roles
 * and key store (its `apiKeys` collection, read here and never written), and
 * the same verification rules (`apiKeyVerifier` in shared).
 */
export function createAuthenticator(operational: Db, limits: RateLimitSettings = rateLimitSettings()) {
  const verify = apiKeyVerifier((keyHash) => operational.collection<StoredApiKey & { keyHash: string }>('apiKeys').findOne({ keyHash }), {
    authFailuresPerMinute: limits.authFailuresPerMinute,
  });
  // A dashboard session, handed on by the operational service's /analytics proxy (see sessionVerifier in shared).
  const verifySession = sessionVerifier({
    activeSession: (tokenHash, now) =>
      operational.collection<StoredSession & { tokenHash: string }>('sessions').findOne({ tokenHash, revokedAt: null, expiresAt: { $gt: now } }),
    apiKey: (apiKeyId) =>
      ObjectId.isValid(apiKeyId)
        ? operational.collection<Omit<StoredApiKey, '_id'> & { _id: ObjectId }>('apiKeys').findOne({ _id: new ObjectId(apiKeyId) })
        : Promise.resolve(null),
  });
  /** `clientAddress`: failures are counted per address (429 past the limit, see apiKeyVerifier). A key wins over a session token. */
  return async (headers: Parameters<typeof presentedApiKey>[0] & { [SESSION_HEADER]?: string | string[] }, clientAddress?: string): Promise<Principal> => {
    const key = presentedApiKey(headers);
    const session = headers[SESSION_HEADER];
    if (key !== undefined || session === undefined) return verify(key, clientAddress);
    const { sessionId: _sessionId, ...principal } = await verifySession(Array.isArray(session) ? session[0] : session, new Date());
    return principal;
  };
}

/** For mutating routes: the caller needs one of `roles` (admin always passes; see `authorize` in shared). */
export function requireRole(principal: Principal, roles: readonly [Role, ...Role[]], action: string): void {
  authorize(principal, roles, action);
}

/**
 * A route's role rule, declared once: a `preValidation` hook, so the order
 * is key → role → input as on the operational service (a key without the
 * role learns nothing about the body's rules), and the sentence for the
 * route's OpenAPI description.
 *
 * @example app.post('/api/models/train', { preValidation: guard.check, schema: { description: guard.description, … } }, handler)
 */
export function roleGuard(roles: readonly [Role, ...Role[]], action: string) {
  return {
    check: async (request: FastifyRequest): Promise<void> => requireRole(request.principal, roles, action),
    description: `${describeRoles(roles)} (others get 403).`,
  };
}
