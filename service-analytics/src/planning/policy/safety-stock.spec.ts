import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseStandardNormal, inverseStandardNormalLoss, standardNormalCdf, standardNormalLoss } from './normal.js';
import { SAFETY_FACTOR_BOUNDS, safetyFactorForCycleServiceLevel, safetyFactorForFillRate, safetyStockForFillRate } from './safety-stock.js';

describe('the standard normal distribution', () => {
  it('matches the tables of Φ, Φ⁻¹ and the loss function G', () => {
    expect(standardNormalCdf(1)).toBeCloseTo(0.841345, 6);
    expect(inverseStandardNormal(0.975)).toBeCloseTo(1.959964, 5); // simple-statistics' probit alone gives 1.9572
    expect(inverseStandardNormal(0.5)).toBeCloseTo(0, 6);
    // Silver, Pyke & Thomas, table of G(k)
    expect(standardNormalLoss(0)).toBeCloseTo(0.3989, 4);
    expect(standardNormalLoss(1)).toBeCloseTo(0.0833, 4);
    expect(standardNormalLoss(2)).toBeCloseTo(0.0085, 4);
    expect(inverseStandardNormalLoss(0.0833)).toBeCloseTo(1.0, 2);
    expect(inverseStandardNormalLoss(0.1004)).toBeCloseTo(0.9, 2);
  });
});

describe('safety factors', () => {
  it('takes Φ⁻¹ for a cycle service level', () => {
    expect(safetyFactorForCycleServiceLevel(0.95)).toBeCloseTo(1.6449, 4);
    // Lead-time demand N(100, 20²) at 95 % cycle service: reorder point 100 + 1.645 × 20
    expect(100 + safetyFactorForCycleServiceLevel(0.95) * 20).toBeCloseTo(132.9, 1);
  });

  it('solves G(k) = (1 − β)·Q/σ for a fill rate when Q is large against σ', () => {
    // (1 − 0.99) × 1000 / 100 = 0.1 = G(0.90); G(k + 10) is negligible
    expect(safetyFactorForFillRate({ fillRate: 0.99, orderQuantity: 1000, sigma: 100 })).toBeCloseTo(0.9, 2);
  });

  it('gives safety stock on a known normal: expected shortage per cycle equals the (1 − β)·Q the fill rate allows', () => {
    // Demand over the protection interval N(μ, 20²), orders of 200, 98 % fill rate: 4 units short per cycle allowed.
    const { safetyFactor, safetyStock } = safetyStockForFillRate({ fillRate: 0.98, orderQuantity: 200, sigma: 20 });
    expect(safetyFactor).toBeCloseTo(0.4929, 3); // G(k) = 0.2: between G(0.49) = 0.2009 and G(0.50) = 0.1978
    expect(safetyStock).toBeCloseTo(20 * safetyFactor, 10);
    const shortPerCycle = 20 * (standardNormalLoss(safetyFactor) - standardNormalLoss(safetyFactor + 200 / 20));
    expect(shortPerCycle).toBeCloseTo(0.02 * 200, 6);
  });

  it('needs no safety stock without uncertainty, and stays inside its bounds', () => {
    expect(safetyStockForFillRate({ fillRate: 0.95, orderQuantity: 50, sigma: 0 }).safetyStock).toBe(0);
    // Tiny orders against a large σ: every cycle risks its whole order, so the fill rate acts as a cycle service level, Φ⁻¹(0.999) = 3.09
    expect(safetyFactorForFillRate({ fillRate: 0.999, orderQuantity: 0.01, sigma: 1000 })).toBeCloseTo(3.09, 2);
    expect(safetyFactorForFillRate({ fillRate: 0.99999, orderQuantity: 0.01, sigma: 1000 })).toBe(SAFETY_FACTOR_BOUNDS.max);
    // Orders covering far more than the uncertainty: a negative factor (stock a little under the mean), never below the bound.
    const k = safetyFactorForFillRate({ fillRate: 0.9, orderQuantity: 500, sigma: 5 });
    expect(k).toBeLessThan(0);
    expect(k).toBeGreaterThanOrEqual(SAFETY_FACTOR_BOUNDS.min);
    expect(() => safetyFactorForFillRate({ fillRate: 1, orderQuantity: 10, sigma: 1 })).toThrow(RangeError);
  });

  it('never lowers safety stock for a higher fill rate (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        fc.double({ min: 0.1, max: 5000, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        (a, b, orderQuantity, sigma) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const lowStock = safetyStockForFillRate({ fillRate: low, orderQuantity, sigma }).safetyStock;
          const highStock = safetyStockForFillRate({ fillRate: high, orderQuantity, sigma }).safetyStock;
          expect(highStock).toBeGreaterThanOrEqual(lowStock - 1e-9 * sigma);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });
});
