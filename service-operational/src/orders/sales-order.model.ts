import {
  LINE_STATUSES,
  SALES_ORDER_STATUSES,
  SHORTAGE_POLICIES,
  type OrderSummary,
  type SalesOrder,
  type StoredSalesOrder,
  type StoredSalesOrderLine,
  roundMoney,
} from '@icc/shared';
import { Schema, type Connection } from 'mongoose';
import { tenantScopePlugin } from '../tenancy/tenant-scope.plugin.js';

const lineSchema = new Schema<StoredSalesOrderLine>(
  {
    line: { type: Number, required: true },
    sku: { type: String, required: true },
    /** What the customer asked for: true demand, never reduced. */
    quantity: { type: Number, required: true },
    listPrice: { type: Number, required: true },
    unitPrice: { type: Number, required: true },
    discountPercent: { type: Number, required: true },
    campaignId: { type: String, default: null },
    status: { type: String, enum: LINE_STATUSES, required: true },
    reservedQuantity: { type: Number, required: true, default: 0 },
    shippedQuantity: { type: Number, required: true, default: 0 },
    returnedQuantity: { type: Number, required: true, default: 0 },
    unfulfilledQuantity: { type: Number, required: true, default: 0 },
    backorderedQuantity: { type: Number, required: true, default: 0 },
  },
  { _id: false },
);

const salesOrderSchema = new Schema<StoredSalesOrder>(
  {
    orderNumber: { type: String, required: true },
    customerCode: { type: String, required: true },
    customerSegment: { type: String, required: true },
    locationCode: { type: String, required: true },
    status: { type: String, enum: SALES_ORDER_STATUSES, required: true },
    onShortage: { type: String, enum: SHORTAGE_POLICIES, required: true },
    lines: { type: [lineSchema], required: true },
    totalAmount: { type: Number, required: true },
    notes: String,
    statusHistory: [{ _id: false, status: { type: String, enum: SALES_ORDER_STATUSES }, at: Date, reason: String }],
    returns: [
      {
        _id: false,
        at: Date,
        reason: String,
        lines: [{ _id: false, line: Number, quantity: Number, to: { type: String, enum: ['onHand', 'damaged'] } }],
      },
    ],
    orderedAt: { type: Date, required: true },
  },
  { timestamps: true, versionKey: false },
);
salesOrderSchema.plugin(tenantScopePlugin);
salesOrderSchema.index({ tenantId: 1, orderNumber: 1 }, { unique: true });
salesOrderSchema.index({ tenantId: 1, orderedAt: -1 });
salesOrderSchema.index({ tenantId: 1, status: 1, orderedAt: -1 });
salesOrderSchema.index({ tenantId: 1, customerCode: 1, orderedAt: -1 });
salesOrderSchema.index({ tenantId: 1, 'lines.sku': 1, orderedAt: -1 });

/** A stored order and its lines: the shapes are shared's (service-analytics reads the same documents). */
export type SalesOrderLineRecord = StoredSalesOrderLine;
export type SalesOrderRecord = StoredSalesOrder;

export function salesOrderModel(connection: Connection) {
  return connection.model<Omit<SalesOrderRecord, '_id'>>('SalesOrder', salesOrderSchema, 'salesOrders');
}

export function toSalesOrder(doc: SalesOrderRecord): SalesOrder {
  return {
    id: String(doc._id),
    orderNumber: doc.orderNumber,
    customerCode: doc.customerCode,
    customerSegment: doc.customerSegment,
    locationCode: doc.locationCode,
    status: doc.status,
    onShortage: doc.onShortage,
    lines: doc.lines.map((l) => ({
      line: l.line,
      sku: l.sku,
      quantity: l.quantity,
      listPrice: l.listPrice,
      unitPrice: l.unitPrice,
      discountPercent: l.discountPercent,
      campaignId: l.campaignId ?? null,
      status: l.status,
      reservedQuantity: l.reservedQuantity,
      shippedQuantity: l.shippedQuantity,
      returnedQuantity: l.returnedQuantity,
      unfulfilledQuantity: l.unfulfilledQuantity,
      backorderedQuantity: l.backorderedQuantity,
      lineTotal: roundMoney(l.unitPrice * l.quantity),
    })),
    totalAmount: doc.totalAmount,
    ...(doc.notes ? { notes: doc.notes } : {}),
    statusHistory: doc.statusHistory.map((h) => ({ status: h.status, at: h.at.toISOString() })),
    orderedAt: doc.orderedAt.toISOString(),
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export function toOrderSummary(doc: SalesOrderRecord): OrderSummary {
  return {
    id: String(doc._id),
    orderNumber: doc.orderNumber,
    customerCode: doc.customerCode,
    locationCode: doc.locationCode,
    status: doc.status,
    totalAmount: doc.totalAmount,
    lineCount: doc.lines.length,
    orderedAt: doc.orderedAt.toISOString(),
  };
}

/** The amount the customer pays for the lines that are (or will be) served. */
export function orderTotal(lines: readonly SalesOrderLineRecord[]): number {
  return roundMoney(lines.reduce((sum, l) => sum + l.unitPrice * (l.quantity - l.unfulfilledQuantity), 0));
}
