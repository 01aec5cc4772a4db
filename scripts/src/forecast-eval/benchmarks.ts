import { driftIntervals, driftPointForecast, fitDrift, normalQuantile } from '@icc/service-analytics/forecasting';

/** Point forecasts with prediction intervals, steps 1..h. */
export interface BenchmarkForecast {
  values: number[];
  lower: number[];
  upper: number[];
}

/**
 * The naive forecast (the last value, repeated) with the random walk's
 * intervals: σ·√h, σ the root mean square of the one-step changes (FPP3 §5.5).
 *
 * @example naiveForecast([1, 3, 2], 2, 0.95).values // [2, 2]
 */
export function naiveForecast(training: readonly number[], horizon: number, confidence: number): BenchmarkForecast {
  return seasonalNaiveForecast(training, 1, horizon, confidence);
}

/**
 * The seasonal naive forecast (the value one season earlier; with season 1,
 * the naive one) with its intervals: σ·√(k + 1) at step h, k = ⌊(h − 1)/m⌋ full
 * seasons ahead, σ the root mean square of the seasonal changes (FPP3 §5.5).
 * Needs more than one season of training (`season + 1` values).
 *
 * @example seasonalNaiveForecast([1, 5, 2, 6], 2, 3, 0.95).values // [2, 6, 2]
 */
export function seasonalNaiveForecast(training: readonly number[], season: number, horizon: number, confidence: number): BenchmarkForecast {
  const n = training.length;
  if (n <= season) throw new RangeError(`seasonal naive needs more than ${season} values, got ${n}`);
  let squares = 0;
  for (let t = season; t < n; t += 1) squares += (training[t]! - training[t - season]!) ** 2;
  const sigma = Math.sqrt(squares / (n - season));
  const z = normalQuantile(0.5 + confidence / 2);
  const steps = Array.from({ length: horizon }, (_, k) => k);
  const values = steps.map((k) => training[n - season + (k % season)]!);
  const spread = steps.map((k) => z * sigma * Math.sqrt(Math.floor(k / season) + 1));
  return { values, lower: values.map((v, k) => v - spread[k]!), upper: values.map((v, k) => v + spread[k]!) };
}

/**
 * The random walk with drift, with the engine's own fit and Gaussian intervals.
 *
 * @example driftForecast([1, 3, 5, 7], 2, 0.95).values // [9, 11]
 */
export function driftForecast(training: readonly number[], horizon: number, confidence: number): BenchmarkForecast {
  const fit = fitDrift(training);
  if (fit === null) throw new RangeError(`drift needs 2 values, got ${training.length}`);
  return { values: driftPointForecast(fit, horizon), ...driftIntervals(fit, horizon, confidence) };
}
