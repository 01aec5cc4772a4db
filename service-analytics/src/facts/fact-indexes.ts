import type { Db, IndexDescription } from 'mongodb';
import { FACT_COLLECTIONS } from './fact-collections.js';

/**
 * The indexes of the facts layer, per collection, each with the query it serves.
 * Every one leads with `tenantId` (or is keyed by an id that embeds it).
 */
const FACT_INDEXES: Record<string, IndexDescription[]> = {
  [FACT_COLLECTIONS.rawSalesEvents]: [
    // recomputeFacts: a batch's day events by `$in` of fact ids.
    { key: { factKey: 1 } },
    // recomputeAllFacts and per-series reads (features, history).
    { key: { tenantId: 1, sku: 1, locationCode: 1, day: 1 } },
    { key: { tenantId: 1, orderId: 1 } },
  ],
  [FACT_COLLECTIONS.rawStockEvents]: [
    { key: { factKey: 1 } },
    // "last movement before a day": equality on the series, walked backwards by time (ties by id).
    { key: { tenantId: 1, sku: 1, locationCode: 1, eventTime: 1, _id: 1 } },
  ],
  [FACT_COLLECTIONS.dailySalesFacts]: [
    // Identity (the `_id` embeds it too; this one also serves per-series day ranges, e.g. carry-forward).
    { key: { tenantId: 1, sku: 1, locationCode: 1, day: 1 }, unique: true },
    // Features and history: one SKU over all locations by day; campaign re-flagging.
    { key: { tenantId: 1, sku: 1, day: 1 } },
    { key: { tenantId: 1, day: 1 } },
  ],
  [FACT_COLLECTIONS.factSeries]: [{ key: { tenantId: 1, sku: 1, locationCode: 1 }, unique: true }],
  [FACT_COLLECTIONS.productsMirror]: [
    { key: { tenantId: 1, sku: 1 }, unique: true },
    // Deletes arrive with the source id only.
    { key: { sourceId: 1 } },
    { key: { tenantId: 1, category: 1, sku: 1 } },
  ],
  [FACT_COLLECTIONS.campaignsMirror]: [
    // Campaigns covering some SKUs (multikey), then by period.
    { key: { tenantId: 1, skus: 1 } },
    { key: { tenantId: 1, startsAt: 1 } },
  ],
  [FACT_COLLECTIONS.campaignCoverage]: [{ key: { tenantId: 1 } }],
  [FACT_COLLECTIONS.stockReadModel]: [
    { key: { tenantId: 1, sku: 1, locationCode: 1 }, unique: true },
    { key: { sourceId: 1 } },
    // Planning: what is low, and everything at one location.
    { key: { tenantId: 1, lowStock: 1, sku: 1 } },
    { key: { tenantId: 1, locationCode: 1, sku: 1 } },
  ],
  [FACT_COLLECTIONS.suppliersMirror]: [{ key: { tenantId: 1, code: 1 }, unique: true }, { key: { sourceId: 1 } }],
  [FACT_COLLECTIONS.productSuppliersMirror]: [
    // Planning: every supplier of a SKU.
    { key: { tenantId: 1, sku: 1 } },
    { key: { sourceId: 1 } },
  ],
  [FACT_COLLECTIONS.locationsMirror]: [{ key: { tenantId: 1, code: 1 }, unique: true }, { key: { sourceId: 1 } }],
  [FACT_COLLECTIONS.purchaseOrdersMirror]: [
    // Open orders (by status), the orders of a SKU (multikey), the order a recommendation created.
    { key: { tenantId: 1, status: 1 } },
    { key: { tenantId: 1, 'lines.sku': 1 } },
    { key: { tenantId: 1, 'source.id': 1 } },
    // supplierDeliveryStats: receipts since a date (older orders have only `receivedAt`).
    { key: { tenantId: 1, lastReceivedAt: 1, receivedAt: 1 } },
    // Deletes arrive with the source id only (the mirror writer deletes by `sourceId`, whatever the key).
    { key: { sourceId: 1 } },
  ],
  // Planning: the back-orders of a chunk's SKUs (multikey).
  [FACT_COLLECTIONS.backordersMirror]: [{ key: { tenantId: 1, 'lines.sku': 1 } }],
  // Deletes arrive with the source id only.
  [FACT_COLLECTIONS.transferExecutionsMirror]: [{ key: { sourceId: 1 } }],
};

/**
 * Create the facts layer's collections' indexes (idempotent: existing ones are kept).
 * @example await ensureFactIndexes(analyticsDb)
 */
export async function ensureFactIndexes(db: Db): Promise<void> {
  await Promise.all(Object.entries(FACT_INDEXES).map(([name, indexes]) => db.collection(name).createIndexes(indexes)));
}
