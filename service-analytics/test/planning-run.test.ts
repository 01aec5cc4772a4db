import { DEFAULT_PLANNING_SETTINGS, type StoredRecommendation } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackorderMirrorDoc } from '../src/facts/backorder-mirror.js';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { StockReadModelDoc } from '../src/facts/reference-mirror.js';
import { FORECAST_COLLECTIONS } from '../src/forecasts/forecast-collections.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import type { PlanningPairDocument, PlanningRunDocument } from '../src/planning/planning.types.js';
import { runDocument } from '../src/planning/planning-runs.js';
import { createPlanningWorker, type PlanningWorker } from '../src/planning/planning-worker.js';
import { decide, demandForecastFromIntervals, locationShares, splitToLocations, type DecisionInput } from '../src/planning/policy/index.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Planning runs over fixture read models (catalog, stock, supplier mirrors,
 * a stored forecast, daily facts), through the API and the worker, against
 * the real engine. The numbers are checked against decide() on the same
 * input, and one MIN_MAX pair by hand.
 */
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);
/** An 80 % interval of half-width 2.563 is σ = 2 per day (2.563 / z₀.₉ = 2.563 / 1.2816). */
const HALF_WIDTH_80 = 2.563;

let t: AnalyticsTestApp;
let worker: PlanningWorker;
let planner: string;
let buyer: string;
let warehouse: string;
let otherPlanner: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const runs = () => t.analytics.collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns);
const stock = () => t.analytics.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel);
const pending = (sku: string, locationCode: string, type: StoredRecommendation['type'] = 'REORDER') =>
  recs().find({ tenantId: 'acme', sku, locationCode, type, status: 'PENDING' }).toArray();

async function fact(sku: string, locationCode: string, day: string, demanded: number, revenue: number): Promise<void> {
  await t.analytics.collection(FACT_COLLECTIONS.dailySalesFacts).insertOne({
    _id: `acme:${sku}:${locationCode}:${day}` as never,
    tenantId: 'acme',
    sku,
    locationCode,
    day,
    quantityDemanded: demanded,
    quantitySold: demanded,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue,
    orders: 1,
    campaignActive: false,
    stockOut: false,
    endOfDayOnHand: 0,
    stockEvents: 0,
  });
}

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
  for (const sku of ['SKU-A', 'SKU-B', 'SKU-C']) {
    await aProduct(t.analytics, 'acme', sku, { price: 10 });
    await aProductSupplier(t.analytics, 'acme', 'SUP-A', sku, { unitCost: 4, minimumOrderQuantity: 50, packSize: 10, leadTimeDays: 7 });
  }
  // SKU-A: 10 a day over the network, three quarters of it at WH-1; SKU-C: 1 a day; SKU-B: no forecast.
  await aForecast(t.analytics, 'acme', 'SKU-A', { forecastDate: TODAY, daily: Array(28).fill(10), halfWidth: HALF_WIDTH_80, jobId: 'train-20260309-aaaaaaaa' });
  await aForecast(t.analytics, 'acme', 'SKU-C', { forecastDate: TODAY, daily: Array(28).fill(1), halfWidth: 1, jobId: 'train-20260309-aaaaaaaa' });
  await fact('SKU-A', 'WH-1', '2026-03-01', 30, 300);
  await fact('SKU-A', 'WH-2', '2026-03-01', 10, 100);
  await fact('SKU-C', 'WH-1', '2026-03-01', 1, 10);
  await aStock(t.analytics, 'acme', 'SKU-A', 'WH-1', { onHand: 20, updatedAt: new Date('2026-03-10T05:00:00Z') });
  await aStock(t.analytics, 'acme', 'SKU-A', 'WH-2', { onHand: 100, updatedAt: new Date('2026-03-10T05:00:00Z') });
  await aStock(t.analytics, 'acme', 'SKU-B', 'WH-1', { onHand: 5 });
  await aStock(t.analytics, 'acme', 'SKU-C', 'WH-1', { onHand: 1_000 });
  // A hand-checkable rule at WH-2: order up to 200 when the position is at 120 or below.
  const rule = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/rules/SKU-A?locationCode=WH-2',
    headers: { 'x-api-key': planner },
    payload: { strategy: 'MIN_MAX', minStock: 120, maxStock: 200 },
  });
  expect(rule.statusCode, rule.body).toBe(200);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

