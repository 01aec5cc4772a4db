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
import { chunks } from '../util/collections.js';
import { denseDailyTotals, toDemandSeries } from './daily-series.js';
import { SEASONALITY_DATA_LIMIT } from './analytics.query-schemas.js';
import { hasHistory, historySpans, readDailyTotals, skusWithHistory, type HistorySpan } from './fact-reader.js';
import { computeSeasonality } from './seasonality.js';
import { computeTrend, TREND_COMPARE_DAYS } from './trend.js';

/** Longest sales-history range one request may ask for (five years): bounds the response and the read. */
export const MAX_SALES_HISTORY_DAYS = 1_830;
/** Seasonality looks at the last three years of a SKU: enough for month indices, bounded for many SKUs at once. */
export const SEASONALITY_HISTORY_DAYS = 1_096;
/** SKUs read per database round trip when profiling many. */
const SEASONALITY_CHUNK = 100;

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
 * @example await skuSeasonality(db, 'acme', 'SKU-1')
 */
export async function skuSeasonality(db: Db, tenantId: string, sku: string): Promise<SeasonalityProfile> {
  const span = await requireSpan(db, tenantId, sku);
  const [profile] = await profiles(db, tenantId, new Map([[sku, span]]));
  // profiles() answers one profile per span given; the span exists, so this is unreachable.
  if (!profile) throw new AppError('INTERNAL', `No seasonality profile computed for ${sku}`);
  return profile;
}

/**
 * Profiles of many SKUs: those listed (comma-separated; unknown ones are left
 * out of the answer), or a page of the SKUs with history in SKU order, at most
 * `limit`, with `nextCursor` for the next page (null on the last).
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
    return { items: await profiles(db, tenantId, await historySpans(db, tenantId, { skus: listed })), nextCursor: null };
  }
  const after = query.cursor === undefined ? undefined : decodeSkuCursor(query.cursor);
  const page = await skusWithHistory(db, tenantId, { after, limit: query.limit + 1 });
  const hasMore = page.length > query.limit;
  const skus = hasMore ? page.slice(0, query.limit) : page;
  const items = skus.length === 0 ? [] : await profiles(db, tenantId, await historySpans(db, tenantId, { skus }));
  return { items, nextCursor: hasMore ? Buffer.from(skus.at(-1)!).toString('base64url') : null };
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

async function profiles(db: Db, tenantId: string, spans: ReadonlyMap<string, HistorySpan>): Promise<SeasonalityProfile[]> {
  const entries = [...spans].map(([sku, span]) => ({
    sku,
    last: span.last,
    first: latest(span.first, addUtcDays(span.last, -(SEASONALITY_HISTORY_DAYS - 1))),
  }));
  const out: SeasonalityProfile[] = [];
  for (const chunk of chunks(entries, SEASONALITY_CHUNK)) {
    const from = chunk.reduce((min, e) => (e.first < min ? e.first : min), chunk[0]!.first);
    const to = chunk.reduce((max, e) => (e.last > max ? e.last : max), chunk[0]!.last);
    const totals = await readDailyTotals(db, tenantId, { skus: chunk.map((e) => e.sku), from, to });
    for (const e of chunk) {
      const series = toDemandSeries(denseDailyTotals(totals.get(e.sku) ?? [], e.first, e.last));
      out.push(computeSeasonality(series, { sku: e.sku }));
    }
  }
  return out;
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
