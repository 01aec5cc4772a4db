import type { Db } from 'mongodb';
import type { ChangeSink, SourceChange } from './cdc/cdc.types.js';
import { ensureFactIndexes } from './facts/fact-indexes.js';
import { mirrorReferenceData } from './facts/reference-mirror.js';
import { recordFacts } from './facts/record-facts.js';
import { ensureFeatureIndexes } from './features/feature-indexes.js';
import { recomputeFeatures } from './features/feature-store.js';

/**
 * The analytics pipeline, top to bottom, as the CDC consumer feeds it:
 * changes → reference mirrors (products, campaigns, stock read model)
 *         → immutable raw events (sales lines, stock movements) and the daily
 *           facts they change, in one transaction (new events added once)
 *         → features of the SKUs and days those facts touched.
 * Every step is idempotent (the facts step by its transaction: a re-delivered
 * event is already stored and adds nothing), so re-delivery is harmless.
 */
export function createPipeline(analytics: Db): ChangeSink {
  return {
    async apply(changes: readonly SourceChange[]): Promise<void> {
      if (changes.length === 0) return;
      await mirrorReferenceData(analytics, changes);
      const touchedFeatures = await recordFacts(analytics, changes);
      await recomputeFeatures(analytics, touchedFeatures);
    },
  };
}

/** Collections and indexes of the analytics database (idempotent). */
export async function ensureAnalyticsIndexes(analytics: Db): Promise<void> {
  await ensureFactIndexes(analytics);
  await ensureFeatureIndexes(analytics);
}
