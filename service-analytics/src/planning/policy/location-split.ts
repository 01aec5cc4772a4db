import type { DemandForecast } from './policy.types.js';

/** Days of recent demand a location's share is measured over (eight weeks: every weekday eight times). */
export const SHARE_WINDOW_DAYS = 56;
/** Smallest share a location gets, so one with no recent sales is still forecast a little (and can be stocked for it). */
export const MIN_LOCATION_SHARE = 0.02;

/**
 * Each location's share of a SKU's network demand: its units over the last
 * {@link SHARE_WINDOW_DAYS} days ÷ the network's, each raised to at least
 * {@link MIN_LOCATION_SHARE} and then all scaled to sum to 1. No sales anywhere
 * → equal shares.
 *
 * @example locationShares({ DC: 60, ST: 40, NEW: 0 }) // { DC: ≈0.588, ST: ≈0.392, NEW: ≈0.0196 }
 */
export function locationShares(recentDemandByLocation: Readonly<Record<string, number>>): Record<string, number> {
  const locations = Object.keys(recentDemandByLocation);
  if (locations.length === 0) return {};
  const total = locations.reduce((sum, code) => sum + Math.max(0, recentDemandByLocation[code]!), 0);
  const raw = locations.map((code) => (total > 0 ? Math.max(MIN_LOCATION_SHARE, Math.max(0, recentDemandByLocation[code]!) / total) : 1));
  const sum = raw.reduce((a, b) => a + b, 0);
  return Object.fromEntries(locations.map((code, i) => [code, raw[i]! / sum]));
}

/**
 * A network forecast split to locations by share: each day's mean × share,
 * each day's error std × √share. The std scales with √share because a
 * location's daily demand is modelled as an independent part of the
 * network's (variances add up across locations: σ_l² = share·σ²), which is
 * how count demand (Poisson, negative binomial) splits; scaling by the share
 * itself would claim a location's demand is exactly as predictable, relatively,
 * as the whole network's.
 *
 * @example splitToLocations({ mean: [10], std: [4], source: 'ets' }, { DC: 0.25 }).DC // { mean: [2.5], std: [2], source: 'ets × 25.0 % share of DC' }
 */
export function splitToLocations(networkForecast: DemandForecast, sharesByLocation: Readonly<Record<string, number>>): Record<string, DemandForecast> {
  return Object.fromEntries(
    Object.entries(sharesByLocation).map(([code, share]) => [
      code,
      {
        mean: networkForecast.mean.map((m) => m * share),
        std: networkForecast.std.map((s) => s * Math.sqrt(share)),
        source: `${networkForecast.source} × ${(share * 100).toFixed(1)} % share of ${code}`,
      },
    ]),
  );
}
