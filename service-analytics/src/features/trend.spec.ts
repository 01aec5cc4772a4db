import { addUtcDays, TrendSchema } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import type { DemandPoint } from './daily-series.js';
import { computeTrend, recentVsPrevious, TREND_FLAT_THRESHOLD, weekdayAdjustedSlope, weeklyTotals } from './trend.js';

/** Dense series from Monday 2026-01-05. */
function series(demands: readonly number[], start = '2026-01-05'): DemandPoint[] {
  return demands.map((demand, i) => ({ day: addUtcDays(start, i), demand, sold: demand, stockOut: false, campaignActive: false }));
}

describe('computeTrend', () => {
  it('gives a linear series its exact slope and direction', () => {
    const up = computeTrend(series(Array.from({ length: 56 }, (_, i) => 10 + 0.5 * i)), { sku: 'A' });
    expect(up.slopePerDay).toBeCloseTo(0.5, 10);
    expect(up.direction).toBe('up');
    expect(up.window).toEqual({ start: '2026-01-05', end: '2026-03-01', days: 56 });
    // last 28 days: mean of 10 + 0.5·(28..55) = 30.75; previous: 10 + 0.5·(0..27) = 16.75
    expect(up.recentVsPrevious).toBeCloseTo(30.75 / 16.75, 10);
    expect(TrendSchema.parse(up)).toEqual(up);

    const down = computeTrend(series(Array.from({ length: 56 }, (_, i) => 100 - 2 * i)), { sku: 'A' });
    expect(down.slopePerDay).toBeCloseTo(-2, 10);
    expect(down.direction).toBe('down');
  });

  it('does not read a weekly pattern as a trend, and finds the slope under one', () => {
    const pattern = [1, 1, 1, 1, 2, 4, 4];
    const weekly = computeTrend(series(Array.from({ length: 28 }, (_, i) => pattern[i % 7]!)), { sku: 'A' });
    expect(weekly.slopePerDay).toBeCloseTo(0, 12); // a plain regression would find ≈ 0.04/day and call it "up"
    expect(weekly.direction).toBe('flat');
    const rising = computeTrend(series(Array.from({ length: 35 }, (_, i) => 3 * pattern[i % 7]! + 0.25 * i)), { sku: 'A' });
    expect(rising.slopePerDay).toBeCloseTo(0.25, 12);
  });

  it('falls back to a plain regression when no weekday repeats', () => {
    expect(
      weekdayAdjustedSlope([
        { x: 0, y: 1, group: 1 },
        { x: 1, y: 3, group: 2 },
        { x: 2, y: 5, group: 3 },
      ]),
    ).toBeCloseTo(2, 12);
    expect(
      weekdayAdjustedSlope([
        { x: 0, y: 1, group: 1 },
        { x: 1, y: 5, group: 2 },
        { x: 7, y: 8, group: 1 },
        { x: 8, y: 12, group: 2 },
      ]),
    ).toBeCloseTo(1, 12);
    expect(weekdayAdjustedSlope([])).toBe(0);
  });

  it('calls a constant series flat with ratio 1, and a tiny slope flat too (threshold 10 % of the level)', () => {
    const flat = computeTrend(series(Array<number>(56).fill(7)), { sku: 'A' });
    expect(flat).toMatchObject({ slopePerDay: 0, recentVsPrevious: 1, direction: 'flat' });
    // 100 → ~105.5 over 56 days: a 5.5 % move on a level of ~102.75 stays under the threshold
    const gentle = computeTrend(series(Array.from({ length: 56 }, (_, i) => 100 + 0.1 * i)), { sku: 'A' });
    expect((gentle.slopePerDay * 55) / 102.75).toBeLessThan(TREND_FLAT_THRESHOLD);
    expect(gentle.direction).toBe('flat');
  });

  it('fits the slope on the window only, but compares 28 vs 28 days over the series', () => {
    // 28 days at 10, then a 28-day ramp 10 → 37: the ratio sees the change; a 14-day window too
    const demands = [...Array<number>(28).fill(10), ...Array.from({ length: 28 }, (_, i) => 10 + i)];
    const trend = computeTrend(series(demands), { sku: 'A', windowDays: 14 });
    expect(trend.window).toEqual({ start: '2026-02-16', end: '2026-03-01', days: 14 });
    expect(trend.slopePerDay).toBeCloseTo(1, 10);
    expect(trend.recentVsPrevious).toBeCloseTo(23.5 / 10, 10);
    expect(trend.weekly).toEqual([
      { weekStart: '2026-02-16', demand: 24 + 25 + 26 + 27 + 28 + 29 + 30 },
      { weekStart: '2026-02-23', demand: 31 + 32 + 33 + 34 + 35 + 36 + 37 },
    ]);
  });

  it('leaves stock-out days out of the slope and the means, but not out of the weekly totals', () => {
    const points = series(Array.from({ length: 28 }, (_, i) => 2 * i));
    // A stock-out that censored demand to 0 would otherwise bend the line
    points[20] = { ...points[20]!, demand: 0, stockOut: true };
    const trend = computeTrend(points, { sku: 'A' });
    expect(trend.slopePerDay).toBeCloseTo(2, 10);
    expect(trend.weekly[2]).toEqual({ weekStart: '2026-01-19', demand: 28 + 30 + 32 + 34 + 36 + 38 }); // day 20 observed 0
  });

  it('answers a neutral trend for a short or empty-demand history and refuses no history', () => {
    expect(computeTrend(series([5]), { sku: 'A' })).toMatchObject({ slopePerDay: 0, direction: 'flat', recentVsPrevious: 1 });
    expect(computeTrend(series(Array<number>(10).fill(0)), { sku: 'A' })).toMatchObject({ slopePerDay: 0, direction: 'flat' });
    expect(() => computeTrend([], { sku: 'A' })).toThrow(RangeError);
  });

  it('returns ratio 1 when the earlier period had no demand', () => {
    expect(recentVsPrevious(series([...Array<number>(28).fill(0), ...Array<number>(28).fill(3)]))).toBe(1);
    expect(recentVsPrevious(series([...Array<number>(28).fill(1), ...Array<number>(28).fill(2)]))).toBe(2);
  });

  it('keys weeks by their Monday, partial weeks included', () => {
    expect(weeklyTotals(series([1, 2], '2026-01-04'))).toEqual([
      { weekStart: '2025-12-29', demand: 1 },
      { weekStart: '2026-01-05', demand: 2 },
    ]);
  });
});
