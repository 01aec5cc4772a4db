import { eoq, roundToSupplier } from './order-quantity.js';
import type { CostSettings, ResolvedRule, SupplierOption } from './policy.types.js';
import type { IntervalDemand, ProtectionDemand } from './protection-demand.js';
import { safetyStockForFillRate } from './safety-stock.js';
import { allocatedFillRate } from './service-allocation.js';

export interface LevelsInput {
  rule: ResolvedRule;
  supplier: Pick<SupplierOption, 'unitCost' | 'minimumOrderQuantity' | 'packSize'>;
  costs: CostSettings;
  /** Demand over the effective lead time L (σ with the lead-time spread). */
  overLeadTime: ProtectionDemand;
  /** Demand over the protection interval L + R (σ with the lead-time spread). */
  overProtection: ProtectionDemand;
  /** Demand over the review period R alone: what one periodic order replaces. */
  overReview: IntervalDemand;
  /** Forecast mean demand × 365. */
  annualDemand: number;
}

export interface ReplenishmentLevels {
  reorderPoint: number;
  orderUpTo: number;
  safetyStock: number;
  safetyFactor: number;
  /** The fill rate the safety stock meets: the rule's, or the one allocated at the rule's shortage price. */
  fillRate: number;
  /** Units one replenishment is expected to bring: the Q of the fill-rate equation. */
  cycleQuantity: number;
  /** EOQ at this supplier's cost (REORDER_POINT_EOQ orders it; others report it). */
  economicOrderQuantity: number;
}

/**
 * Reorder point and order-up-to level of a rule's strategy with one supplier.
 * Safety stock is always k·σ over the protection interval L + R, k meeting the
 * rule's fill rate (or the one allocated at its shortage price) for the strategy's cycle quantity Q (see
 * `safetyFactorForFillRate`):
 * - FORECAST_BASED, PERIODIC_REVIEW, LOT_FOR_LOT, MANUAL: reorder point =
 *   demand over L + SS, order-up-to = demand over L + R + SS; Q = demand over
 *   R, at least the supplier's minimum and a whole pack (what an order brings).
 * - REORDER_POINT_EOQ: the same reorder point; Q = the EOQ from the forecast's
 *   annual demand, rounded to the supplier; order-up-to = reorder point + Q.
 * - MIN_MAX: the rule's min and max (each falls back to the computed level when unset); Q = max − min.
 * A rule's fixed reorder point or quantity overrides the computed one. The
 * reorder point is never negative (a negative safety stock is allowed, see
 * `SAFETY_FACTOR_BOUNDS`).
 */
export function replenishmentLevels(input: LevelsInput): ReplenishmentLevels {
  const { rule, supplier, costs, overLeadTime, overProtection, overReview, annualDemand } = input;
  const economicOrderQuantity = eoq({ annualDemand, orderingCost: costs.orderingCost, unitCost: supplier.unitCost, holdingCostRate: costs.holdingCostRate });
  const supplierMinimum = roundToSupplier(1, supplier.minimumOrderQuantity, supplier.packSize);
  const perReview = Math.max(roundToSupplier(overReview.mean, supplier.minimumOrderQuantity, supplier.packSize), supplierMinimum);
  const eoqQuantity =
    rule.reorderQuantity ?? Math.max(roundToSupplier(economicOrderQuantity, supplier.minimumOrderQuantity, supplier.packSize), supplierMinimum);
  const minMaxSpan = rule.minStock !== null && rule.maxStock !== null ? Math.max(supplierMinimum, rule.maxStock - rule.minStock) : perReview;
  const cycleQuantity = rule.strategy === 'REORDER_POINT_EOQ' ? eoqQuantity : rule.strategy === 'MIN_MAX' ? minMaxSpan : perReview;

  const fillRate =
    rule.shortagePrice != null
      ? allocatedFillRate({ annualDemand, unitCost: supplier.unitCost, cycleQuantity, sigma: overProtection.std }, rule.shortagePrice, costs.holdingCostRate)
      : rule.serviceLevel;
  const { safetyFactor, safetyStock } = safetyStockForFillRate({ fillRate, orderQuantity: cycleQuantity, sigma: overProtection.std });
  const computedReorderPoint = Math.max(0, overLeadTime.mean + safetyStock);
  let reorderPoint = rule.reorderPoint ?? computedReorderPoint;
  let orderUpTo = Math.max(reorderPoint, overProtection.mean + safetyStock);
  if (rule.strategy === 'REORDER_POINT_EOQ') orderUpTo = reorderPoint + eoqQuantity;
  if (rule.strategy === 'MIN_MAX') {
    reorderPoint = rule.minStock ?? reorderPoint;
    orderUpTo = Math.max(reorderPoint, rule.maxStock ?? orderUpTo);
  }
  return { reorderPoint, orderUpTo, safetyStock, safetyFactor, fillRate, cycleQuantity, economicOrderQuantity };
}

/**
 * The levels in words, with the numbers (built only for the chosen supplier: a
 * planning run decides for 100,000 pairs).
 *
 * @example explainLevels(levels, input) // 'safety stock 12.3 = k 0.85 × σ 14.5 over L + R 17.0 d (…) for a 95.0 % fill rate with 70.0 u per order; reorder point 45.3 = …'
 */
export function explainLevels(
  levels: ReplenishmentLevels,
  { rule, overLeadTime, overProtection }: Pick<LevelsInput, 'rule' | 'overLeadTime' | 'overProtection'>,
): string {
  const { safetyStock, safetyFactor, fillRate, cycleQuantity, reorderPoint, orderUpTo } = levels;
  const target =
    rule.shortagePrice != null
      ? `${(fillRate * 100).toFixed(1)} % fill rate (allocated at the tenant's ${n(rule.shortagePrice)} per unit short, which meets its overall target at the least stock)`
      : `${(fillRate * 100).toFixed(1)} % fill rate`;
  const source =
    rule.reorderPoint !== null
      ? ' (fixed by the rule)'
      : rule.strategy === 'MIN_MAX' && rule.minStock !== null
        ? ' (rule min)'
        : ` = demand over L ${n(overLeadTime.mean)} + safety stock`;
  return (
    `safety stock ${n(safetyStock)} = k ${safetyFactor.toFixed(2)} × σ ${n(overProtection.std)} over L + R ${n(overProtection.days)} d ` +
    `(forecast error σ ${n(overProtection.demandStd)}, lead-time spread σ ${n(overProtection.leadTimeStd)}) for a ${target} ` +
    `with ${n(cycleQuantity)} u per order; reorder point ${n(reorderPoint)}${source}, order-up-to ${n(orderUpTo)}`
  );
}

function n(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}
