import type { FeatureRow } from '@icc/shared';
import { buildFeatureRows, type ForecastTaskItem } from '@icc/service-analytics/testing';
import type { BenchCalendar, GeneratedSku } from './demand-generator.js';

/**
 * A SKU's forecast input from its feature rows, exactly as the runner's
 * `readHistories` builds it from the stored rows: demand as the values,
 * stock-out days as censored, the campaign and holiday flags as regressors.
 * The rows are dense up to the last history day, so no zero-filled tail is
 * needed here (readHistories adds one only for SKUs without recent sales).
 */
export function seriesFromFeatureRows(rows: readonly FeatureRow[]): ForecastTaskItem['series'] {
  return {
    values: rows.map((row) => row.demand),
    censored: rows.map((row) => row.stockOutFlag === 1),
    campaign: rows.map((row) => row.campaignFlag),
    holiday: rows.map((row) => row.holidayFlag),
  };
}

/**
 * The feature stage of one SKU: its feature rows (the feature store's pure
 * function), then the forecast task item the pool receives. The future's flags
 * are what `futureFlags` would read: planned campaigns and the holiday calendar.
 */
export function forecastItemOf(generated: GeneratedSku, calendar: BenchCalendar): ForecastTaskItem {
  const rows = buildFeatureRows(generated.history, { sku: generated.sku });
  const n = calendar.days.length;
  return {
    sku: generated.sku,
    series: seriesFromFeatureRows(rows),
    future: {
      campaign: generated.futureCampaign,
      holiday: calendar.holiday.slice(n, n + calendar.horizon).map((h) => (h ? 1 : 0)),
    },
  };
}
