import {
  addUtcDays,
  AppError,
  SkuSchema,
  utcDaysBetween,
  utcIsoDayOfWeek,
  type DayKey,
  type SalesHistoryRow,
  type SeasonalityProfile,
  type Trend,
} from '@icc/shared';
import type { Db } from 'mongodb';
import { denseDailyTotals, toDemandSeries } from './daily-series.js';
import { SEASONALITY_DATA_LIMIT } from './analytics.query-schemas.js';
import { hasHistory, historySpans, readDailyTotals, type HistorySpan } from './fact-reader.js';
import { readDemandHistories, type DemandHistoryDoc } from './feature-history.js';
import { computeSeasonality } from './seasonality.js';
import { computeTrend, TREND_COMPARE_DAYS } from './trend.js';

/** Longest sales-history range one request may ask for (five years): bounds the response and the read. */
export const MAX_SALES_HISTORY_DAYS = 1_830;
/** Seasonality looks at the last three years of a SKU: enough for month indices, bounded for many SKUs at once. */
export const SEASONALITY_HISTORY_DAYS = 1_096;

export interface SalesHistoryQuery {
  sku: string;
  start: DayKey;
  end: DayKey;
  locationCode?: string | undefined;
  includeCampaigns: boolean;
}

/**
 * One row per day from start to end (zero-filled), summed over locations unless
 * one is named. NOT_FOUND when the SKU has no fact at all in the tenant (at that location).
 *
 * @example await salesHistory(db, 'acme', { sku: 'SKU-1', start: '2026-01-01', end: '2026-01-31', includeCampaigns: true })
 */
export async function salesHistory(db: Db, tenantId: string, query: SalesHistoryQuery): Promise<SalesHistoryRow[]> {
  const days = utcDaysBetween(query.start, query.end) + 1;
  if (days > MAX_SALES_HISTORY_DAYS) {
    throw new AppError('INVALID_INPUT', `Ask for at most ${MAX_SALES_HISTORY_DAYS} days at a time (${days} asked); split the range`, [
      { path: 'end', message: `at most ${MAX_SALES_HISTORY_DAYS} days after start` },
    ]);
  }
  if (!(await hasHistory(db, tenantId, query.sku, query.locationCode))) throw noHistory(query.sku, query.locationCode);
  const totals = await readDailyTotals(db, tenantId, { skus: [query.sku], from: query.start, to: query.end, locationCode: query.locationCode });
  return denseDailyTotals(totals.get(query.sku) ?? [], query.start, query.end).map((t) => ({
    date: t.day,
    sku: query.sku,
    quantitySold: t.sold,
    quantityDemanded: t.demanded,
    revenue: t.revenue,
    orders: t.orders,
    stockOut: t.stockOut,
    dayOfWeek: utcIsoDayOfWeek(t.day),
    ...(query.includeCampaigns ? { campaignActive: t.campaignActive } : {}),
  }));
}

/**
 * Trend of one SKU over `days` days ending at `end` (default: its latest fact
 * day). The window never starts before the SKU's first fact: days before the
 * SKU existed are not zero demand.
 *
 * @example await skuTrend(db, 'acme', 'SKU-1', { days: 182 })
 */
export async function skuTrend(db: Db, tenantId: string, sku: string, query: { days: number; end?: DayKey | undefined }): Promise<Trend> {
  const span = await requireSpan(db, tenantId, sku);
  const end = query.end ?? span.last;
  if (end < span.first) throw new AppError('NOT_FOUND', `SKU ${sku} has no sales history on or before ${end} (it starts ${span.first})`);
  const windowStart = latest(span.first, addUtcDays(end, -(query.days - 1)));
  // The 28-vs-28 comparison may reach before a short window.
  const readFrom = latest(span.first, earliest(windowStart, addUtcDays(end, -(2 * TREND_COMPARE_DAYS - 1))));
  const totals = await readDailyTotals(db, tenantId, { skus: [sku], from: readFrom, to: end });
  const series = toDemandSeries(denseDailyTotals(totals.get(sku) ?? [], readFrom, end));
  return computeTrend(series, { sku, windowDays: utcDaysBetween(windowStart, end) + 1 });
}

/**
 * Weekday and month profile of one SKU over its last three years of history.
 * Seasonality reads the feature store's compact per-SKU history (one document
 * per SKU, feature-history.ts), not the daily facts: a profile costs one
 * document read however long the history. That history begins after the
 * features' 28-day warm-up and follows the facts through the feature queue
 * (seconds behind), so a SKU younger than 28 days has no profile yet.
 *
 * @example await skuSeasonality(db, 'acme', 'SKU-1')
 */
