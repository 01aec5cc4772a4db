import { createHash, randomBytes } from 'node:crypto';
import { AppError, type Principal, type Role } from '@icc/shared';
import type { Models } from '../db/models.js';

const KEY_PREFIX = 'icc_';

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

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
  const key = `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  const created = await models.ApiKey.create({ tenantId, name, roles, keyHash: hashKey(key), prefix: key.slice(0, 10) });
  return { key, apiKeyId: String(created._id) };
}

/** The caller behind a presented key; 401 for a missing, unknown or revoked key. */
export async function authenticate(models: Models, presented: string | undefined): Promise<Principal> {
  if (!presented) {
    throw new AppError('UNAUTHORIZED', 'Send an API key in the X-API-Key header (or Authorization: Bearer <key>)');
  }
  if (!presented.startsWith(KEY_PREFIX) || presented.length > 200) {
    throw new AppError('UNAUTHORIZED', 'That API key is not valid');
  }
  const key = await models.ApiKey.findOne({ keyHash: hashKey(presented) }).lean();
  if (!key || key.revokedAt) throw new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked');
  return { tenantId: key.tenantId, apiKeyId: String(key._id), keyName: key.name, roles: key.roles as Role[] };
}
