import { imputedValues } from '../censoring.js';
import type { DemandHistory, ForecastContext, ForecastModel, ModelForecast, ModelName } from '../forecasting.types.js';
import { nelderMead } from './nelder-mead.js';

/** How the seasonal pattern combines with the level: added (fixed amplitude) or multiplied (amplitude grows with the level). */
export type Seasonality = 'additive' | 'multiplicative';

export interface SmoothingParams {
  /** Level smoothing, 0–1. */
  alpha: number;
  /** Trend smoothing, 0–1. */
  beta: number;
  /** Seasonal smoothing, 0–1 (unused with season 1). */
  gamma: number;
}

export interface HoltWintersFit {
  params: SmoothingParams;
  /** Sum of squared one-step-ahead in-sample errors: what the parameters minimise. */
  sse: number;
  forecast: number[];
}

/** Parameters stay strictly inside (0, 1): 0 would freeze a component, 1 makes it forget everything. */
const PARAM_FLOOR = 0.001;
const PARAM_SPAN = 0.998;

/**
 * Holt–Winters exponential smoothing (level + trend + seasonality) with the
 * smoothing parameters fitted on the in-sample one-step SSE: a coarse grid
 * picks the start, Nelder–Mead refines it — deterministic. Season 1 gives
 * Holt's linear trend method (no seasonal component).
 *
 * Initial state from the first two seasons: trend = difference of their means
 * over one season; level and seasonal indices from the first season with that
 * trend taken out, so a pure trend starts with flat indices and a pure
 * pattern with a zero trend.
 *
 * @example
 *   holtWinters([1, 2, 3, 4, 5, 6, 7, 8], { season: 1, horizon: 2, seasonality: 'additive' }).forecast // [9, 10]
 */
export function holtWinters(
  values: readonly number[],
  options: { season: number; horizon: number; seasonality: Seasonality; params?: SmoothingParams },
): HoltWintersFit {
  const { season, horizon, seasonality } = options;
  const shortest = minimumLength(season);
  if (values.length < shortest) throw new RangeError(`Holt–Winters needs ${shortest} periods, got ${values.length}`);
  if (seasonality === 'multiplicative' && values.some((v) => !(v > 0))) {
    throw new RangeError('multiplicative Holt–Winters needs strictly positive values');
  }
  const params = options.params ?? fitParams(values, season, seasonality);
  const run = smooth(values, season, seasonality, params);
  const forecast = Array.from({ length: horizon }, (_, i) => {
    const k = i + 1;
    const trended = run.level + k * run.trend;
    if (season <= 1) return trended;
    const index = run.seasonals[(values.length + i) % season]!;
    return seasonality === 'additive' ? trended + index : trended * index;
  });
  return { params, sse: run.sse, forecast };
}

function minimumLength(season: number): number {
  return season <= 1 ? 4 : 2 * season + 2;
}

function fitParams(values: readonly number[], season: number, seasonality: Seasonality): SmoothingParams {
  const seasonal = season > 1;
  const toParams = (p: readonly number[]): SmoothingParams => ({
    alpha: bounded(p[0]!),
    beta: bounded(p[1]!),
    gamma: seasonal ? bounded(p[2]!) : 0,
  });
  const sse = (p: readonly number[]) => smooth(values, season, seasonality, toParams(p)).sse;

  let start: number[] = [];
  let startValue = Number.POSITIVE_INFINITY;
  for (const alpha of [0.1, 0.3, 0.6]) {
    for (const beta of [0.01, 0.1]) {
      for (const gamma of seasonal ? [0.05, 0.3] : [0]) {
        const point = [unbounded(alpha), unbounded(beta), ...(seasonal ? [unbounded(gamma)] : [])];
        const value = sse(point);
        if (value < startValue) {
          start = point;
          startValue = value;
        }
      }
    }
  }
  return toParams(nelderMead(sse, start, { step: 0.5, maxIterations: 150 }).point);
}

function bounded(x: number): number {
  return PARAM_FLOOR + PARAM_SPAN / (1 + Math.exp(-x));
}

function unbounded(p: number): number {
  const u = (p - PARAM_FLOOR) / PARAM_SPAN;
  return Math.log(u / (1 - u));
}

interface SmoothedState {
  level: number;
  trend: number;
  /** Seasonal index per position `t % season`, latest estimate. */
  seasonals: number[];
  sse: number;
}

function smooth(values: readonly number[], season: number, seasonality: Seasonality, params: SmoothingParams): SmoothedState {
  const { alpha, beta, gamma } = params;
  const additive = seasonality === 'additive';
  let level: number;
  let trend: number;
  let seasonals: number[];
  let first: number;
  if (season <= 1) {
    level = values[0]!;
    trend = values[1]! - values[0]!;
    seasonals = [additive ? 0 : 1];
    first = 1;
  } else {
    const firstMean = mean(values.slice(0, season));
    trend = (mean(values.slice(season, 2 * season)) - firstMean) / season;
    // The first season's mean sits at its middle; level is placed at its last period.
    const centre = (season - 1) / 2;
    level = firstMean + trend * centre;
    seasonals = values.slice(0, season).map((v, i) => {
      const base = firstMean + trend * (i - centre);
      return additive ? v - base : v / base;
    });
    first = season;
  }
  const m = Math.max(1, season);
  let sse = 0;
  for (let t = first; t < values.length; t += 1) {
    const y = values[t]!;
    const index = season <= 1 ? (additive ? 0 : 1) : seasonals[t % m]!;
    const expected = additive ? level + trend + index : (level + trend) * index;
    sse += (y - expected) ** 2;
    const previousLevel = level;
    level = alpha * (additive ? y - index : y / index) + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
    if (season > 1) seasonals[t % m] = additive ? gamma * (y - level) + (1 - gamma) * index : gamma * (y / level) + (1 - gamma) * index;
    // A multiplicative model whose level reaches zero has diverged; no parameters that do this should win.
    if (!additive && !(level > 0)) return { level, trend, seasonals, sse: Number.POSITIVE_INFINITY };
  }
  return { level, trend, seasonals, sse };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Holt–Winters as a candidate. Censoring: imputed ({@link imputedValues}) —
 * the recursions need every period, and a stock-out zero would pull the level
 * and that weekday's index down.
 */
function holtWintersModel(seasonality: Seasonality, name: ModelName): ForecastModel {
  return {
    name,
    unfit(history: DemandHistory, season: number) {
      const shortest = minimumLength(season);
      if (history.values.length < shortest) return `needs ${shortest} periods`;
      if (seasonality === 'multiplicative') {
        // With no season the multiplicative model is the additive one (Holt): no second candidate.
        if (season <= 1) return 'no seasonal period: same as Holt (additive)';
        if (imputedValues(history, season).some((v) => !(v > 0))) return 'needs strictly positive demand';
      }
      return null;
    },
    forecast(history: DemandHistory, context: ForecastContext): ModelForecast {
      const fit = holtWinters(imputedValues(history, context.season), {
        season: context.season,
        horizon: context.horizon,
        seasonality,
      });
      return { values: fit.forecast, params: { ...fit.params } };
    },
  };
}

export const holtWintersAdditiveModel = holtWintersModel('additive', 'holt-winters-additive');
export const holtWintersMultiplicativeModel = holtWintersModel('multiplicative', 'holt-winters-multiplicative');
