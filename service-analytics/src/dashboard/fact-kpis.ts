import { addUtcDays, utcDayKey, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import type { DailySalesFactDocument } from '../features/fact-reader.js';
import { DAILY_SALES_FACTS } from '../features/fact-reader.js';
import { FORECAST_COLLECTIONS, type ModelPerformanceDocument } from '../forecasts/forecast-collections.js';
import { pairKey } from './stock-valuation.js';

/** What the facts say about one period of whole UTC days (`from`–`to`, ending yesterday). */
export interface PeriodKpis {
  from: DayKey;
  to: DayKey;
  days: number;
  /** 1 − unfulfilled ÷ demanded; null without demand. */
  fillRate: number | null;
  /** Stock-out rows ÷ rows; null without rows. */
  stockoutRate: number | null;
  /** Units demanded per SKU × location (`pairKey`). */
  demandByPair: Map<string, number>;
}

export interface FactKpis {
  last7: PeriodKpis;
  last30: PeriodKpis;
  /** 1 − WAPE of the forecasts scored since `accuracyFrom`; null when none was. */
  forecastAccuracy: number | null;
  accuracyFrom: DayKey;
}

type FactRow = Pick<DailySalesFactDocument, 'day' | 'sku' | 'locationCode' | 'quantityDemanded' | 'quantityUnfulfilled' | 'stockOut'>;

/** The periods end yesterday: today's facts are still arriving. */
function periodOf(rows: readonly FactRow[], today: DayKey, days: number): PeriodKpis {
  const from = addUtcDays(today, -days);
  const to = addUtcDays(today, -1);
  let demanded = 0;
  let unfulfilled = 0;
  let count = 0;
  let stockOuts = 0;
  const demandByPair = new Map<string, number>();
  for (const row of rows) {
    if (row.day < from || row.day > to) continue;
    demanded += row.quantityDemanded;
    unfulfilled += row.quantityUnfulfilled;
    count += 1;
    if (row.stockOut) stockOuts += 1;
    const key = pairKey(row.sku, row.locationCode);
    demandByPair.set(key, (demandByPair.get(key) ?? 0) + row.quantityDemanded);
  }
  return {
    from,
    to,
    days,
    fillRate: demanded > 0 ? 1 - unfulfilled / demanded : null,
    stockoutRate: count > 0 ? stockOuts / count : null,
    demandByPair,
  };
}

/** 1 − Σ|actual − predicted| ÷ Σ actual over every scored day of the evaluations, floored at 0. */
function accuracyOf(evaluations: readonly Pick<ModelPerformanceDocument, 'actual' | 'predicted'>[]): number | null {
  let error = 0;
  let actualSum = 0;
  for (const e of evaluations) {
    const days = Math.min(e.actual.length, e.predicted.length);
    for (let d = 0; d < days; d += 1) {
      error += Math.abs(e.actual[d]! - e.predicted[d]!);
      actualSum += e.actual[d]!;
    }
  }
  return actualSum > 0 ? Math.max(0, 1 - error / actualSum) : null;
}

/**
 * The KPIs measured from the daily facts over the last 7 and 30 whole days,
 * and forecast accuracy over the evaluations of the last 30 days. One
 * read of the tenant's last 30 days of fact rows (the `tenantId, day`
 * index) and one read of its recent evaluations.
 *
 * @example const { last7 } = await measureFactKpis(analyticsDb, 'acme', new Date()) // last7.fillRate: 0.97
 */
export async function measureFactKpis(db: Db, tenantId: string, now: Date): Promise<FactKpis> {
  const today = utcDayKey(now);
  const accuracyFrom = addUtcDays(today, -30);
  const [rows, evaluations] = await Promise.all([
    db
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .find<FactRow>(
        { tenantId, day: { $gte: addUtcDays(today, -30), $lte: addUtcDays(today, -1) } },
        { projection: { _id: 0, day: 1, sku: 1, locationCode: 1, quantityDemanded: 1, quantityUnfulfilled: 1, stockOut: 1 } },
      )
      .toArray(),
    db
      .collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance)
      .find({ tenantId, evaluatedAt: { $gte: new Date(`${accuracyFrom}T00:00:00.000Z`) } }, { projection: { _id: 0, actual: 1, predicted: 1 } })
      .toArray(),
  ]);
  return { last7: periodOf(rows, today, 7), last30: periodOf(rows, today, 30), forecastAccuracy: accuracyOf(evaluations), accuracyFrom };
}
