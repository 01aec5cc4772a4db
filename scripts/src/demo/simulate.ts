import { roundMoney } from '@icc/shared';
import type { HistoryDay, HistorySalesLine, HistorySalesOrder } from '@icc/service-operational';
import { DAY_MS, dayKey, localInstant } from './calendar.js';
import { CATEGORIES } from './categories.js';
import { drawDemand, expectedDemand, type DemandSeries } from './demand.js';
import { planDeliveries, type DeliveryEvent, type OpenPurchaseOrder } from './deliveries.js';
import { placeOrders, splitIntoLines, type DemandLine, type PlacedOrder } from './orders.js';
import { Rng } from './rng.js';
import type { DemoBusiness, DemoStats, FinalPosition } from './types.js';

const MINUTE = 60_000;
const stamp = (prefix: string, day: number, n: number) => `${prefix}-${dayKey(day).replaceAll('-', '')}-${String(n).padStart(4, '0')}`;

/** Mutable state of the simulated business, per series (product × location). */
interface State {
  series: DemandSeries[];
  onHand: number[];
  onOrder: number[];
  /** Deliveries and write-offs still to come, by day. */
  pending: Map<number, DeliveryEvent[]>;
}

function buildSeries(business: DemoBusiness, seed: number, firstDay: number, lastDay: number): DemandSeries[] {
  const policies = new Map(business.policies.map((p) => [`${p.sku}\u0000${p.locationCode}`, p]));
  const rng = new Rng(seed, 'demand');
  const midDay = Math.floor((firstDay + lastDay) / 2);
  return business.products.flatMap((product) =>
    business.locations.map((location) => ({
      product,
      policy: policies.get(`${product.sku}\u0000${location.code}`)!,
      channel: location.channel,
      category: CATEGORIES.find((c) => c.name === product.category)!,
      campaigns: business.campaigns.filter((c) => c.skus.includes(product.sku)),
      midDay,
      rng: rng.fork(`${product.sku}:${location.code}`),
    })),
  );
}

function emptyStats(days: number, products: number): DemoStats {
  return {
    days,
    products,
    orders: 0,
    lines: 0,
    unitsDemanded: 0,
    unitsSold: 0,
    unitsUnserved: 0,
    unitsRejectedForStock: 0,
    revenue: 0,
    stockOutDays: 0,
    purchaseOrders: 0,
    receipts: 0,
    purchaseCancels: 0,
  };
}

/**
 * Serve one customer order against stock, as the order desk confirms with
 * the "reject" shortage policy: a line whose units are not available is
 * rejected whole (its demand recorded as unfulfilled), the rest ship. A
 * cancelled order releases what it had reserved, so it takes no stock.
 */
function serve(order: PlacedOrder, state: State, stats: DemoStats, short: Set<number>, day: number, lastDay: number, rng: Rng): HistorySalesOrder {
  const outcomes = order.lines.map((line) => {
    if (state.onHand[line.seriesIndex]! >= line.quantity) {
      state.onHand[line.seriesIndex]! -= line.quantity;
      return 'served' as const;
    }
    short.add(line.seriesIndex);
    return 'rejected' as const;
  });
  const anyServed = outcomes.includes('served');
  const cancelled = anyServed && order.cancelAfterMinutes !== null;
  const final = outcomes.map((o): HistorySalesLine['outcome'] => (cancelled && o === 'served' ? 'cancelled' : o));
  order.lines.forEach((line, i) => {
    const outcome = final[i]!;
    if (outcome === 'cancelled') state.onHand[line.seriesIndex]! += line.quantity;
    stats.lines++;
    stats.unitsDemanded += line.quantity;
    if (outcome === 'served') {
      stats.unitsSold += line.quantity;
      stats.revenue += priced(line).unitPrice * line.quantity;
    } else stats.unitsUnserved += line.quantity;
    if (outcome === 'rejected') stats.unitsRejectedForStock += line.quantity;
  });
  stats.orders++;

  const base = {
    orderNumber: '',
    customerCode: order.customer.code,
    locationCode: order.location.code,
    orderedAt: order.orderedAt,
    lines: order.lines.map((line, i) => ({ sku: line.sku, quantity: line.quantity, ...priced(line), outcome: final[i]! })),
  };
  if (!anyServed) return { ...base, status: 'rejected' };
  if (cancelled) return { ...base, status: 'cancelled', cancelledAt: new Date(order.orderedAt.getTime() + order.cancelAfterMinutes! * MINUTE) };
  if (order.location.type === 'store') return { ...base, status: 'delivered', shippedAt: order.orderedAt, deliveredAt: order.orderedAt };
  // The DC ships within hours (the same day) and the carrier delivers 1–3 days later, unless that is still ahead of "now".
  const shippedAt = new Date(order.orderedAt.getTime() + rng.int(60, 240) * MINUTE);
  const deliveryDay = day + rng.int(1, 3);
  if (deliveryDay > lastDay) return { ...base, status: 'shipped', shippedAt };
  return { ...base, status: 'delivered', shippedAt, deliveredAt: localInstant(deliveryDay, 10 + rng.between(0, 7), order.location.timeZone) };
}

