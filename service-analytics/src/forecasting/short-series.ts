import type { DemandProfile } from './demand-classifier.js';
import type { DemandHistory } from './forecasting.types.js';
import { imputedValues } from './censoring.js';
import { etsForecastDistribution } from './models/ets-distribution.js';
import { autoEts, etsFamily, etsName } from './models/ets.js';

/** What the selection needs back from a series too short to backtest. */
export interface ShortSeriesForecast {
  values: number[];
  /** Per coverage asked for, in order: the model-based interval bounds per step. */
  intervals: { confidence: number; lower: number[]; upper: number[] }[];
  params: Record<string, number>;
  reason: string;
}

/**
 * Forecast a series too short for a rolling-origin backtest: choose among the
 * ETS family by AICc (the information criterion needs no held-out data, which
 * is why R's `ets` uses it on short series), and take its model-based
 * intervals — there are no held-out errors to calibrate conformal ones. Null
 * when not even ETS fits (fewer periods than its simplest form's parameters).
 *
 * @example forecastShortSeries(history, { season: 12, horizon: 18, confidences: [0.95] }, demand)?.reason
 */
export function forecastShortSeries(
  history: DemandHistory,
  options: { season: number; horizon: number; confidences: readonly number[]; needed: number },
  demand: DemandProfile,
): ShortSeriesForecast | null {
  const values = imputedValues(history, options.season);
  const family = etsFamily(values, options.season);
  const fit = autoEts(values, options.season, { family });
  if (fit === null) return null;
  const distribution = etsForecastDistribution(fit, options.horizon, options.confidences);
  const { alpha, beta, gamma, phi } = fit.params;
  return {
    values: distribution.mean,
    intervals: distribution.intervals,
    params: { alpha, beta, gamma, phi, aicc: fit.aicc },
    reason:
      `${values.length} periods are too short to backtest ${options.horizon} steps (need ${options.needed}): ` +
      `${etsName(fit.spec)} had the lowest AICc (${fit.aicc.toFixed(1)}) of ${family.length} ETS forms, ` +
      `with ${distribution.method} model-based intervals; demand is ${demand.demandClass} (ADI ${demand.adi.toFixed(2)}, CV² ${demand.cv2.toFixed(2)})`,
  };
}
