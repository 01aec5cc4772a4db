import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';

/**
 * The window a moving average uses for a seasonal period: one full season, so
 * the seasonal ups and downs cancel out, and at least 3 periods.
 */
export function movingAverageWindow(season: number): number {
  return Math.max(3, season);
}

/**
 * Moving average: a flat forecast at the mean of the last `window` usable
 * values among the first `end` (default all). Robust and hard to fool; it
 * ignores trend and seasonality.
 *
 * Censoring: excluded — the window reaches back past stock-out periods, so it
 * always averages `window` real observations when there are that many.
 *
 * @example
 *   movingAverage([1, 2, 3, 10], [false, false, false, true], 3, 2) // [2, 2]
 */
export function movingAverage(values: readonly number[], censored: readonly boolean[], window: number, horizon: number, end = values.length): number[] {
  const taken: number[] = [];
  for (let t = end - 1; t >= 0 && taken.length < window; t -= 1) {
    if (censored[t] !== true) taken.push(values[t]!);
  }
  // Only stock-outs in the history: their values are lower bounds, the best there is.
  const pool = taken.length > 0 ? taken : values.slice(Math.max(0, end - window), end);
  const level = pool.reduce((a, b) => a + b, 0) / pool.length;
  return Array.from({ length: horizon }, () => level);
}

export const movingAverageModel: ForecastModel = {
  name: 'moving-average',
  unfit(history: DemandHistory) {
    return history.values.length === 0 ? 'needs at least one period' : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const window = movingAverageWindow(context.season);
    return {
      values: movingAverage(history.values, history.censored, window, context.horizon),
      params: { window },
    };
  },
  /** Each origin's forecast straight from the periods before it: exactly the forecast of that training slice, without the copy. */
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const window = movingAverageWindow(plan.season);
    return plan.origins.map((origin) =>
      movingAverage(history.values, history.censored, window, Math.min(plan.horizon, history.values.length - origin), origin),
    );
  },
};