function priced(line: DemandLine) {
  const discountPercent = line.campaign?.discountPercent ?? 0;
  return {
    listPrice: line.listPrice,
    unitPrice: roundMoney(line.listPrice * (1 - discountPercent / 100)),
    discountPercent,
    campaignName: line.campaign?.name ?? null,
  };
}

function schedule(state: State, events: DeliveryEvent[]): void {
  for (const event of events) {
    const list = state.pending.get(event.day) ?? [];
    list.push(event);
    state.pending.set(event.day, list);
  }
}

/** Apply a delivery event to stock and record it in the day's history. */
function deliver(event: DeliveryEvent, state: State, out: HistoryDay, stats: DemoStats): void {
  if (event.kind === 'receipt') {
    for (const { line, quantity } of event.lines) {
      const poLine = event.po.lines[line]!;
      poLine.received += quantity;
      state.onHand[poLine.seriesIndex]! += quantity;
      state.onOrder[poLine.seriesIndex]! -= quantity;
    }
    out.receipts.push({ poNumber: event.po.poNumber, at: event.at, lines: event.lines });
    stats.receipts++;
    return;
  }
  // The rest of a short delivery will not come: only what is outstanding goes off order.
  for (const line of event.po.lines) state.onOrder[line.seriesIndex]! -= line.quantity - line.received;
  out.purchaseCancels.push({ poNumber: event.po.poNumber, at: event.at, reason: event.reason });
  stats.purchaseCancels++;
}

/**
 * Step the business through its history, one UTC day at a time: receipts
 * arrive, customers order (demand drawn per product × location), lines are
 * served from stock or rejected, then each position is reviewed and purchase
 * orders placed with the preferred supplier when it falls to its reorder
 * point. Pure and deterministic for the business and seed.
 *
 * @example simulate(business, 42, dayNumber('2024-05-02'), dayNumber('2026-05-01')).stats.orders // ~ 60 000
 */
export function simulate(
  business: DemoBusiness,
  seed: number,
  firstDay: number,
  lastDay: number,
): { history: HistoryDay[]; stats: DemoStats; finalStock: FinalPosition[] } {
  const series = buildSeries(business, seed, firstDay, lastDay);
  const state: State = { series, onHand: series.map(() => 0), onOrder: series.map(() => 0), pending: new Map() };
  const stats = emptyStats(lastDay - firstDay + 1, business.products.length);
  const linkOf = new Map(business.links.filter((l) => l.preferred).map((l) => [l.sku, l]));
  const suppliers = new Map(business.suppliers.map((s) => [s.code, s]));
  const rng = new Rng(seed, 'simulation');
  const deliveryRng = rng.fork('deliveries');
  const customersAt = new Map(business.locations.map((l) => [l.code, business.customers.filter((c) => c.homeLocation === l.code)]));
  const history: HistoryDay[] = [];

  for (let day = firstDay; day <= lastDay; day++) {
    const out: HistoryDay = { day: dayKey(day), adjustments: [], purchaseOrders: [], receipts: [], purchaseCancels: [], salesOrders: [] };
    if (day === firstDay) openingStock(state, out, day);
    const dayRng = rng.fork(`day:${day}`);
    const due = state.pending.get(day) ?? [];
    state.pending.delete(day);
    const short = new Set<number>();
    const sales: HistorySalesOrder[] = [];

    business.locations.forEach((location, l) => {
      const lines: DemandLine[] = [];
      for (let s = l; s < series.length; s += business.locations.length) {
        const one = series[s]!;
        const { mean, campaign } = expectedDemand(one, day);
        const units = drawDemand(one, mean);
        if (units === 0) continue;
        for (const quantity of splitIntoLines(units, location, dayRng)) {
          lines.push({ seriesIndex: s, sku: one.product.sku, quantity, listPrice: one.product.price, campaign });
        }
      }
      const orders = placeOrders(day, location, lines, customersAt.get(location.code)!, dayRng);
      // Receipts and write-offs before orders at the same instant, as the importer applies them.
      const events = [
        ...due.filter((e) => e.po.location.code === location.code).map((e) => ({ at: e.at.getTime(), rank: 0, run: () => deliver(e, state, out, stats) })),
        ...orders.map((o) => ({ at: o.orderedAt.getTime(), rank: 1, run: () => void sales.push(serve(o, state, stats, short, day, lastDay, dayRng)) })),
      ].sort((a, b) => a.at - b.at || a.rank - b.rank);
      for (const event of events) event.run();
    });
    stats.stockOutDays += short.size;

    sales.sort((a, b) => a.orderedAt.getTime() - b.orderedAt.getTime());
    sales.forEach((order, i) => (order.orderNumber = stamp('SO', day, i + 1)));
    out.salesOrders = sales;
    out.receipts.sort((a, b) => a.at.getTime() - b.at.getTime());
    replenish(business, state, out, stats, day, linkOf, suppliers, deliveryRng);
    history.push(out);
  }
  const finalStock = series.map((s, i) => ({ sku: s.product.sku, locationCode: s.policy.locationCode, onHand: state.onHand[i]!, onOrder: state.onOrder[i]! }));
  stats.revenue = roundMoney(stats.revenue);
  return { history, stats, finalStock };
}

