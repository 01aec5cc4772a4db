import { addUtcDays, eachUtcDay, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../../src/facts/fact-collections.js';
import type { DemandPoint } from '../../src/features/daily-series.js';
import { buildFeatureRows } from '../../src/features/feature-engineering.js';
import { FEATURE_HISTORY, historyDocument } from '../../src/features/feature-history.js';
import { FEATURES } from '../../src/features/feature-indexes.js';

/** A SKU's daily demand as a test writes it: what the pipeline would have derived from orders. */
export interface DemandFixture {
  sku: string;
  /** Demand per day from `from` (default: the seed's start day). */
  demand: readonly number[];
  from?: DayKey;
  stockOut?: (i: number) => boolean;
  campaign?: (i: number) => boolean;
}

/**
 * Write what the CDC pipeline would have left for these SKUs: feature rows
 * (built by the real feature function from the demand) and their compact
 * history documents, the facts layer's
 * per-series index (which SKUs have history) and the catalog mirror.
 */
export async function seedDemand(db: Db, tenantId: string, from: DayKey, fixtures: readonly DemandFixture[]): Promise<void> {
  for (const f of fixtures) {
    const first = f.from ?? from;
    const days = eachUtcDay(first, addUtcDays(first, f.demand.length - 1));
    const series: DemandPoint[] = days.map((day, i) => ({
      day,
      demand: f.demand[i]!,
      sold: f.stockOut?.(i) ? 0 : f.demand[i]!,
      stockOut: f.stockOut?.(i) ?? false,
      campaignActive: f.campaign?.(i) ?? false,
    }));
    const rows = buildFeatureRows(series, { sku: f.sku });
    if (rows.length > 0) {
      await db.collection(FEATURES).insertMany(rows.map((row) => ({ _id: `${tenantId}:${f.sku}:${row.day}`, tenantId, ...row })) as never[]);
      await db.collection(FEATURE_HISTORY).insertOne(historyDocument(tenantId, f.sku, rows) as never);
    }
    await db
      .collection(FACT_COLLECTIONS.factSeries)
      .insertOne({ _id: `${tenantId}:${f.sku}:WH-1`, tenantId, sku: f.sku, locationCode: 'WH-1', days: [], stockDays: [] } as never);
    await db.collection(FACT_COLLECTIONS.productsMirror).insertOne({
      _id: `${tenantId}:${f.sku}`,
      sourceId: `src-${tenantId}-${f.sku}`,
      tenantId,
      sku: f.sku,
      name: f.sku,
      category: 'test',
      status: 'active',
      price: 10,
      reorderPoint: 5,
      safetyStock: 2,
      leadTimeDays: 7,
      updatedAt: new Date(),
    } as never);
  }
}
