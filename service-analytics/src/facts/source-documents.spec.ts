import { StoredCampaignSchema, StoredProductSchema, StoredSalesOrderSchema, StoredStockMovementSchema, StoredStockPositionSchema } from '@icc/shared';
// The supply side's stored documents (suppliers, links, locations, purchase orders).
import { StoredLocationSchema, StoredProductSupplierSchema, StoredPurchaseOrderSchema, StoredSupplierSchema } from '@icc/shared';
import { describe, expect, it } from 'vitest';
import {
  campaign,
  confirmOrder,
  location,
  movement,
  pendingOrder,
  position,
  product,
  productSupplier,
  purchaseOrder,
  returnFromOrder,
  shipOrder,
  supplier,
} from '../../test/support/source-builders.js';
import {
  parseSource,
  SourceCampaignSchema,
  SourceLocationSchema,
  SourceProductSchema,
  SourceProductSupplierSchema,
  SourcePurchaseOrderSchema,
  SourceSalesOrderSchema,
  SourceStockMovementSchema,
  SourceStockPositionSchema,
  SourceSupplierSchema,
} from './source-documents.js';

const at = '2026-03-01T10:00:00Z';
const order = returnFromOrder(
  shipOrder(confirmOrder(pendingOrder({ orderedAt: at, lines: [{ sku: 'A', quantity: 3, campaignId: 'c1', discountPercent: 10 }] }), at), at),
  at,
  [{ line: 1, quantity: 1 }],
);

describe('source documents', () => {
  it('builds fixtures that are valid stored documents, as the operational models store them', () => {
    expect(StoredSalesOrderSchema.parse(order)).toEqual(order);
    for (const [schema, doc] of [
      [StoredStockMovementSchema, movement({ sku: 'A', onHand: 4, available: 2, at, type: 'sale' })],
      [StoredStockPositionSchema, position({ sku: 'A', onHand: 4, reserved: 2, updatedAt: at })],
      [StoredProductSchema, product({ sku: 'A' })],
      [StoredCampaignSchema, campaign({ skus: ['A'], startsAt: at, endsAt: '2026-03-08T00:00:00Z' })],
      [StoredSupplierSchema, supplier({ code: 'SUP-1' })],
      [StoredProductSupplierSchema, productSupplier({ supplierCode: 'SUP-1', sku: 'A' })],
      [StoredLocationSchema, location({ code: 'WH1' })],
      [StoredPurchaseOrderSchema, purchaseOrder({ supplierCode: 'SUP-1', status: 'ordered', lines: [{ sku: 'A', quantity: 5 }], expectedDate: at })],
    ] as const) {
      expect(schema.parse(doc)).toEqual(doc);
    }
  });

  it('reads the fields analytics uses, with ids as strings', () => {
    const read = SourceSalesOrderSchema.parse(order);
    expect(read._id).toBe(String(order._id));
    expect(read.lines[0]).toEqual({
      line: 1,
      sku: 'A',
      quantity: 3,
      unitPrice: 10,
      discountPercent: 10,
      campaignId: 'c1',
      status: 'shipped',
      shippedQuantity: 3,
      unfulfilledQuantity: 0,
      returnedQuantity: 1,
    });
    expect(read.returns).toEqual([{ at: new Date(at), lines: [{ line: 1, quantity: 1 }] }]);
    expect(Object.keys(SourceProductSchema.parse(product({ sku: 'A' }))).sort()).toEqual([
      '_id',
      'category',
      'leadTimeDays',
      'name',
      'price',
      'reorderPoint',
      'safetyStock',
      'sku',
      'status',
      'tenantId',
      'updatedAt',
    ]);
  });

  it('still accepts what the model would not write today: string ids, unknown statuses and types, missing defaults', () => {
    const { discountPercent: _d, campaignId: _c, shippedQuantity: _s, ...bareLine } = order.lines[0]!;
    const old = { ...order, _id: 'so-1', status: 'archived', lines: [{ ...bareLine, status: 'archived' }], statusHistory: undefined, returns: undefined };
    expect(parseSource(SourceSalesOrderSchema, old)).toMatchObject({
      _id: 'so-1',
      status: 'archived',
      lines: [{ discountPercent: 0, campaignId: null, shippedQuantity: 0 }],
      statusHistory: [],
      returns: [],
    });
    expect(parseSource(SourceStockMovementSchema, { ...movement({ sku: 'A', onHand: 1, at }), type: 'futureType' })?.type).toBe('futureType');
    const { updatedAt: _u, ...unstamped } = product({ sku: 'A' });
    expect(parseSource(SourceProductSchema, unstamped)?.updatedAt).toEqual(new Date(0));
    const { updatedAt: _cu, ...oldCampaign } = campaign({ skus: ['A'], startsAt: at, endsAt: at });
    expect(parseSource(SourceCampaignSchema, { ...oldCampaign, status: 'paused' })).toMatchObject({ status: 'paused', updatedAt: new Date(0) });
    // Supply: missing model defaults and optional fields take the reader's, unknown statuses and types pass.
    const { status: _ss, ...noStatus } = supplier({ code: 'SUP-1' });
    expect(parseSource(SourceSupplierSchema, noStatus)?.status).toBe('active');
    const { leadTimeDays: _l, preferred: _p, ...bareLink } = productSupplier({ supplierCode: 'SUP-1', sku: 'A' });
    expect(parseSource(SourceProductSupplierSchema, bareLink)).toMatchObject({ leadTimeDays: null, preferred: false });
    expect(parseSource(SourceLocationSchema, { ...location({ code: 'WH1' }), type: 'popUpShop' })?.type).toBe('popUpShop');
    const po = purchaseOrder({ supplierCode: 'SUP-1', status: 'ordered', lines: [{ sku: 'A', quantity: 5 }], expectedDate: at });
    const { lastReceivedAt: _lr, createdAt: _pc, updatedAt: _pu, ...oldOrder } = po;
    const bareLines = po.lines.map(({ receivedQuantity: _r, ...line }) => line);
    expect(parseSource(SourcePurchaseOrderSchema, { ...oldOrder, _id: 'po-1', status: 'closed', lines: bareLines })).toMatchObject({
      _id: 'po-1',
      status: 'closed',
      lastReceivedAt: null,
      source: { type: 'manual', id: null },
      lines: [{ receivedQuantity: 0 }],
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
  });

  it('skips documents without the fields analytics needs', () => {
    const { onHand: _o, ...noOnHand } = position({ sku: 'A', onHand: 4, updatedAt: at });
    expect(parseSource(SourceStockPositionSchema, noOnHand)).toBeNull();
    expect(parseSource(SourceSalesOrderSchema, { ...order, orderedAt: at })).toBeNull();
    expect(parseSource(SourceStockMovementSchema, null)).toBeNull();
    expect(
      parseSource(SourcePurchaseOrderSchema, { ...purchaseOrder({ supplierCode: 'S', status: 'ordered', lines: [], expectedDate: at }), expectedDate: null }),
    ).toBeNull();
  });
});
