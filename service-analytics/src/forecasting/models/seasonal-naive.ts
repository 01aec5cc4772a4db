import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';

/**
 * Seasonal naive: every future period repeats the same period one season
 * earlier (season 1: the last value). The benchmark every other model must
 * beat — MASE is scaled by its in-sample error. Forecasts from the first
 * `end` values (default all): the backtest reads each origin's past in place.
 *
 * Censoring: imputed ({@link imputedValues}); repeating a stock-out day would
 * forecast the stock-out again.
 *
 * @example
 *   seasonalNaive([1, 2, 3, 4, 5, 6], 3, 4) // [4, 5, 6, 4]
 */
export function seasonalNaive(values: readonly number[], season: number, horizon: number, end = values.length): number[] {
  const lag = Math.max(1, season);
  if (end < lag) throw new RangeError(`seasonal naive needs a full season (${lag}), got ${end}`);
  return Array.from({ length: horizon }, (_, k) => values[end - lag + (k % lag)]!);
}

export const seasonalNaiveModel: ForecastModel = {
  name: 'seasonal-naive',
  unfit(history: DemandHistory, season: number) {
    const need = Math.max(1, season);
    return history.values.length < need ? `needs a full season (${need} periods)` : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    return { values: seasonalNaive(imputedValues(history, context.season), context.season, context.horizon) };
  },
  /**
   * Every origin repeats the season before it from one causally imputed
   * series ({@link causallyImputedValues}), where a period's value depends on
   * the periods up to it only: nothing at or after an origin reaches its forecast.
   */
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const series = causallyImputedValues(history, plan.season);
    return plan.origins.map((origin) => seasonalNaive(series, plan.season, Math.min(plan.horizon, series.length - origin), origin));
  },
};
