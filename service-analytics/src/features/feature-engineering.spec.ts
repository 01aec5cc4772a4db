import { addUtcDays, FeatureRowSchema } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import type { DemandPoint } from './daily-series.js';
import { buildFeatureRows } from './feature-engineering.js';

/** A dense series starting 2026-01-01 (a Thursday) with the given demands. */
function series(demands: readonly number[], start = '2026-01-01'): DemandPoint[] {
  return demands.map((demand, i) => ({ day: addUtcDays(start, i), demand, sold: demand, stockOut: false, campaignActive: false }));
}

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('buildFeatureRows', () => {
  it('computes lags, leakage-safe rolling means and the trend index on a ramp', () => {
    const rows = buildFeatureRows(series(ramp(30)), { sku: 'A' });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      sku: 'A',
      day: '2026-01-29',
      demand: 28,
      sold: 28,
      lag1: 27,
      lag7: 21,
      lag14: 14,
      rollingMean7: 24, // mean of 21..27: day 28 itself is not included
      rollingMean28: 13.5, // mean of 0..27
      trendIndex: 24 / 17, // mean(21..27) / mean(14..20)
      dayOfWeek: 4, // 2026-01-29 is a Thursday
      campaignFlag: 0,
      holidayFlag: 0,
      stockOutFlag: 0,
    });
    expect(rows[1]).toMatchObject({ day: '2026-01-30', lag1: 28, rollingMean7: 25, rollingMean28: 14.5 });
  });

  it('uses 1 as the trend index when the week before had no demand', () => {
    const demands = [...Array<number>(35).fill(0)];
    demands.fill(5, 28); // days 28.. sell 5
    const rows = buildFeatureRows(series(demands), { sku: 'A' });
    const day35 = rows.find((r) => r.day === addUtcDays('2026-01-01', 34))!;
    expect(day35.rollingMean7).toBeCloseTo(30 / 7);
    expect(day35.trendIndex).toBe(1); // the week before (days 20..26) sold nothing
    expect(rows[0]!.trendIndex).toBe(1); // 0 / 0
  });

  it('never lets demand on day d or later change the features at d (no leakage)', () => {
    const base = series(ramp(60).map((i) => (i * 7) % 11));
    const baseline = buildFeatureRows(base, { sku: 'A' });
    for (let cut = 28; cut < 60; cut += 1) {
      // Rewrite every day from `cut` on; rows before `cut` must not move, and the row AT `cut`
      // may differ only in its target (demand, sold): its predictors come from the past.
      const future = base.map((p, i) => (i >= cut ? { ...p, demand: p.demand * 13 + 1000, sold: 999 } : p));
      const changed = buildFeatureRows(future, { sku: 'A' });
      const i = cut - 28;
      expect(changed.slice(0, i)).toEqual(baseline.slice(0, i));
      const { demand: _d1, sold: _s1, ...predictorsNow } = changed[i]!;
      const { demand: _d2, sold: _s2, ...predictorsBefore } = baseline[i]!;
      expect(predictorsNow).toEqual(predictorsBefore);
    }
  });

  it('flags campaigns, holidays and stock-outs on the day itself and keeps stock-out rows', () => {
    const points = series(ramp(40), '2026-11-01');
    points[26] = { ...points[26]!, campaignActive: true }; // 2026-11-27 Black Friday
    points[30] = { ...points[30]!, stockOut: true, demand: 0 }; // 2026-12-01
    const rows = buildFeatureRows(points, { sku: 'A', minHistoryDays: 14 });
    const byDay = new Map(rows.map((r) => [r.day, r]));
    expect(byDay.get('2026-11-27')).toMatchObject({ campaignFlag: 1, holidayFlag: 1, stockOutFlag: 0, dayOfWeek: 5 });
    expect(byDay.get('2026-11-26')).toMatchObject({ campaignFlag: 0, holidayFlag: 1 }); // Thanksgiving
    expect(byDay.get('2026-12-01')).toMatchObject({ stockOutFlag: 1, demand: 0 });
    expect(byDay.get('2026-12-02')).toMatchObject({ stockOutFlag: 0, lag1: 0 });
  });

  it('outputs only finite numbers, never null, valid against FeatureRowSchema', () => {
    const rows = buildFeatureRows(series(ramp(120).map((i) => (i % 9 === 0 ? 0 : i % 13))), { sku: 'A' });
    expect(rows).toHaveLength(92);
    for (const row of rows) {
      expect(FeatureRowSchema.parse(row)).toEqual(row);
      for (const [key, value] of Object.entries(row)) {
        if (key === 'sku' || key === 'day') continue;
        expect(Number.isFinite(value), `${key} on ${row.day}`).toBe(true);
      }
    }
  });

  it('enforces the minimum history: no row before 28 days by default, configurable down to 14', () => {
    expect(buildFeatureRows(series(ramp(28)), { sku: 'A' })).toEqual([]);
    expect(buildFeatureRows(series(ramp(29)), { sku: 'A' }).map((r) => r.day)).toEqual(['2026-01-29']);
    const early = buildFeatureRows(series(ramp(16)), { sku: 'A', minHistoryDays: 14 });
    expect(early.map((r) => r.day)).toEqual(['2026-01-15', '2026-01-16']);
    expect(early[0]!.rollingMean28).toBe(6.5); // the 14 days there are: mean of 0..13
    expect(() => buildFeatureRows(series(ramp(30)), { sku: 'A', minHistoryDays: 7 })).toThrow(RangeError);
    expect(buildFeatureRows([], { sku: 'A' })).toEqual([]);
  });

  it('refuses gaps and non-finite demand instead of shifting windows silently', () => {
    const gappy = series(ramp(40)).filter((_, i) => i !== 10);
    expect(() => buildFeatureRows(gappy, { sku: 'A' })).toThrow(/not dense/);
    const bad = series(ramp(40));
    bad[3] = { ...bad[3]!, demand: Number.NaN };
    expect(() => buildFeatureRows(bad, { sku: 'A' })).toThrow(/finite/);
  });

  it('is deterministic', () => {
    const s = series(ramp(50).map((i) => (i * 3) % 7));
    expect(buildFeatureRows(s, { sku: 'A' })).toEqual(buildFeatureRows(s, { sku: 'A' }));
  });
});
