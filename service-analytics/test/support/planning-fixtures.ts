import { randomBytes } from 'node:crypto';
import { ObjectId, type Db } from 'mongodb';
import type { StoredRecommendation } from '@icc/shared';
import { FACT_COLLECTIONS } from '../../src/facts/fact-collections.js';
import type { ProductMirrorDoc, StockReadModelDoc } from '../../src/facts/reference-mirror.js';
import { FORECAST_COLLECTIONS, type ForecastDocument, type LatestForecastDocument } from '../../src/forecasts/forecast-collections.js';
import type { OptimizationRunDocument } from '../../src/planning/optimize/optimize-runs.js';
import { PLANNING_COLLECTIONS } from '../../src/planning/planning.collections.js';

/**
 * Builders of what the earlier stages leave for planning (catalog and stock
 * read models, supplier mirrors, stored forecasts) and of stored
 * recommendations, short enough to read in a test.
 */

export async function aProduct(db: Db, tenantId: string, sku: string, fields: Partial<ProductMirrorDoc> = {}): Promise<void> {
  const row: ProductMirrorDoc = {
    _id: `${tenantId}:${sku}`,
    sourceId: new ObjectId().toHexString(),
    tenantId,
    sku,
    name: `Product ${sku}`,
    category: 'test',
    status: 'active',
    price: 10,
    reorderPoint: 5,
    safetyStock: 2,
    leadTimeDays: 7,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  };
  await db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).insertOne(row);
}

export function stockRow(tenantId: string, sku: string, locationCode: string, fields: Partial<StockReadModelDoc> = {}): StockReadModelDoc {
  const onHand = fields.onHand ?? 0;
  const reserved = fields.reserved ?? 0;
  return {
    _id: `${tenantId}:${sku}:${locationCode}`,
    sourceId: new ObjectId().toHexString(),
    tenantId,
    sku,
    locationCode,
    onHand,
    reserved,
    available: onHand - reserved,
    onOrder: 0,
    inTransit: 0,
    damaged: 0,
    reorderPoint: 0,
    lowStock: false,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  };
}

export async function aStock(db: Db, tenantId: string, sku: string, locationCode: string, fields: Partial<StockReadModelDoc> = {}): Promise<void> {
  await db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).insertOne(stockRow(tenantId, sku, locationCode, fields));
}

export async function aSupplier(db: Db, tenantId: string, code: string, fields: Record<string, unknown> = {}): Promise<void> {
  await db.collection(FACT_COLLECTIONS.suppliersMirror).insertOne({
    _id: `${tenantId}:${code}` as never,
    sourceId: new ObjectId().toHexString(),
    tenantId,
    code,
    name: `Supplier ${code}`,
    status: 'active',
    defaultLeadTimeDays: 7,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  });
}

export async function aProductSupplier(db: Db, tenantId: string, supplierCode: string, sku: string, fields: Record<string, unknown> = {}): Promise<void> {
  await db.collection(FACT_COLLECTIONS.productSuppliersMirror).insertOne({
    _id: `${tenantId}:${supplierCode}:${sku}` as never,
    sourceId: new ObjectId().toHexString(),
    tenantId,
    supplierCode,
    sku,
    unitCost: 4,
    minimumOrderQuantity: 1,
    packSize: 1,
    leadTimeDays: null,
    preferred: false,
    updatedAt: new Date('2026-01-01T00:00:00Z'),
    ...fields,
  });
}

