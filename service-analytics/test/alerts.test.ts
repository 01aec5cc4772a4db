import { DEFAULT_PLANNING_SETTINGS, LiveEventSchemas, type LiveEventName, type StoredRecommendation } from '@icc/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { PurchaseOrderMirrorDoc } from '../src/facts/supply-mirror.js';
import { FORECAST_COLLECTIONS, type ForecastDocument } from '../src/forecasts/forecast-collections.js';
import type { AlertDocument } from '../src/planning/alerts/alert-writer.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import type { PlanningRunDocument } from '../src/planning/planning.types.js';
import { createPlanningWorker, type PlanningWorker } from '../src/planning/planning-worker.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Alerts raised by planning runs over fixture read models, against the real
 * engine: one known answer per rule (a series that must stock out on a given
 * day, one that must not, a late purchase-order line, a demand spike outside
 * the 99 % interval, an overstock), deduplication across runs,
 * self-resolution (whole runs and per-SKU runs), and the lifecycle routes
 * with the live events they leave in the outbox.
 */
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);

let t: AnalyticsTestApp;
let worker: PlanningWorker;
let planner: string;
let buyer: string;
let warehouse: string;
let otherPlanner: string;

const alerts = () => t.analytics.collection<AlertDocument>(PLANNING_COLLECTIONS.planningAlerts);
const outbox = () => t.analytics.collection<{ event: string; tenantId: string; data: Record<string, unknown> }>(FORECAST_COLLECTIONS.liveOutbox);
const openOf = (type: string, sku: string) => alerts().findOne({ tenantId: 'acme', type: type as never, sku, status: { $in: ['ACTIVE', 'ACKNOWLEDGED'] } });

async function fact(sku: string, day: string, demanded: number): Promise<void> {
  await t.analytics.collection(FACT_COLLECTIONS.dailySalesFacts).insertOne({
    _id: `acme:${sku}:WH-1:${day}` as never,
    tenantId: 'acme',
    sku,
    locationCode: 'WH-1',
    day,
    quantityDemanded: demanded,
    quantitySold: demanded,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue: demanded * 10,
    orders: 1,
    campaignActive: false,
    stockOut: false,
    endOfDayOnHand: 0,
    stockEvents: 0,
  });
}

const latePo: PurchaseOrderMirrorDoc = {
  _id: 'acme-po-late',
  sourceId: 'acme-po-late',
  tenantId: 'acme',
  poNumber: 'PO-LATE',
  supplierCode: 'SUP-A',
  locationCode: 'WH-1',
  status: 'ordered',
  expectedDate: new Date('2026-03-05T00:00:00Z'),
  orderedAt: new Date('2026-02-20T00:00:00Z'),
  receivedAt: null,
  lastReceivedAt: null,
  source: { type: 'manual', id: null },
  lines: [{ line: 1, sku: 'SKU-LATE', quantity: 40, unitCost: 4, receivedQuantity: 0, openQuantity: 40 }],
  createdAt: new Date('2026-02-20T00:00:00Z'),
  updatedAt: new Date('2026-02-20T00:00:00Z'),
};

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  worker = createPlanningWorker({ db: t.analytics, now: () => NOW, chunkSkus: 2 });
  planner = await t.issueKey('acme', ['planner']);
  buyer = await t.issueKey('acme', ['purchasing']);
  warehouse = await t.issueKey('acme', ['warehouse']);
  otherPlanner = await t.issueKey('globex', ['planner']);
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/settings',
    headers: { 'x-api-key': planner },
    payload: { ...DEFAULT_PLANNING_SETTINGS, schedule: { enabled: false, timeOfDay: '05:00' } },
  });
  expect(put.statusCode).toBe(200);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  // Every SKU: 10 a day at its only location WH-1, price 10, bought at 4 with a 7-day lead time; review period 7, excess threshold 90.
  const stock = { 'SKU-OUT': 30, 'SKU-OK': 300, 'SKU-LATE': 200, 'SKU-SPIKE': 250, 'SKU-OVER': 2_000 };
  for (const [sku, onHand] of Object.entries(stock)) {
    await aProduct(t.analytics, 'acme', sku, { price: 10 });
    await aProductSupplier(t.analytics, 'acme', 'SUP-A', sku, { unitCost: 4, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 7 });
    await aStock(t.analytics, 'acme', sku, 'WH-1', { onHand });
    if (sku !== 'SKU-SPIKE') await aForecast(t.analytics, 'acme', sku, { forecastDate: TODAY, daily: Array(28).fill(10), halfWidth: 2.563 });
  }
  // SKU-SPIKE: forecast on 03-03 of 10 a day, 99 % half-width 5; demand 10 a day except 40 on 03-08.
  const spike = await aForecast(t.analytics, 'acme', 'SKU-SPIKE', { forecastDate: '2026-03-03', daily: Array(28).fill(10), halfWidth: 2 });
  await t.analytics
    .collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts)
    .updateOne({ _id: spike._id }, { $set: { intervals: [{ confidence: 0.99, halfWidths: Array(28).fill(5), reliable: true }] } });
  for (let d = 3; d <= 9; d += 1) await fact('SKU-SPIKE', `2026-03-0${d}`, d === 8 ? 40 : 10);
  await t.analytics.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).insertOne(latePo);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});
