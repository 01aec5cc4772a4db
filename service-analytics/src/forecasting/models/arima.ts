import { normalQuantile } from '../normal.js';
import { nelderMead } from './nelder-mead.js';

/**
 * Seasonal ARIMA(p,d,q)(P,D,Q)m (Box & Jenkins; Hyndman & Athanasopoulos,
 * FPP3 ch. 9): the differenced series w = (1 − B)^d (1 − B^m)^D y, less a
 * constant μ (a mean when d + D = 0, a drift per period when d + D = 1, none
 * above), is the ARMA process
 *   φ(B)Φ(B^m)(w_t − μ) = θ(B)Θ(B^m)e_t,  e_t ~ N(0, σ²)
 * with φ(B) = 1 − φ₁B − … − φ_pB^p, θ(B) = 1 + θ₁B + … + θ_qB^q (R's signs).
 *
 * Fitting follows R's `arima(method = "CSS-ML")`: conditional sum of squares
 * first, then the exact Gaussian likelihood from a Kalman filter started at
 * the stationary covariance, optimised from the CSS estimates. Every
 * polynomial is parameterised through partial autocorrelations (tanh, then
 * Durbin–Levinson, R's `partrans`), so the AR parts are stationary and the MA
 * parts invertible by construction.
 */

export interface ArimaSpec {
  p: number;
  d: number;
  q: number;
  P: number;
  D: number;
  Q: number;
  /** Seasonal period (1: no seasonal part). */
  m: number;
  /** A mean (d + D = 0) or drift (d + D = 1); never with d + D ≥ 2. */
  constant: boolean;
}

export interface ArimaFit {
  spec: ArimaSpec;
  /** φ₁..φ_p, Φ₁..Φ_P, θ₁..θ_q, Θ₁..Θ_Q. */
  ar: number[];
  seasonalAr: number[];
  ma: number[];
  seasonalMa: number[];
  /** Mean of the differenced series (0 without a constant). */
  mu: number;
  sigma2: number;
  /** Log-likelihood (exact when `method` is 'ml', the CSS one otherwise). */
  logLik: number;
  aicc: number;
  /** Estimated quantities: coefficients, the constant and σ² (R's count). */
  parameterCount: number;
  /** Length of the differenced series. */
  nUsed: number;
  method: 'css' | 'ml';
}

/** `ARIMA(1,1,1)(0,1,1)[12] with drift`-style name. */
export function arimaName(spec: ArimaSpec): string {
  const seasonal = spec.m > 1 && spec.P + spec.D + spec.Q > 0 ? `(${spec.P},${spec.D},${spec.Q})[${spec.m}]` : '';
  const constant = spec.constant ? (spec.d + spec.D === 0 ? ' with mean' : ' with drift') : '';
  return `ARIMA(${spec.p},${spec.d},${spec.q})${seasonal}${constant}`;
}

/** Coefficients estimated by the optimiser (σ² excluded). */
export function coefficientCount(spec: ArimaSpec): number {
  return spec.p + spec.q + spec.P + spec.Q + (spec.constant ? 1 : 0);
}

/**
 * w = (1 − B)^d (1 − B^m)^D y (length n − d − mD).
 *
 * @example difference([1, 4, 9, 16], 1, 0, 1) // [3, 5, 7]
 */
export function difference(values: readonly number[], d: number, D: number, m: number): number[] {
  let w = [...values];
  for (let i = 0; i < D; i += 1) w = w.slice(m).map((v, t) => v - w[t]!);
  for (let i = 0; i < d; i += 1) w = w.slice(1).map((v, t) => v - w[t]!);
  return w;
}

/** δ₁..δ_k of (1 − B)^d (1 − B^m)^D = 1 − Σ δ_i B^i: y_t = w_t + Σ δ_i y_{t−i}. */
export function differencingWeights(d: number, D: number, m: number): number[] {
  let poly = [1];
  const times = (factor: readonly number[]) => {
    const out = new Array<number>(poly.length + factor.length - 1).fill(0);
    poly.forEach((a, i) => factor.forEach((b, j) => (out[i + j] = out[i + j]! + a * b)));
    poly = out;
  };
  for (let i = 0; i < d; i += 1) times([1, -1]);
  const seasonal = new Array<number>(m + 1).fill(0);
  seasonal[0] = 1;
  seasonal[m] = -1;
  for (let i = 0; i < D; i += 1) times(seasonal);
  return poly.slice(1).map((c) => (c === 0 ? 0 : -c));
}

