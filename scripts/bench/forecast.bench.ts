/**
 * The forecasting engine at scale (issue "Forecasting engine").
 *
 *   pnpm bench:forecast [--sizes 1000,10000,30000] [--days 730] [--horizon 28] [--threads <n>] [--real 1000] [--json]
 *   pnpm bench:forecast --demo <mongodb uri> [--tenant demo] [--analytics-db icc_analytics]
 *
 * Scaling runs: per size, seeded generated demand (smooth, erratic and
 * intermittent SKUs with campaigns and stock-outs) streamed in chunks through
 * the feature function, the forecast pool (backtest, selection, 28-day
 * forecasts with intervals) and `storeForecasts` into embedded-mongo running
 * as its own process. Target: 10,000 SKUs × 730 days in < 60 s.
 * Real path: the same SKUs' feature rows written to the engine, then a
 * training job queued and drained by the product's runner.
 * Demo mode: a job over the demo tenant that `pnpm start` filled, for the
 * accuracy target (median MASE ≥ 10% better than seasonal naive).
 * The report goes to stdout, progress to stderr.
 */
import { availableParallelism, loadavg } from 'node:os';
import { addUtcDays, utcDayKey } from '@icc/shared';
import { MongoClient } from 'mongodb';
import { createForecastPool, type ForecastPool } from '@icc/service-analytics/testing';
import { startEngineProcess } from '../src/bench-kit/child-engine.js';
import { cpuDuring, describeMachine } from '../src/bench-kit/machine.js';
import { runTrainingJob } from '../src/forecast-bench/job-run.js';
import { parseBenchOptions, type ForecastBenchOptions } from '../src/forecast-bench/options.js';
import { phaseProgress } from '../src/forecast-bench/progress.js';
import { timeHistoryReads } from '../src/forecast-bench/read-path.js';
import { watchResources } from '../src/forecast-bench/resources.js';
import { growthOf, renderReport, TARGET_SECONDS_AT_10K, type BenchReport } from '../src/forecast-bench/report.js';
import { runScaling, type ScalingResult } from '../src/forecast-bench/scaling-run.js';
import { seedAnalytics } from '../src/forecast-bench/seed-store.js';

const REAL_TENANT = 'bench';
const REAL_DB = 'bench_forecast_real';
const log = (line: string) => process.stderr.write(`${line}\n`);
/** Every generated history ends here: a fixed, finished day keeps runs comparable (and a job's asOf must be past). */
const LAST_DAY = '2026-10-31';
const trainRequest = (options: ForecastBenchOptions, asOf?: string) => ({ horizon: options.horizon, confidence: 0.95, season: 7, ...(asOf ? { asOf } : {}) });

async function scalingRuns(uri: string, enginePid: number | undefined, pool: ForecastPool, options: ForecastBenchOptions): Promise<ScalingResult[]> {
  const client = await new MongoClient(uri).connect();
  const results: ScalingResult[] = [];
  try {
    for (const skus of options.sizes) {
      // A database per size, dropped afterwards: every size starts from empty collections, and the engine's memory is freed.
      const db = client.db(`bench_forecast_${skus}`);
      const bar = phaseProgress(`scaling ${skus} SKUs`, skus);
      const result = await runScaling(db, pool, enginePid, { ...options, skus, lastDay: LAST_DAY, onProgress: (stored) => bar.update(stored) });
      bar.stop();
      log(`  ${skus} SKUs: ${result.seconds.product.toFixed(1)} s, ${result.skusPerSecond.toFixed(1)} SKUs/s`);
      results.push(result);
      await db.dropDatabase();
    }
  } finally {
    await client.close();
  }
  return results;
}

async function realPath(
  uri: string,
  enginePid: number | undefined,
  pool: ForecastPool,
  options: ForecastBenchOptions,
): Promise<NonNullable<BenchReport['realPath']>> {
  const client = await new MongoClient(uri).connect();
  try {
    const db = client.db(REAL_DB);
    const seeding = phaseProgress(`seeding ${options.real} SKUs`, options.real);
    await seedAnalytics(db, { ...options, tenantId: REAL_TENANT, skus: options.real, lastDay: LAST_DAY, onProgress: (n) => seeding.update(n) });
    seeding.stop();
    const bar = phaseProgress(`real path ${options.real} SKUs`, options.real);
    const watching = watchResources(enginePid);
    const job = await runTrainingJob(db, pool, REAL_TENANT, trainRequest(options, LAST_DAY), (progress) => bar.update(progress.done));
    const resources = watching.stop();
    bar.stop();
    const reads = await cpuDuring({ engine: enginePid }, () => timeHistoryReads(db, REAL_TENANT, LAST_DAY, addUtcDays(LAST_DAY, 1), options.horizon));
    await db.dropDatabase();
    return { ...job, skus: options.real, resources, reads: { ...reads.result, engineCpuSeconds: (reads.cpuMillis['engine'] ?? NaN) / 1000 } };
  } finally {
    await client.close();
  }
}

async function demo(pool: ForecastPool, options: ForecastBenchOptions): Promise<BenchReport['demo']> {
  const { uri, tenant, analyticsDb } = options.demo!;
  const client = await new MongoClient(uri).connect();
  try {
    log(`demo: forecasting tenant ${tenant} in ${analyticsDb} (history up to ${addUtcDays(utcDayKey(new Date()), -1)})`);
    const bar = phaseProgress(`demo ${tenant}`, 0);
    const job = await runTrainingJob(client.db(analyticsDb), pool, tenant, trainRequest(options), (progress) => {
      bar.setTotal(progress.total);
      bar.update(progress.done);
    });
    bar.stop();
    return job;
  } finally {
    await client.close();
  }
}

/**
 * Each worker thread loads the engine (through tsx, from source) when it
 * starts, which takes seconds on a busy machine: one empty task per thread
 * first, so no measured run pays for it.
 */
async function warmUp(pool: ForecastPool): Promise<void> {
  const settings = { season: 7, horizon: 28, confidence: 0.95 };
  await Promise.all(Array.from({ length: pool.threads }, () => pool.run({ items: [], settings })));
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const loadAverageAtStart = loadavg();
  log(`forecast bench — ${describeMachine()}, load ${loadAverageAtStart[0]!.toFixed(2)}`);
  const pool = createForecastPool({ threads: options.threads });
  await warmUp(pool);
  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    node: process.version,
    cores: availableParallelism(),
    loadAverageAtStart,
    loadAverageAtEnd: [],
    options: {
      sizes: options.sizes,
      days: options.days,
      horizon: options.horizon,
      threads: options.threads,
      real: options.real,
      seed: options.seed,
      demo: options.demo,
    },
    scaling: [],
    growth: [],
    target10k: null,
    realPath: null,
    demo: null,
  };
  try {
    if (options.demo) {
      report.demo = await demo(pool, options);
    } else {
      const engine = await startEngineProcess();
      try {
        report.scaling = await scalingRuns(engine.uri, engine.child.pid, pool, options);
        report.growth = growthOf(report.scaling);
        const at10k = report.scaling.find((run) => run.skus === 10_000);
        if (at10k) report.target10k = { seconds: at10k.seconds.product, met: at10k.seconds.product < TARGET_SECONDS_AT_10K };
        if (options.real > 0) report.realPath = await realPath(engine.uri, engine.child.pid, pool, options);
      } finally {
        await engine.stop();
      }
    }
  } finally {
    await pool.close();
  }
  report.loadAverageAtEnd = loadavg();
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
}

await main();
