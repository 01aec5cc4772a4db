import { AppError, hashApiKey, looksLikeApiKey, presentedApiKey, type Principal, type Role } from '@icc/shared';
import type { Db } from 'mongodb';

/** How long a verified key is trusted before it is looked up again (revocation delay). */
export const KEY_CACHE_TTL_MS = 10_000;

interface StoredKey {
  tenantId: string;
  name: string;
  roles: Role[];
  revokedAt?: Date | null;
}

/**
 * API keys are shared with the operational service: the same tenants, roles
 * and key store (its `apiKeys` collection, read here and never written).
 */
export function createAuthenticator(operational: Db) {
  const cache = new Map<string, { principal: Principal; expires: number }>();
  return async function authenticate(headers: Parameters<typeof presentedApiKey>[0], now = Date.now()): Promise<Principal> {
    const presented = presentedApiKey(headers);
    if (!presented) throw new AppError('UNAUTHORIZED', 'Send an API key in the X-API-Key header (or Authorization: Bearer <key>)');
    if (!looksLikeApiKey(presented)) throw new AppError('UNAUTHORIZED', 'That API key is not valid');
    const keyHash = hashApiKey(presented);
    const hit = cache.get(keyHash);
    if (hit && hit.expires > now) return hit.principal;
    const key = await operational.collection<StoredKey & { keyHash: string }>('apiKeys').findOne({ keyHash });
    if (!key || key.revokedAt) {
      cache.delete(keyHash);
      throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
    }
    const principal: Principal = { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles };
    if (cache.size > 10_000) cache.clear();
    cache.set(keyHash, { principal, expires: now + KEY_CACHE_TTL_MS });
    return principal;
  };
}

/** For mutating routes: the caller needs one of `roles` (admin always passes). */
export function requireRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (principal.roles.includes('admin') || roles.some((r) => principal.roles.includes(r))) return;
  throw new AppError('FORBIDDEN', `${action} needs one of the roles: ${['admin', ...roles].join(', ')}; this key has ${principal.roles.join(', ')}`);
}
