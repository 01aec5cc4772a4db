import type { Db } from 'mongodb';
import type { ChangeSink, SourceChange } from './cdc/cdc.types.js';
import { recomputeFacts } from './facts/daily-facts.js';
import { ensureFactIndexes } from './facts/fact-indexes.js';
import { mirrorReferenceData } from './facts/reference-mirror.js';
import { recordRawEvents } from './facts/raw-events.js';
import { ensureFeatureIndexes } from './features/feature-indexes.js';
import { recomputeFeatures } from './features/feature-store.js';

/**
 * The analytics pipeline, top to bottom, as the CDC consumer feeds it:
 * changes → reference mirrors (products, campaigns, stock read model)
 *         → immutable raw events (sales lines, stock movements)
 *         → daily facts of the (tenant, SKU, location, day) keys the events touched
 *         → features of the SKUs and days those facts touched.
 * Every step is idempotent and derived from documents, so re-delivery is harmless.
 */
export function createPipeline(analytics: Db): ChangeSink {
  return {
    async apply(changes: readonly SourceChange[]): Promise<void> {
      if (changes.length === 0) return;
      await mirrorReferenceData(analytics, changes);
      const touchedFacts = await recordRawEvents(analytics, changes);
      const touchedFeatures = await recomputeFacts(analytics, touchedFacts);
      await recomputeFeatures(analytics, touchedFeatures);
    },
  };
}

/** Collections and indexes of the analytics database (idempotent). */
export async function ensureAnalyticsIndexes(analytics: Db): Promise<void> {
  await ensureFactIndexes(analytics);
  await ensureFeatureIndexes(analytics);
}
