import { classicalSeasonalIndices } from './decomposition.js';
import { nelderMead } from './nelder-mead.js';

/**
 * Exponential smoothing as a state-space model, ETS(error, trend, season)
 * (Hyndman, Koehler, Ord & Snyder, *Forecasting with Exponential Smoothing*,
 * 2008; Hyndman & Athanasopoulos, FPP3 ch. 8): additive or multiplicative
 * errors, no / additive / damped trend, no / additive / multiplicative season.
 * Parameters are fitted by maximum likelihood, the model form by AICc.
 *
 * Both error types share the state recursions (the error-correction forms
 * reduce to the same updates in terms of y); they differ in the likelihood
 * and in the distribution of future values (see ets-distribution.ts).
 */

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: EtsError;
  trend: EtsTrend;
  season: EtsSeason;
}

export interface EtsParams {
  /** Level smoothing. */
  alpha: number;
  /** Trend smoothing (state-space β, 0 < β < α); 0 without trend. */
  beta: number;
  /** Seasonal smoothing (0 < γ < 1 − α); 0 without season. */
  gamma: number;
  /** Damping: 1 for an undamped trend, 0.8–0.98 damped. */
  phi: number;
}

/** The states after the last period: what forecasts start from. */
export interface EtsState {
  level: number;
  trend: number;
  /** Seasonal index of step k + 1 at [k % m] (length m; [0] for no season, unused). */
  seasonalsAhead: number[];
}

export interface EtsFit {
  spec: EtsSpec;
  /** Seasonal period the model was fitted with (1 for none). */
  season: number;
  params: EtsParams;
  state: EtsState;
  /** Variance of the one-step errors (absolute for additive errors, relative for multiplicative). */
  sigma2: number;
  /** −2 log-likelihood up to a constant shared by every model of the same data. */
  minus2LogLik: number;
  aicc: number;
  /** Estimated quantities: smoothing parameters, initial states and σ². */
  parameterCount: number;
  /** Periods fitted. */
  n: number;
}

/** The usual bounds of R's `ets`. */
const LOWER = 1e-4;
const UPPER = 0.9999;
const PHI_LOWER = 0.8;
const PHI_UPPER = 0.98;

/** `ETS(M,Ad,M)`-style name. @example etsName({ error: 'A', trend: 'Ad', season: 'N' }) // 'ETS(A,Ad,N)' */
export function etsName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

/**
 * The model forms `ets` considers for a series (its default `restrict`):
 * additive errors never with a multiplicative season (infinite variance),
 * multiplicative error or season only for strictly positive data, a season
 * only with a period > 1 and at least two full seasons.
 *
 * @example etsFamily([1, 2, 3, 4, 5, 6, 7, 8], 1).length // 6: {A,M} × {N,A,Ad}
 */
export function etsFamily(values: readonly number[], season: number, options: { additiveOnly?: boolean } = {}): EtsSpec[] {
  const positive = values.every((v) => v > 0);
  const seasonal = season > 1 && values.length >= 2 * season;
  const specs: EtsSpec[] = [];
  for (const error of positive && !options.additiveOnly ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const trend of ['N', 'A', 'Ad'] as const) {
      for (const seasonType of seasonal ? (['N', 'A', 'M'] as const) : (['N'] as const)) {
        if (seasonType === 'M' && (error === 'A' || !positive)) continue;
        specs.push({ error, trend, season: seasonType });
      }
    }
  }
  return specs;
}

/** How many quantities a form estimates (R's count): smoothing parameters and φ, initial states, σ². */
export function etsParameterCount(spec: EtsSpec, season: number): number {
  const trend = spec.trend !== 'N';
  const seasonal = spec.season !== 'N';
  const smoothing = 1 + (trend ? 1 : 0) + (seasonal ? 1 : 0) + (spec.trend === 'Ad' ? 1 : 0);
  const initial = 1 + (trend ? 1 : 0) + (seasonal ? season - 1 : 0);
  return smoothing + initial + 1;
}

