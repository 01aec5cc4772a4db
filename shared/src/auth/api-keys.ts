import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors/app-error.js';
import { authFailureLimiter, rateLimitSettings } from '../limits/rate-limits.js';
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
/** Keys found unknown or revoked are refused without a lookup this long (a key issued meanwhile waits as long). */
export const NEGATIVE_KEY_CACHE_TTL_MS = 10_000;
const NEGATIVE_KEY_CACHE_MAX = 10_000;

export interface ApiKeyVerifierOptions {
  /** Failed authentications a client address may make per minute before it gets 429 without a lookup (default 20). */
  authFailuresPerMinute?: number;
}

/** A Map kept to `max` entries by dropping the least recently used: a storm of distinct keys cannot grow it. */
function remember<V>(cache: Map<string, V>, key: string, value: V, max: number): void {
  cache.delete(key);
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
}

/**
 * Turns a presented key into its caller, or a 401 for a missing, malformed,
 * unknown or revoked key. Verified keys are cached for `KEY_CACHE_TTL_MS`, so a
 * busy client costs one lookup per interval; unknown and revoked keys for
 * `NEGATIVE_KEY_CACHE_TTL_MS` (bounded, least recently used out), so repeating a
 * wrong key costs no lookup. When the caller passes the client's address,
 * failures are counted per address, and an address past
 * `authFailuresPerMinute` gets RATE_LIMITED (429) before any lookup until its
 * minute is over; a key still in the verified cache keeps working from there.
 *
 * @example
 *   const authenticate = apiKeyVerifier((keyHash) => apiKeys.findOne({ keyHash }), { authFailuresPerMinute: 20 });
 *   const principal = await authenticate(request.headers['x-api-key'], request.ip);
 */
export function apiKeyVerifier(findByHash: (keyHash: string) => Promise<StoredApiKey | null>, options: ApiKeyVerifierOptions = {}) {
  const cache = new Map<string, { principal: Principal; expires: number }>();
  const refused = new Map<string, number>();
  const failures = authFailureLimiter(options.authFailuresPerMinute ?? rateLimitSettings().authFailuresPerMinute);

  async function verify(presented: string | undefined, clientAddress: string | undefined, now: number): Promise<Principal> {
    const keyHash = presented && looksLikeApiKey(presented) ? hashApiKey(presented) : undefined;
    const hit = keyHash === undefined ? undefined : cache.get(keyHash);
    if (hit && hit.expires > now) return hit.principal;
    if (clientAddress !== undefined) await failures.refuseIfBlocked(clientAddress);
    if (!presented) throw new AppError('UNAUTHORIZED', 'Send an API key in the X-API-Key header (or Authorization: Bearer <key>)');
    if (keyHash === undefined) throw new AppError('UNAUTHORIZED', 'That API key is not valid');
    const refusedUntil = refused.get(keyHash);
    if (refusedUntil !== undefined && refusedUntil > now) throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
    const key = await findByHash(keyHash);
    if (!key || key.revokedAt) {
      cache.delete(keyHash);
      remember(refused, keyHash, now + NEGATIVE_KEY_CACHE_TTL_MS, NEGATIVE_KEY_CACHE_MAX);
      throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
    }
    refused.delete(keyHash);
    const principal: Principal = { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles as Role[] };
    remember(cache, keyHash, { principal, expires: now + KEY_CACHE_TTL_MS }, KEY_CACHE_MAX);
    return principal;
  }

  return async function authenticate(presented: string | undefined, clientAddress?: string, now = Date.now()): Promise<Principal> {
    try {
      return await verify(presented, clientAddress, now);
    } catch (error) {
      if (clientAddress !== undefined && error instanceof AppError && error.code === 'UNAUTHORIZED') await failures.record(clientAddress);
      throw error;
    }
  };
}
