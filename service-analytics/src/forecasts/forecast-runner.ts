import { addUtcDays, leasedJobs, pollLoop, retry, silentLogger, sleep, type BackgroundLogger, type Lease } from '@icc/shared';
import type { Db } from 'mongodb';
import { summariseJob, tallyOutcomes } from './job-summary.js';
import { featureWorkQueuedBefore } from '../features/feature-queue.js';
import { FORECAST_COLLECTIONS, type TrainingJobDocument } from './forecast-collections.js';
import { scorePastForecasts } from './forecast-accuracy.js';
import type { ForecastOutcome, ForecastSettings, ForecastTaskItem } from './forecast-compute.js';
import { averageDiscounts, futureFlags, readHistories, skusWithHistory, tenantCampaigns } from './forecast-history.js';
import type { ForecastPool } from './forecast-pool.js';
import { storeForecasts } from './forecast-store.js';
import { announceForecasts } from './live-outbox.js';
import { updateTenantCampaignEffect } from './campaign-effects.js';

export interface ForecastRunnerOptions {
  db: Db;
  pool: ForecastPool;
  log?: BackgroundLogger;
  /** A running job whose heartbeat is older than this is taken over (its runner died). */
  leaseMs?: number;
  /** How often an idle runner looks for queued jobs (it is also woken by `notify`). */
  pollMs?: number;
  /** SKUs read, forecast and stored together. */
  chunkSize?: number;
  /**
   * Longest wait, before a job starts, for the feature work of facts
   * committed before it was asked for (after a backfill: about a minute).
   * Past it the job runs on the features there are, with a warning. Default 10 min.
   */
  featureWaitMs?: number;
  now?: () => Date;
}

