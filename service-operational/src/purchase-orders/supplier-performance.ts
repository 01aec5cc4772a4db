import { utcDayKey, utcDaysBetween } from '@icc/shared';

/** What performance needs of a purchase order. */
export interface PurchaseOrderOutcome {
  status: string;
  expectedDate: Date;
  /** When the last receipt completed the order (received orders only). */
  receivedAt: Date | null;
  ordered: number;
  received: number;
}

/**
 * A supplier's delivery record:
 * - on-time rate: received orders whose completing receipt came on or before the expected day;
 * - average delay: mean days late over received orders (early counts as 0);
 * - fill rate: units received ÷ units ordered over closed orders (received, or cancelled after a receipt).
 * Null when there is nothing to measure. Pure: dates compared as UTC days.
 *
 * @example supplierPerformance([{ status: 'received', expectedDate: d('2026-01-10'), receivedAt: d('2026-01-12'), ordered: 10, received: 10 }])
 *   // { purchaseOrdersReceived: 1, onTimeRate: 0, averageDelayDays: 2, fillRate: 1 }
 */
export function supplierPerformance(orders: readonly PurchaseOrderOutcome[]) {
  const received = orders.filter((o) => o.status === 'received' && o.receivedAt);
  const delays = received.map((o) => Math.max(0, utcDaysBetween(utcDayKey(o.expectedDate), utcDayKey(o.receivedAt!))));
  const closed = orders.filter((o) => o.status === 'received' || (o.status === 'cancelled' && o.received > 0));
  const orderedUnits = closed.reduce((n, o) => n + o.ordered, 0);
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    purchaseOrdersReceived: received.length,
    onTimeRate: received.length ? round(delays.filter((d) => d === 0).length / received.length) : null,
    averageDelayDays: received.length ? round(delays.reduce((a, b) => a + b, 0) / received.length) : null,
    fillRate: orderedUnits ? round(closed.reduce((n, o) => n + o.received, 0) / orderedUnits) : null,
  };
}
