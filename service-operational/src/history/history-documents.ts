import { AppError, roundMoney } from '@icc/shared';
import { Types } from 'mongoose';
import { orderTotal, type SalesOrderLineRecord, type SalesOrderRecord } from '../orders/sales-order.model.js';
import type { PurchaseOrderRecord } from '../purchase-orders/purchase-order.model.js';
import type { MovementInput } from '../stock/stock-ledger.js';
import type { HistoryPurchaseCancel, HistoryPurchaseOrder, HistoryReceipt, HistorySalesOrder } from './history.types.js';

// Pure builders: history input → the documents and ledger movements the
// services would have produced. No database, so the mapping is easy to read.

export type TimedMovement = MovementInput & { at: Date };
type SalesOrderDoc = Omit<SalesOrderRecord, 'tenantId'>;
type PurchaseOrderDoc = Omit<PurchaseOrderRecord, 'tenantId'>;


function invalid(what: string, message: string): AppError {
  return new AppError('INVALID_INPUT', `History ${what}: ${message}`);
}

function checkSalesOrder(order: HistorySalesOrder): void {
  const outcomes = new Set(order.lines.map((l) => l.outcome));
  const where = `order ${order.orderNumber}`;
  if (order.lines.length === 0) throw invalid(where, 'has no lines');
  if (order.lines.some((l) => !Number.isInteger(l.quantity) || l.quantity <= 0)) throw invalid(where, 'quantities must be positive integers');
  if (order.status === 'rejected' && (outcomes.size !== 1 || !outcomes.has('rejected'))) throw invalid(where, 'a rejected order has only rejected lines');
  if (order.status === 'cancelled' && (outcomes.has('served') || !order.cancelledAt)) throw invalid(where, 'a cancelled order serves nothing and has cancelledAt');
  if (order.status === 'shipped' || order.status === 'delivered') {
    if (!outcomes.has('served') || outcomes.has('cancelled') || !order.shippedAt) throw invalid(where, `a ${order.status} order serves a line, cancels none and has shippedAt`);
    if (order.status === 'delivered' && !order.deliveredAt) throw invalid(where, 'a delivered order has deliveredAt');
  }
}

/**
 * The stored sales order for a closed history order, and the `sale` movements
 * of its served lines. Closed history goes straight to `sale` (onHand −): the
 * reserve/release pair the live desk writes nets to zero once an order is
 * shipped or cancelled, so it would only add rows that cancel out.
 *
 * @example
 *   salesOrderDocument(order, 'retail', new Map(), new Types.ObjectId())
 *   // { doc: { orderNumber: 'SO-20250301-0001', status: 'delivered', ... }, movements: [{ type: 'sale', ... }] }
 */
export function salesOrderDocument(
  order: HistorySalesOrder,
  customerSegment: string,
  campaignIds: ReadonlyMap<string, string>,
  id: Types.ObjectId,
): { doc: SalesOrderDoc; movements: TimedMovement[] } {
  checkSalesOrder(order);
  const lines: SalesOrderLineRecord[] = order.lines.map((line, index) => {
    const campaignId = line.campaignName === null ? null : campaignIds.get(line.campaignName);
    if (campaignId === undefined) throw new AppError('NOT_FOUND', `Campaign "${line.campaignName}" of order ${order.orderNumber} does not exist`);
    const served = line.outcome === 'served';
    return {
      line: index,
      sku: line.sku,
      quantity: line.quantity,
      listPrice: line.listPrice,
      unitPrice: line.unitPrice,
      discountPercent: line.discountPercent,
      campaignId,
      status: line.outcome === 'served' ? 'shipped' : line.outcome,
      reservedQuantity: 0,
      shippedQuantity: served ? line.quantity : 0,
      returnedQuantity: 0,
      unfulfilledQuantity: served ? 0 : line.quantity,
      backorderedQuantity: 0,
    };
  });
  const at = order.orderedAt;
  const history: SalesOrderDoc['statusHistory'] = [{ status: 'pending', at }];
  if (order.status === 'rejected') history.push({ status: 'rejected', at });
  else history.push({ status: 'confirmed', at });
  if (order.status === 'cancelled') history.push({ status: 'cancelled', at: order.cancelledAt! });
  if (order.status === 'shipped' || order.status === 'delivered') history.push({ status: 'shipped', at: order.shippedAt! });
  if (order.status === 'delivered') history.push({ status: 'delivered', at: order.deliveredAt! });

  const movements: TimedMovement[] = lines
    .filter((l) => l.status === 'shipped')
    .map((l) => ({
      sku: l.sku,
      locationCode: order.locationCode,
      type: 'sale',
      deltas: { onHand: -l.shippedQuantity },
      reference: { type: 'salesOrder', id: String(id), line: l.line },
      at: order.shippedAt!,
    }));
  const doc: SalesOrderDoc = {
    _id: id,
    orderNumber: order.orderNumber,
    customerCode: order.customerCode,
    customerSegment,
    locationCode: order.locationCode,
    status: order.status,
    onShortage: 'reject',
    lines,
    totalAmount: orderTotal(lines),
    statusHistory: history,
    returns: [],
    orderedAt: at,
    createdAt: at,
    updatedAt: history[history.length - 1]!.at,
  };
  return { doc, movements };
}