/**
 * Coefficients of a stationary AR polynomial from unconstrained values: tanh
 * gives partial autocorrelations in (−1, 1), Durbin–Levinson the coefficients
 * (R's `partrans`). Used with a sign flip for invertible MA polynomials.
 */
export function fromPartials(raw: readonly number[]): number[] {
  const p = raw.length;
  const next = raw.map((x) => Math.tanh(x));
  const work = [...next];
  for (let j = 1; j < p; j += 1) {
    const a = next[j]!;
    for (let k = 0; k < j; k += 1) work[k] = work[k]! - a * next[j - k - 1]!;
    for (let k = 0; k < j; k += 1) next[k] = work[k]!;
  }
  return next;
}

/**
 * Whether every root of 1 − Σ c_i z^i lies outside the circle of radius
 * `radius`: the roots of 1 − Σ c_i radius^i z^i then lie outside the unit
 * circle, which the step-down (reverse Durbin–Levinson) recursion decides —
 * every partial autocorrelation it meets must be inside (−1, 1).
 *
 * @example rootsOutside([0.995], 1.01) // false: the root 1/0.995 ≈ 1.005 is too close
 */
export function rootsOutside(coefficients: readonly number[], radius: number): boolean {
  let last = coefficients.length;
  while (last > 0 && Math.abs(coefficients[last - 1]!) < 1e-12) last -= 1;
  const c = coefficients.slice(0, last).map((v, i) => v * radius ** (i + 1));
  for (let j = c.length - 1; j >= 0; j -= 1) {
    const kappa = c[j]!;
    if (!(Math.abs(kappa) < 1)) return false;
    const next = c.slice(0, j).map((v, k) => (v + kappa * c[j - k - 1]!) / (1 - kappa * kappa));
    for (let k = 0; k < j; k += 1) c[k] = next[k]!;
  }
  return true;
}

/**
 * R's `auto.arima` discards a form whose AR or MA polynomial (in B, seasonal
 * factors multiplied out) has a root within 1.01 of the unit circle: near a
 * unit root the form is a differencing the tests did not ask for, and its
 * forecasts run away; near a non-invertible MA its residuals never settle.
 */
export function hasRootsNearUnitCircle(fit: Pick<ArimaFit, 'ar' | 'seasonalAr' | 'ma' | 'seasonalMa' | 'spec'>): boolean {
  const a = expandAr(fit.ar, fit.seasonalAr, fit.spec.m);
  const b = expandMa(fit.ma, fit.seasonalMa, fit.spec.m);
  return (
    !rootsOutside(a, 1.01) ||
    !rootsOutside(
      b.map((v) => -v),
      1.01,
    )
  );
}

/** The expanded AR coefficients a₁..a_{p+mP} of φ(B)Φ(B^m) = 1 − Σ a_i B^i. */
export function expandAr(ar: readonly number[], seasonalAr: readonly number[], m: number): number[] {
  const out = new Array<number>(ar.length + m * seasonalAr.length).fill(0);
  ar.forEach((a, i) => (out[i] = out[i]! + a));
  seasonalAr.forEach((s, j) => {
    out[(j + 1) * m - 1] = out[(j + 1) * m - 1]! + s;
    ar.forEach((a, i) => (out[(j + 1) * m + i] = out[(j + 1) * m + i]! - a * s));
  });
  return out;
}

/** The expanded MA coefficients b₁..b_{q+mQ} of θ(B)Θ(B^m) = 1 + Σ b_j B^j. */
export function expandMa(ma: readonly number[], seasonalMa: readonly number[], m: number): number[] {
  const out = new Array<number>(ma.length + m * seasonalMa.length).fill(0);
  ma.forEach((b, i) => (out[i] = out[i]! + b));
  seasonalMa.forEach((s, j) => {
    out[(j + 1) * m - 1] = out[(j + 1) * m - 1]! + s;
    ma.forEach((b, i) => (out[(j + 1) * m + i] = out[(j + 1) * m + i]! + b * s));
  });
  return out;
}

