import type { DailySalesFact, DayKey } from '@icc/shared';
import type { Db, Document } from 'mongodb';
import { FACT_COLLECTIONS } from '../facts/fact-collections.js';
import type { DailyTotal } from './daily-series.js';

/** The facts module's collection (written by src/facts); features and the analytics routes only read it. */
export const DAILY_SALES_FACTS = FACT_COLLECTIONS.dailySalesFacts;

/** The fields of a stored fact this module reads (the facts module stores more): `_id` `${tenantId}:${sku}:${locationCode}:${day}`. */
export type DailySalesFactDocument = DailySalesFact & { _id: string; tenantId: string };

/** The first and last day a SKU has a fact row. */
export interface HistorySpan {
  first: DayKey;
  last: DayKey;
}

export interface SpanQuery {
  /** Only these SKUs; every SKU with history when omitted. */
  skus?: readonly string[];
  locationCode?: string;
  /** At most this many SKUs, in SKU order. */
  limit?: number;
}

/**
 * First and last fact day of each SKU of a tenant, in SKU order. A SKU missing
 * from the answer has no history (in this tenant, at that location).
 *
 * @example await historySpans(db, 'acme', { skus: ['SKU-1'] }) // Map { 'SKU-1' => { first: '2025-01-01', last: '2026-03-01' } }
 */
export async function historySpans(db: Db, tenantId: string, query: SpanQuery = {}): Promise<Map<string, HistorySpan>> {
  const match: Document = { tenantId };
  if (query.skus) match['sku'] = { $in: [...query.skus] };
  if (query.locationCode !== undefined) match['locationCode'] = query.locationCode;
  const pipeline: Document[] = [{ $match: match }, { $group: { _id: '$sku', first: { $min: '$day' }, last: { $max: '$day' } } }, { $sort: { _id: 1 } }];
  if (query.limit !== undefined) pipeline.push({ $limit: query.limit });
  const rows = await db.collection(DAILY_SALES_FACTS).aggregate<{ _id: string; first: DayKey; last: DayKey }>(pipeline).toArray();
  return new Map(rows.map((r) => [r._id, { first: r.first, last: r.last }]));
}

/**
 * Does the SKU have any fact (at that location, when given)? One indexed existence check.
 * @example await hasHistory(db, 'acme', 'SKU-1') // true
 */
export async function hasHistory(db: Db, tenantId: string, sku: string, locationCode?: string): Promise<boolean> {
  const filter: Document = locationCode === undefined ? { tenantId, sku } : { tenantId, sku, locationCode };
  return (await db.collection(DAILY_SALES_FACTS).findOne(filter, { projection: { _id: 1 } })) !== null;
}

/**
 * Does the SKU have any fact before `day`? One indexed existence check.
 * @example await hasFactBefore(db, 'acme', 'SKU-1', '2026-01-01') // true
 */
export async function hasFactBefore(db: Db, tenantId: string, sku: string, day: DayKey): Promise<boolean> {
  const found = await db.collection(DAILY_SALES_FACTS).findOne({ tenantId, sku, day: { $lt: day } }, { projection: { _id: 1 } });
  return found !== null;
}

export interface TotalsQuery {
  skus: readonly string[];
  from: DayKey;
  to: DayKey;
  /** One location only; all locations summed when omitted. */
  locationCode?: string;
}

/**
 * Per-SKU, per-day totals over locations from `from` to `to` (both included),
 * sparse (days without a fact are absent; densify with denseDailyTotals), oldest first.
 * A plain indexed find with the sums done here: an equality-and-range find is
 * served by the { tenantId, sku, day } index on every engine, where an
 * aggregation's $group was measured 15–60× slower on embedded-mongo.
 *
 * @example (await readDailyTotals(db, 'acme', { skus: ['SKU-1'], from: '2026-01-01', to: '2026-01-31' })).get('SKU-1')
 */
export async function readDailyTotals(db: Db, tenantId: string, query: TotalsQuery): Promise<Map<string, DailyTotal[]>> {
  if (query.skus.length === 0 || query.to < query.from) return new Map();
  const filter: Document = { tenantId, sku: query.skus.length === 1 ? query.skus[0] : { $in: [...query.skus] }, day: { $gte: query.from, $lte: query.to } };
  if (query.locationCode !== undefined) filter['locationCode'] = query.locationCode;
  const facts = await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).find(filter, { projection: FACT_PROJECTION }).toArray();
  return sumFactsBySkuAndDay(facts);
}

const FACT_PROJECTION = {
  _id: 0,
  sku: 1,
  day: 1,
  quantityDemanded: 1,
  quantitySold: 1,
  quantityReturned: 1,
  revenue: 1,
  orders: 1,
  stockOut: 1,
  campaignActive: 1,
} as const;

type FactFields = Pick<
  DailySalesFact,
  'sku' | 'day' | 'quantityDemanded' | 'quantitySold' | 'quantityReturned' | 'revenue' | 'orders' | 'stockOut' | 'campaignActive'
>;

/**
 * Fact rows (any locations, any order) as per-SKU daily totals, days ascending:
 * quantities summed, flags OR-ed (a stock-out at any location marks the day,
 * as its demand may be censored there). Pure.
 *
 * @example sumFactsBySkuAndDay([factAtWh1, factAtWh2]).get('SKU-1') // [{ day, demanded: wh1 + wh2, ... }]
 */
export function sumFactsBySkuAndDay(facts: readonly FactFields[]): Map<string, DailyTotal[]> {
  const bySku = new Map<string, Map<DayKey, DailyTotal>>();
  for (const f of facts) {
    const days = bySku.get(f.sku) ?? new Map<DayKey, DailyTotal>();
    const t = days.get(f.day);
    days.set(f.day, {
      day: f.day,
      demanded: (t?.demanded ?? 0) + f.quantityDemanded,
      sold: (t?.sold ?? 0) + f.quantitySold,
      returned: (t?.returned ?? 0) + f.quantityReturned,
      // Revenues are cent amounts in floating point: round the sum back to cents so it does not depend on summing order.
      revenue: Math.round(((t?.revenue ?? 0) + f.revenue) * 100) / 100,
      orders: (t?.orders ?? 0) + f.orders,
      stockOut: (t?.stockOut ?? false) || f.stockOut,
      campaignActive: (t?.campaignActive ?? false) || f.campaignActive,
    });
    bySku.set(f.sku, days);
  }
  const out = new Map<string, DailyTotal[]>();
  for (const sku of [...bySku.keys()].sort()) {
    out.set(
      sku,
      [...bySku.get(sku)!.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)),
    );
  }
  return out;
}
