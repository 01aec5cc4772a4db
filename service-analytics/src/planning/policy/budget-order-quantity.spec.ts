import { describe, expect, it } from 'vitest';
import { budgetOrderQuantities, cycleCost, orderQuantityAtPrice, type BudgetOrderItem } from './budget-order-quantity.js';
import { optimiseStockLevels } from './stock-levels.js';
import { optimiseStockLevelsFlexible, type FlexibleStockLevelItem } from './stock-levels-flexible.js';

// Two items, one holding rate 25 %: EOQ_A = √(2·1000·50 / 5) = 141.42, EOQ_B = √(2·500·80 / 10) = 89.44;
// cycle stock at cost U = 20·141.42/2 + 40·89.44/2 = 1,414.21 + 1,788.85 = 3,203.07.
const A: BudgetOrderItem = { annualDemand: 1000, orderingCost: 50, unitCost: 20, holdingCostRate: 0.25 };
const B: BudgetOrderItem = { annualDemand: 500, orderingCost: 80, unitCost: 40, holdingCostRate: 0.25 };
const U = (20 * Math.sqrt(20_000)) / 2 + (40 * Math.sqrt(8_000)) / 2;

describe('budgetOrderQuantities (multi-item EOQ under a budget)', () => {
  it('leaves the EOQs alone when they fit', () => {
    const result = budgetOrderQuantities([A, B], 5000);
    expect(result).toMatchObject({ ok: true, budgetPrice: 0, binding: false });
    if (!result.ok) return;
    expect(result.quantities[0]).toBeCloseTo(141.42, 2);
    expect(result.quantities[1]).toBeCloseTo(89.44, 2);
  });

  it('halves both Q at half the budget, α = h·((U/B)² − 1) = 0.75 (one holding rate: closed form)', () => {
    const result = budgetOrderQuantities([A, B], U / 2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.budgetPrice).toBeCloseTo(0.75, 6);
    expect(result.quantities[0]).toBeCloseTo(70.71, 2);
    expect(result.quantities[1]).toBeCloseTo(44.72, 2);
    expect(result.used).toBeCloseTo(U / 2, 4);
  });

  it('with different holding rates each Q is √(2DS / (c(h + α))) for one α and the budget is spent exactly', () => {
    const C = { ...B, holdingCostRate: 0.1 };
    const result = budgetOrderQuantities([A, C], 1500);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const alpha = result.budgetPrice;
    expect(alpha).toBeGreaterThan(0);
    expect(result.quantities[0]).toBeCloseTo(Math.sqrt((2 * 1000 * 50) / (20 * (0.25 + alpha))), 6);
    expect(result.quantities[1]).toBeCloseTo(Math.sqrt((2 * 500 * 80) / (40 * (0.1 + alpha))), 6);
    expect((20 * result.quantities[0]!) / 2 + (40 * result.quantities[1]!) / 2).toBeCloseTo(1500, 4);
    // No other split of the same budget is cheaper (the Lagrangian optimum of a convex problem).
    const best = cycleCost(A, result.quantities[0]!) + cycleCost(C, result.quantities[1]!);
    for (const shift of [-5, -1, 1, 5]) {
      const qa = result.quantities[0]! + shift;
      const qc = (1500 - (20 * qa) / 2) / 20;
      expect(cycleCost(A, qa) + cycleCost(C, qc)).toBeGreaterThan(best);
    }
  });

  it('respects the minimum order and says when even the minimums exceed the budget', () => {
    expect(orderQuantityAtPrice({ ...A, minimumOrderQuantity: 100 }, 10)).toBe(100);
    expect(budgetOrderQuantities([{ ...A, minimumOrderQuantity: 100 }], 500)).toEqual({ ok: false, minimumNeeded: 1000 });
  });
});

const flexItem = (overrides: Partial<FlexibleStockLevelItem> = {}): FlexibleStockLevelItem => ({
  sku: 'SKU-A',
  locationCode: 'WH-A',
  demandMean: 40,
  demandStd: 12,
  annualDemand: 1000,
  unitCost: 20,
  holdingCostRate: 0.25,
  shortageCost: 15,
  orderQuantity: 141,
  orderingCost: 50,
  ...overrides,
});

