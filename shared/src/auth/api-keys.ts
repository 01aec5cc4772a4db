import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import type { Principal, Role } from '../schemas/auth.schemas.js';

/**
 * API keys are `icc_` + 192 random bits (base64url). Both services verify them
 * against the operational database's `apiKeys` collection, which stores only
 * the SHA-256 of each key: high-entropy secrets need no slow hash, and a lookup
 * stays one indexed equality match.
 */
export const API_KEY_PREFIX = 'icc_';

/** A new key; show it once, store only `hashApiKey(key)`. @example const key = generateApiKey(); // 'icc_3fZ…' */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
}

/** The stored form of a key. @example hashApiKey('icc_abc') // 64 hex characters */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Cheap shape check before any lookup: the prefix and a sane length. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(API_KEY_PREFIX) && value.length <= 200;
}

/** The key a request presents: `X-API-Key`, else `Authorization: Bearer <key>` (scheme case-insensitive). */
export function presentedApiKey(headers: { 'x-api-key'?: string | string[] | undefined; authorization?: string | undefined }): string | undefined {
  const header = Array.isArray(headers['x-api-key']) ? headers['x-api-key'][0] : headers['x-api-key'];
  if (header) return header.trim();
  return headers.authorization?.match(/^bearer\s+(.+)$/i)?.[1]?.trim();
}

/** An API key as both services read it from the operational `apiKeys` collection. */
export interface StoredApiKey {
  _id: unknown;
  tenantId: string;
  name: string;
  roles: string[];
  revokedAt?: Date | null;
}

/** Recently verified keys are trusted this long: a revoked key keeps working for up to this. */
export const KEY_CACHE_TTL_MS = 10_000;
const KEY_CACHE_MAX = 10_000;

/**
 * Turns a presented key into its caller, or a 401 for a missing, malformed,
 * unknown or revoked key. Verified keys are cached for `KEY_CACHE_TTL_MS`, so a
 * busy client costs one lookup per interval; unknown keys are never cached.
 *
 * @example
 *   const authenticate = apiKeyVerifier((keyHash) => apiKeys.findOne({ keyHash }));
 *   const principal = await authenticate(request.headers['x-api-key']);
 */
export function apiKeyVerifier(findByHash: (keyHash: string) => Promise<StoredApiKey | null>) {
  const cache = new Map<string, { principal: Principal; expires: number }>();
  return async function authenticate(presented: string | undefined, now = Date.now()): Promise<Principal> {
    if (!presented) throw new AppError('UNAUTHORIZED', 'Send an API key in the X-API-Key header (or Authorization: Bearer <key>)');
    if (!looksLikeApiKey(presented)) throw new AppError('UNAUTHORIZED', 'That API key is not valid');
    const keyHash = hashApiKey(presented);
    const hit = cache.get(keyHash);
    if (hit && hit.expires > now) return hit.principal;
    const key = await findByHash(keyHash);
    if (!key || key.revokedAt) {
      cache.delete(keyHash);
      throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
    }
    const principal: Principal = { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles as Role[] };
    if (cache.size >= KEY_CACHE_MAX) cache.clear();
    cache.set(keyHash, { principal, expires: now + KEY_CACHE_TTL_MS });
    return principal;
  };
}