async function manualRun(key = planner, payload?: object): Promise<string> {
  const res = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': key }, payload: payload ?? {} });
  expect(res.statusCode, res.body).toBe(202);
  expect(await worker.drain()).toBe(1);
  return res.json<{ runId: string }>().runId;
}

/** The DecisionInput of SKU-A at WH-1, built by hand from the fixture. */
function skuAInput(position: DecisionInput['position']): DecisionInput {
  const network = demandForecastFromIntervals({
    predictions: Array(28).fill(10),
    intervals: [{ confidence: 0.8, halfWidths: Array(28).fill(HALF_WIDTH_80), reliable: true }],
    source: 'seasonal-naive forecast of 2026-03-10',
  });
  return {
    today: TODAY,
    sku: 'SKU-A',
    locationCode: 'WH-1',
    unitPrice: 10,
    // SKU-A is 400 of 410 revenue: class A, the default 98 %.
    rule: { strategy: 'FORECAST_BASED', serviceLevel: 0.98, reviewPeriodDays: 7, minStock: null, maxStock: null, reorderPoint: null, reorderQuantity: null },
    position,
    demand: splitToLocations(network, locationShares({ 'WH-1': 30, 'WH-2': 10 }))['WH-1']!,
    suppliers: [
      {
        supplierCode: 'SUP-A',
        supplierName: 'Supplier SUP-A',
        unitCost: 4,
        minimumOrderQuantity: 50,
        packSize: 10,
        leadTimeDays: 7,
        preferred: false,
        delivery: null,
      },
    ],
    costs: { holdingCostRate: 0.25, orderingCost: 50 },
  };
}

