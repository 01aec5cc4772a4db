import { DEFAULT_PLANNING_SETTINGS, ErrorResponseSchema, type OptimizationRun } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import type { ReorderRuleDocument } from '../src/planning/planning.types.js';
import { createPlanningWorker, type PlanningWorker } from '../src/planning/planning-worker.js';
import {
  demandOverDays,
  optimiseStockLevels,
  optimiseStockLevelsFlexible,
  protectionDemand,
  replenishmentLevels,
  shareCost,
  type StockLevelItem,
} from '../src/planning/policy/index.js';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { drawDays, SIMULATION, simulateRule } from '../src/planning/optimize/optimize-simulation.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Optimisation runs through the API and the planning worker, against the real
 * engine: each result is checked against the policy functions on inputs built
 * by hand from the fixture (constant daily forecasts, σ 2 a day, one supplier
 * at 8 with a 7-day lead time, price 20), and applying writes those numbers.
 */
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);
const HALF_WIDTH_80 = 2.563;
const DAILY: Record<string, number> = { 'SKU-1': 10, 'SKU-2': 20, 'SKU-3': 5, 'SKU-4': 40 };
const { holdingCostRate, orderingCost, reviewPeriodDays } = DEFAULT_PLANNING_SETTINGS;

let t: AnalyticsTestApp;
let worker: PlanningWorker;
let planner: string;
let buyer: string;
let warehouse: string;
let otherPlanner: string;

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  worker = createPlanningWorker({ db: t.analytics, now: () => NOW, chunkSkus: 3 });
  planner = await t.issueKey('acme', ['planner']);
  buyer = await t.issueKey('acme', ['purchasing']);
  warehouse = await t.issueKey('acme', ['warehouse']);
  otherPlanner = await t.issueKey('globex', ['planner']);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  for (const [sku, daily] of Object.entries(DAILY)) {
    await aProduct(t.analytics, 'acme', sku, { price: 20 });
    await aProductSupplier(t.analytics, 'acme', 'SUP-A', sku, { unitCost: 8, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 7 });
    await aForecast(t.analytics, 'acme', sku, { forecastDate: TODAY, daily: Array(28).fill(daily), halfWidth: HALF_WIDTH_80 });
    await aStock(t.analytics, 'acme', sku, 'WH-1', { onHand: 100 });
  }
  const rule = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/rules/SKU-1?locationCode=WH-1',
    headers: { 'x-api-key': planner },
    payload: { strategy: 'MIN_MAX', minStock: 5, maxStock: 50 },
  });
  expect(rule.statusCode, rule.body).toBe(200);
  const eoqRule = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/rules/SKU-2',
    headers: { 'x-api-key': planner },
    payload: { strategy: 'REORDER_POINT_EOQ', reorderPoint: 30, reorderQuantity: 100 },
  });
  expect(eoqRule.statusCode, eoqRule.body).toBe(200);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

const post = (key: string, url: string, payload: object = {}) => t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, payload });
const rules = () => t.analytics.collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules);

async function run(payload: object): Promise<OptimizationRun> {
  const res = await post(planner, '/api/optimize/run', payload);
  expect(res.statusCode, res.body).toBe(202);
  const { runId, statusUrl } = res.json<{ runId: string; statusUrl: string }>();
  expect(await worker.drain()).toBe(1);
  const result = await t.app.inject({ method: 'GET', url: statusUrl, headers: { 'x-api-key': warehouse } });
  expect(result.statusCode, result.body).toBe(200);
  const body = result.json<OptimizationRun>();
  expect(body.runId).toBe(runId);
  return body;
}

