import { addUtcDays, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import {
  FACT_COLLECTIONS,
  type FactSeriesDoc,
  type CampaignMirrorDoc,
  type ProductMirrorDoc,
  buildFeatureRows,
  type FeatureDocument,
  FEATURE_HISTORY,
  historyDocument,
  type FeatureHistoryDoc,
  FEATURES,
  ensureAnalyticsIndexes,
} from '@icc/service-analytics/testing';
import { benchCalendar, generateSku } from './demand-generator.js';

export interface SeedOptions {
  tenantId: string;
  skus: number;
  days: number;
  horizon: number;
  seed: number;
  lastDay: DayKey;
  onProgress?: (seeded: number) => void;
}

/** Feature rows per insertMany: bounded request size. */
const ROWS_PER_INSERT = 5_000;

/**
 * Leave in `db` what the CDC pipeline would have left for the generated SKUs
 * (the same SKUs as a scaling run with the same seed): their feature rows
 * built by the real feature function and their compact history documents,
 * the facts layer's per-series index
 * (which SKUs have history), the catalog mirror and their campaigns, so a
 * training job finds everything it reads. Written the way the integration
 * tests' `seedDemand` writes it.
 */
export async function seedAnalytics(db: Db, options: SeedOptions): Promise<void> {
  await ensureAnalyticsIndexes(db);
  const { tenantId } = options;
  const calendar = benchCalendar(options.lastDay, options.days, options.horizon);
  const firstDay = calendar.days[0]!;
  const now = new Date();
  let rows: FeatureDocument[] = [];
  let histories: FeatureHistoryDoc[] = [];
  const flush = async (): Promise<void> => {
    if (rows.length > 0) await db.collection<FeatureDocument>(FEATURES).insertMany(rows, { ordered: false });
    if (histories.length > 0) await db.collection<FeatureHistoryDoc>(FEATURE_HISTORY).insertMany(histories, { ordered: false });
    rows = [];
    histories = [];
  };
  for (let index = 0; index < options.skus; index += 1) {
    const generated = generateSku(options.seed, index, calendar);
    const { sku } = generated;
    const skuRows = buildFeatureRows(generated.history, { sku });
    for (const row of skuRows) rows.push({ _id: `${tenantId}:${sku}:${row.day}`, tenantId, ...row });
    if (skuRows.length > 0) histories.push(historyDocument(tenantId, sku, skuRows));
    if (rows.length >= ROWS_PER_INSERT) await flush();
    await db
      .collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries)
      .insertOne({ _id: `${tenantId}:${sku}:WH-1`, tenantId, sku, locationCode: 'WH-1', days: [], stockDays: [] });
    const product: ProductMirrorDoc = {
      _id: `${tenantId}:${sku}`,
      sourceId: `src-${sku}`,
      tenantId,
      sku,
      name: sku,
      category: generated.shape,
      status: 'active',
      price: 10,
      reorderPoint: 5,
      safetyStock: 2,
      leadTimeDays: 7,
      updatedAt: now,
    };
    await db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).insertOne(product);
    const campaigns = generated.campaigns.map((c, n): CampaignMirrorDoc => ({
      _id: `${tenantId}:${sku}:campaign-${n}`,
      sourceId: `${sku}-campaign-${n}`,
      tenantId,
      name: `${sku} campaign ${n}`,
      status: 'active',
      // A campaign covers whole days: from the first day's midnight to the last day's end.
      startsAt: new Date(`${addUtcDays(firstDay, c.firstDay)}T00:00:00Z`),
      endsAt: new Date(`${addUtcDays(firstDay, c.lastDay)}T23:59:59Z`),
      skus: [sku],
      discountPercent: c.discountPercent,
      updatedAt: now,
    }));
    if (campaigns.length > 0) await db.collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror).insertMany(campaigns);
    if (index % 50 === 49) options.onProgress?.(index + 1);
  }
  await flush();
  options.onProgress?.(options.skus);
}
