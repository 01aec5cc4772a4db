import { describe, expect, it } from 'vitest';
import { optimiseSupplierMix, shareCost, type MixSupplier, type SupplierMixInput } from './supplier-mix.js';

const costs = { holdingCostRate: 0.25, orderingCost: 25 };
const reliable: MixSupplier = { supplierCode: 'SUP-A', unitCost: 10, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 7, leadTimeStdDays: 0 };
const input = (suppliers: MixSupplier[], over: Partial<SupplierMixInput> = {}): SupplierMixInput => ({
  annualDemand: 3650,
  dailyMean: 10,
  dailyStd: 3,
  safetyFactor: 1.65,
  costs,
  suppliers,
  ...over,
});

describe('optimiseSupplierMix', () => {
  it('prices a supplier alone: purchase + ordering at the rounded EOQ + holding of Q/2 and the lead-time safety stock', () => {
    // EOQ √(2·3650·25 / 2.5) = 270.2 → 271; safety stock 1.65·√(7·3²) = 13.10; 36,500 + 25·3650/271 + 2.5·(135.5 + 13.10).
    const a = shareCost(input([reliable]), reliable, 1);
    expect(a.orderQuantity).toBe(271);
    expect(a.safetyStock).toBeCloseTo(1.65 * Math.sqrt(63), 9);
    expect(a.yearlyCost).toBeCloseTo(36_500 + (25 * 3650) / 271 + 2.5 * (135.5 + 1.65 * Math.sqrt(63)), 6);
    expect(a.yearlyCost).toBeCloseTo(37_208.2, 1);
  });

  it('keeps the reliable supplier when a cheaper one’s lead-time spread costs more safety stock than its price saves', () => {
    // SUP-B 0.5 % cheaper but 14 ± 8 days: σ = √(14·9 + 10²·8²) = 80.8, safety stock 133.3 → 37,322.8 a year against 37,208.2.
    const unreliable: MixSupplier = { supplierCode: 'SUP-B', unitCost: 9.95, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 14, leadTimeStdDays: 8 };
    const mix = optimiseSupplierMix(input([unreliable, reliable]));
    expect(mix.shares).toEqual([expect.objectContaining({ supplierCode: 'SUP-A', share: 1 })]);
    expect(shareCost(input([unreliable]), unreliable, 1).yearlyCost).toBeCloseTo(37_322.8, 0);
    // Reliable (σ_L 1 day) it wins on price: 36,317.5 + 336.7 + 2.4875·(135.5 + 1.65·√(126 + 100)).
    const steady = { ...unreliable, leadTimeStdDays: 1 };
    expect(optimiseSupplierMix(input([steady, reliable])).shares).toEqual([expect.objectContaining({ supplierCode: 'SUP-B', share: 1 })]);
  });

  it('a minimum order too large for a slow item loses the cheaper supplier its price advantage', () => {
    const bulk: MixSupplier = { supplierCode: 'SUP-C', unitCost: 9, minimumOrderQuantity: 600, packSize: 1, leadTimeDays: 7, leadTimeStdDays: 0 };
    const slow = { annualDemand: 365, dailyMean: 1, dailyStd: 1 };
    // SUP-A: Q 86, 3,650 + 106.1 + 2.5·(43 + 4.37) = 3,874.5; SUP-C: Q 600, 3,285 + 15.2 + 2.25·(300 + 4.37) = 3,985.0.
    const mix = optimiseSupplierMix(input([bulk, reliable], slow));
    expect(mix.shares.map((s) => s.supplierCode)).toEqual(['SUP-A']);
    expect(mix.yearlyCost).toBeCloseTo(3650 + (25 * 365) / 86 + 2.5 * (43 + 1.65 * Math.sqrt(7)), 6);
    // Without the minimum, SUP-C's price wins.
    expect(optimiseSupplierMix(input([{ ...bulk, minimumOrderQuantity: 1 }, reliable], slow)).shares.map((s) => s.supplierCode)).toEqual(['SUP-C']);
  });

  it('never costs more than any supplier alone, and its shares cover the demand', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let n = 0; n < 50; n++) {
      const suppliers = Array.from({ length: 2 + Math.floor(random() * 3) }, (_, i) => ({
        supplierCode: `S${i}`,
        unitCost: 5 + random() * 10,
        minimumOrderQuantity: 1 + Math.floor(random() * 300),
        packSize: 1 + Math.floor(random() * 24),
        leadTimeDays: 2 + random() * 30,
        leadTimeStdDays: random() * 6,
      }));
      const daily = 0.5 + random() * 40;
      const case_ = input(suppliers, { annualDemand: daily * 365, dailyMean: daily, dailyStd: Math.sqrt(daily) });
      const mix = optimiseSupplierMix(case_);
      for (const s of suppliers) expect(mix.yearlyCost).toBeLessThanOrEqual(shareCost(case_, s, 1).yearlyCost + 1e-9);
      expect(mix.shares.reduce((t, s) => t + s.share, 0)).toBeCloseTo(1, 12);
    }
  });
});
