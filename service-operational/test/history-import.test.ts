import { fileURLToPath } from 'node:url';
import type { Principal } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Models } from '../src/db/models.js';
import type { HistoryDay } from '../src/history/history.types.js';
import { importHistoryDay } from '../src/history/import-history-day.js';
import { issueApiKey } from '../src/tenancy/api-key.service.js';
import { runAsPrincipal } from '../src/tenancy/tenant-context.js';
import { startTestApp, TENANT, type TestApp } from './support/test-app.js';

// The generator lives in @icc/scripts, which depends on this package, so it is
// loaded at run time by path (a static import would make the packages cyclic)
// and seen through the little of its shape this test needs.
interface GeneratedDemo {
  business: { products: Array<{ sku: string }> };
  history: HistoryDay[];
  stats: { orders: number; lines: number; unitsDemanded: number; unitsSold: number; unitsUnserved: number; revenue: number; purchaseOrders: number };
  finalStock: Array<{ sku: string; locationCode: string; onHand: number; onOrder: number }>;
}
interface DemoModule {
  generateDemo(options: { seed: number; products: number; days: number; endDay: string }): GeneratedDemo;
}
interface SeedModule {
  writeMasterData(models: Models, business: GeneratedDemo['business'], since: Date): Promise<void>;
}
const scriptsModule = (path: string) => fileURLToPath(new URL(`../../scripts/src/demo/${path}`, import.meta.url));

const DAYS = 60;
const END = '2026-03-31';