/** A stored forecast and the pointer to it: `daily` per day from `forecastDate`, an 80 % interval of half-width `halfWidth`. */
export async function aForecast(
  db: Db,
  tenantId: string,
  sku: string,
  options: { forecastDate: string; daily: number[]; halfWidth?: number; jobId?: string },
): Promise<ForecastDocument> {
  const jobId = options.jobId ?? 'train-20260101-00000000';
  const dates = options.daily.map((_, k) => new Date(Date.parse(`${options.forecastDate}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10));
  const halfWidth = options.halfWidth ?? 0;
  const forecast: ForecastDocument = {
    _id: `${jobId}:${tenantId}:${sku}`,
    tenantId,
    sku,
    locationCode: null,
    jobId,
    modelId: `${jobId}:${sku}:model`,
    modelType: 'seasonal-naive',
    forecastDate: options.forecastDate,
    horizon: options.daily.length,
    confidence: 0.8,
    predictions: options.daily.map((q, k) => ({ date: dates[k]!, quantity: q, lower: Math.max(0, q - halfWidth), upper: q + halfWidth })),
    intervals: [{ confidence: 0.8, halfWidths: options.daily.map(() => halfWidth), reliable: true }],
    demandClass: 'smooth',
    reason: 'fixture',
    maseScale: 1,
    createdAt: new Date(`${options.forecastDate}T00:00:00Z`),
    scoredDays: 0,
    fullyScored: false,
  };
  await db.collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts).replaceOne({ _id: forecast._id }, forecast, { upsert: true });
  const pointer: LatestForecastDocument = {
    _id: `${tenantId}:${sku}`,
    tenantId,
    sku,
    forecastId: forecast._id,
    modelId: forecast.modelId,
    modelType: forecast.modelType,
    version: 1,
    backtestMase: 0.8,
    forecastDate: options.forecastDate,
    createdAt: forecast.createdAt,
  };
  await db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).replaceOne({ _id: pointer._id }, pointer, { upsert: true });
  return forecast;
}

/** A PENDING REORDER recommendation (override any field). */
export function aRecommendation(tenantId: string, fields: Partial<StoredRecommendation> = {}): StoredRecommendation {
  const now = new Date();
  return {
    _id: new ObjectId().toHexString(),
    tenantId,
    type: 'REORDER',
    status: 'PENDING',
    priority: 'HIGH',
    sku: 'SKU-1',
    productName: 'Product SKU-1',
    locationCode: 'WH-1',
    fromLocationCode: null,
    currentPosition: 10,
    predictedDemand: { leadTime: 70, days7: 70, days14: 140 },
    quantity: 120,
    supplierCode: 'SUP-A',
    supplierName: 'Supplier SUP-A',
    supplierReason: 'the only supplier',
    unitCost: 4,
    orderByDate: '2026-01-02',
    expectedArrivalDate: '2026-01-09',
    stockoutDate: '2026-01-03',
    cost: 480,
    savingsPotential: 0,
    confidence: 0.7,
    action: 'Order 120 units of SKU-1 from Supplier SUP-A for WH-1 by 2026-01-02',
    reasoning: ['fixture'],
    policy: { reorderPoint: 90 },
    runId: 'plan-20260101-00000000',
    expiresAt: new Date(now.getTime() + 48 * 3_600_000),
    createdAt: now,
    updatedAt: now,
    actionedAt: null,
    actionedBy: null,
    rejectionReason: null,
    accepted: null,
    purchaseOrder: null,
    supersededBy: null,
    ...fields,
  };
}

export async function storeRecommendations(db: Db, recommendations: StoredRecommendation[]): Promise<void> {
  await db.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations).insertMany(recommendations);
}

/** A completed optimisation run (planning/optimize) proposing, per item, a REORDER_POINT_EOQ rule at the given location. */
export function anOptimizationRun(
  tenantId: string,
  items: { sku: string; locationCode: string; reorderPoint: number; orderQuantity: number }[],
): OptimizationRunDocument {
  const now = new Date();
  return {
    _id: `opt-20260101-${randomBytes(4).toString('hex')}`,
    tenantId,
    optimizationType: 'STOCK_LEVELS',
    parameters: { constraints: { budget: null, storageCapacity: null, perLocation: null }, skus: null, locationCodes: null },
    inputs: { today: '2026-01-01', forecastIds: items.length },
    progress: { total: items.length, done: items.length },
    method: 'fixture',
    items: items.map((i) => ({
      sku: i.sku,
      locationCode: i.locationCode,
      current: { strategy: 'FORECAST_BASED', reorderPoint: i.reorderPoint - 1, orderQuantity: i.orderQuantity },
      proposed: {
        strategy: 'REORDER_POINT_EOQ',
        reorderPoint: i.reorderPoint,
        orderQuantity: i.orderQuantity,
        orderUpTo: i.reorderPoint + i.orderQuantity,
        safetyStock: 1,
        fillRate: 0.95,
        inventoryValue: 100,
      },
      expectedCost: { current: 10, proposed: 9 },
      change: 1,
    })),
    skipped: [],
    totals: null,
    constraints: [],
    applied: null,
    requestedBy: { apiKeyId: 'seed', name: 'seed' },
    status: 'completed',
    runner: null,
    heartbeatAt: null,
    createdAt: now,
    startedAt: now,
    completedAt: now,
    error: null,
  };
}