beforeEach(async () => {
  await outbox().deleteMany({});
});

async function run(payload: object = {}): Promise<PlanningRunDocument> {
  const res = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': planner }, payload });
  expect(res.statusCode, res.body).toBe(202);
  expect(await worker.drain()).toBe(1);
  const stored = await t.analytics.collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns).findOne({ _id: res.json<{ runId: string }>().runId });
  expect(stored!.status).toBe('completed');
  return stored!;
}

/** The outbox's events, each checked against the live contract. */
async function events(): Promise<{ event: string; data: Record<string, unknown> }[]> {
  const rows = await outbox()
    .find({ event: /^alert:/ })
    .toArray();
  for (const row of rows) expect(LiveEventSchemas[row.event as LiveEventName].safeParse(row.data).success, row.event).toBe(true);
  return rows.map((r) => ({ event: r.event, data: r.data }));
}

const post = (url: string, key: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload }) });
const get = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

describe('a planning run raises alerts', () => {
  let firstRun: PlanningRunDocument;
  it('raises one alert per condition with the rule’s numbers, and none for the healthy SKU', async () => {
    firstRun = await run();
    expect(firstRun.counts.alertsCreated).toBe(4);
    const stored = await alerts().find({ tenantId: 'acme' }).toArray();
    expect(stored.map((a) => `${a.type}:${a.sku}`).sort()).toEqual([
      'OVERSTOCK:SKU-OVER',
      'STOCKOUT_PREDICTED:SKU-OUT',
      'SUPPLIER_LATE:SKU-LATE',
      'UNUSUAL_DEMAND:SKU-SPIKE',
    ]);
    // 30 at 10 a day: 0 left after 03-12, short from 03-13 to the window's end (7 + 2 × 7 = 21 days): 18 × 10 = 180 units, 1 800 at price 10.
    const reorder = await t.analytics
      .collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations)
      .findOne({ tenantId: 'acme', sku: 'SKU-OUT', type: 'REORDER', status: 'PENDING' });
    expect(await openOf('STOCKOUT_PREDICTED', 'SKU-OUT')).toMatchObject({
      status: 'ACTIVE',
      severity: 'CRITICAL',
      locationCode: 'WH-1',
      predictedDate: '2026-03-13',
      impact: { units: 180, value: 1_800 },
      recommendationId: reorder!._id,
      runId: firstRun._id,
      lastSeenRunId: firstRun._id,
    });
    // 40 of PO-LATE due 03-05, 5 days late; without them the stock lasts past the lead time: MEDIUM.
    expect(await openOf('SUPPLIER_LATE', 'SKU-LATE')).toMatchObject({
      severity: 'MEDIUM',
      predictedDate: '2026-03-05',
      impact: { units: 40, value: 160 },
      purchaseOrder: { id: 'acme-po-late', poNumber: 'PO-LATE' },
    });
    // 40 on 03-08 against [5, 15]: 25 above, 5 half-widths.
    expect(await openOf('UNUSUAL_DEMAND', 'SKU-SPIKE')).toMatchObject({
      severity: 'HIGH',
      locationCode: null,
      predictedDate: '2026-03-08',
      impact: { units: 25, value: 250 },
    });
    // 2 000 at 10 a day = 200 days ≥ 2 × 90: 2 000 − 900 = 1 100 units × 4 = 4 400.
    expect(await openOf('OVERSTOCK', 'SKU-OVER')).toMatchObject({ severity: 'MEDIUM', impact: { units: 1_100, value: 4_400 } });
    expect((await events()).map((e) => e.event)).toEqual(Array(4).fill('alert:raised'));
  });

  it('the dashboard counts exactly the open alerts the run left', async () => {
    const summary = await get('/api/dashboard/summary', warehouse);
    expect(summary.statusCode, summary.body).toBe(200);
    const open = await alerts()
      .find({ tenantId: 'acme', status: { $in: ['ACTIVE', 'ACKNOWLEDGED'] } })
      .toArray();
    const by = (severity: string) => open.filter((a) => a.severity === severity).length;
    expect(summary.json().alertsActive).toMatchObject({ total: 4, CRITICAL: by('CRITICAL'), HIGH: by('HIGH'), MEDIUM: by('MEDIUM'), LOW: by('LOW') });
    expect(summary.json().criticalMetrics.pendingStockouts.value).toBe(1);
  });

  it('keeps one open alert per key in the engine too: a second open alert with the same key is refused', async () => {
    const open = (await openOf('OVERSTOCK', 'SKU-OVER'))!;
    await expect(alerts().insertOne({ ...open, _id: '0123456789abcdef0123abcd' })).rejects.toThrow(/duplicate key/i);
    // A closed one (no openKey) may share the pair.
    const { openKey: _key, ...closed } = open;
    await alerts().insertOne({ ...closed, _id: '0123456789abcdef0123abce', status: 'RESOLVED' });
    await alerts().deleteOne({ _id: '0123456789abcdef0123abce' });
  });

  it('updates, never duplicates, on the next run', async () => {
    const before = await alerts().find({ tenantId: 'acme' }).sort({ _id: 1 }).toArray();
    const second = await run();
    expect(second.counts.alertsCreated).toBe(0);
    const after = await alerts().find({ tenantId: 'acme' }).sort({ _id: 1 }).toArray();
    expect(after.map((a) => a._id)).toEqual(before.map((a) => a._id));
    for (const alert of after) expect(alert).toMatchObject({ status: 'ACTIVE', runId: firstRun._id, lastSeenRunId: second._id });
    expect(await events()).toEqual([]);
  });

  it('resolves itself when a whole run no longer finds the condition', async () => {
    await t.analytics.collection(FACT_COLLECTIONS.stockReadModel).updateOne({ tenantId: 'acme', sku: 'SKU-OUT' }, { $set: { onHand: 300, available: 300 } });
    const id = (await openOf('STOCKOUT_PREDICTED', 'SKU-OUT'))!._id;
    const third = await run();
    const resolved = await alerts().findOne({ _id: id });
    expect(resolved).toMatchObject({ status: 'RESOLVED', resolvedBy: { kind: 'system', runId: third._id } });
    expect(resolved!.openKey).toBeUndefined();
    expect(await events()).toEqual([{ event: 'alert:resolved', data: expect.objectContaining({ id, status: 'RESOLVED', type: 'STOCKOUT_PREDICTED' }) }]);
    expect(await alerts().countDocuments({ tenantId: 'acme', status: { $in: ['ACTIVE', 'ACKNOWLEDGED'] } })).toBe(3);
  });

  it('a run of some SKUs resolves only the alerts of the pairs it looked at', async () => {
    const late = (await openOf('SUPPLIER_LATE', 'SKU-LATE'))!;
    await t.analytics
      .collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror)
      .updateOne({ _id: 'acme-po-late' }, { $set: { status: 'received', 'lines.0.receivedQuantity': 40, 'lines.0.openQuantity': 0 } });
    // The receipt is on hand now (without it, 200 would run out on day 20: a MEDIUM stock-out).
    await t.analytics.collection(FACT_COLLECTIONS.stockReadModel).updateOne({ tenantId: 'acme', sku: 'SKU-LATE' }, { $set: { onHand: 240, available: 240 } });
    await t.analytics.collection(FACT_COLLECTIONS.stockReadModel).updateOne({ tenantId: 'acme', sku: 'SKU-OVER' }, { $set: { onHand: 300, available: 300 } });
    await run({ skus: ['SKU-OK'] });
    expect(await alerts().findOne({ _id: late._id })).toMatchObject({ status: 'ACTIVE' });
    expect(await openOf('OVERSTOCK', 'SKU-OVER')).not.toBeNull();
    const perSku = await run({ skus: ['SKU-LATE'] });
    expect(await alerts().findOne({ _id: late._id })).toMatchObject({ status: 'RESOLVED', resolvedBy: { kind: 'system', runId: perSku._id } });
    expect(await openOf('OVERSTOCK', 'SKU-OVER')).not.toBeNull();
    // Back to the first picture for the next tests.
    await t.analytics
      .collection(FACT_COLLECTIONS.stockReadModel)
      .updateOne({ tenantId: 'acme', sku: 'SKU-OVER' }, { $set: { onHand: 2_000, available: 2_000 } });
  });
});

