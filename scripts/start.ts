/**
 * `pnpm start`: everything a person needs to try the product, in one process
 * tree. Starts the database chosen by the connection chain (MONGODB_URI, a real
 * mongod through mongodb-memory-server, or embedded-mongo), the operational
 * service, and a demo tenant with an admin key. Analytics, demo data and the
 * dashboard join as their issues land.
 *
 * Each line on stdout is `<name> <value>`, so people and scripts can read it:
 *   database mongodb://127.0.0.1:41234/?replicaSet=rs0
 *   operational http://127.0.0.1:4000
 *   docs http://127.0.0.1:4000/docs
 *   api-key icc_...
 * Ctrl-C stops all of it.
 */
import { createLogger, startDatabase } from '@icc/shared';
import { ensureTenant, issueApiKey, startOperational, type Models } from '@icc/service-operational';

const DEMO_TENANT = 'demo';
const DEMO_KEY_NAME = 'demo admin (pnpm start)';

const log = createLogger({ name: 'start', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn' });

/** A fresh admin key for the demo tenant; earlier demo keys are revoked so they don't pile up. */
async function demoKey(models: Models): Promise<string> {
  await ensureTenant(models, DEMO_TENANT, 'Demo Trading Co.');
  await models.ApiKey.updateMany({ tenantId: DEMO_TENANT, name: DEMO_KEY_NAME, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return (await issueApiKey(models, DEMO_TENANT, DEMO_KEY_NAME, ['admin'])).key;
}

const database = await startDatabase({ log });
const operational = await startOperational({ databaseUri: database.uri, log });
const key = await demoKey(operational.models);

const print = (name: string, value: string) => process.stdout.write(`${name} ${value}\n`);
print('database', database.uri);
print('engine', database.engine);
print('operational', operational.url);
print('docs', `${operational.url}/docs`);
print('api-key', key);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await operational.stop();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
