import { AppError, type Principal, type SalesOrderStatus, type ShortagePolicy } from '@icc/shared';
import type { ClientSession } from 'mongoose';
import type { Models } from '../db/models.js';
import { applyMovements, type LedgerResult, type MovementInput } from '../stock/stock-ledger.js';
import type { StockPositionRecord } from '../stock/stock-position.model.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';
import { orderTotal, type SalesOrderLineRecord, type SalesOrderRecord } from './sales-order.model.js';

/** Which status may follow which; anything else is a 409 ILLEGAL_TRANSITION. */
const NEXT: Record<SalesOrderStatus, readonly SalesOrderStatus[]> = {
  pending: ['confirmed', 'cancelled'],
  // confirmed → confirmed retries back-ordered lines.
  confirmed: ['confirmed', 'shipped', 'cancelled'],
  shipped: ['delivered'],
  delivered: [],
  cancelled: [],
  rejected: [],
};

export function assertTransition(order: Pick<SalesOrderRecord, 'status' | 'orderNumber' | 'lines'>, to: SalesOrderStatus): void {
  if (!NEXT[order.status].includes(to)) {
    const allowed = NEXT[order.status];
    throw new AppError(
      'ILLEGAL_TRANSITION',
      `Order ${order.orderNumber} is ${order.status}; it can ${allowed.length ? `go to ${allowed.join(' or ')}` : 'not change any more'}`,
      { from: order.status, to, allowed },
    );
  }
  if (order.status === 'confirmed' && to === 'confirmed' && !order.lines.some((l) => l.status === 'backordered')) {
    throw new AppError('ILLEGAL_TRANSITION', `Order ${order.orderNumber} is already confirmed and has no back-ordered lines`);
  }
}

export interface TransitionOutcome {
  order: SalesOrderRecord;
  ledger: LedgerResult;
}

const reference = (order: SalesOrderRecord, line: SalesOrderLineRecord) => ({ type: 'salesOrder', id: String(order._id), line: line.line });

/**
 * Reserve the order's open (or back-ordered) lines. Lines of the same SKU are
 * summed before checking; what happens to a SKU that lacks stock follows the
 * shortage policy (see SHORTAGE_POLICIES). The reservations go through the
 * ledger's guarded update, so even a check that raced with another order can
 * never oversell: the guard fails and the transaction stops.
 */
async function confirm(
  models: Models,
  principal: Principal,
  order: SalesOrderRecord,
  policy: ShortagePolicy,
  session: ClientSession,
): Promise<{ lines: SalesOrderLineRecord[]; movements: MovementInput[]; positions: StockPositionRecord[] }> {
  const pending = order.lines.filter((l) => l.status === 'open' || l.status === 'backordered');
  const wanted = new Map<string, number>();
  for (const line of pending) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  const positions = await tenantCollection<StockPositionRecord>(models.StockPosition).find(
    { locationCode: order.locationCode, sku: { $in: [...wanted.keys()] } },
    { session },
  );
  const available = new Map(positions.map((p) => [p.sku, p.available]));
  const short = [...wanted].filter(([sku, quantity]) => (available.get(sku) ?? 0) < quantity);

  if (short.length > 0 && policy === 'fail') {
    throw new AppError(
      'INSUFFICIENT_STOCK',
      `Order ${order.orderNumber} cannot be confirmed at ${order.locationCode}: ${short
        .map(([sku, quantity]) => `${sku} needs ${quantity}, ${available.get(sku) ?? 0} available`)
        .join('; ')}. Nothing was reserved; retry with onShortage "reject" or "backorder" to serve the rest.`,
      { shortages: short.map(([sku, requested]) => ({ sku, requested, available: available.get(sku) ?? 0 })) },
    );
  }
  const shortSkus = new Set(short.map(([sku]) => sku));
  const movements: MovementInput[] = [];
  const lines = order.lines.map((line) => {
    if (line.status !== 'open' && line.status !== 'backordered') return line;
    if (!shortSkus.has(line.sku)) {
      movements.push({
        sku: line.sku,
        locationCode: order.locationCode,
        type: 'reserve',
        deltas: { reserved: line.quantity },
        reference: reference(order, line),
      });
      return { ...line, status: 'reserved' as const, reservedQuantity: line.quantity, backorderedQuantity: 0 };
    }
    return policy === 'backorder'
      ? { ...line, status: 'backordered' as const, backorderedQuantity: line.quantity }
      : { ...line, status: 'rejected' as const, unfulfilledQuantity: line.quantity, backorderedQuantity: 0 };
  });
  return { lines, movements, positions };
}

