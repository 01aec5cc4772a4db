import { describe, expect, it } from 'vitest';
import { decide, isReviewDay } from './decide.js';
import type { DecisionInput, ResolvedRule, SupplierOption } from './policy.types.js';
import { safetyStockForFillRate } from './safety-stock.js';

const rule = (overrides: Partial<ResolvedRule> = {}): ResolvedRule => ({
  strategy: 'FORECAST_BASED',
  serviceLevel: 0.95,
  reviewPeriodDays: 7,
  minStock: null,
  maxStock: null,
  reorderPoint: null,
  reorderQuantity: null,
  ...overrides,
});
const supplier = (overrides: Partial<SupplierOption> = {}): SupplierOption => ({
  supplierCode: 'SUP-01',
  supplierName: 'Acme',
  unitCost: 4,
  minimumOrderQuantity: 24,
  packSize: 12,
  leadTimeDays: 5,
  preferred: true,
  delivery: null,
  ...overrides,
});
/** 10 a day, error σ given, from 2026-01-01 (a review day for 7: day 20454 = 7 × 2922). */
const anInput = (overrides: Partial<DecisionInput> = {}, std = 0): DecisionInput => ({
  today: '2026-01-01',
  sku: 'SKU-1',
  locationCode: 'DC',
  unitPrice: 9,
  rule: rule(),
  position: { onHand: 40, reserved: 0, backOrdered: 0, inTransit: 0, onOrder: [] },
  demand: { mean: Array<number>(56).fill(10), std: Array<number>(56).fill(std), source: 'test forecast' },
  suppliers: [supplier()],
  costs: { holdingCostRate: 0.25, orderingCost: 25 },
  ...overrides,
});

describe('decide', () => {
  it('orders up to demand over L + R when the position is at the reorder point (no uncertainty: no safety stock)', () => {
    const decision = decide(anInput());
    expect(decision.reorderPoint).toBe(50); // 5 d × 10
    expect(decision.orderUpTo).toBe(120); // 12 d × 10
    expect(decision.safetyStock).toBe(0);
    expect(decision.order).toMatchObject({ rawQuantity: 80, quantity: 84, supplierCode: 'SUP-01', cost: 336, expectedArrivalDate: '2026-01-06' });
    // 40 units last 4 days (short on the 5th, 2026-01-05); order by 5 days before: 2025-12-31, overdue
    expect(decision.stockoutDate).toBe('2026-01-05');
    expect(decision.order!.orderByDate).toBe('2025-12-31');
    expect(decision.priority).toBe('CRITICAL');
    expect(decision.stockoutProbability).toBe(1);
    expect(decision.demand7Days).toBe(70);
    expect(decision.reasoning.join('\n')).toContain('Position 40 ≤ reorder point 50: order up to 120 − 40 = 80');
    expect(decision.reasoning.join('\n')).toContain('Rounded 80 up to 84: minimum 24, pack 12');
  });

  it('sets safety stock from the forecast error over L + R at the fill rate, with orders of one review period', () => {
    const decision = decide(anInput({}, 3));
    const sigma = 3 * Math.sqrt(12);
    const expected = safetyStockForFillRate({ fillRate: 0.95, orderQuantity: 72, sigma }).safetyStock; // 70 rounded to 6 packs
    expect(decision.safetyStock).toBeCloseTo(expected, 10);
    expect(decision.safetyStock).toBeGreaterThan(0);
    expect(decision.reorderPoint).toBeCloseTo(50 + expected, 10);
    expect(decision.orderUpTo).toBeCloseTo(120 + expected, 10);
  });

  it('adds the measured delay of a supplier with enough received orders to the lead time', () => {
    const late = supplier({ delivery: { receivedOrders: 6, meanDelayDays: 2, delayStdDays: 1.5, onTimeRate: 0.7 } });
    const decision = decide(anInput({ suppliers: [late] }));
    expect(decision.leadTimeDays).toBe(7);
    expect(decision.leadTimeStdDays).toBe(1.5);
    expect(decision.demandOverLeadTime).toBe(70);
    expect(decision.safetyStock).toBeGreaterThan(0); // the spread alone: σ = 10 × 1.5
  });

  it('does not order above the reorder point, and says when to', () => {
    const decision = decide(anInput({ position: { onHand: 200, reserved: 0, backOrdered: 0, inTransit: 0, onOrder: [] } }));
    expect(decision.order).toBeNull();
    expect(decision.stockoutDate).toBe('2026-01-21'); // 200 last 20 days
    expect(decision.priority).toBe('LOW'); // order by 2026-01-16: 15 days left
    expect(decision.reasoning.join('\n')).toContain('order by 2026-01-16 (15 d left: LOW)');
  });

  it('counts open purchase orders in the position', () => {
    const decision = decide(
      anInput({ position: { onHand: 40, reserved: 0, backOrdered: 0, inTransit: 0, onOrder: [{ quantity: 60, expectedDate: '2026-01-03' }] } }),
    );
    expect(decision.inventoryPosition).toBe(100);
    expect(decision.order).toBeNull();
    expect(decision.stockoutDate).toBe('2026-01-11');
  });

  it('follows each strategy', () => {
    expect(decide(anInput({ rule: rule({ strategy: 'MANUAL' }) })).order).toBeNull();
    const minMax = decide(anInput({ rule: rule({ strategy: 'MIN_MAX', minStock: 45, maxStock: 150 }) }));
    expect([minMax.reorderPoint, minMax.orderUpTo, minMax.order!.rawQuantity]).toEqual([45, 150, 110]);
    expect(decide(anInput({ rule: rule({ strategy: 'MIN_MAX', minStock: 30, maxStock: 150 }) })).order).toBeNull();
    // EOQ: D = 3650, S = 25, H = 1 → √182 500 = 427.2 → 432 (36 packs); position 40 ≤ 50: one batch
    const withEoq = decide(anInput({ rule: rule({ strategy: 'REORDER_POINT_EOQ' }) }));
    expect(withEoq.order!.quantity).toBe(432);
    expect(withEoq.orderUpTo).toBe(482);
    // Periodic review orders up to S on review days even above the reorder point, and not on other days
    const above = { onHand: 100, reserved: 0, backOrdered: 0, inTransit: 0, onOrder: [] };
    expect(decide(anInput({ rule: rule({ strategy: 'PERIODIC_REVIEW' }), position: above })).order!.rawQuantity).toBe(20);
    expect(decide(anInput({ today: '2026-01-02', rule: rule({ strategy: 'PERIODIC_REVIEW' }), position: above })).order).toBeNull();
    // Lot for lot: exactly the net requirement over L + R, rounded
    const lot = decide(anInput({ rule: rule({ strategy: 'LOT_FOR_LOT' }), position: above }));
    expect([lot.order!.rawQuantity, lot.order!.quantity]).toEqual([20, 24]);
  });

  it('answers without ordering when no supplier is linked', () => {
    const decision = decide(anInput({ suppliers: [] }));
    expect(decision.order).toBeNull();
    expect(decision.reasoning).toContain('No supplier is linked to this SKU: nothing can be ordered');
  });

  it('anchors review days on the UTC day number', () => {
    expect(isReviewDay('2026-01-01', 7)).toBe(true);
    expect(isReviewDay('2026-01-08', 7)).toBe(true);
    expect(isReviewDay('2026-01-05', 7)).toBe(false);
    expect(isReviewDay('2026-01-05', 1)).toBe(true);
  });
});
