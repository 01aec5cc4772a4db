import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, FutureRegressors, ModelForecast } from '../forecasting.types.js';
import { regressorsAhead } from '../history.js';
import { featureLayout, featureNames, featureVector, warmupPeriods, type FeatureLayout } from './regression-features.js';

export interface RegressionFit {
  /** Feature → weight in demand units per unit of the feature, plus `intercept`. */
  weights: Record<string, number>;
  forecast: number[];
}

/**
 * Per-SKU multivariate linear regression on the engineered features
 * ({@link featureVector}), forecasting recursively: each predicted period is
 * appended to the series and feeds the lags and rolling means of the next.
 * Campaign and holiday flags are regressors; their future values are passed in
 * (planned campaigns and the calendar are known in advance).
 *
 * Columns are standardised before the fit (the least-squares solve squares the
 * condition number; lags of demand in the hundreds beside 0/1 flags would lose
 * precision) and the weights are reported back on the original scale.
 * A column that never varies in training (a campaign flag never set) gets
 * weight 0. A series that never went negative is forecast non-negative.
 *
 * Censoring: stock-out periods are excluded as targets (the model never learns
 * that those features lead to the censored value), and their values are
 * imputed ({@link imputedValues}) where they appear as lags or in rolling
 * means of later periods.
 *
 * The backtest fits the weights once, before its first origin
 * ({@link fixedWeightBacktest}).
 *
 * @example
 *   const history = { values: line, censored: [], campaign: [], holiday: [] }; // line[t] = 5 + 2t, 80 periods
 *   linearRegression(history, { season: 7, horizon: 2, future: { campaign: [0, 0], holiday: [0, 0] } }).forecast
 *   // ≈ [165, 167]
 */
export function linearRegression(history: DemandHistory, context: ForecastContext): RegressionFit {
  const layout = featureLayout(context.season);
  const series = imputedValues(history, context.season);
  const fit = fitWeights(history, series, layout, series.length);
  const nonNegative = history.values.every((v) => v >= 0);
  const forecast = recursiveForecast(series, series.length, fit, layout, context.future, context.horizon, nonNegative);
  const weights: Record<string, number> = {};
  featureNames(layout).forEach((name, j) => {
    weights[name] = fit.coefficients[j]!;
  });
  weights.intercept = fit.intercept;
  return { weights, forecast };
}

/** Weights on the original scale, in the order of {@link featureNames}. */
interface FittedWeights {
  coefficients: number[];
  intercept: number;
}

/** Least squares on the usable periods in [warm-up, end) of `series` (see {@link linearRegression}). */
function fitWeights(history: DemandHistory, series: readonly number[], layout: FeatureLayout, end: number): FittedWeights {
  const featureCount = featureNames(layout).length;
  const rows = trainingRows(history, series, layout, end);
  if (rows.x.length < minimumRows(featureCount)) {
    throw new RangeError(`linear regression needs ${minimumRows(featureCount)} usable periods after the warm-up, got ${rows.x.length}`);
  }
  const columns = Array.from({ length: featureCount }, (_, j) => standardisation(rows.x.map((r) => r[j]!)));
  // Scaled in place: the rows are this fit's own.
  for (const row of rows.x) {
    for (let j = 0; j < featureCount; j += 1) row[j] = columns[j]!.scale(row[j]!);
  }
  const regression = new MultivariateLinearRegression(
    rows.x,
    rows.y.map((y) => [y]),
    // The statistics invert X'X once more and are not used: skip them.
    { intercept: true, statistics: false },
  );
  // weights: one row per column, then the intercept's row.
  const scaled = regression.weights.map((w) => w[0]!);
  let intercept = scaled[featureCount]!;
  const coefficients = columns.map((column, j) => {
    const weight = column.sd === 0 ? 0 : scaled[j]! / column.sd;
    intercept -= weight * column.mean;
    return weight;
  });
  return { coefficients, intercept };
}

