import { Types } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { canTransition, cancel, draftPurchaseOrder, placeOrder, receive, type NewPurchaseOrder } from './purchase-order.lifecycle.js';

const at = (time: string) => new Date(`2026-03-0${time}Z`);

function aDraft(overrides: Partial<NewPurchaseOrder> = {}) {
  return draftPurchaseOrder({
    _id: new Types.ObjectId(),
    poNumber: 'PO-20260301-0001',
    supplierId: new Types.ObjectId(),
    supplierCode: 'SUP-1',
    locationCode: 'WH-1',
    lines: [
      { sku: 'A', quantity: 10, unitCost: 2.5 },
      { sku: 'B', quantity: 4, unitCost: 1.1 },
    ],
    expectedDate: at('8T12:00:00'),
    at: at('1T09:00:00'),
    ...overrides,
  });
}

describe('purchase-order lifecycle', () => {
  it('starts a draft with numbered lines, nothing received, its total cost and one status entry', () => {
    const draft = aDraft();
    expect(draft).toMatchObject({ status: 'draft', totalCost: 29.4, orderedAt: null, receivedAt: null, source: { type: 'manual' }, receipts: [] });
    expect(draft.lines.map((l) => [l.line, l.sku, l.receivedQuantity])).toEqual([
      [0, 'A', 0],
      [1, 'B', 0],
    ]);
    expect(draft.statusHistory).toEqual([{ status: 'draft', at: at('1T09:00:00') }]);
  });

  it('refuses a purchase order without lines or with a non-positive quantity', () => {
    expect(() => aDraft({ lines: [] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => aDraft({ lines: [{ sku: 'A', quantity: 0, unitCost: 1 }] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('places a draft: every line goes on order at the receiving location', () => {
    const draft = aDraft();
    const { order, movements } = placeOrder(draft, at('1T10:00:00'));
    expect(order).toMatchObject({ status: 'ordered', orderedAt: at('1T10:00:00') });
    expect(order.statusHistory.map((h) => h.status)).toEqual(['draft', 'ordered']);
    expect(movements).toEqual([
      { sku: 'A', locationCode: 'WH-1', type: 'order', deltas: { onOrder: 10 }, reference: { type: 'purchaseOrder', id: String(draft._id), line: 0 } },
      { sku: 'B', locationCode: 'WH-1', type: 'order', deltas: { onOrder: 4 }, reference: { type: 'purchaseOrder', id: String(draft._id), line: 1 } },
    ]);
    expect(draft.status).toBe('draft');
  });

  it('only places drafts and only receives ordered purchase orders', () => {
    const ordered = placeOrder(aDraft(), at('1T10:00:00')).order;
    expect(() => placeOrder(ordered, at('1T11:00:00'))).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('only a draft can be ordered') }),
    );
    expect(() => receive(aDraft(), [{ line: 0, quantity: 1 }], at('2T08:00:00'))).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    expect(canTransition('received', 'cancelled')).toBe(false);
    expect(canTransition('partiallyReceived', 'received')).toBe(true);
  });

  it('receives in parts, summing a line given twice, and completes when every line is in', () => {
    const ordered = placeOrder(aDraft(), at('1T10:00:00')).order;
    const first = receive(
      ordered,
      [
        { line: 0, quantity: 2 },
        { line: 0, quantity: 4 },
      ],
      at('3T08:00:00'),
    );
    expect(first.order).toMatchObject({ status: 'partiallyReceived', receivedAt: null, lastReceivedAt: at('3T08:00:00') });
    expect(first.order.lines.map((l) => l.receivedQuantity)).toEqual([6, 0]);
    expect(first.movements).toEqual([
      {
        sku: 'A',
        locationCode: 'WH-1',
        type: 'receipt',
        deltas: { onHand: 6, onOrder: -6 },
        reference: { type: 'purchaseOrder', id: String(ordered._id), line: 0 },
      },
    ]);
    expect(first.received).toEqual([{ sku: 'A', quantity: 6 }]);
    expect(first.order.receipts).toEqual([{ at: at('3T08:00:00'), lines: [{ line: 0, quantity: 6 }] }]);

    // Back-dated: the newest receipt time is kept.
    const rest = receive(
      first.order,
      [
        { line: 0, quantity: 4 },
        { line: 1, quantity: 4 },
      ],
      at('2T08:00:00'),
    );
    expect(rest.order).toMatchObject({ status: 'received', receivedAt: at('2T08:00:00'), lastReceivedAt: at('3T08:00:00') });
    expect(rest.order.statusHistory.map((h) => h.status)).toEqual(['draft', 'ordered', 'partiallyReceived', 'received']);
  });

  it('refuses an over-receipt and an unknown line, changing nothing', () => {
    const ordered = placeOrder(aDraft(), at('1T10:00:00')).order;
    expect(() =>
      receive(
        ordered,
        [
          { line: 1, quantity: 3 },
          { line: 1, quantity: 2 },
        ],
        at('3T08:00:00'),
      ),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT', message: 'Over-receipt refused: line 1 (B) has 4 outstanding, 5 received' }));
    expect(() => receive(ordered, [{ line: 7, quantity: 1 }], at('3T08:00:00'))).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(ordered.lines.map((l) => l.receivedQuantity)).toEqual([0, 0]);
  });

  it('cancelling takes only what is still outstanding off order, and a draft causes no movement', () => {
    const ordered = placeOrder(aDraft(), at('1T10:00:00')).order;
    const partly = receive(
      ordered,
      [
        { line: 0, quantity: 10 },
        { line: 1, quantity: 1 },
      ],
      at('3T08:00:00'),
    ).order;
    const { order, movements } = cancel(partly, at('5T08:00:00'), 'short delivery');
    expect(order.status).toBe('cancelled');
    expect(order.statusHistory.at(-1)).toEqual({ status: 'cancelled', at: at('5T08:00:00'), reason: 'short delivery' });
    expect(movements).toEqual([
      {
        sku: 'B',
        locationCode: 'WH-1',
        type: 'orderCancel',
        deltas: { onOrder: -3 },
        reason: 'short delivery',
        reference: { type: 'purchaseOrder', id: String(ordered._id), line: 1 },
      },
    ]);
    expect(cancel(aDraft(), at('5T08:00:00')).movements).toEqual([]);
    expect(() => cancel(order, at('6T08:00:00'))).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION', message: expect.stringContaining('can no longer be cancelled') }),
    );
  });
});
