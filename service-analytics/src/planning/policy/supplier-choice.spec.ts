import { describe, expect, it } from 'vitest';
import type { SupplierOption } from './policy.types.js';
import { chooseSupplier, landedCost, type SupplierCandidate } from './supplier-choice.js';

const supplier = (code: string, unitCost: number, preferred = false): SupplierOption => ({
  supplierCode: code,
  supplierName: `Supplier ${code}`,
  unitCost,
  minimumOrderQuantity: 1,
  packSize: 1,
  leadTimeDays: 5,
  preferred,
  delivery: null,
});
const candidate = (
  s: SupplierOption,
  leadTimeDays: number,
  leadTimeStdDays: number,
  safetyStock: number,
  safetyStockWithoutSpread: number,
): SupplierCandidate => ({
  supplier: s,
  leadTimeDays,
  leadTimeStdDays,
  safetyStock,
  safetyStockWithoutSpread,
  cycleQuantity: 70,
});
const costs = { holdingCostRate: 0.25, orderingCost: 25 };
const annualDemand = 3650;

describe('landed cost', () => {
  it('adds ordering per unit and a year of holding cycle and safety stock per unit of annual demand', () => {
    const cost = landedCost(candidate(supplier('A', 10), 5, 3, 40, 10), annualDemand, costs);
    expect(cost.ordering).toBeCloseTo(25 / 70, 10);
    expect(cost.holding).toBeCloseTo((2.5 * (35 + 40)) / 3650, 10);
    expect(cost.unreliability).toBeCloseTo((2.5 * 30) / 3650, 10);
    expect(cost.total).toBeCloseTo(10 + 25 / 70 + (2.5 * 75) / 3650, 10); // 10.4085
  });
});

describe('supplier choice', () => {
  const unreliable = candidate(supplier('A', 10), 5, 3, 40, 10); // landed 10.4085
  const reliable = candidate(supplier('B', 10.2, true), 5, 0, 10, 10); // landed 10.2 + 0.3571 + 2.55 × 45 / 3650 = 10.5886

  it('takes the lowest landed cost, counting what unreliability costs', () => {
    const choice = chooseSupplier({ today: '2026-01-01', stockoutDate: null, candidates: [reliable, unreliable], annualDemand, costs });
    expect(choice.candidate.supplier.supplierCode).toBe('A');
    expect(choice.landed.total).toBeCloseTo(10.4085, 4);
    expect(choice.preferredLanded!.total).toBeCloseTo(10.5886, 4);
    expect(choice.reason).toContain('landed 10.41/u');
    expect(choice.reason).toContain('lead-time unreliability 0.02');
    expect(choice.reason).toContain('B 10.59/u');
  });

  it('prefers the preferred supplier within 1 % of the cheapest', () => {
    const nearlyAsCheap = candidate(supplier('B', 10.05, true), 5, 0, 40, 40); // 10.05 + 0.3571 + 2.5125 × 75 / 3650 = 10.4588: +0.48 %
    const choice = chooseSupplier({ today: '2026-01-01', stockoutDate: null, candidates: [unreliable, nearlyAsCheap], annualDemand, costs });
    expect(choice.candidate.supplier.supplierCode).toBe('B');
    expect(choice.reason).toMatch(/^B \(Supplier B\): preferred, within 1 %/);
  });

  it('drops suppliers that would arrive after the projected stock-out', () => {
    const slowCheap = candidate(supplier('A', 9), 10, 0, 10, 10);
    const fastDear = candidate(supplier('C', 11), 3, 0, 10, 10);
    const choice = chooseSupplier({ today: '2026-01-01', stockoutDate: '2026-01-06', candidates: [slowCheap, fastDear], annualDemand, costs });
    expect(choice.candidate.supplier.supplierCode).toBe('C');
    expect(choice.reason).toContain('arrives 2026-01-04 before the projected stock-out on 2026-01-06 (1 other would arrive too late)');
  });

  it('takes the fastest when none arrives in time', () => {
    const slow = candidate(supplier('A', 9), 10, 0, 10, 10);
    const lessSlow = candidate(supplier('C', 11), 7, 0, 10, 10);
    const choice = chooseSupplier({ today: '2026-01-01', stockoutDate: '2026-01-03', candidates: [slow, lessSlow], annualDemand, costs });
    expect(choice.candidate.supplier.supplierCode).toBe('C');
    expect(choice.reason).toContain('none arrives before the projected stock-out on 2026-01-03; fastest: arrives 2026-01-08');
  });
});
