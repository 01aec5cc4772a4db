import { DEFAULT_PLANNING_SETTINGS, type StoredRecommendation } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { StockReadModelDoc } from '../src/facts/reference-mirror.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { createPlanningWorker, type PlanningWorker } from '../src/planning/planning-worker.js';
import { aForecast, aProduct, aProductSupplier, aStock, aSupplier } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * TRANSFER recommendations from a planning run over fixture read models,
 * against the real engine: a location short of SKU-T next to one with far more
 * than it needs gets a TRANSFER instead of a REORDER; a smaller surplus
 * reduces the REORDER instead; an empty source takes the transfer away again.
 */
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);
const SETTINGS = { ...DEFAULT_PLANNING_SETTINGS, schedule: { enabled: false, timeOfDay: '05:00' }, transferFixedCost: 30, transferUnitCost: 0.5 };

let t: AnalyticsTestApp;
let worker: PlanningWorker;
let planner: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const pendingAt = (locationCode: string) => recs().find({ tenantId: 'acme', sku: 'SKU-T', locationCode, status: 'PENDING' }).sort({ type: 1 }).toArray();
const setOnHand = (locationCode: string, onHand: number) =>
  t.analytics
    .collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel)
    .updateOne({ _id: `acme:SKU-T:${locationCode}` }, { $set: { onHand, available: onHand, updatedAt: new Date() } });

async function manualRun(locationCodes?: string[]): Promise<void> {
  const payload = { skus: ['SKU-T'], ...(locationCodes ? { locationCodes } : {}) };
  const res = await t.app.inject({ method: 'POST', url: '/api/planning/runs', headers: { 'x-api-key': planner }, payload });
  expect(res.statusCode, res.body).toBe(202);
  expect(await worker.drain()).toBe(1);
}

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  worker = createPlanningWorker({ db: t.analytics, now: () => NOW });
  planner = await t.issueKey('acme', ['planner']);
  const put = await t.app.inject({ method: 'PUT', url: '/api/planning/settings', headers: { 'x-api-key': planner }, payload: SETTINGS });
  expect(put.statusCode, put.body).toBe(200);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  await aProduct(t.analytics, 'acme', 'SKU-T', { price: 10 });
  await aProductSupplier(t.analytics, 'acme', 'SUP-A', 'SKU-T', { unitCost: 4, minimumOrderQuantity: 10, packSize: 10, leadTimeDays: 7 });
  // 10 a day over the network, no recent sales anywhere: each location's share is half. No forecast error.
  await aForecast(t.analytics, 'acme', 'SKU-T', { forecastDate: TODAY, daily: Array(28).fill(10), halfWidth: 0 });
  await aStock(t.analytics, 'acme', 'SKU-T', 'WH-1', { onHand: 10 });
  await aStock(t.analytics, 'acme', 'SKU-T', 'WH-2', { onHand: 1_000 });
});
afterAll(async () => {
  await worker.stop();
  await t.close();
});