interface Coefficients {
  ar: number[];
  seasonalAr: number[];
  ma: number[];
  seasonalMa: number[];
  mu: number;
}

/** The coefficients of an optimiser point: [AR partials, seasonal AR, MA, seasonal MA, μ offset]. */
function decode(spec: ArimaSpec, x: readonly number[], muStart: number, muScale: number): Coefficients {
  let at = 0;
  const take = (k: number) => x.slice(at, (at += k));
  const ar = fromPartials(take(spec.p));
  const seasonalAr = fromPartials(take(spec.P));
  const ma = fromPartials(take(spec.q)).map((c) => -c);
  const seasonalMa = fromPartials(take(spec.Q)).map((c) => -c);
  const mu = spec.constant ? muStart + x[at]! * muScale : 0;
  return { ar, seasonalAr, ma, seasonalMa, mu };
}

/**
 * One-step residuals of the ARMA on w by the conditional recursion (residuals
 * before the first `start` periods taken as 0): e_t = (w_t − μ) − Σ a_i (w_{t−i} − μ) − Σ b_j e_{t−j}.
 */
export function conditionalResiduals(w: readonly number[], a: readonly number[], b: readonly number[], mu: number, start: number): Float64Array {
  const n = w.length;
  const e = new Float64Array(n);
  // Seasonal polynomials are mostly zeros: loop over the lags that are not.
  const arLags = a.flatMap((v, i) => (v === 0 ? [] : [i + 1]));
  const maLags = b.flatMap((v, j) => (v === 0 ? [] : [j + 1]));
  for (let t = start; t < n; t += 1) {
    let value = w[t]! - mu;
    for (const lag of arLags) value -= a[lag - 1]! * (w[t - lag]! - mu);
    for (const lag of maLags) if (lag <= t) value -= b[lag - 1]! * e[t - lag]!;
    e[t] = value;
  }
  return e;
}

/**
 * −2 log-likelihood of w − μ under the ARMA, exact: a Kalman filter on
 * Harvey's state-space form (state dimension r = max(p′, q′ + 1)), started at
 * the stationary state covariance, σ² concentrated out. Once the state
 * covariance has converged the filter keeps its gain (the steady state), so a
 * long series costs O(r) per period. Returns NaN when the filter breaks down.
 */
export function exactMinus2LogLik(w: readonly number[], a: readonly number[], b: readonly number[], mu: number): { minus2LogLik: number; sigma2: number } {
  const r = Math.max(a.length, b.length + 1);
  const T = new Float64Array(r);
  a.forEach((v, i) => (T[i] = v));
  const R = new Float64Array(r);
  R[0] = 1;
  b.forEach((v, j) => (R[j + 1] = v));
  const P = stationaryCovariance(T, R, r);
  if (P === null) return { minus2LogLik: NaN, sigma2: NaN };
  const state = new Float64Array(r);
  const TP = new Float64Array(r * r);
  const predicted = Float64Array.from(P);
  let ssq = 0;
  let sumLog = 0;
  let steady = false;
  const n = w.length;
  for (let t = 0; t < n; t += 1) {
    if (t > 0) {
      // state ← T state
      const first = state[0]!;
      for (let i = 0; i < r; i += 1) state[i] = T[i]! * first + (i + 1 < r ? state[i + 1]! : 0);
      if (!steady) {
        // P ← T P T' + R R', with T the companion: (TP)_{ij} = T_i P_{0j} + P_{i+1,j}.
        for (let i = 0; i < r; i += 1) {
          for (let j = 0; j < r; j += 1) TP[i * r + j] = T[i]! * P[j]! + (i + 1 < r ? P[(i + 1) * r + j]! : 0);
        }
        let change = 0;
        for (let i = 0; i < r; i += 1) {
          for (let j = 0; j < r; j += 1) {
            const value = TP[i * r]! * T[j]! + (j + 1 < r ? TP[i * r + j + 1]! : 0) + R[i]! * R[j]!;
            change = Math.max(change, Math.abs(value - predicted[i * r + j]!));
            P[i * r + j] = value;
            predicted[i * r + j] = value;
          }
        }
        // The predicted covariance stopped moving: from here on gain and F are constant.
        if (change < 1e-9 * P[0]!) steady = true;
      }
    }
    const F = P[0]!;
    if (!(F > 0) || !Number.isFinite(F)) return { minus2LogLik: NaN, sigma2: NaN };
    const v = w[t]! - mu - state[0]!;
    ssq += (v * v) / F;
    sumLog += Math.log(F);
    for (let i = 0; i < r; i += 1) state[i] = state[i]! + (P[i * r]! / F) * v;
    // In the steady state P keeps the predicted covariance, which is all F and the gain need.
    if (!steady) {
      const top = P.slice(0, r);
      for (let i = 0; i < r; i += 1) {
        const left = top[i]!;
        for (let j = 0; j < r; j += 1) P[i * r + j] = P[i * r + j]! - (left * top[j]!) / F;
      }
    }
  }
  const sigma2 = ssq / n;
  return { minus2LogLik: n * (Math.log(2 * Math.PI * sigma2) + 1) + sumLog, sigma2 };
}

