import type { StoredPurchaseOrderRequest } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import { purchaseOrderNotes, toCreatePurchaseOrder } from './purchase-order.request-input.js';

const SUPPLIER_ID = '65a1b2c3d4e5f60718293a4b';

function aRequest(overrides: Partial<StoredPurchaseOrderRequest> = {}): StoredPurchaseOrderRequest {
  return {
    _id: 'por-acme-1',
    tenantId: 'acme',
    status: 'recorded',
    supplierCode: 'SUP-1',
    locationCode: 'WH-1',
    lines: [
      { sku: 'A', quantity: 200, unitCost: 3.5 },
      { sku: 'B', quantity: 12, unitCost: 0 },
    ],
    expectedDate: new Date('2026-12-01T00:00:00Z'),
    recommendationIds: ['rec-1', 'rec-2'],
    requestedBy: { apiKeyId: 'k1', name: 'Dana (purchasing)' },
    createdAt: new Date('2026-11-20T08:00:00Z'),
    completedAt: null,
    purchaseOrderId: null,
    poNumber: null,
    ...overrides,
  };
}

describe('purchaseOrderNotes', () => {
  it('names the accepted recommendations and who accepted them', () => {
    expect(purchaseOrderNotes(aRequest())).toBe('Accepted recommendations rec-1, rec-2 by Dana (purchasing)');
    expect(purchaseOrderNotes(aRequest({ recommendationIds: ['rec-9'] }))).toBe('Accepted recommendation rec-9 by Dana (purchasing)');
  });

  it('counts the ids that would not fit the 1 000-character notes instead of cutting one in half', () => {
    const ids = Array.from({ length: 100 }, (_, i) => `recommendation-${String(i).padStart(4, '0')}`);
    const notes = purchaseOrderNotes(aRequest({ recommendationIds: ids }));
    expect(notes.length).toBeLessThanOrEqual(1_000);
    const listed = notes.match(/recommendation-\d{4}/g) ?? [];
    expect(listed.length).toBeGreaterThan(40);
    expect(notes).toContain(`${listed.at(-1)} and ${100 - listed.length} more by Dana (purchasing)`);
    expect(listed).toEqual(ids.slice(0, listed.length));
  });
});

describe('toCreatePurchaseOrder', () => {
  it('asks for a placed order keyed to the request, with its lines, location and expected date', () => {
    const input = toCreatePurchaseOrder(aRequest(), SUPPLIER_ID);
    expect(input.success && input.data).toEqual({
      supplierId: SUPPLIER_ID,
      locationCode: 'WH-1',
      lines: [
        { sku: 'A', quantity: 200, unitCost: 3.5 },
        { sku: 'B', quantity: 12, unitCost: 0 },
      ],
      expectedDate: '2026-12-01T00:00:00.000Z',
      source: { type: 'recommendation', id: 'por-acme-1' },
      order: true,
      notes: 'Accepted recommendations rec-1, rec-2 by Dana (purchasing)',
    });
  });

  it("refuses what the create route would refuse, naming the field (a request id longer than an order's source id)", () => {
    const input = toCreatePurchaseOrder(aRequest({ _id: 'x'.repeat(65) }), SUPPLIER_ID);
    expect(input.success).toBe(false);
    expect(input.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['source.id']);
  });
});
