import type { Db } from 'mongodb';
import { ensureFeatureHistoryIndexes } from './feature-history.js';

/** The feature store's collection: one row per tenant × SKU × day (see feature-store.ts). */
export const FEATURES = 'features';

/**
 * Indexes of the feature store (idempotent). Forecasting reads one SKU's rows
 * over a day range and the store deletes stale rows the same way, so one
 * compound index serves both; unique because `_id` already encodes the triple
 * and a second row for the same key would be a bug.
 *
 * @example await ensureFeatureIndexes(db)
 */
export async function ensureFeatureIndexes(db: Db): Promise<void> {
  await db.collection(FEATURES).createIndex({ tenantId: 1, sku: 1, day: 1 }, { name: 'tenant_sku_day', unique: true });
  await ensureFeatureHistoryIndexes(db);
}
