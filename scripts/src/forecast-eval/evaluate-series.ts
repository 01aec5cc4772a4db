import { forecastSeries, mase, seasonalNaiveScale, smape, type ModelName } from '@icc/service-analytics/forecasting';
import { driftForecast, naiveForecast, seasonalNaiveForecast, type BenchmarkForecast } from './benchmarks.js';
import type { Frequency } from './frequency.js';

export const METHODS = ['engine', 'naive', 'seasonal-naive', 'drift'] as const;
export type Method = (typeof METHODS)[number];

/** One series to score: all its values; the last `horizon` are held back. */
export interface EvaluationItem {
  name: string;
  values: number[];
  frequency: Frequency;
  season: number;
  horizon: number;
}

/** One method's accuracy on one series' held-back points. */
export interface MethodScore {
  mase: number;
  /** Percent, 0–200. */
  smape: number;
  /** Held-back points inside the method's interval. */
  covered: number;
}

export type SeriesEvaluation =
  | { series: string; frequency: Frequency; horizon: number; model: ModelName; scores: Record<Method, MethodScore> }
  | { series: string; frequency: Frequency; error: string };

export interface EvaluationTask {
  items: EvaluationItem[];
  confidence: number;
}

/**
 * Hold back the last `horizon` values of each series, forecast them from the
 * rest with the engine and with naive, seasonal naive and drift, and score
 * every method the same way: MASE scaled by the in-sample seasonal naive error
 * of the training part (M4's definition), sMAPE, and how many held-back points
 * fall inside the method's interval. A series the engine cannot forecast (too
 * short) is reported with the reason and scored for no method, so every
 * method is compared on the same series.
 *
 * @example evaluateSeries({ items: [{ name: 'Y1', values, frequency: 'yearly', season: 1, horizon: 6 }], confidence: 0.95 })
 */
export function evaluateSeries(task: EvaluationTask): SeriesEvaluation[] {
  return task.items.map((item) => {
    const { name, values, frequency, season, horizon } = item;
    const training = values.slice(0, values.length - horizon);
    const actual = values.slice(values.length - horizon);
    if (training.length <= season) {
      return {
        series: name,
        frequency,
        error: `${values.length} values leave ${training.length} to fit on after holding back ${horizon}; need more than ${season}`,
      };
    }
    let engine: BenchmarkForecast & { model: ModelName };
    try {
      const result = forecastSeries({ values: training }, { season, horizon, confidence: task.confidence });
      engine = {
        model: result.model,
        values: result.forecasts.map((f) => f.value),
        lower: result.forecasts.map((f) => f.lower),
        upper: result.forecasts.map((f) => f.upper),
      };
    } catch (error) {
      // The engine's RangeErrors describe the series (too short, not numbers); anything else is a bug to surface.
      if (error instanceof RangeError) return { series: name, frequency, error: error.message };
      throw error;
    }
    const scale = seasonalNaiveScale(training, season);
    const score = (forecast: BenchmarkForecast): MethodScore => ({
      mase: mase(actual, forecast.values, scale),
      smape: smape(actual, forecast.values),
      covered: actual.filter((a, k) => a >= forecast.lower[k]! && a <= forecast.upper[k]!).length,
    });
    return {
      series: name,
      frequency,
      horizon,
      model: engine.model,
      scores: {
        engine: score(engine),
        naive: score(naiveForecast(training, horizon, task.confidence)),
        'seasonal-naive': score(seasonalNaiveForecast(training, season, horizon, task.confidence)),
        drift: score(driftForecast(training, horizon, task.confidence)),
      },
    };
  });
}