describe('a manual planning run', () => {
  it('recommends what decide() decides on the same input, records its run, and skips what it cannot plan', async () => {
    const runId = await manualRun();
    const run = await t.app.inject({ method: 'GET', url: `/api/planning/runs/${runId}`, headers: { 'x-api-key': warehouse } });
    // Alerts (test/alerts.test.ts): SKU-A runs out at WH-1 (20 at 7.5 a day), SKU-C is overstocked (1 000 at 1 a day).
    expect(run.json()).toMatchObject({
      runId,
      kind: 'MANUAL',
      status: 'completed',
      progress: { total: 3, done: 3 },
      counts: { skusAnalysed: 2, pairsAnalysed: 3, pairsSkipped: 1, recommendationsCreated: 3, recommendationsUpdated: 0, alertsCreated: 2 },
      inputs: { today: TODAY, forecastJobIds: ['train-20260309-aaaaaaaa'], forecastDates: [TODAY], stockAsOf: '2026-03-10T05:00:00.000Z' },
      skipped: [{ sku: 'SKU-B', locationCode: 'WH-1', reason: expect.stringContaining('no stored forecast') }],
    });
    expect(run.json().durationMs).toBeGreaterThanOrEqual(0);

    const expected = decide(skuAInput({ onHand: 20, reserved: 0, backOrdered: 0, onOrder: [], inTransit: 0 }));
    expect(expected.order).not.toBeNull();
    const [wh1] = await pending('SKU-A', 'WH-1');
    expect(wh1).toMatchObject({
      runId,
      quantity: expected.order!.quantity,
      supplierCode: 'SUP-A',
      orderByDate: expected.order!.orderByDate,
      expectedArrivalDate: '2026-03-17',
      priority: expected.priority,
      stockoutDate: expected.stockoutDate,
      reasoning: expected.reasoning,
      currentPosition: 20,
    });
    expect(wh1!.policy.reorderPoint).toBeCloseTo(expected.reorderPoint, 2);
    // Sanity of the numbers themselves: 7.5 a day over 7 days is 52.5 before safety stock; the order is a whole pack ≥ 50.
    expect(expected.reorderPoint).toBeGreaterThan(52.5);
    expect(wh1!.quantity % 10).toBe(0);
    expect(wh1!.cost).toBe(wh1!.quantity * 4);

    // By hand: MIN_MAX at WH-2, position 100 ≤ min 120 → order up to 200: 100 units (a multiple of the pack, above the minimum).
    const [wh2] = await pending('SKU-A', 'WH-2');
    expect(wh2).toMatchObject({ quantity: 100, policy: { strategy: 'MIN_MAX', reorderPoint: 120, orderUpTo: 200 } });

    // SKU-C: 1,000 units at 1 a day is 1,000 days of cover; above 90 days' worth, 910 units × 4 are tied up.
    const [excess] = await pending('SKU-C', 'WH-1', 'EXCESS_STOCK');
    expect(excess).toMatchObject({ quantity: 910, cost: 3640, priority: 'MEDIUM', supplierCode: null });
    expect(await pending('SKU-C', 'WH-1')).toEqual([]);
    expect(await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).countDocuments({ tenantId: 'acme' })).toBe(3);
  });

  it('does not duplicate on a second run: the same numbers leave them alone, changed numbers update them in place', async () => {
    const before = await recs().find({ status: 'PENDING' }).sort({ _id: 1 }).toArray();
    const same = await manualRun(buyer);
    expect(await recs().find({ status: 'PENDING' }).sort({ _id: 1 }).toArray()).toEqual(before);
    expect((await runs().findOne({ _id: same }))!.counts).toMatchObject({ recommendationsCreated: 0, recommendationsUpdated: 0, recommendationsUnchanged: 3 });

    // One unit reserved at WH-1: the position moves, the order (whole packs) stays: the same recommendation, new numbers and run.
    await stock().updateOne({ _id: 'acme:SKU-A:WH-1' }, { $set: { reserved: 1, available: 19 } });
    const changed = await manualRun(buyer);
    const after = await recs().find({ status: 'PENDING' }).sort({ _id: 1 }).toArray();
    expect(after.map((r) => r._id)).toEqual(before.map((r) => r._id));
    const wh1Before = before.find((r) => r.locationCode === 'WH-1' && r.type === 'REORDER')!;
    const wh1After = after.find((r) => r._id === wh1Before._id)!;
    expect(wh1After).toMatchObject({ runId: changed, currentPosition: 19, quantity: wh1Before.quantity });
    expect(wh1After.reasoning).not.toEqual(wh1Before.reasoning);
    expect((await runs().findOne({ _id: changed }))!.counts).toMatchObject({
      recommendationsCreated: 0,
      recommendationsUpdated: 1,
      recommendationsUnchanged: 2,
      recommendationsSuperseded: 0,
    });
    await stock().updateOne({ _id: 'acme:SKU-A:WH-1' }, { $set: { reserved: 0, available: 20 } });
    await manualRun(buyer);
  });

  it('counts an accepted, not yet ordered quantity in the next run’s position, so it does not recommend it twice', async () => {
    const [wh1] = await pending('SKU-A', 'WH-1');
    const accepted = await t.app.inject({ method: 'POST', url: `/api/recommendations/${wh1!._id}/accept`, headers: { 'x-api-key': buyer } });
    expect(accepted.statusCode, accepted.body).toBe(200);
    await manualRun();
    expect(await pending('SKU-A', 'WH-1')).toEqual([]);
    const pair = await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).findOne({ _id: 'acme:SKU-A:WH-1' });
    expect(pair).toMatchObject({ acceptedOpen: wh1!.quantity, inventoryPosition: 20 + wh1!.quantity });
    const expected = decide(
      skuAInput({ onHand: 20, reserved: 0, backOrdered: 0, onOrder: [{ quantity: wh1!.quantity, expectedDate: '2026-03-17' }], inTransit: 0 }),
    );
    expect(expected.order).toBeNull();
  });

  it('supersedes a pending recommendation whose quantity changed, and expires one no longer needed', async () => {
    const [old] = await pending('SKU-A', 'WH-2');
    await stock().updateOne({ _id: 'acme:SKU-A:WH-2' }, { $set: { onHand: 0, available: 0 } });
    const runId = await manualRun();
    const [next] = await pending('SKU-A', 'WH-2');
    expect(next).toMatchObject({ quantity: 200, runId });
    expect(await recs().findOne({ _id: old!._id })).toMatchObject({ status: 'SUPERSEDED', supersededBy: next!._id });
    expect((await runs().findOne({ _id: runId }))!.counts).toMatchObject({ recommendationsSuperseded: 1, recommendationsCreated: 1 });
    const superseded = await t.app.inject({ method: 'POST', url: `/api/recommendations/${old!._id}/accept`, headers: { 'x-api-key': buyer } });
    expect(superseded.json()).toMatchObject({ statusCode: 409, details: { status: 'SUPERSEDED', supersededBy: next!._id } });

    await stock().updateOne({ _id: 'acme:SKU-A:WH-2' }, { $set: { onHand: 500, available: 500 } });
    const third = await manualRun();
    expect(await pending('SKU-A', 'WH-2')).toEqual([]);
    expect(await recs().findOne({ _id: next!._id })).toMatchObject({ status: 'EXPIRED' });
    expect((await runs().findOne({ _id: third }))!.counts.recommendationsExpired).toBe(1);
  });

  it('plans only what a run names, and refuses unknown SKUs and other roles before writing', async () => {
    const runId = await manualRun(planner, { skus: ['SKU-C'], locationCodes: ['WH-1'] });
    expect((await runs().findOne({ _id: runId }))!).toMatchObject({ progress: { total: 1 }, counts: { pairsAnalysed: 1 } });
    const count = await runs().countDocuments();
    const unknown = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': planner }, payload: { skus: ['NOPE'] } });
    expect(unknown.json()).toMatchObject({ statusCode: 400, details: [{ path: 'skus' }] });
    const forbidden = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': warehouse }, payload: {} });
    expect(forbidden.statusCode).toBe(403);
    const foreign = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': otherPlanner }, payload: { skus: ['SKU-A'] } });
    expect(foreign.statusCode).toBe(400);
    expect(await runs().countDocuments()).toBe(count);
    expect((await t.app.inject({ method: 'GET', url: `/api/planning/runs/${runId}`, headers: { 'x-api-key': otherPlanner } })).statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: '/api/planning/runs?limit=2', headers: { 'x-api-key': warehouse } });
    expect(list.json().items[0].runId).toBe(runId);
    const rest = await t.app.inject({
      method: 'GET',
      url: `/api/planning/runs?limit=50&cursor=${list.json().nextCursor}`,
      headers: { 'x-api-key': warehouse },
    });
    expect(list.json().items.length + rest.json().items.length).toBe(count);
    expect((await t.app.inject({ method: 'GET', url: '/api/planning/runs', headers: { 'x-api-key': otherPlanner } })).json().items).toEqual([]);
  });
});

