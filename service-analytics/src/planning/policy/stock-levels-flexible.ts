import { AppError } from '@icc/shared';
import { orderQuantityAtPrice, smallestPriceWithin, type BudgetOrderItem } from './budget-order-quantity.js';
import { bestLevel, inventoryValueAt, itemCurve, type CurveItem } from './stock-levels-curve.js';
import { optimiseStockLevels, type StockLevelChoice, type StockLevelItem, type StockLevelPlan, type StockLevelsInput } from './stock-levels.js';

/**
 * STOCK_LEVELS with the order quantity free under a budget (issue 17): where
 * `optimiseStockLevels` takes each Q as given (so a budget below the cycle
 * stock Σ c·Q/2 is infeasible), here one budget price α sets both decisions
 * of every item — Q(α) = √(2DS / (c(h + α))) (`budget-order-quantity.ts`,
 * the EOQ with the holding rate raised by α) and the reorder point where a
 * unit's h·c + α·c equals the shortage it saves (`bestLevel` at Q(α)). α is the
 * smallest price whose plan fits the budget (bisection); then the reorder
 * points are repaired in whole units by `optimiseStockLevels` at those Q (which
 * also applies any storage capacity). The plan with Q fixed at each item's
 * `orderQuantity` is kept instead when it is feasible and costs no more
 * (holding + shortage + ordering), so freeing Q never makes a plan worse.
 * Q is floored to whole units, never below the item's minimum order.
 *
 * Why not a joint (Q, r) root-find per item: Q's own first-order condition
 * also carries the shortage per cycle (Hadley–Whitin's iteration); with the
 * margins the run prices shortage at, that term moves Q by a few percent,
 * while the budget moves it by tens — the textbook Q(α) keeps each item one
 * root-find and the repair exact.
 */

export interface FlexibleStockLevelItem extends StockLevelItem {
  /** Cost of placing one order (S). `orderQuantity` is Q without a budget (the EOQ) and the largest Q used. */
  orderingCost: number;
  /** Smallest order the supplier takes (default 1). */
  minimumOrderQuantity?: number | null;
}

export interface FlexibleStockLevelChoice extends StockLevelChoice {
  orderQuantity: number;
  /** S·D/Q a year. */
  orderingCost: number;
}

export interface FlexibleStockLevelPlan extends Omit<StockLevelPlan, 'items' | 'method'> {
  items: FlexibleStockLevelChoice[];
  /** Holding + shortage (`totals.cost`) + ordering, a year. */
  totalCost: number;
  orderingCost: number;
  /** α that set the order quantities (0: each Q is its `orderQuantity`). */
  orderQuantityPrice: number;
  method: 'lagrangian-order-quantity+lagrangian-relaxation+marginal-repair' | 'lagrangian-relaxation+marginal-repair';
}

export type FlexibleStockLevelsResult = { ok: true; plan: FlexibleStockLevelPlan } | { ok: false; error: AppError };

export interface FlexibleStockLevelsInput extends Omit<StockLevelsInput, 'items'> {
  items: readonly FlexibleStockLevelItem[];
}

const budgetItemOf = (item: FlexibleStockLevelItem): BudgetOrderItem => ({
  annualDemand: item.annualDemand,
  orderingCost: item.orderingCost,
  unitCost: item.unitCost,
  holdingCostRate: item.holdingCostRate,
  minimumOrderQuantity: item.minimumOrderQuantity ?? 1,
  maximumOrderQuantity: Math.max(item.orderQuantity, item.minimumOrderQuantity ?? 1),
});

/** Whole-unit Q at a price: floored (keeps within what the price allows), never below the minimum order nor 1. */
function wholeQuantity(item: FlexibleStockLevelItem, price: number): number {
  const minimum = Math.max(1, Math.ceil((item.minimumOrderQuantity ?? 1) - 1e-9));
  return Math.max(minimum, Math.floor(orderQuantityAtPrice(budgetItemOf(item), price) + 1e-9));
}

