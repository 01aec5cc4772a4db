import { DEFAULT_PLANNING_SETTINGS, type StoredRecommendation } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanningCalibrationDocument } from '../src/planning/planning-calibration.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { createPlanningWorker, type PlanningWorker } from '../src/planning/planning-worker.js';
import { allocatedFillRate, shortagePriceForTarget } from '../src/planning/policy/index.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * A tenant-wide fill-rate target through the API and the worker, against the
 * real engine: the first whole run keeps its pairs as the calibration, the
 * next one plans every pair without its own service level at the fill rate
 * allocated at the price that meets the target — checked against the pure
 * functions on the stored sample — and a rule's own service level stays.
 */
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);
const TENANT = 'alloc';

let t: AnalyticsTestApp;
let worker: PlanningWorker;
let planner: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const calibration = () => t.analytics.collection<PlanningCalibrationDocument>(PLANNING_COLLECTIONS.planningCalibration);
const pendingOf = async (sku: string) => (await recs().findOne({ tenantId: TENANT, sku, type: 'REORDER', status: 'PENDING' }))!;

async function settings(targetFillRate: number | null): Promise<void> {
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/settings',
    headers: { 'x-api-key': planner },
    payload: { ...DEFAULT_PLANNING_SETTINGS, schedule: { enabled: false, timeOfDay: '05:00' }, transferFixedCost: 100_000, targetFillRate },
  });
  expect(put.statusCode, put.body).toBe(200);
}

async function manualRun(payload: object = {}): Promise<void> {
  const res = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': planner }, payload });
  expect(res.statusCode, res.body).toBe(202);
  expect(await worker.drain()).toBe(1);
}

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  worker = createPlanningWorker({ db: t.analytics, now: () => NOW, chunkSkus: 2 });
  planner = await t.issueKey(TENANT, ['planner']);
  await aSupplier(t.analytics, TENANT, 'SUP-A');
  // A cheap fast item, a dear slow one, and one whose rule fixes its service level; each at one location, all out of stock (so each orders).
  const items = [
    { sku: 'CHEAP', cost: 2, daily: 20 },
    { sku: 'DEAR', cost: 400, daily: 1 },
    { sku: 'FIXED', cost: 50, daily: 5 },
  ];
  for (const { sku, cost, daily } of items) {
    await aProduct(t.analytics, TENANT, sku, { price: cost * 2 });
    await aProductSupplier(t.analytics, TENANT, 'SUP-A', sku, { unitCost: cost, minimumOrderQuantity: 1, packSize: 1, leadTimeDays: 7 });
    await aForecast(t.analytics, TENANT, sku, { forecastDate: TODAY, daily: Array(28).fill(daily), halfWidth: Math.sqrt(daily) * 1.2816 });
    await aStock(t.analytics, TENANT, sku, 'WH-1', { onHand: 0 });
  }
  const rule = await t.app.inject({
    method: 'PUT',
    url: '/api/planning/rules/FIXED',
    headers: { 'x-api-key': planner },
    payload: { strategy: 'FORECAST_BASED', serviceLevel: 0.9 },
  });
  expect(rule.statusCode, rule.body).toBe(200);
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('one fill-rate target for the tenant', () => {
  it('plans with the class levels until a whole run has measured the pairs, and keeps them as the calibration', async () => {
    await settings(0.97);
    await manualRun();
    const cheap = await pendingOf('CHEAP');
    expect(cheap.policy.shortagePrice).toBeNull();
    expect(cheap.policy.ruleSource).toBe('default rule, class C');
    const stored = (await calibration().findOne({ _id: TENANT }))!;
    // FIXED has its own service level: it is not the allocation's to move.
    expect(stored.pairs).toBe(2);
    expect(stored.items.map((i) => i.unitCost).sort((a, b) => a - b)).toEqual([2, 400]);
    expect(stored.items.find((i) => i.unitCost === 2)!.annualDemand).toBeCloseTo(20 * 365, 6);
  });

  it('then gives each pair the fill rate allocated at the price that meets the target: more to the cheap item, less to the dear one', async () => {
    const stored = (await calibration().findOne({ _id: TENANT }))!;
    const allocation = shortagePriceForTarget(stored.items, 0.97, DEFAULT_PLANNING_SETTINGS.holdingCostRate)!;
    expect(allocation.expectedFillRate).toBeCloseTo(0.97, 4);
    await manualRun();
    const cheap = await pendingOf('CHEAP');
    const dear = await pendingOf('DEAR');
    for (const [rec, unitCost] of [
      [cheap, 2],
      [dear, 400],
    ] as const) {
      expect(rec.policy.shortagePrice).toBeCloseTo(allocation.shortagePrice, 2);
      expect(rec.policy.ruleSource).toBe('default rule, class C, tenant target 97.0 % allocated');
      const item = stored.items.find((i) => i.unitCost === unitCost)!;
      expect(rec.policy.serviceLevel).toBeCloseTo(allocatedFillRate(item, allocation.shortagePrice, DEFAULT_PLANNING_SETTINGS.holdingCostRate), 4);
      expect(rec.reasoning.join(' ')).toContain('per unit short');
    }
    expect(cheap.policy.serviceLevel as number).toBeGreaterThan(0.97);
    expect(dear.policy.serviceLevel as number).toBeLessThan(0.97);
    const fixed = await pendingOf('FIXED');
    expect(fixed.policy.serviceLevel).toBe(0.9);
    expect(fixed.policy.shortagePrice).toBeNull();
  });

  it('a run over some SKUs leaves the calibration alone, and no target means the class levels again', async () => {
    const before = (await calibration().findOne({ _id: TENANT }))!;
    await manualRun({ skus: ['CHEAP'] });
    expect((await calibration().findOne({ _id: TENANT }))!.runId).toBe(before.runId);
    await settings(null);
    await manualRun();
    const cheap = await pendingOf('CHEAP');
    expect(cheap.policy.shortagePrice).toBeNull();
    expect(cheap.policy.serviceLevel).toBe(DEFAULT_PLANNING_SETTINGS.defaultServiceLevels.C);
  });
});
