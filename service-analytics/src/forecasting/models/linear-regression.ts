import MultivariateLinearRegression from 'ml-regression-multivariate-linear';
import { imputedValues } from '../censoring.js';
import type { DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
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
 * @example
 *   const history = { values: line, censored: [], campaign: [], holiday: [] }; // line[t] = 5 + 2t, 80 periods
 *   linearRegression(history, { season: 7, horizon: 2, future: { campaign: [0, 0], holiday: [0, 0] } }).forecast
 *   // ≈ [165, 167]
 */
export function linearRegression(history: DemandHistory, context: ForecastContext): RegressionFit {
  const layout = featureLayout(context.season);
  const names = featureNames(layout);
  const series = imputedValues(history, context.season);
  const rows = trainingRows(history, series, layout);
  if (rows.x.length < minimumRows(names.length)) {
    throw new RangeError(`linear regression needs ${minimumRows(names.length)} usable periods after the warm-up, got ${rows.x.length}`);
  }

  const columns = names.map((_, j) => standardisation(rows.x.map((r) => r[j]!)));
  const scaled = rows.x.map((r) => r.map((v, j) => columns[j]!.scale(v)));
  const regression = new MultivariateLinearRegression(
    scaled,
    rows.y.map((y) => [y]),
    // The statistics invert X'X once more and are not used: skip them.
    { intercept: true, statistics: false },
  );
  const scaledWeights = regression.weights.map((w) => w[0]!);
  const weights: Record<string, number> = {};
  let intercept = scaledWeights[names.length]!;
  names.forEach((name, j) => {
    const column = columns[j]!;
    const weight = column.sd === 0 ? 0 : scaledWeights[j]! / column.sd;
    weights[name] = weight;
    intercept -= weight * column.mean;
  });
  weights.intercept = intercept;

  const nonNegative = history.values.every((v) => v >= 0);
  const extended = [...series];
  const forecast: number[] = [];
  for (let k = 0; k < context.horizon; k += 1) {
    const t = extended.length;
    const x = featureVector(extended, t, layout, context.future.campaign[k] ?? 0, context.future.holiday[k] ?? 0);
    let y = intercept;
    names.forEach((name, j) => {
      y += weights[name]! * x[j]!;
    });
    if (nonNegative) y = Math.max(0, y);
    forecast.push(y);
    extended.push(y);
  }
  return { weights, forecast };
}

/** Two rows per fitted weight (intercept included), so the fit cannot simply memorise its training periods. */
function minimumRows(featureCount: number): number {
  return 2 * (featureCount + 1);
}

function trainingRows(history: DemandHistory, series: readonly number[], layout: FeatureLayout): { x: number[][]; y: number[] } {
  const x: number[][] = [];
  const y: number[] = [];
  for (let t = warmupPeriods(layout); t < series.length; t += 1) {
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
};
