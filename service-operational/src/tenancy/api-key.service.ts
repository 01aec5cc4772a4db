import { AppError, generateApiKey, hashApiKey, looksLikeApiKey, type Principal, type Role } from '@icc/shared';
import type { Models } from '../db/models.js';

/** Create a tenant (idempotent on its id). */
export async function ensureTenant(models: Models, id: string, name: string): Promise<void> {
  await models.Tenant.updateOne({ _id: id }, { $setOnInsert: { name } }, { upsert: true });
}

/**
 * Issue a new key for a tenant. The key itself is returned once and never stored.
 *
 * @example const { key } = await issueApiKey(models, 'acme', 'warehouse tablet', ['warehouse']);
 */
export async function issueApiKey(
  models: Models,
  tenantId: string,
  name: string,
  roles: Role[],
): Promise<{ key: string; apiKeyId: string }> {
  if (!(await models.Tenant.exists({ _id: tenantId }))) {
    throw new AppError('NOT_FOUND', `Tenant ${tenantId} does not exist; create it first`);
  }
  const key = generateApiKey();
  const created = await models.ApiKey.create({ tenantId, name, roles, keyHash: hashApiKey(key), prefix: key.slice(0, 10) });
  return { key, apiKeyId: String(created._id) };
}

/**
 * Recently verified keys, so a busy client costs one lookup per interval, not
 * one per request. The price: a revoked key keeps working for up to
 * `KEY_CACHE_TTL_MS`. Unknown keys are never cached.
 */
export const KEY_CACHE_TTL_MS = 10_000;
const KEY_CACHE_MAX = 10_000;
const verified = new WeakMap<Models, Map<string, { principal: Principal; expires: number }>>();

function cacheFor(models: Models): Map<string, { principal: Principal; expires: number }> {
  let cache = verified.get(models);
  if (!cache) verified.set(models, (cache = new Map()));
  return cache;
}

/** The caller behind a presented key; 401 for a missing, unknown or revoked key. */
export async function authenticate(models: Models, presented: string | undefined, now = Date.now()): Promise<Principal> {
  if (!presented) {
    throw new AppError('UNAUTHORIZED', 'Send an API key in the X-API-Key header (or Authorization: Bearer <key>)');
  }
  if (!looksLikeApiKey(presented)) {
    throw new AppError('UNAUTHORIZED', 'That API key is not valid');
  }
  const keyHash = hashApiKey(presented);
  const cache = cacheFor(models);
  const hit = cache.get(keyHash);
  if (hit && hit.expires > now) return hit.principal;
  const key = await models.ApiKey.findOne({ keyHash }).lean();
  if (!key || key.revokedAt) {
    cache.delete(keyHash);
    throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
  }
  const principal = { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles as Role[] };
  if (cache.size >= KEY_CACHE_MAX) cache.clear();
  cache.set(keyHash, { principal, expires: now + KEY_CACHE_TTL_MS });
  return principal;
}
