import { causallyImputedValues, imputedValues } from '../censoring.js';
import type { BacktestPlan, DemandHistory, ForecastContext, ForecastModel, ModelForecast, ModelName } from '../forecasting.types.js';
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
  return { params, sse: run.sse, forecast: forecastFrom(run, values.length, horizon, season, seasonality) };
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
  /** Sum of squared one-step errors so far; Infinity once a multiplicative level has diverged. */
  sse: number;
  /** The next period to smooth. */
  next: number;
}

function smooth(values: readonly number[], season: number, seasonality: Seasonality, params: SmoothingParams): SmoothedState {
  const state = initialState(values, season, seasonality);
  advance(state, values, values.length, season, seasonality, params);
  return state;
}

/** The state before smoothing, from the first two seasons (see {@link holtWinters}); it reads values[0..2·season) only. */
function initialState(values: readonly number[], season: number, seasonality: Seasonality): SmoothedState {
  const additive = seasonality === 'additive';
  if (season <= 1) {
    return { level: values[0]!, trend: values[1]! - values[0]!, seasonals: [additive ? 0 : 1], sse: 0, next: 1 };
  }
  const firstMean = mean(values.slice(0, season));
  const trend = (mean(values.slice(season, 2 * season)) - firstMean) / season;
  // The first season's mean sits at its middle; level is placed at its last period.
  const centre = (season - 1) / 2;
  const seasonals = values.slice(0, season).map((v, i) => {
    const base = firstMean + trend * (i - centre);
    return additive ? v - base : v / base;
  });
  return { level: firstMean + trend * centre, trend, seasonals, sse: 0, next: season };
}

/** Smooth periods state.next..end-1 into the state: the Holt–Winters recursion, one period at a time. */
function advance(state: SmoothedState, values: readonly number[], end: number, season: number, seasonality: Seasonality, params: SmoothingParams): void {
  // A multiplicative model whose level reached zero has diverged: its state stays where it broke.
  if (state.sse === Number.POSITIVE_INFINITY) return;
  const { alpha, beta, gamma } = params;
  const additive = seasonality === 'additive';
  const { seasonals } = state;
  const m = Math.max(1, season);
  let { level, trend, sse } = state;
  let t = state.next;
  // The seasonal position t % m, stepped instead of divided: this loop is the inner loop of the parameter fit.
  let position = t % m;
  for (; t < end; t += 1) {
    const y = values[t]!;
    const index = season <= 1 ? (additive ? 0 : 1) : seasonals[position]!;
    const expected = additive ? level + trend + index : (level + trend) * index;
    const error = y - expected;
    sse += error * error;
    const previousLevel = level;
    level = alpha * (additive ? y - index : y / index) + (1 - alpha) * (level + trend);
    trend = beta * (level - previousLevel) + (1 - beta) * trend;
    if (season > 1) seasonals[position] = additive ? gamma * (y - level) + (1 - gamma) * index : gamma * (y / level) + (1 - gamma) * index;
    position = position + 1 === m ? 0 : position + 1;
    // No parameters that make the level reach zero should win the fit.
    if (!additive && !(level > 0)) {
      sse = Number.POSITIVE_INFINITY;
      t += 1;
      break;
    }
  }
  Object.assign(state, { level, trend, sse, next: t });
}

/** The forecasts of the `horizon` periods after `origin` from the state smoothed up to it. */
function forecastFrom(state: SmoothedState, origin: number, horizon: number, season: number, seasonality: Seasonality): number[] {
  return Array.from({ length: horizon }, (_, i) => {
    const trended = state.level + (i + 1) * state.trend;
    if (season <= 1) return trended;
    const index = state.seasonals[(origin + i) % season]!;
    return seasonality === 'additive' ? trended + index : trended * index;
  });
}

/**
 * The backtest forecasts of every origin with the smoothing parameters fitted
 * once, on the periods before the first origin, and the state (level, trend,
 * seasonal indices) carried forward by one pass of the recursion, each
 * origin's forecast taken from the state at that origin. This is rolling-origin
 * evaluation "updating without recalibration" (Tashman 2000): the parameters
 * come from data before every origin and the state at origin t has seen
 * values before t only, so no window sees its held-out periods — and the pass
 * costs one fit instead of one per origin. The pass runs over the causally
 * imputed series ({@link causallyImputedValues}): plain imputation may borrow a
 * later value. The forecast proper still refits on the whole history.
 *
 * The pass stops (and the backtest refits at the remaining origins) where a
 * multiplicative model meets a non-positive value: a stock-out that causal
 * imputation could not fill.
 */
function fixedParameterBacktest(history: DemandHistory, plan: BacktestPlan, seasonality: Seasonality): number[][] {
  const { season, horizon, origins } = plan;
  const series = causallyImputedValues(history, season);
  const firstOrigin = origins[0];
  if (firstOrigin === undefined || firstOrigin < minimumLength(season)) return [];
  const nonPositive = seasonality === 'multiplicative' ? series.findIndex((v) => !(v > 0)) : -1;
  const reach = nonPositive < 0 ? series.length : nonPositive;
  if (firstOrigin > reach) return [];

  const params = fitParams(series.slice(0, firstOrigin), season, seasonality);
  const state = initialState(series, season, seasonality);
  const forecasts: number[][] = [];
  for (const origin of origins) {
    if (origin > reach) break;
    advance(state, series, origin, season, seasonality, params);
    forecasts.push(forecastFrom(state, origin, Math.min(horizon, series.length - origin), season, seasonality));
  }
  return forecasts;
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Holt–Winters as a candidate. Censoring: imputed ({@link imputedValues}) —
 * the recursions need every period, and a stock-out zero would pull the level
 * and that weekday's index down. Backtests with fixed parameters
 * ({@link fixedParameterBacktest}).
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
    backtest: (history: DemandHistory, plan: BacktestPlan) => fixedParameterBacktest(history, plan, seasonality),
  };
}

export const holtWintersAdditiveModel = holtWintersModel('additive', 'holt-winters-additive');
export const holtWintersMultiplicativeModel = holtWintersModel('multiplicative', 'holt-winters-multiplicative');
