import { describe, expect, it } from 'vitest';
import { crostonSba } from './croston.js';
import { tsb } from './tsb.js';

/** Demand of 6 every third period: a rate of 2 per period. */
const EVERY_THIRD = Array.from({ length: 60 }, (_, t) => (t % 3 === 2 ? 6 : 0));

describe('Croston with the SBA correction', () => {
  it('estimates size 6, interval 3 and the bias-corrected rate (1 − α/2) · 6 / 3', () => {
    const fit = crostonSba(EVERY_THIRD, [], { alpha: 0.1 });
    expect(fit.size).toBeCloseTo(6, 12);
    expect(fit.interval).toBeCloseTo(3, 12);
    expect(fit.rate).toBeCloseTo(1.9, 12);
  });

  it('fits α on the grid when none is given, and forecasts 0 without any demand', () => {
    const fit = crostonSba(EVERY_THIRD, []);
    expect(fit.rate).toBeCloseTo((1 - fit.alpha / 2) * 2, 12);
    expect(crostonSba([0, 0, 0, 0], []).rate).toBe(0);
  });

  it('smooths varying sizes and intervals: one interval of 6 among 3s raises the interval estimate by α · 3', () => {
    // demands at 2, 5, 11 (interval 6), then 14: intervals 3, 3, 6, 3 with α = 0.5 → 3, 4.5, 3.75
    const values = Array.from({ length: 15 }, (_, t) => ([2, 5, 11, 14].includes(t) ? 6 : 0));
    const fit = crostonSba(values, [], { alpha: 0.5 });
    expect(fit.interval).toBeCloseTo(3.75, 12);
    expect(fit.size).toBeCloseTo(6, 12);
  });

  it('does not let stock-out days drag the rate towards zero', () => {
    // every fourth demand day sold out: 0 recorded
    const stockOuts = EVERY_THIRD.map((v, t) => v > 0 && t % 12 === 11);
    const observed = EVERY_THIRD.map((v, t) => (stockOuts[t] ? 0 : v));
    const flagged = crostonSba(observed, stockOuts, { alpha: 0.1 });
    const blind = crostonSba(observed, [], { alpha: 0.1 });
    expect(flagged.rate).toBeCloseTo(1.9, 12);
    expect(blind.rate).toBeLessThan(1.9 * 0.85);
  });
});

describe('TSB', () => {
  it('learns the size and a demand probability of one in three', () => {
    const fit = tsb(EVERY_THIRD, [], { alpha: 0.1, beta: 0.05 });
    expect(fit.size).toBeCloseTo(6, 12);
    // the probability oscillates around 1/3 within a cycle; after a demand it is above it
    expect(fit.probability).toBeGreaterThan(0.3);
    expect(fit.probability).toBeLessThan(0.4);
    expect(fit.rate).toBeCloseTo(fit.probability * 6, 12);
  });

  it('decays the forecast of a product that stopped selling', () => {
    const stopped = [...EVERY_THIRD, ...new Array<number>(30).fill(0)];
    const fit = tsb(stopped, [], { alpha: 0.1, beta: 0.1 });
    const stillSelling = tsb(EVERY_THIRD, [], { alpha: 0.1, beta: 0.1 });
    expect(fit.rate).toBeLessThan(stillSelling.rate * 0.1);
    // Croston freezes at the last rate
    expect(crostonSba(stopped, [], { alpha: 0.1 }).rate).toBeCloseTo(1.9, 12);
  });

  it('skips stock-out days', () => {
    const stockOuts = EVERY_THIRD.map((v, t) => v > 0 && t % 12 === 11);
    const observed = EVERY_THIRD.map((v, t) => (stockOuts[t] ? 0 : v));
    const flagged = tsb(observed, stockOuts, { alpha: 0.1, beta: 0.1 });
    const blind = tsb(observed, [], { alpha: 0.1, beta: 0.1 });
    expect(flagged.size).toBeCloseTo(6, 12);
    expect(flagged.rate).toBeGreaterThan(blind.rate * 1.1);
  });
});
