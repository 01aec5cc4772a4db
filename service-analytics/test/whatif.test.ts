import { addUtcDays, ErrorResponseSchema, utcDayKey, type WhatIfResult } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORECAST_COLLECTIONS } from '../src/forecasts/forecast-collections.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { inverseStandardNormal } from '../src/planning/policy/index.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * `POST /api/analysis/whatif` on deterministic series (constant daily
 * forecasts, no error unless said), against the real engine: every number
 * below follows by hand from the fixture.
 */
const TODAY = utcDayKey(new Date());
const LAST = addUtcDays(TODAY, 27);
/** An 80 % interval of half-width 2.563 is σ = 2 per day. */
const HALF_WIDTH_80 = 2.563;

let t: AnalyticsTestApp;
let planner: string;
let buyer: string;
let warehouse: string;
let otherPlanner: string;

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  planner = await t.issueKey('acme', ['planner']);
  buyer = await t.issueKey('acme', ['purchasing']);
  warehouse = await t.issueKey('acme', ['warehouse']);
  otherPlanner = await t.issueKey('globex', ['planner']);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  await aSupplier(t.analytics, 'acme', 'SUP-B');
  // SKU-ZERO: nothing in stock; SKU-HUND: 100 in stock; both 10 a day, no error. SKU-NOISY: 10 a day, σ 2 a day.
  for (const [sku, onHand, halfWidth, category] of [
    ['SKU-ZERO', 0, 0, 'bikes'],
    ['SKU-HUND', 100, 0, 'bikes'],
    ['SKU-NOISY', 1_000, HALF_WIDTH_80, 'tools'],
  ] as const) {
    await aProduct(t.analytics, 'acme', sku, { price: 20, category });
    await aProductSupplier(t.analytics, 'acme', 'SUP-A', sku, { unitCost: 8, minimumOrderQuantity: 50, packSize: 25, leadTimeDays: 7 });
    await aForecast(t.analytics, 'acme', sku, { forecastDate: TODAY, daily: Array(28).fill(10), halfWidth });
    await aStock(t.analytics, 'acme', sku, 'WH-1', { onHand });
  }
  // globex has a SKU of the same name with other numbers, and one acme does not have.
  await aSupplier(t.analytics, 'globex', 'SUP-A');
  await aProduct(t.analytics, 'globex', 'SKU-ZERO', { price: 5 });
  await aForecast(t.analytics, 'globex', 'SKU-ZERO', { forecastDate: TODAY, daily: Array(28).fill(3) });
  await aStock(t.analytics, 'globex', 'SKU-ZERO', 'WH-9', { onHand: 0 });
  await aProduct(t.analytics, 'globex', 'SKU-GLOBEX', { price: 5 });
});
afterAll(async () => {
  await t.close();
});

const whatIf = (key: string, payload: object, save = false) =>
  t.app.inject({ method: 'POST', url: `/api/analysis/whatif${save ? '?save=true' : ''}`, headers: { 'x-api-key': key }, payload });

const doubled = { type: 'demandChange', multiplier: 2, from: TODAY, to: LAST };

async function ok(key: string, payload: object, save = false): Promise<WhatIfResult> {
  const res = await whatIf(key, payload, save);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<WhatIfResult>();
}

/** Every document of every collection, by collection. */
async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of await t.analytics.listCollections().toArray()) counts[c.name] = await t.analytics.collection(c.name).countDocuments();
  return counts;
}