/**
 * Σ_k T^k R R' T'^k, the stationary covariance of the state, by doubling
 * (P ← P + A P A', A ← A²): log₂ of the terms' count in iterations. Null when
 * it does not converge (a root on the unit circle).
 */
function stationaryCovariance(T: Float64Array, R: Float64Array, r: number): Float64Array | null {
  let A = new Float64Array(r * r);
  for (let i = 0; i < r; i += 1) {
    A[i * r] = T[i]!;
    if (i + 1 < r) A[i * r + i + 1] = 1;
  }
  let P = new Float64Array(r * r);
  for (let i = 0; i < r; i += 1) for (let j = 0; j < r; j += 1) P[i * r + j] = R[i]! * R[j]!;
  const AP = new Float64Array(r * r);
  for (let iteration = 0; iteration < 40; iteration += 1) {
    multiply(A, P, AP, r, false);
    const next = new Float64Array(r * r);
    multiply(AP, A, next, r, true);
    let size = 0;
    let change = 0;
    for (let k = 0; k < r * r; k += 1) {
      change = Math.max(change, Math.abs(next[k]!));
      next[k] = next[k]! + P[k]!;
      size = Math.max(size, Math.abs(next[k]!));
    }
    P = next;
    if (!Number.isFinite(size)) return null;
    if (change <= 1e-12 * size) return P;
    const squared = new Float64Array(r * r);
    multiply(A, A, squared, r, false);
    A = squared;
  }
  return null;
}

/** out = X·Y (or X·Yᵀ when `transposeY`), r × r row-major. */
function multiply(X: Float64Array, Y: Float64Array, out: Float64Array, r: number, transposeY: boolean): void {
  for (let i = 0; i < r; i += 1) {
    for (let j = 0; j < r; j += 1) {
      let sum = 0;
      for (let k = 0; k < r; k += 1) sum += X[i * r + k]! * (transposeY ? Y[j * r + k]! : Y[k * r + j]!);
      out[i * r + j] = sum;
    }
  }
}

/** σ² below this share of the data's mean square counts as a perfect fit. */
const SIGMA2_FLOOR = 1e-12;
/**
 * The exact-likelihood stage starts at the CSS optimum, which is close: a
 * short budget and a stop at 1e-6 of −2 log-likelihood (≈ 0.001 on a few
 * hundred periods) bound the Kalman filter's cost, the dearest part of a fit.
 */
const ML_ITERATIONS = 60;
/**
 * Largest state (max(p + mP, q + mQ + 1)) refitted by exact likelihood: the
 * filter's cost grows with its square and the stationary covariance's with
 * its cube, so larger forms — monthly ones with two seasonal lags — keep
 * their CSS estimates (`method: 'css'`). The airline model (0,1,1)(0,1,1)12
 * has 14.
 */
export const ML_MAX_STATE = 14;
const ML_TOLERANCE = 1e-6;

/**
 * The conditional sum of squares of one form as a function of the optimiser's
 * point, without allocating: the search evaluates it thousands of times per
 * series, where building coefficient arrays would cost more than the sums.
 */
