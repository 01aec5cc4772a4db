import { accuracy, forecastSeries, type CandidateScore, type ModelName } from '@icc/service-analytics/forecasting';
import { nextDates } from './future-dates.js';
import type { CsvSeries } from './read-series.js';
import { InputError } from './read-series.js';

export interface ForecastCsvOptions {
  season: number;
  /** Periods to forecast past the end; with a holdout, the held-out count. */
  horizon: number;
  /** Withhold the last k points and measure the forecast against them. */
  holdout?: number;
  confidence: number;
}

export interface ReportPoint {
  /** 0-based position in the file's series; points past its end continue the count. */
  index: number;
  date?: string;
  value: number;
  lower: number;
  upper: number;
}

export interface HoldoutMetrics {
  mae: number;
  rmse: number;
  mase: number;
  /** Percent, 0–200. */
  smape: number;
}

/** Everything the CLI prints; `--json` prints {@link jsonReport} of it. */
export interface ForecastCsvReport {
  model: ModelName;
  reason: string;
  season: number;
  confidence: number;
  trainingPoints: number;
  candidates: CandidateScore[];
  intervalsReliable: boolean;
  forecasts: ReportPoint[];
  /** The held-out actuals, when there was a holdout. */
  actuals?: number[];
  metrics?: HoldoutMetrics;
}

/**
 * Forecast a CSV series: with a holdout, fit on all but the last k points and
 * forecast exactly those k, measuring MAE, RMSE, MASE (scaled by the seasonal
 * naive error of the training part) and sMAPE against them; without one,
 * forecast `horizon` points past the end.
 *
 * @example
 *   forecastCsv({ values }, { season: 7, horizon: 7, holdout: 7, confidence: 0.95 }).metrics?.mase
 */
export function forecastCsv(series: CsvSeries, options: ForecastCsvOptions): ForecastCsvReport {
  const { season, confidence, holdout } = options;
  const n = series.values.length;
  if (holdout !== undefined && holdout >= n) throw new InputError(`--holdout ${holdout} leaves no training data in ${n} values`);
  const trainingPoints = holdout === undefined ? n : n - holdout;
  const horizon = holdout ?? options.horizon;
  const training = series.values.slice(0, trainingPoints);

  let result: ReturnType<typeof forecastSeries>;
  try {
    result = forecastSeries({ values: training }, { season, horizon, confidence });
  } catch (error) {
    // The engine's RangeErrors describe the input (too short, not a number): they are the user's to fix.
    if (error instanceof RangeError) throw new InputError(error.message);
    throw error;
  }

  const dates = holdout === undefined ? (series.dates ? nextDates(series.dates, horizon) : undefined) : series.dates?.slice(trainingPoints);
  const forecasts = result.forecasts.map((f, k) => ({
    index: trainingPoints + k,
    ...(dates ? { date: dates[k]! } : {}),
    value: f.value,
    lower: f.lower,
    upper: f.upper,
  }));

  const report: ForecastCsvReport = {
    model: result.model,
    reason: result.reason,
    season,
    confidence,
    trainingPoints,
    candidates: result.backtest.candidates,
    intervalsReliable: result.backtest.intervalsReliable,
    forecasts,
  };
  if (holdout === undefined) return report;
  const actuals = series.values.slice(trainingPoints);
  const measured = accuracy(
    actuals,
    forecasts.map((f) => f.value),
    { training, season },
  );
  return { ...report, actuals, metrics: { mae: measured.mae, rmse: measured.rmse, mase: measured.mase, smape: measured.smape } };
}

/** The one JSON object `--json` prints. */
export function jsonReport(report: ForecastCsvReport): {
  model: ModelName;
  season: number;
  forecasts: ReportPoint[];
  metrics?: HoldoutMetrics;
} {
  return {
    model: report.model,
    season: report.season,
    forecasts: report.forecasts,
    ...(report.metrics ? { metrics: report.metrics } : {}),
  };
}
