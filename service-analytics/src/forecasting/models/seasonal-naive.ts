import { imputedValues } from '../censoring.js';
import type { DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';

/**
 * Seasonal naive: every future period repeats the same period one season
 * earlier (season 1: the last value). The benchmark every other model must
 * beat — MASE is scaled by its in-sample error.
 *
 * Censoring: imputed ({@link imputedValues}); repeating a stock-out day would
 * forecast the stock-out again.
 *
 * @example
 *   seasonalNaive([1, 2, 3, 4, 5, 6], 3, 4) // [4, 5, 6, 4]
 */
export function seasonalNaive(values: readonly number[], season: number, horizon: number): number[] {
  const lag = Math.max(1, season);
  if (values.length < lag) throw new RangeError(`seasonal naive needs a full season (${lag}), got ${values.length}`);
  const lastSeason = values.slice(values.length - lag);
  return Array.from({ length: horizon }, (_, k) => lastSeason[k % lag]!);
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
};
