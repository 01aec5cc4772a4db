import { MONGO_ERROR_CODES } from '@icc/shared';
import type { Db } from 'mongodb';
import type { BatchContext, ChangeSink, SourceChange } from './cdc/cdc.types.js';
import { ensureFactIndexes } from './facts/fact-indexes.js';
import { FEATURE_QUEUE } from './facts/feature-work.js';
import { mirrorReferenceData } from './facts/reference-mirror.js';
import { recordFacts, type RecordFactsOptions } from './facts/record-facts.js';
import { ensureFeatureIndexes } from './features/feature-indexes.js';
import { createFeatureWorker, type FeatureWorker, type FeatureWorkerOptions } from './features/feature-worker.js';
import { ensureForecastIndexes } from './forecasts/forecast-collections.js';
import { ensurePlanningIndexes } from './planning/planning.indexes.js';
import { ensureDashboardIndexes } from './dashboard/dashboard.indexes.js';

/**
 * The analytics pipeline, top to bottom, as the CDC consumer feeds it:
 * changes → reference mirrors (products, campaigns, stock read model)
 *         → immutable raw events (sales lines, stock movements), the daily
 *           facts they change and the feature work they queue, in one
 *           transaction (new events added once)
 *         → features of the queued SKUs and days, by the feature worker.
 * Every step is idempotent (the facts step by its transaction: a re-delivered
 * event is already stored and adds nothing), so re-delivery is harmless.
 *
 * Features are off the consumer's critical path: a fact is visible as soon
 * as its transaction commits, and the worker merges the work of every batch
 * committed within its interval into one round (feature-worker.ts). Because
 * the queue is committed with the facts, no crash can lose feature work.
 *
 * The worker waits while a backfill runs (`phase: 'backfill'`): a backfill
 * re-reads the source collection by collection — every stock movement of the
 * history, then every sales order from the first day — so each round in
 * between would recompute all of the history still ahead (the first start of
 * the 500-product demo once crawled at a few orders a second that way). It
 * resumes with the first streamed batch or `caughtUp`.
 */
export function createPipeline(analytics: Db, options: PipelineOptions = {}): Pipeline {
  const step = options.timeStep ?? (<T>(_name: PipelineStep, work: () => Promise<T>) => work());
  const worker = createFeatureWorker(analytics, options.features);
  return {
    async apply(changes: readonly SourceChange[], context?: BatchContext): Promise<void> {
      if (context?.phase === 'backfill') worker.pause();
      else worker.resume();
      if (changes.length === 0) return;
      await step('mirror', () => mirrorReferenceData(analytics, changes));
      const touches = await step('facts', () => recordFacts(analytics, changes, options.facts));
      if (touches.length > 0) worker.notify();
    },
    async caughtUp(): Promise<void> {
      worker.resume();
    },
    features: worker,
    close: () => worker.close(),
  };
}

export interface Pipeline extends Required<ChangeSink> {
  /** The feature worker: `settle()` waits until every queued feature recomputation is done. */
  features: FeatureWorker;
  /** Stop the feature worker (after the consumer has stopped). */
  close(): Promise<void>;
}

export type PipelineStep = 'mirror' | 'facts';

export interface PipelineOptions {
  facts?: Pick<RecordFactsOptions, 'log'>;
  features?: FeatureWorkerOptions;
  /** Wraps each step, e.g. to time it (bin/profiled-pipeline.ts). */
  timeStep?: <T>(step: PipelineStep, work: () => Promise<T>) => Promise<T>;
}

/** Collections and indexes of the analytics database (idempotent). */
export async function ensureAnalyticsIndexes(analytics: Db): Promise<void> {
  await ensureFactIndexes(analytics);
  await ensureFeatureIndexes(analytics);
  await ensureForecastIndexes(analytics);
  await ensurePlanningIndexes(analytics);
  await ensureDashboardIndexes(analytics);
  // The queue is written inside transactions, which cannot create collections on every server version.
  await analytics.createCollection(FEATURE_QUEUE).catch((error: { code?: number }) => {
    if (error.code !== MONGO_ERROR_CODES.NamespaceExists) throw error;
  });
}
