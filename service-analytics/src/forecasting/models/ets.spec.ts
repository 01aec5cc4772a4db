import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { seededNormal } from '../normal.js';
import { etsForecastDistribution, etsHorizonSum, simulatePaths } from './ets-distribution.js';
import { autoEts, etsFamily, etsName, etsPointForecast, fitEts, type EtsFit, type EtsSpec } from './ets.js';

interface Truth {
  spec: EtsSpec;
  season: number;
  alpha: number;
  beta?: number;
  gamma?: number;
  phi?: number;
  level: number;
  trend?: number;
  seasonals?: number[];
  sigma: number;
}

/** A series drawn from an ETS model written out here, independently of the engine's recursions. */
function simulate(truth: Truth, n: number, seed: number): number[] {
  const draw = seededNormal(seed);
  const { spec, alpha, sigma } = truth;
  const beta = truth.beta ?? 0;
  const gamma = truth.gamma ?? 0;
  const phi = spec.trend === 'Ad' ? truth.phi! : 1;
  let level = truth.level;
  let trend = truth.trend ?? 0;
  const seasonals = [...(truth.seasonals ?? [spec.season === 'M' ? 1 : 0])];
  const m = seasonals.length;
  const values: number[] = [];
  for (let t = 0; t < n; t += 1) {
    const s = seasonals[t % m]!;
    const base = level + phi * trend;
    const mu = spec.season === 'A' ? base + s : spec.season === 'M' ? base * s : base;
    const e = sigma * draw();
    // Error-correction forms (Hyndman et al. 2008, table 2.3).
    const absolute = spec.error === 'A' ? e : mu * e;
    values.push(mu + absolute);
    const levelError = spec.season === 'M' ? absolute / s : absolute;
    level = base + alpha * levelError;
    if (spec.trend !== 'N') trend = phi * trend + beta * levelError;
    if (spec.season === 'A') seasonals[t % m] = s + gamma * absolute;
    if (spec.season === 'M') seasonals[t % m] = s + (gamma * absolute) / base;
  }
  return values;
}

describe('ETS fitted by maximum likelihood', () => {
  it('recovers the smoothing parameters of a simulated ETS(A,A,N)', () => {
    const truth: Truth = { spec: { error: 'A', trend: 'A', season: 'N' }, season: 1, alpha: 0.4, beta: 0.1, level: 100, trend: 1, sigma: 2 };
    const alphas: number[] = [];
    const betas: number[] = [];
    for (let seed = 1; seed <= 5; seed += 1) {
      const fit = fitEts(simulate(truth, 400, seed), 1, truth.spec)!;
      alphas.push(fit.params.alpha);
      betas.push(fit.params.beta);
      expect(Math.sqrt(fit.sigma2)).toBeGreaterThan(1.7);
      expect(Math.sqrt(fit.sigma2)).toBeLessThan(2.3);
    }
    const average = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(average(alphas)).toBeGreaterThan(0.3);
    expect(average(alphas)).toBeLessThan(0.5);
    expect(average(betas)).toBeGreaterThan(0.04);
    expect(average(betas)).toBeLessThan(0.18);
  });

  it('recovers α and γ of a simulated ETS(M,N,M)', () => {
    const seasonals = [0.7, 0.9, 1.0, 1.1, 1.3, 1.2, 0.8];
    const truth: Truth = { spec: { error: 'M', trend: 'N', season: 'M' }, season: 7, alpha: 0.2, gamma: 0.1, level: 200, seasonals, sigma: 0.05 };
    const fit = fitEts(simulate(truth, 700, 3), 7, truth.spec)!;
    expect(fit.params.alpha).toBeGreaterThan(0.1);
    expect(fit.params.alpha).toBeLessThan(0.3);
    expect(fit.params.gamma).toBeLessThan(0.2);
    expect(Math.sqrt(fit.sigma2)).toBeGreaterThan(0.045);
    expect(Math.sqrt(fit.sigma2)).toBeLessThan(0.055);
  });

  it('forecasts a straight line exactly with a trended model', () => {
    const values = Array.from({ length: 30 }, (_, t) => 5 + 2 * t + (t % 2 === 0 ? 0.01 : -0.01));
    const fit = fitEts(values, 1, { error: 'A', trend: 'A', season: 'N' })!;
    const forecast = etsPointForecast(fit, 3);
    forecast.forEach((value, h) => expect(value).toBeCloseTo(5 + 2 * (30 + h), 0));
  });
});

