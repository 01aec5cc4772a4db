import { dayOfYear, holidayFactor, isoWeekday, type Channel } from './calendar.js';
import type { CategorySpec } from './categories.js';
import { DISPERSION, SLOW_MOVER_UNITS } from './policy.js';
import type { Rng } from './rng.js';
import type { DemoCampaign, DemoProduct, StockPolicy } from './types.js';

/** Day-of-week multipliers (Monday first), each averaging 1: stores peak at the weekend, the DC (online and business) on weekdays. */
export const WEEKLY: Record<Channel, readonly number[]> = {
  store: normalise([0.78, 0.8, 0.85, 0.92, 1.1, 1.55, 1.2]),
  dc: normalise([1.18, 1.12, 1.08, 1.05, 0.98, 0.6, 0.72]),
};

function normalise(factors: number[]): number[] {
  const mean = factors.reduce((a, b) => a + b, 0) / factors.length;
  return factors.map((f) => f / mean);
}

/** The campaign pricing a SKU on a day: the best discount among those running, as the order desk prices. */
export function campaignOn(campaigns: readonly DemoCampaign[], day: number): DemoCampaign | null {
  let best: DemoCampaign | null = null;
  for (const c of campaigns) if (c.firstDay <= day && day <= c.lastDay && (!best || c.discountPercent > best.discountPercent)) best = c;
  return best;
}

/** One product at one location: everything that shapes its daily demand. */
export interface DemandSeries {
  product: DemoProduct;
  policy: StockPolicy;
  channel: Channel;
  category: CategorySpec;
  /** Campaigns covering the product. */
  campaigns: DemoCampaign[];
  /** The day the trend is centred on (the base level holds there). */
  midDay: number;
  rng: Rng;
}

/**
 * Expected demand of a series on a day: base × weekday × trend × season ×
 * holiday × campaign uplift (1 + elasticity × discount). For slow movers it is
 * the expected units of an intermittent process (chance of a selling day ×
 * units per selling day).
 *
 * @example expectedDemand(series, dayNumber('2025-11-28')).mean // Black Friday: well above the base
 */
export function expectedDemand(series: DemandSeries, day: number): { mean: number; campaign: DemoCampaign | null } {
  const { product, category } = series;
  const weekly = WEEKLY[series.channel][isoWeekday(day) - 1]!;
  const trend = Math.exp((product.demand.trendPerYear * (day - series.midDay)) / 365);
  const season = category.season ? 1 + category.season.amplitude * Math.cos((2 * Math.PI * (dayOfYear(day) - category.season.peakDayOfYear)) / 365.25) : 1;
  const campaign = campaignOn(series.campaigns, day);
  const uplift = campaign ? 1 + product.demand.elasticity * (campaign.discountPercent / 100) : 1;
  return { mean: series.policy.demandMean * weekly * trend * season * holidayFactor(day, series.channel) * uplift, campaign };
}

/** Draw the units demanded on a day: negative binomial around the mean, or Bernoulli × small for slow movers. */
export function drawDemand(series: DemandSeries, mean: number): number {
  const { rng } = series;
  if (series.product.demand.slowMover) {
    if (!rng.chance(Math.min(1, mean / SLOW_MOVER_UNITS))) return 0;
    return 1 + (rng.chance(SLOW_MOVER_UNITS - 1) ? 1 : 0);
  }
  if (mean <= 0) return 0;
  return rng.poisson((mean * rng.gamma(DISPERSION)) / DISPERSION);
}