/**
 * Forecast `horizon` periods after `series[0..origin)`, each prediction
 * appended to feed the lags and rolling means of the next.
 */
function recursiveForecast(
  series: readonly number[],
  origin: number,
  fit: FittedWeights,
  layout: FeatureLayout,
  future: FutureRegressors,
  horizon: number,
  nonNegative: boolean,
): number[] {
  const extended = series.slice(0, origin);
  const forecast: number[] = [];
  for (let k = 0; k < horizon; k += 1) {
    const x = featureVector(extended, extended.length, layout, future.campaign[k] ?? 0, future.holiday[k] ?? 0);
    let y = fit.intercept;
    fit.coefficients.forEach((weight, j) => {
      y += weight * x[j]!;
    });
    if (nonNegative) y = Math.max(0, y);
    forecast.push(y);
    extended.push(y);
  }
  return forecast;
}

/**
 * The backtest forecasts of every origin with the weights fitted once, on the
 * periods before the first origin, and the recursive forecast run from each
 * origin over the values before it. This is rolling-origin evaluation
 * "updating without recalibration" (Tashman 2000): weights and lags both come
 * from data before each origin, so no window sees its held-out periods (the
 * flags of the horizon are known in advance, as in the forecast proper), and
 * the backtest costs one fit instead of one per origin. The series is imputed
 * causally ({@link causallyImputedValues}): plain imputation may borrow a
 * later value. The forecast proper still refits on the whole history.
 */
function fixedWeightBacktest(history: DemandHistory, plan: BacktestPlan): number[][] {
  const { season, horizon, origins } = plan;
  if (origins.length === 0) return [];
  const layout = featureLayout(season);
  const series = causallyImputedValues(history, season);
  const fit = fitWeights(history, series, layout, origins[0]!);
  // Clipping at zero is decided per origin from the values before it, as a refit on that slice would.
  const firstNegative = history.values.findIndex((v) => v < 0);
  return origins.map((origin) => {
    const steps = Math.min(horizon, series.length - origin);
    const nonNegative = firstNegative < 0 || firstNegative >= origin;
    return recursiveForecast(series, origin, fit, layout, regressorsAhead(history, origin, steps), steps, nonNegative);
  });
}

/** Two rows per fitted weight (intercept included), so the fit cannot simply memorise its training periods. */
function minimumRows(featureCount: number): number {
  return 2 * (featureCount + 1);
}

function trainingRows(history: DemandHistory, series: readonly number[], layout: FeatureLayout, end: number): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = warmupPeriods(layout); t < end; t += 1) {
    if (history.censored[t] === true) continue;
    x.push(featureVector(series, t, layout, history.campaign[t] ?? 0, history.holiday[t] ?? 0));
    y.push(series[t]!);
  }
  return { x, y };
}

function standardisation(column: readonly number[]): { mean: number; sd: number; scale: (v: number) => number } {
  const mean = column.reduce((a, b) => a + b, 0) / column.length;
  const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
  // A constant column carries nothing the intercept does not: feed zeros so it gets no weight.
  const usable = sd > 1e-12 * Math.max(1, Math.abs(mean));
  return { mean, sd: usable ? sd : 0, scale: (v) => (usable ? (v - mean) / sd : 0) };
}

export const linearRegressionModel: ForecastModel = {
  name: 'linear-regression',
  unfit(history: DemandHistory, season: number) {
    const layout = featureLayout(season);
    let rows = 0;
    for (let t = warmupPeriods(layout); t < history.values.length; t += 1) if (history.censored[t] !== true) rows += 1;
    const needed = minimumRows(featureNames(layout).length);
    return rows < needed ? `needs ${warmupPeriods(layout) + needed} periods (warm-up ${warmupPeriods(layout)} + ${needed} usable)` : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = linearRegression(history, context);
    return { values: fit.forecast, weights: fit.weights };
  },
  backtest: fixedWeightBacktest,
};
