/**
 * Journey: the planner's afternoon on a small demo business (issue 17). Orders
 * → CDC → facts → forecasts → "what if demand for our busiest SKU rose 30 %?"
 * (`POST /api/analysis/whatif`), checked against the stored forecast and the
 * stock the warehouse recorded → saved and read back → "what should we stock
 * with 80 % of the money?" (`POST /api/optimize/run` STOCK_LEVELS under a
 * budget) followed to its end → applied, and the reorder rules that planning
 * reads are the run's numbers; the next run sees them as today's. Every part
 * is the real one: both services over HTTP, the CDC consumer, the forecast
 * runner on a worker thread and the planning worker that runs optimisations.
 */
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  DEFAULT_PLANNING_SETTINGS,
  OptimizationRunSchema,
  PlanningRunSchema,
  RecommendationListSchema,
  RuleListSchema,
  WhatIfResultSchema,
  type OptimizationRun,
  type WhatIfRequestBody,
  type WhatIfResult,
} from '@icc/shared';
import { issueApiKey } from '@icc/service-operational';
import {
  createAnalyticsApp,
  createForecastPool,
  createForecastRunner,
  createPipeline,
  ensureAnalyticsIndexes,
  type ForecastPool,
  type ForecastRunner,
} from '@icc/service-analytics';
import { runTriggerForecast, seedDemo, yesterday } from '@icc/scripts';
import { createCdcConsumer, createPlanningWorker, type CdcConsumer } from '@icc/service-analytics/testing';
import { MongoClient } from 'mongodb';
import type mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCdcMarker } from '../support/cdc.js';
import { startJourneyOperational } from '../support/operational.js';
import '../support/provided-context.js';
import { call, eventually } from '../support/http.js';

const TENANT = 'whatif-journey';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_wj_${suffix}`;
const AN_DB = `an_wj_${suffix}`;
const PRODUCTS = 6;
const HORIZON = 28;
const UPLIFT = 1.3;

let connection: mongoose.Connection;
let operational: Awaited<ReturnType<typeof startJourneyOperational>>;
let client: MongoClient;
let consumer: CdcConsumer;
let cdc: ReturnType<typeof withCdcMarker>;
let pool: ForecastPool;
let runner: ForecastRunner;
let planning: ReturnType<typeof createPlanningWorker>;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
let analyticsUrl: string;
const keys: Record<'planner' | 'warehouse' | 'sales', string> = { planner: '', warehouse: '', sales: '' };

async function whatIf(body: WhatIfRequestBody, save = false): Promise<WhatIfResult> {
  const res = await call<unknown>(analyticsUrl, 'POST', `/api/analysis/whatif${save ? '?save=true' : ''}`, keys.planner, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return WhatIfResultSchema.parse(res.body);
}

/** An optimisation run through the API, followed to its end. */
async function optimise(body: unknown): Promise<OptimizationRun> {
  const queued = await call<{ runId: string; statusUrl: string }>(analyticsUrl, 'POST', '/api/optimize/run', keys.planner, body);
  expect(queued.status, JSON.stringify(queued.body)).toBe(202);
  expect(queued.body.statusUrl).toBe(`/api/optimize/results/${queued.body.runId}`);
  return eventually('the optimisation run', async () => {
    // Any key of the tenant may read it: the sales desk's does.
    const res = await call<unknown>(analyticsUrl, 'GET', queued.body.statusUrl, keys.sales);
    expect(res.status).toBe(200);
    const run = OptimizationRunSchema.parse(res.body);
    expect(run.status, run.error ?? '').not.toBe('failed');
    return run.status === 'completed' ? run : undefined;
  });
}

const dayKey = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => dayKey(new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000));

beforeAll(async () => {
  const uri = inject('mongoUri');
  operational = await startJourneyOperational(uri, OP_DB);
  connection = operational.connection;
  client = await MongoClient.connect(uri);
  const summary = await seedDemo(operational.models, TENANT, { seed: 31, products: PRODUCTS, days: 120, endDay: yesterday() });
  expect(summary.orders).toBeGreaterThan(100);
  for (const role of ['planner', 'warehouse', 'sales'] as const) keys[role] = (await issueApiKey(operational.models, TENANT, `${role} desk`, [role])).key;

  const analytics = client.db(AN_DB);
  await ensureAnalyticsIndexes(analytics);
  cdc = withCdcMarker(createPipeline(analytics));
  consumer = createCdcConsumer({ client, operationalDb: OP_DB, analyticsDb: AN_DB, sink: cdc.sink, maxAwaitTimeMS: 100 });
  await consumer.start();
  pool = createForecastPool({ threads: 1 });
  runner = createForecastRunner({ db: analytics, pool, pollMs: 100 });
  runner.start();
  planning = createPlanningWorker({ db: analytics, pollMs: 100, housekeepingMs: 200 });
  planning.start();
  analyticsApp = await createAnalyticsApp({
    analytics,
    operational: client.db(OP_DB),
    cdcStatus: () => consumer.status(),
    onJobQueued: () => runner.notify(),
    onPlanningRunQueued: () => planning.notify(),
    log: createLogger({ name: 'journey', level: 'silent' }),
  });
  await analyticsApp.listen({ host: '127.0.0.1', port: 0 });
  analyticsUrl = `http://127.0.0.1:${(analyticsApp.server.address() as AddressInfo).port}`;
  await cdc.caughtUp(client, OP_DB, TENANT, 240_000);
}, 400_000);

