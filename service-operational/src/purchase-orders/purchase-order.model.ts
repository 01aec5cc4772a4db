import { PURCHASE_ORDER_STATUSES, type PurchaseOrder, type StoredPurchaseOrder, type StoredPurchaseOrderLine, roundMoney } from '@icc/shared';
import { Schema, type Connection } from 'mongoose';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

/** `source.type` of an order created from accepted planning recommendations (its `source.id` is the request's id). */
export const RECOMMENDATION_SOURCE = 'recommendation';

const purchaseOrderSchema = new Schema<StoredPurchaseOrder>(
  {
    poNumber: { type: String, required: true },
    supplierId: { type: Schema.Types.ObjectId, required: true },
    supplierCode: { type: String, required: true },
    locationCode: { type: String, required: true },
    status: { type: String, enum: PURCHASE_ORDER_STATUSES, required: true },
    lines: [
      {
        _id: false,
        line: { type: Number, required: true },
        sku: { type: String, required: true },
        quantity: { type: Number, required: true },
        unitCost: { type: Number, required: true },
        receivedQuantity: { type: Number, required: true, default: 0 },
      },
    ],
    totalCost: { type: Number, required: true },
    expectedDate: { type: Date, required: true },
    orderedAt: { type: Date, default: null },
    receivedAt: { type: Date, default: null },
    /** Time of the newest receipt: lets "latest receipts" read a few orders instead of all. */
    lastReceivedAt: { type: Date, default: null },
    source: { type: { type: String, required: true }, id: String },
    receipts: [{ _id: false, at: Date, lines: [{ _id: false, line: Number, quantity: Number }] }],
    statusHistory: [{ _id: false, status: String, at: Date, reason: String }],
    notes: String,
  },
  { timestamps: true, versionKey: false },
);
purchaseOrderSchema.plugin(tenantScopePlugin);
purchaseOrderSchema.index({ tenantId: 1, poNumber: 1 }, { unique: true });
purchaseOrderSchema.index({ tenantId: 1, createdAt: -1 });
purchaseOrderSchema.index({ tenantId: 1, supplierId: 1, status: 1 });
purchaseOrderSchema.index({ tenantId: 1, status: 1, expectedDate: 1 });
purchaseOrderSchema.index({ tenantId: 1, 'lines.sku': 1 });
purchaseOrderSchema.index({ tenantId: 1, lastReceivedAt: -1 });
/**
 * At most one order per accepted recommendation request (`source.id` is the
 * analytics service's purchase-order request id): however often the request is
 * read, by however many followers, a second insert is a duplicate key. Partial,
 * so manual orders (no id) are not constrained. A query uses it only when it
 * names `'source.type': 'recommendation'` as well (mongod's rule for partial indexes).
 */
purchaseOrderSchema.index(
  { tenantId: 1, 'source.id': 1 },
  { unique: true, partialFilterExpression: { 'source.type': RECOMMENDATION_SOURCE }, name: 'one_order_per_recommendation_request' },
);

/** A stored purchase order and its lines: the shapes are shared's (planning will read the same documents). */
export type PurchaseOrderLineRecord = StoredPurchaseOrderLine;
export type PurchaseOrderRecord = StoredPurchaseOrder;

export function purchaseOrderModel(connection: Connection) {
  return connection.model<Omit<PurchaseOrderRecord, '_id'>>('PurchaseOrder', purchaseOrderSchema, 'purchaseOrders');
}

export function toPurchaseOrder(doc: PurchaseOrderRecord): PurchaseOrder {
  return {
    id: String(doc._id),
    poNumber: doc.poNumber,
    supplierId: String(doc.supplierId),
    supplierCode: doc.supplierCode,
    locationCode: doc.locationCode,
    status: doc.status,
    lines: doc.lines.map((l) => ({ ...l, lineTotal: roundMoney(l.quantity * l.unitCost) })),
    totalCost: doc.totalCost,
    expectedDate: doc.expectedDate.toISOString(),
    orderedAt: doc.orderedAt?.toISOString() ?? null,
    receivedAt: doc.receivedAt?.toISOString() ?? null,
    source: { type: doc.source.type, ...(doc.source.id ? { id: doc.source.id } : {}) },
    receipts: doc.receipts.map((r) => ({ at: r.at.toISOString(), lines: r.lines.map((l) => ({ line: l.line, quantity: l.quantity })) })),
    ...(doc.notes ? { notes: doc.notes } : {}),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
