import { arimaName, difference, fitArima, hasRootsNearUnitCircle, type ArimaFit, type ArimaSpec } from './arima.js';
import { classicalSeasonalIndices } from './decomposition.js';

/**
 * Automatic ARIMA in the manner of R's `forecast::auto.arima` (Hyndman &
 * Khandakar 2008; FPP3 §9.8): the seasonal difference D by a test of
 * seasonal strength, then d by repeated KPSS tests, then a stepwise search
 * over the orders by AICc, and the chosen form refitted by exact maximum
 * likelihood.
 */

/** 5% critical value of the KPSS level-stationarity statistic (Kwiatkowski et al. 1992, table 1). */
export const KPSS_CRITICAL_5 = 0.463;
/** Seasonal strength above which a seasonal difference is taken (R's `nsdiffs(test = "seas")`). */
export const SEASONAL_STRENGTH_THRESHOLD = 0.64;

/**
 * The KPSS statistic for level stationarity: Σ S_t² / (n² σ̂²), S the partial
 * sums of the demeaned series, σ̂² the Newey–West long-run variance with
 * ⌊4(n/100)^¼⌋ lags (urca's "short", which `ndiffs` uses).
 *
 * @example kpssStatistic(whiteNoise) // small (≈ 0.1–0.3); a random walk's is large (> 1)
 */
export function kpssStatistic(values: readonly number[]): number {
  const n = values.length;
  const m = values.reduce((s, v) => s + v, 0) / n;
  const e = values.map((v) => v - m);
  let partial = 0;
  let eta = 0;
  for (const v of e) {
    partial += v;
    eta += partial * partial;
  }
  eta /= n * n;
  const lags = Math.floor(4 * (n / 100) ** 0.25);
  let s2 = e.reduce((s, v) => s + v * v, 0) / n;
  for (let k = 1; k <= lags; k += 1) {
    let sum = 0;
    for (let t = k; t < n; t += 1) sum += e[t]! * e[t - k]!;
    s2 += (2 * (1 - k / (lags + 1)) * sum) / n;
  }
  return s2 > 0 ? eta / s2 : 0;
}

function isConstant(values: readonly number[]): boolean {
  return values.every((v) => v === values[0]);
}

/**
 * First differences needed for stationarity (R's `ndiffs`, KPSS at 5%):
 * difference while the test rejects, at most `maxD` times.
 *
 * @example ndiffs(randomWalk) // 1
 */
export function ndiffs(values: readonly number[], maxD = 2): number {
  let x = [...values];
  let d = 0;
  while (d < maxD && x.length > 3 && !isConstant(x) && kpssStatistic(x) > KPSS_CRITICAL_5) {
    x = difference(x, 1, 0, 1);
    d += 1;
  }
  return d;
}

/**
 * Seasonal strength F_S = max(0, 1 − Var(R)/Var(S + R)) (Wang, Smith &
 * Hyndman 2006; FPP3 §4.3) from a classical additive decomposition (centred
 * moving-average trend, averaged seasonal indices) over the periods where
 * the moving average exists. 0 for m = 1 or fewer than two full seasons.
 */
export function seasonalStrength(values: readonly number[], m: number): number {
  const n = values.length;
  if (m <= 1 || n < 2 * m + 1) return 0;
  const half = Math.floor(m / 2);
  const indices = classicalSeasonalIndices(values, m, 'additive');
  const remainder: number[] = [];
  const detrended: number[] = [];
  for (let t = half; t + half < n; t += 1) {
    let trend: number;
    if (m % 2 === 1) {
      trend = 0;
      for (let i = t - half; i <= t + half; i += 1) trend += values[i]!;
      trend /= m;
    } else {
      trend = (values[t - half]! + values[t + half]!) / 2;
      for (let i = t - half + 1; i < t + half; i += 1) trend += values[i]!;
      trend /= m;
    }
    detrended.push(values[t]! - trend);
    remainder.push(values[t]! - trend - indices[t % m]!);
  }
  const variance = (xs: readonly number[]) => {
    const mu = xs.reduce((s, v) => s + v, 0) / xs.length;
    return xs.reduce((s, v) => s + (v - mu) ** 2, 0) / xs.length;
  };
  const whole = variance(detrended);
  return whole > 0 ? Math.max(0, 1 - variance(remainder) / whole) : 0;
}

/** Seasonal differences needed (0 or 1): 1 when the seasonal strength exceeds 0.64 and three seasons are there. */
export function nsdiffs(values: readonly number[], m: number): number {
  if (m <= 1 || values.length < 3 * m) return 0;
  return seasonalStrength(values, m) > SEASONAL_STRENGTH_THRESHOLD ? 1 : 0;
}

export interface AutoArimaOptions {
  /** Largest p and q (default 5). */
  maxP?: number;
  maxQ?: number;
  /** Largest P and Q (default 2). */
  maxSeasonalP?: number;
  maxSeasonalQ?: number;
  /** Largest p + q + P + Q (default 5, R's `max.order`). */
  maxOrder?: number;
  /** Forms fitted at most, start models included (default 94, R's `nmodels`). */
  maxModels?: number;
  /** How the chosen form is refitted: 'css-ml' (default) or 'css' (long series in the pipeline). */
  finalMethod?: 'css' | 'css-ml';
  /** Optimiser budget and stop of each CSS fit of the search. */
  maxIterations?: number;
  tolerance?: number;
}

export interface AutoArimaResult {
  fit: ArimaFit;
  /** Forms fitted by the search. */
  fitted: number;
}