function cssEvaluator(
  w: readonly number[],
  spec: ArimaSpec,
  condition: number,
  muStart: number,
  muScale: number,
): (x: readonly number[]) => { ssq: number; used: number } {
  const { p, q, P, Q, m } = spec;
  const n = w.length;
  const parts = [new Float64Array(p), new Float64Array(P), new Float64Array(q), new Float64Array(Q)];
  const work = new Float64Array(Math.max(p, P, q, Q, 1));
  const a = new Float64Array(p + m * P);
  const b = new Float64Array(q + m * Q);
  const e = new Float64Array(n);
  const centred = new Float64Array(n);
  // Lags that can be non-zero: 1..p, jm, jm + i (and the same for the MA side).
  const lagsOf = (k: number, K: number) => {
    const lags = new Set<number>();
    for (let i = 1; i <= k; i += 1) lags.add(i);
    for (let j = 1; j <= K; j += 1) for (let i = 0; i <= k; i += 1) lags.add(j * m + i);
    return Int32Array.from([...lags].sort((x, y) => x - y));
  };
  const arLags = lagsOf(p, P);
  const maLags = lagsOf(q, Q);
  const partials = (x: readonly number[], from: number, out: Float64Array) => {
    const k = out.length;
    for (let j = 0; j < k; j += 1) out[j] = Math.tanh(x[from + j]!);
    for (let j = 1; j < k; j += 1) {
      const c = out[j]!;
      for (let i = 0; i < j; i += 1) work[i] = out[i]! - c * out[j - i - 1]!;
      for (let i = 0; i < j; i += 1) out[i] = work[i]!;
    }
  };
  return (x) => {
    let at = 0;
    for (const part of parts) {
      partials(x, at, part);
      at += part.length;
    }
    const [ar, sar, ma, sma] = parts as [Float64Array, Float64Array, Float64Array, Float64Array];
    a.fill(0);
    b.fill(0);
    for (let i = 0; i < p; i += 1) a[i] = ar[i]!;
    for (let j = 0; j < P; j += 1) {
      a[(j + 1) * m - 1] = a[(j + 1) * m - 1]! + sar[j]!;
      for (let i = 0; i < p; i += 1) a[(j + 1) * m + i] = a[(j + 1) * m + i]! - ar[i]! * sar[j]!;
    }
    // MA partials are stored with the sign flipped: θ = −(partial-transformed values).
    for (let i = 0; i < q; i += 1) b[i] = -ma[i]!;
    for (let j = 0; j < Q; j += 1) {
      b[(j + 1) * m - 1] = b[(j + 1) * m - 1]! - sma[j]!;
      for (let i = 0; i < q; i += 1) b[(j + 1) * m + i] = b[(j + 1) * m + i]! + ma[i]! * sma[j]!;
    }
    const mu = spec.constant ? muStart + x[at]! * muScale : 0;
    for (let t = 0; t < n; t += 1) centred[t] = w[t]! - mu;
    let ssq = 0;
    for (let t = condition; t < n; t += 1) {
      let value = centred[t]!;
      for (let k = 0; k < arLags.length; k += 1) {
        const lag = arLags[k]!;
        value -= a[lag - 1]! * centred[t - lag]!;
      }
      for (let k = 0; k < maLags.length; k += 1) {
        const lag = maLags[k]!;
        if (lag > t - condition) break;
        value -= b[lag - 1]! * e[t - lag]!;
      }
      e[t] = value;
      ssq += value * value;
    }
    return { ssq, used: n - condition };
  };
}