export async function skuSeasonality(db: Db, tenantId: string, sku: string): Promise<SeasonalityProfile> {
  const [history] = await readDemandHistories(db, tenantId, { skus: [sku] });
  if (!history) {
    throw new AppError(
      'NOT_FOUND',
      `SKU ${sku} has no demand history to profile; check the SKU (profiles start 28 days after its first sale and follow new orders within seconds)`,
    );
  }
  return historyProfile(history);
}

/**
 * Profiles of many SKUs: those listed (comma-separated; unknown ones are left
 * out of the answer), or a page of the SKUs with history in SKU order, at most
 * `limit`, with `nextCursor` for the next page (null on the last). Reads one
 * history document per SKU (see skuSeasonality), so a page of 100 costs about
 * what a hundred product reads do.
 *
 * @example await seasonalityData(db, 'acme', { skus: 'SKU-1,SKU-2', limit: 50 })
 */
export async function seasonalityData(
  db: Db,
  tenantId: string,
  query: { skus?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: SeasonalityProfile[]; nextCursor: string | null }> {
  if (query.skus !== undefined) {
    const listed = parseSkuList(query.skus);
    if (listed.length > query.limit) {
      throw new AppError(
        'INVALID_INPUT',
        `${listed.length} SKUs listed but limit is ${query.limit}; raise limit (max ${SEASONALITY_DATA_LIMIT.max}) or split the request`,
        [{ path: 'skus', message: `at most ${query.limit} SKUs` }],
      );
    }
    return { items: (await readDemandHistories(db, tenantId, { skus: listed })).map(historyProfile), nextCursor: null };
  }
  const after = query.cursor === undefined ? undefined : decodeSkuCursor(query.cursor);
  const page = await readDemandHistories(db, tenantId, { after, limit: query.limit + 1 });
  const hasMore = page.length > query.limit;
  const histories = hasMore ? page.slice(0, query.limit) : page;
  return { items: histories.map(historyProfile), nextCursor: hasMore ? Buffer.from(histories.at(-1)!.sku).toString('base64url') : null };
}

/** The cursor is the page's last SKU, base64url: opaque to clients, checked like any SKU. */
function decodeSkuCursor(cursor: string): string {
  const sku = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!SkuSchema.safeParse(sku).success) {
    throw new AppError('INVALID_INPUT', 'cursor: not a cursor from this list; use nextCursor from the previous page', [
      { path: 'cursor', message: 'invalid cursor' },
    ]);
  }
  return sku;
}

/** The profile of the last SEASONALITY_HISTORY_DAYS of a history (a null position is a day without a row: no demand). */
function historyProfile(history: DemandHistoryDoc): SeasonalityProfile {
  const days = utcDaysBetween(history.firstDay, history.lastDay) + 1;
  const from = Math.max(0, days - SEASONALITY_HISTORY_DAYS);
  const series = [];
  for (let i = from; i < days; i += 1) {
    series.push({ day: addUtcDays(history.firstDay, i), demand: history.demand[i] ?? 0, stockOut: history.stockOut[i] === 1 });
  }
  return computeSeasonality(series, { sku: history.sku });
}

async function requireSpan(db: Db, tenantId: string, sku: string): Promise<HistorySpan> {
  const span = (await historySpans(db, tenantId, { skus: [sku] })).get(sku);
  if (span) return span;
  throw noHistory(sku);
}

function noHistory(sku: string, locationCode?: string): AppError {
  const where = locationCode === undefined ? '' : ` at location ${locationCode}`;
  return new AppError('NOT_FOUND', `SKU ${sku} has no sales history${where}; check the SKU, or wait until its first order reaches analytics`);
}

/** Comma-separated SKUs, trimmed and de-duplicated; INVALID_INPUT naming the first malformed one. */
function parseSkuList(raw: string): string[] {
  const skus = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
  ];
  if (skus.length === 0) throw new AppError('INVALID_INPUT', 'skus lists no SKU', [{ path: 'skus', message: 'list at least one SKU' }]);
  for (const sku of skus) {
    const parsed = SkuSchema.safeParse(sku);
    if (!parsed.success) {
      throw new AppError('INVALID_INPUT', `skus: "${sku}" is not a SKU (${parsed.error.issues[0]?.message ?? 'invalid'})`, [
        { path: 'skus', message: `"${sku}" is not a SKU` },
      ]);
    }
  }
  return skus;
}

function latest(a: DayKey, b: DayKey): DayKey {
  return a > b ? a : b;
}

function earliest(a: DayKey, b: DayKey): DayKey {
  return a < b ? a : b;
}