/** The optimiser's item for a SKU, built by hand: demand over L = 7 d, σ over L + R = 2·√(7 + 7), Q = EOQ √(2·D·S / (c·h)) rounded up. */
function itemOf(sku: string): StockLevelItem {
  const daily = DAILY[sku]!;
  const annualDemand = daily * 365;
  return {
    sku,
    locationCode: 'WH-1',
    demandMean: 7 * daily,
    demandStd: 2 * Math.sqrt(7 + reviewPeriodDays),
    annualDemand,
    unitCost: 8,
    holdingCostRate,
    shortageCost: 12,
    orderQuantity: Math.ceil(Math.sqrt((2 * annualDemand * orderingCost) / (8 * holdingCostRate))),
  };
}

const flexibleItemOf = (sku: string) => ({ ...itemOf(sku), orderingCost, minimumOrderQuantity: 1 });

describe('STOCK_LEVELS', () => {
  it('answers the optimiser’s levels for the hand-built items, with today’s levels beside them', async () => {
    const result = await run({ optimizationType: 'STOCK_LEVELS' });
    expect(result).toMatchObject({ status: 'completed', optimizationType: 'STOCK_LEVELS', progress: { total: 4, done: 4 }, applied: null, error: null });
    expect(result.inputs).toMatchObject({ today: TODAY, forecastIds: 4, constraints: { budget: null, storageCapacity: null, perLocation: null } });
    const expected = optimiseStockLevels({ items: Object.keys(DAILY).map(itemOf), constraints: {} });
    if (!expected.ok) throw expected.error;
    expect(result.items.map((i) => [i.sku, i.proposed.reorderPoint, i.proposed.orderQuantity])).toEqual(
      expected.plan.items.map((i) => [i.sku, i.reorderPoint, itemOf(i.sku).orderQuantity]),
    );
    expect(result.totals!.inventoryValue).toBeCloseTo(expected.plan.totals.inventoryValue, 1);
    // The optimiser's holding + shortage, plus ordering S·D/Q per item.
    const ordering = Object.keys(DAILY).reduce((sum, sku) => sum + (orderingCost * itemOf(sku).annualDemand) / itemOf(sku).orderQuantity, 0);
    expect(result.totals!.expectedCost).toBeCloseTo(expected.plan.totals.cost + ordering, 1);
    // SKU-2's rule fixes today's reorder point at 30 with 100 per order.
    const sku2 = result.items.find((i) => i.sku === 'SKU-2')!;
    expect(sku2.current).toEqual({ strategy: 'REORDER_POINT_EOQ', reorderPoint: 30, orderQuantity: 100 });
    expect(sku2.change).toBe(sku2.proposed.reorderPoint! - 30);
    // Unconstrained, the optimum costs no more than today's levels in the cost model.
    expect(result.totals!.expectedSavings).toBeGreaterThanOrEqual(0);
    // savingsIdentified is the simulation's: today's rules and the proposal over the same simulated year.
    const sim = result.totals!.simulation!;
    expect(sim.days).toBe(SIMULATION.days);
    expect(result.totals!.savingsIdentified).toBeCloseTo(
      sim.current.holdingCost + sim.current.orderingCost - (sim.proposed.holdingCost + sim.proposed.orderingCost),
      1,
    );
    // By hand: each SKU's daily demand (σ 2 from the stored interval), lead time 7 days, the proposal's (r, Q) on its own draws.
    const byHand = result.items.map((item) => {
      const pair = {
        sku: item.sku,
        locationCode: 'WH-1',
        dailyMean: DAILY[item.sku]!,
        dailyStd: 2,
        leadTimeDays: 7,
        leadTimeStdDays: 0,
        unitCost: 8,
        holdingCostRate,
        orderingCost,
        shortageCost: 12,
        minimumOrderQuantity: 1,
        packSize: 1,
      };
      return simulateRule(pair, { reorderPoint: item.proposed.reorderPoint!, orderQuantity: item.proposed.orderQuantity! }, drawDays(pair));
    });
    expect(sim.proposed.orders).toBe(byHand.reduce((n, o) => n + o.orders, 0));
    // σ is the interval's half-width ÷ z(0.9) (1.9999…, not exactly 2): within 0.1 %.
    const handHolding = byHand.reduce((n, o) => n + o.holdingCost, 0);
    expect(Math.abs(sim.proposed.holdingCost - handHolding) / handHolding).toBeLessThan(1e-3);
  });

  it('never exceeds the budget, and reports it binding', async () => {
    const free = await run({ optimizationType: 'STOCK_LEVELS' });
    // Between what the lowest levels need (the cycle stock Q/2 at cost dominates; Q stays the EOQ) and the unconstrained plan.
    const lowest = optimiseStockLevels({ items: Object.keys(DAILY).map(itemOf), constraints: { budget: 1 } });
    if (lowest.ok) throw new Error('a budget of 1 must be infeasible');
    const minimum = (lowest.error.details as { infeasible: { minimumNeeded: number }[] }).infeasible[0]!.minimumNeeded;
    expect(minimum).toBeLessThan(free.totals!.inventoryValue);
    const budget = Math.round((minimum + free.totals!.inventoryValue) / 2);
    const result = await run({ optimizationType: 'STOCK_LEVELS', constraints: { budget, storageCapacity: 10_000 } });
    expect(result.error).toBeNull();
    expect(result.inputs.constraints).toEqual({ budget, storageCapacity: 10_000, perLocation: null });
    expect(result.totals!.inventoryValue).toBeLessThanOrEqual(budget);
    expect(result.totals!.inventoryValue).toBeGreaterThan(0.99 * budget);
    expect(result.items.reduce((s, i) => s + i.proposed.inventoryValue, 0)).toBeLessThanOrEqual(budget + 0.05);
    expect(result.constraints.find((c) => c.constraint === 'budget')).toMatchObject({ limit: budget, binding: true });
    // Smaller orders or lower levels: never a better fill rate than without the budget.
    expect(result.totals!.fillRate).toBeLessThanOrEqual(free.totals!.fillRate);
    // Q is free under the budget: the flexible optimiser (Q shrunk by the budget's price where that costs less in all).
    const expected = optimiseStockLevelsFlexible({
      items: Object.keys(DAILY).map(flexibleItemOf),
      constraints: { budget, storageCapacity: { basis: 'units', total: 10_000 } },
    });
    if (!expected.ok) throw expected.error;
    expect(result.items.map((i) => [i.proposed.reorderPoint, i.proposed.orderQuantity])).toEqual(
      expected.plan.items.map((i) => [i.reorderPoint, i.orderQuantity]),
    );
  });

  it('answers a budget below the cycle stock at the EOQ with smaller orders, within it', async () => {
    const lowest = optimiseStockLevels({ items: Object.keys(DAILY).map(itemOf), constraints: { budget: 1 } });
    if (lowest.ok) throw new Error('a budget of 1 must be infeasible');
    const minimum = (lowest.error.details as { infeasible: { minimumNeeded: number }[] }).infeasible[0]!.minimumNeeded;
    const budget = Math.round(0.7 * minimum);
    const result = await run({ optimizationType: 'STOCK_LEVELS', constraints: { budget } });
    expect(result.status, result.error ?? '').toBe('completed');
    expect(result.totals!.inventoryValue).toBeLessThanOrEqual(budget);
    expect(result.method).toContain('√(2DS / (c(h + α)))');
    for (const item of result.items) expect(item.proposed.orderQuantity!).toBeLessThan(itemOf(item.sku).orderQuantity);
    const expected = optimiseStockLevelsFlexible({ items: Object.keys(DAILY).map(flexibleItemOf), constraints: { budget } });
    if (!expected.ok) throw expected.error;
    expect(result.items.map((i) => [i.proposed.reorderPoint, i.proposed.orderQuantity])).toEqual(
      expected.plan.items.map((i) => [i.reorderPoint, i.orderQuantity]),
    );
  });

  it('a budget even the lowest levels exceed fails the run, saying so', async () => {
    // Orders of one unit at the lowest levels (k ≥ −q/2) tie up about half a unit's value (4) per item: 1 is below it.
    const result = await run({ optimizationType: 'STOCK_LEVELS', constraints: { budget: 1 } });
    expect(result.status).toBe('failed');
    expect(result.error).toContain('Infeasible');
    expect(result.items).toEqual([]);
    expect((await post(planner, `/api/optimize/results/${result.runId}/apply`)).statusCode).toBe(409);
  });
});

