import { describe, expect, it } from 'vitest';
import { accuracy, bias, mae, mape, mase, rmse, seasonalNaiveScale, seasonalNaiveScales, smape } from './metrics.js';

describe('accuracy metrics on hand-computed examples', () => {
  const actual = [10, 0, 20, 40];
  const forecast = [12, 5, 15, 40];
  // errors f − a: 2, 5, −5, 0

  it('computes MAE, RMSE and bias from the errors', () => {
    expect(mae(actual, forecast)).toBe(3); // (2 + 5 + 5 + 0) / 4
    expect(rmse(actual, forecast)).toBeCloseTo(Math.sqrt(54 / 4), 12); // (4 + 25 + 25 + 0) / 4
    expect(bias(actual, forecast)).toBe(0.5); // (2 + 5 − 5 + 0) / 4
  });

  it('skips zero actuals in MAPE and answers null when all are zero', () => {
    expect(mape(actual, forecast)).toBeCloseTo((100 * (0.2 + 0.25 + 0)) / 3, 12);
    expect(mape([0, 0], [1, 2])).toBeNull();
  });

  it('bounds sMAPE at 200 and counts both-zero periods as perfect', () => {
    // terms: 2/11, 5/2.5 = 2, 5/17.5, 0
    expect(smape(actual, forecast)).toBeCloseTo((100 * (2 / 11 + 2 + 5 / 17.5 + 0)) / 4, 12);
    expect(smape([0], [0])).toBe(0);
    expect(smape([0], [7])).toBe(200);
  });

  it('scales MASE by the in-sample seasonal naive MAE of the training part', () => {
    // |2 − 1|, |7 − 5|, |4 − 2|, |9 − 7| → 7 / 4
    expect(seasonalNaiveScale([1, 5, 2, 7, 4, 9], 2)).toBe(1.75);
    expect(mase(actual, forecast, 1.5)).toBe(2);
    expect(() => mase(actual, forecast, 0)).toThrow(RangeError);
  });

  it('leaves censored pairs out of the scale and never divides by zero', () => {
    // index 3 censored: only |2 − 1| and |9 − 7| count → 1.5
    expect(seasonalNaiveScale([1, 5, 2, 7, 4, 9], 2, [true, true, true, false, true, true])).toBe(1.5);
    expect(seasonalNaiveScale([4, 4, 4, 4], 1)).toBe(4); // exact repeat: falls back to the mean level
    expect(seasonalNaiveScale([0, 0, 0], 1)).toBe(1);
  });

  it('gives the scale of every prefix in one pass, exactly as for each prefix alone', () => {
    const series = [1, 5, 2, 7, 4, 9, 3, 3];
    const usable = [true, true, true, false, true, true, true, true];
    const lengths = [2, 3, 5, 6, 8];
    expect(seasonalNaiveScales(series, 2, lengths, usable)).toEqual(lengths.map((n) => seasonalNaiveScale(series.slice(0, n), 2, usable)));
    // length 2: no pair yet → the mean level (1 + 5) / 2
    expect(seasonalNaiveScales(series, 2, [2, 6], usable)).toEqual([3, 1.5]);
    expect(() => seasonalNaiveScales(series, 2, [5, 3])).toThrow(RangeError);
  });

  it('reports every metric at once', () => {
    const report = accuracy([10, 20], [12, 17], { training: [1, 5, 2, 7], season: 2 });
    expect(report.n).toBe(2);
    expect(report.mae).toBe(2.5);
    expect(report.mase).toBeCloseTo(2.5 / 1.5, 12);
    expect(report.mape).toBeCloseTo(17.5, 12);
    expect(report.bias).toBe(-0.5);
  });
});
