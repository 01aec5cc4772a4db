import { utcDayKey, type RawSalesEvent } from '@icc/shared';
import type { SourceSalesOrder } from './source-documents.js';
import { toCents } from './fact-collections.js';

type Line = SourceSalesOrder['lines'][number];

/** When the order's status history says each thing happened (the history is append-only, so these never move). */
interface OrderMoments {
  shippedAt: Date | null;
  cancelledAt: Date | null;
  /** The order was rejected as a whole (every line short at one confirmation). */
  rejectedAt: Date | null;
  /**
   * The last confirmation. A rejection of single lines happens at a confirmation
   * with the `reject` policy, which leaves no back-ordered line behind, so no
   * later confirmation can follow it: the last one is the one that rejected,
   * in this version of the document and in every later one.
   */
  lastConfirmedAt: Date | null;
}

function momentsOf(order: SourceSalesOrder): OrderMoments {
  const first = (status: string) => order.statusHistory.find((h) => h.status === status)?.at ?? null;
  const confirmations = order.statusHistory.filter((h) => h.status === 'confirmed');
  return {
    shippedAt: first('shipped'),
    cancelledAt: first('cancelled'),
    rejectedAt: first('rejected'),
    lastConfirmedAt: confirmations.at(-1)?.at ?? null,
  };
}

/** When a line's unfulfilled quantity was decided, or null when the document does not (yet) say. */
function unfulfilledAt(line: Line, moments: OrderMoments): Date | null {
  if (line.status === 'rejected') return moments.rejectedAt ?? moments.lastConfirmedAt;
  // A cancelled line on a shipped order is a back-ordered line that shipping closed.
  if (line.status === 'cancelled') return moments.cancelledAt ?? moments.shippedAt;
  return moments.cancelledAt ?? moments.rejectedAt ?? moments.shippedAt;
}

/**
 * Every line event a sales order document implies, as immutable raw events.
 * Pure: the same document always gives the same events, and a later version of
 * the document gives a superset with identical values for the events both have
 * (ids name the source identity, times come from the append-only status history
 * and returns), which is what makes "insert, ignore duplicates" correct.
 *
 * - `demanded` (every line) at `orderedAt`, quantity = line quantity;
 * - `fulfilled` at the `shipped` entry, quantity = shippedQuantity, revenue = quantity × unitPrice;
 * - `unfulfilled` at the rejection/cancellation (see `unfulfilledAt`), quantity = unfulfilledQuantity;
 * - `returned` per `returns[i]` and line (`…:returned:<i>`), negative revenue.
 *
 * @example
 *   deriveSalesEvents(order, new Date()).map((e) => e._id)
 *   // ['so:665f…:1:demanded', 'so:665f…:1:fulfilled', 'so:665f…:1:returned:0']
 */
export function deriveSalesEvents(order: SourceSalesOrder, ingestedAt: Date): RawSalesEvent[] {
  const moments = momentsOf(order);
  const orderId = order._id;
  const events: RawSalesEvent[] = [];
  const lines = new Map(order.lines.map((line) => [line.line, line]));

  const event = (line: Line, kind: RawSalesEvent['kind'], suffix: string, quantity: number, revenue: number, at: Date): RawSalesEvent => ({
    _id: `so:${orderId}:${line.line}:${suffix}`,
    tenantId: order.tenantId,
    kind,
    orderId,
    orderNumber: order.orderNumber,
    line: line.line,
    sku: line.sku,
    locationCode: order.locationCode,
    customerCode: order.customerCode,
    customerSegment: order.customerSegment,
    quantity,
    unitPrice: line.unitPrice,
    revenue,
    campaignId: line.campaignId,
    discountPercent: line.discountPercent,
    eventTime: at,
    day: utcDayKey(at),
    ingestedAt,
  });
  const money = (quantity: number, unitPrice: number) => toCents(quantity * unitPrice) / 100;

  for (const line of order.lines) {
    events.push(event(line, 'demanded', 'demanded', line.quantity, 0, order.orderedAt));
    if (moments.shippedAt && line.shippedQuantity > 0) {
      events.push(event(line, 'fulfilled', 'fulfilled', line.shippedQuantity, money(line.shippedQuantity, line.unitPrice), moments.shippedAt));
    }
    const unfulfilledTime = line.unfulfilledQuantity > 0 ? unfulfilledAt(line, moments) : null;
    if (unfulfilledTime) events.push(event(line, 'unfulfilled', 'unfulfilled', line.unfulfilledQuantity, 0, unfulfilledTime));
  }

  order.returns.forEach((entry, index) => {
    // One return may name a line twice (the API sums them too): one event per line and entry.
    const perLine = new Map<number, number>();
    for (const item of entry.lines) perLine.set(item.line, (perLine.get(item.line) ?? 0) + item.quantity);
    for (const [lineNo, quantity] of perLine) {
      const line = lines.get(lineNo);
      if (!line || quantity <= 0) continue;
      events.push(event(line, 'returned', `returned:${index}`, quantity, -money(quantity, line.unitPrice), entry.at));
    }
  });
  return events;
}
