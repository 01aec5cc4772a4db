/**
 * supplierDeliveryStats on the real engine, with answers worked out by hand:
 * delays and lead times in fractional days, sample spreads, on-time by UTC
 * day, the `since` bound, and one tenant's orders never in another's numbers.
 */
import type { Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFactIndexes } from '../src/facts/fact-indexes.js';
import { mirrorReferenceData } from '../src/facts/reference-mirror.js';
import { supplierDeliveryStats } from '../src/facts/supplier-delivery.js';
import { changeOf, purchaseOrder } from './support/source-builders.js';
import { testDatabases } from './support/test-databases.js';

const databases = testDatabases('supplier_delivery');
let db: Db;

const line = [{ sku: 'A-1', quantity: 10, received: 10 }];

beforeAll(async () => {
  db = await databases.fresh(ensureFactIndexes);
  const orders = [
    // SUP-1: 2.5 days late (received at noon two days after the expected day), placed 11.5 days before receipt.
    purchaseOrder({
      supplierCode: 'SUP-1',
      status: 'received',
      lines: line,
      expectedDate: '2026-03-10T00:00:00Z',
      orderedAt: '2026-03-01T00:00:00Z',
      receivedAt: '2026-03-12T12:00:00Z',
      lastReceivedAt: '2026-03-12T12:00:00Z',
    }),
    // SUP-1: partly received a day early (counts: the goods came), 9 days after ordering.
    purchaseOrder({
      supplierCode: 'SUP-1',
      status: 'partiallyReceived',
      lines: [{ sku: 'A-1', quantity: 10, received: 4 }],
      expectedDate: '2026-03-20T00:00:00Z',
      orderedAt: '2026-03-10T00:00:00Z',
      lastReceivedAt: '2026-03-19T00:00:00Z',
    }),
    // SUP-1: stored before `lastReceivedAt` (and without an order time): 0.75 days after the expected midnight, the same day — on time.
    purchaseOrder({ supplierCode: 'SUP-1', status: 'received', lines: line, expectedDate: '2026-04-01T00:00:00Z', receivedAt: '2026-04-01T18:00:00Z' }),
    // Not received: left out.
    purchaseOrder({ supplierCode: 'SUP-1', status: 'ordered', lines: line, expectedDate: '2026-03-01T00:00:00Z', orderedAt: '2026-02-20T00:00:00Z' }),
    purchaseOrder({ supplierCode: 'SUP-1', status: 'cancelled', lines: line, expectedDate: '2026-03-01T00:00:00Z', orderedAt: '2026-02-20T00:00:00Z' }),
    purchaseOrder({ supplierCode: 'SUP-1', status: 'draft', lines: line, expectedDate: '2026-03-01T00:00:00Z' }),
    // SUP-2: one order, 3 days late, 10 days after ordering.
    purchaseOrder({
      supplierCode: 'SUP-2',
      status: 'received',
      lines: line,
      expectedDate: '2026-03-05T00:00:00Z',
      orderedAt: '2026-02-26T00:00:00Z',
      receivedAt: '2026-03-08T00:00:00Z',
      lastReceivedAt: '2026-03-08T00:00:00Z',
    }),
    // Another tenant's SUP-1, 100 days late: never in t1's numbers.
    purchaseOrder({
      tenantId: 't2',
      supplierCode: 'SUP-1',
      status: 'received',
      lines: line,
      expectedDate: '2026-01-01T00:00:00Z',
      orderedAt: '2025-12-01T00:00:00Z',
      receivedAt: '2026-04-11T00:00:00Z',
      lastReceivedAt: '2026-04-11T00:00:00Z',
    }),
  ];
  await mirrorReferenceData(
    db,
    orders.map((po) => changeOf('purchaseOrders', po, 'insert')),
  );
});

describe('supplierDeliveryStats', () => {
  it('per supplier: mean and sample spread of the delay and of the lead time, and the on-time share', async () => {
    const stats = await supplierDeliveryStats(db, 't1');
    expect([...stats.keys()].sort()).toEqual(['SUP-1', 'SUP-2']);
    const sup1 = stats.get('SUP-1')!;
    // Delays 2.5, −1, 0.75: mean 0.75, deviations ±1.75 and 0 → sample variance 6.125 / 2 = 3.0625.
    expect(sup1.receivedOrders).toBe(3);
    expect(sup1.meanDelayDays).toBeCloseTo(0.75, 12);
    expect(sup1.delayStdDays).toBeCloseTo(1.75, 12);
    expect(sup1.onTimeRate).toBeCloseTo(2 / 3, 12);
    // Lead times 11.5 and 9 (the third order has no order time): mean 10.25, sample variance 3.125.
    expect(sup1.meanLeadTimeDays).toBeCloseTo(10.25, 12);
    expect(sup1.leadTimeStdDays).toBeCloseTo(Math.sqrt(3.125), 12);
    expect(stats.get('SUP-2')).toEqual({ receivedOrders: 1, meanDelayDays: 3, delayStdDays: 0, onTimeRate: 0, meanLeadTimeDays: 10, leadTimeStdDays: 0 });
  });

  it('keeps tenants apart', async () => {
    const other = await supplierDeliveryStats(db, 't2');
    expect(other.get('SUP-1')).toEqual({ receivedOrders: 1, meanDelayDays: 100, delayStdDays: 0, onTimeRate: 0, meanLeadTimeDays: 131, leadTimeStdDays: 0 });
    expect((await supplierDeliveryStats(db, 't3')).size).toBe(0);
  });

  it('since: only orders received at or after it, by the newest receipt or, on older orders, the completing one', async () => {
    const sinceMid = await supplierDeliveryStats(db, 't1', { since: new Date('2026-03-15T00:00:00Z') });
    expect([...sinceMid.keys()]).toEqual(['SUP-1']);
    // Delays −1 and 0.75: mean −0.125, sample variance 2 × 0.875² = 1.53125; the one lead time, 9.
    const sup1 = sinceMid.get('SUP-1')!;
    expect(sup1.receivedOrders).toBe(2);
    expect(sup1.meanDelayDays).toBeCloseTo(-0.125, 12);
    expect(sup1.delayStdDays).toBeCloseTo(Math.sqrt(1.53125), 12);
    expect(sup1.onTimeRate).toBe(1);
    expect(sup1.meanLeadTimeDays).toBe(9);
    expect(sup1.leadTimeStdDays).toBe(0);
    // Just after the older order's `receivedAt`: nothing left.
    expect((await supplierDeliveryStats(db, 't1', { since: new Date('2026-04-01T18:00:00.001Z') })).size).toBe(0);
    expect((await supplierDeliveryStats(db, 't1', { since: new Date('2026-04-01T18:00:00Z') })).get('SUP-1')?.receivedOrders).toBe(1);
  });
});
