import { describe, expect, it } from 'vitest';
import { giveable, planTransfers, type TransferCostSettings, type TransferLocation } from './transfers.js';

const costs: TransferCostSettings = { fixedCost: 20, unitCost: 0.5, leadTimeDays: 1, orderingCost: 50 };

/** A location that orders: 84 units (raw 80) from SUP-1 at 4 each, min 24, pack 12, arriving 2026-03-17. */
const short = (overrides: Partial<TransferLocation> = {}): TransferLocation => ({
  locationCode: 'WH-A',
  position: 40,
  shippable: 40,
  reorderPoint: 50,
  orderUpTo: 120,
  stockoutDate: '2026-03-14',
  order: { quantity: 84, rawQuantity: 80, supplierCode: 'SUP-1', unitCost: 4, minimumOrderQuantity: 24, packSize: 12, expectedArrivalDate: '2026-03-17' },
  ...overrides,
});
/** A location with plenty: position 300, order-up-to 150, reorder point 80. */
const full = (overrides: Partial<TransferLocation> = {}): TransferLocation => ({
  locationCode: 'WH-B',
  position: 300,
  shippable: 300,
  reorderPoint: 80,
  orderUpTo: 150,
  stockoutDate: null,
  order: null,
  ...overrides,
});
const today = '2026-03-10';

describe('giveable', () => {
  it('keeps the position at or above the order-up-to, above the reorder point, and the shelves at the reorder point', () => {
    expect(giveable(full())).toBe(150); // 300 − 150
    expect(giveable(full({ shippable: 200 }))).toBe(120); // shelves: 200 − 80 (the rest is on order)
    // order-up-to equal to the reorder point: keep strictly above it
    expect(giveable(full({ position: 100, shippable: 100, reorderPoint: 90, orderUpTo: 90 }))).toBe(9);
    expect(giveable(full({ position: 140 }))).toBe(0);
    expect(giveable(short())).toBe(0); // orders itself
  });
});

describe('planTransfers', () => {
  it('replaces an order it can cover in full when that is cheaper, with every number', () => {
    const [transfer, ...rest] = planTransfers({ today, sku: 'SKU-1', locations: [short(), full()], costs });
    expect(rest).toEqual([]);
    // 80 units: 20 + 0.5 × 80 = 60; avoids 84 × 4 + 50 = 386; saves 326
    expect(transfer).toMatchObject({
      fromLocationCode: 'WH-B',
      toLocationCode: 'WH-A',
      quantity: 80,
      arrivalDate: '2026-03-11',
      cost: 60,
      purchaseCostAvoided: 386,
      savings: 326,
      remainingOrder: null,
    });
    expect(transfer!.reasoning).toEqual([
      'WH-A needs 80 units of SKU-1 (order of 84 from SUP-1 at 4 = 336)',
      'WH-B can give 80: position 300 → 220, still at or above its order-up-to 150 and above its reorder point 80; 300 on its shelves',
      'Transfer cost 20 + 0.5 × 80 = 60; purchase avoided 386 (84 × 4 + ordering cost 50: no order needed); saves 326',
      'Transfer arrives 2026-03-11 (1 d), before the projected stock-out at WH-A on 2026-03-14',
    ]);
  });

  it('reduces the order when the source can give only part of the need', () => {
    // WH-B can give 50 (position 200 − order-up-to 150): 30 remain, rounded up to the minimum 24 → 36 (3 packs)
    const [transfer] = planTransfers({ today, sku: 'SKU-1', locations: [short(), full({ position: 200, shippable: 200 })], costs });
    expect(transfer).toMatchObject({ quantity: 50, cost: 45, remainingOrder: { quantity: 36, cost: 144 }, purchaseCostAvoided: 192, savings: 147 });
    expect(transfer!.reasoning[2]).toContain('order reduced from 84 to 36 units');
  });

  it('recommends nothing when moving costs more than buying', () => {
    expect(planTransfers({ today, sku: 'SKU-1', locations: [short(), full()], costs: { ...costs, fixedCost: 400 } })).toEqual([]);
    // A small part that leaves the order as large as before (rounded up to the minimum) avoids nothing
    const tiny = short({ order: { ...short().order!, quantity: 24, rawQuantity: 10 } });
    expect(planTransfers({ today, sku: 'SKU-1', locations: [tiny, full({ position: 155, shippable: 155 })], costs })).toEqual([]);
  });

  it('is late neither for the stock-out nor against the order it replaces', () => {
    const slowTruck = { ...costs, leadTimeDays: 5 }; // arrives 2026-03-15
    expect(planTransfers({ today, sku: 'SKU-1', locations: [short(), full()], costs: slowTruck })).toHaveLength(1); // before the order (03-17)
    const verySlow = { ...costs, leadTimeDays: 8 }; // 03-18: after the stock-out and after the order would arrive
    expect(planTransfers({ today, sku: 'SKU-1', locations: [short(), full()], costs: verySlow })).toEqual([]);
  });

  it('serves the most urgent location first from the source that saves most, never giving the same units twice', () => {
    const urgent = short({ locationCode: 'WH-C', stockoutDate: '2026-03-12' });
    const later = short({ locationCode: 'WH-A', stockoutDate: '2026-03-20' });
    const source = full({ position: 250, shippable: 250 }); // gives 100
    const locations = [later, source, urgent];
    const transfers = planTransfers({ today, sku: 'SKU-1', locations, costs });
    expect(transfers.map((t) => [t.toLocationCode, t.quantity, t.remainingOrder?.quantity ?? 0])).toEqual([
      ['WH-C', 80, 0],
      ['WH-A', 20, 60], // 60 remain: 5 packs of 12
    ]);
    expect(planTransfers({ today, sku: 'SKU-1', locations: [...locations].reverse(), costs })).toEqual(transfers);
  });
});
