import { addUtcDays, eachUtcDay, isHoliday, utcIsoDayOfWeek, type DayKey } from '@icc/shared';
import type { DemandPoint } from '@icc/service-analytics/testing';
import { Rng } from '../demo/rng.js';

/** The three demand shapes of the catalogue, in the shares a retailer's range typically has. */
export type DemandShape = 'smooth' | 'erratic' | 'intermittent';
const SHAPES: readonly DemandShape[] = ['smooth', 'erratic', 'intermittent'];
const SHAPE_SHARES = [0.5, 0.2, 0.3];

/** A campaign on one SKU, as day indexes into the history (a planned one may reach past its end). */
export interface GeneratedCampaign {
  firstDay: number;
  lastDay: number;
  discountPercent: number;
}

/** One generated SKU: its dense daily history (the feature function's input) and what is planned ahead. */
export interface GeneratedSku {
  sku: string;
  shape: DemandShape;
  history: DemandPoint[];
  campaigns: GeneratedCampaign[];
  /** Campaign flag of each of the `horizon` days after the history (planned campaigns are known in advance). */
  futureCampaign: number[];
}

/** The calendar every SKU shares: built once, since day keys and weekdays are the same for all of them. */
export interface BenchCalendar {
  days: DayKey[];
  isoWeekday: number[];
  holiday: boolean[];
  horizon: number;
}

/**
 * `days` days of history ending on `lastDay`, plus `horizon` days ahead.
 * @example benchCalendar('2025-12-31', 730, 28).days[0] // '2024-01-01'
 */
export function benchCalendar(lastDay: DayKey, days: number, horizon: number): BenchCalendar {
  const all = eachUtcDay(addUtcDays(lastDay, -(days - 1)), addUtcDays(lastDay, horizon));
  return {
    days: all.slice(0, days),
    isoWeekday: all.map((day) => utcIsoDayOfWeek(day)),
    holiday: all.map((day) => isHoliday(day)),
    horizon,
  };
}

/** SKU codes sort in index order, as a job walks them. */
export function skuCode(index: number): string {
  return `BENCH-${String(index).padStart(6, '0')}`;
}

/**
 * The demand history of SKU number `index`, from its own seeded stream: the
 * same SKU gets the same numbers whatever the run size, so 1k is a prefix of
 * 10k. Observed demand is what customers asked for; on stock-out days most of
 * it goes unrecorded (shoppers leave without ordering), which is why those
 * days are flagged as censored.
 */
export function generateSku(seed: number, index: number, calendar: BenchCalendar): GeneratedSku {
  const rng = new Rng(seed).fork(`sku:${index}`);
  const shape = rng.weighted(SHAPES, SHAPE_SHARES);
  const n = calendar.days.length;
  const campaigns = drawCampaigns(rng, n + calendar.horizon);
  const stockOuts = drawStockOuts(rng, n);
  const mean = meanCurve(rng, shape, calendar);
  const history: DemandPoint[] = [];
  for (let t = 0; t < n; t += 1) {
    const campaign = campaignOn(campaigns, t);
    const uplift = campaign ? 1 + campaign.discountPercent / 25 : 1;
    const wanted = drawUnits(rng, shape, mean[t]! * uplift);
    const stockOut = stockOuts[t]!;
    const demand = stockOut ? Math.round(wanted * rng.between(0, 0.3)) : wanted;
    history.push({ day: calendar.days[t]!, demand, sold: stockOut ? 0 : demand, stockOut, campaignActive: campaign !== null });
  }
  const futureCampaign = Array.from({ length: calendar.horizon }, (_, k) => (campaignOn(campaigns, n + k) ? 1 : 0));
  return { sku: skuCode(index), shape, history, campaigns, futureCampaign };
}

/**
 * Expected units per day before campaigns: a level, a weekly pattern, a
 * yearly swell, a trend and fewer sales on holidays (shops close or shorten
 * hours). Intermittent SKUs get a low level: they are the slow movers.
 */
function meanCurve(rng: Rng, shape: DemandShape, calendar: BenchCalendar): number[] {
  const level = shape === 'intermittent' ? rng.between(0.05, 0.6) : rng.logNormal(Math.log(shape === 'smooth' ? 20 : 8), 0.8);
  const weeklyStrength = shape === 'smooth' ? rng.between(0.15, 0.6) : rng.between(0, 0.25);
  const weekly = Array.from({ length: 7 }, () => 1 + weeklyStrength * (rng.float() * 2 - 1));
  const weekendBoost = rng.chance(0.5) ? 1 + weeklyStrength : 1;
  const swell = shape === 'intermittent' ? 0 : rng.between(0, 0.4);
  const peak = rng.float() * 365;
  const trendPerYear = rng.between(-0.3, 0.4);
  const n = calendar.days.length;
  return Array.from({ length: n }, (_, t) => {
    const weekday = calendar.isoWeekday[t]!;
    const week = weekly[weekday - 1]! * (weekday >= 6 ? weekendBoost : 1);
    const season = 1 + swell * Math.cos((2 * Math.PI * (t - peak)) / 365.25);
    const trend = Math.exp((trendPerYear * (t - n / 2)) / 365);
    return level * week * season * trend * (calendar.holiday[t] ? 0.7 : 1);
  });
}

/** Units asked for on a day around `mean`: over-dispersed counts, wilder for erratic SKUs, rare lumps for slow movers. */
function drawUnits(rng: Rng, shape: DemandShape, mean: number): number {
  if (shape === 'smooth') return rng.poisson((mean * rng.gamma(8)) / 8);
  if (shape === 'erratic') return rng.poisson((mean * rng.gamma(0.8)) / 0.8);
  // A day with a sale at all, then a lumpy order size (a trade customer buys several at once).
  if (!rng.chance(Math.min(0.9, mean))) return 0;
  return 1 + Math.floor(rng.logNormal(0, 0.9));
}

/** About 40% of SKUs run 2–6 campaigns of 5–14 days over the history and the horizon. */
function drawCampaigns(rng: Rng, days: number): GeneratedCampaign[] {
  if (!rng.chance(0.4)) return [];
  return Array.from({ length: rng.int(2, 6) }, () => {
    const firstDay = rng.int(0, days - 1);
    return { firstDay, lastDay: firstDay + rng.int(4, 13), discountPercent: rng.pick([10, 15, 20, 25, 30]) };
  });
}

function campaignOn(campaigns: readonly GeneratedCampaign[], day: number): GeneratedCampaign | null {
  return campaigns.find((c) => c.firstDay <= day && day <= c.lastDay) ?? null;
}

/** About 8% of SKUs run out of stock once or twice, for 3–15 days each time. */
function drawStockOuts(rng: Rng, days: number): boolean[] {
  const out = new Array<boolean>(days).fill(false);
  if (!rng.chance(0.08)) return out;
  for (let run = rng.int(1, 2); run > 0; run -= 1) {
    const first = rng.int(0, days - 1);
    out.fill(true, first, Math.min(days, first + rng.int(3, 15)));
  }
  return out;
}
