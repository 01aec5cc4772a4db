import type { SalesOrderStatus, ShortagePolicy } from '@icc/shared';
import type { Types } from 'mongoose';
import type { LinePrice } from './order-pricing.js';
import { orderTotal, type SalesOrderLineRecord, type SalesOrderRecord } from './sales-order.model.js';

/**
 * Building sales-order documents, pure: the order desk (`sales-order.service.ts`)
 * and the history import both make their orders here, so lines, totals and
 * status history have one shape and one set of rules.
 */

/** A sales order as built here: the stored document without its tenant. */
export type SalesOrderDocument = Omit<SalesOrderRecord, 'tenantId'>;

/** A line as the customer asked for it, priced. */
export type PricedLine = LinePrice & { sku: string; quantity: number };

/**
 * A line just taken: open, with nothing reserved, shipped, returned or unserved.
 *
 * @example openLine(0, { sku: 'A', quantity: 2, listPrice: 10, unitPrice: 8, discountPercent: 20, campaignId: 'c1' })
 *   // { line: 0, sku: 'A', quantity: 2, …, status: 'open', reservedQuantity: 0, shippedQuantity: 0, … }
 */
export function openLine(line: number, priced: PricedLine): SalesOrderLineRecord {
  return {
    line,
    sku: priced.sku,
    quantity: priced.quantity,
    listPrice: priced.listPrice,
    unitPrice: priced.unitPrice,
    discountPercent: priced.discountPercent,
    campaignId: priced.campaignId,
    status: 'open',
    reservedQuantity: 0,
    shippedQuantity: 0,
    returnedQuantity: 0,
    unfulfilledQuantity: 0,
    backorderedQuantity: 0,
  };
}

/**
 * A line in its final state: served (shipped in full), or demand not served —
 * rejected at confirmation for lack of stock, or cancelled before it shipped.
 * The demanded quantity stays as asked either way.
 */
export function closedLine(line: number, priced: PricedLine, outcome: 'served' | 'rejected' | 'cancelled'): SalesOrderLineRecord {
  const open = openLine(line, priced);
  return outcome === 'served'
    ? { ...open, status: 'shipped', shippedQuantity: priced.quantity }
    : { ...open, status: outcome, unfulfilledQuantity: priced.quantity };
}

/** Who ordered what, where: the parts of an order that never change. */
export interface SalesOrderHeader {
  _id: Types.ObjectId;
  orderNumber: string;
  customer: { code: string; segment: string };
  locationCode: string;
  onShortage: ShortagePolicy;
  notes?: string | undefined;
}

/**
 * A sales order from its header, its lines and the statuses it went through,
 * oldest first: the first is when it was taken, the last is where it stands.
 * The total is what the customer pays for the lines served (see orderTotal).
 *
 * @example
 *   salesOrderDocument(header, [openLine(0, priced)], [{ status: 'pending', at }])
 *   // { status: 'pending', totalAmount: 16, orderedAt: at, createdAt: at, updatedAt: at, returns: [], … }
 */
export function salesOrderDocument(
  header: SalesOrderHeader,
  lines: SalesOrderLineRecord[],
  statusHistory: [{ status: SalesOrderStatus; at: Date }, ...Array<{ status: SalesOrderStatus; at: Date; reason?: string }>],
): SalesOrderDocument {
  const taken = statusHistory[0];
  const latest = statusHistory[statusHistory.length - 1]!;
  return {
    _id: header._id,
    orderNumber: header.orderNumber,
    customerCode: header.customer.code,
    customerSegment: header.customer.segment,
    locationCode: header.locationCode,
    status: latest.status,
    onShortage: header.onShortage,
    lines,
    totalAmount: orderTotal(lines),
    ...(header.notes ? { notes: header.notes } : {}),
    statusHistory,
    returns: [],
    orderedAt: taken.at,
    createdAt: taken.at,
    updatedAt: latest.at,
  };
}