/** The history starts from a counted stock: between the reorder point and the order-up-to level. */
function openingStock(state: State, out: HistoryDay, day: number): void {
  state.series.forEach((s, i) => {
    const { reorderPoint, orderUpTo } = s.policy;
    const quantity = reorderPoint + Math.floor(s.rng.between(0.3, 1) * (orderUpTo - reorderPoint));
    if (quantity <= 0) return;
    state.onHand[i] = quantity;
    out.adjustments.push({ sku: s.product.sku, locationCode: s.policy.locationCode, quantity, at: new Date(day * DAY_MS), reason: 'opening stock count' });
  });
}

/** End-of-day review: every position at or below its reorder point is ordered up to S from the preferred supplier, one PO per supplier × location. */
function replenish(
  business: DemoBusiness,
  state: State,
  out: HistoryDay,
  stats: DemoStats,
  day: number,
  linkOf: Map<string, DemoBusiness['links'][number]>,
  suppliers: Map<string, DemoBusiness['suppliers'][number]>,
  rng: Rng,
): void {
  const byKey = new Map<string, OpenPurchaseOrder>();
  state.series.forEach((s, i) => {
    const position = state.onHand[i]! + state.onOrder[i]!;
    if (position > s.policy.reorderPoint) return;
    const link = linkOf.get(s.product.sku)!;
    const wanted = s.policy.orderUpTo - position;
    const quantity = Math.max(link.minimumOrderQuantity, Math.ceil(wanted / link.packSize) * link.packSize);
    const location = business.locations.find((l) => l.code === s.policy.locationCode)!;
    const key = `${link.supplierCode}\u0000${location.code}`;
    let po = byKey.get(key);
    if (!po) byKey.set(key, (po = { poNumber: '', supplier: suppliers.get(link.supplierCode)!, location, orderedDay: day, lines: [] }));
    po.lines.push({ seriesIndex: i, sku: s.product.sku, quantity, unitCost: link.unitCost, received: 0 });
    state.onOrder[i]! += quantity;
  });
  const pos = [...byKey.values()].sort((a, b) => (a.supplier.code + a.location.code < b.supplier.code + b.location.code ? -1 : 1));
  pos.forEach((po, n) => {
    po.poNumber = stamp('PO', day, n + 1);
    const orderedAt = localInstant(day, 18 + n / 60, po.location.timeZone);
    out.purchaseOrders.push({
      poNumber: po.poNumber,
      supplierCode: po.supplier.code,
      locationCode: po.location.code,
      orderedAt,
      expectedDate: localInstant(day + po.supplier.defaultLeadTimeDays, 12, po.location.timeZone),
      lines: po.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitCost: l.unitCost })),
    });
    schedule(state, planDeliveries(po, rng));
    stats.purchaseOrders++;
  });
}
