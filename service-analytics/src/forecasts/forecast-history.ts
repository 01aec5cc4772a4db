import { addUtcDays, eachUtcDay, isHoliday, type DayKey, type FeatureRow } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS, type FactSeriesDoc } from '../facts/fact-collections.js';
import type { CampaignMirrorDoc } from '../facts/reference-mirror.js';
import type { FeatureDocument } from '../features/feature-store.js';
import { FEATURES } from '../features/feature-indexes.js';
import type { SeriesInput } from '../forecasting/index.js';

/** One SKU's history as a forecast job reads it: daily, oldest first, ending on the job's `asOf`. */
export interface SkuHistory {
  sku: string;
  firstDay: DayKey;
  series: Required<SeriesInput>;
}

/** What a forecast of `horizon` days from `forecastDate` knows in advance: holidays and planned campaigns. */
export interface FutureFlags {
  campaign: number[];
  holiday: number[];
}

const FEATURE_PROJECTION = { _id: 0, sku: 1, day: 1, demand: 1, campaignFlag: 1, holidayFlag: 1, stockOutFlag: 1 } as const;
type HistoryFields = Pick<FeatureRow, 'sku' | 'day' | 'demand' | 'campaignFlag' | 'holidayFlag' | 'stockOutFlag'>;

/**
 * Every SKU of the tenant that has sales facts, sorted (a job's work order).
 * Read from the small per-series index of the facts layer, not the facts.
 *
 * @example await skusWithHistory(db, 'acme') // ['SKU-0001', 'SKU-0002', …]
 */
export async function skusWithHistory(db: Db, tenantId: string): Promise<string[]> {
  const skus = await db.collection<FactSeriesDoc>(FACT_COLLECTIONS.factSeries).distinct('sku', { tenantId });
  return [...new Set(skus)].sort();
}

/**
 * The demand histories of `skus` up to and including `asOf`, from the feature
 * store (one `$in` read): demand (what customers asked for, served or not),
 * stock-out days as censored, campaign and holiday flags as regressors. The
 * store begins 28 days after a SKU's first sale (the features' warm-up), so
 * that is where its history starts. Days after the last stored row up to
 * `asOf` had no sales at all: zero demand, flags from the calendar and
 * `campaigns` (the tenant's, read once per job: {@link tenantCampaigns}).
 * SKUs without rows are absent from the result.
 */
export async function readHistories(
  db: Db,
  tenantId: string,
  skus: readonly string[],
  asOf: DayKey,
  campaigns: readonly CampaignMirrorDoc[],
): Promise<Map<string, SkuHistory>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .collection<FeatureDocument>(FEATURES)
    .find({ tenantId, sku: skus.length === 1 ? skus[0]! : { $in: [...skus] }, day: { $lte: asOf } }, { projection: FEATURE_PROJECTION })
    .toArray();
  const bySku = new Map<string, HistoryFields[]>();
  for (const row of rows as HistoryFields[]) {
    const list = bySku.get(row.sku);
    if (list) list.push(row);
    else bySku.set(row.sku, [row]);
  }
  for (const list of bySku.values()) list.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

  const out = new Map<string, SkuHistory>();
  for (const [sku, list] of bySku) {
    const firstDay = list[0]!.day;
    const byDay = new Map(list.map((row) => [row.day, row]));
    const days = eachUtcDay(firstDay, asOf);
    const values: number[] = [];
    const censored: boolean[] = [];
    const campaign: number[] = [];
    const holiday: number[] = [];
    for (const day of days) {
      const row = byDay.get(day);
      values.push(row?.demand ?? 0);
      censored.push(row ? row.stockOutFlag === 1 : false);
      campaign.push(row ? row.campaignFlag : campaignOn(campaigns, sku, day) ? 1 : 0);
      holiday.push(row ? row.holidayFlag : isHoliday(day) ? 1 : 0);
    }
    out.set(sku, { sku, firstDay, series: { values, censored, campaign, holiday } });
  }
  return out;
}

/**
 * Holiday flags from the calendar and campaign flags from the planned
 * campaigns (mirrored from the operational service) for the `horizon` days
 * from `forecastDate`, per SKU. Pure.
 */
export function futureFlags(skus: readonly string[], forecastDate: DayKey, horizon: number, campaigns: readonly CampaignMirrorDoc[]): Map<string, FutureFlags> {
  const days = eachUtcDay(forecastDate, addUtcDays(forecastDate, horizon - 1));
  const holiday = days.map((day) => (isHoliday(day) ? 1 : 0));
  return new Map(skus.map((sku) => [sku, { holiday, campaign: days.map((day) => (campaignOn(campaigns, sku, day) ? 1 : 0)) }]));
}

/**
 * The tenant's planned (not cancelled) campaigns, past and future: a job reads
 * them once for the history tails, the future flags and the average discounts.
 */
export async function tenantCampaigns(db: Db, tenantId: string): Promise<CampaignMirrorDoc[]> {
  return db.collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror).find({ tenantId, status: { $ne: 'cancelled' } }).toArray();
}

/**
 * Per SKU, the mean discount of the campaigns that covered it up to `asOf`,
 * weighted by their length: the discount its learned campaign lift belongs to. Pure.
 */
export function averageDiscounts(campaigns: readonly CampaignMirrorDoc[], asOf: DayKey): Map<string, number> {
  const endOfAsOf = new Date(`${addUtcDays(asOf, 1)}T00:00:00Z`);
  const sums = new Map<string, { weighted: number; days: number }>();
  for (const c of campaigns) {
    if (c.startsAt >= endOfAsOf) continue;
    const days = Math.max(1, (c.endsAt.getTime() - c.startsAt.getTime()) / 86_400_000);
    for (const sku of c.skus) {
      const s = sums.get(sku) ?? { weighted: 0, days: 0 };
      s.weighted += c.discountPercent * days;
      s.days += days;
      sums.set(sku, s);
    }
  }
  return new Map([...sums].map(([sku, s]) => [sku, s.weighted / s.days]));
}

/** A campaign covers a SKU on a day when any moment of that UTC day falls inside it (as the facts flag it). */
function campaignOn(campaigns: readonly CampaignMirrorDoc[], sku: string, day: DayKey): boolean {
  const start = new Date(`${day}T00:00:00Z`);
  const end = new Date(`${addUtcDays(day, 1)}T00:00:00Z`);
  return campaigns.some((c) => c.skus.includes(sku) && c.startsAt < end && c.endsAt > start);
}
