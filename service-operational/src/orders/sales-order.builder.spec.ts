import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { closedLine, openLine, salesOrderDocument } from './sales-order.builder.js';

const priced = (sku: string, quantity: number, unitPrice: number) => ({ sku, quantity, listPrice: 10, unitPrice, discountPercent: 0, campaignId: null });
const header = {
  _id: new Types.ObjectId(),
  orderNumber: 'SO-20260301-0001',
  customer: { code: 'C-1', segment: 'retail' },
  locationCode: 'ST-1',
  onShortage: 'fail' as const,
};

describe('sales-order builder', () => {
  it('takes a line open, with nothing reserved, shipped or unserved', () => {
    expect(openLine(3, priced('A', 2, 8))).toMatchObject({
      line: 3,
      sku: 'A',
      quantity: 2,
      unitPrice: 8,
      status: 'open',
      reservedQuantity: 0,
      shippedQuantity: 0,
      returnedQuantity: 0,
      unfulfilledQuantity: 0,
      backorderedQuantity: 0,
    });
  });

  it('closes a line as served in full or as demand not served, keeping the demanded quantity', () => {
    expect(closedLine(0, priced('A', 5, 8), 'served')).toMatchObject({ status: 'shipped', quantity: 5, shippedQuantity: 5, unfulfilledQuantity: 0 });
    expect(closedLine(0, priced('A', 5, 8), 'rejected')).toMatchObject({ status: 'rejected', quantity: 5, shippedQuantity: 0, unfulfilledQuantity: 5 });
  });

  it('totals only what is served, and dates the order from its status history', () => {
    const taken = new Date('2026-03-01T09:00:00Z');
    const shipped = new Date('2026-03-02T09:00:00Z');
    const doc = salesOrderDocument(
      header,
      [closedLine(0, priced('A', 3, 2.5), 'served'), closedLine(1, priced('B', 4, 9), 'rejected')],
      [
        { status: 'pending', at: taken },
        { status: 'confirmed', at: taken },
        { status: 'shipped', at: shipped },
      ],
    );
    expect(doc).toMatchObject({
      status: 'shipped',
      totalAmount: 7.5,
      customerCode: 'C-1',
      customerSegment: 'retail',
      orderedAt: taken,
      createdAt: taken,
      updatedAt: shipped,
      returns: [],
    });
    expect(doc).not.toHaveProperty('notes');
  });
});
