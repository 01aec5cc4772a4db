import { describe, expect, it } from 'vitest';
import { inverseStandardNormal, standardNormalLoss } from './normal.js';
import { safetyFactorForFillRate } from './safety-stock.js';
import { ALLOCATED_FILL_RATE_BOUNDS, allocatedFillRate, fillRateAtSafetyFactor, shortagePriceForTarget, type ServiceItem } from './service-allocation.js';

const HOLDING = 0.25;

describe('the fill rate one item gets at a shortage price', () => {
  it('follows the textbook rule when an order is large against σ: P(Z > k) = h·c·Q / (λ·D)', () => {
    // Silver, Pyke & Thomas §7.6 (cost per unit short): Q/σ = 25, so Φ(k + q) ≈ 1.
    // h·c·Q / (λ·D) = 0.25 × 10 × 500 / (5 × 1000) = 0.25 → k = Φ⁻¹(0.75) = 0.6745
    const item: ServiceItem = { annualDemand: 1000, unitCost: 10, cycleQuantity: 500, sigma: 20 };
    const k = inverseStandardNormal(0.75);
    expect(k).toBeCloseTo(0.6745, 4);
    // fill rate = 1 − σ·G(k)/Q = 1 − 20 × 0.1492 / 500
    expect(allocatedFillRate(item, 5, HOLDING)).toBeCloseTo(1 - (20 * standardNormalLoss(k)) / 500, 6);
    expect(allocatedFillRate(item, 5, HOLDING)).toBeCloseTo(0.99403, 4);
  });

  it('is the fill rate whose safety factor the fill-rate solver gives back', () => {
    const k = 0.8;
    const beta = fillRateAtSafetyFactor(k, 40, 25);
    expect(safetyFactorForFillRate({ fillRate: beta, orderQuantity: 40, sigma: 25 })).toBeCloseTo(k, 6);
  });

  it('rises with the price and gives a cheap item more than a dear one', () => {
    const cheap: ServiceItem = { annualDemand: 200, unitCost: 2, cycleQuantity: 10, sigma: 8 };
    const dear = { ...cheap, unitCost: 200 };
    const prices = [0.5, 2, 8, 32, 128];
    const rates = prices.map((p) => allocatedFillRate(cheap, p, HOLDING));
    for (let i = 1; i < rates.length; i++) expect(rates[i]!).toBeGreaterThanOrEqual(rates[i - 1]!);
    expect(allocatedFillRate(cheap, 8, HOLDING)).toBeGreaterThan(allocatedFillRate(dear, 8, HOLDING));
  });

  it('stays within the bounds, and an item with no uncertainty gets the top', () => {
    const item: ServiceItem = { annualDemand: 5, unitCost: 500, cycleQuantity: 1, sigma: 3 };
    expect(allocatedFillRate(item, 0.01, HOLDING)).toBe(ALLOCATED_FILL_RATE_BOUNDS.min);
    expect(allocatedFillRate({ ...item, unitCost: 0.01 }, 1e6, HOLDING)).toBe(ALLOCATED_FILL_RATE_BOUNDS.max);
    expect(allocatedFillRate({ ...item, sigma: 0 }, 1, HOLDING)).toBe(ALLOCATED_FILL_RATE_BOUNDS.max);
  });
});

describe('the shortage price that meets a tenant-wide fill rate', () => {
  // A mixed assortment: cheap fast movers, dear slow ones.
  const items: ServiceItem[] = Array.from({ length: 60 }, (_, i) => {
    const annualDemand = 20 + ((i * 37) % 50) * 20;
    const unitCost = 1 + ((i * 53) % 40) * 5;
    const sigma = Math.sqrt(annualDemand / 12);
    return { annualDemand, unitCost, cycleQuantity: Math.max(1, Math.round(annualDemand / 52)), sigma };
  });
  const demand = items.reduce((sum, i) => sum + i.annualDemand, 0);
  const safetyStockValue = (fillRates: number[]) =>
    items.reduce(
      (sum, item, i) =>
        sum + item.unitCost * item.sigma * safetyFactorForFillRate({ fillRate: fillRates[i]!, orderQuantity: item.cycleQuantity, sigma: item.sigma }),
      0,
    );

  it('finds the price whose allocated fill rates, weighted by demand, average the target', () => {
    const allocation = shortagePriceForTarget(items, 0.97, HOLDING)!;
    expect(allocation.items).toBe(60);
    const weighted = items.reduce((sum, item) => sum + item.annualDemand * allocatedFillRate(item, allocation.shortagePrice, HOLDING), 0) / demand;
    expect(weighted).toBeCloseTo(0.97, 4);
    expect(allocation.expectedFillRate).toBeCloseTo(weighted, 10);
    expect(shortagePriceForTarget(items, 0.99, HOLDING)!.shortagePrice).toBeGreaterThan(allocation.shortagePrice);
  });

  it('holds less safety stock than the same fill rate for every item', () => {
    const allocation = shortagePriceForTarget(items, 0.97, HOLDING)!;
    const allocated = items.map((item) => allocatedFillRate(item, allocation.shortagePrice, HOLDING));
    const uniform = safetyStockValue(items.map(() => 0.97));
    const optimised = safetyStockValue(allocated);
    expect(optimised).toBeLessThan(uniform * 0.95); // ≈ 9 % less on this assortment
    // and the dear items are the ones that give way
    const dearest = items.reduce((best, item, i) => (item.unitCost > items[best]!.unitCost ? i : best), 0);
    const cheapest = items.reduce((best, item, i) => (item.unitCost < items[best]!.unitCost ? i : best), 0);
    expect(allocated[cheapest]!).toBeGreaterThan(allocated[dearest]!);
  });

  it('has no price for items without demand, and refuses a target outside (0, 1)', () => {
    expect(shortagePriceForTarget([{ annualDemand: 0, unitCost: 1, cycleQuantity: 1, sigma: 1 }], 0.95, HOLDING)).toBeNull();
    expect(() => shortagePriceForTarget(items, 1, HOLDING)).toThrow(/between 0 and 1/);
  });
});
