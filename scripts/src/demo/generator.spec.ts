import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { dayNumber, isoWeekday } from './calendar.js';
import { generateDemo, type Demo } from './index.js';

const END = '2026-04-30';
const daily = (demo: Demo, pick: (o: Demo['history'][number]['salesOrders'][number]) => boolean) =>
  demo.history.map((d) => d.salesOrders.filter(pick).reduce((n, o) => n + o.lines.reduce((m, l) => m + l.quantity, 0), 0));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

describe('demo generator', () => {
  let demo: Demo;
  beforeAll(() => {
    demo = generateDemo({ seed: 42, products: 80, days: 420, endDay: END });
  });

  it('is deterministic: the same seed gives byte-identical output, another seed another business', () => {
    const hash = (d: Demo) => createHash('sha256').update(JSON.stringify(d)).digest('hex');
    const options = { seed: 7, products: 30, days: 90, endDay: END };
    expect(hash(generateDemo(options))).toBe(hash(generateDemo(options)));
    expect(hash(generateDemo({ ...options, seed: 8 }))).not.toBe(hash(generateDemo(options)));
  });

  it('builds the business the brief describes', () => {
    const { business } = demo;
    expect(business.locations.map((l) => l.type)).toEqual(['dc', 'store', 'store', 'store']);
    expect(business.suppliers).toHaveLength(8);
    expect(Math.min(...business.suppliers.map((s) => s.defaultLeadTimeDays))).toBe(3);
    expect(Math.max(...business.suppliers.map((s) => s.defaultLeadTimeDays))).toBe(30);
    expect(new Set(business.products.map((p) => p.category)).size).toBe(12);
    expect(business.customers.length).toBeGreaterThanOrEqual(195);
    for (const p of business.products) {
      expect(business.links.filter((l) => l.sku === p.sku && l.preferred)).toHaveLength(1);
      expect(p.cost).toBeLessThan(p.price);
      expect(p.reorderPoint).toBeGreaterThanOrEqual(1);
    }
    for (const c of business.campaigns) {
      expect(c.discountPercent).toBeGreaterThanOrEqual(10);
      expect(c.discountPercent).toBeLessThanOrEqual(30);
      expect(c.lastDay - c.firstDay + 1).toBeGreaterThanOrEqual(7);
      expect(c.lastDay - c.firstDay + 1).toBeLessThanOrEqual(21);
    }
    expect(new Set(business.campaigns.map((c) => c.name)).size).toBe(business.campaigns.length);
  });

  it('reorder points follow demand: the busiest products carry higher ones', () => {
    const byDemand = [...demo.business.products].filter((p) => !p.demand.slowMover).sort((a, b) => a.demand.base - b.demand.base);
    const tenth = Math.max(1, Math.floor(byDemand.length / 10));
    expect(mean(byDemand.slice(-tenth).map((p) => p.reorderPoint))).toBeGreaterThan(2 * mean(byDemand.slice(0, tenth).map((p) => p.reorderPoint)));
  });

  it('stores sell more at weekends than on weekdays', () => {
    const units = daily(demo, (o) => o.locationCode.startsWith('ST-'));
    const first = dayNumber(demo.history[0]!.day);
    const weekend = units.filter((_, i) => isoWeekday(first + i) >= 6);
    const weekday = units.filter((_, i) => isoWeekday(first + i) <= 5);
    expect(mean(weekend) / mean(weekday)).toBeGreaterThan(1.2);
  });

  it('campaign days lift demand of the products they cover', () => {
    let during = 0;
    let before = 0;
    for (const c of demo.business.campaigns) {
      const skus = new Set(c.skus);
      const length = c.lastDay - c.firstDay + 1;
      const first = dayNumber(demo.history[0]!.day);
      const window = (from: number) =>
        demo.history
          .slice(Math.max(0, from - first), Math.max(0, from - first + length))
          .reduce((n, d) => n + d.salesOrders.reduce((m, o) => m + o.lines.filter((l) => skus.has(l.sku)).reduce((k, l) => k + l.quantity, 0), 0), 0);
      if (c.firstDay - 2 * length < first) continue;
      during += window(c.firstDay);
      before += window(c.firstDay - 2 * length);
    }
    expect(before).toBeGreaterThan(0);
    expect(during / before).toBeGreaterThan(1.3);
  });

  it('records unserved demand: stock-outs happen and demanded − sold is what was turned away', () => {
    const lines = demo.history.flatMap((d) => d.salesOrders.flatMap((o) => o.lines));
    const demanded = lines.reduce((n, l) => n + l.quantity, 0);
    const sold = lines.filter((l) => l.outcome === 'served').reduce((n, l) => n + l.quantity, 0);
    const rejected = lines.filter((l) => l.outcome === 'rejected').reduce((n, l) => n + l.quantity, 0);
    const cancelled = lines.filter((l) => l.outcome === 'cancelled').reduce((n, l) => n + l.quantity, 0);
    expect(demo.stats.stockOutDays).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
    expect(demo.stats).toMatchObject({ unitsDemanded: demanded, unitsSold: sold, unitsRejectedForStock: rejected, lines: lines.length });
    expect(demo.stats.unitsUnserved).toBe(demanded - sold);
    expect(rejected + cancelled).toBe(demanded - sold);
    const revenue = demo.history.reduce(
      (n, d) => n + d.salesOrders.reduce((m, o) => m + o.lines.filter((l) => l.outcome === 'served').reduce((k, l) => k + l.unitPrice * l.quantity, 0), 0),
      0,
    );
    expect(demo.stats.revenue).toBeCloseTo(revenue, 1);
  });

  it('slow movers sell on few days', () => {
    const slow = new Set(demo.business.products.filter((p) => p.demand.slowMover).map((p) => p.sku));
    expect(slow.size / demo.business.products.length).toBeGreaterThan(0.1);
    const sellingDays = new Set<string>();
    for (const d of demo.history)
      for (const o of d.salesOrders) for (const l of o.lines) if (slow.has(l.sku)) sellingDays.add(`${d.day}:${l.sku}:${o.locationCode}`);
    const seriesDays = slow.size * demo.business.locations.length * demo.history.length;
    expect(sellingDays.size / seriesDays).toBeLessThan(0.1);
  });

  it('has trends: rising products sell more at the end than at the start, falling ones less', () => {
    const ratio = (pick: (trend: number) => boolean) => {
      const skus = new Set(demo.business.products.filter((p) => !p.demand.slowMover && pick(p.demand.trendPerYear)).map((p) => p.sku));
      const part = (from: number, to: number) =>
        demo.history
          .slice(from, to)
          .reduce((n, d) => n + d.salesOrders.reduce((m, o) => m + o.lines.filter((l) => skus.has(l.sku)).reduce((k, l) => k + l.quantity, 0), 0), 0);
      // Same weeks of the year a year apart, so seasons cancel out.
      return part(364, 420) / part(0, 56);
    };
    expect(ratio((t) => t > 0.15)).toBeGreaterThan(1.1);
    expect(ratio((t) => t < -0.1)).toBeLessThan(0.95);
  });

  it('never lets stock go negative: replaying the history as the ledger would ends at the simulated stock', () => {
    const onHand = new Map<string, number>();
    const onOrder = new Map<string, number>();
    const poLines = new Map<string, Array<{ key: string; quantity: number; received: number }>>();
    const add = (m: Map<string, number>, key: string, delta: number) => {
      const next = (m.get(key) ?? 0) + delta;
      expect(next, key).toBeGreaterThanOrEqual(0);
      m.set(key, next);
    };
    for (const day of demo.history) {
      // The importer's order: by time; at equal times adjustments, purchase orders, receipts, cancels, then sales.
      const events: Array<{ at: number; run: () => void }> = [
        ...day.adjustments.map((a) => ({ at: a.at.getTime(), run: () => add(onHand, `${a.sku}|${a.locationCode}`, a.quantity) })),
        ...day.purchaseOrders.map((po) => ({
          at: po.orderedAt.getTime(),
          run: () => {
            poLines.set(
              po.poNumber,
              po.lines.map((l) => ({ key: `${l.sku}|${po.locationCode}`, quantity: l.quantity, received: 0 })),
            );
            for (const l of po.lines) add(onOrder, `${l.sku}|${po.locationCode}`, l.quantity);
          },
        })),
        ...day.receipts.map((r) => ({
          at: r.at.getTime(),
          run: () => {
            for (const item of r.lines) {
              const line = poLines.get(r.poNumber)![item.line]!;
              line.received += item.quantity;
              expect(line.received).toBeLessThanOrEqual(line.quantity);
              add(onHand, line.key, item.quantity);
              add(onOrder, line.key, -item.quantity);
            }
          },
        })),
        ...day.purchaseCancels.map((c) => ({
          at: c.at.getTime(),
          run: () => {
            for (const line of poLines.get(c.poNumber)!) add(onOrder, line.key, -(line.quantity - line.received));
          },
        })),
        ...day.salesOrders.flatMap((o) =>
          o.lines
            .filter((l) => l.outcome === 'served')
            .map((l) => ({ at: o.shippedAt!.getTime(), run: () => add(onHand, `${l.sku}|${o.locationCode}`, -l.quantity) })),
        ),
      ];
      events.sort((a, b) => a.at - b.at);
      for (const e of events) e.run();
    }
    for (const p of demo.finalStock) {
      expect(onHand.get(`${p.sku}|${p.locationCode}`) ?? 0).toBe(p.onHand);
      expect(onOrder.get(`${p.sku}|${p.locationCode}`) ?? 0).toBe(p.onOrder);
    }
  });

  it('keeps every stock event of a day inside that UTC day and numbers documents per day', () => {
    for (const d of demo.history) {
      const inDay = (date: Date) => date.toISOString().slice(0, 10) === d.day;
      expect(d.salesOrders.every((o) => inDay(o.orderedAt) && (!o.shippedAt || inDay(o.shippedAt)))).toBe(true);
      expect(d.receipts.every((r) => inDay(r.at)) && d.purchaseOrders.every((p) => inDay(p.orderedAt))).toBe(true);
      d.salesOrders.forEach((o, i) => expect(o.orderNumber).toBe(`SO-${d.day.replaceAll('-', '')}-${String(i + 1).padStart(4, '0')}`));
    }
  });
});
