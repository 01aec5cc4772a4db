import type { OrderSummary, ReceiptSummarySchema } from '@icc/shared';
import type { z } from 'zod';
import type { Models } from '../db/models.js';
import { toOrderSummary, type SalesOrderRecord } from '../orders/sales-order.model.js';
import type { PurchaseOrderRecord } from '../purchase-orders/purchase-order.model.js';

type ReceiptSummary = z.infer<typeof ReceiptSummarySchema>;

/** The latest sales orders of the tenant in scope, newest first. */
export async function recentOrders(models: Models, limit: number): Promise<OrderSummary[]> {
  const docs = await models.SalesOrder.find({}).sort({ orderedAt: -1, _id: -1 }).limit(limit).lean<SalesOrderRecord[]>();
  return docs.map(toOrderSummary);
}

type ReceiptRow = Pick<PurchaseOrderRecord, '_id' | 'poNumber' | 'supplierCode' | 'locationCode' | 'status' | 'lines'> & {
  receipt: PurchaseOrderRecord['receipts'][number];
};

/**
 * The latest goods receipts (one per receive call) across purchase orders,
 * newest first, shaped as the `purchase-order:received` event announces them.
 */
export async function recentReceipts(models: Models, limit: number): Promise<ReceiptSummary[]> {
  const rows = await models.PurchaseOrder.aggregate<ReceiptRow>([
    // The newest `limit` receipts belong to the `limit` orders received most recently.
    { $match: { lastReceivedAt: { $ne: null } } },
    { $sort: { lastReceivedAt: -1 } },
    { $limit: limit },
    { $unwind: '$receipts' },
    { $sort: { 'receipts.at': -1, _id: -1 } },
    { $limit: limit },
    { $project: { poNumber: 1, supplierCode: 1, locationCode: 1, status: 1, lines: 1, receipt: '$receipts' } },
  ]);
  return rows.map((row) => ({
    purchaseOrderId: String(row._id),
    poNumber: row.poNumber,
    supplierCode: row.supplierCode,
    locationCode: row.locationCode,
    // The order's status now, not as of that receipt: the PO keeps no per-receipt status.
    status: row.status,
    lines: row.receipt.lines.map((received) => ({
      sku: row.lines.find((line) => line.line === received.line)?.sku ?? `line ${received.line}`,
      quantity: received.quantity,
    })),
    at: new Date(row.receipt.at).toISOString(),
  }));
}
