import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eoq, roundToSupplier } from './order-quantity.js';

describe('eoq', () => {
  it('is the textbook √(2DS/H)', () => {
    // D = 1200, S = 100, H = 24 × 0.25 = 6 → √40 000 = 200
    expect(eoq({ annualDemand: 1200, orderingCost: 100, unitCost: 24, holdingCostRate: 0.25 })).toBeCloseTo(200, 10);
    // Four times the demand, twice the quantity
    expect(eoq({ annualDemand: 4800, orderingCost: 100, unitCost: 24, holdingCostRate: 0.25 })).toBeCloseTo(400, 10);
  });

  it('is zero without demand and refuses a free-to-hold item', () => {
    expect(eoq({ annualDemand: 0, orderingCost: 100, unitCost: 24, holdingCostRate: 0.25 })).toBe(0);
    expect(() => eoq({ annualDemand: 10, orderingCost: 100, unitCost: 0, holdingCostRate: 0.25 })).toThrow(RangeError);
  });
});

describe('roundToSupplier', () => {
  it('raises to the minimum, then to whole packs', () => {
    expect(roundToSupplier(37, 50, 12)).toBe(60); // 50 → 5 packs of 12
    expect(roundToSupplier(61, 50, 12)).toBe(72);
    expect(roundToSupplier(48, 24, 12)).toBe(48); // already a whole number of packs above the minimum
    expect(roundToSupplier(0.4, 1, 1)).toBe(1);
    expect(roundToSupplier(0, 50, 12)).toBe(0);
    expect(roundToSupplier(-3, 50, 12)).toBe(0);
  });

  it('is at least the raw quantity and the minimum, a whole number of packs, and less than a pack above either (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 1e5, noNaN: true }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 144 }), (raw, moq, pack) => {
        const rounded = roundToSupplier(raw, moq, pack);
        expect(rounded).toBeGreaterThanOrEqual(raw);
        expect(rounded).toBeGreaterThanOrEqual(moq);
        expect(rounded % pack).toBe(0);
        expect(rounded - Math.max(raw, moq)).toBeLessThan(pack);
      }),
      { seed: 14, numRuns: 500 },
    );
  });
});
