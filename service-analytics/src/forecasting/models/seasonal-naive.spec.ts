import { describe, expect, it } from 'vitest';
import { toDemandHistory } from '../history.js';
import { seasonalNaive, seasonalNaiveModel } from './seasonal-naive.js';
import { movingAverage, movingAverageModel } from './moving-average.js';

const PATTERN = [10, 12, 15, 20, 30, 25, 8];
const noFlags = { campaign: [], holiday: [] };

describe('seasonal naive', () => {
  it('reproduces a pure seasonal series exactly, continuing the phase', () => {
    const values = Array.from({ length: 30 }, (_, t) => PATTERN[t % 7]!);
    // 30 periods end after position 1 of the pattern: the next one is position 2
    expect(seasonalNaive(values, 7, 9)).toEqual([15, 20, 30, 25, 8, 10, 12, 15, 20]);
  });

  it('repeats the last value with no seasonal period', () => {
    expect(seasonalNaive([3, 4, 9], 1, 3)).toEqual([9, 9, 9]);
  });

  it('does not repeat a stock-out: the censored day is imputed from earlier seasons', () => {
    const values = Array.from({ length: 28 }, (_, t) => PATTERN[t % 7]!);
    values[23] = 0; // position 2 (15) sold out in the last week
    const censored = values.map((_, t) => t === 23);
    const history = toDemandHistory({ values, censored });
    const forecast = seasonalNaiveModel.forecast(history, { season: 7, horizon: 7, future: noFlags }).values;
    expect(forecast).toEqual(PATTERN);
    // without the flag the zero comes back next week
    const blind = seasonalNaiveModel.forecast(toDemandHistory({ values }), { season: 7, horizon: 7, future: noFlags }).values;
    expect(blind[2]).toBe(0);
  });
});

describe('moving average', () => {
  it('forecasts the mean of the last season, flat', () => {
    const values = Array.from({ length: 21 }, (_, t) => PATTERN[t % 7]!);
    const mean = PATTERN.reduce((a, b) => a + b, 0) / 7;
    const forecast = movingAverageModel.forecast(toDemandHistory({ values }), { season: 7, horizon: 3, future: noFlags }).values;
    expect(forecast).toEqual([mean, mean, mean]);
  });

  it('reaches past stock-out periods instead of averaging their zeros', () => {
    expect(movingAverage([6, 6, 6, 0, 0], [false, false, false, true, true], 3, 2)).toEqual([6, 6]);
    expect(movingAverage([6, 6, 6, 0, 0], [false, false, false, false, false], 3, 1)).toEqual([2]);
  });
});
