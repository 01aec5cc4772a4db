import { isHoliday, utcIsoDayOfWeek, type FeatureRow } from '@icc/shared';
import { assertDenseSeries, type DemandPoint } from './daily-series.js';

/**
 * Days of history a SKU needs before its first feature row. 28 is the longest
 * window (rollingMean28), so by default every row's windows are complete and no
 * feature is computed from a partial (or zero-padded) past.
 */
export const DEFAULT_MIN_HISTORY_DAYS = 28;

/** The longest lag: below this many days of history, lag14 and trendIndex would not exist. */
export const LONGEST_LAG_DAYS = 14;

export interface FeatureOptions {
  sku: string;
  /**
   * Rows start at the first day with at least this many days before it in the
   * series (default 28; at least 14). Below 28, rollingMean28 averages the days
   * there are.
   */
  minHistoryDays?: number;
}

/**
 * Model-ready feature rows of one SKU from its dense daily series (all
 * locations summed, zero-filled, oldest first). Pure: no database, no clock.
 *
 * Leakage rule: every value at day d is computed from demand of days before d.
 * Only dayOfWeek, campaignFlag and holidayFlag describe day d itself — they are
 * known in advance (calendar, planned campaigns). stockOutFlag is the
 * exception that is NOT a predictor: it marks that the target (demand of d)
 * may be censored, so forecasting can drop or correct the row.
 *
 * Rows: one per day from index `minHistoryDays` on, so a series shorter than
 * that yields none. Stock-out days keep their row (flagged).
 *
 * @example
 *   const series = Array.from({ length: 30 }, (_, i) => ({
 *     day: addUtcDays('2026-01-01', i), demand: i, sold: i, stockOut: false, campaignActive: false }));
 *   buildFeatureRows(series, { sku: 'A' }).map((r) => [r.day, r.lag1, r.rollingMean7])
 *   // [['2026-01-29', 27, 24], ['2026-01-30', 28, 25]]
 */
export function buildFeatureRows(series: readonly DemandPoint[], options: FeatureOptions): FeatureRow[] {
  const minHistory = options.minHistoryDays ?? DEFAULT_MIN_HISTORY_DAYS;
  if (!Number.isInteger(minHistory) || minHistory < LONGEST_LAG_DAYS) {
    throw new RangeError(`minHistoryDays must be an integer ≥ ${LONGEST_LAG_DAYS}, got ${minHistory}`);
  }
  assertDenseSeries(series);
  const demand = series.map((p) => finite(p.demand, `demand on ${p.day}`));

  const rows: FeatureRow[] = [];
  for (let i = minHistory; i < series.length; i += 1) {
    const point = series[i]!;
    const lastWeek = windowMean(demand, i - 7, i);
    const weekBefore = windowMean(demand, i - 14, i - 7);
    rows.push({
      sku: options.sku,
      day: point.day,
      demand: demand[i]!,
      sold: finite(point.sold, `sold on ${point.day}`),
      lag1: demand[i - 1]!,
      lag7: demand[i - 7]!,
      lag14: demand[i - 14]!,
      rollingMean7: lastWeek,
      rollingMean28: windowMean(demand, Math.max(0, i - 28), i),
      // A week with no demand gives no direction to compare against: 1 = "flat", the neutral value.
      trendIndex: weekBefore === 0 ? 1 : lastWeek / weekBefore,
      dayOfWeek: utcIsoDayOfWeek(point.day),
      campaignFlag: point.campaignActive ? 1 : 0,
      holidayFlag: isHoliday(point.day) ? 1 : 0,
      stockOutFlag: point.stockOut ? 1 : 0,
    });
  }
  return rows;
}

/** Mean of values[from..to) (`to` excluded), 0 for an empty window. */
function windowMean(values: readonly number[], from: number, to: number): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let j = from; j < to; j += 1) sum += values[j]!;
  return sum / (to - from);
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`);
  return value;
}