export interface ForecastRunner {
  start(): void;
  /** A job was queued: look now instead of at the next poll. */
  notify(): void;
  /** Claim and run queued jobs until none is left; resolves with how many ran (tests, benchmarks, scripts). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_POLL_MS = 1_000;
const DEFAULT_CHUNK = 200;
/** SKUs per worker task. */
const TASK_SIZE = 25;
/** A chunk that fails (the database went away…) is tried this often (200 ms, then 400 ms apart) before the job fails. */
const CHUNK_ATTEMPTS = 3;
const DEFAULT_FEATURE_WAIT_MS = 10 * 60_000;
const FEATURE_POLL_MS = 250;

/**
 * The forecast job runner: claims queued training jobs one at a time, waits
 * until the features include every sale committed before the job was asked
 * for, and runs each SKU chunk by chunk — read histories from the feature store, score the
 * SKUs' past forecasts against the actuals that arrived (accuracy tracking),
 * forecast them on the worker pool, store models and forecasts, then record
 * progress with a heartbeat. Progress names the last SKU done, so a job whose
 * runner died is taken over after the lease and resumes after it; storage is
 * idempotent, so the chunk in flight at the crash is simply redone.
 */
export function createForecastRunner(options: ForecastRunnerOptions): ForecastRunner {
  const { db, pool } = options;
  const log = options.log ?? silentLogger;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const featureWaitMs = options.featureWaitMs ?? DEFAULT_FEATURE_WAIT_MS;
  const now = options.now ?? (() => new Date());
  const jobs = leasedJobs(db.collection<TrainingJobDocument>(FORECAST_COLLECTIONS.trainingJobs), {
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    log,
    jobName: 'forecast job',
    now,
  });
  const stopping = new AbortController();
  let draining: Promise<number> = Promise.resolve(0);

  /**
   * Record a chunk's results; false when another runner took the job over (our lease lapsed).
   * The per-SKU MASE lists only grow: the chunk's new entries (from `stored` on) are appended,
   * not the whole lists rewritten, so a job's progress writes stay the same size chunk after chunk.
   */
  function saveProgress(lease: Lease<TrainingJobDocument>, stored: number): Promise<boolean> {
    const { job } = lease;
    const { mase, seasonalNaiveMase, ...rest } = job.tally;
    return lease.heartbeat({
      $set: {
        progress: job.progress,
        'tally.models': rest.models,
        'tally.failures': rest.failures,
        'tally.skipped': rest.skipped,
        'tally.forecastSample': rest.forecastSample,
        resumeAfter: job.resumeAfter,
      },
      $push: { 'tally.mase': { $each: mase.slice(stored) }, 'tally.seasonalNaiveMase': { $each: seasonalNaiveMase.slice(stored) } },
    });
  }

  /**
   * Wait until the features include every fact committed before the job was
   * asked for (the feature worker runs beside the CDC consumer, up to a
   * second behind it, and a minute or so after a backfill), keeping the
   * job's lease meanwhile. False when another runner took the job over.
   */
  async function waitForFeatures(lease: Lease<TrainingJobDocument>): Promise<boolean> {
    const { job } = lease;
    const deadline = Date.now() + featureWaitMs;
    let since: Date | null = null;
    while (!stopping.signal.aborted && Date.now() <= deadline && (await featureWorkQueuedBefore(db, job.createdAt))) {
      since ??= now();
      // The status API shows the wait (trigger-forecast says so); the heartbeat keeps the lease.
      if (!(await lease.heartbeat({ $set: { waitingForFeaturesSince: since } }))) return false;
      await sleep(FEATURE_POLL_MS, stopping.signal);
    }
    if (since === null) return true;
    if (!stopping.signal.aborted && Date.now() > deadline)
      log.warn({ jobId: job._id, waitedMs: featureWaitMs }, 'forecast job starts before the features caught up with it');
    return lease.heartbeat({ $set: { waitingForFeaturesSince: null } });
  }

  async function runJob(lease: Lease<TrainingJobDocument>): Promise<void> {
    const { job } = lease;
    const { tenantId, request } = job;
    if (!(await waitForFeatures(lease))) return; // taken over by another runner (logged by the lease)
    if (stopping.signal.aborted) return; // left running: the next runner resumes it once the lease lapses
    const settings: ForecastSettings = { season: request.season, horizon: request.horizon, confidence: request.confidence };
    const forecastDate = addUtcDays(request.asOf, 1);
    const skus = request.skus ?? (await skusWithHistory(db, tenantId));
    job.progress.total = skus.length;
    const todo = skus.filter((sku) => job.resumeAfter === null || sku > job.resumeAfter);
    const campaigns = await tenantCampaigns(db, tenantId);
    const averageDiscount = averageDiscounts(campaigns, request.asOf);
    log.info({ jobId: job._id, tenantId, skus: skus.length, remaining: todo.length }, 'forecast job running');

    const chunks: string[][] = [];
    for (let i = 0; i < todo.length; i += chunkSize) chunks.push(todo.slice(i, i + chunkSize));
    const retrying = {
      attempts: CHUNK_ATTEMPTS,
      delayMs: (attempt: number) => 200 * attempt,
      onRetry: (error: unknown, attempt: number) => log.warn({ jobId: job._id, attempt, err: error }, 'forecast chunk failed, retrying'),
    };
    // The next chunk's reads run while the pool forecasts this one: the threads never wait for the database.
    let prepared = chunks.length > 0 ? retry(() => prepareChunk(chunks[0]!), retrying) : null;
    for (let c = 0; c < chunks.length && !stopping.signal.aborted; c += 1) {
      const chunk = chunks[c]!;
      const input = await prepared!;
      prepared = c + 1 < chunks.length ? retry(() => prepareChunk(chunks[c + 1]!), retrying) : null;
      // A prefetch that fails while this chunk runs is awaited (and reported) on the next turn, not here.
      prepared?.catch(() => undefined);
      const outcomes = await retry(() => forecastChunk(chunk, input), retrying);
      const stored = job.tally.mase.length;
      tallyOutcomes(job, outcomes);
      job.resumeAfter = chunk[chunk.length - 1]!;
      if (!(await saveProgress(lease, stored))) return; // taken over by another runner (logged by the lease)
    }
    if (stopping.signal.aborted) return; // left running: the next runner resumes it once the lease lapses

    /** Read the chunk's histories and regressors, and score its past forecasts against the actuals read. */
    async function prepareChunk(chunk: readonly string[]): Promise<ForecastTaskItem[]> {
      const histories = await readHistories(db, tenantId, chunk, request.asOf, campaigns);
      await scorePastForecasts(db, tenantId, histories, request.asOf, now());
      const flags = futureFlags([...histories.keys()], forecastDate, request.horizon, campaigns);
      return [...histories.values()].map((h) => ({ sku: h.sku, series: h.series, future: flags.get(h.sku)! }));
    }

    async function forecastChunk(chunk: readonly string[], items: readonly ForecastTaskItem[]): Promise<ForecastOutcome[]> {
      const tasks: Promise<ForecastOutcome[]>[] = [];
      // Small tasks: a thread that drew slow SKUs does not hold the chunk up while the others idle.
      for (let j = 0; j < items.length; j += TASK_SIZE) tasks.push(pool.run({ items: items.slice(j, j + TASK_SIZE), settings }));
      const outcomes = (await Promise.all(tasks)).flat();
      const forecastSkus = new Set(items.map((item) => item.sku));
      const missing = chunk
        .filter((sku) => !forecastSkus.has(sku))
        .map((sku): ForecastOutcome => ({ sku, status: 'skipped', message: `no demand history up to ${request.asOf}` }));
      await storeForecasts(
        db,
        { tenantId, jobId: job._id, jobCreatedAt: job.createdAt, forecastDate, horizon: request.horizon, trainedAt: now(), averageDiscount },
        outcomes.filter((o): o is Extract<ForecastOutcome, { status: 'forecast' }> => o.status === 'forecast'),
      );
      return [...outcomes, ...missing];
    }

    const summary = summariseJob(job);
    const failed = job.progress.total > 0 && job.progress.forecast === 0 && job.progress.failed > 0;
    if (failed) await lease.fail(`every SKU failed; first: ${job.tally.failures[0]?.sku}: ${job.tally.failures[0]?.message}`, { summary });
    else await lease.complete({ summary });
    if (job.progress.forecast > 0) {
      await updateTenantCampaignEffect(db, tenantId);
      const sample = job.tally.forecastSample;
      await announceForecasts(db, tenantId, { jobId: job._id, forecastDate, skus: job.progress.forecast, sample, medianMase: summary.medianMase }, now());
    }
    log.info({ jobId: job._id, status: failed ? 'failed' : 'completed', ...job.progress, medianMase: summary.medianMase }, 'forecast job finished');
  }

  // Drains are serialised: one job at a time per runner, whether the loop or a caller asks.
  function drain(): Promise<number> {
    const run = draining.then(() => jobs.drain(runJob, stopping.signal));
    draining = run.catch(() => 0);
    return run;
  }

  // Look for jobs every pollMs (or at notify); a failed claim is logged and tried again at the next look.
  const loop = pollLoop({
    log,
    idleMs: pollMs,
    step: () => drain().then(() => 'idle' as const),
    onFailure: (error) => ({ level: 'error', msg: 'forecast runner could not claim a job', fields: { err: error }, retry: 'idle' }),
  });

  return {
    start() {
      if (!stopping.signal.aborted) loop.start();
    },
    notify() {
      loop.notify();
    },
    drain,
    async stop() {
      stopping.abort();
      await loop.stop();
      await draining.catch(() => undefined);
    },
  };
}
