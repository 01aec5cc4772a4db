/**
 * `pnpm start` on a fresh database, measured end to end: the demo is seeded
 * (500 products × 730 days), then the analytics service starts and its CDC
 * consumer backfills every operational document before it streams. Reports
 * the backfill's time and documents per second, how many documents the
 * engine examined per backfilled document (serverStatus), memory and CPU of
 * `pnpm start` and of the database process, and how long a Ctrl-C (SIGINT to
 * the process group, as a terminal sends it) took to stop everything.
 * Then, as a user would (`pnpm trigger-forecast`), asks for forecasts of every SKU and follows the
 * job to its end: "ready with forecasts" is first start to that job completed (the job waits for
 * the feature work the backfill queued, so it covers the features too).
 * Then `pnpm start` again on the same data directory: the time until analytics is
 * ready (no import, no backfill: it must resume its change stream), whether it
 * backfilled, and the database process's resident memory holding the demo.
 * The data directory is a temporary one (ICC_DATA_DIR), removed at the end.
 *
 *   pnpm exec tsx --conditions=source scripts/bench/start-backfill.bench.ts [--every 10] [--json] [--keep]
 *
 * Progress lines go to stderr while it runs; the machine's load changes the
 * figures, so compare runs on one machine (CPU seconds vary less than time).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { describeMachine, processCpuMillis } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    every: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    /** Leave the data directory in place (its path goes to stderr). */
    keep: { type: 'boolean', default: false },
  },
});
const EVERY_MS = Number(flags.every) * 1000;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** Resident memory of a process in MB (Linux), or null. */
function rssMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : null;
  } catch {
    return null;
  }
}

interface CdcStatus {
  state: string;
  eventsProcessed: number;
  lagSeconds: number | null;
}

/**
 * `/ready/details` (the demo key is an admin): 200 once CDC streams within its lag budget; the
 * body carries the CDC status either way (bare `/ready` says only a status word, for anyone).
 */
async function readiness(analyticsUrl: string, apiKey: string): Promise<{ ready: boolean; cdc: CdcStatus | null }> {
  const response = await fetch(`${analyticsUrl}/ready/details`, { headers: { 'x-api-key': apiKey } });
  const body = (await response.json()) as { cdc?: CdcStatus | null; details?: CdcStatus };
  return { ready: response.status === 200, cdc: body.cdc ?? body.details ?? null };
}

/** The parts of `serverStatus` read here. */
interface ServerStatusReply {
  pid: number;
  metrics?: { queryExecutor?: { scannedObjects?: number } };
}

/** Documents examined by queries so far, and the database's process (pnpm start's child, or itself). */
async function serverStatus(client: MongoClient): Promise<{ examined: number; pid: number }> {
  const status = (await client.db('admin').command({ serverStatus: 1 })) as ServerStatusReply;
  return { examined: Number(status.metrics?.queryExecutor?.scannedObjects ?? 0), pid: Number(status.pid) };
}

/** A temporary home for this run's data and key, so the bench neither reads nor clobbers `.icc/`. */
const home = mkdtempSync(join(tmpdir(), 'icc-bench-start-'));
const startEnv = { ...process.env, OPERATIONAL_PORT: '0', ANALYTICS_PORT: '0', ICC_DATA_DIR: join(home, 'data'), ICC_LOCAL_CONFIG: join(home, 'local.json') };

/** `pnpm start` in its own process group, so a Ctrl-C reaches it the way a terminal's does; its `name value` lines as they come. */
function launch(label: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'scripts/start.ts'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
    env: startEnv,
  });
  // Should this script die first, pnpm start must not outlive it.
  process.once('exit', () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
  });
  const printed = new Map<string, { value: string; atMs: number }>();
  const waiters = new Map<string, () => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    const [name, ...rest] = text.split(' ');
    if (!name) return;
    printed.set(name, { value: rest.join(' '), atMs: performance.now() });
    if (name !== 'api-key' && name !== 'dashboard') progress(`${label}: ${text}`);
    waiters.get(name)?.();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const line = (name: string) =>
    new Promise<string>((resolve, reject) => {
      const seen = printed.get(name);
      if (seen) return resolve(seen.value);
      waiters.set(name, () => resolve(printed.get(name)!.value));
      void exited.then((code) => reject(new Error(`pnpm start exited (${code}) before printing "${name}"`)));
    });
  return { child, printed, exited, line };
}

