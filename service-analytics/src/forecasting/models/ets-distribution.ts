import { normalQuantile, seededNormal, sortedQuantile } from '../normal.js';
import { etsPointForecast, type EtsFit } from './ets.js';

/**
 * The distribution of an ETS model's future values (Hyndman et al. 2008,
 * ch. 6): per step, and of the sum over the first h steps (lead-time demand,
 * which planning needs whole: the per-day bounds do not add up).
 *
 * Additive-error models (the linear class 1) have exact Gaussian answers:
 * y(n+h) = ŷ(n+h) + e(n+h) + Σ_{j<h} c_j e(n+h−j) with c_j = α + βφ_j + γ·[j ≡ 0 mod m]
 * and φ_j = φ + … + φ^j, so Var = σ²(1 + Σ c_j²), and the sum of steps 1..H
 * weighs e(n+i) by 1 + C_{H−i} (C_r = c_1 + … + c_r). Multiplicative models
 * have no closed form for the quantiles: they are simulated from the fitted
 * model with a fixed seed, so the answer is reproducible.
 */

export interface StepInterval {
  confidence: number;
  lower: number[];
  upper: number[];
}

export interface EtsForecastDistribution {
  mean: number[];
  variance: number[];
  intervals: StepInterval[];
  /** 'analytic' for the linear (additive-error) class, 'simulated' otherwise. */
  method: 'analytic' | 'simulated';
}

export interface HorizonSumDistribution {
  /** Steps summed: 1..horizon. */
  horizon: number;
  mean: number;
  variance: number;
  /** The requested probabilities' quantiles of the sum, in the order asked. */
  quantiles: { probability: number; value: number }[];
  method: 'analytic' | 'simulated';
}

export interface SimulationOptions {
  /** Simulated paths for multiplicative models (default 2,000). */
  paths?: number;
  /** Seed of the simulation (default fixed). */
  seed?: number;
}

const DEFAULT_PATHS = 2000;
const DEFAULT_SEED = 15;

/** c_1..c_{horizon−1} of an additive-error model (index 0 = c_1). */
function errorWeights(fit: EtsFit, horizon: number): number[] {
  const { alpha, beta, gamma, phi } = fit.params;
  const weights: number[] = [];
  let dampedSum = 0;
  let power = 1;
  for (let j = 1; j < horizon; j += 1) {
    power *= phi;
    dampedSum += power;
    const seasonal = fit.spec.season !== 'N' && j % fit.season === 0 ? gamma : 0;
    weights.push(alpha + (fit.spec.trend === 'N' ? 0 : beta * dampedSum) + seasonal);
  }
  return weights;
}

/**
 * Mean, variance and prediction intervals of steps 1..horizon.
 *
 * @example etsForecastDistribution(autoEts(values, 7)!, 28, [0.8, 0.95]).intervals[1].upper
 */
export function etsForecastDistribution(
  fit: EtsFit,
  horizon: number,
  confidences: readonly number[],
  options: SimulationOptions = {},
): EtsForecastDistribution {
  if (fit.spec.error === 'A') {
    const mean = etsPointForecast(fit, horizon);
    const weights = errorWeights(fit, horizon);
    const variance: number[] = [];
    let sumSquares = 1;
    for (let h = 0; h < horizon; h += 1) {
      if (h > 0) sumSquares += weights[h - 1]! ** 2;
      variance.push(fit.sigma2 * sumSquares);
    }
    const intervals = confidences.map((confidence) => {
      const z = normalQuantile(0.5 + confidence / 2);
      return { confidence, lower: mean.map((m, h) => m - z * Math.sqrt(variance[h]!)), upper: mean.map((m, h) => m + z * Math.sqrt(variance[h]!)) };
    });
    return { mean, variance, intervals, method: 'analytic' };
  }
  const paths = simulatePaths(fit, horizon, options);
  const count = paths.length / horizon;
  const column = new Float64Array(count);
  const mean: number[] = [];
  const variance: number[] = [];
  const intervals = confidences.map((confidence) => ({ confidence, lower: [] as number[], upper: [] as number[] }));
  for (let h = 0; h < horizon; h += 1) {
    for (let p = 0; p < count; p += 1) column[p] = paths[p * horizon + h]!;
    const moments = momentsOf(column);
    mean.push(moments.mean);
    variance.push(moments.variance);
    column.sort();
    intervals.forEach((interval) => {
      interval.lower.push(sortedQuantile(column, 0.5 - interval.confidence / 2));
      interval.upper.push(sortedQuantile(column, 0.5 + interval.confidence / 2));
    });
  }
  return { mean, variance, intervals, method: 'simulated' };
}