afterAll(async () => {
  await planning?.stop();
  await runner?.stop();
  await pool?.close();
  await consumer?.stop();
  await cdc?.close();
  await analyticsApp?.close();
  await operational?.close();
  await client?.db(AN_DB).dropDatabase();
  await client?.close();
  await connection?.dropDatabase();
  await connection?.close();
});

describe("the planner's what-if, then a plan within budget", () => {
  let sku: string;
  let locationCode: string;
  let saved: WhatIfResult;
  let applied: OptimizationRun;

  it('forecasts; demand +30 % on the busiest shelf raises demand, safety stock and shortfall by the factor, and the stock-out comes sooner', async () => {
    const code = await runTriggerForecast(['--url', analyticsUrl, '--api-key', keys.planner, '--horizon', String(HORIZON), '--poll', '100', '--json'], {
      stdout: () => {},
      stderr: () => {},
      env: {},
      isTTY: false,
    });
    expect(code).toBe(0);

    // Every SKU has its stored forecast.
    const forecasts = client.db(AN_DB).collection<{ sku: string; predictions: { date: string; quantity: number }[] }>('forecasts');
    expect(new Set((await forecasts.find({ tenantId: TENANT }).toArray()).map((f) => f.sku)).size).toBe(PRODUCTS);

    const today = dayKey(new Date());
    const scenario = { type: 'demandChange' as const, percentage: 30, from: today, to: addDays(today, HORIZON - 1) };

    // First look, over every product: the busiest shelf with nothing on its way (an arrival inside the
    // period would date the stock-out by itself) is the one the planner worries about.
    const first = await whatIf({ scenario, products: { all: true }, horizon: HORIZON });
    expect(first.today).toBe(today);
    expect(first.products.length + first.skipped.length).toBe(PRODUCTS);
    const quiet = new Set(
      (
        await connection
          .collection('stockPositions')
          .find({ tenantId: TENANT, inTransit: { $in: [0, null] }, onOrder: { $in: [0, null] } })
          .toArray()
      ).map((p) => `${String(p['sku'])}@${String(p['locationCode'])}`),
    );
    const shelves = first.products.flatMap((p) => p.locations.map((l) => ({ sku: p.sku, ...l })));
    const busiest = shelves.filter((l) => quiet.has(`${l.sku}@${l.locationCode}`)).sort((a, b) => b.baseline.demand - a.baseline.demand)[0];
    expect(busiest, 'no shelf without stock on its way').toBeDefined();
    sku = busiest!.sku;
    locationCode = busiest!.locationCode;
    const body: WhatIfRequestBody = { scenario, products: { skus: [sku] }, horizon: HORIZON, name: `${sku} +30 %` };
    // Enough demand that 30 % more moves the stock-out by days (the daily means are smooth: the crossing moves).
    expect(busiest!.baseline.demand).toBeGreaterThan(3);

    // The warehouse counts the shelf down to 60 % of the period's expected demand: without the
    // scenario it runs out in the period, with it sooner.
    const target = Math.round(0.6 * busiest!.baseline.demand);
    const adjustment = target - busiest!.available;
    if (adjustment !== 0) {
      const counted = await call(operational.url, 'POST', '/api/stock/adjustment', keys.warehouse, {
        sku,
        locationCode,
        quantity: adjustment,
        reason: 'cycle count',
      });
      expect(counted.status, JSON.stringify(counted.body)).toBe(201);
    }
    await cdc.caughtUp(client, OP_DB, TENANT, 120_000);

    const scenarioCount = () => client.db(AN_DB).collection('whatifScenarios').countDocuments({ tenantId: TENANT });
    expect(await scenarioCount()).toBe(0);
    saved = await whatIf(body, true);
    expect(saved.scenarioId).toMatch(/^whatif-\d{8}-[0-9a-f]{8}$/);
    expect(saved.period).toEqual({ from: today, to: addDays(today, HORIZON - 1) });
    expect(saved.skipped).toEqual([]);
    const answer = saved.products[0]!;
    const here = answer.locations.find((l) => l.locationCode === locationCode)!;
    // The count reached analytics: what the analysis sees available is what the warehouse left.
    expect(here.available).toBe(target);

    // The baseline is the stored forecast: its daily means over the period, split over the locations.
    const forecast = await forecasts.findOne({ tenantId: TENANT, sku }, { sort: { createdAt: -1 } });
    const fromToday = forecast!.predictions.filter((p) => p.date >= today).slice(0, HORIZON);
    expect(fromToday).toHaveLength(HORIZON);
    const network = fromToday.reduce((s, p) => s + p.quantity, 0);
    expect(answer.baseline.demand).toBeCloseTo(network, 0);
    expect(answer.baseline.demand).toBeCloseTo(
      answer.locations.reduce((s, l) => s + l.baseline.demand, 0),
      1,
    );

    // +30 % on every day of the period: demand and its σ (so the safety stock) scale by 1.3.
    for (const l of answer.locations) {
      expect(l.scenario.demand).toBeCloseTo(UPLIFT * l.baseline.demand, 1);
      expect(l.scenario.safetyStock).toBeCloseTo(UPLIFT * l.baseline.safetyStock, 0);
      expect(l.scenario.unitsShort).toBeGreaterThanOrEqual(l.baseline.unitsShort);
      expect(l.scenario.stockNeeded).toBeGreaterThanOrEqual(l.baseline.stockNeeded);
    }
    expect(answer.scenario.demand).toBeCloseTo(UPLIFT * answer.baseline.demand, 1);
    expect(saved.total.scenario.demand).toBeCloseTo(UPLIFT * saved.total.baseline.demand, 1);

    // The counted-down shelf: out of stock within the period without the scenario, no later with it, and shorter by more.
    expect(here.baseline.stockoutDate).not.toBeNull();
    expect(here.baseline.stockoutDate! <= saved.period.to).toBe(true);
    expect(here.scenario.stockoutDate).not.toBeNull();
    expect(here.scenario.stockoutDate! < here.baseline.stockoutDate!, 'the stock-out comes sooner').toBe(true);
    // The whole distribution scales: the period's demand interval too.
    if (here.baseline.demandInterval) {
      expect(here.scenario.demandInterval!.lower).toBeCloseTo(UPLIFT * here.baseline.demandInterval.lower, 1);
      expect(here.scenario.demandInterval!.upper).toBeCloseTo(UPLIFT * here.baseline.demandInterval.upper, 1);
    }
    expect(here.scenario.unitsShort).toBeGreaterThan(here.baseline.unitsShort);
    expect(here.scenario.stockNeeded).toBeGreaterThan(here.baseline.stockNeeded);
    // Stock needed = ⌈mean + safety stock − available⌉⁺, priced at the SKU's cost; its order covers it.
    expect(here.scenario.stockNeeded).toBe(Math.max(0, Math.ceil(here.scenario.demand + here.scenario.safetyStock - here.available - 1e-6)));
    const [order] = here.scenario.orders;
    expect(order, 'a covering order for the scenario').toBeDefined();
    expect(order!.quantity).toBeGreaterThanOrEqual(here.scenario.stockNeeded);
    expect(order!.cost).toBeCloseTo(order!.quantity * order!.unitCost, 1);
    expect(order!.orderByDate <= order!.needDate).toBe(true);
    expect(here.scenario.stockNeededCost).toBeCloseTo(here.scenario.stockNeeded * order!.unitCost, 0);
    expect(here.scenario.revenueAtRisk).toBeGreaterThan(here.baseline.revenueAtRisk);
    // The recommended order rises and is needed no later.
    const [baselineOrder] = here.baseline.orders;
    expect(baselineOrder, 'a covering order for the baseline').toBeDefined();
    expect(order!.supplierCode).toBe(baselineOrder!.supplierCode);
    expect(order!.quantity).toBeGreaterThanOrEqual(baselineOrder!.quantity); // equal only when one supplier pack covers both
    expect(order!.needDate <= baselineOrder!.needDate).toBe(true);
    expect(saved.total.scenario.earliestStockoutDate! <= here.scenario.stockoutDate!).toBe(true);

    // Saved once, with its inputs, the forecast it used and the answer it gave.
    expect(await scenarioCount()).toBe(1);
    const doc = await client
      .db(AN_DB)
      .collection('whatifScenarios')
      .findOne({ _id: saved.scenarioId as never });
    expect(doc).toMatchObject({ tenantId: TENANT, name: body.name, today, request: body, forecastIds: { [sku]: forecast!['_id'] } });
    const { scenarioId: _id, ...stored } = saved;
    expect(doc!['result']).toEqual(stored);
  }, 400_000);

  it('STOCK_LEVELS within 80 % of the unconstrained plan’s money stays within it, item by item; applying writes those rules, once', async () => {
    const free = await optimise({ optimizationType: 'STOCK_LEVELS' });
    expect(free.items.length).toBeGreaterThan(0);
    expect(free.totals!.inventoryValue).toBeGreaterThan(0);
    const budget = Math.round(0.8 * free.totals!.inventoryValue);

    const run = await optimise({ optimizationType: 'STOCK_LEVELS', constraints: { budget } });
    expect(run.inputs.constraints).toEqual({ budget, storageCapacity: null, perLocation: null });
    expect(run.inputs.forecastIds).toBe(PRODUCTS);
    expect(run.applied).toBeNull();
    const totals = run.totals!;
    expect(totals.inventoryValue).toBeLessThanOrEqual(budget);
    expect(totals.items).toBe(run.items.length);
    expect(totals.inventoryValue).toBeCloseTo(
      run.items.reduce((s, i) => s + i.proposed.inventoryValue, 0),
      1,
    );
    expect(run.constraints.find((c) => c.constraint === 'budget')).toMatchObject({ limit: budget, binding: true });
    expect(run.constraints.find((c) => c.constraint === 'budget')!.used).toBeLessThanOrEqual(budget);
    // Less money: never a better fill rate than without the budget.
    expect(totals.fillRate).toBeLessThanOrEqual(free.totals!.fillRate);
    expect(totals.expectedSavings).toBeCloseTo(totals.currentExpectedCost - totals.expectedCost, 1);
    for (const item of run.items) {
      expect(item.proposed.strategy).toBe('REORDER_POINT_EOQ');
      expect(Number.isInteger(item.proposed.reorderPoint)).toBe(true);
      expect(Number.isInteger(item.proposed.orderQuantity)).toBe(true);
      expect(item.proposed.orderQuantity!).toBeGreaterThan(0);
      expect(item.proposed.inventoryValue).toBeGreaterThanOrEqual(0);
      expect(item.proposed.fillRate).toBeGreaterThan(0);
      expect(item.proposed.fillRate).toBeLessThanOrEqual(1);
      expect(item.proposed.orderUpTo).toBeCloseTo(item.proposed.reorderPoint! + item.proposed.orderQuantity!, 1);
      if (item.current.reorderPoint !== null) expect(item.change).toBeCloseTo(item.proposed.reorderPoint! - item.current.reorderPoint, 1);
    }
    // The SKU the planner looked at is in the plan, at the shelf counted down.
    expect(run.items.some((i) => i.sku === sku && i.locationCode === locationCode)).toBe(true);

    // Only a planner applies it.
    const refused = await call<{ message: string }>(analyticsUrl, 'POST', `/api/optimize/results/${run.runId}/apply`, keys.sales, {});
    expect(refused.status).toBe(403);
    const rulesBefore = RuleListSchema.parse((await call<unknown>(analyticsUrl, 'GET', '/api/planning/rules?limit=200', keys.planner)).body).items;

    const applying = await call<unknown>(analyticsUrl, 'POST', `/api/optimize/results/${run.runId}/apply`, keys.planner, {});
    expect(applying.status, JSON.stringify(applying.body)).toBe(200);
    const after = OptimizationRunSchema.parse(applying.body);
    applied = after;
    expect(after.applied).toMatchObject({ by: 'planner desk', rulesWritten: run.items.length });
    const again = await call<{ message: string }>(analyticsUrl, 'POST', `/api/optimize/results/${run.runId}/apply`, keys.planner, {});
    expect(again.status).toBe(409);

    // The rules planning reads are now the run's numbers, one per SKU × location.
    const rules = RuleListSchema.parse((await call<unknown>(analyticsUrl, 'GET', '/api/planning/rules?limit=200', keys.planner)).body).items;
    expect(rules.length).toBe(
      rulesBefore.filter((r) => !run.items.some((i) => i.sku === r.sku && i.locationCode === r.locationCode)).length + run.items.length,
    );
    for (const item of run.items) {
      const rule = rules.find((r) => r.sku === item.sku && r.locationCode === item.locationCode);
      expect(rule, `${item.sku} at ${item.locationCode}`).toMatchObject({
        strategy: 'REORDER_POINT_EOQ',
        reorderPoint: item.proposed.reorderPoint,
        reorderQuantity: item.proposed.orderQuantity,
        isActive: true,
        updatedBy: { name: 'planner desk' },
      });
    }

    // The next run starts from them: today's levels are the applied ones.
    const next = await optimise({ optimizationType: 'REORDER_POINTS' });
    for (const item of run.items) {
      const seen = next.items.find((i) => i.sku === item.sku && i.locationCode === item.locationCode);
      expect(seen?.current, `${item.sku} at ${item.locationCode}`).toEqual({
        strategy: 'REORDER_POINT_EOQ',
        reorderPoint: item.proposed.reorderPoint,
        orderQuantity: item.proposed.orderQuantity,
      });
    }
  }, 400_000);

  it('once the shelf is empty, the next planning run orders it by the applied rule: its reorder point, whole EOQs of its quantity', async () => {
    const item = applied.items.find((i) => i.sku === sku && i.locationCode === locationCode)!;
    // The shelf sells out before the next run: the position falls to at most what is on its way.
    const position = await connection.collection('stockPositions').findOne({ tenantId: TENANT, sku, locationCode });
    const onHand = Number(position!['onHand']);
    if (onHand > 0) {
      const emptied = await call(operational.url, 'POST', '/api/stock/adjustment', keys.warehouse, {
        sku,
        locationCode,
        quantity: -onHand,
        reason: 'cycle count: shelf empty',
      });
      expect(emptied.status, JSON.stringify(emptied.body)).toBe(201);
    }
    // This afternoon is about buying: no transfers from another location instead (transfer-and-backorders.test.ts's journey).
    const noTransfers = await call(analyticsUrl, 'PUT', '/api/planning/settings', keys.planner, { ...DEFAULT_PLANNING_SETTINGS, transferFixedCost: 100_000 });
    expect(noTransfers.status).toBe(200);
    await cdc.caughtUp(client, OP_DB, TENANT, 120_000);
    const queued = await call<{ runId: string }>(analyticsUrl, 'POST', '/api/planning/runs', keys.planner, {});
    expect(queued.status).toBe(202);
    await eventually('the planning run', async () => {
      const res = await call<unknown>(analyticsUrl, 'GET', `/api/planning/runs/${queued.body.runId}`, keys.planner);
      const run = PlanningRunSchema.parse(res.body);
      expect(run.status).not.toBe('failed');
      return run.status === 'completed' ? run : undefined;
    });
    const res = await call<unknown>(
      analyticsUrl,
      'GET',
      `/api/recommendations?type=REORDER&status=PENDING&sku=${sku}&locationCode=${locationCode}`,
      keys.planner,
    );
    expect(res.status).toBe(200);
    const [reorder] = RecommendationListSchema.parse(res.body).items;
    expect(reorder, `no pending reorder for ${sku} at ${locationCode}`).toBeDefined();
    expect(reorder!.policy).toMatchObject({ strategy: 'REORDER_POINT_EOQ', reorderPoint: item.proposed.reorderPoint });
    expect(reorder!.currentPosition).toBeLessThanOrEqual(item.proposed.reorderPoint!);
    const batch = Math.max(1, item.proposed.orderQuantity!);
    // Enough whole EOQs to lift the position above the reorder point, rounded up to the supplier's pack at most.
    const batches = Math.floor((item.proposed.reorderPoint! - reorder!.currentPosition) / batch) + 1;
    expect(reorder!.quantity).toBeGreaterThanOrEqual(batches * batch);
    expect(reorder!.currentPosition + reorder!.quantity).toBeGreaterThan(item.proposed.reorderPoint!);
  }, 400_000);
});
