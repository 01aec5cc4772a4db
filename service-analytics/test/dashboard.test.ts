import {
  addUtcDays,
  DashboardDetailsSchema,
  DashboardSummarySchema,
  ErrorResponseSchema,
  silentLogger,
  utcDayKey,
  type DashboardDetails,
  type DashboardSummary,
  type DayKey,
  type StoredAlert,
  type StoredRecommendation,
} from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_COLLECTIONS } from '../src/dashboard/dashboard.collections.js';
import { createDashboardRefresher } from '../src/dashboard/dashboard-refresher.js';
import { refreshDashboardSummary, type DashboardSummaryDocument } from '../src/dashboard/dashboard-summary.js';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { ProductMirrorDoc, StockReadModelDoc } from '../src/facts/reference-mirror.js';
import type { ProductSupplierMirrorDoc, PurchaseOrderMirrorDoc } from '../src/facts/supply-mirror.js';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { FORECAST_COLLECTIONS, type ModelPerformanceDocument } from '../src/forecasts/forecast-collections.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import type { PlanningPairDocument } from '../src/planning/planning.types.js';
import { seedDashboardTenant } from './support/dashboard-fixtures.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The dashboard on seeded data: every summary number equals what the alerts,
 * recommendations, purchase orders and facts collections hold — computed here
 * from the collections, independently of the service's aggregations — from
 * live computation and from the stored summary, and the stored one is
 * replaced once a planning run completes after it. The details lists are
 * ranked as documented; bad queries are a 400 naming the field; each tenant
 * sees its own numbers only.
 */

let t: AnalyticsTestApp;
let acmeKey: string;
let globexKey: string;
const today: DayKey = utcDayKey(new Date());

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  acmeKey = await t.issueKey('acme', ['sales']);
  globexKey = await t.issueKey('globex', ['purchasing']);
  await seedDashboardTenant(t.analytics, 'acme', { seed: 16, skus: 30, today });
  await seedDashboardTenant(t.analytics, 'globex', { seed: 61, skus: 20, today });
});
afterAll(() => t.close());

async function get<T>(url: string, key = acmeKey): Promise<T> {
  const res = await t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json<T>();
}

async function everyCount(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await t.analytics.listCollections().toArray()) counts[name] = await t.analytics.collection(name).countDocuments();
  return counts;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const OPEN = ['ACTIVE', 'ACKNOWLEDGED'];
const dayStart = (day: DayKey) => new Date(`${day}T00:00:00Z`);

