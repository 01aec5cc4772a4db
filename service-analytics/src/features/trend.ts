import { addUtcDays, utcIsoDayOfWeek, type Trend } from '@icc/shared';
import { linearRegression } from 'simple-statistics';
import { assertDenseSeries, type DemandPoint } from './daily-series.js';
import { meanOf } from '../util/statistics.js';

/**
 * Direction threshold: the fitted line must move demand by more than 10 % of
 * its mean level across the window to count as up or down. Below that, weekly
 * noise and one-off campaigns easily produce a slope of either sign.
 */
export const TREND_FLAT_THRESHOLD = 0.1;

/** The recent-vs-previous comparison: the last 28 days against the 28 before. */
export const TREND_COMPARE_DAYS = 28;

export interface TrendOptions {
  sku: string;
  /** Days (ending at the series' last day) for the slope and the weekly totals; the whole series when omitted. */
  windowDays?: number;
}

/**
 * Trend of one SKU's demand from its dense daily series (oldest first). Pure.
 *
 * - slopePerDay: least-squares slope of daily demand over the window, in units per day,
 *   fitted with one level per weekday (see weekdayAdjustedSlope) so a weekly pattern is
 *   not read as a trend;
 * - recentVsPrevious: mean demand of the last 28 days over the 28 before (from the
 *   series, which may reach further back than the window); 1 when the earlier
 *   period had no usable demand — no basis for a ratio;
 * - direction: `up`/`down` when slope × (window days − 1) exceeds ±10 % of the
 *   window's mean demand (TREND_FLAT_THRESHOLD), else `flat`;
 * - weekly: observed demand per ISO week (Monday start) inside the window; the
 *   first and last weeks may be partial.
 *
 * Stock-out days are left out of the slope and the means (their demand is
 * censored: it shows what could be served, not what was wanted), but counted in
 * the weekly totals, which report what was observed.
 *
 * @example
 *   const s = Array.from({ length: 56 }, (_, i) => ({ day: addUtcDays('2026-01-05', i), demand: 10 + i, sold: 10 + i, stockOut: false, campaignActive: false }));
 *   computeTrend(s, { sku: 'A' }).slopePerDay // 1
 */
export function computeTrend(series: readonly DemandPoint[], options: TrendOptions): Trend {
  assertDenseSeries(series);
  const windowDays = Math.min(options.windowDays ?? series.length, series.length);
  const window = series.slice(series.length - windowDays);
  const first = window[0];
  const last = window[window.length - 1];
  if (!first || !last) throw new RangeError('A trend needs at least one day of history');

  const usable = window.flatMap((p, x) => (p.stockOut ? [] : [{ x, y: p.demand, group: utcIsoDayOfWeek(p.day) }]));
  const slopePerDay = weekdayAdjustedSlope(usable);
  const level = meanOf(usable.map((p) => p.y));
  const relativeChange = level === 0 ? 0 : (slopePerDay * (window.length - 1)) / level;
  const direction = relativeChange > TREND_FLAT_THRESHOLD ? 'up' : relativeChange < -TREND_FLAT_THRESHOLD ? 'down' : 'flat';

  return {
    sku: options.sku,
    slopePerDay,
    recentVsPrevious: recentVsPrevious(series),
    direction,
    window: { start: first.day, end: last.day, days: window.length },
    weekly: weeklyTotals(window),
  };
}

/**
 * Mean usable demand of the last 28 days over the 28 before; 1 when either period has no usable demand.
 * @example recentVsPrevious(series of 28 days at 1 then 28 days at 2) // 2
 */
export function recentVsPrevious(series: readonly DemandPoint[]): number {
  const recent = series.slice(Math.max(0, series.length - TREND_COMPARE_DAYS));
  const previous = series.slice(Math.max(0, series.length - 2 * TREND_COMPARE_DAYS), Math.max(0, series.length - TREND_COMPARE_DAYS));
  const usablePrevious = previous.filter((p) => !p.stockOut).map((p) => p.demand);
  const usableRecent = recent.filter((p) => !p.stockOut).map((p) => p.demand);
  const before = meanOf(usablePrevious);
  // No earlier demand (or a period entirely out of stock) is no basis for a ratio: say "flat".
  if (before === 0 || usableRecent.length === 0) return 1;
  return meanOf(usableRecent) / before;
}

/**
 * Least-squares slope of y over x with a separate intercept per group (here: the
 * weekday), i.e. the slope of y = b·x + c[group]. Computed by demeaning x and y
 * within each group (Frisch–Waugh): a plain regression over a short window of a
 * series with a weekend peak finds a slope that is only the position of the peak
 * in the last week, and calls a stable SKU "up". When no group has two points
 * (a week or less of history) it falls back to the plain regression.
 *
 * @example weekdayAdjustedSlope([{ x: 0, y: 1, group: 1 }, { x: 1, y: 5, group: 2 }, { x: 7, y: 8, group: 1 }, { x: 8, y: 12, group: 2 }]) // 1
 */
export function weekdayAdjustedSlope(points: readonly { x: number; y: number; group: number }[]): number {
  const means = new Map<number, { x: number; y: number; n: number }>();
  for (const p of points) {
    const m = means.get(p.group) ?? { x: 0, y: 0, n: 0 };
    m.x += p.x;
    m.y += p.y;
    m.n += 1;
    means.set(p.group, m);
  }
  let num = 0;
  let den = 0;
  for (const p of points) {
    const m = means.get(p.group)!;
    const dx = p.x - m.x / m.n;
    num += dx * (p.y - m.y / m.n);
    den += dx * dx;
  }
  if (den > 0) return num / den;
  // One point (or none) has no slope at all.
  return points.length < 2 ? 0 : linearRegression(points.map((p) => [p.x, p.y])).m;
}

/**
 * Demand per ISO week (keyed by its Monday), oldest first.
 * @example weeklyTotals(days 2026-01-04 (Sun) and 2026-01-05 (Mon), demand 1 and 2) // [{ weekStart: '2025-12-29', demand: 1 }, { weekStart: '2026-01-05', demand: 2 }]
 */
export function weeklyTotals(series: readonly DemandPoint[]): { weekStart: string; demand: number }[] {
  const weeks = new Map<string, number>();
  for (const p of series) {
    const weekStart = addUtcDays(p.day, 1 - utcIsoDayOfWeek(p.day));
    weeks.set(weekStart, (weeks.get(weekStart) ?? 0) + p.demand);
  }
  // A dense series is in day order, so insertion order is already week order.
  return [...weeks].map(([weekStart, demand]) => ({ weekStart, demand }));
}
