import { describe, expect, it } from 'vitest';
import { scoreWindow, summarise } from '../backtest.js';
import { toDemandHistory } from '../history.js';
import { combinationBacktest, meanForecast } from './combination.js';

describe('the combination', () => {
  it('forecasts the mean of its members, step by step', () => {
    expect(
      meanForecast([
        [1, 10],
        [3, 20],
      ]),
    ).toEqual([2, 15]);
  });

  it('backtests as the mean of its members in every window, scored like any candidate', () => {
    const history = toDemandHistory({ values: [10, 10, 10, 10, 12, 14, 16] });
    const ets = summarise('ets', [scoreWindow(history, 4, [11, 11], 1), scoreWindow(history, 5, [13, 13], 1)]);
    const theta = summarise('theta', [scoreWindow(history, 4, [13, 15], 1), scoreWindow(history, 5, [15, 17], 1)]);
    const combination = combinationBacktest(history, [ets, theta]);
    expect(combination.model).toBe('combination');
    expect(combination.windows.map((w) => w.forecast)).toEqual([
      [12, 13],
      [14, 15],
    ]);
    // Errors: window 4 → |12−12|, |14−13| = mean 0.5; window 5 → |14−14|, |16−15| = mean 0.5.
    expect(combination.mae).toBeCloseTo(0.5, 12);
    expect(ets.mae).toBeCloseTo(2, 12);
  });
});
