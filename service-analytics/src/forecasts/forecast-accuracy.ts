import { addUtcDays, utcDaysBetween, type DayKey } from '@icc/shared';
import type { AnyBulkWriteOperation, Db } from 'mongodb';
import { bias, mae, mape, rmse } from '../forecasting/index.js';
import { FORECAST_COLLECTIONS, type ForecastDocument, type ModelPerformanceDocument } from './forecast-collections.js';
import type { SkuHistory } from './forecast-history.js';

export interface ScoredPairs {
  actual: number[];
  predicted: number[];
  /** Days of the forecast that have passed (scored or censored). */
  daysPassed: number;
}

/**
 * The (actual, predicted) pairs of a stored forecast whose days have passed by
 * the end of `history`. A stock-out day is passed but not scored: its actual
 * is censored demand, not what the forecast should have hit. Pure.
 *
 * @example pairsToScore(forecast, history).actual // demand on each passed, in-stock forecast day
 */
export function pairsToScore(forecast: Pick<ForecastDocument, 'forecastDate' | 'predictions'>, history: SkuHistory): ScoredPairs {
  const out: ScoredPairs = { actual: [], predicted: [], daysPassed: 0 };
  const offset = utcDaysBetween(history.firstDay, forecast.forecastDate);
  for (let k = 0; k < forecast.predictions.length; k += 1) {
    const t = offset + k;
    if (t < 0) continue;
    if (t >= history.series.values.length) break;
    out.daysPassed = k + 1;
    if (history.series.censored[t]) continue;
    out.actual.push(history.series.values[t]!);
    out.predicted.push(forecast.predictions[k]!.quantity);
  }
  return out;
}

/**
 * Accuracy tracking (`modelPerformance`): score every stored
 * forecast of these SKUs that has days whose actuals arrived since it was
 * last scored, against the demand in `histories` (read up to the job's
 * `asOf`). One performance document per forecast, rewritten as more days
 * pass, with MAE, RMSE, MAPE, MASE (on the scale stored with the forecast)
 * and bias. Returns the number of forecasts scored.
 */
export async function scorePastForecasts(db: Db, tenantId: string, histories: ReadonlyMap<string, SkuHistory>, asOf: DayKey, now: Date): Promise<number> {
  if (histories.size === 0) return 0;
  const forecasts = db.collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts);
  const open = await forecasts
    .find(
      { tenantId, sku: { $in: [...histories.keys()] }, fullyScored: false, forecastDate: { $lte: asOf } },
      { projection: { sku: 1, jobId: 1, modelType: 1, forecastDate: 1, predictions: 1, maseScale: 1, scoredDays: 1, horizon: 1 } },
    )
    .toArray();
  const performance: AnyBulkWriteOperation<ModelPerformanceDocument>[] = [];
  const progress: AnyBulkWriteOperation<ForecastDocument>[] = [];
  for (const forecast of open) {
    const history = histories.get(forecast.sku);
    if (!history) continue;
    const pairs = pairsToScore(forecast, history);
    if (pairs.daysPassed <= forecast.scoredDays) continue;
    const lastDay = addUtcDays(forecast.forecastDate, forecast.predictions.length - 1);
    progress.push({ updateOne: { filter: { _id: forecast._id }, update: { $set: { scoredDays: pairs.daysPassed, fullyScored: lastDay <= asOf } } } });
    const scored = pairs.actual.length > 0;
    const doc: ModelPerformanceDocument = {
      _id: forecast._id,
      tenantId,
      sku: forecast.sku,
      jobId: forecast.jobId,
      modelType: forecast.modelType,
      forecastDate: forecast.forecastDate,
      evaluatedAt: now,
      daysScored: pairs.actual.length,
      actual: pairs.actual,
      predicted: pairs.predicted,
      mae: scored ? mae(pairs.actual, pairs.predicted) : null,
      rmse: scored ? rmse(pairs.actual, pairs.predicted) : null,
      mape: scored ? mape(pairs.actual, pairs.predicted) : null,
      mase: scored && forecast.maseScale > 0 ? mae(pairs.actual, pairs.predicted) / forecast.maseScale : null,
      bias: scored ? bias(pairs.actual, pairs.predicted) : null,
    };
    performance.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
  }
  if (performance.length > 0) await db.collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance).bulkWrite(performance, { ordered: false });
  if (progress.length > 0) await forecasts.bulkWrite(progress, { ordered: false });
  return performance.length;
}