/**
 * The distribution of y(n+1) + … + y(n+horizon): lead-time demand over
 * `horizon` periods. Gaussian and exact for additive errors; simulated for
 * multiplicative ones.
 *
 * @example etsHorizonSum(fit, 14, [0.95]).quantiles[0].value // the 95% quantile of 14 days' demand
 */
export function etsHorizonSum(fit: EtsFit, horizon: number, probabilities: readonly number[], options: SimulationOptions = {}): HorizonSumDistribution {
  if (fit.spec.error === 'A') {
    const mean = etsPointForecast(fit, horizon).reduce((a, b) => a + b, 0);
    const weights = errorWeights(fit, horizon);
    // e(n+i) enters every step from i on: weight 1 at step i, then c_1, c_2, … — 1 + C_{H−i} in all.
    let variance = 0;
    let cumulative = 0;
    for (let r = 0; r < horizon; r += 1) {
      if (r > 0) cumulative += weights[r - 1]!;
      variance += (1 + cumulative) ** 2;
    }
    variance *= fit.sigma2;
    const sd = Math.sqrt(variance);
    return { horizon, mean, variance, quantiles: probabilities.map((p) => ({ probability: p, value: mean + normalQuantile(p) * sd })), method: 'analytic' };
  }
  const paths = simulatePaths(fit, horizon, options);
  const count = paths.length / horizon;
  const sums = new Float64Array(count);
  for (let p = 0; p < count; p += 1) {
    let sum = 0;
    for (let h = 0; h < horizon; h += 1) sum += paths[p * horizon + h]!;
    sums[p] = sum;
  }
  const moments = momentsOf(sums);
  sums.sort();
  return { horizon, ...moments, quantiles: probabilities.map((p) => ({ probability: p, value: sortedQuantile(sums, p) })), method: 'simulated' };
}

/** Future paths of the fitted model (row-major: path p, step h at [p·horizon + h]), errors Gaussian with the fitted σ². */
export function simulatePaths(fit: EtsFit, horizon: number, options: SimulationOptions = {}): Float64Array {
  const count = options.paths ?? DEFAULT_PATHS;
  const draw = seededNormal(options.seed ?? DEFAULT_SEED);
  const sigma = Math.sqrt(fit.sigma2);
  const { alpha, beta, gamma, phi } = fit.params;
  const { spec } = fit;
  const m = fit.season;
  const out = new Float64Array(count * horizon);
  const seasonals = new Float64Array(m);
  for (let p = 0; p < count; p += 1) {
    let level = fit.state.level;
    let trend = fit.state.trend;
    for (let i = 0; i < m; i += 1) seasonals[i] = fit.state.seasonalsAhead[i]!;
    for (let h = 0; h < horizon; h += 1) {
      const position = h % m;
      const dampedTrend = spec.trend === 'N' ? 0 : phi * trend;
      const base = level + dampedTrend;
      const index = seasonals[position]!;
      const forecast = spec.season === 'A' ? base + index : spec.season === 'M' ? base * index : base;
      const y = spec.error === 'A' ? forecast + sigma * draw() : forecast * (1 + sigma * draw());
      out[p * horizon + h] = y;
      const adjusted = spec.season === 'A' ? y - index : spec.season === 'M' ? y / index : y;
      const newLevel = base + alpha * (adjusted - base);
      if (spec.trend !== 'N') trend = dampedTrend + (beta / alpha) * (newLevel - level - dampedTrend);
      if (spec.season === 'A') seasonals[position] = index + gamma * (y - base - index);
      else if (spec.season === 'M' && base !== 0) seasonals[position] = index + gamma * (y / base - index);
      level = newLevel;
    }
  }
  return out;
}

function momentsOf(values: Float64Array): { mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, variance: values.length > 1 ? squares / (values.length - 1) : 0 };
}
