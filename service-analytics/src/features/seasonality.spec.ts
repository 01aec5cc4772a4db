import { addUtcDays, SeasonalityProfileSchema } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import type { DemandPoint } from './daily-series.js';
import { computeSeasonality } from './seasonality.js';

function series(demands: readonly number[], start = '2026-01-05'): DemandPoint[] {
  return demands.map((demand, i) => ({ day: addUtcDays(start, i), demand, sold: demand, stockOut: false, campaignActive: false }));
}

/** Monday-first weekly pattern repeated for `weeks` weeks. */
const weekly = (pattern: readonly number[], weeks: number) => Array.from({ length: weeks * 7 }, (_, i) => pattern[i % 7]!);

describe('computeSeasonality', () => {
  it('gives a pure weekly pattern its exact weekday indices', () => {
    const pattern = [1, 1, 1, 1, 2, 4, 4]; // sum 14: mean 2 per day
    const profile = computeSeasonality(series(weekly(pattern, 8)), { sku: 'A' });
    expect(profile.weekday).toEqual([
      { dayOfWeek: 1, index: 0.5 },
      { dayOfWeek: 2, index: 0.5 },
      { dayOfWeek: 3, index: 0.5 },
      { dayOfWeek: 4, index: 0.5 },
      { dayOfWeek: 5, index: 1 },
      { dayOfWeek: 6, index: 2 },
      { dayOfWeek: 7, index: 2 },
    ]);
    expect(profile.daysOfHistory).toBe(56);
    expect(SeasonalityProfileSchema.parse(profile)).toEqual(profile);
  });

  it('gives month indices for the months covered only', () => {
    // January 2026 (31 days) at 1, February (28 days) at 3: overall mean (31 + 84) / 59
    const demands = [...Array<number>(31).fill(1), ...Array<number>(28).fill(3)];
    const profile = computeSeasonality(series(demands, '2026-01-01'), { sku: 'A' });
    const mean = 115 / 59;
    expect(profile.month).toHaveLength(2);
    expect(profile.month[0]!.month).toBe(1);
    expect(profile.month[0]!.index).toBeCloseTo(1 / mean, 12);
    expect(profile.month[1]!.month).toBe(2);
    expect(profile.month[1]!.index).toBeCloseTo(3 / mean, 12);
  });

  it('excludes stock-out days, whose demand is censored', () => {
    // Every Saturday ran out and recorded no demand: without the exclusion Saturday would look weak
    const points = series(weekly([2, 2, 2, 2, 2, 2, 2], 4)).map((p, i) => (i % 7 === 5 ? { ...p, demand: 0, stockOut: true } : p));
    const profile = computeSeasonality(points, { sku: 'A' });
    expect(profile.weekday.map((w) => w.dayOfWeek)).toEqual([1, 2, 3, 4, 5, 7]); // no usable Saturday
    expect(profile.weekday.every((w) => w.index === 1)).toBe(true);
    expect(profile.daysOfHistory).toBe(28);
  });

  it('reports every index as 1 when there was no demand at all', () => {
    const profile = computeSeasonality(series(Array<number>(14).fill(0)), { sku: 'A' });
    expect(profile.weekday).toHaveLength(7);
    expect(profile.weekday.every((w) => w.index === 1)).toBe(true);
    expect(computeSeasonality([], { sku: 'A' })).toEqual({ sku: 'A', weekday: [], month: [], daysOfHistory: 0 });
  });
});