describe('optimiseStockLevelsFlexible (Q free under a budget)', () => {
  it('without demand uncertainty it is the textbook answer: both Q halved, to within the whole unit', () => {
    const items = [
      flexItem({ demandMean: 40, demandStd: 0, orderQuantity: Math.sqrt(20_000) }),
      flexItem({ sku: 'SKU-B', demandMean: 20, demandStd: 0, annualDemand: 500, unitCost: 40, orderingCost: 80, orderQuantity: Math.sqrt(8_000) }),
    ];
    const budget = U / 2;
    expect(optimiseStockLevels({ items, constraints: { budget } }).ok).toBe(false);
    const result = optimiseStockLevelsFlexible({ items, constraints: { budget } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [a, b] = result.plan.items;
    // Continuous answer 70.71 and 44.72 at α = 0.75; whole units are floored at the smallest α that fits.
    expect(Math.abs(a!.orderQuantity - 70.71)).toBeLessThan(1);
    expect(Math.abs(b!.orderQuantity - 44.72)).toBeLessThan(1);
    expect(result.plan.orderQuantityPrice).toBeGreaterThan(0.6);
    expect(result.plan.orderQuantityPrice).toBeLessThanOrEqual(0.75);
    expect(result.plan.totals.inventoryValue).toBeLessThanOrEqual(budget);
    expect(result.plan.totals.inventoryValue).toBeGreaterThan(budget - 20);
    expect(result.plan.method).toBe('lagrangian-order-quantity+lagrangian-relaxation+marginal-repair');
    expect(result.plan.orderingCost).toBeCloseTo((50 * 1000) / a!.orderQuantity + (80 * 500) / b!.orderQuantity, 6);
  });

  it('answers a budget below the cycle stock at the EOQ, within it, with smaller orders', () => {
    const items = [flexItem(), flexItem({ sku: 'SKU-B', unitCost: 40, annualDemand: 500, orderingCost: 80, orderQuantity: 89, demandStd: 6, demandMean: 20 })];
    const cycleStock = (20 * 141 + 40 * 89) / 2;
    const budget = 0.6 * cycleStock;
    const fixed = optimiseStockLevels({ items, constraints: { budget } });
    expect(fixed.ok).toBe(false);
    const result = optimiseStockLevelsFlexible({ items, constraints: { budget } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.totals.inventoryValue).toBeLessThanOrEqual(budget + 1e-9);
    expect(result.plan.orderQuantityPrice).toBeGreaterThan(0);
    for (const [i, item] of result.plan.items.entries()) expect(item.orderQuantity).toBeLessThan(items[i]!.orderQuantity);
    expect(result.plan.totalCost).toBeCloseTo(result.plan.totals.cost + result.plan.orderingCost, 6);
  });

  it('never costs more than keeping Q, and keeps Q when the budget does not bind', () => {
    const items = [flexItem(), flexItem({ sku: 'SKU-B', unitCost: 40, annualDemand: 500, orderingCost: 80, orderQuantity: 89, demandStd: 6, demandMean: 20 })];
    const loose = optimiseStockLevelsFlexible({ items, constraints: { budget: 1e9 } });
    expect(loose.ok && loose.plan.items.map((i) => i.orderQuantity)).toEqual([141, 89]);
    for (const share of [0.9, 1.1, 1.3]) {
      const budget = share * ((20 * 141 + 40 * 89) / 2);
      const fixed = optimiseStockLevels({ items, constraints: { budget } });
      const flexible = optimiseStockLevelsFlexible({ items, constraints: { budget } });
      expect(flexible.ok).toBe(true);
      if (!flexible.ok) continue;
      expect(flexible.plan.totals.inventoryValue).toBeLessThanOrEqual(budget + 1e-9);
      if (fixed.ok) {
        const fixedOrdering = (50 * 1000) / 141 + (80 * 500) / 89;
        expect(flexible.plan.totalCost).toBeLessThanOrEqual(fixed.plan.totals.cost + fixedOrdering + 1e-9);
      }
    }
  });

  it('is INVALID_INPUT naming the minimum when even one-unit orders at the lowest levels exceed the budget', () => {
    const result = optimiseStockLevelsFlexible({ items: [flexItem({ demandStd: 0, minimumOrderQuantity: 50 })], constraints: { budget: 100 } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_INPUT');
    expect(result.error.details).toMatchObject({ infeasible: [{ constraint: 'budget', minimumNeeded: 500 }] });
  });
});
