import {
  addUtcDays,
  ALERT_SEVERITIES,
  ALERT_STATUSES,
  ALERT_TYPES,
  PLANNING_PRIORITIES,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TYPES,
  StoredAlertSchema,
  type DayKey,
  type StoredAlert,
  type StoredRecommendation,
} from '@icc/shared';
import { ObjectId, type Db } from 'mongodb';
import { FACT_COLLECTIONS } from '../../src/facts/fact-collections.js';
import type { PurchaseOrderMirrorDoc } from '../../src/facts/supply-mirror.js';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../../src/features/fact-reader.js';
import { FORECAST_COLLECTIONS, type ModelPerformanceDocument } from '../../src/forecasts/forecast-collections.js';
import { PLANNING_COLLECTIONS } from '../../src/planning/planning.collections.js';
import { aProduct, aProductSupplier, aRecommendation, aStock, aSupplier, storeRecommendations } from './planning-fixtures.js';
import { seededRandom } from './seeded-random.js';

/**
 * A tenant's worth of what the dashboard reads — catalog, stock, suppliers,
 * daily facts, forecast evaluations, purchase orders, recommendations and
 * alerts — drawn from a seeded random source, so the numbers are varied but
 * the same every run. The tests compute what the dashboard must answer from
 * these collections themselves.
 */

/** An alert that satisfies the shared contract (checked with StoredAlertSchema). */
export function anAlert(tenantId: string, fields: Partial<StoredAlert> = {}): StoredAlert {
  const now = new Date();
  return StoredAlertSchema.parse({
    _id: new ObjectId().toHexString(),
    tenantId,
    type: 'STOCKOUT_PREDICTED',
    severity: 'HIGH',
    severityRule: 'stock-out within the lead time',
    status: 'ACTIVE',
    sku: 'SKU-1',
    productName: 'Product SKU-1',
    locationCode: 'WH-1',
    title: 'SKU-1 runs out at WH-1',
    description: 'fixture',
    predictedDate: '2026-01-03',
    impact: { units: 10, value: 100 },
    suggestedAction: 'order now',
    recommendationId: null,
    purchaseOrder: null,
    runId: 'plan-20260101-00000000',
    lastSeenRunId: 'plan-20260101-00000000',
    createdAt: now,
    updatedAt: now,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    note: null,
    ...fields,
  });
}

export interface DashboardTenant {
  tenantId: string;
  skus: string[];
  locations: string[];
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/**
 * Seed one tenant: `skus` SKUs × 3 locations, 40 days of facts up to
 * yesterday (a third of the pairs stop selling 10–60 days ago), two suppliers
 * for most SKUs, 25 purchase orders, 80 recommendations and 70 alerts of
 * every type, status and severity, and forecast evaluations inside and
 * outside the last 30 days.
 */
export async function seedDashboardTenant(db: Db, tenantId: string, options: { seed: number; skus: number; today: DayKey }): Promise<DashboardTenant> {
  const random = seededRandom(options.seed);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const skus = Array.from({ length: options.skus }, (_, i) => `SKU-${String(i + 1).padStart(3, '0')}`);
  const locations = ['WH-1', 'WH-2', 'STORE-1'];
  await aSupplier(db, tenantId, 'SUP-A', { defaultLeadTimeDays: 5 });
  await aSupplier(db, tenantId, 'SUP-B', { defaultLeadTimeDays: 12 });
  const facts: DailySalesFactDocument[] = [];
  for (const [i, sku] of skus.entries()) {
    await aProduct(db, tenantId, sku, { price: 5 + int(40), safetyStock: 5 + int(20), name: `Product ${sku} of ${tenantId}` });
    // Every fifth SKU has no supplier: valued at its list price.
    if (i % 5 !== 0) {
      await aProductSupplier(db, tenantId, 'SUP-A', sku, { unitCost: 1 + int(20), leadTimeDays: i % 3 === 0 ? 4 + int(4) : null });
      await aProductSupplier(db, tenantId, 'SUP-B', sku, { unitCost: 1 + int(20) });
    }
    for (const locationCode of locations) {
      const onHand = random() < 0.15 ? 0 : int(300);
      const reorderPoint = 10 + int(40);
      await aStock(db, tenantId, sku, locationCode, { onHand, reorderPoint, lowStock: onHand < reorderPoint });
      const lastSaleAgo = random() < 0.33 ? 10 + int(50) : 1;
      for (let ago = 40; ago >= 1; ago -= 1) {
        if (random() < 0.2) continue; // a day without a fact row
        const demanded = int(12);
        const unfulfilled = Math.min(demanded, random() < 0.2 ? int(4) : 0);
        const sold = ago < lastSaleAgo ? 0 : demanded - unfulfilled;
        const day = addUtcDays(options.today, -ago);
        facts.push({
          _id: `${tenantId}:${sku}:${locationCode}:${day}`,
          tenantId,
          sku,
          locationCode,
          day,
          quantityDemanded: demanded,
          quantitySold: sold,
          quantityReturned: 0,
          quantityUnfulfilled: unfulfilled,
          revenue: sold * 7,
          orders: demanded > 0 ? 1 : 0,
          campaignActive: false,
          stockOut: random() < 0.1,
          endOfDayOnHand: onHand,
        });
      }
    }
  }
  await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).insertMany(facts);

