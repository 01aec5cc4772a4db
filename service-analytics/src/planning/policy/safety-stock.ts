import { inverseStandardNormal, solveDecreasing, standardNormalCdf, standardNormalLoss } from './normal.js';

/**
 * Bounds of the safety factor. Below zero is allowed: with a fill-rate target
 * and orders that cover many weeks, stocking a little under the mean lead-time
 * demand still serves the target share of demand (Silver, Pyke & Thomas §7.7:
 * k may be negative under a fill-rate criterion; the reorder point itself never
 * goes below zero). Four standard deviations is ~99.997 % cycle service: beyond
 * it the normal approximation means nothing.
 */
export const SAFETY_FACTOR_BOUNDS = { min: -2, max: 4 } as const;

/**
 * Safety factor k for a target cycle service level p (the probability of no
 * stock-out in a replenishment cycle): k = Φ⁻¹(p).
 *
 * @example safetyFactorForCycleServiceLevel(0.95) // 1.645
 */
export function safetyFactorForCycleServiceLevel(p: number): number {
  return inverseStandardNormal(p);
}

export interface FillRateTarget {
  /** β: the share of demand to serve from stock, 0–1. */
  fillRate: number;
  /** Units one replenishment brings (order quantity, or demand over the review period). */
  orderQuantity: number;
  /** Standard deviation of demand over the protection interval. */
  sigma: number;
}

/**
 * Safety factor k that meets a fill rate β: the expected units short per
 * replenishment cycle, σ·[G(k) − G(k + Q/σ)], equal to the (1 − β)·Q units a
 * cycle may miss (Silver, Pyke & Thomas §7.7.5, the exact form of
 * G(k) = (1 − β)·Q/σ; the second term matters when Q is small against σ).
 * Solved numerically (Newton inside a bisection bracket), bounded by {@link SAFETY_FACTOR_BOUNDS}. No uncertainty
 * (σ = 0) needs no safety stock: k = 0.
 *
 * @example safetyFactorForFillRate({ fillRate: 0.99, orderQuantity: 1000, sigma: 100 }) // ≈ 0.90: G(0.90) = 0.1
 */
export function safetyFactorForFillRate({ fillRate, orderQuantity, sigma }: FillRateTarget): number {
  if (!(fillRate > 0 && fillRate < 1)) throw new RangeError(`fill rate must be between 0 and 1, got ${fillRate}`);
  if (!(sigma > 0) || !(orderQuantity > 0)) return 0;
  const q = orderQuantity / sigma;
  const shortPerSigma = ((1 - fillRate) * orderQuantity) / sigma;
  // d/dk [G(k) − G(k + q)] = Φ(k) − Φ(k + q) < 0.
  return solveDecreasing(
    (k) => standardNormalLoss(k) - standardNormalLoss(k + q),
    shortPerSigma,
    SAFETY_FACTOR_BOUNDS.min,
    SAFETY_FACTOR_BOUNDS.max,
    (k) => standardNormalCdf(k) - standardNormalCdf(k + q),
  );
}

/**
 * Safety stock k·σ at a fill rate, with the k it used.
 *
 * @example safetyStockForFillRate({ fillRate: 0.99, orderQuantity: 1000, sigma: 100 }).safetyStock // ≈ 90
 */
export function safetyStockForFillRate(target: FillRateTarget): { safetyFactor: number; safetyStock: number } {
  const safetyFactor = safetyFactorForFillRate(target);
  return { safetyFactor, safetyStock: safetyFactor * Math.max(0, target.sigma) };
}
