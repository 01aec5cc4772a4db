import { AppError } from '@icc/shared';
import type { Types } from 'mongoose';
import { closedLine, salesOrderDocument, type SalesOrderDocument } from '../orders/sales-order.builder.js';
import type { SalesOrderLineRecord } from '../orders/sales-order.model.js';
import type { MovementInput } from '../stock/stock-ledger.js';
import type { HistorySalesOrder } from './history.types.js';

// Closed history → the documents and ledger movements the desks would have
// produced, built with the same pure builders and rules (no database).

export type TimedMovement = MovementInput & { at: Date };

/** Movements of a step that happened at `at`. */
export function timed(movements: readonly MovementInput[], at: Date): TimedMovement[] {
  return movements.map((m) => ({ ...m, at }));
}

function invalid(what: string, message: string): AppError {
  return new AppError('INVALID_INPUT', `History ${what}: ${message}`);
}

function checkSalesOrder(order: HistorySalesOrder): void {
  const outcomes = new Set(order.lines.map((l) => l.outcome));
  const where = `order ${order.orderNumber}`;
  if (order.lines.length === 0) throw invalid(where, 'has no lines');
  if (order.lines.some((l) => !Number.isInteger(l.quantity) || l.quantity <= 0)) throw invalid(where, 'quantities must be positive integers');
  if (order.status === 'rejected' && (outcomes.size !== 1 || !outcomes.has('rejected'))) throw invalid(where, 'a rejected order has only rejected lines');
  if (order.status === 'cancelled' && (outcomes.has('served') || !order.cancelledAt))
    throw invalid(where, 'a cancelled order serves nothing and has cancelledAt');
  if (order.status === 'shipped' || order.status === 'delivered') {
    if (!outcomes.has('served') || outcomes.has('cancelled') || !order.shippedAt)
      throw invalid(where, `a ${order.status} order serves a line, cancels none and has shippedAt`);
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
 *   closedSalesOrder(order, 'retail', new Map(), new Types.ObjectId())
 *   // { doc: { orderNumber: 'SO-20250301-0001', status: 'delivered', ... }, movements: [{ type: 'sale', ... }] }
 */
export function closedSalesOrder(
  order: HistorySalesOrder,
  customerSegment: string,
  campaignIds: ReadonlyMap<string, string>,
  id: Types.ObjectId,
): { doc: SalesOrderDocument; movements: TimedMovement[] } {
  checkSalesOrder(order);
  const lines: SalesOrderLineRecord[] = order.lines.map((line, index) => {
    const campaignId = line.campaignName === null ? null : campaignIds.get(line.campaignName);
    if (campaignId === undefined) throw new AppError('NOT_FOUND', `Campaign "${line.campaignName}" of order ${order.orderNumber} does not exist`);
    const { sku, quantity, listPrice, unitPrice, discountPercent } = line;
    return closedLine(index, { sku, quantity, listPrice, unitPrice, discountPercent, campaignId }, line.outcome);
  });
  const at = order.orderedAt;
  const history: Parameters<typeof salesOrderDocument>[2] = [{ status: 'pending', at }];
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
  // History is closed: nothing is waiting for stock, so the shortage policy that fits it is "reject".
  const doc = salesOrderDocument(
    {
      _id: id,
      orderNumber: order.orderNumber,
      customer: { code: order.customerCode, segment: customerSegment },
      locationCode: order.locationCode,
      onShortage: 'reject',
    },
    lines,
    history,
  );
  return { doc, movements };
}