export interface ArimaFitOptions {
  /** 'css' (search) or 'css-ml' (the final model; default). */
  method?: 'css' | 'css-ml';
  /** Optimiser budget of the CSS stage (default 300 iterations). */
  maxIterations?: number;
  /** Relative stop of the CSS stage on −2 log-likelihood (default 1e-7). */
  tolerance?: number;
  /** Optimiser budget of the exact-likelihood stage (default {@link ML_ITERATIONS}). */
  mlIterations?: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/**
 * Fit one ARIMA form to the series. Null when the differenced series is too
 * short for its coefficients (fewer than coefficients + 3 usable periods) or
 * the fit breaks down.
 *
 * @example fitArima(values, { p: 1, d: 0, q: 0, P: 0, D: 0, Q: 0, m: 1, constant: true })?.ar // [≈ φ]
 */
export function fitArima(values: readonly number[], spec: ArimaSpec, options: ArimaFitOptions = {}): ArimaFit | null {
  if (spec.constant && spec.d + spec.D > 1) throw new RangeError('a constant only with d + D ≤ 1');
  const w = difference(values, spec.d, spec.D, spec.m);
  const nUsed = w.length;
  const k = coefficientCount(spec);
  const condition = spec.p + spec.m * spec.P;
  if (nUsed - condition < k + 3) return null;
  const muStart = spec.constant ? mean(w) : 0;
  const wMean = mean(w);
  const spread = Math.sqrt(w.reduce((s, v) => s + (v - wMean) ** 2, 0) / nUsed) || 1;
  const muScale = spread / Math.sqrt(nUsed);
  const scale2 = Math.max(1, values.reduce((s, v) => s + v * v, 0) / values.length);
  const dims = k;
  const maxIterations = options.maxIterations ?? 300;
  const tolerance = options.tolerance ?? 1e-7;

  const css = cssEvaluator(w, spec, condition, muStart, muScale);
  // −2 log-likelihood up to a constant: on its scale the optimiser's relative stop means the same for every series.
  const cssObjective = (x: readonly number[]) => {
    const { ssq, used } = css(x);
    return nUsed * (Math.log(Math.max(ssq, 1e-300) / used) + Math.log(2 * Math.PI) + 1);
  };
  let best =
    dims === 0
      ? { point: [] as number[], value: cssObjective([]) }
      : nelderMead(cssObjective, new Array<number>(dims).fill(0), { step: 0.5, maxIterations, tolerance });
  const { ssq, used } = css(best.point);
  let sigma2 = ssq / used;
  // R's CSS log-likelihood: σ² from the conditioned periods, n the differenced series' length.
  let logLik = -0.5 * nUsed * (Math.log(2 * Math.PI * sigma2) + 1);
  let method: 'css' | 'ml' = 'css';

  const stateSize = Math.max(condition, spec.q + spec.m * spec.Q + 1);
  if ((options.method ?? 'css-ml') === 'css-ml' && stateSize <= ML_MAX_STATE) {
    const exact = (x: readonly number[]) => {
      const c = decode(spec, x, muStart, muScale);
      return exactMinus2LogLik(w, expandAr(c.ar, c.seasonalAr, spec.m), expandMa(c.ma, c.seasonalMa, spec.m), c.mu);
    };
    const start = exact(best.point);
    const ml =
      dims === 0
        ? { point: [] as number[], value: start.minus2LogLik }
        : nelderMead((x) => exact(x).minus2LogLik, best.point, { step: 0.05, maxIterations: options.mlIterations ?? ML_ITERATIONS, tolerance: ML_TOLERANCE });
    const result = exact(ml.point);
    if (Number.isFinite(result.minus2LogLik)) {
      best = ml;
      sigma2 = result.sigma2;
      logLik = -0.5 * result.minus2LogLik;
      method = 'ml';
    }
  }
  if (!(sigma2 > SIGMA2_FLOOR * scale2)) {
    // A perfect fit (a noiseless pattern): keep it, with a variance small against the data's.
    sigma2 = SIGMA2_FLOOR * scale2;
    logLik = -0.5 * nUsed * (Math.log(2 * Math.PI * sigma2) + 1);
  }
  if (!Number.isFinite(logLik)) return null;
  const c = decode(spec, best.point, muStart, muScale);
  const parameterCount = k + 1;
  const aicc = -2 * logLik + 2 * parameterCount + (2 * parameterCount * (parameterCount + 1)) / Math.max(1, nUsed - parameterCount - 1);
  return { spec, ...c, sigma2, logLik, aicc, parameterCount, nUsed, method };
}

/**
 * Point forecasts of steps 1..horizon from the end of `values` with the fit's
 * coefficients (`values` may be another stretch of the same series: the
 * backtest moves the origin without refitting). Residuals come from the
 * conditional recursion over the differenced values; future errors are 0.
 */
export function arimaForecast(fit: ArimaFit, values: readonly number[], horizon: number): number[] {
  const { d, D, m } = fit.spec;
  const w = difference(values, d, D, m);
  const a = expandAr(fit.ar, fit.seasonalAr, m);
  const b = expandMa(fit.ma, fit.seasonalMa, m);
  const e = conditionalResiduals(w, a, b, fit.mu, Math.min(a.length, w.length));
  const wAll = [...w];
  const eAll = Array.from(e);
  for (let h = 0; h < horizon; h += 1) {
    const t = wAll.length;
    let value = fit.mu;
    a.forEach((ai, i) => (value += ai * ((t - i - 1 >= 0 ? wAll[t - i - 1]! : fit.mu) - fit.mu)));
    b.forEach((bj, j) => (value += bj * (t - j - 1 >= 0 ? eAll[t - j - 1]! : 0)));
    wAll.push(value);
    eAll.push(0);
  }
  const delta = differencingWeights(d, D, m);
  const y = [...values];
  for (let h = 0; h < horizon; h += 1) {
    const t = y.length;
    let value = wAll[w.length + h]!;
    delta.forEach((di, i) => (value += di * y[t - i - 1]!));
    y.push(value);
  }
  return y.slice(values.length);
}

/**
 * ψ₀..ψ_{count−1} of the model on the undifferenced series,
 * θ(B)Θ(B^m) / (φ(B)Φ(B^m)(1 − B)^d(1 − B^m)^D): y(n+h) − ŷ(n+h) = Σ_{j<h} ψ_j e(n+h−j).
 *
 * @example psiWeights(randomWalkFit, 3) // [1, 1, 1]
 */
export function psiWeights(fit: ArimaFit, count: number): number[] {
  const { d, D, m } = fit.spec;
  // φ(B)Φ(B^m)δ(B) = 1 − Σ c_i B^i, with both factors written 1 − Σ (…)B^i.
  const a = expandAr(fit.ar, fit.seasonalAr, m);
  const delta = differencingWeights(d, D, m);
  const full = new Array<number>(a.length + delta.length).fill(0);
  const left = [1, ...a.map((v) => -v)];
  const right = [1, ...delta.map((v) => -v)];
  left.forEach((x, i) => right.forEach((y, j) => i + j > 0 && (full[i + j - 1] = full[i + j - 1]! - x * y)));
  const b = expandMa(fit.ma, fit.seasonalMa, m);
  const psi = [1];
  for (let j = 1; j < count; j += 1) {
    let value = j <= b.length ? b[j - 1]! : 0;
    for (let i = 1; i <= Math.min(j, full.length); i += 1) value += full[i - 1]! * psi[j - i]!;
    psi.push(value);
  }
  return psi.slice(0, count);
}

/** Gaussian intervals of steps 1..horizon: ŷ ± z·σ·√(Σ_{j<h} ψ_j²). */
export function arimaIntervals(
  fit: ArimaFit,
  values: readonly number[],
  horizon: number,
  confidence: number,
): { mean: number[]; lower: number[]; upper: number[]; variance: number[] } {
  const mean = arimaForecast(fit, values, horizon);
  const psi = psiWeights(fit, horizon);
  const z = normalQuantile(0.5 + confidence / 2);
  let cumulative = 0;
  const variance = psi.map((p) => (cumulative += p * p) * fit.sigma2);
  return {
    mean,
    variance,
    lower: mean.map((v, k) => v - z * Math.sqrt(variance[k]!)),
    upper: mean.map((v, k) => v + z * Math.sqrt(variance[k]!)),
  };
}

/**
 * Mean and variance of y(n+1) + … + y(n+H), and its Gaussian quantiles: the
 * shock at step i reaches every later step, weighing Ψ_{H−i} = ψ₀ + … + ψ_{H−i}.
 */
export function arimaHorizonSum(
  fit: ArimaFit,
  values: readonly number[],
  horizon: number,
  probabilities: readonly number[],
): { horizon: number; mean: number; variance: number; quantiles: { probability: number; value: number }[]; method: 'analytic' } {
  const mean = arimaForecast(fit, values, horizon).reduce((s, v) => s + v, 0);
  const psi = psiWeights(fit, horizon);
  let cumulative = 0;
  let variance = 0;
  for (const p of psi) {
    cumulative += p;
    variance += cumulative * cumulative;
  }
  variance *= fit.sigma2;
  return {
    horizon,
    mean,
    variance,
    quantiles: probabilities.map((probability) => ({ probability, value: mean + normalQuantile(probability) * Math.sqrt(variance) })),
    method: 'analytic',
  };
}
