import { solveDecreasing, standardNormalCdf, standardNormalLoss } from './normal.js';
import { SAFETY_FACTOR_BOUNDS } from './safety-stock.js';

/**
 * One fill-rate target for the whole tenant, met with the least stock: the
 * "exchange curve" approach of Silver, Pyke & Thomas (§7.8, allocating safety
 * stock across items to meet an aggregate service at least total investment).
 * Every item is charged the same price λ per unit short; each then holds the
 * safety stock that minimises its own annual holding cost + λ × expected units
 * short, and λ is the one price at which the items together serve the target
 * share of all units demanded. Cheap, fast items get a high fill rate (a unit
 * of their safety stock costs little and prevents much shortage), expensive
 * slow ones a lower one.
 *
 * For one item (annual demand D, unit cost c, holding rate h, units per
 * replenishment Q, σ of demand over the protection interval, q = Q/σ), the
 * expected units short a year at safety factor k are (D/Q)·σ·[G(k) − G(k+q)];
 * setting the derivative of h·c·σ·k + λ·that to zero gives
 * Φ(k+q) − Φ(k) = h·c·Q / (λ·D), solved for k ≥ −q/2 (where the left side
 * falls); the item's fill rate is then 1 − σ·[G(k) − G(k+q)]/Q.
 */

/** The fill rates an allocation may give one item: never so low an item is all but abandoned, never the last fraction of a percent. */
export const ALLOCATED_FILL_RATE_BOUNDS = { min: 0.8, max: 0.999 } as const;

/** What the allocation knows of one item (one SKU × location with its chosen supplier). */
export interface ServiceItem {
  /** Forecast demand per year, units. */
  annualDemand: number;
  /** Cost of one unit held (money). */
  unitCost: number;
  /** Units one replenishment brings (Q of the fill-rate equation). */
  cycleQuantity: number;
  /** Standard deviation of demand over the protection interval L + R. */
  sigma: number;
}

/** Fill rate of safety factor k: 1 − σ·[G(k) − G(k + Q/σ)]/Q. */
export function fillRateAtSafetyFactor(k: number, cycleQuantity: number, sigma: number): number {
  if (!(sigma > 0) || !(cycleQuantity > 0)) return 1;
  const q = cycleQuantity / sigma;
  return Math.min(1, Math.max(0, 1 - (standardNormalLoss(k) - standardNormalLoss(k + q)) / q));
}

/**
 * The fill rate one item gets at shortage price λ (money per unit short), within
 * {@link ALLOCATED_FILL_RATE_BOUNDS}: the k where one more unit of safety stock
 * costs a year what it saves in shortage at λ, turned into a fill rate.
 *
 * @example allocatedFillRate({ annualDemand: 365, unitCost: 10, cycleQuantity: 7, sigma: 5 }, 50, 0.25) // ≈ 0.991
 */
export function allocatedFillRate(item: ServiceItem, shortagePrice: number, holdingCostRate: number): number {
  const { annualDemand, unitCost, cycleQuantity, sigma } = item;
  const { min, max } = ALLOCATED_FILL_RATE_BOUNDS;
  if (!(sigma > 0) || !(cycleQuantity > 0) || !(annualDemand > 0)) return max;
  if (!(shortagePrice > 0)) return min;
  const q = cycleQuantity / sigma;
  const ratio = (holdingCostRate * unitCost * cycleQuantity) / (shortagePrice * annualDemand);
  const low = Math.max(-q / 2, SAFETY_FACTOR_BOUNDS.min);
  const band = (k: number) => standardNormalCdf(k + q) - standardNormalCdf(k);
  let k: number;
  if (ratio >= band(low)) k = low;
  else if (ratio <= band(SAFETY_FACTOR_BOUNDS.max)) k = SAFETY_FACTOR_BOUNDS.max;
  else k = solveDecreasing(band, ratio, low, SAFETY_FACTOR_BOUNDS.max);
  return Math.min(max, Math.max(min, fillRateAtSafetyFactor(k, cycleQuantity, sigma)));
}

export interface ServiceAllocation {
  /** λ: the price per unit short at which the items together meet the target. */
  shortagePrice: number;
  /** Demand-weighted mean of the items' fill rates at that price (the target unless the bounds prevent it). */
  expectedFillRate: number;
  items: number;
}

/** Bisection steps over log λ (from 10⁻⁶ to 10⁹: every price a unit short can sensibly have). */
const PRICE_RANGE = { low: 1e-6, high: 1e9, steps: 60 } as const;

/**
 * The shortage price λ at which the items' allocated fill rates, weighted by
 * their demand, average `targetFillRate` (bisection on log λ: every item's fill
 * rate rises with λ). With no items, λ is null.
 *
 * @example shortagePriceForTarget(items, 0.975, 0.25) // { shortagePrice: 41.7, expectedFillRate: 0.975, items: 400 }
 */
export function shortagePriceForTarget(items: readonly ServiceItem[], targetFillRate: number, holdingCostRate: number): ServiceAllocation | null {
  if (!(targetFillRate > 0 && targetFillRate < 1)) throw new RangeError(`target fill rate must be between 0 and 1, got ${targetFillRate}`);
  const weighted = items.filter((i) => i.annualDemand > 0);
  const total = weighted.reduce((sum, i) => sum + i.annualDemand, 0);
  if (total === 0) return null;
  const fillAt = (price: number) => weighted.reduce((sum, i) => sum + i.annualDemand * allocatedFillRate(i, price, holdingCostRate), 0) / total;
  let low = Math.log(PRICE_RANGE.low);
  let high = Math.log(PRICE_RANGE.high);
  for (let step = 0; step < PRICE_RANGE.steps; step++) {
    const mid = (low + high) / 2;
    if (fillAt(Math.exp(mid)) >= targetFillRate) high = mid;
    else low = mid;
  }
  const shortagePrice = Math.exp(high);
  return { shortagePrice, expectedFillRate: fillAt(shortagePrice), items: weighted.length };
}
