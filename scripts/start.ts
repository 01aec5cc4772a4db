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
 *   data /…/.icc/data (where the database keeps its data between starts)
 *   operational http://127.0.0.1:4000
 *   dashboard http://127.0.0.1:4000/signin?code=... (one-time sign-in link, valid 10 minutes)
 *   docs http://127.0.0.1:4000/docs
 *   api-key icc_...
 *   demo-data products=500 days=730 orders=... (seeded on first start; DEMO_DATA=off skips)
 *   analytics http://127.0.0.1:4100
 * Progress goes to stderr. Ctrl-C (or SIGTERM) stops analytics, then the
 * operational service, then the database (embedded-mongo writes a checkpoint).
 *
 * The data stays between starts: embedded-mongo (or memory-server's mongod)
 * keeps it in `.icc/data/` (ICC_DATA_DIR), so a second start finds the demo in
 * place, analytics resumes its change stream where it stopped, and the demo
 * key kept in `.icc/local.json` (ICC_LOCAL_CONFIG) still works. `--fresh`
 * deletes the data directory and starts over.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmbeddedMongoProcess } from '@icc/embedded-mongo';
import { analyticsConfig, createLogger, hashApiKey, startConfig, startDatabase, type StartedDatabase } from '@icc/shared';
import type * as AnalyticsModule from '@icc/service-analytics';
import type * as OperationalModule from '@icc/service-operational';
import type { Models } from '@icc/service-operational';

const DEMO_TENANT = 'demo';
const DEMO_KEY_NAME = 'demo admin (pnpm start)';
const USAGE = `usage: pnpm start [--fresh]

  --fresh   delete the data directory (ICC_DATA_DIR, default .icc/data) and start over
`;

