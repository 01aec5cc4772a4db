import { addUtcDays, utcDayKey, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS, type StoredDailyFact } from '../../facts/fact-collections.js';
import type { PurchaseOrderMirrorDoc } from '../../facts/supply-mirror.js';
import { FORECAST_COLLECTIONS, type ForecastDocument } from '../../forecasts/forecast-collections.js';
import { recommendationsOf } from '../recommendations.store.js';
import { ALERT_THRESHOLDS, halfWidthsAt99, type ForecastTrack, type LateLine } from './alert-rules.js';

/** Days of facts and forecasts read: the degraded window, and before it the forecasts in force then and their naive's week. */
const HISTORY_DAYS = 2 * ALERT_THRESHOLDS.degradedWindowDays;
/** Purchase orders whose open lines may still arrive (as planning-inputs reads them). */
const OPEN_PO_STATUSES = ['ordered', 'partiallyReceived'];

/** What the alert rules read of a chunk of SKUs beyond the planning inputs, one query per collection. */
export interface AlertChunkInputs {
  /** SKU → day → demand of all locations together, for the days whose facts have arrived (up to the SKU's newest fact day). */
  demand: Map<string, Map<DayKey, number>>;
  /** The same, without days on which a location was out of stock (censored demand): what accuracy is judged on. */
  uncensored: Map<string, Map<DayKey, number>>;
  /** SKU → its stored forecasts of the last {@link HISTORY_DAYS} days, with 99 % half-widths. */
  forecasts: Map<string, ForecastTrack[]>;
  /** `${sku}\0${location}` → open purchase-order lines past their expected day. */
  late: Map<string, LateLine[]>;
  /** `${sku}\0${location}\0${type}` → the pending recommendation (id and action) an alert relates to. */
  pending: Map<string, { id: string; action: string }>;
}

export const alertPairKey = (sku: string, locationCode: string) => `${sku}\u0000${locationCode}`;

/**
 * Read the chunk's demand by day (daily facts summed over locations), its
 * recent stored forecasts, its late purchase-order lines and its pending
 * recommendations (read after the run wrote them, so alerts can name them).
 */
export async function readAlertInputs(db: Db, tenantId: string, skus: readonly string[], today: DayKey): Promise<AlertChunkInputs> {
  const skuList = [...skus];
  const from = addUtcDays(today, -HISTORY_DAYS);
  const [facts, forecasts, orders, pending] = await Promise.all([
    // A find, summed here: the engine's aggregation `$match` tests a 1,000-SKU `$in` at the cost of the whole list per fact row.
    db
      .collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts)
      .find({ tenantId, sku: { $in: skuList }, day: { $gte: from, $lt: today } }, { projection: { _id: 0, sku: 1, day: 1, quantityDemanded: 1, stockOut: 1 } })
      .toArray(),
    db
      .collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts)
      .find(
        { tenantId, sku: { $in: skuList }, forecastDate: { $gte: from, $lte: today } },
        { projection: { sku: 1, forecastDate: 1, 'predictions.quantity': 1, intervals: 1 } },
      )
      .toArray(),
    db
      .collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror)
      .find({ tenantId, 'lines.sku': { $in: skuList }, status: { $in: OPEN_PO_STATUSES }, expectedDate: { $lt: new Date(`${today}T00:00:00Z`) } })
      .toArray(),
    recommendationsOf(db)
      .find({ tenantId, sku: { $in: skuList }, status: 'PENDING' }, { projection: { sku: 1, locationCode: 1, type: 1, action: 1 } })
      .toArray(),
  ]);

  // SKU → day → demand of all its locations, out of stock at any of them.
  const byDay = new Map<string, Map<DayKey, { day: DayKey; demanded: number; stockOut: boolean }>>();
  for (const fact of facts) {
    let days = byDay.get(fact.sku);
    if (!days) byDay.set(fact.sku, (days = new Map<DayKey, { day: DayKey; demanded: number; stockOut: boolean }>()));
    const row = days.get(fact.day);
    if (row) {
      row.demanded += fact.quantityDemanded;
      row.stockOut ||= fact.stockOut;
    } else days.set(fact.day, { day: fact.day, demanded: fact.quantityDemanded, stockOut: fact.stockOut });
  }
  const rows = new Map([...byDay].map(([sku, days]) => [sku, [...days.values()]]));
  const demand = new Map<string, Map<DayKey, number>>();
  const uncensored = new Map<string, Map<DayKey, number>>();
  for (const [sku, list] of rows) {
    // A day without a fact row between the first and the newest is a day without demand; days after the newest have not arrived.
    list.sort((a, b) => (a.day < b.day ? -1 : 1));
    const byDay = new Map(list.map((r) => [r.day, r]));
    const all = new Map<DayKey, number>();
    const clean = new Map<DayKey, number>();
    for (let day = list[0]!.day; day <= list.at(-1)!.day; day = addUtcDays(day, 1)) {
      const row = byDay.get(day);
      all.set(day, row?.demanded ?? 0);
      if (!row?.stockOut) clean.set(day, row?.demanded ?? 0);
    }
    demand.set(sku, all);
    uncensored.set(sku, clean);
  }

  const tracks = new Map<string, ForecastTrack[]>();
  for (const f of forecasts) {
    const predictions = f.predictions.map((p) => p.quantity);
    const halfWidths99 = halfWidthsAt99(f.intervals ?? []) ?? predictions.map(() => Infinity);
    tracks.set(f.sku, [...(tracks.get(f.sku) ?? []), { forecastDate: f.forecastDate, predictions, halfWidths99 }]);
  }

  const inChunk = new Set(skuList);
  const late = new Map<string, LateLine[]>();
  for (const order of orders) {
    for (const line of order.lines) {
      if (!inChunk.has(line.sku) || line.openQuantity <= 0) continue;
      const key = alertPairKey(line.sku, order.locationCode);
      late.set(key, [
        ...(late.get(key) ?? []),
        {
          purchaseOrderId: String(order._id),
          poNumber: order.poNumber,
          supplierCode: order.supplierCode,
          expectedDate: utcDayKey(order.expectedDate),
          openQuantity: line.openQuantity,
          unitCost: line.unitCost,
        },
      ]);
    }
  }

  const pendingByKey = new Map<string, { id: string; action: string }>();
  for (const rec of pending) pendingByKey.set(`${alertPairKey(rec.sku, rec.locationCode)}\u0000${rec.type}`, { id: rec._id, action: rec.action });
  return { demand, uncensored, forecasts: tracks, late, pending: pendingByKey };
}
