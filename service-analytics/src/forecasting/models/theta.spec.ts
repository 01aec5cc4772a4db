import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../test/support/seeded-random.js';
import { seededNormal } from '../normal.js';
import { driftHorizonSum, driftIntervals, driftPointForecast, fitDrift } from './drift.js';
import { fitTheta, isSeasonal, thetaIntervals, thetaPointForecast } from './theta.js';

describe('Theta', () => {
  it('is SES with half the fitted slope as drift: a straight line continues at half its slope from the last level', () => {
    const values = Array.from({ length: 30 }, (_, t) => 10 + 2 * t);
    const fit = fitTheta(values, 1)!;
    expect(fit.drift).toBeCloseTo(1, 9);
    expect(fit.seasonal).toBe(false);
    // α → 1 on a noiseless line: the level is the last value, and the forecast adds b/2 per step from there.
    expect(fit.alpha).toBeGreaterThan(0.99);
    const forecast = thetaPointForecast(fit, 3);
    expect(forecast[0]!).toBeCloseTo(68 + 1, 1);
    expect(forecast[2]! - forecast[0]!).toBeCloseTo(2, 6);
  });

  it('tests the season at the seasonal lag: adjusts a seasonal series and leaves white noise alone', () => {
    const random = seededRandom(2);
    const pattern = [0.7, 1.3, 1.1, 0.9];
    const seasonal = Array.from({ length: 48 }, (_, t) => 100 * pattern[t % 4]! + (random() - 0.5) * 4);
    expect(isSeasonal(seasonal, 4)).toBe(true);
    const fit = fitTheta(seasonal, 4)!;
    expect(fit.seasonal).toBe(true);
    // 48 periods end a season: step 1 is position 0.
    expect(fit.seasonalsAhead[0]!).toBeCloseTo(0.7, 1);
    expect(fit.seasonalsAhead[1]!).toBeCloseTo(1.3, 1);
    const forecast = thetaPointForecast(fit, 4);
    forecast.forEach((f, k) => expect(f / (100 * pattern[k]!)).toBeCloseTo(1, 1));
    const noise = Array.from({ length: 48 }, () => 100 + (random() - 0.5) * 10);
    expect(isSeasonal(noise, 4)).toBe(false);
    expect(fitTheta(noise, 4)!.seasonal).toBe(false);
  });

  it('gives intervals that widen with the step as the SES underneath', () => {
    const random = seededRandom(3);
    const fit = fitTheta(
      Array.from({ length: 60 }, () => 50 + (random() - 0.5) * 10),
      1,
    )!;
    const { lower, upper } = thetaIntervals(fit, 5, 0.95);
    expect(upper[0]! - lower[0]!).toBeCloseTo(2 * 1.959964 * Math.sqrt(fit.sigma2), 4);
    expect(upper[4]! - lower[4]!).toBeGreaterThan(upper[0]! - lower[0]!);
  });
});

describe('random walk with drift', () => {
  it('continues the average change from the last value', () => {
    const fit = fitDrift([1, 3, 5, 8])!;
    expect(fit.drift).toBeCloseTo(7 / 3, 12);
    expect(driftPointForecast(fit, 2)).toEqual([8 + 7 / 3, 8 + 14 / 3]);
  });

  it('recovers the drift of a simulated random walk and covers ~95% of its next steps', () => {
    let inside = 0;
    let total = 0;
    let driftSum = 0;
    for (let seed = 1; seed <= 400; seed += 1) {
      const draw = seededNormal(seed);
      const walk = [100];
      for (let t = 1; t < 105; t += 1) walk.push(walk[t - 1]! + 0.5 + 2 * draw());
      const fit = fitDrift(walk.slice(0, 100))!;
      driftSum += fit.drift;
      const { lower, upper } = driftIntervals(fit, 5, 0.95);
      for (let h = 0; h < 5; h += 1) {
        if (walk[100 + h]! >= lower[h]! && walk[100 + h]! <= upper[h]!) inside += 1;
        total += 1;
      }
    }
    expect(driftSum / 400).toBeGreaterThan(0.45);
    expect(driftSum / 400).toBeLessThan(0.55);
    expect(inside / total).toBeGreaterThanOrEqual(0.93);
    expect(inside / total).toBeLessThanOrEqual(0.97);
  });

  it('gives the sum over h steps the walk’s accumulated variance', () => {
    const fit = { last: 10, drift: 1, sigma2: 4, changes: 99 };
    const sum = driftHorizonSum(fit, 3);
    expect(sum.mean).toBe(30 + 6);
    // Shocks weigh 3, 2, 1 → 9 + 4 + 1 = 14; the drift's error weighs 6 with variance 4/99.
    expect(sum.variance).toBeCloseTo(4 * 14 + (36 * 4) / 99, 12);
  });
});
