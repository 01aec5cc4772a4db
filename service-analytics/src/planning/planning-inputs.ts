import { addUtcDays, utcDayKey, utcDaysBetween, type DayKey, type StoredRecommendation } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS, type StoredDailyFact } from '../facts/fact-collections.js';
import type { ProductMirrorDoc, StockReadModelDoc } from '../facts/reference-mirror.js';
import { backorderedBySkuLocation } from '../facts/backorder-mirror.js';
import type { TransferExecutionMirrorDoc } from '../facts/transfer-execution-mirror.js';
import { supplierDeliveryStats, type SupplierDeliveryStats } from '../facts/supplier-delivery.js';
import type { ProductSupplierMirrorDoc, PurchaseOrderMirrorDoc, SupplierMirrorDoc } from '../facts/supply-mirror.js';
import { FORECAST_COLLECTIONS, type ForecastDocument, type LatestForecastDocument } from '../forecasts/forecast-collections.js';
import { abcClasses, SHARE_WINDOW_DAYS, type AbcClass, type SupplierOption } from './policy/index.js';
import type { RunAllocation } from './planning-calibration.js';
import { activeRulesOf } from './reorder-rules.js';
import { recommendationsOf } from './recommendations.store.js';
import type { PlanningPairDocument, ReorderRuleDocument } from './planning.types.js';
import { PLANNING_COLLECTIONS } from './planning.collections.js';

/**
 * The reads of a planning run, in bulk: per tenant once (suppliers, their
 * measured delivery, ABC classes and each SKU's demand by location), then per
 * chunk of SKUs one query per collection — never one per pair.
 */

/** Purchase orders whose open quantity is still coming. */
const OPEN_PO_STATUSES = ['ordered', 'partiallyReceived'];

/** What a run reads once per tenant. */
export interface TenantInputs {
  suppliers: Map<string, SupplierMirrorDoc>;
  delivery: Map<string, SupplierDeliveryStats>;
  /** Revenue over the share window, ranked into A/B/C (policy `abcClasses`). */
  abc: Record<string, AbcClass>;
  /** SKU → location → units demanded over the share window (for the location split). */
  recentDemand: Map<string, Record<string, number>>;
  /** The tenant-wide fill-rate target's price per unit short for this run (planning-calibration.ts); null/absent: the class levels. */
  allocation?: RunAllocation | null;
}

/**
 * Suppliers and their delivery, and one aggregation over the last
 * {@link SHARE_WINDOW_DAYS} days of daily facts giving both each SKU's
 * revenue (ABC classes are a ranking over the whole tenant, so they cannot be
 * computed per chunk) and its demand per location.
 */
export async function readTenantInputs(db: Db, tenantId: string, today: DayKey): Promise<TenantInputs> {
  const from = addUtcDays(today, -SHARE_WINDOW_DAYS);
  const [suppliers, delivery, { revenue, recentDemand }] = await Promise.all([
    db.collection<SupplierMirrorDoc>(FACT_COLLECTIONS.suppliersMirror).find({ tenantId }).toArray(),
    supplierDeliveryStats(db, tenantId),
    recentDemandOf(db, tenantId, from, today),
  ]);
  return { suppliers: new Map(suppliers.map((s) => [s.code, s])), delivery, abc: abcClasses(revenue), recentDemand };
}

/**
 * Each SKU's revenue and its demand per location over [from, today), summed
 * here from a find of the fact rows (four fields each), a cursor batch at a
 * time: the engine serves a batch per request instead of grouping every row
 * of the window in one command (at 100,000 pairs on a loaded machine, a run
 * failed when the driver's monitor got no answer from the engine for 30 s).
 */
async function recentDemandOf(
  db: Db,
  tenantId: string,
  from: DayKey,
  today: DayKey,
): Promise<{ revenue: Record<string, number>; recentDemand: Map<string, Record<string, number>> }> {
  const revenue: Record<string, number> = {};
  const recentDemand = new Map<string, Record<string, number>>();
  const rows = db
    .collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts)
    .find(
      { tenantId, day: { $gte: from, $lt: today } },
      { projection: { _id: 0, sku: 1, locationCode: 1, quantityDemanded: 1, revenue: 1 }, batchSize: 10_000 },
    );
  for await (const row of rows) {
    revenue[row.sku] = (revenue[row.sku] ?? 0) + row.revenue;
    let byLocation = recentDemand.get(row.sku);
    if (!byLocation) recentDemand.set(row.sku, (byLocation = {}));
    byLocation[row.locationCode] = (byLocation[row.locationCode] ?? 0) + row.quantityDemanded;
  }
  return { revenue, recentDemand };
}

