/**
 * Order quantities under a budget (issue 17): the textbook multi-item EOQ with
 * a money constraint (Hadley & Whitin 1963 §2-8; Silver, Pyke & Thomas §4.9).
 * Minimise Σ S·D/Q + h·c·Q/2 subject to Σ c·Q/2 ≤ B (the average cycle stock
 * at cost, what the STOCK_LEVELS budget counts). With a price α on a unit of
 * budget each item alone minimises S·D/Q + (h + α)·c·Q/2, so
 *
 *   Q(α) = √(2·D·S / (c·(h + α)))
 *
 * — the EOQ with the holding rate raised by α (the form √(2DK/(h + 2λc)) of a
 * constraint on Σ c·Q, the peak investment, is the same with α = 2λ/c per unit
 * of money). Σ c·Q(α)/2 falls as α rises, so α is found by bisection; with one
 * holding rate for all items it is closed-form: every Q shrinks by the same
 * factor B / U (U the unconstrained use) and α = h·((U/B)² − 1).
 */

export interface BudgetOrderItem {
  annualDemand: number;
  /** Cost of placing one order. */
  orderingCost: number;
  unitCost: number;
  holdingCostRate: number;
  /** The smallest order the supplier takes (default 1 unit). */
  minimumOrderQuantity?: number | null;
  /** The largest Q considered (default the EOQ, i.e. α = 0). */
  maximumOrderQuantity?: number | null;
}

/** Q(α) = √(2DS / (c(h + α))) within the item's minimum and maximum (continuous units). */
export function orderQuantityAtPrice(item: BudgetOrderItem, budgetPrice: number): number {
  const minimum = Math.max(1e-9, item.minimumOrderQuantity ?? 1);
  const rate = item.unitCost * (item.holdingCostRate + budgetPrice);
  const free = item.annualDemand > 0 && item.orderingCost > 0 && rate > 0 ? Math.sqrt((2 * item.annualDemand * item.orderingCost) / rate) : minimum;
  const maximum = item.maximumOrderQuantity ?? Number.POSITIVE_INFINITY;
  return Math.max(minimum, Math.min(maximum, free));
}

/** A year's ordering + cycle-stock holding cost at Q. */
export function cycleCost(item: BudgetOrderItem, orderQuantity: number): number {
  return (item.orderingCost * item.annualDemand) / orderQuantity + (item.holdingCostRate * item.unitCost * orderQuantity) / 2;
}

export type BudgetOrderQuantities =
  { ok: true; quantities: number[]; budgetPrice: number; used: number; binding: boolean } | { ok: false; minimumNeeded: number };

/**
 * The order quantities minimising ordering + holding cost with the average
 * cycle stock at cost Σ c·Q/2 within `budget` (continuous Q; the caller rounds).
 * Not ok when even every item's minimum order exceeds the budget.
 *
 * @example budgetOrderQuantities([{ annualDemand: 1000, orderingCost: 50, unitCost: 20, holdingCostRate: 0.25 }], 707.1)
 *   // { ok: true, quantities: [70.71], budgetPrice: 0.75, … }: half the EOQ's 1,414 of cycle stock
 */
export function budgetOrderQuantities(items: readonly BudgetOrderItem[], budget: number): BudgetOrderQuantities {
  const useAt = (price: number) => items.reduce((sum, item) => sum + (item.unitCost * orderQuantityAtPrice(item, price)) / 2, 0);
  const minimumNeeded = items.reduce((sum, item) => sum + (item.unitCost * Math.max(1e-9, item.minimumOrderQuantity ?? 1)) / 2, 0);
  if (useAt(0) <= budget) return { ok: true, quantities: items.map((i) => orderQuantityAtPrice(i, 0)), budgetPrice: 0, used: useAt(0), binding: false };
  if (minimumNeeded > budget) return { ok: false, minimumNeeded };
  const price = smallestPriceWithin(useAt, budget);
  return { ok: true, quantities: items.map((i) => orderQuantityAtPrice(i, price)), budgetPrice: price, used: useAt(price), binding: true };
}

/**
 * The smallest price ≥ 0 whose use (non-increasing in the price, above the
 * budget at 0, within it for a large enough price) is within `budget`: the
 * bracket grows by doubling, then bisection in log space to 1e-10 relative.
 */
export function smallestPriceWithin(useAt: (price: number) => number, budget: number, ceiling = 1e12): number {
  let hi = 1;
  while (useAt(hi) > budget && hi < ceiling) hi *= 2;
  let lo = hi / 2 >= 1 ? hi / 2 : 0;
  if (useAt(hi) > budget) return hi;
  for (let step = 0; step < 200 && hi - lo > 1e-10 * hi; step++) {
    const mid = (lo + hi) / 2;
    if (useAt(mid) > budget) lo = mid;
    else hi = mid;
  }
  return hi;
}