function key(s: ArimaSpec): string {
  return `${s.p},${s.q},${s.P},${s.Q},${s.constant ? 1 : 0}`;
}

/**
 * The stepwise search of Hyndman & Khandakar: fit the start forms
 * (2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0), (0,d,1)(0,D,1) (seasonal
 * parts only when m > 1), with a constant when d + D ≤ 1, and the null form
 * without it; then move to the first neighbour with a lower AICc — P, Q, p, q
 * by ±1 alone or in pairs, the constant on or off — until no neighbour is
 * better or `maxModels` forms were fitted. Forms with an AR or MA root within
 * 1.01 of the unit circle are discarded, as R does. The search compares CSS fits (R's
 * `approximation`, cheap on long series); the chosen form is refitted by
 * exact likelihood. Null when no form fits.
 *
 * @example autoArima(logAirPassengers, 12)?.fit.spec // e.g. ARIMA(0,1,1)(0,1,1)[12]
 */
export function autoArima(values: readonly number[], m: number, options: AutoArimaOptions = {}): AutoArimaResult | null {
  const seasonalPeriod = m > 1 && values.length >= 2 * m + 2 ? m : 1;
  const D = seasonalPeriod > 1 ? nsdiffs(values, seasonalPeriod) : 0;
  const d = ndiffs(difference(values, 0, D, seasonalPeriod), D === 1 ? 1 : 2);
  const maxP = options.maxP ?? 5;
  const maxQ = options.maxQ ?? 5;
  const seasonal = seasonalPeriod > 1;
  const maxSP = seasonal ? (options.maxSeasonalP ?? 2) : 0;
  const maxSQ = seasonal ? (options.maxSeasonalQ ?? 2) : 0;
  const maxOrder = options.maxOrder ?? 5;
  const maxModels = options.maxModels ?? 94;
  const allowConstant = d + D <= 1;
  const searchOptions = { method: 'css' as const, maxIterations: options.maxIterations ?? 200, tolerance: options.tolerance ?? 1e-6 };

  const tried = new Map<string, ArimaFit | null>();
  const score = (s: ArimaSpec) => tried.get(key(s))?.aicc ?? Infinity;
  const valid = (s: ArimaSpec) =>
    s.p >= 0 && s.q >= 0 && s.P >= 0 && s.Q >= 0 && s.p <= maxP && s.q <= maxQ && s.P <= maxSP && s.Q <= maxSQ && s.p + s.q + s.P + s.Q <= maxOrder;
  let best: ArimaSpec | null = null;
  const consider = (s: ArimaSpec): boolean => {
    if (!valid(s) || (s.constant && !allowConstant) || tried.has(key(s)) || tried.size >= maxModels) return false;
    const fit = fitArima(values, s, searchOptions);
    tried.set(key(s), fit !== null && hasRootsNearUnitCircle(fit) ? null : fit);
    if (score(s) < (best === null ? Infinity : score(best))) {
      best = s;
      return true;
    }
    return false;
  };
  const spec = (p: number, q: number, P: number, Q: number, constant: boolean): ArimaSpec => ({
    p,
    d,
    q,
    P: seasonal ? P : 0,
    D,
    Q: seasonal ? Q : 0,
    m: seasonalPeriod,
    constant: constant && allowConstant,
  });
  consider(spec(2, 2, 1, 1, true));
  consider(spec(0, 0, 0, 0, true));
  consider(spec(1, 0, 1, 0, true));
  consider(spec(0, 1, 0, 1, true));
  if (allowConstant) consider(spec(0, 0, 0, 0, false));

  let moved = true;
  while (moved && best !== null && tried.size < maxModels) {
    moved = false;
    const b: ArimaSpec = best;
    const moves: [number, number, number, number, boolean][] = [
      [0, 0, -1, 0, b.constant],
      [0, 0, 1, 0, b.constant],
      [0, 0, 0, -1, b.constant],
      [0, 0, 0, 1, b.constant],
      [0, 0, -1, -1, b.constant],
      [0, 0, 1, 1, b.constant],
      [0, 0, 1, -1, b.constant],
      [0, 0, -1, 1, b.constant],
      [-1, 0, 0, 0, b.constant],
      [1, 0, 0, 0, b.constant],
      [0, -1, 0, 0, b.constant],
      [0, 1, 0, 0, b.constant],
      [-1, -1, 0, 0, b.constant],
      [1, 1, 0, 0, b.constant],
      [1, -1, 0, 0, b.constant],
      [-1, 1, 0, 0, b.constant],
      [0, 0, 0, 0, !b.constant],
    ];
    for (const [dp, dq, dP, dQ, constant] of moves) {
      if (!seasonal && (dP !== 0 || dQ !== 0)) continue;
      if (consider(spec(b.p + dp, b.q + dq, b.P + dP, b.Q + dQ, constant))) {
        moved = true;
        break;
      }
    }
  }
  if (best === null) return null;
  const chosen: ArimaSpec = best;
  const searched = tried.get(key(chosen))!;
  const refit = options.finalMethod === 'css' ? null : fitArima(values, chosen, { method: 'css-ml' });
  // The exact-likelihood refit may walk to the boundary the search kept away from: then the CSS fit stands.
  const final = refit !== null && !hasRootsNearUnitCircle(refit) ? refit : searched;
  return { fit: final, fitted: tried.size };
}

/** For the explanation: `ARIMA(0,1,1)(0,1,1)[12]`. */
export function describeArima(fit: ArimaFit): string {
  return arimaName(fit.spec);
}
