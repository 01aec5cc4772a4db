/**
 * `pnpm start`: everything a person needs to try the product, in one process
 * tree: the database chosen by the connection chain (MONGODB_URI, a real mongod
 * through mongodb-memory-server, or embedded-mongo in a child process), the operational service
 * with its live dashboard, the analytics service (CDC consumer included), a
 * demo tenant with an admin key, and — on an empty database — two years of
 * demo business history.
 *
 * Each line on stdout is `<name> <value>`, so people and scripts can read it:
 *   database mongodb://127.0.0.1:41234/?replicaSet=rs0
 *   engine embedded
 *   operational http://127.0.0.1:4000
 *   dashboard http://127.0.0.1:4000/signin?code=... (one-time sign-in link, valid 10 minutes)
 *   docs http://127.0.0.1:4000/docs
 *   api-key icc_...
 *   demo-data products=500 days=730 orders=... (seeded on first start; DEMO_DATA=off skips)
 *   analytics http://127.0.0.1:4100
 * Progress goes to stderr. Ctrl-C stops all of it.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startEmbeddedMongoProcess } from '@icc/embedded-mongo';
import { analyticsConfig, createLogger, startConfig, startDatabase, type StartedDatabase } from '@icc/shared';
import { startAnalytics } from '@icc/service-analytics';
import { ensureTenant, issueApiKey, issueSignInCode, startOperational, type Models } from '@icc/service-operational';
import { seedDemoIfEmpty } from './src/demo/seed.js';

const DEMO_TENANT = 'demo';
const DEMO_KEY_NAME = 'demo admin (pnpm start)';

const config = startConfig.get();
// The operational service proxies the dashboard's `/analytics/*` calls to where analytics will listen.
const { ANALYTICS_HOST, ANALYTICS_PORT } = analyticsConfig.get();
process.env.ANALYTICS_URL ??= `http://${ANALYTICS_HOST}:${ANALYTICS_PORT}`;
const log = createLogger({ name: 'start', level: config.LOG_LEVEL });
const print = (name: string, value: string) => process.stdout.write(`${name} ${value}\n`);

/** A fresh admin key for the demo tenant; earlier demo keys are revoked so they don't pile up. */
async function demoKey(models: Models): Promise<{ key: string; apiKeyId: string }> {
  await ensureTenant(models, DEMO_TENANT, 'Demo Trading Co.');
  await models.ApiKey.updateMany({ tenantId: DEMO_TENANT, name: DEMO_KEY_NAME, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return issueApiKey(models, DEMO_TENANT, DEMO_KEY_NAME, ['admin']);
}

/**
 * Where this start's services are, for local tools (`pnpm trigger-forecast` reads it when given
 * no --url/--api-key): `.icc/local.json` at the repository root, git-ignored, readable only by
 * its owner since it holds a key.
 */
async function writeLocalConfig(config: { operational: string; analytics: string; apiKey: string; database: string }): Promise<void> {
  const dir = fileURLToPath(new URL('../.icc/', import.meta.url));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Modes given at creation do not change what an earlier start created: set them every time.
  await chmod(dir, 0o700);
  await writeFile(`${dir}local.json`, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(`${dir}local.json`, 0o600);
}

// embedded-mongo's change history (its oplog window). It is one history for both databases, and
// analytics' first start writes ~1.3M events of its own into it (raw events, facts, features of the
// demo's two years) while it backfills: the backfill's start point must outlive them, or the stream
// cannot start there and the backfill runs again. 2M leaves room for a burst of writes on top.
const HISTORY_LIMIT = 2_000_000;

/**
 * The connection chain's database (MONGODB_URI, else a real mongod, else embedded-mongo), with
 * embedded-mongo moved into a process of its own: the demo's ~2M documents with their indexes and
 * change history need more heap than Node's default limit (~4 GB) leaves beside both services, and
 * sharing one heap made the first backfill crawl in garbage collection. Its own process gets a
 * larger heap limit, and its own core.
 */
async function startDemoDatabase(): Promise<StartedDatabase> {
  const chosen = await startDatabase({ log, historyLimit: HISTORY_LIMIT });
  if (chosen.engine !== 'embedded') return chosen;
  await chosen.stop(); // empty: nothing has connected yet
  const engine = await startEmbeddedMongoProcess({ historyLimit: HISTORY_LIMIT, maxHeapMb: engineHeapMb(), log: (line) => log.debug(line) });
  return { uri: engine.uri, engine: 'embedded', stop: () => engine.stop() };
}

/** Half the machine's memory, between Node's usual default and 8 GB (the demo's database peaks at ~6 GB resident). */
function engineHeapMb(): number {
  return Math.round(Math.min(8192, Math.max(4096, totalmem() / 2 / 2 ** 20)));
}

const database = await startDemoDatabase();
const operational = await startOperational({ databaseUri: database.uri, log });
const { key, apiKeyId } = await demoKey(operational.models);

print('database', database.uri);
print('engine', database.engine);
print('operational', operational.url);
// A one-time code, not the key: spent for a session cookie, then redirected away from (no URL or history keeps a secret).
print('dashboard', `${operational.url}/signin?code=${await issueSignInCode(operational.models, apiKeyId)}`);
print('docs', `${operational.url}/docs`);
print('api-key', key);

// eslint-disable-next-line prefer-const -- stop() reads it before it is assigned (Ctrl-C while the demo seeds); a const declared below would throw there (temporal dead zone)
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
print('demo-data', await seedDemoIfEmpty(operational.models, DEMO_TENANT, config.DEMO_DATA));
analytics = await startAnalytics({ databaseUri: database.uri, log });
print('analytics', analytics.url);
await writeLocalConfig({ operational: operational.url, analytics: analytics.url, apiKey: key, database: database.uri });