/**
 * The least-cost (Q, r) per item within the budget and capacity, or the
 * optimiser's INVALID_INPUT error (a budget even the smallest orders at the
 * lowest levels exceed names `minimumNeeded` in `details.infeasible`).
 *
 * @example optimiseStockLevelsFlexible({ items, constraints: { budget: 0.5 * cycleStockAtEoq } })
 *   // { ok: true, plan: { items: [{ orderQuantity: 70, reorderPoint: 112, … }], orderQuantityPrice: 0.81, … } }
 */
export function optimiseStockLevelsFlexible(input: FlexibleStockLevelsInput): FlexibleStockLevelsResult {
  const budget = input.constraints.budget ?? null;
  const fixed = optimiseStockLevels(input);
  const fixedPlan = fixed.ok ? withOrdering(fixed.plan, input.items, (item) => item.orderQuantity, 0) : null;
  const budgetBinds = fixed.ok ? fixed.plan.constraints.some((c) => c.constraint === 'budget' && c.binding) : true;
  if (budget === null || (fixed.ok && !budgetBinds)) return fixed.ok ? { ok: true, plan: fixedPlan! } : fixed;
  if (!fixed.ok && !isInfeasibleBudget(fixed.error)) return fixed;

  const bounds = input.serviceBounds ?? null;
  const curveAt = (item: FlexibleStockLevelItem, price: number): CurveItem => ({
    ...item,
    orderQuantity: wholeQuantity(item, price),
    space: 1,
    minFillRate: item.minFillRate ?? bounds?.minFillRate ?? null,
    maxFillRate: item.maxFillRate ?? bounds?.maxFillRate ?? null,
  });
  const useAt = (price: number) =>
    input.items.reduce((sum, item) => {
      const curve = itemCurve(curveAt(item, price));
      return sum + inventoryValueAt(curve.item, bestLevel(curve, price, 0));
    }, 0);
  const lowestUse = (price: number) =>
    input.items.reduce((sum, item) => {
      const curve = itemCurve(curveAt(item, price));
      return sum + inventoryValueAt(curve.item, curve.low);
    }, 0);
  const price = smallestPriceWithin(useAt, budget);
  const quantities = input.items.map((item) => wholeQuantity(item, price));
  const flexible = optimiseStockLevels({ ...input, items: input.items.map((item, i) => ({ ...item, orderQuantity: quantities[i]! })) });
  if (!flexible.ok) {
    if (fixed.ok) return { ok: true, plan: fixedPlan! };
    const minimumNeeded = lowestUse(1e12);
    if (minimumNeeded > budget)
      return {
        ok: false,
        error: new AppError(
          'INVALID_INPUT',
          `Infeasible: budget: even the smallest orders at the lowest levels need ${Math.round(minimumNeeded)}, the limit is ${budget}`,
          { infeasible: [{ constraint: 'budget', locationCode: null, limit: budget, minimumNeeded }] },
        ),
      };
    return flexible;
  }
  const flexiblePlan = withOrdering(flexible.plan, input.items, (_, i) => quantities[i]!, price);
  flexiblePlan.method = 'lagrangian-order-quantity+lagrangian-relaxation+marginal-repair';
  return { ok: true, plan: fixedPlan !== null && fixedPlan.totalCost <= flexiblePlan.totalCost ? fixedPlan : flexiblePlan };
}

function isInfeasibleBudget(error: AppError): boolean {
  const details = error.details as { infeasible?: { constraint: string }[] } | undefined;
  return details?.infeasible?.some((e) => e.constraint === 'budget') ?? false;
}

function withOrdering(
  plan: StockLevelPlan,
  items: readonly FlexibleStockLevelItem[],
  quantityOf: (item: FlexibleStockLevelItem, index: number) => number,
  price: number,
): FlexibleStockLevelPlan {
  let ordering = 0;
  const choices = plan.items.map((choice, i) => {
    const item = items[i]!;
    const orderQuantity = quantityOf(item, i);
    const orderingCost = (item.orderingCost * item.annualDemand) / orderQuantity;
    ordering += orderingCost;
    return { ...choice, orderQuantity, orderingCost };
  });
  return {
    ...plan,
    items: choices,
    orderingCost: ordering,
    totalCost: plan.totals.cost + ordering,
    orderQuantityPrice: price,
    method: plan.method,
  };
}