/** What a chunk of SKUs needs, each read with one query. */
export interface ChunkInputs {
  /** The pairs the run plans (its locations, when it names some). */
  stock: StockReadModelDoc[];
  /** The chunk's SKUs at the other locations (a run that names locations): decided only as transfer sources, never written. */
  otherStock: StockReadModelDoc[];
  products: Map<string, ProductMirrorDoc>;
  forecasts: Map<string, ForecastDocument>;
  links: Map<string, ProductSupplierMirrorDoc[]>;
  rules: Map<string, ReorderRuleDocument>;
  /** `${sku}:${location}` → open purchase-order lines (and accepted recommendations not yet ordered), with when each is expected. */
  onOrder: Map<string, { quantity: number; expectedDate: DayKey }[]>;
  /** `${sku}:${location}` → quantity accepted and not yet seen as a purchase order (accepted TRANSFERs not yet executed: + at the receiver, − at the source). */
  acceptedOpen: Map<string, number>;
  /** `${sku}:${location}` → confirmed sales-order lines waiting for stock (the back-order mirror). */
  backOrdered: Map<string, number>;
  /** `${sku}:${location}:${type}` → the pending recommendation. */
  pending: Map<string, StoredRecommendation>;
  /** SKU → the locations it is stocked at in this chunk. */
  locationsBySku: Map<string, string[]>;
  /** `${tenantId}:${sku}:${location}` → what the last run computed (written again only when it changed). */
  pairs: Map<string, PlanningPairDocument>;
}

export const pairKey = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;

export async function readChunkInputs(db: Db, tenantId: string, skus: readonly string[], locationCodes: readonly string[] | null): Promise<ChunkInputs> {
  const skuList = [...skus];
  // Every location of the chunk's SKUs: a run limited to some locations still sees the others, as transfer sources and in the demand split.
  const stockFilter = { tenantId, sku: { $in: skuList } };
  const [allStock, products, pointers, links, rules, orders, open, pairs, backOrdered] = await Promise.all([
    db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).find(stockFilter).toArray(),
    db
      .collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror)
      .find({ _id: { $in: skuList.map((sku) => `${tenantId}:${sku}`) } })
      .toArray(),
    db
      .collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts)
      .find({ _id: { $in: skuList.map((sku) => `${tenantId}:${sku}`) } }, { projection: { sku: 1, forecastId: 1 } })
      .toArray(),
    db
      .collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror)
      .find({ tenantId, sku: { $in: skuList } })
      .toArray(),
    activeRulesOf(db, tenantId, skuList),
    db
      .collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror)
      .find({ tenantId, 'lines.sku': { $in: skuList }, status: { $in: OPEN_PO_STATUSES } })
      .toArray(),
    recommendationsOf(db)
      .find({ tenantId, sku: { $in: skuList }, status: { $in: ['PENDING', 'ACCEPTED'] } })
      .toArray(),
    db
      .collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs)
      .find({ tenantId, sku: { $in: skuList } })
      .toArray(),
    backorderedBySkuLocation(db, tenantId, skuList),
  ]);
  const executed = await executedTransfers(db, open);
  const forecastDocs = await db
    .collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts)
    .find({ _id: { $in: pointers.map((p) => p.forecastId) } }, { projection: { maseScale: 0, scoredDays: 0, fullyScored: 0 } })
    .toArray();

  const inChunk = new Set(skuList);
  const onOrder = new Map<string, { quantity: number; expectedDate: DayKey }[]>();
  const add = (key: string, quantity: number, expectedDate: DayKey) => {
    const list = onOrder.get(key) ?? [];
    list.push({ quantity, expectedDate });
    onOrder.set(key, list);
  };
  // An accepted recommendation counts as on order until its purchase order is seen; then the order's line counts instead.
  const acceptedOpen = new Map<string, number>();
  const countedRequests = new Set<string>();
  const pending = new Map<string, StoredRecommendation>();
  for (const rec of open) {
    if (rec.status === 'PENDING') {
      pending.set(`${pairKey(rec.sku, rec.locationCode)}\u0000${rec.type}`, rec);
      continue;
    }
    if (rec.type === 'TRANSFER' && rec.transfer && rec.fromLocationCode && !executed.has(`${rec.tenantId}:${rec.transfer.requestId}`)) {
      // An accepted transfer not yet seen executed: coming in at the receiver (on its arrival date), already gone at the source.
      const { quantity } = rec.transfer;
      const to = pairKey(rec.sku, rec.locationCode);
      const from = pairKey(rec.sku, rec.fromLocationCode);
      acceptedOpen.set(to, (acceptedOpen.get(to) ?? 0) + quantity);
      acceptedOpen.set(from, (acceptedOpen.get(from) ?? 0) - quantity);
      add(to, quantity, rec.expectedArrivalDate ?? utcDayKey(rec.actionedAt ?? rec.updatedAt));
      add(from, -quantity, utcDayKey(rec.actionedAt ?? rec.updatedAt));
      continue;
    }
    if (rec.type !== 'REORDER' || !rec.accepted) continue;
    const key = pairKey(rec.sku, rec.locationCode);
    acceptedOpen.set(key, (acceptedOpen.get(key) ?? 0) + rec.accepted.quantity);
    countedRequests.add(rec.accepted.purchaseOrderRequestId);
    add(key, rec.accepted.quantity, rec.expectedArrivalDate ?? rec.orderByDate ?? '9999-12-31');
  }
  for (const order of orders) {
    if (order.source?.type === 'recommendation' && order.source.id !== null && countedRequests.has(order.source.id)) continue;
    const expected = order.expectedDate.toISOString().slice(0, 10);
    for (const line of order.lines) {
      if (!inChunk.has(line.sku) || line.openQuantity <= 0) continue;
      add(pairKey(line.sku, order.locationCode), line.openQuantity, expected);
    }
  }

  const linksBySku = new Map<string, ProductSupplierMirrorDoc[]>();
  for (const link of links) linksBySku.set(link.sku, [...(linksBySku.get(link.sku) ?? []), link]);
  const locationsBySku = new Map<string, string[]>();
  for (const row of allStock) locationsBySku.set(row.sku, [...(locationsBySku.get(row.sku) ?? []), row.locationCode]);
  const scope = locationCodes ? new Set(locationCodes) : null;
  return {
    stock: scope ? allStock.filter((row) => scope.has(row.locationCode)) : allStock,
    otherStock: scope ? allStock.filter((row) => !scope.has(row.locationCode)) : [],
    products: new Map(products.map((p) => [p.sku, p])),
    forecasts: new Map(forecastDocs.map((f) => [f.sku, f])),
    links: linksBySku,
    rules,
    onOrder,
    acceptedOpen,
    backOrdered,
    pending,
    locationsBySku,
    pairs: new Map(pairs.map((p) => [p._id, p])),
  };
}