describe('apply', () => {
  it('writes the levels as rules (planner only, once), recorded in the run', async () => {
    const result = await run({ optimizationType: 'STOCK_LEVELS', constraints: { perLocation: { 'WH-1': 5_000 } } });
    const before = await rules().find().sort({ _id: 1 }).toArray();
    for (const key of [buyer, warehouse]) expect((await post(key, `/api/optimize/results/${result.runId}/apply`)).statusCode).toBe(403);
    expect((await post(otherPlanner, `/api/optimize/results/${result.runId}/apply`)).statusCode).toBe(404);
    expect(await rules().find().sort({ _id: 1 }).toArray()).toEqual(before);

    const applied = await post(planner, `/api/optimize/results/${result.runId}/apply`);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json<OptimizationRun>().applied).toMatchObject({ rulesWritten: 4 });
    for (const item of result.items) {
      const rule = await rules().findOne({ _id: `acme:${item.sku}:WH-1` });
      expect(rule, item.sku).toMatchObject({
        strategy: 'REORDER_POINT_EOQ',
        reorderPoint: item.proposed.reorderPoint,
        reorderQuantity: itemOf(item.sku).orderQuantity,
      });
    }
    // The SKU-wide rule of SKU-2 stays; its WH-1 rule now overrides it.
    expect(await rules().findOne({ _id: 'acme:SKU-2:*' })).toMatchObject({ reorderPoint: 30, reorderQuantity: 100 });
    const again = await post(planner, `/api/optimize/results/${result.runId}/apply`);
    expect(again.statusCode).toBe(409);
    expect(ErrorResponseSchema.safeParse(again.json()).success).toBe(true);

    // Planning now computes today's levels from the applied rule.
    const next = await run({ optimizationType: 'STOCK_LEVELS', constraints: { perLocation: { 'WH-1': 5_000 } } });
    for (const item of next.items) {
      const appliedItem = result.items.find((i) => i.sku === item.sku)!;
      expect(item.current).toEqual({
        strategy: 'REORDER_POINT_EOQ',
        reorderPoint: appliedItem.proposed.reorderPoint,
        orderQuantity: appliedItem.proposed.orderQuantity,
      });
      expect(item.change).toBe(0);
    }
    await rules().deleteMany({
      _id: {
        $in: Object.keys(DAILY)
          .filter((s) => s !== 'SKU-1')
          .map((s) => `acme:${s}:WH-1`),
      },
    });
  });
});

