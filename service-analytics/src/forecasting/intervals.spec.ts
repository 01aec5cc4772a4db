import { describe, expect, it } from 'vitest';
import { seasonalSeries } from '../../test/support/simulated-series.js';
import { forecastSeries } from './forecast-series.js';
import { conformalHalfWidths, conformalHalfWidthsAt } from './intervals.js';

describe('conformal half-widths', () => {
  it('takes the ⌈(n + 1)·c⌉-th smallest absolute error', () => {
    const errors = Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? 1 : -1) * (i + 1)); // |e| = 1…19
    expect(conformalHalfWidths([errors], 0.95)).toEqual({ halfWidths: [19], enough: true }); // ⌈20 · 0.95⌉ = 19
    expect(conformalHalfWidths([errors], 0.8).halfWidths).toEqual([16]); // ⌈20 · 0.8⌉ = 16
  });

  it('borrows errors from neighbouring steps when a step has too few, and says when even all are too few', () => {
    const few = [[1], [2, 3], [4]];
    // 95% needs 19: all 4 together are still too few → the largest, flagged
    expect(conformalHalfWidths(few, 0.95)).toEqual({ halfWidths: [4, 4, 4], enough: false });
    // 50%: ⌈(n + 1) / 2⌉ — 1st of [1], 2nd of [2, 3], 1st of [4]
    expect(conformalHalfWidths(few, 0.5).halfWidths).toEqual([1, 3, 4]);
  });
});

/**
 * Coverage on simulated demand: many independent seeded series (weekly
 * pattern, mild trend, Gaussian noise), each forecast from its first 168 days
 * and checked against the next 7 held-out days.
 */
function measuredCoverage(confidence: number): number {
  let inside = 0;
  let total = 0;
  for (let seed = 1; seed <= 40; seed += 1) {
    const values = seasonalSeries({
      length: 175,
      level: 80 + seed,
      trend: (seed % 5) * 0.05,
      pattern: [0, 6, 12, 6, 0, -12, -12],
      noise: 4 + (seed % 3) * 2,
      seed,
    });
    const training = values.slice(0, 168);
    const heldOut = values.slice(168);
    const result = forecastSeries({ values: training }, { season: 7, horizon: 7, confidence });
    result.forecasts.forEach((f, k) => {
      total += 1;
      if (heldOut[k]! >= f.lower && heldOut[k]! <= f.upper) inside += 1;
    });
  }
  return inside / total;
}

describe('prediction interval coverage on held-out actuals', () => {
  // Measured when written: 95% → 96.8%, 80% → 80.0% of 280 held-out days; with the fixed-parameter
  // backtest (errors of models not refitted at each origin, so slightly wider intervals): 97.5%, 79.3%.
  it('95% intervals cover 90–99% and 80% intervals about 80%', () => {
    const at95 = measuredCoverage(0.95);
    const at80 = measuredCoverage(0.8);
    expect(at95).toBeGreaterThanOrEqual(0.9);
    expect(at95).toBeLessThanOrEqual(0.99);
    expect(at80).toBeGreaterThanOrEqual(0.72);
    expect(at80).toBeLessThanOrEqual(0.88);
    expect(at95).toBeGreaterThan(at80);
  });
});

describe('several coverages at once', () => {
  it('gives exactly what one call per coverage gives, borrowing neighbours as each needs', () => {
    let seed = 3;
    const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648 - 0.5) * 10;
    // 28 steps with 20, then fewer, errors each: 0.99 must borrow from neighbours, 0.5 must not
    const residuals = Array.from({ length: 28 }, (_, k) => Array.from({ length: k < 20 ? 20 : 5 }, next));
    const levels = [0.95, 0.5, 0.99, 0.8];
    const together = conformalHalfWidthsAt(residuals, levels);
    levels.forEach((level, i) => expect(together[i]).toEqual(conformalHalfWidthsOne(residuals, level)));
    expect(together[2]!.halfWidths.every((w, k) => w >= together[0]!.halfWidths[k]!)).toBe(true);
  });
});

/** The definition, one coverage at a time: the reference the combined call must match. */
function conformalHalfWidthsOne(residualsByStep: number[][], confidence: number) {
  const rank = (n: number) => Math.ceil((n + 1) * confidence - 1e-9);
  let enough = true;
  const halfWidths = residualsByStep.map((_, k) => {
    const pool = residualsByStep[k]!.map(Math.abs);
    for (let radius = 1; rank(pool.length) > pool.length && radius < residualsByStep.length; radius += 1) {
      for (const j of [k - radius, k + radius]) if (j >= 0 && j < residualsByStep.length) pool.push(...residualsByStep[j]!.map(Math.abs));
    }
    pool.sort((a, b) => a - b);
    if (rank(pool.length) > pool.length) {
      enough = false;
      return pool[pool.length - 1]!;
    }
    return pool[rank(pool.length) - 1]!;
  });
  return { halfWidths, enough };
}
