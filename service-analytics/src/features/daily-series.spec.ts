import { describe, expect, it } from 'vitest';
import { assertDenseSeries, denseDailyTotals, emptyTotal, toDemandSeries } from './daily-series.js';

describe('denseDailyTotals', () => {
  it('zero-fills missing days, sums rows of the same day and OR-s their flags', () => {
    const dense = denseDailyTotals(
      [
        { ...emptyTotal('2026-01-02'), demanded: 3, sold: 2, revenue: 20, orders: 1, stockOut: true },
        { ...emptyTotal('2026-01-02'), demanded: 4, sold: 4, revenue: 40, orders: 2, campaignActive: true },
        { ...emptyTotal('2025-12-31'), demanded: 99 }, // outside the range
      ],
      '2026-01-01',
      '2026-01-03',
    );
    expect(dense).toEqual([
      emptyTotal('2026-01-01'),
      { day: '2026-01-02', demanded: 7, sold: 6, returned: 0, revenue: 60, orders: 3, stockOut: true, campaignActive: true },
      emptyTotal('2026-01-03'),
    ]);
    expect(toDemandSeries(dense)[1]).toEqual({ day: '2026-01-02', demand: 7, sold: 6, stockOut: true, campaignActive: true });
  });

  it('does not mutate its input and returns nothing for an inverted range', () => {
    const row = { ...emptyTotal('2026-01-01'), demanded: 1 };
    denseDailyTotals([row, { ...row }], '2026-01-01', '2026-01-01');
    expect(row.demanded).toBe(1);
    expect(denseDailyTotals([row], '2026-01-02', '2026-01-01')).toEqual([]);
  });

  it('detects gaps', () => {
    expect(() => assertDenseSeries([{ day: '2026-01-01' }, { day: '2026-01-03' }])).toThrow(/not dense/);
    expect(() => assertDenseSeries([{ day: '2026-01-31' }, { day: '2026-02-01' }])).not.toThrow();
  });
});