describe('a run whose runner died', () => {
  it('is taken over after its lease and resumes after the last SKU it recorded', async () => {
    // A runner claimed the run, planned SKU-A, recorded it, and died (its heartbeat stops).
    const died = new Date(NOW.getTime() - 10 * 60_000);
    const run = {
      ...runDocument('acme', { kind: 'MANUAL', reason: 'crash test', skus: null, locationCodes: null }, died),
      status: 'running' as const,
      runner: 'dead-runner',
      heartbeatAt: died,
      startedAt: died,
      resumeAfterSku: 'SKU-A',
      progress: { total: 3, done: 1 },
    };
    await runs().insertOne(run);
    const before = await recs().find({ sku: 'SKU-A' }).toArray();
    const taker = createPlanningWorker({ db: t.analytics, now: () => NOW, leaseMs: 60_000 });
    expect(await taker.drain()).toBe(1);
    await taker.stop();
    const done = (await runs().findOne({ _id: run._id }))!;
    expect(done).toMatchObject({ status: 'completed', progress: { total: 3, done: 3 }, resumeAfterSku: 'SKU-C', startedAt: died });
    expect(done.runner).not.toBe('dead-runner');
    // Only SKU-B (skipped) and SKU-C were planned by the taker; SKU-A's recommendations are as they were.
    expect(done.counts).toMatchObject({ pairsAnalysed: 1, pairsSkipped: 1 });
    expect(await recs().find({ sku: 'SKU-A' }).toArray()).toEqual(before);
  });
});