interface InitialStates {
  level: number;
  trend: number;
  /** Seasonal index of period i at [i] (i < m), normalised. */
  seasonals: Float64Array;
}

interface FilterResult {
  /** Sum of squared errors (relative errors for a multiplicative error). */
  sse: number;
  /** Sum of log |one-step forecast| (multiplicative error's Jacobian term). */
  sumLogForecast: number;
  level: number;
  trend: number;
  /** Seasonal ring after the last period; the index of period t is at [t % m]. */
  seasonals: Float64Array;
  /** False when a multiplicative state or forecast left the positive numbers. */
  ok: boolean;
}

/**
 * Run the ETS recursions over values[0..end) from the initial states: the
 * one-step errors and the final states. The inner loop of the fit.
 */
function filter(values: readonly number[], end: number, spec: EtsSpec, season: number, p: EtsParams, initial: InitialStates): FilterResult {
  const m = spec.season === 'N' ? 1 : season;
  const seasonals = Float64Array.from(initial.seasonals);
  const hasTrend = spec.trend !== 'N';
  const additiveSeason = spec.season === 'A';
  const multiplicativeSeason = spec.season === 'M';
  const multiplicativeError = spec.error === 'M';
  const needsPositive = multiplicativeError || multiplicativeSeason;
  const { alpha, gamma, phi } = p;
  const betaRatio = p.beta / alpha;
  let level = initial.level;
  let trend = hasTrend ? initial.trend : 0;
  let sse = 0;
  let sumLogForecast = 0;
  let position = 0;
  for (let t = 0; t < end; t += 1) {
    const y = values[t]!;
    const dampedTrend = hasTrend ? phi * trend : 0;
    const base = level + dampedTrend;
    const index = seasonals[position]!;
    const forecast = additiveSeason ? base + index : multiplicativeSeason ? base * index : base;
    const error = y - forecast;
    if (multiplicativeError) {
      if (!(forecast > 0)) return { sse: Infinity, sumLogForecast, level, trend, seasonals, ok: false };
      const relative = error / forecast;
      sse += relative * relative;
      sumLogForecast += Math.log(forecast);
    } else {
      sse += error * error;
    }
    const adjusted = additiveSeason ? y - index : multiplicativeSeason ? y / index : y;
    const newLevel = base + alpha * (adjusted - base);
    if (hasTrend) trend = dampedTrend + betaRatio * (newLevel - level - dampedTrend);
    if (additiveSeason) seasonals[position] = index + gamma * (y - base - index);
    else if (multiplicativeSeason) seasonals[position] = index + gamma * (y / base - index);
    level = newLevel;
    if (needsPositive && !(level > 0)) return { sse: Infinity, sumLogForecast, level, trend, seasonals, ok: false };
    position = position + 1 === m ? 0 : position + 1;
  }
  return { sse, sumLogForecast, level, trend, seasonals, ok: Number.isFinite(sse) };
}

/**
 * Starting states by the heuristic of Hyndman et al. (2008, §2.6.1): seasonal
 * indices from a classical decomposition of the first seasons (up to four),
 * level and trend from a straight line through the first ten seasonally
 * adjusted values. The level and trend are then refined by the likelihood
 * with the parameters; the seasonal indices stay (normalised), which keeps the
 * optimisation to ≤ 6 dimensions.
 */
