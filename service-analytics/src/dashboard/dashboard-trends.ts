import { addUtcDays, utcDayKey, type DashboardTrends, type DashboardTrendsQuery } from '@icc/shared';
import type { Db } from 'mongodb';
import { DAILY_SALES_FACTS } from '../features/fact-reader.js';

const DEFINITION =
  'Per UTC day, over every SKU × location: units demanded, sold and unfulfilled, revenue, fill rate (1 − unfulfilled ÷ demanded) and stock-out rate (stock-out rows ÷ rows), from the daily sales facts; the last day is yesterday.';

/**
 * The tenant's daily KPI series for the overview's trend charts: one `$group`
 * over the `{tenantId, day}` index range of the daily sales facts.
 *
 * @example await dashboardTrends(db, 'acme', { days: 90 }, new Date()) // { from, to, days: [{ day, fillRate, … }] }
 */
export async function dashboardTrends(db: Db, tenantId: string, query: DashboardTrendsQuery, now: Date): Promise<DashboardTrends> {
  const today = utcDayKey(now);
  const from = addUtcDays(today, -query.days);
  const to = addUtcDays(today, -1);
  const rows = await db
    .collection(DAILY_SALES_FACTS)
    .aggregate<{ _id: string; demanded: number; sold: number; unfulfilled: number; revenue: number; rows: number; stockOuts: number }>([
      { $match: { tenantId, day: { $gte: from, $lte: to } } },
      {
        $group: {
          _id: '$day',
          demanded: { $sum: '$quantityDemanded' },
          sold: { $sum: '$quantitySold' },
          unfulfilled: { $sum: '$quantityUnfulfilled' },
          revenue: { $sum: '$revenue' },
          rows: { $sum: 1 },
          stockOuts: { $sum: { $cond: ['$stockOut', 1, 0] } },
        },
      },
      { $sort: { _id: 1 } },
    ])
    .toArray();
  return {
    from,
    to,
    definition: DEFINITION,
    days: rows.map((r) => ({
      day: r._id,
      demanded: r.demanded,
      sold: r.sold,
      unfulfilled: r.unfulfilled,
      revenue: Math.round(r.revenue * 100) / 100,
      fillRate: r.demanded > 0 ? 1 - r.unfulfilled / r.demanded : null,
      stockoutRate: r.stockOuts / r.rows,
    })),
  };
}
