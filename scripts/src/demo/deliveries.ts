import { localInstant } from './calendar.js';
import type { Rng } from './rng.js';
import type { DemoLocation, DemoSupplier } from './types.js';

export interface OpenPurchaseLine {
  seriesIndex: number;
  sku: string;
  quantity: number;
  unitCost: number;
  /** Units received so far (the simulation keeps it as receipts happen). */
  received: number;
}

export interface OpenPurchaseOrder {
  poNumber: string;
  supplier: DemoSupplier;
  location: DemoLocation;
  orderedDay: number;
  lines: OpenPurchaseLine[];
}

/** Something that will happen to a purchase order on a later day. */
export type DeliveryEvent =
  | { kind: 'receipt'; day: number; at: Date; po: OpenPurchaseOrder; lines: Array<{ line: number; quantity: number }> }
  | { kind: 'cancel'; day: number; at: Date; po: OpenPurchaseOrder; reason: string };

/** Share of a partial delivery's short lines that do arrive, later. */
const REST_ARRIVES = 0.65;

/**
 * How the supplier really delivers a purchase order: on time (sometimes a day
 * early) with its on-time rate, else late by 1 + an exponential delay; with its
 * short-delivery rate some lines come short, and the rest either follows 3–12
 * days later or is written off (cancelled) 1–2 weeks after.
 *
 * @example planDeliveries(po, rng) // [{ kind: 'receipt', day: 20123, lines: [{ line: 0, quantity: 24 }] }]
 */
export function planDeliveries(po: OpenPurchaseOrder, rng: Rng): DeliveryEvent[] {
  const { supplier, location } = po;
  const expected = po.orderedDay + supplier.defaultLeadTimeDays;
  const delay = rng.chance(supplier.onTimeRate) ? (rng.chance(0.12) ? -1 : 0) : 1 + Math.floor(-Math.log(1 - rng.float()) * supplier.delayMeanDays);
  const arrival = Math.max(po.orderedDay + 1, expected + delay);
  const receiptAt = (day: number) => localInstant(day, 7 + rng.between(0, 3), location.timeZone);

  if (!rng.chance(supplier.partialRate)) {
    return [{ kind: 'receipt', day: arrival, at: receiptAt(arrival), po, lines: po.lines.map((l, line) => ({ line, quantity: l.quantity })) }];
  }
  const first = po.lines.map((l): number => (rng.chance(0.6) ? Math.floor(l.quantity * rng.between(0.4, 0.9)) : l.quantity));
  // A delivery brings something: if every line came short to nothing, the first line comes in full.
  if (!first.some((q) => q > 0)) first[0] = po.lines[0]!.quantity;
  const events: DeliveryEvent[] = [
    { kind: 'receipt', day: arrival, at: receiptAt(arrival), po, lines: first.map((quantity, line) => ({ line, quantity })).filter((l) => l.quantity > 0) },
  ];
  const rest = po.lines.map((l, line) => ({ line, quantity: l.quantity - first[line]! })).filter((l) => l.quantity > 0);
  if (rest.length === 0) return events;
  if (rng.chance(REST_ARRIVES)) {
    const day = arrival + rng.int(3, 12);
    events.push({ kind: 'receipt', day, at: receiptAt(day), po, lines: rest });
  } else {
    const day = arrival + rng.int(7, 14);
    events.push({ kind: 'cancel', day, at: localInstant(day, 16, location.timeZone), po, reason: `${supplier.name} cannot deliver the rest` });
  }
  return events;
}
