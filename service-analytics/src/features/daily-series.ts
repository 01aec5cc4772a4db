import { addUtcDays, eachUtcDay, type DayKey } from '@icc/shared';

/**
 * One SKU's totals on one day (all locations, or one location when asked),
 * as read from `dailySalesFacts`. Feature engineering, trends, seasonality and
 * the sales-history endpoint all start from a dense series of these.
 */
export interface DailyTotal {
  day: DayKey;
  /** What customers asked for (sold + unfulfilled): the forecasting target. */
  demanded: number;
  sold: number;
  returned: number;
  revenue: number;
  orders: number;
  /** Any location summed in was out of stock that day: the day's demand may be censored. */
  stockOut: boolean;
  /** A campaign covered the SKU at any location summed in. */
  campaignActive: boolean;
}

/** One day of a demand series, the input of the pure computations (feature rows, trend, seasonality). */
export interface DemandPoint {
  day: DayKey;
  demand: number;
  sold: number;
  stockOut: boolean;
  campaignActive: boolean;
}

/**
 * A day with no fact row had no sales event: zero demand, not missing data.
 * (A stock-out with no order at all leaves no fact either, so such a day reads as
 * in stock — the facts module decides which days get a row.)
 *
 * @example emptyTotal('2026-01-01').demanded // 0
 */
export function emptyTotal(day: DayKey): DailyTotal {
  return { day, demanded: 0, sold: 0, returned: 0, revenue: 0, orders: 0, stockOut: false, campaignActive: false };
}

/**
 * Totals for every day from `from` to `to` (both included), zero-filled where
 * `totals` has no row; rows outside the range are ignored. Rows for the same day
 * are summed (flags OR-ed), so per-location rows can be passed as they are.
 *
 * @example
 *   denseDailyTotals([{ ...emptyTotal('2026-01-02'), demanded: 3 }], '2026-01-01', '2026-01-03').map((t) => t.demanded)
 *   // [0, 3, 0]
 */
export function denseDailyTotals(totals: readonly DailyTotal[], from: DayKey, to: DayKey): DailyTotal[] {
  const byDay = new Map<DayKey, DailyTotal>();
  for (const t of totals) {
    if (t.day < from || t.day > to) continue;
    const seen = byDay.get(t.day);
    byDay.set(t.day, seen ? addTotals(seen, t) : { ...t });
  }
  return eachUtcDay(from, to).map((day) => byDay.get(day) ?? emptyTotal(day));
}

/**
 * The demand view of dense totals.
 * @example toDemandSeries([{ ...emptyTotal('2026-01-01'), demanded: 4, sold: 3 }])[0] // { day: '2026-01-01', demand: 4, sold: 3, stockOut: false, campaignActive: false }
 */
export function toDemandSeries(totals: readonly DailyTotal[]): DemandPoint[] {
  return totals.map((t) => ({ day: t.day, demand: t.demanded, sold: t.sold, stockOut: t.stockOut, campaignActive: t.campaignActive }));
}

/**
 * Throws unless `series` is one point per consecutive day: every window in the
 * computations counts positions, so a gap would silently shift lags by a day.
 *
 * @example assertDenseSeries([{ day: '2026-01-01' }, { day: '2026-01-03' }]) // throws RangeError
 */
export function assertDenseSeries(series: readonly { day: DayKey }[]): void {
  for (let i = 1; i < series.length; i += 1) {
    const prev = series[i - 1]!.day;
    const day = series[i]!.day;
    if (addUtcDays(prev, 1) !== day) {
      throw new RangeError(`Series is not dense: ${day} follows ${prev}; zero-fill missing days first (denseDailyTotals)`);
    }
  }
}

function addTotals(a: DailyTotal, b: DailyTotal): DailyTotal {
  return {
    day: a.day,
    demanded: a.demanded + b.demanded,
    sold: a.sold + b.sold,
    returned: a.returned + b.returned,
    revenue: a.revenue + b.revenue,
    orders: a.orders + b.orders,
    stockOut: a.stockOut || b.stockOut,
    campaignActive: a.campaignActive || b.campaignActive,
  };
}
