import {
  apiKeyVerifier,
  authorize,
  describeRoles,
  presentedApiKey,
  rateLimitSettings,
  type Principal,
  type RateLimitSettings,
  type Role,
  type StoredApiKey,
} from '@icc/shared';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';

/**
 * API keys are shared with the operational service: the same tenants, roles
 * and key store (its `apiKeys` collection, read here and never written), and
 * the same verification rules (`apiKeyVerifier` in shared).
 */
export function createAuthenticator(operational: Db, limits: RateLimitSettings = rateLimitSettings()) {
  const verify = apiKeyVerifier((keyHash) => operational.collection<StoredApiKey & { keyHash: string }>('apiKeys').findOne({ keyHash }), {
    authFailuresPerMinute: limits.authFailuresPerMinute,
  });
  /** `clientAddress`: failures are counted per address (429 past the limit, see apiKeyVerifier). */
  return (headers: Parameters<typeof presentedApiKey>[0], clientAddress?: string): Promise<Principal> => verify(presentedApiKey(headers), clientAddress);
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