describe('triggered and scheduled runs', () => {
  it('re-plans a pair whose stock falls to its reorder point, within one housekeeping round', async () => {
    await worker.housekeeping(); // the stock watcher's first look sets its bookmark
    const pair = (await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).findOne({ _id: 'acme:SKU-A:WH-2' }))!;
    expect(pair.inventoryPosition).toBeGreaterThan(pair.reorderPoint);
    await stock().updateOne({ _id: 'acme:SKU-A:WH-2' }, { $set: { onHand: 50, available: 50, updatedAt: new Date(NOW.getTime() + 1_000) } });
    await worker.housekeeping();
    const triggered = await runs().find({ kind: 'TRIGGERED', status: 'pending' }).toArray();
    expect(triggered).toMatchObject([
      { tenantId: 'acme', parameters: { skus: ['SKU-A'], locationCodes: ['WH-2'] }, reason: expect.stringContaining('SKU-A@WH-2') },
    ]);
    expect(await worker.drain()).toBe(1);
    expect(await pending('SKU-A', 'WH-2')).toMatchObject([{ quantity: 150, runId: triggered[0]!._id }]);
    await worker.housekeeping();
    expect(await runs().countDocuments({ kind: 'TRIGGERED', status: 'pending' })).toBe(0);
  });

  it('re-plans a pair whose back-orders take it to its reorder point, though its stock did not change', async () => {
    await worker.housekeeping();
    const pairs = await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).find({ tenantId: 'acme' }).toArray();
    const pair = pairs.find((p) => p._id !== 'acme:SKU-A:WH-2' && p.inventoryPosition > p.reorderPoint)!;
    expect(pair).toBeDefined();
    const short = Math.ceil(pair.inventoryPosition - pair.reorderPoint);
    // A confirmed order waits for `short` units there: the position falls by as much, the stock row stays as it was.
    await t.analytics.collection<BackorderMirrorDoc>(FACT_COLLECTIONS.backordersMirror).insertOne({
      _id: 'so-backordered-1',
      sourceId: 'so-backordered-1',
      tenantId: 'acme',
      locationCode: pair.locationCode,
      status: 'confirmed',
      lines: [{ sku: pair.sku, quantity: short }],
      updatedAt: new Date(NOW.getTime() + 2_000),
    });
    await worker.housekeeping();
    const triggered = await runs().find({ kind: 'TRIGGERED', status: 'pending' }).toArray();
    expect(triggered).toMatchObject([{ tenantId: 'acme', parameters: { skus: [pair.sku], locationCodes: [pair.locationCode] } }]);
    expect(await worker.drain()).toBe(1);
    const replanned = (await t.analytics.collection<PlanningPairDocument>(PLANNING_COLLECTIONS.planningPairs).findOne({ _id: pair._id }))!;
    expect(replanned.inventoryPosition).toBeCloseTo(pair.inventoryPosition - short, 6);
    // Seen once: the next look finds nothing new.
    await worker.housekeeping();
    expect(await runs().countDocuments({ kind: 'TRIGGERED', status: 'pending' })).toBe(0);
  });

  it('re-plans the SKUs of a finished forecast job once', async () => {
    await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).insertOne({
      _id: 'train-20260310-bbbbbbbb' as never,
      tenantId: 'acme',
      status: 'completed',
      request: { skus: ['SKU-C'], horizon: 28, confidence: 0.95, season: 7, asOf: '2026-03-09' },
      progress: { total: 1, done: 1, forecast: 1, skipped: 0, failed: 0 },
      completedAt: new Date(NOW.getTime() - 60_000),
      createdAt: new Date(NOW.getTime() - 120_000),
    });
    await worker.housekeeping();
    await worker.housekeeping();
    const queued = await runs().find({ forecastJobId: 'train-20260310-bbbbbbbb' }).toArray();
    expect(queued).toMatchObject([{ kind: 'TRIGGERED', parameters: { skus: ['SKU-C'], locationCodes: null } }]);
    expect(await worker.drain()).toBe(1);
    expect(await runs().findOne({ _id: queued[0]!._id })).toMatchObject({ status: 'completed', counts: { pairsAnalysed: 1 } });
  });

  it('runs the daily schedule once a day after its time, without a forecast job while the forecast is fresh', async () => {
    await t.app.inject({ method: 'PUT', url: '/api/planning/settings', headers: { 'x-api-key': planner }, payload: DEFAULT_PLANNING_SETTINGS });
    const jobs = await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).countDocuments();
    await worker.housekeeping();
    await worker.housekeeping();
    expect(await runs().find({ kind: 'SCHEDULED' }).toArray()).toMatchObject([{ tenantId: 'acme', scheduledFor: TODAY, awaitForecastJobId: null }]);
    expect(await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).countDocuments()).toBe(jobs);
    expect(await worker.drain()).toBe(1);
  });
});