describe('REORDER_POINTS', () => {
  it("recomputes each rule's levels from the forecast and applies them in the rule's own terms", async () => {
    await t.analytics
      .collection<ReorderRuleDocument>(PLANNING_COLLECTIONS.reorderRules)
      .updateOne({ _id: 'acme:SKU-1:WH-1' }, { $set: { strategy: 'MIN_MAX', minStock: 5, maxStock: 50, reorderPoint: null, reorderQuantity: null } });
    const result = await run({ optimizationType: 'REORDER_POINTS' });
    expect(result.status).toBe('completed');
    expect(result.items.map((i) => i.sku)).toEqual(['SKU-1', 'SKU-2']);
    expect(result.skipped.map((s) => s.sku).sort()).toEqual(['SKU-3', 'SKU-4']);
    // SKU-1 (class C, 90 % fill rate) by hand: demand over L 70, over L + R 140 (σ 2·√14), over R 70.
    const demand = { mean: Array(28).fill(10), std: Array(28).fill(2), source: 'hand' };
    const levels = replenishmentLevels({
      rule: { strategy: 'MIN_MAX', serviceLevel: 0.9, reviewPeriodDays, minStock: null, maxStock: null, reorderPoint: null, reorderQuantity: null },
      supplier: { unitCost: 8, minimumOrderQuantity: 1, packSize: 1 },
      costs: { holdingCostRate, orderingCost },
      overLeadTime: protectionDemand(demand, { leadTimeDays: 7, leadTimeStdDays: 0, reviewPeriodDays: 0 }),
      overProtection: protectionDemand(demand, { leadTimeDays: 7, leadTimeStdDays: 0, reviewPeriodDays }),
      overReview: demandOverDays(demand, 0, reviewPeriodDays),
      annualDemand: 3_650,
    });
    const sku1 = result.items.find((i) => i.sku === 'SKU-1')!;
    expect(sku1.current).toEqual({ strategy: 'MIN_MAX', reorderPoint: 5, orderQuantity: 45 });
    expect(sku1.proposed).toMatchObject({ strategy: 'MIN_MAX', reorderPoint: Math.ceil(levels.reorderPoint), orderQuantity: Math.ceil(levels.cycleQuantity) });
    expect(sku1.proposed.orderUpTo).toBeCloseTo(levels.orderUpTo, 1);

    const applied = await post(planner, `/api/optimize/results/${result.runId}/apply`);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(await rules().findOne({ _id: 'acme:SKU-1:WH-1' })).toMatchObject({
      strategy: 'MIN_MAX',
      minStock: Math.ceil(levels.reorderPoint),
      maxStock: Math.ceil(levels.orderUpTo),
    });
    const sku2 = result.items.find((i) => i.sku === 'SKU-2')!;
    expect(await rules().findOne({ _id: 'acme:SKU-2:WH-1' })).toMatchObject({
      strategy: 'REORDER_POINT_EOQ',
      reorderPoint: sku2.proposed.reorderPoint,
      reorderQuantity: sku2.proposed.orderQuantity,
    });
    expect(sku2.proposed.orderQuantity).toBe(itemOf('SKU-2').orderQuantity);
  });
});