/** The summary's numbers, from the collections, written the plain way. */
async function expectedSummary(tenantId: string) {
  const db = t.analytics;
  const alerts = await db.collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts).find({ tenantId }).toArray();
  const recs = await db.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations).find({ tenantId }).toArray();
  const orders = await db.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).find({ tenantId }).toArray();
  const facts = await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).find({ tenantId }).toArray();
  const stock = await db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).find({ tenantId }).toArray();
  const products = await db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).find({ tenantId }).toArray();
  const links = await db.collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror).find({ tenantId }).toArray();
  const evaluations = await db.collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance).find({ tenantId }).toArray();

  const open = alerts.filter((a) => OPEN.includes(a.status));
  const stockouts = open.filter((a) => a.type === 'STOCKOUT_PREDICTED');
  const pending = recs.filter((r) => r.status === 'PENDING');
  const pendingOrders = orders.filter((o) => o.status === 'ordered' || o.status === 'partiallyReceived');
  const count = <T>(items: T[], keys: string[], keyOf: (item: T) => string) => ({
    ...Object.fromEntries(keys.map((k) => [k, items.filter((i) => keyOf(i) === k).length])),
    total: items.length,
  });

  const period = (days: number) => {
    const rows = facts.filter((f) => f.day >= addUtcDays(today, -days) && f.day <= addUtcDays(today, -1));
    const demanded = sum(rows.map((f) => f.quantityDemanded));
    return {
      from: addUtcDays(today, -days),
      to: addUtcDays(today, -1),
      rows,
      fillRate: demanded > 0 ? 1 - sum(rows.map((f) => f.quantityUnfulfilled)) / demanded : null,
      stockoutRate: rows.length > 0 ? rows.filter((f) => f.stockOut).length / rows.length : null,
    };
  };
  const unitCost = (sku: string) => {
    const costs = links.filter((l) => l.sku === sku).map((l) => l.unitCost);
    return costs.length > 0 ? Math.min(...costs) : products.find((p) => p.sku === sku)!.price;
  };
  const last30 = period(30);
  const demandByPair = new Map<string, number>();
  for (const f of last30.rows) demandByPair.set(`${f.sku}|${f.locationCode}`, (demandByPair.get(`${f.sku}|${f.locationCode}`) ?? 0) + f.quantityDemanded);
  const withDemand = stock.filter((s) => (demandByPair.get(`${s.sku}|${s.locationCode}`) ?? 0) > 0);
  const demand30 = sum([...demandByPair.values()]);
  const scored = evaluations.filter((e) => e.evaluatedAt >= dayStart(addUtcDays(today, -30)));
  const error = sum(scored.flatMap((e) => e.actual.map((a, d) => Math.abs(a - e.predicted[d]!))));
  const actual = sum(scored.flatMap((e) => e.actual));
  return {
    productsAtRisk: new Set(stockouts.map((a) => a.sku)).size,
    pendingStockouts: stockouts.length,
    excessInventoryValue: sum(pending.filter((r) => r.type === 'EXCESS_STOCK').map((r) => r.cost)),
    pendingPurchaseOrders: pendingOrders.length,
    overduePurchaseOrders: pendingOrders.filter((o) => o.expectedDate < dayStart(today)).length,
    recommendationsSummary: count(pending, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'], (r) => r.priority),
    alertsActive: count(open, ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'], (a) => a.severity),
    potentialSavings: sum(pending.map((r) => r.savingsPotential)),
    last7: period(7),
    last30,
    inventoryValue: sum(stock.map((s) => s.onHand * unitCost(s.sku))),
    daysOfCover: demand30 > 0 ? sum(withDemand.map((s) => s.onHand)) / (demand30 / 30) : null,
    forecastAccuracy: actual > 0 ? Math.max(0, 1 - error / actual) : null,
    counts: { alerts: alerts.length, recs: recs.length, facts: facts.length, stock: stock.length, scored: scored.length, evaluations: evaluations.length },
  };
}

function expectSummaryEquals(summary: DashboardSummary, expected: Awaited<ReturnType<typeof expectedSummary>>): void {
  expect(DashboardSummarySchema.safeParse(summary).success).toBe(true);
  const { criticalMetrics: m, kpis } = summary;
  expect(m.productsAtRisk.value).toBe(expected.productsAtRisk);
  expect(m.pendingStockouts.value).toBe(expected.pendingStockouts);
  expect(m.excessInventoryValue.value).toBeCloseTo(expected.excessInventoryValue, 2);
  expect(m.pendingPurchaseOrders.value).toBe(expected.pendingPurchaseOrders);
  expect(m.overduePurchaseOrders.value).toBe(expected.overduePurchaseOrders);
  expect(summary.recommendationsSummary).toEqual(expected.recommendationsSummary);
  expect(summary.alertsActive).toEqual(expected.alertsActive);
  expect(summary.potentialSavings.value).toBeCloseTo(expected.potentialSavings, 2);
  for (const [name, period] of [
    ['7d', expected.last7],
    ['30d', expected.last30],
  ] as const) {
    const fill = kpis[`fillRate${name}`];
    const stockout = kpis[`stockoutRate${name}`];
    expect({ from: fill.from, to: fill.to }).toEqual({ from: period.from, to: period.to });
    expect({ from: stockout.from, to: stockout.to }).toEqual({ from: period.from, to: period.to });
    expect(fill.value).toBeCloseTo(period.fillRate!, 4);
    expect(stockout.value).toBeCloseTo(period.stockoutRate!, 4);
  }
  expect(kpis.inventoryValue.value).toBeCloseTo(expected.inventoryValue, 2);
  expect([kpis.inventoryValue.from, kpis.inventoryValue.to]).toEqual([today, today]);
  expect(kpis.averageDaysOfCover.value).toBeCloseTo(expected.daysOfCover!, 3);
  expect(kpis.forecastAccuracy.value).toBeCloseTo(expected.forecastAccuracy!, 4);
  expect(kpis.forecastAccuracy.from).toBe(addUtcDays(today, -30));
  for (const metric of [...Object.values(m), summary.potentialSavings, ...Object.values(kpis)]) expect(metric.definition.length).toBeGreaterThan(20);
}

/** The slow-moving list for `days`, from the facts, stock, supplier links and products, against the route's answer. */
async function expectSlowMoving(days: number): Promise<number> {
  const details = await get<DashboardDetails>(`/api/dashboard/details?limit=100&slowMovingDays=${days}`);
  expect(details.slowMovingDays).toBe(days);
  expect(details.slowMovingAsOf).not.toBeNull();
  const facts = await t.analytics
    .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
    .find({ tenantId: 'acme', quantitySold: { $gt: 0 } })
    .toArray();
  const stock = await t.analytics
    .collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel)
    .find({ tenantId: 'acme', onHand: { $gt: 0 } })
    .toArray();
  const links = await t.analytics.collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror).find({ tenantId: 'acme' }).toArray();
  const products = await t.analytics.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).find({ tenantId: 'acme' }).toArray();
  const lastSale = (s: StockReadModelDoc) =>
    facts
      .filter((f) => f.sku === s.sku && f.locationCode === s.locationCode)
      .map((f) => f.day)
      .sort()
      .at(-1) ?? null;
  const cost = (sku: string) => {
    const costs = links.filter((l) => l.sku === sku).map((l) => l.unitCost);
    return costs.length > 0 ? Math.min(...costs) : products.find((p) => p.sku === sku)!.price;
  };
  const slow = stock
    .map((s) => ({ key: `${s.sku}@${s.locationCode}`, value: Math.round(s.onHand * cost(s.sku) * 100) / 100, last: lastSale(s) }))
    .filter((s) => s.last === null || s.last < addUtcDays(today, -days))
    .sort((a, b) => b.value - a.value);
  expect(slow.length).toBeGreaterThan(0);
  expect(details.slowMovingItems.map((i) => `${i.sku}@${i.locationCode}`).sort()).toEqual(slow.map((s) => s.key).sort());
  expect(details.slowMovingItems.map((i) => i.value)).toEqual(slow.map((s) => s.value));
  for (const item of details.slowMovingItems) expect(item.lastSaleDay === null || item.lastSaleDay < addUtcDays(today, -days)).toBe(true);
  return slow.length;
}

