import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { StoredLiveOutboxSchema } from './live-outbox.schemas.js';
import {
  StoredCampaignSchema,
  StoredLocationSchema,
  StoredProductSchema,
  StoredProductSupplierSchema,
  StoredPurchaseOrderSchema,
  StoredSalesOrderSchema,
  StoredStockMovementSchema,
  StoredStockPositionSchema,
  StoredSupplierSchema,
} from './stored-documents.schemas.js';

const at = new Date('2026-03-01T10:00:00Z');
const stamps = { createdAt: at, updatedAt: at };
const owned = () => ({ _id: new ObjectId(), tenantId: 'acme' });
const balances = { onHand: 8, reserved: 2, available: 6, onOrder: 0, inTransit: 0, damaged: 0 };

/** One representative stored document of each kind, and one change that makes it wrong. */
const cases: Array<{ name: string; schema: z.ZodType; doc: Record<string, unknown>; wrong: Record<string, unknown> }> = [
  {
    name: 'product',
    schema: StoredProductSchema,
    doc: {
      ...owned(),
      sku: 'A-1',
      name: 'Widget',
      category: 'hardware',
      unit: 'each',
      price: 12.5,
      cost: 7.25,
      reorderPoint: 10,
      safetyStock: 4,
      leadTimeDays: 5,
      attributes: { colour: 'red' },
      status: 'active',
      ...stamps,
    },
    wrong: { status: 'sold-out' },
  },
  {
    name: 'campaign',
    schema: StoredCampaignSchema,
    doc: {
      ...owned(),
      name: 'Spring',
      discountPercent: 15,
      startsAt: at,
      endsAt: new Date('2026-03-08T00:00:00Z'),
      skus: ['A-1'],
      status: 'planned',
      ...stamps,
    },
    wrong: { startsAt: '2026-03-01T10:00:00Z' },
  },
  {
    name: 'location',
    schema: StoredLocationSchema,
    doc: { ...owned(), code: 'WH1', name: 'Main', type: 'warehouse', timeZone: 'Europe/Berlin', attributes: {}, status: 'active', ...stamps },
    wrong: { type: 'garage' },
  },
  {
    name: 'stock position',
    schema: StoredStockPositionSchema,
    doc: { ...owned(), sku: 'A-1', locationCode: 'WH1', ...balances, reorderPoint: 10, lowStock: true, updatedAt: at },
    wrong: { onHand: '8' },
  },
  {
    name: 'stock movement',
    schema: StoredStockMovementSchema,
    doc: {
      ...owned(),
      sku: 'A-1',
      locationCode: 'WH1',
      type: 'sale',
      deltas: { onHand: -2 },
      balanceAfter: balances,
      reference: { type: 'salesOrder', id: 'so1', line: 0 },
      actor: { apiKeyId: 'k1', keyName: 'desk' },
      at,
    },
    wrong: { type: 'teleport' },
  },
  {
    name: 'sales order',
    schema: StoredSalesOrderSchema,
    doc: {
      ...owned(),
      orderNumber: 'SO-20260301-0001',
      customerCode: 'C1',
      customerSegment: 'retail',
      locationCode: 'WH1',
      status: 'shipped',
      onShortage: 'fail',
      lines: [
        {
          line: 0,
          sku: 'A-1',
          quantity: 2,
          listPrice: 12.5,
          unitPrice: 10.63,
          discountPercent: 15,
          campaignId: 'c1',
          status: 'shipped',
          reservedQuantity: 0,
          shippedQuantity: 2,
          returnedQuantity: 1,
          unfulfilledQuantity: 0,
          backorderedQuantity: 0,
        },
      ],
      totalAmount: 21.26,
      statusHistory: [
        { status: 'pending', at },
        { status: 'shipped', at },
      ],
      returns: [{ at, reason: 'defect', lines: [{ line: 0, quantity: 1, to: 'damaged' }] }],
      orderedAt: at,
      ...stamps,
    },
    wrong: { _id: '665f0c1e2a3b4c5d6e7f8091' },
  },
  {
    name: 'supplier',
    schema: StoredSupplierSchema,
    doc: { ...owned(), code: 'SUP-1', name: 'Acme Parts', email: 'orders@acme.example', defaultLeadTimeDays: 10, attributes: {}, status: 'active', ...stamps },
    wrong: { defaultLeadTimeDays: undefined },
  },
  {
    name: 'product–supplier link',
    schema: StoredProductSupplierSchema,
    doc: {
      ...owned(),
      supplierId: new ObjectId(),
      supplierCode: 'SUP-1',
      sku: 'A-1',
      unitCost: 6.9,
      minimumOrderQuantity: 24,
      packSize: 12,
      leadTimeDays: 9,
      preferred: true,
      ...stamps,
    },
    wrong: { supplierId: 'SUP-1' },
  },
  {
    name: 'purchase order',
    schema: StoredPurchaseOrderSchema,
    doc: {
      ...owned(),
      poNumber: 'PO-20260301-0001',
      supplierId: new ObjectId(),
      supplierCode: 'SUP-1',
      locationCode: 'WH1',
      status: 'partiallyReceived',
      lines: [{ line: 0, sku: 'A-1', quantity: 48, unitCost: 6.9, receivedQuantity: 24 }],
      totalCost: 331.2,
      expectedDate: at,
      orderedAt: at,
      receivedAt: null,
      lastReceivedAt: at,
      source: { type: 'manual' },
      receipts: [{ at, lines: [{ line: 0, quantity: 24 }] }],
      statusHistory: [
        { status: 'ordered', at },
        { status: 'partiallyReceived', at },
      ],
      ...stamps,
    },
    wrong: { expectedDate: null },
  },
  {
    name: 'live outbox event',
    schema: StoredLiveOutboxSchema,
    doc: {
      _id: new ObjectId(),
      tenantId: 'acme',
      event: 'forecast:updated',
      room: 'dashboard',
      data: { jobId: 'train-1', forecastDate: '2026-03-01', skus: 2, sample: ['A-1', 'B-2'], medianMase: 0.81 },
      createdAt: at,
    },
    wrong: { data: { jobId: 'train-1' } },
  },
];

describe('stored-document schemas', () => {
  it.each(cases)('parse a stored $name as it is', ({ schema, doc }) => {
    expect(schema.parse(doc)).toEqual(doc);
  });

  it.each(cases)('reject a stored $name with a wrong field', ({ schema, doc, wrong }) => {
    expect(schema.safeParse({ ...doc, ...wrong }).success).toBe(false);
  });

  it('read fields an older document lacks as the Mongoose model defaults them', () => {
    const { statusHistory: _history, returns: _returns, ...order } = cases.find((c) => c.name === 'sales order')!.doc;
    const parsed = StoredSalesOrderSchema.parse(order);
    expect(parsed.statusHistory).toEqual([]);
    expect(parsed.returns).toEqual([]);

    const { onOrder: _o, inTransit: _t, damaged: _d, lowStock: _l, ...position } = cases.find((c) => c.name === 'stock position')!.doc;
    expect(StoredStockPositionSchema.parse(position)).toMatchObject({ onOrder: 0, inTransit: 0, damaged: 0, lowStock: false });
  });
});
