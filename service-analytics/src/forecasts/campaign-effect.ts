/** Campaign days needed before a SKU's own lift is trusted. */
export const MIN_CAMPAIGN_DAYS = 7;
/** Same-weekday neighbours (each side) a campaign day's baseline averages over. */
const NEIGHBOUR_SEASONS = 4;

export interface CampaignLift {
  /** Demand on campaign days ÷ their baseline − 1: 0.3 = campaigns sold 30% more. */
  lift: number;
  /** Campaign days that entered the estimate. */
  campaignDays: number;
}

/**
 * The demand lift a SKU showed on its past campaign days: the ratio of its
 * demand on those days to a baseline of the same seasonal position (weekday)
 * around them — up to four seasons before and after, on days with neither a
 * campaign nor a stock-out — minus one. Stock-out days are left out on both
 * sides (censored demand is not demand). Null with fewer than
 * {@link MIN_CAMPAIGN_DAYS} usable campaign days or no baseline demand. Pure.
 *
 * @example
 *   // weekly pattern, demand 10, campaign days sell 15
 *   campaignLift(values, censored, campaign, 7) // { lift: 0.5, campaignDays: 14 }
 */
export function campaignLift(values: readonly number[], censored: readonly boolean[], campaign: readonly number[], season: number): CampaignLift | null {
  const step = Math.max(1, season);
  const usableBaseline = (t: number) => t >= 0 && t < values.length && campaign[t] !== 1 && censored[t] !== true;
  let campaignDemand = 0;
  let baselineDemand = 0;
  let days = 0;
  for (let t = 0; t < values.length; t += 1) {
    if (campaign[t] !== 1 || censored[t] === true) continue;
    const neighbours: number[] = [];
    for (let k = 1; k <= NEIGHBOUR_SEASONS; k += 1) {
      for (const j of [t - k * step, t + k * step]) if (usableBaseline(j)) neighbours.push(values[j]!);
    }
    if (neighbours.length === 0) continue;
    campaignDemand += values[t]!;
    baselineDemand += neighbours.reduce((a, b) => a + b, 0) / neighbours.length;
    days += 1;
  }
  if (days < MIN_CAMPAIGN_DAYS || baselineDemand <= 0) return null;
  return { lift: campaignDemand / baselineDemand - 1, campaignDays: days };
}
