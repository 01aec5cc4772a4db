import { inverseStandardNormal } from './normal.js';
import type { DemandForecast } from './policy.types.js';

/** The stored interval coverage the error std is read from when it is there: central enough to rest on many backtest errors. */
export const PREFERRED_INTERVAL_CONFIDENCE = 0.8;

export interface StoredForecastIntervals {
  /** Point forecasts per day, day 0 first. */
  predictions: readonly number[];
  /** Half-widths per day at each stored coverage (the forecast's `intervals`). */
  intervals: readonly { confidence: number; halfWidths: readonly number[]; reliable: boolean }[];
  /** Where it came from, for the reasoning. */
  source: string;
}

/**
 * A stored forecast as the policy's demand: the predictions as the daily
 * mean, and each day's error std from a prediction interval's half-width. The
 * intervals are split-conformal (|error| ≤ h with probability c), so under
 * normal errors h = z·σ with z = Φ⁻¹((1 + c)/2): σ = h / z. The reliable
 * interval nearest {@link PREFERRED_INTERVAL_CONFIDENCE} is used (an 80 %
 * quantile of the backtest errors rests on more of them than a 99 % one);
 * with no interval at all, Poisson noise σ = √mean is assumed and said.
 *
 * @example demandForecastFromIntervals({ predictions: [10], intervals: [{ confidence: 0.8, halfWidths: [2.563], reliable: true }], source: 'ets' }).std // [2.0]
 */
export function demandForecastFromIntervals({ predictions, intervals, source }: StoredForecastIntervals): DemandForecast {
  const usable = intervals.filter((i) => i.reliable && i.halfWidths.length >= predictions.length && i.confidence > 0 && i.confidence < 1);
  const pool = usable.length > 0 ? usable : intervals.filter((i) => i.halfWidths.length >= predictions.length && i.confidence > 0 && i.confidence < 1);
  const chosen = [...pool].sort(
    (a, b) => Math.abs(a.confidence - PREFERRED_INTERVAL_CONFIDENCE) - Math.abs(b.confidence - PREFERRED_INTERVAL_CONFIDENCE) || a.confidence - b.confidence,
  )[0];
  const mean = predictions.map((p) => Math.max(0, p));
  if (chosen === undefined) {
    return { mean, std: mean.map((m) => Math.sqrt(m)), source: `${source}; no stored interval: Poisson error √mean assumed` };
  }
  const z = inverseStandardNormal((1 + chosen.confidence) / 2);
  return {
    mean,
    std: mean.map((_, day) => chosen.halfWidths[day]! / z),
    source: `${source}; error σ from the ${Math.round(chosen.confidence * 100)} % interval (half-width ÷ ${z.toFixed(3)})${chosen.reliable ? '' : ', an interval the backtest could not fully support'}`,
  };
}