const flags = ((): { fresh: boolean; help: boolean } => {
  try {
    return parseArgs({ options: { fresh: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } }, strict: true }).values;
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
})();
if (flags.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const config = startConfig.get();
// The operational service proxies the dashboard's `/analytics/*` calls to where analytics will listen.
const { ANALYTICS_HOST, ANALYTICS_PORT } = analyticsConfig.get();
process.env.ANALYTICS_URL ??= `http://${ANALYTICS_HOST}:${ANALYTICS_PORT}`;
const log = createLogger({ name: 'start', level: config.LOG_LEVEL });
const print = (name: string, value: string) => process.stdout.write(`${name} ${value}\n`);
const repoFile = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const dataDir = resolve(config.ICC_DATA_DIR ?? repoFile('.icc/data'));
const localConfigPath = resolve(config.ICC_LOCAL_CONFIG ?? repoFile('.icc/local.json'));
/** Present while the demo history is being imported: a start interrupted then leaves it behind. */
const demoImportMarker = join(dataDir, 'demo-import-incomplete');

interface LocalConfig {
  operational: string;
  analytics: string;
  apiKey: string;
  database: string;
}

/**
 * The demo tenant's admin key: the one `.icc/local.json` holds, if it is still an unrevoked admin key
 * of the demo tenant in this database (a restart on the same data); else a new one, and the earlier
 * demo keys are revoked so they don't pile up.
 */
async function demoKey({ ensureTenant, issueApiKey }: typeof OperationalModule, models: Models): Promise<{ key: string; apiKeyId: string; reused: boolean }> {
  await ensureTenant(models, DEMO_TENANT, 'Demo Trading Co.');
  const kept = (await readLocalConfig())?.apiKey;
  if (kept) {
    const stored = await models.ApiKey.findOne({ keyHash: hashApiKey(kept), tenantId: DEMO_TENANT, roles: 'admin', revokedAt: null }).lean();
    if (stored) return { key: kept, apiKeyId: String(stored._id), reused: true };
  }
  await models.ApiKey.updateMany({ tenantId: DEMO_TENANT, name: DEMO_KEY_NAME, revokedAt: null }, { $set: { revokedAt: new Date() } });
  return { ...(await issueApiKey(models, DEMO_TENANT, DEMO_KEY_NAME, ['admin'])), reused: false };
}

async function readLocalConfig(): Promise<Partial<LocalConfig> | null> {
  try {
    const parsed = JSON.parse(await readFile(localConfigPath, 'utf8')) as Partial<LocalConfig> | null;
    return parsed !== null && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null; // none yet, or not ours to read: a new key is issued
  }
}

/**
 * Where this start's services are, for local tools (`pnpm trigger-forecast` reads it when given
 * no --url/--api-key): `.icc/local.json` at the repository root, git-ignored, readable only by
 * its owner since it holds a key.
 */
async function writeLocalConfig(local: LocalConfig): Promise<void> {
  const dir = dirname(localConfigPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Modes given at creation do not change what an earlier start created: set them every time.
  await chmod(dir, 0o700);
  await writeFile(localConfigPath, `${JSON.stringify(local, null, 2)}\n`, { mode: 0o600 });
  await chmod(localConfigPath, 0o600);
}

/** `--fresh`: the data directory goes, unless an engine still runs on it (its lock file names a live pid). */
async function deleteDataDir(): Promise<void> {
  for (const lock of [join(dataDir, 'embedded', 'embedded-mongo.lock'), join(dataDir, 'mongod', 'mongod.lock')]) {
    const pid = Number.parseInt(existsSync(lock) ? (await readFile(lock, 'utf8')).trim() : '', 10);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isRunning(pid)) {
      throw new Error(`--fresh: ${dataDir} is in use by a running database (pid ${pid}, ${lock}); stop the other pnpm start first`);
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  log.warn({ dataDir }, 'start: --fresh, data directory deleted');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// embedded-mongo's change history (its oplog window). It is one history for both databases, and
// analytics' first start writes ~1.3M events of its own into it (raw events, facts, features of the
// demo's two years) while it backfills: the backfill's start point must outlive them, or the stream
// cannot start there and the backfill runs again. 2M leaves room for a burst of writes on top.
// A durable engine keeps the history across restarts, so analytics' resume token stays valid.
const HISTORY_LIMIT = 2_000_000;

/**
 * The connection chain's database (MONGODB_URI, else a real mongod, else embedded-mongo), with
 * embedded-mongo moved into a process of its own: the demo's ~2M documents with their indexes and
 * change history need more heap than Node's default limit (~4 GB) leaves beside both services, and
 * sharing one heap made the first backfill crawl in garbage collection. Its own process gets a
 * larger heap limit, and its own core. Both local engines keep their data under `dataDir`.
 */
async function startDemoDatabase(): Promise<StartedDatabase> {
  const chosen = await startDatabase({ log, historyLimit: HISTORY_LIMIT, memoryServerDbPath: join(dataDir, 'mongod') });
  if (chosen.engine === 'uri') log.warn('start: MONGODB_URI is set, so the data lives there (ICC_DATA_DIR and --fresh do not apply to it)');
  if (chosen.engine !== 'embedded') return chosen;
  await chosen.stop(); // empty: nothing has connected yet
  const dbpath = join(dataDir, 'embedded');
  await mkdir(dbpath, { recursive: true, mode: 0o700 });
  const engine = await startEmbeddedMongoProcess({
    historyLimit: HISTORY_LIMIT,
    maxHeapMb: engineHeapMb(),
    dbpath,
    checkpointBytes: config.ICC_CHECKPOINT_MB * 2 ** 20,
    log: (line) => log.debug(line),
  });
  return { uri: engine.uri, engine: 'embedded', stop: () => engine.stop() };
}

/** Half the machine's memory, between Node's usual default and 8 GB (the demo's database peaks at ~6 GB resident). */
function engineHeapMb(): number {
  return Math.round(Math.min(8192, Math.max(4096, totalmem() / 2 / 2 ** 20)));
}

// Stopped in reverse order of starting, whichever have started when the signal comes.
/* eslint-disable prefer-const -- stop() reads them before they are assigned (a signal while starting); consts declared below would throw there (temporal dead zone) */
let database: StartedDatabase | undefined;
let operational: Awaited<ReturnType<(typeof OperationalModule)['startOperational']>> | undefined;
let analytics: Awaited<ReturnType<(typeof AnalyticsModule)['startAnalytics']>> | undefined;
/* eslint-enable prefer-const */
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  let code = 0;
  for (const [name, part] of [
    ['analytics', analytics],
    ['operational', operational],
    ['database', database],
  ] as const) {
    try {
      await part?.stop();
    } catch (error) {
      code = 1;
      log.error({ err: error }, `stopping ${name} failed`);
    }
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));

if (flags.fresh) await deleteDataDir();
// The services' modules load while the database starts in its own process: a restart waits for
// the slower of the two rather than both, one after the other.
const modules = Promise.all([import('@icc/service-operational'), import('@icc/service-analytics'), import('./src/demo/seed.js')]);
database = await startDemoDatabase();
const [operationalModule, { startAnalytics }, { seedDemoIfEmpty }] = await modules;
const { issueSignInCode, startOperational } = operationalModule;
operational = await startOperational({ databaseUri: database.uri, log });
const { key, apiKeyId, reused } = await demoKey(operationalModule, operational.models);
// Written now as well, so a start stopped before analytics is up still keeps its key for the next one.
await writeLocalConfig({ operational: operational.url, analytics: process.env.ANALYTICS_URL, apiKey: key, database: database.uri });

print('database', database.uri);
print('engine', database.engine);
print('data', database.engine === 'uri' ? 'MONGODB_URI' : dataDir);
print('operational', operational.url);
// A one-time code, not the key: spent for a session cookie, then redirected away from (no URL or history keeps a secret).
print('dashboard', `${operational.url}/signin?code=${await issueSignInCode(operational.models, apiKeyId)}`);
print('docs', `${operational.url}/docs`);
print('api-key', key);
log.info({ reused }, reused ? 'start: the demo key from the last start still works' : 'start: issued a new demo key');

// Two years of history go in before analytics starts: analytics then reads the finished history
// once (its first-start backfill) instead of chasing an import that writes faster than it streams.
// A non-empty database is kept as it is (a restart); an import that was interrupted says so.
if (existsSync(demoImportMarker)) {
  print('demo-data', 'incomplete (an earlier import was interrupted; pnpm start --fresh imports it again)');
} else {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await writeFile(demoImportMarker, `${new Date().toISOString()}\n`);
  const summary = await seedDemoIfEmpty(operational.models, DEMO_TENANT, config.DEMO_DATA);
  await rm(demoImportMarker, { force: true });
  print('demo-data', summary);
}
analytics = await startAnalytics({ databaseUri: database.uri, log });
print('analytics', analytics.url);
await writeLocalConfig({ operational: operational.url, analytics: analytics.url, apiKey: key, database: database.uri });