describe('ETS selection by AICc', () => {
  it('considers the restricted family: no additive error with a multiplicative season, nothing multiplicative on zeros', () => {
    const names = etsFamily(
      Array.from({ length: 40 }, (_, t) => 10 + (t % 4)),
      4,
    ).map(etsName);
    expect(names).toHaveLength(15);
    expect(names).not.toContain('ETS(A,N,M)');
    expect(etsFamily([0, ...Array.from({ length: 39 }, () => 5)], 4).every((s) => s.error === 'A' && s.season !== 'M')).toBe(true);
  });

  it('picks a damped trend for a series whose growth dies out', () => {
    const random = seededRandom(11);
    const values = Array.from({ length: 120 }, (_, t) => 50 + 3 * ((1 - 0.95 ** t) / 0.05) + (random() - 0.5) * 2);
    const fit = autoEts(values, 1)!;
    expect(fit.spec.trend).toBe('Ad');
    // Near the asymptote (110): a linear trend would run away, the damped one stays put.
    const forecast = etsPointForecast(fit, 30);
    expect(forecast[29]!).toBeLessThan(115);
    expect(forecast[29]!).toBeGreaterThan(100);
  });

  it('picks a multiplicative season when the swing grows with the level, an additive one when it does not', () => {
    const random = seededRandom(5);
    const pattern = [0.6, 0.8, 1.0, 1.2, 1.4, 1.3, 1.1, 0.9, 0.8, 0.9, 1.0, 1.0];
    const growing = Array.from({ length: 120 }, (_, t) => (50 + 4 * t) * pattern[t % 12]! * (1 + 0.03 * (random() - 0.5)));
    const multiplicative = autoEts(growing, 12)!;
    expect(multiplicative.spec.season).toBe('M');
    const steady = Array.from({ length: 120 }, (_, t) => 50 + 4 * t + 40 * (pattern[t % 12]! - 1) + 3 * (random() - 0.5));
    const additive = autoEts(steady, 12)!;
    expect(additive.spec.season).toBe('A');
    const flat = Array.from({ length: 120 }, () => 50 + 10 * (random() - 0.5));
    expect(autoEts(flat, 12)!.spec.season).toBe('N');
  });
});

describe('ETS forecast distributions', () => {
  /** Share of held-out values inside the 95% intervals of models fitted on many simulated series. */
  function coverage(truth: Truth, seriesCount: number, n: number, horizon: number, select: (values: number[]) => EtsFit | null): number {
    let inside = 0;
    let total = 0;
    for (let seed = 1; seed <= seriesCount; seed += 1) {
      const values = simulate(truth, n + horizon, 1000 + seed);
      const fit = select(values.slice(0, n))!;
      const [interval] = etsForecastDistribution(fit, horizon, [0.95], { paths: 1000, seed }).intervals;
      for (let h = 0; h < horizon; h += 1) {
        const actual = values[n + h]!;
        if (actual >= interval!.lower[h]! && actual <= interval!.upper[h]!) inside += 1;
        total += 1;
      }
    }
    return inside / total;
  }

  it('95% intervals of ETS(A,N,N) cover 93–97% of simulated future values', () => {
    const truth: Truth = { spec: { error: 'A', trend: 'N', season: 'N' }, season: 1, alpha: 0.3, level: 20, sigma: 1 };
    const share = coverage(truth, 300, 150, 6, (values) => fitEts(values, 1, truth.spec));
    expect(share).toBeGreaterThanOrEqual(0.93);
    expect(share).toBeLessThanOrEqual(0.97);
  });

  it('95% intervals of a selected model on ETS(M,N,M) data (simulated intervals) cover 93–97%', () => {
    const truth: Truth = {
      spec: { error: 'M', trend: 'N', season: 'M' },
      season: 4,
      alpha: 0.2,
      gamma: 0.1,
      level: 100,
      seasonals: [0.8, 1.2, 1.1, 0.9],
      sigma: 0.05,
    };
    const share = coverage(truth, 150, 200, 4, (values) => autoEts(values, 4));
    expect(share).toBeGreaterThanOrEqual(0.93);
    expect(share).toBeLessThanOrEqual(0.97);
  });

  it('gives the sum over h steps its exact variance for additive errors, matching a simulation of the same model', () => {
    const values = simulate({ spec: { error: 'A', trend: 'N', season: 'N' }, season: 1, alpha: 0.3, level: 20, sigma: 1 }, 200, 7);
    const fit = fitEts(values, 1, { error: 'A', trend: 'N', season: 'N' })!;
    const sum = etsHorizonSum(fit, 10, [0.5, 0.95]);
    // Var = σ² Σ_{r=0}^{9} (1 + rα)² for simple exponential smoothing.
    let expected = 0;
    for (let r = 0; r < 10; r += 1) expected += (1 + r * fit.params.alpha) ** 2;
    expect(sum.variance).toBeCloseTo(expected * fit.sigma2, 6);
    expect(sum.mean).toBeCloseTo(10 * fit.state.level, 6);
    // Not the sum of per-day bounds: errors persist in the level, so the sum is wider than √h · σ.
    expect(sum.variance).toBeGreaterThan(10 * fit.sigma2);
    const paths = simulatePaths(fit, 10, { paths: 20000, seed: 3 });
    let squares = 0;
    for (let p = 0; p < 20000; p += 1) {
      let total = 0;
      for (let h = 0; h < 10; h += 1) total += paths[p * 10 + h]!;
      squares += (total - sum.mean) ** 2;
    }
    expect(squares / 20000 / sum.variance).toBeGreaterThan(0.95);
    expect(squares / 20000 / sum.variance).toBeLessThan(1.05);
    expect(sum.quantiles[0]!.value).toBeCloseTo(sum.mean, 6);
  });

  it('simulates the sum for multiplicative models, around the sum of the point forecasts', () => {
    const truth: Truth = { spec: { error: 'M', trend: 'N', season: 'N' }, season: 1, alpha: 0.2, level: 50, sigma: 0.1 };
    const fit = fitEts(simulate(truth, 200, 9), 1, truth.spec)!;
    const sum = etsHorizonSum(fit, 7, [0.05, 0.95]);
    expect(sum.method).toBe('simulated');
    expect(sum.mean / (7 * fit.state.level)).toBeGreaterThan(0.98);
    expect(sum.mean / (7 * fit.state.level)).toBeLessThan(1.02);
    expect(sum.quantiles[1]!.value).toBeGreaterThan(sum.mean);
    expect(sum.quantiles[0]!.value).toBeLessThan(sum.mean);
  });
});