describe('demand change', () => {
  it('doubled demand doubles the expected shortfall where nothing is in stock, and adds exactly the extra demand where some is', async () => {
    const result = await ok(planner, { scenario: doubled, products: { skus: ['SKU-ZERO', 'SKU-HUND'] } });
    const [hund, zero] = result.products;
    expect(zero!.sku).toBe('SKU-ZERO');
    expect(zero!.baseline).toMatchObject({ demand: 280, unitsShort: 280, revenueAtRisk: 5_600, stockoutDate: TODAY, stockNeeded: 280 });
    expect(zero!.scenario).toMatchObject({ demand: 560, unitsShort: 560, revenueAtRisk: 11_200, stockoutDate: TODAY, stockNeeded: 560 });
    expect(zero!.scenario.unitsShort).toBe(2 * zero!.baseline.unitsShort);
    // 100 in stock: 280 − 100 short at 10 a day (out on day 10), 560 − 100 at 20 a day (out on day 5).
    expect(hund!.baseline).toMatchObject({ demand: 280, unitsShort: 180, stockoutDate: addUtcDays(TODAY, 10), stockNeeded: 180, stockNeededCost: 1_440 });
    expect(hund!.scenario).toMatchObject({ demand: 560, unitsShort: 460, stockoutDate: addUtcDays(TODAY, 5), stockNeeded: 460, stockNeededCost: 3_680 });
    // The order: 460 up to whole packs of 25 (475), needed on day 5, ordered 7 days before.
    expect(hund!.scenario.orders).toEqual([
      {
        supplierCode: 'SUP-A',
        supplierName: 'Supplier SUP-A',
        quantity: 475,
        unitCost: 8,
        cost: 3_800,
        needDate: addUtcDays(TODAY, 5),
        orderByDate: addUtcDays(TODAY, -2),
        leadTimeDays: 7,
        late: true,
      },
    ]);
    expect(result.total.baseline).toMatchObject({ demand: 560, unitsShort: 460, orderCount: 2 });
    expect(result.total.scenario).toMatchObject({ demand: 1_120, unitsShort: 1_020, orderCount: 2 });
    expect(result.period).toEqual({ from: TODAY, to: LAST });
  });

  it('scales the whole distribution: the safety stock and the interval double with the mean', async () => {
    const result = await ok(buyer, { scenario: { type: 'demandChange', percentage: 100, from: TODAY, to: LAST }, products: { category: 'tools' } });
    expect(result.products.map((p) => p.sku)).toEqual(['SKU-NOISY']);
    const { baseline, scenario } = result.products[0]!;
    const sigma = 2 * Math.sqrt(28);
    const z = inverseStandardNormal(result.products[0]!.locations[0]!.serviceLevel);
    expect(baseline.safetyStock).toBeCloseTo(z * sigma, 1);
    expect(scenario.safetyStock).toBeCloseTo(2 * z * sigma, 1);
    const z80 = inverseStandardNormal(0.9);
    expect(baseline.demandInterval!.upper).toBeCloseTo(280 + z80 * sigma, 1);
    expect(scenario.demandInterval!.upper).toBeCloseTo(560 + 2 * z80 * sigma, 1);
    // 1,000 in stock covers 560 + safety: nothing to order, nothing short to speak of.
    expect(scenario.stockNeeded).toBe(0);
    expect(scenario.orders).toEqual([]);
  });
});

describe('supplier delay', () => {
  it('moves the order-by date earlier by exactly the delay and leaves demand alone', async () => {
    for (const extraDays of [3, 12]) {
      const result = await ok(planner, { scenario: { type: 'supplierDelay', supplierCode: 'SUP-A', extraDays }, products: { skus: ['SKU-HUND'] } });
      const { baseline, scenario } = result.products[0]!;
      expect(scenario.demand).toBe(baseline.demand);
      expect(baseline.orders[0]!.orderByDate).toBe(addUtcDays(TODAY, 3));
      expect(scenario.orders[0]!.orderByDate).toBe(addUtcDays(baseline.orders[0]!.orderByDate, -extraDays));
      expect(scenario.orders[0]!.leadTimeDays).toBe(7 + extraDays);
      expect(scenario.orders[0]!.late).toBe(extraDays > 3);
    }
  });

  it('another supplier delayed changes nothing', async () => {
    const result = await ok(planner, { scenario: { type: 'supplierDelay', supplierCode: 'SUP-B', extraDays: 5 }, products: { skus: ['SKU-HUND'] } });
    expect(result.products[0]!.scenario).toEqual(result.products[0]!.baseline);
  });
});

describe('campaign', () => {
  it('uses the learned lift, says which, and applies it on the campaign days only', async () => {
    await t.analytics
      .collection(FORECAST_COLLECTIONS.campaignEffects)
      .insertOne({ _id: 'acme' as never, tenantId: 'acme', lift: 0.5, campaignDays: 30, averageDiscountPercent: 20, skus: 4, updatedAt: new Date() });
    try {
      const result = await ok(planner, {
        scenario: { type: 'campaign', discountPct: 10, start: addUtcDays(TODAY, 7), durationDays: 7 },
        products: { skus: ['SKU-HUND'] },
      });
      const product = result.products[0]!;
      // 0.5 learned at 20 % → 0.25 at 10 %: 7 days × 10 × 0.25 = 17.5 more units.
      expect(product.lift).toEqual({ appliedLift: 0.25, learnedLift: 0.5, source: 'tenant-median', campaignDays: 30, averageDiscountPercent: 20 });
      expect(product.scenario.demand - product.baseline.demand).toBeCloseTo(17.5, 6);
    } finally {
      await t.analytics.collection(FORECAST_COLLECTIONS.campaignEffects).deleteOne({ _id: 'acme' as never });
    }
  });

  it('without any learned lift the product is skipped with the reason', async () => {
    const result = await ok(planner, { scenario: { type: 'campaign', discountPct: 10, start: TODAY, durationDays: 7 }, products: { skus: ['SKU-HUND'] } });
    expect(result.products).toEqual([]);
    expect(result.skipped).toEqual([{ sku: 'SKU-HUND', reason: expect.stringContaining('no campaign effect') }]);
  });
});

