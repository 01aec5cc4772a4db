import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast } from '../forecasting.types.js';
import { normalQuantile } from '../normal.js';
import { classicalSeasonalIndices } from './decomposition.js';
import { LONG_SERIES } from './ets-candidate.js';
import { fitEts } from './ets.js';

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000) in the form Hyndman
 * & Billah (2003) showed it to be: simple exponential smoothing with a drift
 * of half the slope of a straight line fitted to the series, the forecast
 * ŷ(n+h) = ℓ(n) + b/2 · (h − 1 + (1 − (1 − α)^n)/α). Seasonal series are
 * first adjusted by a classical multiplicative decomposition, when a test
 * of the seasonal-lag autocorrelation at 90% says the season is there (as
 * R's `thetaf` does), and the forecasts are re-seasonalised.
 */

export interface ThetaFit {
  /** SES level at the end of the (adjusted) series. */
  level: number;
  alpha: number;
  /** Half the fitted line's slope: the drift per period. */
  drift: number;
  /** One-step error variance of the SES on the adjusted series. */
  sigma2: number;
  /** Seasonal index of step k + 1 at [k % m]; [1] when not seasonal. */
  seasonalsAhead: number[];
  seasonal: boolean;
  n: number;
}

/**
 * Whether the autocorrelation at the seasonal lag is significant at 90%
 * (two-sided): |r_m| > 1.645 · √((1 + 2 Σ_{k<m} r_k²)/n), Bartlett's
 * standard error. False for season 1 and for fewer than three seasons.
 *
 * @example isSeasonal(Array.from({ length: 48 }, (_, t) => [1, 5, 9, 5][t % 4]!), 4) // true
 */
export function isSeasonal(values: readonly number[], season: number): boolean {
  const n = values.length;
  if (season <= 1 || n < 3 * season) return false;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  if (variance === 0) return false;
  const acf = (lag: number) => {
    let sum = 0;
    for (let t = lag; t < n; t += 1) sum += (values[t]! - mean) * (values[t - lag]! - mean);
    return sum / variance;
  };
  let squares = 0;
  for (let k = 1; k < season; k += 1) squares += acf(k) ** 2;
  const standardError = Math.sqrt((1 + 2 * squares) / n);
  return Math.abs(acf(season)) / standardError > normalQuantile(0.95);
}

/**
 * Fit Theta to a series (season 1 for none). Null when it is too short.
 *
 * @example fitTheta([10, 12, 14, 16, 18, 20, 22, 24], 1)!.drift // 1: half the slope of 2
 */
export function fitTheta(values: readonly number[], season: number, options: { seasonalIndices?: number[] | null } = {}): ThetaFit | null {
  const n = values.length;
  if (n < 4) return null;
  const indices = options.seasonalIndices !== undefined ? options.seasonalIndices : seasonalAdjustment(values, season);
  const adjusted = indices === null ? values : values.map((v, t) => v / indices[t % season]!);
  // On long series the initial level is left at its heuristic value (its effect has long decayed): a one-dimensional search.
  const ses = fitEts(adjusted, 1, { error: 'A', trend: 'N', season: 'N' }, n > LONG_SERIES ? { estimateInitial: false, tolerance: 1e-5 } : {});
  if (ses === null) return null;
  return {
    level: ses.state.level,
    alpha: ses.params.alpha,
    drift: slope(adjusted) / 2,
    sigma2: ses.sigma2,
    seasonalsAhead: indices === null ? [1] : Array.from({ length: season }, (_, k) => indices[(n + k) % season]!),
    seasonal: indices !== null,
    n,
  };
}

/** The seasonal indices Theta divides by, or null when the series is not (testably) seasonal or not positive. */
export function seasonalAdjustment(values: readonly number[], season: number): number[] | null {
  if (!isSeasonal(values, season) || values.some((v) => !(v > 0))) return null;
  return classicalSeasonalIndices(values, season, 'multiplicative');
}

/** Point forecasts of steps 1..horizon. */
export function thetaPointForecast(fit: ThetaFit, horizon: number): number[] {
  const { level, alpha, drift, n, seasonalsAhead } = fit;
  const offset = (1 - (1 - alpha) ** n) / alpha;
  return Array.from({ length: horizon }, (_, h) => (level + drift * (h + offset)) * seasonalsAhead[h % seasonalsAhead.length]!);
}

/**
 * Prediction intervals as `thetaf` gives them: those of the SES underneath,
 * Var(h) = σ²(1 + (h − 1)α²), re-seasonalised with the forecasts.
 */
export function thetaIntervals(fit: ThetaFit, horizon: number, confidence: number): { lower: number[]; upper: number[] } {
  const z = normalQuantile(0.5 + confidence / 2);
  const mean = thetaPointForecast(fit, horizon);
  const spread = mean.map((_, h) => z * Math.sqrt(fit.sigma2 * (1 + h * fit.alpha ** 2)) * fit.seasonalsAhead[h % fit.seasonalsAhead.length]!);
  return { lower: mean.map((m, h) => m - spread[h]!), upper: mean.map((m, h) => m + spread[h]!) };
}

function slope(values: readonly number[]): number {
  const n = values.length;
  const tBar = (n - 1) / 2;
  let yBar = 0;
  for (const v of values) yBar += v;
  yBar /= n;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < n; t += 1) {
    sxy += (t - tBar) * (values[t]! - yBar);
    sxx += (t - tBar) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}

/**
 * Theta as a candidate. Censoring: imputed. The backtest fits α, the level
 * and the seasonal indices on the periods before the first origin and
 * carries the level through the later origins with α fixed (as the other
 * smoothing models do); each origin's line is fitted to the periods before it.
 */
export const thetaModel: ForecastModel = {
  name: 'theta',
  unfit(history: DemandHistory) {
    return history.values.length < 6 ? 'needs 6 periods' : null;
  },
  forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
    const fit = fitTheta(imputedValues(history, context.season), context.season);
    if (fit === null) throw new RangeError('Theta needs 4 periods');
    return { values: thetaPointForecast(fit, context.horizon), params: { alpha: fit.alpha, drift: fit.drift, seasonal: fit.seasonal ? 1 : 0 } };
  },
  backtest(history: DemandHistory, plan: BacktestPlan): number[][] {
    const { season, horizon, origins } = plan;
    const first = origins[0];
    if (first === undefined || first < 6) return [];
    const series = causallyImputedValues(history, season);
    const training = series.slice(0, first);
    const indices = seasonalAdjustment(training, season);
    const initial = fitTheta(training, season, { seasonalIndices: indices });
    if (initial === null) return [];
    const adjusted = indices === null ? series : series.map((v, t) => v / indices[t % season]!);
    let level = initial.level;
    let at = first;
    return origins.map((origin) => {
      for (; at < origin; at += 1) level += initial.alpha * (adjusted[at]! - level);
      const fit: ThetaFit = {
        ...initial,
        level,
        drift: slope(adjusted.slice(0, origin)) / 2,
        seasonalsAhead: indices === null ? [1] : Array.from({ length: season }, (_, k) => indices[(origin + k) % season]!),
        n: origin,
      };
      return thetaPointForecast(fit, Math.min(horizon, series.length - origin));
    });
  },
};
