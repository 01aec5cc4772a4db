import { solveDecreasing, standardNormalCdf, standardNormalLoss, standardNormalPdf } from './normal.js';
import { SAFETY_FACTOR_BOUNDS, safetyFactorForFillRate } from './safety-stock.js';

/**
 * One item's cost curve for the stock-levels optimiser (`stock-levels.ts`):
 * a continuous-review (r, Q) item whose decision is its reorder point r in
 * whole units. With demand over the protection interval ~ N(μ, σ²), q = Q/σ and
 * k = (r − μ)/σ (Silver, Pyke & Thomas §7.7):
 * - expected units short per replenishment cycle σ·[G(k) − G(k + q)];
 * - a year's expected cost h·c·(Q/2 + r − μ) + λ·(D/Q)·σ·[G(k) − G(k + q)];
 * - money tied in stock (the budget) c·(Q/2 + r − μ): the average inventory value;
 * - space (the capacity) v·(Q + r − μ): the stock just after an order arrives, the most the item ever holds.
 * The cost is convex in r where k ≥ −q/2 (its second derivative is ∝ φ(k) − φ(k + q)),
 * so the levels are kept there (as `allocatedFillRate` does), and within {@link SAFETY_FACTOR_BOUNDS}.
 */

/** An item as the curve needs it (validated by `stock-levels.ts`). */
export interface CurveItem {
  demandMean: number;
  demandStd: number;
  annualDemand: number;
  unitCost: number;
  holdingCostRate: number;
  shortageCost: number;
  orderQuantity: number;
  /** Space one unit takes (1 when capacity is counted in units). */
  space: number;
  minFillRate: number | null;
  maxFillRate: number | null;
}

/** The curve with what every evaluation reuses. */
export interface ItemCurve {
  item: CurveItem;
  /** Lowest and highest whole-unit reorder point allowed. */
  low: number;
  high: number;
  /** λ·D/Q: the price of one unit short per cycle, over a year. */
  shortageWeight: number;
  /** Φ(k + q) − Φ(k) at the lowest and highest level's k (the marginal saving of a unit, per λ·D/Q). */
  bandAtLow: number;
  bandAtHigh: number;
}

/** Safety factor of a level (0 without uncertainty). */
export function safetyFactorAt(item: CurveItem, level: number): number {
  return item.demandStd > 0 ? (level - item.demandMean) / item.demandStd : 0;
}

/** Expected units short per replenishment cycle at reorder point `level`. */
export function shortPerCycle(item: CurveItem, level: number): number {
  const { demandMean, demandStd, orderQuantity } = item;
  if (!(demandStd > 0)) return Math.max(0, demandMean - level);
  const k = (level - demandMean) / demandStd;
  return Math.max(0, demandStd * (standardNormalLoss(k) - standardNormalLoss(k + orderQuantity / demandStd)));
}

export function holdingCost(item: CurveItem, level: number): number {
  return item.holdingCostRate * item.unitCost * (item.orderQuantity / 2 + level - item.demandMean);
}

export function shortageCost(item: CurveItem, level: number): number {
  return ((item.shortageCost * item.annualDemand) / item.orderQuantity) * shortPerCycle(item, level);
}

export function costAt(item: CurveItem, level: number): number {
  return holdingCost(item, level) + shortageCost(item, level);
}

export function inventoryValueAt(item: CurveItem, level: number): number {
  return item.unitCost * (item.orderQuantity / 2 + level - item.demandMean);
}

export function spaceAt(item: CurveItem, level: number): number {
  return item.space * (item.orderQuantity + level - item.demandMean);
}

const band = (q: number) => (k: number) => standardNormalCdf(k + q) - standardNormalCdf(k);

/** The item's allowed whole-unit levels and the numbers the Lagrangian step reuses. */
export function itemCurve(item: CurveItem): ItemCurve {
  const { demandMean: mu, demandStd: sigma, orderQuantity } = item;
  const shortageWeight = (item.shortageCost * item.annualDemand) / orderQuantity;
  if (!(sigma > 0)) {
    const level = Math.max(0, Math.ceil(mu - 1e-9));
    return { item, low: level, high: level, shortageWeight, bandAtLow: 0, bandAtHigh: 0 };
  }
  const q = orderQuantity / sigma;
  let kLow = Math.max(-q / 2, SAFETY_FACTOR_BOUNDS.min);
  let kHigh: number = SAFETY_FACTOR_BOUNDS.max;
  if (item.minFillRate !== null && item.minFillRate < 1) kLow = Math.max(kLow, safetyFactorForFillRate({ fillRate: item.minFillRate, orderQuantity, sigma }));
  if (item.maxFillRate !== null && item.maxFillRate < 1) kHigh = Math.min(kHigh, safetyFactorForFillRate({ fillRate: item.maxFillRate, orderQuantity, sigma }));
  // A level is a whole unit: the lowest one at or above k_low (so a minimum fill rate is met), the highest at or below k_high.
  const low = Math.max(0, Math.ceil(mu + sigma * kLow - 1e-9));
  const high = Math.max(low, Math.floor(mu + sigma * kHigh + 1e-9));
  const at = band(q);
  return { item, low, high, shortageWeight, bandAtLow: at((low - mu) / sigma), bandAtHigh: at((high - mu) / sigma) };
}

/**
 * The whole-unit level that minimises cost + α·inventory value + β·space:
 * each unit of r then costs w = h·c + α·c + β·v a year and saves
 * λ·(D/Q)·[Φ(k + q) − Φ(k)] of shortage, so the continuous optimum solves
 * Φ(k + q) − Φ(k) = w·Q/(λ·D) (decreasing in k on the convex part); the
 * better of the two whole units around it is taken.
 */
export function bestLevel(curve: ItemCurve, budgetPrice: number, spacePrice: number): number {
  const { item, low, high } = curve;
  if (low === high) return low;
  const perUnit = item.holdingCostRate * item.unitCost + budgetPrice * item.unitCost + spacePrice * item.space;
  if (!(curve.shortageWeight > 0)) return low;
  const ratio = perUnit / curve.shortageWeight;
  if (ratio >= curve.bandAtLow) return low;
  if (ratio <= curve.bandAtHigh) return high;
  const { demandMean: mu, demandStd: sigma } = item;
  const q = item.orderQuantity / sigma;
  const kLow = (low - mu) / sigma;
  const kHigh = (high - mu) / sigma;
  const k = solveDecreasing(band(q), ratio, kLow, kHigh, (x) => standardNormalPdf(x + q) - standardNormalPdf(x));
  const below = Math.min(high, Math.max(low, Math.floor(mu + sigma * k)));
  const above = Math.min(high, below + 1);
  if (above === below) return below;
  const lagrangian = (level: number) => costAt(item, level) + (budgetPrice * item.unitCost + spacePrice * item.space) * level;
  return lagrangian(above) < lagrangian(below) ? above : below;
}
