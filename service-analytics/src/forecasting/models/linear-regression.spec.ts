import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { seasonalSeries } from '../../../test/support/simulated-series.js';
import { toDemandHistory } from '../history.js';
import { linearRegression } from './linear-regression.js';
import { featureLayout, featureNames, featureVector } from './regression-features.js';

const noFuture = (horizon: number) => ({ campaign: new Array<number>(horizon).fill(0), holiday: new Array<number>(horizon).fill(0) });
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('regression features', () => {
  it('match the feature store for daily data: lag1/7/14, rollingMean7/28, trend index, flags', () => {
    const layout = featureLayout(7);
    expect(featureNames(layout)).toEqual([
      'lag1',
      'lag7',
      'lag14',
      'rollingMean7',
      'rollingMean28',
      'trendIndex',
      'seasonPosition1',
      'seasonPosition2',
      'seasonPosition3',
      'seasonPosition4',
      'seasonPosition5',
      'seasonPosition6',
      'campaignFlag',
      'holidayFlag',
    ]);
    const series = Array.from({ length: 30 }, (_, t) => t);
    // t = 29: lag1 28, lag7 22, lag14 15, mean of 22..28 = 25, mean of 1..28 = 14.5, 25 / 18, position 29 % 7 = 1
    expect(featureVector(series, 29, layout, 1, 0)).toEqual([28, 22, 15, 25, 14.5, 25 / 18, 1, 0, 0, 0, 0, 0, 1, 0]);
  });

  it('never read the period they describe or any later one', () => {
    const layout = featureLayout(7);
    const series = Array.from({ length: 40 }, (_, t) => t * 3);
    const changedAfter = [...series.slice(0, 35), 999, 999, 999, 999, 999];
    expect(featureVector(changedAfter, 35, layout, 0, 0)).toEqual(featureVector(series, 35, layout, 0, 0));
  });
});

describe('linear regression', () => {
  it('extrapolates a linear trend exactly, recursively over 14 steps', () => {
    const values = Array.from({ length: 90 }, (_, t) => 5 + 2 * t);
    const fit = linearRegression(toDemandHistory({ values }), { season: 7, horizon: 14, future: noFuture(14) });
    fit.forecast.forEach((f, k) => expect(f).toBeCloseTo(5 + 2 * (90 + k), 6));
  });

  it('reproduces a pure weekly pattern and explains it through the weights', () => {
    const pattern = [10, 12, 15, 20, 30, 25, 8];
    const values = Array.from({ length: 91 }, (_, t) => pattern[t % 7]!);
    const fit = linearRegression(toDemandHistory({ values }), { season: 7, horizon: 7, future: noFuture(7) });
    fit.forecast.forEach((f, k) => expect(f).toBeCloseTo(pattern[(91 + k) % 7]!, 6));
    expect(Object.keys(fit.weights)).toContain('lag7');
    expect(Object.keys(fit.weights)).toContain('intercept');
  });

  it('learns a campaign uplift and applies it on the future campaign days it is told about', () => {
    const random = seededRandom(7);
    const campaign = Array.from({ length: 200 }, () => (random() < 0.15 ? 1 : 0));
    const base = seasonalSeries({ length: 200, level: 40, pattern: [0, 2, 4, 6, 8, -8, -12], noise: 2, seed: 11 });
    const values = base.map((v, t) => v + 25 * campaign[t]!);
    const future = { campaign: [0, 1, 0, 1, 0, 0, 0], holiday: new Array<number>(7).fill(0) };
    const fit = linearRegression(toDemandHistory({ values, campaign }), { season: 7, horizon: 7, future });
    expect(fit.weights.campaignFlag).toBeGreaterThan(22);
    expect(fit.weights.campaignFlag).toBeLessThan(28);
    const without = linearRegression(toDemandHistory({ values, campaign }), { season: 7, horizon: 7, future: noFuture(7) });
    expect(fit.forecast[1]! - without.forecast[1]!).toBeGreaterThan(20);
    expect(fit.forecast[0]! - without.forecast[0]!).toBeLessThan(5);
  });

  it('does not learn zero demand from stock-out days (compared with and without the flag)', () => {
    const clean = seasonalSeries({ length: 210, level: 50, pattern: [0, 5, 10, 5, 0, -10, -10], noise: 3, seed: 5 });
    const random = seededRandom(99);
    const stockOut = clean.map(() => random() < 0.15);
    const observed = clean.map((v, t) => (stockOut[t] ? 0 : v));
    const context = { season: 7, horizon: 14, future: noFuture(14) };
    const truth = mean(linearRegression(toDemandHistory({ values: clean }), context).forecast);
    const flagged = mean(linearRegression(toDemandHistory({ values: observed, censored: stockOut }), context).forecast);
    const blind = mean(linearRegression(toDemandHistory({ values: observed }), context).forecast);
    expect(Math.abs(flagged - truth) / truth).toBeLessThan(0.03);
    // 15% of days recorded as zero pull the blind forecast down by about that much
    expect(blind / truth).toBeLessThan(0.93);
  });
});
