import { parseDayKey, utcIsoDayOfWeek, type SeasonalityProfile } from '@icc/shared';
import type { DemandPoint } from './daily-series.js';
import { meanOf } from '../util/statistics.js';

/** What seasonality reads of a day: its demand, and whether a stock-out censored it. */
export type SeasonalityPoint = Pick<DemandPoint, 'day' | 'demand' | 'stockOut'>;

/**
 * Weekday and month profiles of one SKU's demand from its dense daily series.
 * Pure. An index is the mean demand of that weekday (1 = Monday … 7 = Sunday)
 * or calendar month (1–12) divided by the mean demand of all usable days:
 * 1 = an average day, 1.5 = half again as much.
 *
 * Stock-out days are left out of every mean: their demand is censored (what
 * could be served, not what was wanted) and would drag the indices of the days
 * that ran out down. A weekday or month with no usable day is omitted; when the
 * SKU had no demand at all every index is 1 (no pattern to report).
 * daysOfHistory counts every day of the series, stock-outs included.
 *
 * Months mix years and are not detrended: with under two years of history, or a
 * strong trend, a month index also carries the trend.
 *
 * @example
 *   // two weeks, Monday 2026-01-05 on, selling 1 on weekdays and 6 at the weekend: mean 17/7
 *   computeSeasonality(series, { sku: 'A' }).weekday[5] // { dayOfWeek: 6, index: 6 / (17 / 7) }
 */
export function computeSeasonality(series: readonly SeasonalityPoint[], options: { sku: string }): SeasonalityProfile {
  const usable = series.filter((p) => !p.stockOut);
  const overall = meanOf(usable.map((p) => p.demand));
  const byWeekday = groupMeans(usable, (p) => utcIsoDayOfWeek(p.day));
  const byMonth = groupMeans(usable, (p) => parseDayKey(p.day).getUTCMonth() + 1);
  const index = (mean: number) => (overall === 0 ? 1 : mean / overall);
  return {
    sku: options.sku,
    weekday: [...byWeekday].map(([dayOfWeek, mean]) => ({ dayOfWeek, index: index(mean) })),
    month: [...byMonth].map(([month, mean]) => ({ month, index: index(mean) })),
    daysOfHistory: series.length,
  };
}

/** Mean demand per key, keys ascending. */
function groupMeans(points: readonly SeasonalityPoint[], keyOf: (p: SeasonalityPoint) => number): Map<number, number> {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const p of points) {
    const key = keyOf(p);
    const acc = sums.get(key) ?? { sum: 0, n: 0 };
    acc.sum += p.demand;
    acc.n += 1;
    sums.set(key, acc);
  }
  return new Map([...sums].sort(([a], [b]) => a - b).map(([key, { sum, n }]) => [key, sum / n]));
}