  const todayStart = new Date(`${options.today}T00:00:00Z`).getTime();
  const evaluations: ModelPerformanceDocument[] = skus.slice(0, 12).map((sku, i) => ({
    _id: `${tenantId}:eval:${sku}`,
    tenantId,
    sku,
    jobId: 'train-20260101-00000000',
    modelType: 'seasonal-naive',
    forecastDate: options.today,
    // Two of them evaluated 40 days ago: outside the 30-day window.
    evaluatedAt: new Date(todayStart - (i < 2 ? 40 : 1 + int(25)) * 86_400_000),
    daysScored: 7,
    actual: Array.from({ length: 7 }, () => int(20)),
    predicted: Array.from({ length: 7 }, () => int(20)),
    mae: null,
    rmse: null,
    mape: null,
    mase: null,
    bias: null,
  }));
  await db.collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance).insertMany(evaluations);

  const statuses = ['draft', 'ordered', 'partiallyReceived', 'received', 'cancelled'];
  const orders: PurchaseOrderMirrorDoc[] = Array.from({ length: 25 }, (_, i) => {
    const id = new ObjectId().toHexString();
    const status = pick(random, statuses);
    const delivering = ['draft', 'ordered', 'partiallyReceived'].includes(status);
    const lines = [0, 1].map((line) => {
      const quantity = 10 + int(90);
      const receivedQuantity = status === 'received' ? quantity : status === 'partiallyReceived' ? int(quantity - 1) : 0;
      return {
        line: line + 1,
        sku: pick(random, skus),
        quantity,
        unitCost: 1 + int(20),
        receivedQuantity,
        openQuantity: delivering ? quantity - receivedQuantity : 0,
      };
    });
    return {
      _id: id,
      sourceId: id,
      tenantId,
      poNumber: `PO-${tenantId}-${i}`,
      supplierCode: pick(random, ['SUP-A', 'SUP-B']),
      locationCode: pick(random, locations),
      status,
      // From 10 days ago to 10 days ahead, at noon: some are overdue.
      expectedDate: new Date(todayStart + (int(20) - 10) * 86_400_000 + 12 * 3_600_000),
      orderedAt: new Date(todayStart - 20 * 86_400_000),
      receivedAt: status === 'received' ? new Date(todayStart - int(5) * 86_400_000) : null,
      lastReceivedAt: status === 'received' || status === 'partiallyReceived' ? new Date(todayStart - int(5) * 86_400_000) : null,
      source: { type: 'manual', id: null },
      lines,
      createdAt: new Date(todayStart - 20 * 86_400_000),
      updatedAt: new Date(todayStart - 86_400_000),
    };
  });
  await db.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).insertMany(orders);

  const recommendations: StoredRecommendation[] = [];
  const pendingKeys = new Set<string>();
  for (let i = 0; i < 80; i += 1) {
    const type = pick(random, RECOMMENDATION_TYPES);
    const sku = pick(random, skus);
    const locationCode = pick(random, locations);
    // One PENDING per SKU × location × type (the unique index): a repeat gets another status.
    let status = random() < 0.6 ? 'PENDING' : pick(random, RECOMMENDATION_STATUSES);
    if (status === 'PENDING' && pendingKeys.has(`${sku}:${locationCode}:${type}`)) status = 'EXPIRED';
    if (status === 'PENDING') pendingKeys.add(`${sku}:${locationCode}:${type}`);
    recommendations.push(
      aRecommendation(tenantId, {
        type,
        status,
        priority: pick(random, PLANNING_PRIORITIES),
        sku,
        productName: `Product ${sku} of ${tenantId}`,
        locationCode,
        fromLocationCode:
          type === 'TRANSFER'
            ? pick(
                random,
                locations.filter((l) => l !== locationCode),
              )
            : null,
        quantity: 1 + int(200),
        cost: Math.round(random() * 500_000) / 100,
        savingsPotential: Math.round(random() * 50_000) / 100,
        orderByDate: random() < 0.1 ? null : addUtcDays(options.today, int(14)),
      }),
    );
  }
  await storeRecommendations(db, recommendations);

  const alerts: StoredAlert[] = Array.from({ length: 70 }, () => {
    const sku = pick(random, skus);
    const type = random() < 0.5 ? 'STOCKOUT_PREDICTED' : pick(random, ALERT_TYPES);
    return anAlert(tenantId, {
      type,
      severity: pick(random, ALERT_SEVERITIES),
      status: pick(random, ALERT_STATUSES),
      sku,
      productName: `Product ${sku} of ${tenantId}`,
      locationCode: type === 'FORECAST_DEGRADED' ? null : pick(random, locations),
      predictedDate: type === 'STOCKOUT_PREDICTED' ? addUtcDays(options.today, int(10)) : null,
      impact: { units: int(100), value: Math.round(random() * 100_000) / 100 },
    });
  });
  await db.collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts).insertMany(alerts);
  return { tenantId, skus, locations };
}
