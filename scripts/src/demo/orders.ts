import { localInstant } from './calendar.js';
import type { Rng } from './rng.js';
import type { DemoCampaign, DemoCustomer, DemoLocation } from './types.js';

/** One demanded line before it meets stock. */
export interface DemandLine {
  seriesIndex: number;
  sku: string;
  quantity: number;
  listPrice: number;
  campaign: DemoCampaign | null;
}

/** An order as customers placed it: who, where, when, which lines. */
export interface PlacedOrder {
  customer: DemoCustomer;
  location: DemoLocation;
  orderedAt: Date;
  lines: DemandLine[];
  /** Online orders the customer cancels before they ship. */
  cancelAfterMinutes: number | null;
}

const STORE_LINE_UNITS = { sizes: [1, 2, 3], weights: [0.72, 0.2, 0.08] };
const DC_LINE_UNITS = { sizes: [1, 2, 3, 4, 6, 8, 12], weights: [0.45, 0.2, 0.1, 0.08, 0.07, 0.05, 0.05] };
const CONSUMER_ORDER_LINES = [0.38, 0.27, 0.17, 0.11, 0.07];
const BUSINESS_ORDER_LINES = [0.15, 0.2, 0.25, 0.2, 0.2];
/** Lines of this many units or more at the DC come from business customers. */
const BUSINESS_LINE_UNITS = 4;
const ONLINE_CANCEL_RATE = 0.02;

/** Split a day's units of one product into the lines customers asked for (a unit or two in a shop, cases for businesses). */
export function splitIntoLines(units: number, location: DemoLocation, rng: Rng): number[] {
  const spec = location.type === 'store' ? STORE_LINE_UNITS : DC_LINE_UNITS;
  const lines: number[] = [];
  let left = units;
  while (left > 0) {
    const size = Math.min(left, rng.weighted(spec.sizes, spec.weights));
    lines.push(size);
    left -= size;
  }
  return lines;
}

/** Pack lines into orders of one to five lines, never the same SKU twice in one order. */
function pack(lines: DemandLine[], sizeWeights: number[], rng: Rng): DemandLine[][] {
  const orders: DemandLine[][] = [];
  let pending = lines;
  while (pending.length > 0) {
    const spill: DemandLine[] = [];
    let current: DemandLine[] = [];
    let target = rng.weighted([1, 2, 3, 4, 5], sizeWeights);
    for (const line of pending) {
      if (current.some((l) => l.sku === line.sku)) {
        spill.push(line);
        continue;
      }
      current.push(line);
      if (current.length >= target) {
        orders.push(current);
        current = [];
        target = rng.weighted([1, 2, 3, 4, 5], sizeWeights);
      }
    }
    if (current.length) orders.push(current);
    pending = spill;
  }
  return orders;
}

/** Local hour of an order: stores busiest early afternoon and early evening, the DC through the working day. */
function orderHour(location: DemoLocation, rng: Rng): number {
  const [open, close] = location.hours;
  if (location.type === 'store') {
    const peak = rng.chance(0.5) ? 13 : 17.5;
    const hour = peak + 1.8 * rng.normal();
    return Math.min(close - 0.05, Math.max(open, hour));
  }
  return open + (close - open) * ((rng.float() + rng.float()) / 2);
}

/**
 * Turn one location's demanded lines of a day into customer orders, in time
 * order. Store lines go to the store's walk-in and VIP customers; at the DC
 * large lines come from wholesale and corporate customers, the rest online.
 *
 * @example placeOrders(day, location, lines, customersOf, rng) // [{ customer, orderedAt, lines: [...] }, ...]
 */
export function placeOrders(day: number, location: DemoLocation, lines: DemandLine[], customers: readonly DemoCustomer[], rng: Rng): PlacedOrder[] {
  rng.shuffle(lines);
  const groups: Array<{ segments: DemoCustomer['segment'][]; weights: number[]; orders: DemandLine[][] }> = [];
  if (location.type === 'store') {
    groups.push({ segments: ['retail', 'vip'], weights: [0.88, 0.12], orders: pack(lines, CONSUMER_ORDER_LINES, rng) });
  } else {
    const business = lines.filter((l) => l.quantity >= BUSINESS_LINE_UNITS);
    const consumer = lines.filter((l) => l.quantity < BUSINESS_LINE_UNITS);
    groups.push({ segments: ['online'], weights: [1], orders: pack(consumer, CONSUMER_ORDER_LINES, rng) });
    groups.push({ segments: ['wholesale', 'corporate'], weights: [0.5, 0.5], orders: pack(business, BUSINESS_ORDER_LINES, rng) });
  }
  const placed: PlacedOrder[] = [];
  for (const group of groups) {
    for (const orderLines of group.orders) {
      const segment = rng.weighted(group.segments, group.weights);
      const pool = customers.filter((c) => c.segment === segment);
      const customer = rng.pick(pool.length ? pool : customers);
      const cancel = segment === 'online' && rng.chance(ONLINE_CANCEL_RATE) ? rng.int(20, 180) : null;
      placed.push({
        customer,
        location,
        orderedAt: localInstant(day, orderHour(location, rng), location.timeZone),
        lines: orderLines,
        cancelAfterMinutes: cancel,
      });
    }
  }
  return placed.sort((a, b) => a.orderedAt.getTime() - b.orderedAt.getTime());
}
