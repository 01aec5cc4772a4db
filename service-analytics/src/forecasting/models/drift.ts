import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { normalQuantile } from '../normal.js';

/**
 * The random walk with drift: the last value plus h times the average change
 * over the history, ŷ(n+h) = y(n) + h·(y(n) − y(1))/(n − 1) (FPP3 §5.2). Its
 * forecast variance adds the drift's estimation error to the walk's:
 * Var(h) = σ²·h·(1 + h/(n − 1)), σ² the variance of the changes around the
 * drift. The benchmark a trended forecast must beat.
 */

export interface DriftFit {
  last: number;
  drift: number;
  sigma2: number;
  /** Changes the drift was averaged over (n − 1). */
  changes: number;
}

/**
 * Fit to values[0..end) (default all). Null under two periods.
 *
 * @example fitDrift([1, 3, 5, 7])!.drift // 2
 */
export function fitDrift(values: readonly number[], end = values.length): DriftFit | null {
  if (end < 2) return null;
  const changes = end - 1;
  const drift = (values[end - 1]! - values[0]!) / changes;
  let squares = 0;
  for (let t = 1; t < end; t += 1) squares += (values[t]! - values[t - 1]! - drift) ** 2;
  return { last: values[end - 1]!, drift, sigma2: changes > 1 ? squares / (changes - 1) : 0, changes };
}

/** @example driftPointForecast({ last: 7, drift: 2, sigma2: 0, changes: 3 }, 2) // [9, 11] */
export function driftPointForecast(fit: DriftFit, horizon: number): number[] {
  return Array.from({ length: horizon }, (_, h) => fit.last + (h + 1) * fit.drift);
}

/** Gaussian prediction intervals of steps 1..horizon. */
export function driftIntervals(fit: DriftFit, horizon: number, confidence: number): { lower: number[]; upper: number[] } {
  const z = normalQuantile(0.5 + confidence / 2);
  const mean = driftPointForecast(fit, horizon);
  const spread = mean.map((_, k) => z * Math.sqrt(fit.sigma2 * (k + 1) * (1 + (k + 1) / fit.changes)));
  return { lower: mean.map((m, k) => m - spread[k]!), upper: mean.map((m, k) => m + spread[k]!) };
}

/**
 * Mean and variance of y(n+1) + … + y(n+H): the walk's shock at step i stays
 * in every later step (weight H − i + 1), and the drift's error weighs
 * H(H + 1)/2 with variance σ²/(n − 1).
 */
export function driftHorizonSum(fit: DriftFit, horizon: number): { mean: number; variance: number } {
  let shocks = 0;
  for (let i = 1; i <= horizon; i += 1) shocks += (horizon - i + 1) ** 2;
  const driftWeight = (horizon * (horizon + 1)) / 2;
  return {
    mean: horizon * fit.last + fit.drift * driftWeight,
    variance: fit.sigma2 * (shocks + driftWeight ** 2 / fit.changes),
  };
}

/** Random walk with drift as a candidate. Censoring: imputed (a stock-out as the last value would be walked forward). */
export const driftModel: ForecastModel = {
  name: 'drift',
  unfit(history: DemandHistory) {
    return history.values.length < 3 ? 'needs 3 periods' : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = fitDrift(imputedValues(history, context.season))!;
    return { values: driftPointForecast(fit, context.horizon), params: { drift: fit.drift } };
  },
  /** Each origin's drift and last value from the causally imputed periods before it. */
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const series = causallyImputedValues(history, plan.season);
    return plan.origins.map((origin) => {
      // Origins keep at least season + 1 ≥ 2 periods before them: a drift always exists.
      return driftPointForecast(fitDrift(series, origin)!, Math.min(plan.horizon, series.length - origin));
    });
  },
};