describe('TRANSFER recommendations', () => {
  it('moves stock from a location with far more than it needs instead of buying, with the numbers behind it', async () => {
    await manualRun();
    const [transfer, ...others] = await pendingAt('WH-1');
    // No REORDER left at WH-1: the transfer replaces it.
    expect(others).toEqual([]);
    // 5 a day at WH-1, lead 7 d, review 7 d, no error: reorder point 35, order up to 70; position 10 → needs 60.
    expect(transfer).toMatchObject({
      type: 'TRANSFER',
      fromLocationCode: 'WH-2',
      locationCode: 'WH-1',
      quantity: 60,
      supplierCode: null,
      expectedArrivalDate: '2026-03-11',
      stockoutDate: '2026-03-12',
      // 30 + 0.5 × 60 = 60; a purchase of 60 (min 10, pack 10) × 4 + ordering 50 = 290 avoided; saves 230
      cost: 60,
      savingsPotential: 230,
      // Due the day before the stock-out (03-12), the transfer taking a day.
      action: 'Transfer 60 units of SKU-T from WH-2 to WH-1 by 2026-03-11',
      priority: 'CRITICAL',
    });
    expect(transfer!.policy).toMatchObject({ orderUpTo: 70, reorderPoint: 35, purchaseCostAvoided: 290, remainingOrderQuantity: 0, transferLeadTimeDays: 1 });
    expect(transfer!.reasoning).toEqual([
      'WH-1 needs 60 units of SKU-T (order of 60 from SUP-A at 4 = 240)',
      'WH-2 can give 60: position 1000 → 940, still at or above its order-up-to 70 and above its reorder point 35; 1000 on its shelves',
      'Transfer cost 30 + 0.5 × 60 = 60; purchase avoided 290 (60 × 4 + ordering cost 50: no order needed); saves 230',
      'Transfer arrives 2026-03-11 (1 d), before the projected stock-out at WH-1 on 2026-03-12',
      expect.stringMatching(/^CRITICAL: stock runs out on 2026-03-12, before an order placed today can arrive \(2026-03-17\)/),
    ]);
    // The source itself is not short: nothing to order there (its EXCESS_STOCK is its own matter).
    expect((await pendingAt('WH-2')).map((r) => r.type)).toEqual(['EXCESS_STOCK']);

    // The same numbers on the next run: the same pending TRANSFER, not a second one.
    await manualRun();
    expect((await pendingAt('WH-1')).map((r) => r._id)).toEqual([transfer!._id]);
    // A run of WH-1 alone (as a stock trigger queues) still sees WH-2 as the source: the TRANSFER stands.
    await manualRun(['WH-1']);
    expect((await pendingAt('WH-1')).map((r) => r._id)).toEqual([transfer!._id]);
  });

  it('reduces the REORDER when the source can spare only part of the need, and takes the transfer back when it has nothing to spare', async () => {
    // WH-2 at 100: position 100 − order-up-to 70 = 30 to give (its shelves keep 65 ≥ reorder point 35).
    await setOnHand('WH-2', 100);
    await manualRun();
    const [reorder, transfer] = await pendingAt('WH-1');
    // 30 + 0.5 × 30 = 45; the order shrinks from 60 to 30 units: 30 × 4 = 120 avoided (an order remains: no ordering cost saved); saves 75.
    expect(transfer).toMatchObject({ type: 'TRANSFER', fromLocationCode: 'WH-2', quantity: 30, cost: 45, savingsPotential: 75 });
    expect(transfer!.policy).toMatchObject({ purchaseCostAvoided: 120, remainingOrderQuantity: 30 });
    expect(reorder).toMatchObject({ type: 'REORDER', quantity: 30, cost: 120, action: 'Order 30 units of SKU-T from Supplier SUP-A for WH-1 by 2026-03-05' });
    expect(reorder!.reasoning.at(-1)).toBe(
      `Reduced from 60 to ${reorder!.quantity} units: a transfer of 30 from WH-2 covers the rest (its TRANSFER recommendation)`,
    );

    await setOnHand('WH-2', 60);
    await manualRun();
    const left = await pendingAt('WH-1');
    expect(left.map((r) => [r.type, r.quantity])).toEqual([['REORDER', 60]]);
    const expired = await recs().countDocuments({ tenantId: 'acme', sku: 'SKU-T', type: 'TRANSFER', status: { $in: ['EXPIRED', 'SUPERSEDED'] } });
    expect(expired).toBeGreaterThan(0);
  });

  it('counts an accepted transfer not yet executed in both positions, and not twice once its outcome is mirrored', async () => {
    await setOnHand('WH-1', 10);
    await setOnHand('WH-2', 1_000);
    await manualRun();
    const [transfer] = (await pendingAt('WH-1')).filter((r) => r.type === 'TRANSFER');
    expect(transfer).toMatchObject({ quantity: 60, fromLocationCode: 'WH-2' });
    const buyer = await t.issueKey('acme', ['purchasing']);
    const accepted = await t.app.inject({ method: 'POST', url: `/api/recommendations/${transfer!._id}/accept`, headers: { 'x-api-key': buyer } });
    expect(accepted.statusCode, accepted.body).toBe(200);

    // Not executed yet (the operational service may be down): WH-1 counts the 60 coming, WH-2 no longer has them.
    await manualRun();
    expect(await pendingAt('WH-1')).toEqual([]);
    const [excess] = await pendingAt('WH-2');
    expect(excess).toMatchObject({ type: 'EXCESS_STOCK', currentPosition: 940 });

    // Executed and mirrored (CDC: the stock rows and the outcome), not yet closed by completion: counted once, from the stock.
    await setOnHand('WH-1', 70);
    await setOnHand('WH-2', 940);
    await t.analytics.collection(FACT_COLLECTIONS.transferExecutionsMirror).insertOne({
      _id: `acme:xfer-${transfer!._id}` as never,
      sourceId: 'x',
      tenantId: 'acme',
      requestId: `xfer-${transfer!._id}`,
      outcome: 'done',
      sku: 'SKU-T',
      fromLocationCode: 'WH-2',
      toLocationCode: 'WH-1',
      quantity: 60,
      reason: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
    await manualRun();
    expect(await pendingAt('WH-1')).toEqual([]);
    expect((await pendingAt('WH-2'))[0]).toMatchObject({ type: 'EXCESS_STOCK', currentPosition: 940 });
  });
});
