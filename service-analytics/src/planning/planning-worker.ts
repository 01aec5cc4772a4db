import { leasedJobs, pollLoop, silentLogger, type BackgroundLogger } from '@icc/shared';
import type { Db } from 'mongodb';
import { executeOptimizationRun } from './optimize/optimize-run.js';
import { optimizationRunsOf } from './optimize/optimize-runs.js';
import { executePlanningRun } from './planning-run.js';
import type { PhaseTimes } from './planning-phases.js';
import { planningRunsOf } from './planning-runs.js';
import { scheduleDailyRuns, watchForecastJobs, watchStock } from './planning-triggers.js';
import { sweepAcceptedWithoutRequest } from './recommendation-actions.js';
import { completeOrderedRequests, expireRecommendations } from './recommendation-lifecycle.js';
import { completeTransferRequests } from './transfer-requests.js';

export interface PlanningWorkerOptions {
  db: Db;
  log?: BackgroundLogger;
  /** A running run whose heartbeat is older than this is taken over (its runner died). */
  leaseMs?: number;
  /** How often an idle worker looks for queued runs (it is also woken by `notify`). */
  pollMs?: number;
  /** How often the housekeeping round runs: triggers, the accept sweeper, completion, expiry. */
  housekeepingMs?: number;
  chunkSkus?: number;
  /** A forecast job was queued by the schedule: wake the forecast runner. */
  onTrainingJobQueued?: () => void;
  now?: () => Date;
  /** Where runs' time goes, by phase, accumulated here (benchmarks). */
  phases?: PhaseTimes;
}

export interface PlanningWorker {
  start(): void;
  /** A run was queued: look now. */
  notify(): void;
  /** Claim and run queued runs until none is left; resolves with how many ran (tests, benchmarks). */
  drain(): Promise<number>;
  /** One housekeeping round now (tests). */
  housekeeping(): Promise<void>;
  stop(): Promise<void>;
}

const DEFAULT_LEASE_MS = 60_000;
const DEFAULT_POLL_MS = 1_000;
const DEFAULT_HOUSEKEEPING_MS = 2_000;
const DEFAULT_CHUNK_SKUS = 1_000;

/**
 * The planning worker, started with the analytics service: runs queued
 * planning runs, then queued optimisation runs, one at a time (leased jobs: a run whose runner died is taken
 * over after the lease and resumes), and every couple of seconds a
 * housekeeping round — the stock and forecast triggers, the daily schedule,
 * the sweeper for accepts that crashed between their two writes, completion
 * of requests whose purchase order arrived, and expiry.
 * One worker per analytics database (like the CDC consumer): it runs one run
 * at a time, which is what keeps a tenant's runs from overlapping.
 */
export function createPlanningWorker(options: PlanningWorkerOptions): PlanningWorker {
  const { db } = options;
  const log = options.log ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const chunkSkus = options.chunkSkus ?? DEFAULT_CHUNK_SKUS;
  const jobs = leasedJobs(planningRunsOf(db), { leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS, log, jobName: 'planning run', now });
  // Optimisation runs (planning/optimize) are leased jobs of their own, run by the same worker after the planning runs.
  const optimizations = leasedJobs(optimizationRunsOf(db), { leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS, log, jobName: 'optimisation run', now });
  const stopping = new AbortController();
  let draining: Promise<number> = Promise.resolve(0);

  function drain(): Promise<number> {
    const run = draining.then(
      async () =>
        (await jobs.drain(
          (lease) => executePlanningRun(lease, { db, log, now, chunkSkus, signal: stopping.signal, phases: options.phases }),
          stopping.signal,
        )) + (await optimizations.drain((lease) => executeOptimizationRun(lease, { db, now, chunkSkus }), stopping.signal)),
    );
    draining = run.catch(() => 0);
    return run;
  }

  async function housekeeping(): Promise<void> {
    const at = now();
    const triggered = (await watchStock(db, at)) + (await watchForecastJobs(db, at));
    const trainingJobs = await scheduleDailyRuns(db, at);
    if (trainingJobs > 0) options.onTrainingJobQueued?.();
    await sweepAcceptedWithoutRequest(db, at);
    await completeOrderedRequests(db, at);
    await completeTransferRequests(db, at);
    await expireRecommendations(db, at);
    if (triggered > 0) runs.notify();
  }

  const runs = pollLoop({
    log,
    idleMs: options.pollMs ?? DEFAULT_POLL_MS,
    step: () => drain().then(() => 'idle' as const),
    onFailure: (error) => ({ level: 'error', msg: 'planning worker could not claim a run', fields: { err: error }, retry: 'idle' }),
  });
  const rounds = pollLoop({
    log,
    idleMs: options.housekeepingMs ?? DEFAULT_HOUSEKEEPING_MS,
    step: () => housekeeping().then(() => 'idle' as const),
    onFailure: (error) => ({ level: 'error', msg: 'planning housekeeping round failed', fields: { err: error } }),
  });

  return {
    start() {
      if (stopping.signal.aborted) return;
      runs.start();
      rounds.start();
    },
    notify: () => runs.notify(),
    drain,
    housekeeping,
    async stop() {
      stopping.abort();
      await Promise.all([runs.stop(), rounds.stop()]);
      await draining.catch(() => undefined);
    },
  };
}