describe('bad input and access', () => {
  it('answers 400 in the one error shape and queues nothing', async () => {
    const runs = () => t.analytics.collection(PLANNING_COLLECTIONS.optimizationRuns).countDocuments();
    const before = await runs();
    for (const body of [
      {},
      { optimizationType: 'SUPPLIER_MIX', constraints: { budget: 100 } },
      { optimizationType: 'NO_SUCH_TYPE' },
      { optimizationType: 'STOCK_LEVELS', constraints: { budget: -1 } },
      { optimizationType: 'STOCK_LEVELS', constraints: { storageCapacity: 10, perLocation: { 'WH-1': 5 } } },
      { optimizationType: 'STOCK_LEVELS', constraints: { perLocation: {} } },
      { optimizationType: 'REORDER_POINTS', constraints: { budget: 100 } },
      { optimizationType: 'STOCK_LEVELS', skus: ['NO-SUCH-SKU'] },
      { optimizationType: 'STOCK_LEVELS', extra: true },
    ]) {
      const res = await post(planner, '/api/optimize/run', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(ErrorResponseSchema.safeParse(res.json()).success).toBe(true);
    }
    expect(await runs()).toBe(before);
  });

  it("roles: warehouse cannot queue; another tenant's run is not found", async () => {
    expect((await post(warehouse, '/api/optimize/run', { optimizationType: 'STOCK_LEVELS' })).statusCode).toBe(403);
    const queued = await post(buyer, '/api/optimize/run', { optimizationType: 'STOCK_LEVELS', skus: ['SKU-3'] });
    expect(queued.statusCode).toBe(202);
    const { runId } = queued.json<{ runId: string }>();
    expect((await t.app.inject({ method: 'GET', url: `/api/optimize/results/${runId}`, headers: { 'x-api-key': otherPlanner } })).statusCode).toBe(404);
    expect((await post(planner, `/api/optimize/results/${runId}/apply`)).statusCode).toBe(409);
    expect(await worker.drain()).toBe(1);
    expect((await post(otherPlanner, '/api/optimize/run', { optimizationType: 'STOCK_LEVELS', skus: ['SKU-3'] })).statusCode).toBe(400);
  });
});

describe('SUPPLIER_MIX', () => {
  it('chooses per SKU × location the supplier with the lowest purchase + ordering + holding cost; apply is refused with where to act', async () => {
    // SKU-3 gets a second supplier, 0.5 cheaper at the same 7-day lead time: it wins on price alone against today's (SUP-A, preferred).
    const links = t.analytics.collection(FACT_COLLECTIONS.productSuppliersMirror);
    await links.updateOne({ _id: 'acme:SUP-A:SKU-3' as never }, { $set: { preferred: true } });
    await aSupplier(t.analytics, 'acme', 'SUP-B');
    await aProductSupplier(t.analytics, 'acme', 'SUP-B', 'SKU-3', { unitCost: 7.5, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 7 });
    try {
      const result = await run({ optimizationType: 'SUPPLIER_MIX', skus: ['SKU-1', 'SKU-3'] });
      expect(result.status, result.error ?? '').toBe('completed');
      expect(result.skipped).toEqual([{ sku: 'SKU-1', locationCode: 'WH-1', reason: 'one active supplier: nothing to choose' }]);
      expect(result.items).toHaveLength(1);
      const [item] = result.items;
      expect(item!.supplierMix!.current).toEqual([expect.objectContaining({ supplierCode: 'SUP-A', share: 1 })]);
      expect(item!.supplierMix!.proposed).toEqual([expect.objectContaining({ supplierCode: 'SUP-B', share: 1 })]);
      // By hand: daily 5 (σ 2), k from the pair's service level; the two costs differ by the price on 5 × 365 units and the holding at each price.
      const safetyFactor = item!.supplierMix!.current[0]!.safetyStock / (2 * Math.sqrt(7));
      const input = {
        annualDemand: 5 * 365,
        dailyMean: 5,
        dailyStd: 2,
        safetyFactor,
        costs: { holdingCostRate, orderingCost },
        suppliers: [] as never[],
      };
      const supplier = (code: string, unitCost: number) => ({
        supplierCode: code,
        unitCost,
        minimumOrderQuantity: 1,
        packSize: 1,
        leadTimeDays: 7,
        leadTimeStdDays: 0,
      });
      expect(item!.expectedCost.current).toBeCloseTo(shareCost(input, supplier('SUP-A', 8), 1).yearlyCost, 0);
      expect(item!.expectedCost.proposed).toBeCloseTo(shareCost(input, supplier('SUP-B', 7.5), 1).yearlyCost, 0);
      expect(result.totals!.savingsIdentified).toBeCloseTo(item!.expectedCost.current! - item!.expectedCost.proposed, 1);
      expect(result.totals!.savingsIdentified).toBeGreaterThan(0.5 * 5 * 365 - 50);

      const before = await rules().countDocuments();
      const applied = await post(planner, `/api/optimize/results/${result.runId}/apply`);
      expect(applied.statusCode).toBe(409);
      expect(applied.json<{ message: string }>().message).toContain('operational service');
      expect(await rules().countDocuments()).toBe(before);
      expect((await t.app.inject({ method: 'GET', url: `/api/optimize/results/${result.runId}`, headers: { 'x-api-key': otherPlanner } })).statusCode).toBe(
        404,
      );
    } finally {
      await links.deleteOne({ _id: 'acme:SUP-B:SKU-3' as never });
      await links.updateOne({ _id: 'acme:SUP-A:SKU-3' as never }, { $set: { preferred: false } });
    }
  });
});
