import { dayNumber, generateDemo, type DemoBusiness, type DemoLink, type DemoLocation, type DemoProduct, type DemoSupplier } from '../demo/index.js';
import { DAY_MS } from '../demo/calendar.js';

/** One SKU × location the simulation replenishes. */
export interface Pair {
  index: number;
  product: DemoProduct;
  location: DemoLocation;
  /** The demo planner's own rule: order up to `orderUpTo` when the position falls to `reorderPoint`. */
  reorderPoint: number;
  orderUpTo: number;
  preferredLink: DemoLink;
  links: DemoLink[];
  /** True demand per window day (units wanted, served or not). */
  demand: number[];
  /** Before the window: whether demand was turned away, per history day. */
  pastShort: boolean[];
  /** Before the window: units wanted per history day (served or not). */
  pastDemand: number[];
  /** Stock counted at the start of the period of the same length just before the window (0 when the history is shorter). */
  precedingOpeningStock: number;
  /** Stock counted at the start of the window. */
  openingStock: number;
  /** Purchase orders placed before the window: what arrives on which window day, and their expected day. */
  inherited: { day: number; quantity: number; expectedDay: number }[];
}

/** Delivery performance of a supplier: delays (receipt day − expected day) of first receipts. */
export interface DeliveryRecord {
  count: number;
  sumDelay: number;
  sumSquaredDelay: number;
  onTime: number;
}

export interface Scenario {
  seed: number;
  business: DemoBusiness;
  suppliers: Map<string, DemoSupplier>;
  pairs: Pair[];
  /** First and last window day (day numbers, inclusive) and the first history day. */
  firstDay: number;
  lastDay: number;
  historyStart: number;
  /** Supplier → deliveries measured before the window. */
  pastDeliveries: Map<string, DeliveryRecord>;
  /** SKU → revenue in the year before the window (served units × price): the ABC basis. */
  pastRevenue: Record<string, number>;
}

export interface ScenarioOptions {
  seed: number;
  products: number;
  /** Days replayed. */
  days: number;
  /** Days of history before the window (what forecasts start from). */
  warmupDays: number;
  endDay: string;
}

/**
 * The demo business and what happened before the replayed window: the
 * generator runs warm-up + window days with its own policy; the window's true
 * demand is every unit its customers asked for (each sales line, whether
 * served, rejected or later cancelled), and the state at the window's start
 * (stock counted, purchase orders under way) is rebuilt from the history
 * before it. Every policy then starts from that same state.
 */
export function buildScenario(options: ScenarioOptions): Scenario {
  const demo = generateDemo({ seed: options.seed, products: options.products, days: options.warmupDays + options.days, endDay: options.endDay });
  const { business, history } = demo;
  const lastDay = dayNumber(options.endDay);
  const firstDay = lastDay - options.days + 1;
  const historyStart = firstDay - options.warmupDays;
  const locations = business.locations;
  const key = (sku: string, location: string) => `${sku}\u0000${location}`;
  const policies = new Map(business.policies.map((p) => [key(p.sku, p.locationCode), p]));
  const linksOf = new Map<string, DemoLink[]>();
  for (const link of business.links) linksOf.set(link.sku, [...(linksOf.get(link.sku) ?? []), link]);

  const pairs: Pair[] = [];
  const pairOf = new Map<string, Pair>();
  for (const product of business.products) {
    for (const location of locations) {
      const policy = policies.get(key(product.sku, location.code))!;
      const links = linksOf.get(product.sku)!;
      const pair: Pair = {
        index: pairs.length,
        product,
        location,
        reorderPoint: policy.reorderPoint,
        orderUpTo: policy.orderUpTo,
        preferredLink: links.find((l) => l.preferred)!,
        links,
        demand: new Array<number>(options.days).fill(0),
        pastShort: new Array<boolean>(options.warmupDays).fill(false),
        pastDemand: new Array<number>(options.warmupDays).fill(0),
        precedingOpeningStock: 0,
        openingStock: 0,
        inherited: [],
      };
      pairs.push(pair);
      pairOf.set(key(product.sku, location.code), pair);
    }
  }

  const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);
  const purchaseOrders = new Map<
    string,
    { supplierCode: string; locationCode: string; orderedDay: number; expectedDay: number; skus: string[]; seen: boolean }
  >();
  const pastDeliveries = new Map<string, DeliveryRecord>();
  const pastRevenue: Record<string, number> = Object.fromEntries(business.products.map((p) => [p.sku, 0]));
  const stock = new Map<Pair, number>();
  for (const day of history) {
    const d = dayNumber(day.day);
    const before = d < firstDay;
    if (d === firstDay - options.days) for (const pair of pairs) pair.precedingOpeningStock = Math.max(0, stock.get(pair) ?? 0);
    for (const po of day.purchaseOrders) {
      purchaseOrders.set(po.poNumber, {
        supplierCode: po.supplierCode,
        locationCode: po.locationCode,
        orderedDay: d,
        expectedDay: dayOf(po.expectedDate),
        skus: po.lines.map((l) => l.sku),
        seen: false,
      });
    }
    if (before)
      for (const a of day.adjustments)
        stock.set(pairOf.get(key(a.sku, a.locationCode))!, (stock.get(pairOf.get(key(a.sku, a.locationCode))!) ?? 0) + a.quantity);
    for (const receipt of day.receipts) {
      const po = purchaseOrders.get(receipt.poNumber)!;
      if (before && !po.seen) {
        po.seen = true;
        const delay = d - po.expectedDay;
        const record = pastDeliveries.get(po.supplierCode) ?? { count: 0, sumDelay: 0, sumSquaredDelay: 0, onTime: 0 };
        record.count++;
        record.sumDelay += delay;
        record.sumSquaredDelay += delay * delay;
        if (delay <= 0) record.onTime++;
        pastDeliveries.set(po.supplierCode, record);
      }
      for (const { line, quantity } of receipt.lines) {
        const pair = pairOf.get(key(po.skus[line]!, po.locationCode))!;
        if (before) stock.set(pair, (stock.get(pair) ?? 0) + quantity);
        else if (po.orderedDay < firstDay) pair.inherited.push({ day: d, quantity, expectedDay: po.expectedDay });
      }
    }
    for (const order of day.salesOrders) {
      for (const line of order.lines) {
        const pair = pairOf.get(key(line.sku, order.locationCode))!;
        if (!before) {
          pair.demand[d - firstDay]! += line.quantity;
          continue;
        }
        const i = d - historyStart;
        pair.pastDemand[i]! += line.quantity;
        if (line.outcome === 'served') {
          stock.set(pair, (stock.get(pair) ?? 0) - line.quantity);
          if (d >= firstDay - 365) pastRevenue[line.sku]! += line.unitPrice * line.quantity;
        }
        if (line.outcome === 'rejected') pair.pastShort[i] = true;
      }
    }
  }
  for (const pair of pairs) pair.openingStock = Math.max(0, stock.get(pair) ?? 0);
  return {
    seed: options.seed,
    business,
    suppliers: new Map(business.suppliers.map((s) => [s.code, s])),
    pairs,
    firstDay,
    lastDay,
    historyStart,
    pastDeliveries,
    pastRevenue,
  };
}
