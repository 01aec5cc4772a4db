import { describe, expect, it } from 'vitest';
import { driftForecast, naiveForecast, seasonalNaiveForecast } from './benchmarks.js';

describe('benchmark forecasts', () => {
  it('naive repeats the last value with ±z·σ·√h, σ the root mean square change', () => {
    const f = naiveForecast([1, 3, 2, 4], 3, 0.95);
    const sigma = Math.sqrt((4 + 1 + 4) / 3);
    expect(f.values).toEqual([4, 4, 4]);
    f.upper.forEach((u, k) => expect(u - 4).toBeCloseTo(1.959964 * sigma * Math.sqrt(k + 1), 5));
    f.lower.forEach((l, k) => expect(4 - l).toBeCloseTo(1.959964 * sigma * Math.sqrt(k + 1), 5));
  });

  it('seasonal naive repeats the last season, its interval widening once per full season ahead', () => {
    const f = seasonalNaiveForecast([1, 5, 2, 6, 4, 8], 2, 5, 0.95);
    expect(f.values).toEqual([4, 8, 4, 8, 4]);
    const sigma = Math.sqrt((1 + 1 + 4 + 4) / 4);
    const widths = f.upper.map((u, k) => u - f.values[k]!);
    expect(widths.map((w) => w / (1.959964 * sigma))).toEqual([1, 1, Math.SQRT2, Math.SQRT2, Math.sqrt(3)].map((x) => expect.closeTo(x, 5)));
    expect(() => seasonalNaiveForecast([1, 2], 2, 1, 0.95)).toThrow(/more than 2 values/);
  });

  it('drift extends the line from the first to the last value', () => {
    expect(driftForecast([1, 3, 5, 7], 2, 0.95).values).toEqual([9, 11]);
  });
});