describe('GET /api/dashboard/summary', () => {
  it('answers, before any summary is stored, live numbers equal to what the collections hold, and writes nothing', async () => {
    const expected = await expectedSummary('acme');
    // The seed reaches every branch: open and closed alerts and recommendations, overdue orders, scored and unscored evaluations.
    expect(expected.pendingStockouts).toBeGreaterThan(expected.productsAtRisk / 2);
    expect(expected.alertsActive.total).toBeLessThan(expected.counts.alerts);
    expect(expected.recommendationsSummary.total).toBeLessThan(expected.counts.recs);
    expect(expected.overduePurchaseOrders).toBeGreaterThan(0);
    expect(expected.overduePurchaseOrders).toBeLessThan(expected.pendingPurchaseOrders);
    expect(expected.counts.scored).toBeLessThan(expected.counts.evaluations);
    expect(expected.last7.fillRate).toBeLessThan(1);
    expect(expected.last7.fillRate).not.toBeCloseTo(expected.last30.fillRate!, 4);
    const before = await everyCount();
    const summary = await get<DashboardSummary>('/api/dashboard/summary');
    expect(summary).toMatchObject({ source: 'live', stale: false });
    expectSummaryEquals(summary, expected);
    expect(await everyCount()).toEqual(before);
  });

  it('serves the stored summary after a refresh as it is, marked stale once a planning run completes after it, until the next refresh', async () => {
    const stored = await refreshDashboardSummary(t.analytics, 'acme', new Date());
    const first = await get<DashboardSummary>('/api/dashboard/summary');
    expect(first).toMatchObject({ source: 'stored', stale: false, asOf: stored.asOf.toISOString() });
    expectSummaryEquals(first, await expectedSummary('acme'));

    // Alerts acknowledged and resolved meanwhile: the stored summary still says what it said as of its asOf.
    const alerts = t.analytics.collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts);
    const critical = await alerts.find({ tenantId: 'acme', status: 'ACTIVE', severity: 'CRITICAL' }).toArray();
    expect(critical.length).toBeGreaterThan(0);
    await alerts.updateMany({ _id: { $in: critical.map((a) => a._id) } }, { $set: { status: 'RESOLVED', resolvedAt: new Date() } });
    expect(await get<DashboardSummary>('/api/dashboard/summary')).toEqual(first);

    // A planning run completes after it: the stored numbers are answered as they are, marked stale; reads never write.
    await t.analytics.collection(PLANNING_COLLECTIONS.planningRuns).insertOne({
      _id: 'plan-20260101-0000abcd' as never,
      tenantId: 'acme',
      status: 'completed',
      createdAt: new Date(),
      completedAt: new Date(Date.now() + 5),
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const before = await everyCount();
    const marked = await get<DashboardSummary>('/api/dashboard/summary');
    expect(marked).toEqual({ ...first, stale: true });
    expect(await everyCount()).toEqual(before);

    // The refresher's refresh: the new numbers, no longer stale.
    await refreshDashboardSummary(t.analytics, 'acme', new Date());
    const fresh = await get<DashboardSummary>('/api/dashboard/summary');
    expect(fresh).toMatchObject({ source: 'stored', stale: false });
    expect(fresh.alertsActive.CRITICAL).toBe(first.alertsActive.CRITICAL - critical.length);
    expectSummaryEquals(fresh, await expectedSummary('acme'));
  });

  it('is refreshed in the background by the refresher after a run completes', async () => {
    const summaries = t.analytics.collection<DashboardSummaryDocument>(DASHBOARD_COLLECTIONS.dashboardSummaries);
    expect(await summaries.countDocuments({ _id: 'globex' })).toBe(0);
    await t.analytics
      .collection(PLANNING_COLLECTIONS.planningRuns)
      .insertOne({ _id: 'plan-20260101-0000beef' as never, tenantId: 'globex', status: 'completed', createdAt: new Date(), completedAt: new Date() });
    const refresher = createDashboardRefresher({ db: t.analytics, log: silentLogger, idleMs: 50 });
    refresher.start();
    try {
      const deadline = Date.now() + 10_000;
      while ((await summaries.countDocuments({ _id: 'globex' })) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await refresher.stop();
    }
    const summary = await get<DashboardSummary>('/api/dashboard/summary', globexKey);
    expect(summary).toMatchObject({ source: 'stored', stale: false });
    expectSummaryEquals(summary, await expectedSummary('globex'));
  });

  it('shows each tenant its own numbers only', async () => {
    const acme = await get<DashboardSummary>('/api/dashboard/summary', acmeKey);
    const globex = await get<DashboardSummary>('/api/dashboard/summary', globexKey);
    expectSummaryEquals(acme, await expectedSummary('acme'));
    expectSummaryEquals(globex, await expectedSummary('globex'));
    expect(acme.kpis.inventoryValue.value).not.toBe(globex.kpis.inventoryValue.value);
  });
});

describe('GET /api/dashboard/details', () => {
  it('ranks each list as documented, with the ids of the full records, at most `limit` long', async () => {
    await refreshDashboardSummary(t.analytics, 'acme', new Date());
    const details = await get<DashboardDetails>('/api/dashboard/details?limit=7');
    expect(DashboardDetailsSchema.safeParse(details).success).toBe(true);

    const alerts = await t.analytics.collection<StoredAlert>(PLANNING_COLLECTIONS.planningAlerts).find({ tenantId: 'acme' }).toArray();
    const risks = alerts
      .filter((a) => a.type === 'STOCKOUT_PREDICTED' && OPEN.includes(a.status) && a.predictedDate !== null)
      .sort((a, b) => a.predictedDate!.localeCompare(b.predictedDate!) || b.impact.value - a.impact.value || a._id.localeCompare(b._id));
    expect(risks.length).toBeGreaterThan(7);
    expect(details.stockoutRisks.map((r) => r.alertId)).toEqual(risks.slice(0, 7).map((a) => a._id));
    expect(details.stockoutRisks[0]).toMatchObject({ unitsShort: risks[0]!.impact.units, valueAtRisk: risks[0]!.impact.value, sku: risks[0]!.sku });

    const recs = await t.analytics
      .collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations)
      .find({ tenantId: 'acme', status: 'PENDING' })
      .toArray();
    const rank = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
    const reorders = recs
      .filter((r) => r.type === 'REORDER')
      .sort(
        (a, b) =>
          rank.indexOf(a.priority) - rank.indexOf(b.priority) ||
          // A missing order-by date sorts first, as MongoDB sorts null.
          (a.orderByDate ?? '').localeCompare(b.orderByDate ?? '') ||
          a._id.localeCompare(b._id),
      );
    expect(details.reorderNeeded.map((r) => r.recommendationId)).toEqual(reorders.slice(0, 7).map((r) => r._id));

    const opportunities = recs
      .filter((r) => r.type === 'EXCESS_STOCK' || r.type === 'TRANSFER')
      .sort((a, b) => b.savingsPotential - a.savingsPotential || b._id.localeCompare(a._id));
    expect(details.optimizationOpportunities.map((r) => r.recommendationId)).toEqual(opportunities.slice(0, 7).map((r) => r._id));
    expect(details.optimizationOpportunities[0]!.value).toBe(opportunities[0]!.cost);
  });

  it.each([14, 30, 45])('lists stock on hand with no sale in %i days, the largest value first', async (days) => {
    expect(await expectSlowMoving(days)).toBeGreaterThan(0);
  });

  it('keeps the slow-moving rows in step when a pair sells, its stock changes or a new one appears', async () => {
    const stock = t.analytics.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel);
    const [first, second] = (await get<DashboardDetails>('/api/dashboard/details?limit=100&slowMovingDays=7')).slowMovingItems;
    // The first sells yesterday, the second's stock doubles, and a new position holds stock never sold.
    const yesterday = addUtcDays(today, -1);
    await t.analytics.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).updateOne(
      { _id: `acme:${first!.sku}:${first!.locationCode}:${yesterday}` },
      {
        $set: {
          tenantId: 'acme',
          sku: first!.sku,
          locationCode: first!.locationCode,
          day: yesterday,
          quantitySold: 2,
          quantityDemanded: 2,
          quantityUnfulfilled: 0,
        },
        $setOnInsert: { quantityReturned: 0, revenue: 14, orders: 1, campaignActive: false, stockOut: false, endOfDayOnHand: 1 },
      },
      { upsert: true },
    );
    await stock.updateOne({ tenantId: 'acme', sku: second!.sku, locationCode: second!.locationCode }, { $mul: { onHand: 2, available: 2 } });
    await stock.insertOne({
      ...(await stock.findOne({ tenantId: 'acme', sku: second!.sku }))!,
      _id: `acme:${second!.sku}:NEW-1`,
      locationCode: 'NEW-1',
      onHand: 7,
      available: 7,
    });
    await refreshDashboardSummary(t.analytics, 'acme', new Date());
    const after = (await get<DashboardDetails>('/api/dashboard/details?limit=100&slowMovingDays=7')).slowMovingItems;
    expect(after.map((i) => `${i.sku}@${i.locationCode}`)).not.toContain(`${first!.sku}@${first!.locationCode}`);
    expect(after.find((i) => i.sku === second!.sku && i.locationCode === second!.locationCode)?.onHand).toBe(second!.onHand * 2);
    expect(after.find((i) => i.locationCode === 'NEW-1')).toMatchObject({ sku: second!.sku, onHand: 7, lastSaleDay: null });
    for (const days of [7, 30]) await expectSlowMoving(days);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['slowMovingDays=3', 'slowMovingDays'],
    ['slowMovingDays=366', 'slowMovingDays'],
    ['colour=red', ''],
  ])('refuses %s with a 400 in the one error shape naming the field, writing nothing', async (query, field) => {
    const before = await everyCount();
    for (const url of [
      `/api/dashboard/details?${query}`,
      ...(field === 'limit' ? [`/api/internal/stock/critical?${query}`, `/api/internal/orders/pending-delivery?${query}`] : []),
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { 'x-api-key': acmeKey } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      const body = res.json<{ code: string; message: string; details?: Array<{ path: string }> }>();
      expect(ErrorResponseSchema.safeParse(body).success).toBe(true);
      expect(body.code).toBe('INVALID_INPUT');
      if (field)
        expect(
          body.details?.some((d) => d.path === field),
          res.body,
        ).toBe(true);
    }
    expect(await everyCount()).toEqual(before);
  });
});

