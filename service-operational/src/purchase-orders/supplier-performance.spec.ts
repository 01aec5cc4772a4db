import { describe, expect, it } from 'vitest';
import { supplierPerformance } from './supplier-performance.js';

const d = (day: string) => new Date(`${day}T15:00:00Z`);

describe('supplierPerformance', () => {
  it('has nothing to say without closed orders', () => {
    expect(supplierPerformance([{ status: 'ordered', expectedDate: d('2026-01-10'), receivedAt: null, ordered: 5, received: 0 }])).toEqual({
      purchaseOrdersReceived: 0,
      onTimeRate: null,
      averageDelayDays: null,
      fillRate: null,
    });
  });

  it('counts a receipt on the expected day (any hour) as on time, and early as zero delay', () => {
    const result = supplierPerformance([
      { status: 'received', expectedDate: d('2026-01-10'), receivedAt: new Date('2026-01-10T23:59:00Z'), ordered: 10, received: 10 },
      { status: 'received', expectedDate: d('2026-01-10'), receivedAt: d('2026-01-07'), ordered: 10, received: 10 },
      { status: 'received', expectedDate: d('2026-01-10'), receivedAt: d('2026-01-14'), ordered: 10, received: 10 },
    ]);
    expect(result).toEqual({ purchaseOrdersReceived: 3, onTimeRate: 0.667, averageDelayDays: 1.333, fillRate: 1 });
  });

  it('measures fill rate over received orders and orders cancelled after a partial receipt', () => {
    const result = supplierPerformance([
      { status: 'received', expectedDate: d('2026-01-10'), receivedAt: d('2026-01-10'), ordered: 10, received: 10 },
      { status: 'cancelled', expectedDate: d('2026-01-10'), receivedAt: null, ordered: 10, received: 4 },
      { status: 'cancelled', expectedDate: d('2026-01-10'), receivedAt: null, ordered: 50, received: 0 },
      { status: 'partiallyReceived', expectedDate: d('2026-01-10'), receivedAt: null, ordered: 10, received: 9 },
    ]);
    expect(result.fillRate).toBe(0.7);
    expect(result.purchaseOrdersReceived).toBe(1);
  });
});
