import { describe, expect, it } from 'vitest';
import { drawDays, simulateRule, type SimulatedPair } from './optimize-simulation.js';

const steady: SimulatedPair = {
  sku: 'SKU-1',
  locationCode: 'WH-1',
  dailyMean: 10,
  dailyStd: 0,
  leadTimeDays: 5,
  leadTimeStdDays: 0,
  unitCost: 10,
  holdingCostRate: 0.25,
  orderingCost: 25,
  shortageCost: 4,
  minimumOrderQuantity: 1,
  packSize: 1,
};
const year = { days: 365, warmupDays: 56, seed: 17 };

describe('the optimisation run’s replenishment simulation', () => {
  it('on steady demand a reorder point of lead-time demand never runs short: evening stock 90, 80, … 0 (mean 45) and one order per 10 days', () => {
    const outcome = simulateRule(steady, { reorderPoint: 50, orderQuantity: 100 }, drawDays(steady, year), year);
    expect(outcome.demanded).toBe(3650);
    expect(outcome.served).toBe(3650);
    expect(outcome.lostMarginCost).toBe(0);
    expect([36, 37]).toContain(outcome.orders);
    expect(outcome.orderingCost).toBe(outcome.orders * 25);
    // 45 units on average × 10 × 25 % a year, to within the half cycle the year does not fill.
    expect(outcome.holdingCost).toBeGreaterThan(44 * 2.5);
    expect(outcome.holdingCost).toBeLessThan(46 * 2.5);
  });

  it('a reorder point below zero never orders: after the warm-up everything is lost, at the margin', () => {
    const outcome = simulateRule(steady, { reorderPoint: -1, orderQuantity: 100 }, drawDays(steady, year), year);
    expect(outcome).toMatchObject({ served: 0, orders: 0, demanded: 3650, lostMarginCost: 3650 * 4, holdingCost: 0 });
  });

  it('rounds orders to the supplier: a minimum of 200 halves the orders', () => {
    const outcome = simulateRule({ ...steady, minimumOrderQuantity: 200 }, { reorderPoint: 50, orderQuantity: 100 }, drawDays(steady, year), year);
    expect([18, 19]).toContain(outcome.orders);
  });

  it('draws the same days for the same pair (both rules see them) and other days for another pair', () => {
    const noisy = { ...steady, dailyStd: 4, leadTimeStdDays: 2 };
    const a = drawDays(noisy, year);
    const b = drawDays(noisy, year);
    expect(b.demand).toEqual(a.demand);
    // The n-th order's lead time is the same whichever rule asks first, and in whatever order.
    const later = Array.from({ length: 30 }, (_, k) => b.leadTime(29 - k)).reverse();
    expect(Array.from({ length: 30 }, (_, k) => a.leadTime(k))).toEqual(later);
    expect(new Set(later).size).toBeGreaterThan(1);
    expect(drawDays({ ...noisy, sku: 'SKU-2' }, year).demand).not.toEqual(a.demand);
    expect(Math.min(...a.demand)).toBeGreaterThanOrEqual(0);
    const mean = a.demand.reduce((s, d) => s + d, 0) / a.demand.length;
    expect(mean).toBeGreaterThan(9.4);
    expect(mean).toBeLessThan(10.6);
    // On the same draws a higher reorder point serves at least as much here and holds more.
    const low = simulateRule(noisy, { reorderPoint: 50, orderQuantity: 100 }, a, year);
    const high = simulateRule(noisy, { reorderPoint: 80, orderQuantity: 100 }, a, year);
    expect(high.served).toBeGreaterThanOrEqual(low.served);
    expect(high.holdingCost).toBeGreaterThan(low.holdingCost);
  });
});
