import { AppError, apiKeyVerifier, type ApiKeyVerifierOptions, generateApiKey, hashApiKey, type Principal, type Role } from '@icc/shared';
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
export async function issueApiKey(models: Models, tenantId: string, name: string, roles: Role[]): Promise<{ key: string; apiKeyId: string }> {
  if (!(await models.Tenant.exists({ _id: tenantId }))) {
    throw new AppError('NOT_FOUND', `Tenant ${tenantId} does not exist; create it first`);
  }
  const key = generateApiKey();
  const created = await models.ApiKey.create({ tenantId, name, roles, keyHash: hashApiKey(key), prefix: key.slice(0, 10) });
  return { key, apiKeyId: String(created._id) };
}

const verifiers = new WeakMap<Models, ReturnType<typeof apiKeyVerifier>>();

function verifierFor(models: Models): ReturnType<typeof apiKeyVerifier> {
  let verify = verifiers.get(models);
  if (!verify) {
    verify = apiKeyVerifier((keyHash) => models.ApiKey.findOne({ keyHash }).lean());
    verifiers.set(models, verify);
  }
  return verify;
}

/**
 * Set the failed-authentication limit of the app's one verifier (HTTP routes and
 * socket handshakes share it); call before the first request.
 */
export function configureAuthentication(models: Models, options: ApiKeyVerifierOptions): void {
  verifiers.set(
    models,
    apiKeyVerifier((keyHash) => models.ApiKey.findOne({ keyHash }).lean(), options),
  );
}

/**
 * The caller behind a presented key; 401 for a missing, unknown or revoked key, 429 for an
 * address with too many failures (shared rules, see apiKeyVerifier).
 */
export function authenticate(models: Models, presented: string | undefined, clientAddress?: string): Promise<Principal> {
  return verifierFor(models)(presented, clientAddress);
}
