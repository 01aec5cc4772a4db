import { AppError, roundMoney, type PurchaseOrderStatus } from '@icc/shared';
import type { Types } from 'mongoose';
import type { MovementInput } from '../stock/stock-ledger.js';
import type { PurchaseOrderLineRecord, PurchaseOrderRecord } from './purchase-order.model.js';

/**
 * The rules of a purchase order, over a plain document: no database, no clock
 * (every step is given its time). The purchasing and receiving desks
 * (`purchase-order.service.ts`) and the history import both change purchase
 * orders only through these functions, then write the result.
 */

/** A purchase order as these rules see it: the stored document without its tenant. */
export type PurchaseOrderDocument = Omit<PurchaseOrderRecord, 'tenantId'>;

/** Which status may follow which; anything else is a 409 ILLEGAL_TRANSITION. */
const NEXT: Record<PurchaseOrderStatus, readonly PurchaseOrderStatus[]> = {
  draft: ['ordered', 'cancelled'],
  ordered: ['partiallyReceived', 'received', 'cancelled'],
  // partiallyReceived → partiallyReceived is a further receipt that still leaves something outstanding.
  partiallyReceived: ['partiallyReceived', 'received', 'cancelled'],
  received: [],
  cancelled: [],
};

/** Statuses whose outstanding quantities are on order: what available-to-promise counts as coming. */
export const ON_ORDER_STATUSES = ['ordered', 'partiallyReceived'] as const satisfies readonly PurchaseOrderStatus[];

/** What each step refuses, in the words of the desk that tried it. */
const REFUSAL: Record<'ordered' | 'received' | 'cancelled', string> = {
  ordered: 'only a draft can be ordered',
  received: 'only ordered purchase orders can be received',
  cancelled: 'it can no longer be cancelled',
};

/** Whether a purchase order in `from` may move to `to`. @example canTransition('draft', 'received') // false */
export function canTransition(from: PurchaseOrderStatus, to: PurchaseOrderStatus): boolean {
  return NEXT[from].includes(to);
}

function assertStep(po: PurchaseOrderDocument, step: keyof typeof REFUSAL): void {
  // A receipt may end in partiallyReceived or received; both are allowed from the same statuses.
  if (!canTransition(po.status, step)) {
    throw new AppError('ILLEGAL_TRANSITION', `Purchase order ${po.poNumber} is ${po.status}; ${REFUSAL[step]}`);
  }
}

const lineReference = (po: Pick<PurchaseOrderDocument, '_id'>, line: number) => ({ type: 'purchaseOrder', id: String(po._id), line });

/** What it costs to buy the lines. */
export function purchaseOrderTotal(lines: ReadonlyArray<Pick<PurchaseOrderLineRecord, 'quantity' | 'unitCost'>>): number {
  return roundMoney(lines.reduce((n, l) => n + l.quantity * l.unitCost, 0));
}

export interface NewPurchaseOrder {
  _id: Types.ObjectId;
  poNumber: string;
  supplierId: Types.ObjectId;
  supplierCode: string;
  locationCode: string;
  /** Priced lines, in the order given; they are numbered from 0. */
  lines: ReadonlyArray<{ sku: string; quantity: number; unitCost: number }>;
  expectedDate: Date;
  source?: { type: string; id?: string } | undefined;
  notes?: string | undefined;
  at: Date;
}

/**
 * A new purchase order, as a draft: nothing is on order until it is placed.
 *
 * @example
 *   draftPurchaseOrder({ _id, poNumber: 'PO-20260301-0001', supplierId, supplierCode: 'SUP-1', locationCode: 'WH-1',
 *     lines: [{ sku: 'BEV-0001', quantity: 10, unitCost: 2.5 }], expectedDate, at })
 *   // { status: 'draft', totalCost: 25, lines: [{ line: 0, …, receivedQuantity: 0 }], statusHistory: [{ status: 'draft', at }], … }
 */
export function draftPurchaseOrder(input: NewPurchaseOrder): PurchaseOrderDocument {
  if (input.lines.length === 0 || input.lines.some((l) => !Number.isInteger(l.quantity) || l.quantity <= 0)) {
    throw new AppError('INVALID_INPUT', `Purchase order ${input.poNumber} needs lines with positive integer quantities`);
  }
  const lines = input.lines.map((l, index) => ({ line: index, sku: l.sku, quantity: l.quantity, unitCost: l.unitCost, receivedQuantity: 0 }));
  return {
    _id: input._id,
    poNumber: input.poNumber,
    supplierId: input.supplierId,
    supplierCode: input.supplierCode,
    locationCode: input.locationCode,
    status: 'draft',
    lines,
    totalCost: purchaseOrderTotal(lines),
    expectedDate: input.expectedDate,
    orderedAt: null,
    receivedAt: null,
    lastReceivedAt: null,
    source: input.source ?? { type: 'manual' },
    receipts: [],
    statusHistory: [{ status: 'draft', at: input.at }],
    ...(input.notes ? { notes: input.notes } : {}),
    createdAt: input.at,
    updatedAt: input.at,
  };
}

