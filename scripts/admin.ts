/**
 * Tenant and API-key administration for the operational database.
 *
 *   pnpm admin tenant create acme "Acme Trading"
 *   pnpm admin key create acme "warehouse tablet" --roles warehouse
 *   pnpm admin key list acme
 *   pnpm admin key revoke <apiKeyId>
 *
 * Connects to --uri (default MONGODB_URI; `pnpm start` prints the URI of the
 * database it started) and --db (default OPERATIONAL_DB). A new key is printed
 * once and never stored: only its SHA-256 is.
 */
import { CreateApiKeySchema, CreateTenantSchema, ROLES, invalidInput, operationalConfig, type Role } from '@icc/shared';
import { ensureTenant, issueApiKey, registerModels } from '@icc/service-operational';
import { Command, InvalidArgumentError } from 'commander';
import mongoose from 'mongoose';

const program = new Command('admin').description('Manage tenants and API keys of the operational service');

program
  .option('--uri <uri>', 'MongoDB connection string', process.env.MONGODB_URI)
  .option('--db <name>', 'operational database name', () => operationalConfig.get().OPERATIONAL_DB);

async function withModels<T>(work: (models: ReturnType<typeof registerModels>) => Promise<T>): Promise<T> {
  const { uri, db } = program.opts<{ uri?: string; db?: string }>();
  if (!uri) throw new InvalidArgumentError('Give --uri or set MONGODB_URI (pnpm start prints the database URI)');
  const connection = await mongoose
    .createConnection(uri, { dbName: db ?? operationalConfig.get().OPERATIONAL_DB, serverSelectionTimeoutMS: 5_000 })
    .asPromise();
  try {
    return await work(registerModels(connection));
  } finally {
    await connection.close();
  }
}

function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) throw new InvalidArgumentError(`unknown role(s) ${unknown.join(', ')}; use ${ROLES.join(', ')}`);
  return roles as Role[];
}

const tenant = program.command('tenant').description('tenants');
tenant
  .command('create <id> <name>')
  .description('create a tenant (no-op if it exists)')
  .action(async (id: string, name: string) => {
    const parsed = CreateTenantSchema.safeParse({ id, name });
    if (!parsed.success) throw invalidInput(parsed.error, 'tenant');
    await withModels((models) => ensureTenant(models, parsed.data.id, parsed.data.name));
    console.log(`tenant ${parsed.data.id}`);
  });

const key = program.command('key').description('API keys');
key
  .command('create <tenantId> <name>')
  .description('issue a key; it is printed once')
  .requiredOption('--roles <roles>', `comma-separated: ${ROLES.join(', ')}`, parseRoles)
  .action(async (tenantId: string, name: string, options: { roles: Role[] }) => {
    const parsed = CreateApiKeySchema.safeParse({ name, roles: options.roles });
    if (!parsed.success) throw invalidInput(parsed.error, 'key');
    const issued = await withModels((models) => issueApiKey(models, tenantId, parsed.data.name, parsed.data.roles));
    console.log(`api-key ${issued.key}`);
    console.log(`api-key-id ${issued.apiKeyId}`);
  });
key
  .command('list <tenantId>')
  .description("list a tenant's keys (prefix, roles, revoked)")
  .action(async (tenantId: string) => {
    const keys = await withModels((models) => models.ApiKey.find({ tenantId }).sort({ createdAt: 1 }).lean());
    console.table(
      keys.map((k) => ({ id: String(k._id), name: k.name, prefix: k.prefix, roles: k.roles.join(','), revoked: k.revokedAt ? k.revokedAt.toISOString() : '' })),
    );
  });
key
  .command('revoke <apiKeyId>')
  .description('revoke a key; requests with it get 401 from then on')
  .action(async (apiKeyId: string) => {
    const result = await withModels((models) => models.ApiKey.updateOne({ _id: apiKeyId, revokedAt: null }, { $set: { revokedAt: new Date() } }));
    if (result.matchedCount === 0) throw new InvalidArgumentError(`no active key ${apiKeyId}`);
    console.log(`revoked ${apiKeyId}`);
  });

try {
  await program.parseAsync();
} catch (error) {
  console.error(`admin: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