function ship(order: SalesOrderRecord): { lines: SalesOrderLineRecord[]; movements: MovementInput[] } {
  const movements: MovementInput[] = [];
  const lines = order.lines.map((line) => {
    if (line.status === 'reserved') {
      movements.push({
        sku: line.sku,
        locationCode: order.locationCode,
        type: 'sale',
        deltas: { onHand: -line.reservedQuantity, reserved: -line.reservedQuantity },
        reference: reference(order, line),
      });
      return { ...line, status: 'shipped' as const, shippedQuantity: line.reservedQuantity, reservedQuantity: 0 };
    }
    // Shipping closes the order: a back-ordered line that never got stock is demand not served.
    if (line.status === 'backordered') return { ...line, status: 'cancelled' as const, unfulfilledQuantity: line.quantity, backorderedQuantity: 0 };
    return line;
  });
  return { lines, movements };
}

function cancel(order: SalesOrderRecord): { lines: SalesOrderLineRecord[]; movements: MovementInput[] } {
  const movements: MovementInput[] = [];
  const lines = order.lines.map((line) => {
    if (line.status === 'reserved') {
      movements.push({
        sku: line.sku,
        locationCode: order.locationCode,
        type: 'release',
        deltas: { reserved: -line.reservedQuantity },
        reference: reference(order, line),
      });
    }
    if (line.status === 'reserved' || line.status === 'open' || line.status === 'backordered') {
      return { ...line, status: 'cancelled' as const, reservedQuantity: 0, backorderedQuantity: 0, unfulfilledQuantity: line.quantity };
    }
    return line;
  });
  return { lines, movements };
}

/** A transition worked out but not yet written: the order's new state and the stock movements it causes. */
export interface PlannedTransition {
  status: SalesOrderStatus;
  lines: SalesOrderLineRecord[];
  movements: MovementInput[];
  /** Positions read while planning (confirmations), so the ledger need not read them again. */
  positions?: StockPositionRecord[];
}

/** Work out a status change (reading stock for a confirmation) without writing anything. */
export async function planTransition(
  models: Models,
  principal: Principal,
  order: SalesOrderRecord,
  to: SalesOrderStatus,
  onShortage: ShortagePolicy | undefined,
  session: ClientSession,
): Promise<PlannedTransition> {
  assertTransition(order, to);
  let change: { lines: SalesOrderLineRecord[]; movements: MovementInput[]; positions?: StockPositionRecord[] } = { lines: order.lines, movements: [] };
  if (to === 'confirmed') change = await confirm(models, principal, order, onShortage ?? order.onShortage, session);
  else if (to === 'shipped') change = ship(order);
  else if (to === 'cancelled') change = cancel(order);
  // With "reject", an order none of whose lines could be served is rejected as a whole.
  const status: SalesOrderStatus = to === 'confirmed' && change.lines.every((l) => l.status === 'rejected') ? 'rejected' : to;
  return { status, ...change };
}

/**
 * Apply one status change inside the caller's transaction: the order document
 * and the ledger rows it causes commit together.
 */
export async function transition(
  models: Models,
  principal: Principal,
  order: SalesOrderRecord,
  to: SalesOrderStatus,
  options: { onShortage?: ShortagePolicy | undefined; reason?: string | undefined; at: Date },
  session: ClientSession,
): Promise<TransitionOutcome> {
  const plan = await planTransition(models, principal, order, to, options.onShortage, session);
  // The order's lines were checked against the catalog when it was taken; the ledger need not re-check.
  const ledger = await applyMovements(models, principal, plan.movements, session, options.at, {
    catalogChecked: true,
    ...(plan.positions ? { positions: plan.positions } : {}),
  });
  const updated = await models.SalesOrder.findOneAndUpdate(
    { _id: order._id, status: order.status },
    {
      $set: { status: plan.status, lines: plan.lines, totalAmount: orderTotal(plan.lines) },
      $push: { statusHistory: { status: plan.status, at: options.at, ...(options.reason ? { reason: options.reason } : {}) } },
    },
    { returnDocument: 'after', session },
  ).lean<SalesOrderRecord>();
  // The filter on the old status makes a concurrent transition of the same order lose cleanly.
  if (!updated) throw new AppError('CONFLICT', `Order ${order.orderNumber} changed while this request ran; reload and retry`);
  return { order: updated, ledger };
}
