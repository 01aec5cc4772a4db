import { createHash, randomBytes } from 'node:crypto';

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