/** A step worked out but not yet written: the purchase order after it and the stock movements it causes. */
export interface PurchaseOrderStep {
  order: PurchaseOrderDocument;
  movements: MovementInput[];
}

/** draft → ordered: every line's quantity goes on order at the receiving location. */
export function placeOrder(po: PurchaseOrderDocument, at: Date): PurchaseOrderStep {
  assertStep(po, 'ordered');
  const movements: MovementInput[] = po.lines.map((line) => ({
    sku: line.sku,
    locationCode: po.locationCode,
    type: 'order',
    deltas: { onOrder: line.quantity },
    reference: lineReference(po, line.line),
  }));
  return {
    order: { ...po, status: 'ordered', orderedAt: at, statusHistory: [...po.statusHistory, { status: 'ordered', at }], updatedAt: at },
    movements,
  };
}

/**
 * Goods in: on order → on hand, per line. Quantities for the same line are
 * summed; more than is outstanding on a line is refused (over-receipt), so
 * received never exceeds ordered. The order is received once every line is.
 */
export function receive(
  po: PurchaseOrderDocument,
  items: ReadonlyArray<{ line: number; quantity: number }>,
  at: Date,
): PurchaseOrderStep & { received: Array<{ sku: string; quantity: number }> } {
  assertStep(po, 'received');
  const receiving = new Map<number, number>();
  for (const item of items) {
    if (!Number.isInteger(item.quantity) || item.quantity <= 0) {
      throw new AppError('INVALID_INPUT', `Purchase order ${po.poNumber}: received quantities must be positive integers`, [
        { path: 'lines', message: `line ${item.line}: ${item.quantity}` },
      ]);
    }
    receiving.set(item.line, (receiving.get(item.line) ?? 0) + item.quantity);
  }
  const receivedLines: PurchaseOrderLineRecord[] = [];
  for (const [lineNo, quantity] of receiving) {
    const line = po.lines.find((l) => l.line === lineNo);
    if (!line) throw new AppError('INVALID_INPUT', `Purchase order ${po.poNumber} has no line ${lineNo}`, [{ path: 'lines', message: `no line ${lineNo}` }]);
    const outstanding = line.quantity - line.receivedQuantity;
    if (quantity > outstanding) {
      throw new AppError('CONFLICT', `Over-receipt refused: line ${lineNo} (${line.sku}) has ${outstanding} outstanding, ${quantity} received`, {
        line: lineNo,
        outstanding,
        received: quantity,
      });
    }
    receivedLines.push(line);
  }
  const lines = po.lines.map((line) => ({ ...line, receivedQuantity: line.receivedQuantity + (receiving.get(line.line) ?? 0) }));
  const complete = lines.every((l) => l.receivedQuantity === l.quantity);
  const status: PurchaseOrderStatus = complete ? 'received' : 'partiallyReceived';
  const movements: MovementInput[] = receivedLines.map((line) => ({
    sku: line.sku,
    locationCode: po.locationCode,
    type: 'receipt',
    deltas: { onHand: receiving.get(line.line)!, onOrder: -receiving.get(line.line)! },
    reference: lineReference(po, line.line),
  }));
  return {
    order: {
      ...po,
      status,
      lines,
      ...(complete ? { receivedAt: at } : {}),
      // A receipt may be back-dated, so keep the newest, not the last recorded.
      lastReceivedAt: po.lastReceivedAt && po.lastReceivedAt > at ? po.lastReceivedAt : at,
      receipts: [...po.receipts, { at, lines: [...receiving].map(([line, quantity]) => ({ line, quantity })) }],
      statusHistory: [...po.statusHistory, { status, at }],
      updatedAt: at,
    },
    movements,
    received: receivedLines.map((line) => ({ sku: line.sku, quantity: receiving.get(line.line)! })),
  };
}

/** Cancel: whatever is still outstanding comes off order (a draft never went on order). */
export function cancel(po: PurchaseOrderDocument, at: Date, reason?: string): PurchaseOrderStep {
  assertStep(po, 'cancelled');
  const movements: MovementInput[] =
    po.status === 'draft'
      ? []
      : po.lines
          .filter((line) => line.quantity > line.receivedQuantity)
          .map((line) => ({
            sku: line.sku,
            locationCode: po.locationCode,
            type: 'orderCancel',
            deltas: { onOrder: -(line.quantity - line.receivedQuantity) },
            reference: lineReference(po, line.line),
            ...(reason ? { reason } : {}),
          }));
  return {
    order: { ...po, status: 'cancelled', statusHistory: [...po.statusHistory, { status: 'cancelled', at, ...(reason ? { reason } : {}) }], updatedAt: at },
    movements,
  };
}
