import { addUtcDays, eachUtcDay, isHoliday, utcDaysBetween, type DayKey } from '@icc/shared';
import type { Db } from 'mongodb';
import { FACT_COLLECTIONS, type FactSeriesDoc } from '../facts/fact-collections.js';
import type { CampaignMirrorDoc } from '../facts/reference-mirror.js';
import { readFeatureHistories } from '../features/feature-history.js';
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
 * store's compact per-SKU histories (feature-history.ts: one document per
 * SKU, one `$in` read): demand (what customers asked for, served or not),
 * stock-out days as censored, campaign and holiday flags as regressors. The
 * store begins 28 days after a SKU's first sale (the features' warm-up), so
 * that is where its history starts. Days after the last stored day up to
 * `asOf` had no sales at all: zero demand, flags from the calendar and
 * `campaigns` (the tenant's, read once per job: {@link tenantCampaigns}).
 * SKUs without history up to `asOf` are absent from the result.
 */
export async function readHistories(
  db: Db,
  tenantId: string,
  skus: readonly string[],
  asOf: DayKey,
  campaigns: readonly CampaignMirrorDoc[],
): Promise<Map<string, SkuHistory>> {
  const out = new Map<string, SkuHistory>();
  for (const doc of await readFeatureHistories(db, tenantId, skus)) {
    if (doc.firstDay > asOf) continue;
    const stored = Math.min(doc.demand.length, utcDaysBetween(doc.firstDay, asOf) + 1);
    const values: number[] = [];
    const censored: boolean[] = [];
    const campaign: number[] = [];
    const holiday: number[] = [];
    for (let i = 0; i < stored; i++) {
      values.push(doc.demand[i] ?? 0);
      censored.push(doc.stockOut[i] === 1);
      campaign.push(doc.campaign[i] ?? 0);
      holiday.push(doc.holiday[i] ?? 0);
    }
    for (const day of eachUtcDay(addUtcDays(doc.firstDay, stored), asOf)) {
      values.push(0);
      censored.push(false);
      campaign.push(campaignOn(campaigns, doc.sku, day) ? 1 : 0);
      holiday.push(isHoliday(day) ? 1 : 0);
    }
    out.set(doc.sku, { sku: doc.sku, firstDay: doc.firstDay, series: { values, censored, campaign, holiday } });
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
  return db
    .collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror)
    .find({ tenantId, status: { $ne: 'cancelled' } })
    .toArray();
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
