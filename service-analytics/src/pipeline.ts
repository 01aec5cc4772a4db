import type { Db } from 'mongodb';
import type { BatchContext, ChangeSink, SourceChange } from './cdc/cdc.types.js';
import { ensureFactIndexes } from './facts/fact-indexes.js';
import { mirrorReferenceData } from './facts/reference-mirror.js';
import { recordFacts } from './facts/record-facts.js';
import { ensureFeatureIndexes } from './features/feature-indexes.js';
import { FEATURE_STATE, FeatureBacklog } from './features/feature-backlog.js';
import { ensureForecastIndexes } from './forecasts/forecast-collections.js';

/**
 * The analytics pipeline, top to bottom, as the CDC consumer feeds it:
 * changes → reference mirrors (products, campaigns, stock read model)
 *         → immutable raw events (sales lines, stock movements) and the daily
 *           facts they change, in one transaction (new events added once)
 *         → features of the SKUs and days those facts touched.
 * Every step is idempotent (the facts step by its transaction: a re-delivered
 * event is already stored and adds nothing), so re-delivery is harmless.
 *
 * Features are recomputed per SKU from the earliest touched day to its last
 * fact day, so they wait while a backlog is read:
 * - during a backfill, until it ends (`caughtUp`). A backfill re-reads the
 *   source collection by collection — every stock movement of the history,
 *   then every sales order from the first day — so the facts already reach
 *   the last day while the sales orders start again at the first: each
 *   recomputation in between would redo all of the history still ahead
 *   (the first start of the 500-product demo crawled at a few orders a second);
 * - while the stream delivers full batches (a catch-up), at most
 *   maxFeatureDeferMs, so live features stay fresh.
 * The facts transaction of a deferred batch also commits a marker, so a crash
 * cannot lose the deferred work (feature-backlog.ts).
 */
export function createPipeline(analytics: Db, options: PipelineOptions = {}): Required<ChangeSink> {
  const deferAt = options.deferFeaturesAt ?? DEFER_FEATURES_AT;
  const maxDeferMs = options.maxFeatureDeferMs ?? MAX_FEATURE_DEFER_MS;
  const step = options.timeStep ?? (<T>(_name: PipelineStep, work: () => Promise<T>) => work());
  const backlog = new FeatureBacklog(analytics);
  let lastFlush = Date.now();
  return {
    async apply(changes: readonly SourceChange[], context?: BatchContext): Promise<void> {
      if (changes.length === 0) return;
      await step('mirror', () => mirrorReferenceData(analytics, changes));
      const defer = context?.phase === 'backfill' || (changes.length >= deferAt && Date.now() - lastFlush < maxDeferMs);
      const touches = await step('facts', () => recordFacts(analytics, changes, { deferFeatures: defer }));
      if (defer) {
        backlog.defer(touches);
        return;
      }
      await step('features', () => backlog.flush(touches));
      lastFlush = Date.now();
    },
    async caughtUp(signal: AbortSignal): Promise<void> {
      if (!backlog.hasWork) return;
      await step('features', () => backlog.flush([], signal));
      lastFlush = Date.now();
    },
  };
}

/** Batches this large (or larger) defer feature recomputation. */
export const DEFER_FEATURES_AT = 250;
/** ...but never for longer than this. */
export const MAX_FEATURE_DEFER_MS = 5_000;

export type PipelineStep = 'mirror' | 'facts' | 'features';

export interface PipelineOptions {
  deferFeaturesAt?: number;
  maxFeatureDeferMs?: number;
  /** Wraps each step, e.g. to time it (cdc/profiled-pipeline.ts). */
  timeStep?: <T>(step: PipelineStep, work: () => Promise<T>) => Promise<T>;
}

/** Collections and indexes of the analytics database (idempotent). */
export async function ensureAnalyticsIndexes(analytics: Db): Promise<void> {
  await ensureFactIndexes(analytics);
  await ensureFeatureIndexes(analytics);
  await ensureForecastIndexes(analytics);
  // The marker is written inside transactions, which cannot create collections on every server version.
  await analytics.createCollection(FEATURE_STATE).catch((error: { code?: number }) => {
    if (error.code !== 48) throw error; // 48: NamespaceExists
  });
}
