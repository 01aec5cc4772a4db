import { AppError, type ForecastAccuracy, type ForecastModelName } from '@icc/shared';
import type { Db } from 'mongodb';
import { FORECAST_COLLECTIONS, type LatestForecastDocument, type ModelPerformanceDocument } from './forecast-collections.js';
import { median } from '../util/statistics.js';

/** Scored forecasts listed per SKU, newest first. */
const RECENT = 20;

interface Metrics {
  mae: number | null;
  rmse: number | null;
  mape: number | null;
  mase: number | null;
  bias: number | null;
}

/**
 * How the SKU's stored forecasts did against the actuals that arrived since
 * (accuracy tracking): per model type, the metrics over every scored day
 * pooled (so a forecast scored on 28 days weighs more than one on 2), and
 * the latest scored forecasts. NOT_FOUND when the SKU was never forecast.
 */
export async function accuracyOf(db: Db, tenantId: string, sku: string): Promise<ForecastAccuracy> {
  const evaluations = await db
    .collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance)
    .find({ tenantId, sku })
    .sort({ evaluatedAt: -1 })
    .toArray();
  if (evaluations.length === 0) {
    const forecast = await db.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).findOne({ _id: `${tenantId}:${sku}` });
    if (!forecast) throw new AppError('NOT_FOUND', `No forecast for ${sku} yet, so no accuracy: run \`pnpm trigger-forecast ${sku}\` first`);
  }
  const byType = new Map<ForecastModelName, ModelPerformanceDocument[]>();
  for (const e of evaluations) byType.set(e.modelType, [...(byType.get(e.modelType) ?? []), e]);
  return {
    sku,
    byModel: [...byType].map(([modelType, list]) => ({
      modelType,
      evaluations: list.length,
      daysScored: list.reduce((sum, e) => sum + e.daysScored, 0),
      lastEvaluatedAt: list[0]!.evaluatedAt.toISOString(),
      ...pooledMetrics(list),
    })),
    recent: evaluations.slice(0, RECENT).map((e) => ({
      jobId: e.jobId,
      modelType: e.modelType,
      forecastDate: e.forecastDate,
      daysScored: e.daysScored,
      evaluatedAt: e.evaluatedAt.toISOString(),
      mae: e.mae,
      rmse: e.rmse,
      mape: e.mape,
      mase: e.mase,
      bias: e.bias,
    })),
  };
}

/**
 * Metrics over all the scored days of several evaluations together. MASE
 * pools each forecast's scaled errors (each has its own scale), so it is the
 * day-weighted mean of the forecasts' MASE.
 */
export function pooledMetrics(list: readonly ModelPerformanceDocument[]): Metrics {
  let n = 0;
  let absolute = 0;
  let squared = 0;
  let signed = 0;
  let percent = 0;
  let percentN = 0;
  let scaled = 0;
  let scaledN = 0;
  for (const e of list) {
    e.actual.forEach((a, i) => {
      const f = e.predicted[i]!;
      n += 1;
      absolute += Math.abs(a - f);
      squared += (a - f) ** 2;
      signed += f - a;
      if (a !== 0) {
        percent += Math.abs((a - f) / a);
        percentN += 1;
      }
    });
    if (e.mase !== null) {
      scaled += e.mase * e.daysScored;
      scaledN += e.daysScored;
    }
  }
  if (n === 0) return { mae: null, rmse: null, mape: null, mase: null, bias: null };
  return {
    mae: absolute / n,
    rmse: Math.sqrt(squared / n),
    mape: percentN === 0 ? null : (100 * percent) / percentN,
    mase: scaledN === 0 ? null : scaled / scaledN,
    bias: signed / n,
  };
}

/**
 * The tenant's active models by type: how many SKUs each serves, their
 * median backtest MASE, and their tracked accuracy against actuals.
 */
export async function modelPerformance(db: Db, tenantId: string) {
  const active = await db
    .collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts)
    .find({ tenantId }, { projection: { modelType: 1, backtestMase: 1 } })
    .toArray();
  const tracked = await db
    .collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance)
    .find({ tenantId }, { projection: { modelType: 1, actual: 1, predicted: 1, mase: 1, daysScored: 1 } })
    .toArray();
  const types = new Set<ForecastModelName>([...active.map((a) => a.modelType), ...tracked.map((t) => t.modelType)]);
  const backtestMase = (list: readonly LatestForecastDocument[]) => median(list.flatMap((a) => (a.backtestMase === null ? [] : [a.backtestMase])));
  return {
    skus: active.length,
    medianBacktestMase: backtestMase(active),
    byModel: [...types].sort().map((modelType) => {
      const serving = active.filter((a) => a.modelType === modelType);
      const evaluations = tracked.filter((t) => t.modelType === modelType);
      return {
        modelType,
        skus: serving.length,
        medianBacktestMase: backtestMase(serving),
        tracked: evaluations.length === 0 ? null : { evaluations: evaluations.length, ...pooledMetrics(evaluations) },
      };
    }),
  };
}
