import { addUtcDays, MIN_SLOW_MOVING_DAYS, utcDayKey, type DayKey } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../features/fact-reader.js';
import { chunks, IN_LIST_MAX } from '../util/collections.js';
import { DASHBOARD_COLLECTIONS } from './dashboard.collections.js';
import { pairKey, type StockValuation } from './stock-valuation.js';

/** How far back the refresh looks for a pair's last sale: a pair not sold in this many days has `lastSaleDay` null. */
export const LAST_SALE_WINDOW_DAYS = 365;

/** One stocked SKU × location without a sale in the last week (`_id` = `${tenantId}:${sku}:${locationCode}`). */
export interface SlowMovingDocument {
  _id: string;
  tenantId: string;
  sku: string;
  locationCode: string;
  productName: string;
  onHand: number;
  value: number;
  /** The last day with units sold within LAST_SALE_WINDOW_DAYS; null when none. */
  lastSaleDay: DayKey | null;
}

/** Whether a stored row still says what the refresh found (a row that does is not rewritten). */
const sameRow = (a: SlowMovingDocument, b: SlowMovingDocument) =>
  a.onHand === b.onHand && a.value === b.value && a.lastSaleDay === b.lastSaleDay && a.productName === b.productName;

/**
 * Bring the tenant's slow-moving read model up to date: every stock row with
 * stock on hand whose last sale (daily facts with units sold, within the last
 * year) is at least a week old, with its value at cost. Only the difference is
 * written — new rows inserted, changed ones replaced, rows of pairs that sold
 * since or hold no stock now deleted — so a refresh that finds little changed
 * writes little. The details route then answers "no sale in N days" with one
 * walk of `{ tenantId, value }`.
 *
 * @example await refreshSlowMoving(analyticsDb, 'acme', new Date(), await readStockValuation(analyticsDb, 'acme'))
 */
export async function refreshSlowMoving(db: Db, tenantId: string, now: Date, stock: StockValuation): Promise<void> {
  const today = utcDayKey(now);
  const rows = db.collection<SlowMovingDocument>(DASHBOARD_COLLECTIONS.dashboardSlowMoving);
  const [sales, stored] = await Promise.all([
    db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .aggregate<{ _id: { sku: string; locationCode: string }; last: DayKey }>([
        { $match: { tenantId, day: { $gte: addUtcDays(today, -LAST_SALE_WINDOW_DAYS) }, quantitySold: { $gt: 0 } } },
        { $group: { _id: { sku: '$sku', locationCode: '$locationCode' }, last: { $max: '$day' } } },
      ])
      .toArray(),
    rows.find({ tenantId }).toArray(),
  ]);
  const lastSale = new Map(sales.map((s) => [pairKey(s._id.sku, s._id.locationCode), s.last]));
  const before = new Map(stored.map((row) => [row._id, row]));
  // Pairs sold more recently are not slow-moving at any `slowMovingDays` the API accepts: not stored.
  const recent = addUtcDays(today, -MIN_SLOW_MOVING_DAYS);
  const inserts: SlowMovingDocument[] = [];
  const replaces: AnyBulkWriteOperation<SlowMovingDocument>[] = [];
  for (const [key, pair] of stock.pairs) {
    const lastSaleDay = lastSale.get(key) ?? null;
    if (pair.onHand <= 0 || (lastSaleDay !== null && lastSaleDay >= recent)) continue;
    const _id = `${tenantId}:${pair.sku}:${pair.locationCode}`;
    const row: SlowMovingDocument = {
      _id,
      tenantId,
      sku: pair.sku,
      locationCode: pair.locationCode,
      productName: pair.productName,
      onHand: pair.onHand,
      value: Math.round(pair.onHand * pair.unitCost * 100) / 100,
      lastSaleDay,
    };
    const old = before.get(_id);
    before.delete(_id);
    if (!old) inserts.push(row);
    else if (!sameRow(old, row)) replaces.push({ replaceOne: { filter: { _id }, replacement: row } });
  }
  for (const part of chunks(inserts, 5_000)) await rows.insertMany(part, { ordered: false });
  if (replaces.length > 0) await rows.bulkWrite(replaces, { ordered: false });
  for (const part of chunks([...before.keys()], IN_LIST_MAX)) await rows.deleteMany({ _id: { $in: part } });
}