/**
 * Of the accepted TRANSFERs among `recommendations`, the requests whose
 * operational outcome has been mirrored (`${tenantId}:${requestId}`): their
 * stock has moved (or not, when failed) in the stock read model already, so
 * they are not counted again while completion has yet to close them.
 */
async function executedTransfers(db: Db, recommendations: readonly StoredRecommendation[]): Promise<Set<string>> {
  const ids = recommendations.filter((rec) => rec.status === 'ACCEPTED' && rec.transfer).map((rec) => `${rec.tenantId}:${rec.transfer!.requestId}`);
  if (ids.length === 0) return new Set();
  const rows = await db
    .collection<TransferExecutionMirrorDoc>(FACT_COLLECTIONS.transferExecutionsMirror)
    .find({ _id: { $in: ids } }, { projection: { _id: 1 } })
    .toArray();
  return new Set(rows.map((row) => row._id));
}

/**
 * The SKU's suppliers as the policy sees them: active suppliers only, the
 * link's lead time else the supplier's default, and the supplier's measured
 * delivery (null before its first receipt).
 */
export function supplierOptions(links: readonly ProductSupplierMirrorDoc[], tenant: TenantInputs): SupplierOption[] {
  const options: SupplierOption[] = [];
  for (const link of links) {
    const supplier = tenant.suppliers.get(link.supplierCode);
    if (!supplier || supplier.status !== 'active') continue;
    const stats = tenant.delivery.get(link.supplierCode);
    options.push({
      supplierCode: link.supplierCode,
      supplierName: supplier.name,
      unitCost: link.unitCost,
      minimumOrderQuantity: link.minimumOrderQuantity,
      packSize: link.packSize,
      leadTimeDays: link.leadTimeDays ?? supplier.defaultLeadTimeDays,
      preferred: link.preferred,
      delivery: stats
        ? { receivedOrders: stats.receivedOrders, meanDelayDays: stats.meanDelayDays, delayStdDays: stats.delayStdDays, onTimeRate: stats.onTimeRate }
        : null,
    });
  }
  return options;
}

/**
 * The stored forecast from `today` on: the days before today are dropped
 * (a forecast made on an earlier day still covers the days after it). null
 * when nothing of it is left.
 */
export function forecastFromToday(forecast: ForecastDocument, today: DayKey): { predictions: number[]; intervals: ForecastDocument['intervals'] } | null {
  const skip = Math.max(0, utcDaysBetween(forecast.forecastDate, today));
  if (skip >= forecast.predictions.length) return null;
  return {
    predictions: forecast.predictions.slice(skip).map((p) => p.quantity),
    intervals: forecast.intervals.map((i) => ({ ...i, halfWidths: i.halfWidths.slice(skip) })),
  };
}
