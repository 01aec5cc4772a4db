/**
 * `pnpm start`: everything a person needs to try the product, in one process
 * tree: the database chosen by the connection chain (MONGODB_URI, a real mongod
 * through mongodb-memory-server, or embedded-mongo), the operational service
 * with its live dashboard, the analytics service (CDC consumer included), a
 * demo tenant with an admin key, and — on an empty database — two years of
 * demo business history.
 *
 * Each line on stdout is `<name> <value>`, so people and scripts can read it:
 *   database mongodb://127.0.0.1:41234/?replicaSet=rs0
 *   engine embedded
 *   operational http://127.0.0.1:4000
 *   dashboard http://127.0.0.1:4000/?key=icc_...
 *   docs http://127.0.0.1:4000/docs
 *   api-key icc_...
 *   demo-data products=500 days=730 orders=... (seeded on first start; DEMO_DATA=off skips)
 *   analytics http://127.0.0.1:4100
 * Progress goes to stderr. Ctrl-C stops all of it.
 */
import { createLogger, startDatabase } from '@icc/shared';
import { startAnalytics } from '@icc/service-analytics';
import { ensureTenant, issueApiKey, startOperational, type Models } from '@icc/service-operational';
import { seedDemoIfEmpty } from './src/demo/seed.js';

const DEMO_TENANT = 'demo';
const DEMO_KEY_NAME = 'demo admin (pnpm start)';

const log = createLogger({ name: 'start', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'warn' });
const print = (name: string, value: string) => process.stdout.write(`${name} ${value}\n`);

/** A fresh admin key for the demo tenant; earlier demo keys are revoked so they don't pile up. */
async function demoKey(models: Models): Promise<string> {
  await ensureTenant(models, DEMO_TENANT, 'Demo Trading Co.');
  await models.ApiKey.updateMany({ tenantId: DEMO_TENANT, name: DEMO_KEY_NAME, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return (await issueApiKey(models, DEMO_TENANT, DEMO_KEY_NAME, ['admin'])).key;
}

// A generous change history (embedded-mongo's oplog window) so analytics can fall well behind a
// burst of writes and still resume rather than re-read everything.
const database = await startDatabase({ log, historyLimit: 1_000_000 });
const operational = await startOperational({ databaseUri: database.uri, log });
const key = await demoKey(operational.models);

print('database', database.uri);
print('engine', database.engine);
print('operational', operational.url);
print('dashboard', `${operational.url}/?key=${key}`);
print('docs', `${operational.url}/docs`);
print('api-key', key);

let analytics: Awaited<ReturnType<typeof startAnalytics>> | undefined;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await analytics?.stop();
  await operational.stop();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

// Two years of history go in before analytics starts: analytics then reads the finished history
// once (its first-start backfill) instead of chasing an import that writes faster than it streams.
print('demo-data', await seedDemoIfEmpty(operational.models, DEMO_TENANT));
analytics = await startAnalytics({ databaseUri: database.uri, log });
print('analytics', analytics.url);
