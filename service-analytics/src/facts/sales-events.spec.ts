import { describe, expect, it } from 'vitest';
import { cancelOrder, confirmOrder, pendingOrder, returnFromOrder, shipOrder, type OrderDoc } from '../../test/support/source-builders.js';
import { deriveSalesEvents } from './sales-events.js';
import { SourceSalesOrderSchema } from './source-documents.js';

const INGESTED = new Date('2026-04-01T00:00:00Z');
const derive = (order: OrderDoc) => deriveSalesEvents(SourceSalesOrderSchema.parse(order), INGESTED);
const summary = (order: OrderDoc) =>
  derive(order).map((e) => ({
    id: e._id.replace(`so:${String(order._id)}:`, ''),
    kind: e.kind,
    sku: e.sku,
    quantity: e.quantity,
    revenue: e.revenue,
    day: e.day,
  }));

const base = () =>
  pendingOrder({
    orderedAt: '2026-03-01T23:30:00Z',
    lines: [
      { sku: 'A', quantity: 3, unitPrice: 9.99 },
      { sku: 'B', quantity: 2, unitPrice: 5, campaignId: 'camp1', discountPercent: 10 },
    ],
  });

describe('deriveSalesEvents', () => {
  it('a pending order is demand only, on the UTC day it was ordered', () => {
    const order = base();
    expect(summary(order)).toEqual([
      { id: '1:demanded', kind: 'demanded', sku: 'A', quantity: 3, revenue: 0, day: '2026-03-01' },
      { id: '2:demanded', kind: 'demanded', sku: 'B', quantity: 2, revenue: 0, day: '2026-03-01' },
    ]);
    const [a, b] = derive(order);
    expect(a).toMatchObject({
      tenantId: 't1',
      orderId: String(order._id),
      orderNumber: order.orderNumber,
      line: 1,
      locationCode: 'WH1',
      customerCode: 'C1',
      customerSegment: 'retail',
      unitPrice: 9.99,
      campaignId: null,
      discountPercent: 0,
      ingestedAt: INGESTED,
    });
    expect(a?.eventTime).toEqual(new Date('2026-03-01T23:30:00Z'));
    expect(b).toMatchObject({ campaignId: 'camp1', discountPercent: 10 });
  });

  it('shipping adds fulfilled events at the ship time with revenue = quantity × unit price', () => {
    const shipped = shipOrder(confirmOrder(base(), '2026-03-02T08:00:00Z'), '2026-03-03T10:00:00Z');
    expect(summary(shipped).filter((e) => e.kind === 'fulfilled')).toEqual([
      { id: '1:fulfilled', kind: 'fulfilled', sku: 'A', quantity: 3, revenue: 29.97, day: '2026-03-03' },
      { id: '2:fulfilled', kind: 'fulfilled', sku: 'B', quantity: 2, revenue: 10, day: '2026-03-03' },
    ]);
  });

  it('a confirmed (not shipped) order has no fulfilled event yet', () => {
    expect(summary(confirmOrder(base(), '2026-03-02T08:00:00Z')).map((e) => e.kind)).toEqual(['demanded', 'demanded']);
  });

  it('a line rejected at confirmation is unfulfilled at the confirmation time; the order still ships the rest', () => {
    const confirmed = confirmOrder(base(), '2026-03-02T08:00:00Z', { reject: [2] });
    const shipped = shipOrder(confirmed, '2026-03-04T08:00:00Z');
    const unfulfilled = { id: '2:unfulfilled', kind: 'unfulfilled', sku: 'B', quantity: 2, revenue: 0, day: '2026-03-02' };
    expect(summary(confirmed).filter((e) => e.kind === 'unfulfilled')).toEqual([unfulfilled]);
    // Later versions give the same event (same id, same day): insert-once is safe.
    expect(summary(shipped).filter((e) => e.kind === 'unfulfilled')).toEqual([unfulfilled]);
    expect(
      summary(shipped)
        .filter((e) => e.kind === 'fulfilled')
        .map((e) => e.sku),
    ).toEqual(['A']);
  });

  it('a line rejected at a second confirmation (after back-ordering) is dated by that confirmation', () => {
    const first = confirmOrder(base(), '2026-03-02T08:00:00Z', { backorder: [2] });
    const second = confirmOrder(first, '2026-03-05T08:00:00Z', { reject: [2] });
    expect(summary(first).filter((e) => e.kind === 'unfulfilled')).toEqual([]);
    expect(summary(shipOrder(second, '2026-03-06T00:00:00Z')).filter((e) => e.kind === 'unfulfilled')).toEqual([
      { id: '2:unfulfilled', kind: 'unfulfilled', sku: 'B', quantity: 2, revenue: 0, day: '2026-03-05' },
    ]);
  });

  it('an order rejected as a whole: every line unfulfilled at the rejection', () => {
    const rejected = confirmOrder(base(), '2026-03-02T08:00:00Z', { reject: [1, 2] });
    expect(rejected.status).toBe('rejected');
    expect(
      summary(rejected)
        .filter((e) => e.kind === 'unfulfilled')
        .map((e) => [e.sku, e.quantity, e.day]),
    ).toEqual([
      ['A', 3, '2026-03-02'],
      ['B', 2, '2026-03-02'],
    ]);
  });

  it('cancellation makes the open lines unfulfilled at the cancel time', () => {
    const cancelled = cancelOrder(confirmOrder(base(), '2026-03-02T08:00:00Z'), '2026-03-07T01:00:00Z');
    expect(summary(cancelled).filter((e) => e.kind !== 'demanded')).toEqual([
      { id: '1:unfulfilled', kind: 'unfulfilled', sku: 'A', quantity: 3, revenue: 0, day: '2026-03-07' },
      { id: '2:unfulfilled', kind: 'unfulfilled', sku: 'B', quantity: 2, revenue: 0, day: '2026-03-07' },
    ]);
  });

  it('a back-ordered line closed by shipping is unfulfilled at the ship time', () => {
    const shipped = shipOrder(confirmOrder(base(), '2026-03-02T08:00:00Z', { backorder: [1] }), '2026-03-09T12:00:00Z');
    expect(summary(shipped).filter((e) => e.kind !== 'demanded')).toEqual([
      { id: '1:unfulfilled', kind: 'unfulfilled', sku: 'A', quantity: 3, revenue: 0, day: '2026-03-09' },
      { id: '2:fulfilled', kind: 'fulfilled', sku: 'B', quantity: 2, revenue: 10, day: '2026-03-09' },
    ]);
  });

  it('each return entry gives one event per line, with negative revenue and its own id', () => {
    let order = shipOrder(confirmOrder(base(), '2026-03-02T08:00:00Z'), '2026-03-03T10:00:00Z');
    order = returnFromOrder(order, '2026-03-10T10:00:00Z', [
      { line: 1, quantity: 1 },
      { line: 1, quantity: 1 },
    ]);
    order = returnFromOrder(order, '2026-03-12T10:00:00Z', [
      { line: 1, quantity: 1 },
      { line: 2, quantity: 2 },
    ]);
    expect(summary(order).filter((e) => e.kind === 'returned')).toEqual([
      { id: '1:returned:0', kind: 'returned', sku: 'A', quantity: 2, revenue: -19.98, day: '2026-03-10' },
      { id: '1:returned:1', kind: 'returned', sku: 'A', quantity: 1, revenue: -9.99, day: '2026-03-12' },
      { id: '2:returned:1', kind: 'returned', sku: 'B', quantity: 2, revenue: -10, day: '2026-03-12' },
    ]);
  });

  it('is pure: the same document gives equal events', () => {
    const order = shipOrder(confirmOrder(base(), '2026-03-02T08:00:00Z'), '2026-03-03T10:00:00Z');
    // structuredClone would turn the ObjectId into a plain object, so copy by hand.
    const copy = { ...order, lines: order.lines.map((l) => ({ ...l })), statusHistory: order.statusHistory.map((h) => ({ ...h })) };
    expect(derive(order)).toEqual(derive(copy));
  });
});