describe('the alert routes', () => {
  it('list the open alerts with filters, a page at a time, only the tenant’s own', async () => {
    const all = await get('/api/alerts/active', planner);
    expect(all.statusCode, all.body).toBe(200);
    expect(
      all
        .json()
        .items.map((a: { type: string }) => a.type)
        .sort(),
    ).toEqual(['OVERSTOCK', 'UNUSUAL_DEMAND']);
    expect(all.json().items[0]).not.toHaveProperty('openKey');
    const high = await get('/api/alerts/active?severity=HIGH', warehouse);
    expect(high.json().items).toMatchObject([{ type: 'UNUSUAL_DEMAND', sku: 'SKU-SPIKE' }]);
    expect((await get('/api/alerts/active?sku=SKU-OVER&locationCode=WH-1', planner)).json().items).toMatchObject([{ type: 'OVERSTOCK' }]);
    expect((await get('/api/alerts/active?type=SUPPLIER_LATE', planner)).json().items).toEqual([]);
    const first = (await get('/api/alerts/active?limit=1', planner)).json();
    expect(first.items).toHaveLength(1);
    const second = (await get(`/api/alerts/active?limit=1&cursor=${first.nextCursor}`, planner)).json();
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    expect(second.nextCursor).toBeNull();
    expect((await get('/api/alerts/active', otherPlanner)).json().items).toEqual([]);
    expect((await get('/api/alerts/active?severity=URGENT', planner)).statusCode).toBe(400);
    expect((await get('/api/alerts/active?cursor=nope', planner)).statusCode).toBe(400);
  });

  it('history: every status in the date range, newest first', async () => {
    const march = (await get('/api/alerts/history?from=2026-03-01&to=2026-03-31', planner)).json();
    expect(march.items).toHaveLength(4);
    expect(march.items.map((a: { status: string }) => a.status).sort()).toEqual(['ACTIVE', 'ACTIVE', 'RESOLVED', 'RESOLVED']);
    expect((await get('/api/alerts/history?from=2026-03-11&to=2026-03-31', planner)).json().items).toEqual([]);
    const page = (await get('/api/alerts/history?from=2026-03-01&to=2026-03-31&limit=3', planner)).json();
    const rest = (await get(`/api/alerts/history?from=2026-03-01&to=2026-03-31&limit=3&cursor=${page.nextCursor}`, planner)).json();
    expect([...page.items, ...rest.items].map((a: { id: string }) => a.id)).toEqual(march.items.map((a: { id: string }) => a.id));
    const backwards = await get('/api/alerts/history?from=2026-03-31&to=2026-03-01', planner);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ code: 'INVALID_INPUT', details: [{ path: 'from' }] });
    expect((await get('/api/alerts/history?from=2026-02-30', planner)).statusCode).toBe(400);
    expect((await get('/api/alerts/history?from=2026-03-01&to=2026-03-31', otherPlanner)).json().items).toEqual([]);
  });

  it('acknowledge → resolve, with who and when; illegal moves 409, others’ and unknown ids 404, wrong roles 403, writing nothing', async () => {
    const over = (await openOf('OVERSTOCK', 'SKU-OVER'))!;
    const url = (action: string, id = over._id) => `/api/alerts/${id}/${action}`;
    expect((await post(url('acknowledge'), warehouse)).statusCode).toBe(403);
    expect((await post(url('acknowledge'), otherPlanner)).statusCode).toBe(404);
    expect((await post(url('acknowledge', '0123456789abcdef01234567'), planner)).statusCode).toBe(404);
    expect((await post(url('acknowledge', 'not-an-id'), planner)).statusCode).toBe(400);
    expect((await post(url('false-positive'), buyer, {})).statusCode).toBe(400);
    expect(await alerts().findOne({ _id: over._id })).toEqual(over);
    expect(await events()).toEqual([]);

    const acked = await post(url('acknowledge'), buyer);
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toMatchObject({ id: over._id, status: 'ACKNOWLEDGED', acknowledgedBy: { kind: 'user', name: 'purchasing key' } });
    const again = await post(url('acknowledge'), planner);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: 'ACKNOWLEDGED' } });

    // A run that still finds the condition updates it and leaves it ACKNOWLEDGED.
    const next = await run();
    expect(await alerts().findOne({ _id: over._id })).toMatchObject({ status: 'ACKNOWLEDGED', lastSeenRunId: next._id });

    const resolved = await post(url('resolve'), planner, { note: 'sold to a trader' });
    expect(resolved.json()).toMatchObject({ status: 'RESOLVED', note: 'sold to a trader', resolvedBy: { kind: 'user', name: 'planner key' } });
    expect((await alerts().findOne({ _id: over._id }))!.openKey).toBeUndefined();
    const late = await post(url('false-positive'), planner, { note: 'x' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toContain('already resolved');
    expect((await events()).map((e) => `${e.event}:${String(e.data.status)}`)).toEqual(['alert:updated:ACKNOWLEDGED', 'alert:resolved:RESOLVED']);

    const spike = (await openOf('UNUSUAL_DEMAND', 'SKU-SPIKE'))!;
    const fp = await post(url('false-positive', spike._id), planner, { note: 'one-off trade order' });
    expect(fp.json()).toMatchObject({ status: 'FALSE_POSITIVE', note: 'one-off trade order' });
    // Closed by a person: the next run that finds the condition raises a new alert rather than reopening it.
    const after = await run();
    expect(after.counts.alertsCreated).toBe(2);
    expect(await alerts().countDocuments({ tenantId: 'acme', status: { $in: ['ACTIVE', 'ACKNOWLEDGED'] } })).toBe(2);
  });
});