const started = performance.now();
const first = launch('start');
const { child: start, printed, exited, line } = first;

const databaseUri = await line('database');
const client = await new MongoClient(databaseUri).connect();
const enginePid = (await serverStatus(client)).pid;
const separateEngine = enginePid !== start.pid ? enginePid : undefined;
const analyticsUrl = await line('analytics');
const apiKey = await line('api-key');
const seededAt = printed.get('demo-data')!.atMs;
const cpuAtSeeded = { start: processCpuMillis(start.pid) ?? 0, engine: processCpuMillis(separateEngine) ?? 0 };

interface Sample {
  atS: number;
  state: string;
  events: number;
  docsPerS: number;
  examinedPerDoc: number | null;
  rssMb: number | null;
  engineRssMb: number | null;
}
const samples: Sample[] = [];
let previous = { at: seededAt, events: 0, examined: (await serverStatus(client)).examined };
// Set when CDC streams; the loop below only ends then.
let readyAt: number;
let final: CdcStatus;
for (;;) {
  const { ready, cdc } = await readiness(analyticsUrl, apiKey);
  const now = performance.now();
  const docsExamined = (await serverStatus(client)).examined;
  const events = cdc?.eventsProcessed ?? 0;
  const delta = events - previous.events;
  const sample: Sample = {
    atS: seconds(now - seededAt),
    state: cdc?.state ?? 'unknown',
    events,
    docsPerS: Math.round(delta / ((now - previous.at) / 1000)),
    examinedPerDoc: delta > 0 ? Math.round((docsExamined - previous.examined) / delta) : null,
    rssMb: rssMb(start.pid),
    engineRssMb: rssMb(separateEngine),
  };
  samples.push(sample);
  progress(
    `+${sample.atS}s ${sample.state} docs=${events} ${sample.docsPerS}/s examined/doc=${sample.examinedPerDoc ?? '-'} rss=${sample.rssMb}MB` +
      (separateEngine ? ` database=${sample.engineRssMb}MB` : ''),
  );
  previous = { at: now, events, examined: docsExamined };
  if (ready && cdc?.state === 'streaming') {
    readyAt = now;
    final = cdc;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
}
await client.close();
const backfillCpuS = seconds((processCpuMillis(start.pid) ?? 0) - cpuAtSeeded.start + (processCpuMillis(separateEngine) ?? 0) - cpuAtSeeded.engine);
// After the backfill's CPU is read: the forecast job (and the features it waits for) is not the backfill.
const forecasts = await firstForecasts(analyticsUrl, apiKey);

// Ctrl-C: everything must stop, promptly — the database process too.
const interruptedAt = performance.now();
process.kill(-start.pid!, 'SIGINT');
const exitCode = await exited;
const stopMs = performance.now() - interruptedAt;
const databaseStopped = separateEngine === undefined || !isRunning(separateEngine);

// The same data directory again: ready when analytics streams; it must not have backfilled.
const restartedAt = performance.now();
const second = launch('restart');
const restartAnalytics = await second.line('analytics');
const restartKey = await second.line('api-key');
const restartClient = await new MongoClient(await second.line('database')).connect();
const restartEngine = (await serverStatus(restartClient)).pid;
let restart: { readyS: number; state: string; eventsProcessed: number; cpuS: number };
const restartStates = new Set<string>();
for (;;) {
  const { ready, cdc } = await readiness(restartAnalytics, restartKey);
  restartStates.add(cdc?.state ?? 'unknown');
  if (ready && cdc?.state === 'streaming') {
    const cpuMs = (processCpuMillis(second.child.pid) ?? 0) + (restartEngine === second.child.pid ? 0 : (processCpuMillis(restartEngine) ?? 0));
    restart = { readyS: seconds(performance.now() - restartedAt), state: cdc.state, eventsProcessed: cdc.eventsProcessed, cpuS: seconds(cpuMs) };
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}
await restartClient.close();
const restartDatabaseRssMb = rssMb(restartEngine === second.child.pid ? undefined : restartEngine);
process.kill(-second.child.pid!, 'SIGINT');
await second.exited;
if (flags.keep) progress(`data directory kept: ${home}`);
else rmSync(home, { recursive: true, force: true });

const backfillS = seconds(readyAt - seededAt);
const result = {
  machine: describeMachine(),
  separateDatabaseProcess: separateEngine !== undefined,
  seedS: seconds(seededAt - started),
  backfillS,
  documents: final.eventsProcessed,
  docsPerS: Math.round(final.eventsProcessed / backfillS),
  backfillCpuS,
  forecastJobS: seconds(forecasts.atMs - readyAt),
  readyWithForecastsS: seconds(forecasts.atMs - started),
  forecastJob: forecasts.job,
  peakRssMb: Math.max(...samples.map((s) => s.rssMb ?? 0)),
  peakDatabaseRssMb: separateEngine ? Math.max(...samples.map((s) => s.engineRssMb ?? 0)) : null,
  stopS: seconds(stopMs),
  exitCode,
  databaseStopped,
  restartReadyS: restart.readyS,
  restartCpuS: restart.cpuS,
  restartSameKey: restartKey === apiKey,
  restartDemoData: second.printed.get('demo-data')?.value ?? null,
  restartBackfilled: restartStates.has('backfilling'),
  restartDatabaseRssMb,
  samples,
};
if (flags.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(
    [
      `machine       ${result.machine}`,
      `seed          ${result.seedS} s`,
      `backfill      ${result.backfillS} s until /ready (CDC streaming), ${result.documents} documents, ${result.docsPerS} docs/s`,
      `forecasts     job ${result.forecastJobS} s after /ready, ${result.forecastJob.status} ${JSON.stringify(result.forecastJob.progress)}`,
      `first start   ${result.readyWithForecastsS} s to analytics ready with forecasts (seed + backfill + features + forecast job)`,
      `backfill CPU  ${result.backfillCpuS} s (all processes; steadier than wall time on a shared machine)`,
      `memory        peak RSS ${result.peakRssMb} MB (pnpm start)${separateEngine ? `, ${result.peakDatabaseRssMb} MB (its database process)` : ''}`,
      `Ctrl-C        stopped in ${result.stopS} s, exit code ${exitCode}${databaseStopped ? '' : ', DATABASE PROCESS STILL RUNNING'}`,
      `restart       ${result.restartReadyS} s to /ready on the same data, ${result.restartCpuS} s CPU (pnpm start and its database process)`,
      `              demo-data ${result.restartDemoData}; ${result.restartBackfilled ? 'BACKFILLED AGAIN' : 'resumed, no backfill'}; ${result.restartSameKey ? 'same' : 'NEW'} key`,
      `restart memory ${result.restartDatabaseRssMb ?? '-'} MB resident (the database process, holding the demo)`,
    ].join('\n') + '\n',
  );
}

/** Ask for forecasts of every SKU (`pnpm trigger-forecast`'s request) and wait until the job is done. */
async function firstForecasts(url: string, key: string): Promise<{ atMs: number; job: { status: string; progress: unknown } }> {
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const accepted = await fetch(`${url}/api/models/train`, { method: 'POST', headers, body: '{}' });
  if (!accepted.ok) throw new Error(`POST /api/models/train answered ${accepted.status}: ${await accepted.text()}`);
  const { jobId } = (await accepted.json()) as { jobId: string };
  for (;;) {
    const job = (await (await fetch(`${url}/api/models/status/${jobId}`, { headers })).json()) as { status: string; progress: unknown };
    if (job.status === 'completed' || job.status === 'failed') {
      progress(`forecasts: job ${job.status} ${JSON.stringify(job.progress)}`);
      return { atMs: performance.now(), job };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Whether a process exists (signal 0 checks without signalling). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
