import { describe, expect, it } from 'vitest';
import { mae } from '../metrics.js';
import { holtWinters } from './holt-winters.js';
import { nelderMead } from './nelder-mead.js';

const ADDITIVE_PATTERN = [-12, -5, 0, 4, 15, 8, -10];
/** Mean 1, so (level · index) keeps the level's meaning. */
const MULTIPLICATIVE_PATTERN = [0.5, 0.8, 1, 1.2, 1.5, 1.3, 0.7];

function split(values: number[], holdout: number) {
  return { train: values.slice(0, -holdout), test: values.slice(-holdout) };
}

describe('Holt–Winters', () => {
  it('reproduces a pure additive seasonal pattern exactly', () => {
    const values = Array.from({ length: 70 }, (_, t) => 50 + ADDITIVE_PATTERN[t % 7]!);
    const { train, test } = split(values, 14);
    const fit = holtWinters(train, { season: 7, horizon: 14, seasonality: 'additive' });
    fit.forecast.forEach((f, k) => expect(f).toBeCloseTo(test[k]!, 6));
    expect(fit.sse).toBeLessThan(1e-12);
  });

  it('extrapolates a linear trend exactly (Holt with no season, and with a season)', () => {
    const line = Array.from({ length: 60 }, (_, t) => 5 + 2 * t);
    const { train, test } = split(line, 10);
    const holt = holtWinters(train, { season: 1, horizon: 10, seasonality: 'additive' });
    holt.forecast.forEach((f, k) => expect(f).toBeCloseTo(test[k]!, 6));
    const seasonal = holtWinters(train, { season: 7, horizon: 10, seasonality: 'additive' });
    seasonal.forecast.forEach((f, k) => expect(f).toBeCloseTo(test[k]!, 6));
  });

  it('fits additive seasonality better on a pattern of fixed amplitude over a trend', () => {
    const values = Array.from({ length: 140 }, (_, t) => 100 + 0.8 * t + ADDITIVE_PATTERN[t % 7]!);
    const { train, test } = split(values, 14);
    const additive = holtWinters(train, { season: 7, horizon: 14, seasonality: 'additive' });
    const multiplicative = holtWinters(train, { season: 7, horizon: 14, seasonality: 'multiplicative' });
    expect(mae(test, additive.forecast)).toBeLessThan(1e-6);
    expect(mae(test, multiplicative.forecast)).toBeGreaterThan(0.3);
  });

  it('fits multiplicative seasonality better when the amplitude grows with the level', () => {
    const values = Array.from({ length: 140 }, (_, t) => (100 + 2 * t) * MULTIPLICATIVE_PATTERN[t % 7]!);
    const { train, test } = split(values, 14);
    const additive = holtWinters(train, { season: 7, horizon: 14, seasonality: 'additive' });
    const multiplicative = holtWinters(train, { season: 7, horizon: 14, seasonality: 'multiplicative' });
    const meanLevel = test.reduce((a, b) => a + b, 0) / test.length;
    // within 2% of the level on average, and clearly ahead of the additive model
    expect(mae(test, multiplicative.forecast) / meanLevel).toBeLessThan(0.02);
    expect(mae(test, multiplicative.forecast)).toBeLessThan(mae(test, additive.forecast) / 3);
  });

  it('works for any seasonal period: a quarterly pattern', () => {
    const quarterly = [-30, 10, 40, -20];
    const values = Array.from({ length: 24 }, (_, t) => 200 + 3 * t + quarterly[t % 4]!);
    const { train, test } = split(values, 4);
    const fit = holtWinters(train, { season: 4, horizon: 4, seasonality: 'additive' });
    fit.forecast.forEach((f, k) => expect(f).toBeCloseTo(test[k]!, 6));
  });

  it('keeps fitted parameters inside (0, 1) and refuses non-positive values when multiplicative', () => {
    const values = Array.from({ length: 40 }, (_, t) => 20 + ((t * 7) % 5));
    const { params } = holtWinters(values, { season: 7, horizon: 1, seasonality: 'additive' });
    for (const p of [params.alpha, params.beta, params.gamma]) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    expect(() => holtWinters([...values.slice(0, 39), 0], { season: 7, horizon: 1, seasonality: 'multiplicative' })).toThrow(RangeError);
  });
});

describe('nelderMead', () => {
  it('finds the minimum of a quadratic bowl deterministically', () => {
    const bowl = ([x, y]: readonly number[]) => (x! - 1) ** 2 + 3 * (y! + 2) ** 2;
    const first = nelderMead(bowl, [0, 0], { maxIterations: 500, tolerance: 1e-14 });
    expect(first.point[0]).toBeCloseTo(1, 4);
    expect(first.point[1]).toBeCloseTo(-2, 4);
    expect(nelderMead(bowl, [0, 0], { maxIterations: 500, tolerance: 1e-14 })).toEqual(first);
  });
});