describe("seed 000's internal reads", () => {
  it('GET /api/internal/stock/critical: positions below their safety stock, the largest shortfall first, with the last planned numbers', async () => {
    const stock = await t.analytics.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel).find({ tenantId: 'acme' }).toArray();
    const products = await t.analytics.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).find({ tenantId: 'acme' }).toArray();
    const safety = (sku: string) => products.find((p) => p.sku === sku)!.safetyStock;
    const below = stock
      .filter((s) => s.available < safety(s.sku))
      .map((s) => ({ key: `${s.sku}@${s.locationCode}`, shortBy: safety(s.sku) - s.available, sku: s.sku, locationCode: s.locationCode }))
      .sort((a, b) => b.shortBy - a.shortBy || a.sku.localeCompare(b.sku) || a.locationCode.localeCompare(b.locationCode));
    expect(below.length).toBeGreaterThan(3);
    // The most critical one was planned: its last reorder point is shown.
    const first = below[0]!;
    await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).insertOne({
      _id: `acme:${first.sku}:${first.locationCode}`,
      tenantId: 'acme',
      sku: first.sku,
      locationCode: first.locationCode,
      reorderPoint: 42,
      inventoryPosition: 3,
      acceptedOpen: 0,
      plannedAt: new Date(),
      runId: 'plan-x',
    });
    const critical = await get<{ items: Array<{ sku: string; locationCode: string; shortBy: number; plannedReorderPoint: number | null }> }>(
      '/api/internal/stock/critical?limit=100',
    );
    expect(critical.items.map((i) => `${i.sku}@${i.locationCode}`)).toEqual(below.map((b) => b.key));
    expect(critical.items.map((i) => i.shortBy)).toEqual(below.map((b) => b.shortBy));
    expect(critical.items.map((i) => i.plannedReorderPoint)).toEqual(below.map((_, i) => (i === 0 ? 42 : null)));
  });

  it('GET /api/internal/stock/excess: pending EXCESS_STOCK recommendations, the largest value first', async () => {
    const recs = await t.analytics
      .collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations)
      .find({ tenantId: 'acme', status: 'PENDING', type: 'EXCESS_STOCK' })
      .toArray();
    const excess = await get<{ items: Array<{ recommendationId: string; value: number }> }>('/api/internal/stock/excess?limit=100');
    expect(excess.items.map((i) => i.recommendationId)).toEqual(
      recs.sort((a, b) => b.savingsPotential - a.savingsPotential || b._id.localeCompare(a._id)).map((r) => r._id),
    );
    expect(sum(excess.items.map((i) => i.value))).toBeCloseTo(sum(recs.map((r) => r.cost)), 2);
  });

  it('GET /api/internal/suppliers/lead-times: stated beside measured', async () => {
    const { items } = await get<{
      items: Array<{
        supplierCode: string;
        statedLeadTimeDays: number;
        statedLinkLeadTimeDays: { min: number; max: number } | null;
        measured: { receivedOrders: number };
      }>;
    }>('/api/internal/suppliers/lead-times');
    const orders = await t.analytics.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).find({ tenantId: 'acme' }).toArray();
    const links = await t.analytics
      .collection<ProductSupplierMirrorDoc>(FACT_COLLECTIONS.productSuppliersMirror)
      .find({ tenantId: 'acme', supplierCode: 'SUP-A' })
      .toArray();
    const stated = links.flatMap((l) => (l.leadTimeDays === null ? [] : [l.leadTimeDays]));
    expect(items.map((i) => [i.supplierCode, i.statedLeadTimeDays])).toEqual([
      ['SUP-A', 5],
      ['SUP-B', 12],
    ]);
    expect(items[0]!.statedLinkLeadTimeDays).toEqual({ min: Math.min(...stated), max: Math.max(...stated) });
    expect(items[1]!.statedLinkLeadTimeDays).toBeNull();
    for (const item of items) {
      const received = orders.filter((o) => o.supplierCode === item.supplierCode && (o.lastReceivedAt ?? o.receivedAt) !== null);
      expect(item.measured.receivedOrders, item.supplierCode).toBe(received.length);
    }
  });

  it('GET /api/internal/orders/pending-delivery: placed and not fully received, the earliest expected first', async () => {
    const orders = await t.analytics.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).find({ tenantId: 'acme' }).toArray();
    const pending = orders
      .filter((o) => o.status === 'ordered' || o.status === 'partiallyReceived')
      .sort((a, b) => a.expectedDate.getTime() - b.expectedDate.getTime() || a._id.localeCompare(b._id));
    const { items } = await get<{ items: Array<{ purchaseOrderId: string; overdue: boolean; openValue: number }> }>(
      '/api/internal/orders/pending-delivery?limit=100',
    );
    expect(items.map((i) => i.purchaseOrderId)).toEqual(pending.map((o) => o.sourceId));
    expect(items.map((i) => i.overdue)).toEqual(pending.map((o) => o.expectedDate < dayStart(today)));
    expect(items.map((i) => i.openValue)).toEqual(pending.map((o) => Math.round(sum(o.lines.map((l) => l.openQuantity * l.unitCost)) * 100) / 100));
  });
});