describe('history import (importHistoryDay)', () => {
  let t: TestApp;
  let demo: GeneratedDemo;
  let principal: Principal;
  const scoped = <T>(fn: () => Promise<T>) => runAsPrincipal(principal, fn);

  beforeAll(async () => {
    t = await startTestApp();
    const { generateDemo } = (await import(scriptsModule('index.ts'))) as DemoModule;
    const { writeMasterData } = (await import(scriptsModule('seed.ts'))) as SeedModule;
    demo = generateDemo({ seed: 11, products: 20, days: DAYS, endDay: END });
    const key = await issueApiKey(t.models, TENANT, 'history import', ['admin']);
    principal = { tenantId: TENANT, apiKeyId: key.apiKeyId, keyName: 'history import', roles: ['admin'] };
    await scoped(() => writeMasterData(t.models, demo.business, new Date(`${demo.history[0]!.day}T00:00:00Z`)));
    for (const day of demo.history) await importHistoryDay(t.models, principal, day);
  }, 120_000);
  afterAll(() => t.close());

  it('leaves the ledger and the positions in agreement', async () => {
    const res = await t.as(t.keys.admin).get('/api/stock/reconcile');
    expect(res.status).toBe(200);
    expect(res.body.drift).toEqual([]);
    const expectedRows = demo.history.reduce(
      (n, d) =>
        n +
        d.adjustments.length +
        d.purchaseOrders.reduce((m, p) => m + p.lines.length, 0) +
        d.receipts.reduce((m, r) => m + r.lines.length, 0) +
        d.salesOrders.reduce((m, o) => m + o.lines.filter((l) => l.outcome === 'served').length, 0),
      0,
    );
    // Write-offs add one row per outstanding line; count them from the stored ledger instead of re-deriving.
    const cancels = await scoped(() => t.models.StockMovement.countDocuments({ type: 'orderCancel' }).exec());
    expect(res.body.movementsChecked).toBe(expectedRows + cancels);
  });

  it('ends at the stock the simulation ended with', async () => {
    const positions = await scoped(() => t.models.StockPosition.find({}).lean().exec());
    const stored = new Map(positions.map((p) => [`${p.sku}|${p.locationCode}`, p]));
    for (const expected of demo.finalStock) {
      const position = stored.get(`${expected.sku}|${expected.locationCode}`);
      expect({ sku: expected.sku, at: expected.locationCode, onHand: position?.onHand ?? 0, onOrder: position?.onOrder ?? 0 }).toEqual({
        sku: expected.sku,
        at: expected.locationCode,
        onHand: expected.onHand,
        onOrder: expected.onOrder,
      });
      expect(position?.reserved ?? 0).toBe(0);
    }
  });

  it('stores the orders, lines and totals the generator reported', async () => {
    const [totals] = await scoped(() =>
      t.models.SalesOrder.aggregate<{ orders: number; lines: number; demanded: number; shipped: number; unfulfilled: number; revenue: number }>([
        { $unwind: '$lines' },
        {
          $group: {
            _id: null,
            orderIds: { $addToSet: '$_id' },
            lines: { $sum: 1 },
            demanded: { $sum: '$lines.quantity' },
            shipped: { $sum: '$lines.shippedQuantity' },
            unfulfilled: { $sum: '$lines.unfulfilledQuantity' },
            revenue: { $sum: { $multiply: ['$lines.unitPrice', '$lines.shippedQuantity'] } },
          },
        },
        { $project: { _id: 0, orders: { $size: '$orderIds' }, lines: 1, demanded: 1, shipped: 1, unfulfilled: 1, revenue: 1 } },
      ]).exec(),
    );
    expect(totals).toMatchObject({
      orders: demo.stats.orders,
      lines: demo.stats.lines,
      demanded: demo.stats.unitsDemanded,
      shipped: demo.stats.unitsSold,
      unfulfilled: demo.stats.unitsUnserved,
    });
    expect(totals!.revenue).toBeCloseTo(demo.stats.revenue, 1);
    expect(await scoped(() => t.models.PurchaseOrder.countDocuments({}).exec())).toBe(demo.stats.purchaseOrders);
    const list = await t.as(t.keys.admin).get('/api/orders/sales?limit=5&status=rejected');
    expect(list.status).toBe(200);
    for (const order of list.body.items) expect(order.lines.every((l: { status: string }) => l.status === 'rejected')).toBe(true);
  });

  it('keeps historical times on orders and ledger rows', async () => {
    const sample = demo.history[Math.floor(DAYS / 2)]!.salesOrders.find((o) => o.lines.some((l) => l.outcome === 'served'))!;
    const order = await scoped(() => t.models.SalesOrder.findOne({ orderNumber: sample.orderNumber }).lean().exec());
    expect(order!.orderedAt.toISOString()).toBe(sample.orderedAt.toISOString());
    expect(order!.createdAt.toISOString()).toBe(sample.orderedAt.toISOString());
    const rows = await t.as(t.keys.admin).get(`/api/stock/movements?referenceType=salesOrder&referenceId=${String(order!._id)}`);
    expect(rows.body.items.length).toBe(sample.lines.filter((l) => l.outcome === 'served').length);
    for (const row of rows.body.items) expect(row).toMatchObject({ type: 'sale', at: sample.shippedAt!.toISOString() });

    const first = await t.as(t.keys.admin).get('/api/stock/movements?order=asc&limit=1');
    expect(first.body.items[0].at.slice(0, 10)).toBe(demo.history[0]!.day);
    const last = await t.as(t.keys.admin).get('/api/stock/movements?order=desc&limit=1');
    expect(last.body.items[0].at.slice(0, 10) <= END).toBe(true);
  });

  it('imports a day atomically: a day that fails leaves nothing behind', async () => {
    const before = await scoped(() => t.models.SalesOrder.countDocuments({}).exec());
    const good = demo.history[0]!.salesOrders.find((o) => o.status === 'delivered')!;
    const broken: HistoryDay = {
      day: '2026-04-01',
      adjustments: [],
      purchaseOrders: [],
      receipts: [],
      purchaseCancels: [],
      salesOrders: [
        {
          ...good,
          orderNumber: 'SO-20260401-0001',
          orderedAt: new Date('2026-04-01T10:00:00Z'),
          shippedAt: new Date('2026-04-01T10:00:00Z'),
          deliveredAt: new Date('2026-04-01T10:00:00Z'),
        },
        {
          ...good,
          orderNumber: 'SO-20260401-0002',
          orderedAt: new Date('2026-04-01T11:00:00Z'),
          status: 'delivered',
          shippedAt: new Date('2026-04-01T11:00:00Z'),
          deliveredAt: new Date('2026-04-01T11:00:00Z'),
          lines: [{ sku: good.lines[0]!.sku, quantity: 1_000_000, listPrice: 1, unitPrice: 1, discountPercent: 0, campaignName: null, outcome: 'served' }],
        },
      ],
    };
    await expect(importHistoryDay(t.models, principal, broken)).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect(await scoped(() => t.models.SalesOrder.countDocuments({}).exec())).toBe(before);
    await expect(importHistoryDay(t.models, principal, demo.history[1]!)).rejects.toThrow(/duplicate key/);
    const reconcile = await t.as(t.keys.admin).get('/api/stock/reconcile');
    expect(reconcile.body.drift).toEqual([]);
  });
});
