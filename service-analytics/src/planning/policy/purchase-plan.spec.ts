import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affordableQuantity, consolidatePurchasePlans, type PlanCandidate } from './purchase-plan.js';
import { PRIORITIES } from './policy.types.js';

function candidate(id: string, fields: Partial<PlanCandidate> = {}): PlanCandidate {
  return {
    recommendationId: id,
    sku: `SKU-${id}`,
    productName: `Product ${id}`,
    supplierCode: 'SUP-A',
    supplierName: 'Supplier A',
    locationCode: 'WH-1',
    priority: 'MEDIUM',
    orderByDate: '2026-03-10',
    quantity: 10,
    unitCost: 4,
    minimumOrderQuantity: 1,
    packSize: 1,
    ...fields,
  };
}

describe('consolidatePurchasePlans', () => {
  it('makes one plan per supplier × location, with line and plan totals', () => {
    const plan = consolidatePurchasePlans(
      [
        candidate('a', { quantity: 10, unitCost: 4 }),
        candidate('b', { quantity: 5, unitCost: 2.5 }),
        candidate('c', { locationCode: 'WH-2', quantity: 3, unitCost: 10 }),
        candidate('d', { supplierCode: 'SUP-B', supplierName: 'Supplier B', quantity: 7, unitCost: 1 }),
      ],
      null,
    );
    expect(plan.plans.map((p) => [p.supplierCode, p.locationCode, p.lines.map((l) => l.recommendationId), p.totals])).toEqual([
      ['SUP-A', 'WH-1', ['a', 'b'], { lines: 2, units: 15, cost: 52.5 }],
      ['SUP-A', 'WH-2', ['c'], { lines: 1, units: 3, cost: 30 }],
      ['SUP-B', 'WH-1', ['d'], { lines: 1, units: 7, cost: 7 }],
    ]);
    expect(plan.totals).toEqual({ plans: 3, lines: 4, units: 25, cost: 89.5, budget: null, budgetLeft: null });
    expect(plan.deferred).toEqual([]);
  });

  it("re-rounds each line to the supplier's current minimum and pack, and says so", () => {
    const plan = consolidatePurchasePlans([candidate('a', { quantity: 37, minimumOrderQuantity: 50, packSize: 12 })], null);
    const line = plan.plans[0]!.lines[0]!;
    expect(line).toMatchObject({ recommendedQuantity: 37, quantity: 60, lineCost: 240 });
    expect(line.adjustment).toBe("rounded 37 to 60: the supplier's minimum is 50, pack 12");
    expect(consolidatePurchasePlans([candidate('b', { quantity: 24, packSize: 12 })], null).plans[0]!.lines[0]!.adjustment).toBeNull();
  });

  it('funds the most urgent first under a budget, cuts the line that does not fit to whole packs, and defers what cannot start', () => {
    const plan = consolidatePurchasePlans(
      [
        candidate('low', { priority: 'LOW', quantity: 10, unitCost: 1, minimumOrderQuantity: 5 }),
        candidate('high', { priority: 'HIGH', quantity: 50, unitCost: 4, packSize: 5 }),
        candidate('crit', { priority: 'CRITICAL', quantity: 100, unitCost: 4 }),
      ],
      450,
    );
    // CRITICAL 100 × 4 = 400 whole; HIGH wants 200 but 50 are left: 12.5 units, so 2 packs of 5 = 10 units = 40; LOW needs at least 5 units = 5, only 10 left: 10 units = 10.
    const lines = plan.plans.flatMap((p) => p.lines);
    expect(lines.map((l) => [l.recommendationId, l.quantity, l.lineCost])).toEqual([
      ['crit', 100, 400],
      ['high', 10, 40],
      ['low', 10, 10],
    ]);
    expect(lines[1]!.adjustment).toBe('cut from 50 to 10 to fit the budget (50.00 left)');
    expect(plan.totals).toMatchObject({ cost: 450, budget: 450, budgetLeft: 0 });

    const tight = consolidatePurchasePlans(
      [
        candidate('crit', { priority: 'CRITICAL', quantity: 100, unitCost: 4 }),
        candidate('low', { priority: 'LOW', quantity: 10, unitCost: 1, minimumOrderQuantity: 10 }),
      ],
      405,
    );
    expect(tight.plans.flatMap((p) => p.lines).map((l) => l.recommendationId)).toEqual(['crit']);
    expect(tight.deferred).toEqual([
      {
        recommendationId: 'low',
        sku: 'SKU-low',
        supplierCode: 'SUP-A',
        locationCode: 'WH-1',
        priority: 'LOW',
        quantity: 10,
        cost: 10,
        reason: "needs 10.00; 5.00 of the budget left, less than the supplier's smallest order (10 units)",
      },
    ]);
  });

  it('orders equal priorities by the earlier order-by day, and plans by urgency then cost', () => {
    const plan = consolidatePurchasePlans(
      [
        candidate('late', { orderByDate: '2026-03-20', supplierCode: 'SUP-B' }),
        candidate('none', { orderByDate: null, supplierCode: 'SUP-C' }),
        candidate('early', { orderByDate: '2026-03-02', supplierCode: 'SUP-D', quantity: 1 }),
        candidate('urgent', { priority: 'HIGH', supplierCode: 'SUP-E', quantity: 1 }),
      ],
      null,
    );
    expect(plan.plans.map((p) => p.supplierCode)).toEqual(['SUP-E', 'SUP-B', 'SUP-C', 'SUP-D']);
    expect(plan.plans.find((p) => p.supplierCode === 'SUP-C')!.orderByDate).toBeNull();
  });

  it('never spends more than the budget, never orders below a minimum or off a pack, and accounts for every candidate', () => {
    const arbitraryCandidate = fc.record({
      priority: fc.constantFrom(...PRIORITIES),
      quantity: fc.integer({ min: 1, max: 500 }),
      unitCost: fc.integer({ min: 1, max: 5000 }).map((c) => c / 100),
      minimumOrderQuantity: fc.integer({ min: 1, max: 60 }),
      packSize: fc.integer({ min: 1, max: 24 }),
      supplierCode: fc.constantFrom('SUP-A', 'SUP-B'),
      locationCode: fc.constantFrom('WH-1', 'WH-2'),
    });
    fc.assert(
      fc.property(fc.array(arbitraryCandidate, { maxLength: 30 }), fc.integer({ min: 0, max: 20_000 }), (rows, budget) => {
        const candidates = rows.map((row, k) => candidate(String(k).padStart(3, '0'), row));
        const plan = consolidatePurchasePlans(candidates, budget);
        expect(plan.totals.cost).toBeLessThanOrEqual(budget + 1e-6);
        const lines = plan.plans.flatMap((p) => p.lines);
        expect(lines.length + plan.deferred.length).toBe(candidates.length);
        for (const line of lines) {
          const source = candidates.find((c) => c.recommendationId === line.recommendationId)!;
          expect(line.quantity % source.packSize).toBe(0);
          expect(line.quantity).toBeGreaterThanOrEqual(source.minimumOrderQuantity);
        }
      }),
      { seed: 20261205, numRuns: 300 },
    );
  });
});

describe('affordableQuantity', () => {
  it('is the whole packs the money buys, or 0 below the minimum', () => {
    expect(affordableQuantity(45, 10, 12, 4)).toBe(0); // 11.25 units: not one pack of 12
    expect(affordableQuantity(50, 10, 12, 4)).toBe(12);
    expect(affordableQuantity(100, 30, 12, 4)).toBe(0); // 2 packs = 24 < the minimum rounded up to 36
    expect(affordableQuantity(150, 30, 12, 4)).toBe(36);
  });
});