const poLineReference = (po: Pick<PurchaseOrderDoc, '_id'>, line: number) => ({ type: 'purchaseOrder', id: String(po._id), line });

/** A purchase order placed with its supplier, and its `order` movements (onOrder +). */
export function purchaseOrderDocument(
  po: HistoryPurchaseOrder,
  supplierId: Types.ObjectId,
  id: Types.ObjectId,
): { doc: PurchaseOrderDoc; movements: TimedMovement[] } {
  if (po.lines.length === 0 || po.lines.some((l) => !Number.isInteger(l.quantity) || l.quantity <= 0)) {
    throw invalid(`purchase order ${po.poNumber}`, 'needs lines with positive integer quantities');
  }
  const lines = po.lines.map((l, index) => ({ line: index, sku: l.sku, quantity: l.quantity, unitCost: l.unitCost, receivedQuantity: 0 }));
  const doc: PurchaseOrderDoc = {
    _id: id,
    poNumber: po.poNumber,
    supplierId,
    supplierCode: po.supplierCode,
    locationCode: po.locationCode,
    status: 'ordered',
    lines,
    totalCost: roundMoney(lines.reduce((n, l) => n + l.quantity * l.unitCost, 0)),
    expectedDate: po.expectedDate,
    orderedAt: po.orderedAt,
    receivedAt: null,
    source: po.source ?? { type: 'manual' },
    receipts: [],
    statusHistory: [
      { status: 'draft', at: po.orderedAt },
      { status: 'ordered', at: po.orderedAt },
    ],
    createdAt: po.orderedAt,
    updatedAt: po.orderedAt,
  };
  const movements: TimedMovement[] = lines.map((l) => ({
    sku: l.sku, locationCode: po.locationCode, type: 'order', deltas: { onOrder: l.quantity }, reference: poLineReference(doc, l.line), at: po.orderedAt,
  }));
  return { doc, movements };
}

/**
 * Apply a receipt to a purchase order held in memory (the same rules as the
 * receiving desk: only ordered or partially received orders, never more than
 * is outstanding) and return its `receipt` movements (onHand +, onOrder −).
 */
export function applyReceipt(po: PurchaseOrderDoc, receipt: HistoryReceipt): TimedMovement[] {
  if (po.status !== 'ordered' && po.status !== 'partiallyReceived') {
    throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; only ordered purchase orders can be received`);
  }
  const movements: TimedMovement[] = [];
  for (const item of receipt.lines) {
    const line = po.lines[item.line];
    if (!line) throw invalid(`receipt of ${po.poNumber}`, `no line ${item.line}`);
    if (!Number.isInteger(item.quantity) || item.quantity <= 0 || item.quantity > line.quantity - line.receivedQuantity) {
      throw new AppError('CONFLICT', `Over-receipt refused: ${po.poNumber} line ${item.line} has ${line.quantity - line.receivedQuantity} outstanding, ${item.quantity} received`);
    }
    line.receivedQuantity += item.quantity;
    movements.push({
      sku: line.sku, locationCode: po.locationCode, type: 'receipt', deltas: { onHand: item.quantity, onOrder: -item.quantity },
      reference: poLineReference(po, line.line), at: receipt.at,
    });
  }
  const complete = po.lines.every((l) => l.receivedQuantity === l.quantity);
  po.status = complete ? 'received' : 'partiallyReceived';
  if (complete) po.receivedAt = receipt.at;
  po.receipts.push({ at: receipt.at, lines: receipt.lines.map((l) => ({ line: l.line, quantity: l.quantity })) });
  if (!po.lastReceivedAt || receipt.at > po.lastReceivedAt) po.lastReceivedAt = receipt.at;
  po.statusHistory.push({ status: po.status, at: receipt.at });
  po.updatedAt = receipt.at;
  return movements;
}

/** Cancel what is still outstanding (onOrder −), as the purchasing desk does. */
export function applyPurchaseCancel(po: PurchaseOrderDoc, cancel: HistoryPurchaseCancel): TimedMovement[] {
  if (po.status !== 'ordered' && po.status !== 'partiallyReceived') {
    throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; it can no longer be cancelled`);
  }
  const movements: TimedMovement[] = po.lines
    .filter((l) => l.quantity > l.receivedQuantity)
    .map((l) => ({
      sku: l.sku, locationCode: po.locationCode, type: 'orderCancel', deltas: { onOrder: -(l.quantity - l.receivedQuantity) },
      reference: poLineReference(po, l.line), reason: cancel.reason, at: cancel.at,
    }));
  po.status = 'cancelled';
  po.statusHistory.push({ status: 'cancelled', at: cancel.at, reason: cancel.reason });
  po.updatedAt = cancel.at;
  return movements;
}