function heuristicStates(values: readonly number[], spec: EtsSpec, season: number): InitialStates {
  const m = spec.season === 'N' ? 1 : season;
  const seasonals = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  if (spec.season !== 'N') {
    const span = values.slice(0, Math.min(4, Math.floor(values.length / m)) * m);
    seasonals.set(classicalSeasonalIndices(span, m, spec.season === 'A' ? 'additive' : 'multiplicative'));
  }
  const k = Math.min(10, values.length);
  const adjusted = values.slice(0, k).map((v, t) => (spec.season === 'A' ? v - seasonals[t % m]! : spec.season === 'M' ? v / seasonals[t % m]! : v));
  if (spec.trend === 'N') return { level: mean(adjusted), trend: 0, seasonals };
  const tBar = (k + 1) / 2;
  const yBar = mean(adjusted);
  let sxy = 0;
  let sxx = 0;
  adjusted.forEach((v, i) => {
    sxy += (i + 1 - tBar) * (v - yBar);
    sxx += (i + 1 - tBar) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  // The line's value at t = 0: the state before the first period.
  return { level: yBar - slope * tBar, trend: slope, seasonals };
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (u: number) => Math.log(u / (1 - u));

/** Map an unconstrained point to parameters inside the usual region (β < α, γ < 1 − α, φ in [0.8, 0.98]). */
function decode(x: readonly number[], spec: EtsSpec): { params: EtsParams; level: number; trend: number } {
  let i = 0;
  const alpha = LOWER + (UPPER - LOWER) * logistic(x[i++]!);
  const beta = spec.trend === 'N' ? 0 : LOWER + (alpha - LOWER) * logistic(x[i++]!);
  const gamma = spec.season === 'N' ? 0 : LOWER + (1 - alpha - LOWER) * logistic(x[i++]!);
  const phi = spec.trend === 'Ad' ? PHI_LOWER + (PHI_UPPER - PHI_LOWER) * logistic(x[i++]!) : 1;
  // Missing initial-state offsets (not estimated) are 0: the heuristic states.
  const level = x[i] ?? 0;
  const trend = spec.trend === 'N' ? 0 : (x[i + 1] ?? 0);
  return { params: { alpha, beta, gamma, phi }, level, trend };
}

export interface EtsFitOptions {
  /** Nelder–Mead iterations (default 60 per dimension). */
  maxIterations?: number;
  /** Nelder–Mead's relative tolerance on −2 log-likelihood (default 1e-7). */
  tolerance?: number;
  /**
   * Estimate the initial level and trend with the parameters (default true,
   * as R's `ets`). Off, they stay at the heuristic values: on a long series
   * their effect has decayed long before the end, and the search has two
   * dimensions less (the daily pipeline's choice).
   */
  estimateInitial?: boolean;
}

/**
 * Fit one ETS form by maximum likelihood: smoothing parameters, φ and the
 * initial level and trend by Nelder–Mead on the concentrated likelihood
 * (σ² profiled out), from the heuristic states. Null when the form cannot be
 * fitted (data not positive for a multiplicative part, too few periods for
 * its parameters, or no finite likelihood).
 *
 * @example fitEts([10, 12, 11, 13, 12, 14, 13, 15], 1, { error: 'A', trend: 'N', season: 'N' })?.params.alpha // ≈ 0.6
 */
export function fitEts(values: readonly number[], season: number, spec: EtsSpec, options: EtsFitOptions = {}): EtsFit | null {
  const n = values.length;
  const m = spec.season === 'N' ? 1 : season;
  const parameterCount = etsParameterCount(spec, m);
  if (n - parameterCount - 1 < 2) return null;
  if ((spec.error === 'M' || spec.season === 'M') && values.some((v) => !(v > 0))) return null;
  if (spec.season !== 'N' && (season <= 1 || n < 2 * season)) return null;
  const start = heuristicStates(values, spec, season);
  const scale = Math.max(meanAbsoluteChange(values), 1e-8 * Math.max(1, Math.abs(start.level)));

  const estimateInitial = options.estimateInitial ?? true;
  const objective = (x: readonly number[]) => {
    const decoded = decode(x, spec);
    const initial = {
      level: start.level + scale * decoded.level,
      trend: start.trend + (scale / 4) * decoded.trend,
      seasonals: start.seasonals,
    };
    const run = filter(values, n, spec, m, decoded.params, initial);
    if (!run.ok || !(run.sse > 0)) return run.ok && run.sse === 0 ? -1e12 : Infinity;
    return n * Math.log(run.sse) + 2 * run.sumLogForecast;
  };
  const startPoint = [
    logit(0.3),
    ...(spec.trend === 'N' ? [] : [logit(0.2)]),
    ...(spec.season === 'N' ? [] : [logit(0.15)]),
    ...(spec.trend === 'Ad' ? [logit(0.8)] : []),
    ...(estimateInitial ? [0, ...(spec.trend === 'N' ? [] : [0])] : []),
  ];
  const best = nelderMead(objective, startPoint, { step: 1, maxIterations: options.maxIterations ?? 60 * startPoint.length, tolerance: 1e-6 });
  if (!Number.isFinite(best.value)) return null;
  const decoded = decode(best.point, spec);
  const initial = { level: start.level + scale * decoded.level, trend: start.trend + (scale / 4) * decoded.trend, seasonals: start.seasonals };
  const run = filter(values, n, spec, m, decoded.params, initial);
  if (!run.ok) return null;
  const minus2LogLik = best.value;
  const k = parameterCount;
  const aicc = minus2LogLik + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
  // σ² with the degrees of freedom the smoothing parameters and states used (R's `ets` divides by n − np).
  const sigma2 = run.sse / Math.max(1, n - (k - 1));
  return {
    spec,
    season: m,
    params: decoded.params,
    state: { level: run.level, trend: run.trend, seasonalsAhead: Array.from({ length: m }, (_, k2) => run.seasonals[(n + k2) % m]!) },
    sigma2,
    minus2LogLik,
    aicc,
    parameterCount,
    n,
  };
}

/**
 * Fit every form of the family and keep the lowest AICc (R's `ets(y)` with
 * `ic = "aicc"`). Null when no form fits.
 *
 * @example autoEts(Array.from({ length: 60 }, (_, t) => 100 + 2 * t + (t % 4) * 10), 4)?.spec // a trended, seasonal form
 */
export function autoEts(values: readonly number[], season: number, options: EtsFitOptions & { family?: readonly EtsSpec[] } = {}): EtsFit | null {
  let best: EtsFit | null = null;
  for (const spec of options.family ?? etsFamily(values, season)) {
    const fit = fitEts(values, season, spec, options);
    if (fit !== null && (best === null || fit.aicc < best.aicc)) best = fit;
  }
  return best;
}

/**
 * Carry a fitted model's states over further periods with its parameters
 * fixed (no refit): the state at the end of `values`, which must start where
 * the fitted periods ended. Used by the backtest's one-pass evaluation.
 * Null when a multiplicative state leaves the positive numbers.
 */
export function advanceEts(fit: EtsFit, values: readonly number[]): EtsFit | null {
  const m = fit.season;
  const initial = { level: fit.state.level, trend: fit.state.trend, seasonals: Float64Array.from(fit.state.seasonalsAhead) };
  const run = filter(values, values.length, fit.spec, m, fit.params, initial);
  if (!run.ok) return null;
  const n = values.length;
  return { ...fit, state: { level: run.level, trend: run.trend, seasonalsAhead: Array.from({ length: m }, (_, k) => run.seasonals[(n + k) % m]!) } };
}

/**
 * Point forecasts of steps 1..horizon: level plus damped trend sum, with the
 * season added or multiplied.
 *
 * @example etsPointForecast(fit, 3)
 */
export function etsPointForecast(fit: EtsFit, horizon: number): number[] {
  const { level, trend, seasonalsAhead } = fit.state;
  const { phi } = fit.params;
  const out = new Array<number>(horizon);
  let dampedSum = 0;
  let power = 1;
  for (let h = 0; h < horizon; h += 1) {
    power *= phi;
    dampedSum += fit.spec.trend === 'N' ? 0 : power;
    const base = level + dampedSum * trend;
    const index = seasonalsAhead[h % seasonalsAhead.length]!;
    out[h] = fit.spec.season === 'A' ? base + index : fit.spec.season === 'M' ? base * index : base;
  }
  return out;
}

function meanAbsoluteChange(values: readonly number[]): number {
  let sum = 0;
  for (let t = 1; t < values.length; t += 1) sum += Math.abs(values[t]! - values[t - 1]!);
  return values.length > 1 ? sum / (values.length - 1) : 0;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length > 0 ? sum / values.length : 0;
}