describe('saving', () => {
  it('writes nothing without save=true, and exactly one scenario with its inputs with it', async () => {
    const before = await snapshot();
    await ok(planner, { scenario: doubled, products: { all: true } });
    expect(await snapshot()).toEqual(before);
    const saved = await ok(planner, { scenario: doubled, products: { all: true }, name: 'double everything' }, true);
    expect(saved.scenarioId).toMatch(/^whatif-\d{8}-[0-9a-f]{8}$/);
    expect(await snapshot()).toEqual({ ...before, [PLANNING_COLLECTIONS.whatifScenarios]: (before[PLANNING_COLLECTIONS.whatifScenarios] ?? 0) + 1 });
    const doc = await t.analytics.collection(PLANNING_COLLECTIONS.whatifScenarios).findOne({ _id: saved.scenarioId as never });
    expect(doc).toMatchObject({ tenantId: 'acme', name: 'double everything', request: { scenario: doubled, products: { all: true }, horizon: 28 } });
    expect(Object.keys(doc!.forecastIds as object).sort()).toEqual(['SKU-HUND', 'SKU-NOISY', 'SKU-ZERO']);
  });
});

describe('bad input and access', () => {
  it('answers 400 in the one error shape and writes nothing', async () => {
    const before = await snapshot();
    const bodies: object[] = [
      {},
      { scenario: doubled },
      { scenario: { ...doubled, percentage: 50 }, products: { all: true } },
      { scenario: { type: 'demandChange', from: TODAY, to: LAST }, products: { all: true } },
      { scenario: { ...doubled, from: LAST, to: TODAY }, products: { all: true } },
      { scenario: { ...doubled, to: addUtcDays(TODAY, 40) }, products: { all: true } },
      { scenario: { ...doubled, from: addUtcDays(TODAY, -1) }, products: { all: true } },
      { scenario: { type: 'campaign', discountPct: 95, start: TODAY, durationDays: 3 }, products: { all: true } },
      { scenario: { type: 'supplierDelay', supplierCode: 'NOPE', extraDays: 3 }, products: { all: true } },
      { scenario: { type: 'teleport' }, products: { all: true } },
      { scenario: doubled, products: { skus: [] } },
      { scenario: doubled, products: { skus: ['SKU-UNKNOWN'] } },
      { scenario: doubled, products: { all: false } },
      { scenario: doubled, products: { all: true }, horizon: 0 },
      { scenario: doubled, products: { all: true }, extra: 1 },
    ];
    for (const body of bodies) {
      for (const save of [false, true]) {
        const res = await whatIf(planner, body, save);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(ErrorResponseSchema.safeParse(res.json()).success).toBe(true);
      }
    }
    expect((await whatIf(planner, { scenario: doubled, products: { skus: ['SKU-UNKNOWN'] } })).json().message).toContain('SKU-UNKNOWN');
    expect(await snapshot()).toEqual(before);
  });

  it("another tenant's SKUs and suppliers are invisible, both ways", async () => {
    const theirs = await ok(otherPlanner, { scenario: doubled, products: { skus: ['SKU-ZERO'] } });
    expect(theirs.products[0]!.baseline).toMatchObject({ demand: 84, unitsShort: 84, revenueAtRisk: 420 });
    expect(theirs.products[0]!.locations.map((l) => l.locationCode)).toEqual(['WH-9']);
    expect((await whatIf(otherPlanner, { scenario: doubled, products: { skus: ['SKU-HUND'] } })).statusCode).toBe(400);
    expect((await whatIf(planner, { scenario: doubled, products: { skus: ['SKU-GLOBEX'] } })).statusCode).toBe(400);
    const all = await ok(otherPlanner, { scenario: doubled, products: { all: true } });
    expect(all.products.map((p) => p.sku)).toEqual(['SKU-ZERO']);
    expect(all.skipped).toEqual([{ sku: 'SKU-GLOBEX', reason: expect.stringContaining('no stored forecast') }]);
  });

  it('is for planners and purchasing', async () => {
    const res = await whatIf(warehouse, { scenario: doubled, products: { all: true } });
    expect(res.statusCode).toBe(403);
  });
});
