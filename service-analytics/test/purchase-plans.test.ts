import type { StoredPurchaseOrderRequest, StoredRecommendation } from '@icc/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { groupRequestId } from '../src/planning/purchase-order-requests.js';
import { aProductSupplier, aRecommendation, aSupplier, storeRecommendations } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The bulk purchase plan through the API against the real engine:
 * `GET /api/recommendations?type=BULK_PURCHASE` consolidates the pending
 * reorders into one proposed order per supplier × location (minimums, packs,
 * budget), and accepting it records one purchase-order request per order at
 * the plan's quantities, once.
 */
let t: AnalyticsTestApp;
let buyer: string;
let warehouse: string;
let otherBuyer: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const requests = () => t.analytics.collection<StoredPurchaseOrderRequest>(PLANNING_COLLECTIONS.purchaseOrderRequests);

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  buyer = await t.issueKey('acme', ['purchasing']);
  warehouse = await t.issueKey('acme', ['warehouse']);
  otherBuyer = await t.issueKey('globex', ['purchasing']);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  await aSupplier(t.analytics, 'acme', 'SUP-B');
  await aProductSupplier(t.analytics, 'acme', 'SUP-A', 'SKU-1', { unitCost: 4, minimumOrderQuantity: 50 });
  await aProductSupplier(t.analytics, 'acme', 'SUP-A', 'SKU-2', { unitCost: 2, packSize: 12 });
  await aProductSupplier(t.analytics, 'acme', 'SUP-A', 'SKU-3', { unitCost: 10 });
  await aProductSupplier(t.analytics, 'acme', 'SUP-B', 'SKU-4', { unitCost: 3 });
});
afterAll(() => t.close());
beforeEach(async () => {
  await recs().deleteMany({});
  await requests().deleteMany({});
});

const get = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
const post = (url: string, key: string, payload: object) => t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, payload });

/** Five pending reorders over three supplier × location orders, and two that are not part of any plan. */
async function pendingReorders() {
  const rows = {
    a1: aRecommendation('acme', { sku: 'SKU-1', quantity: 120, priority: 'CRITICAL', orderByDate: '2026-01-02' }),
    a2: aRecommendation('acme', { sku: 'SKU-2', quantity: 30, priority: 'MEDIUM', orderByDate: '2026-01-05' }), // the link's pack of 12 makes it 36
    a3: aRecommendation('acme', { sku: 'SKU-3', quantity: 5, priority: 'LOW', orderByDate: null }),
    aWh2: aRecommendation('acme', { sku: 'SKU-1', locationCode: 'WH-2', quantity: 60, priority: 'HIGH' }),
    b1: aRecommendation('acme', { sku: 'SKU-4', supplierCode: 'SUP-B', supplierName: 'Supplier SUP-B', quantity: 40, priority: 'MEDIUM' }),
    transfer: aRecommendation('acme', { type: 'TRANSFER', fromLocationCode: 'WH-2', supplierCode: null }),
    rejected: aRecommendation('acme', { status: 'REJECTED', rejectionReason: 'no' }),
    globex: aRecommendation('globex', { sku: 'SKU-1', quantity: 999 }),
  };
  await storeRecommendations(t.analytics, Object.values(rows));
  return rows;
}

describe('GET /api/recommendations?type=BULK_PURCHASE', () => {
  it('consolidates the pending reorders into one order per supplier × location, rounded to packs, most urgent first', async () => {
    const r = await pendingReorders();
    const res = await get('/api/recommendations?type=BULK_PURCHASE', buyer);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.type).toBe('BULK_PURCHASE');
    expect(
      body.plans.map(
        (p: { supplierCode: string; locationCode: string; priority: string; lines: { recommendationId: string; quantity: number }[]; totals: object }) => [
          p.supplierCode,
          p.locationCode,
          p.priority,
          p.lines.map((l) => [l.recommendationId, l.quantity]),
          p.totals,
        ],
      ),
    ).toEqual([
      // SKU-1 120 × 4 = 480, SKU-2 36 × 2 = 72, SKU-3 5 × 10 = 50
      [
        'SUP-A',
        'WH-1',
        'CRITICAL',
        [
          [r.a1._id, 120],
          [r.a2._id, 36],
          [r.a3._id, 5],
        ],
        { lines: 3, units: 161, cost: 602 },
      ],
      ['SUP-A', 'WH-2', 'HIGH', [[r.aWh2._id, 60]], { lines: 1, units: 60, cost: 240 }],
      ['SUP-B', 'WH-1', 'MEDIUM', [[r.b1._id, 40]], { lines: 1, units: 40, cost: 120 }],
    ]);
    expect(body.plans[0].lines[1].adjustment).toBe("rounded 30 to 36: the supplier's minimum is 1, pack 12");
    expect(body.totals).toEqual({ plans: 3, lines: 5, units: 261, cost: 962, budget: null, budgetLeft: null });
    expect(body.deferred).toEqual([]);
    expect(body.truncated).toBe(false);
    expect(body.nextCursor).toBeNull();
  });

  it('funds the most urgent lines within a budget and lists what it deferred', async () => {
    const r = await pendingReorders();
    // CRITICAL 480, HIGH 240 → 720; 30 left: MEDIUM SUP-B SKU-1 at 3 → 10 units = 30; nothing left for SKU-2 (a pack of 12 = 24) or SKU-3 (10).
    const body = (await get('/api/recommendations?type=BULK_PURCHASE&budget=750', buyer)).json();
    const lines = body.plans.flatMap((p: { lines: { recommendationId: string; quantity: number; lineCost: number }[] }) => p.lines);
    expect(lines.map((l: { recommendationId: string; quantity: number }) => [l.recommendationId, l.quantity]).sort()).toEqual(
      [
        [r.a1._id, 120],
        [r.aWh2._id, 60],
        [r.b1._id, 10],
      ].sort(),
    );
    expect(body.totals).toMatchObject({ cost: 750, budget: 750, budgetLeft: 0 });
    expect(body.deferred.map((d: { recommendationId: string }) => d.recommendationId).sort()).toEqual([r.a2._id, r.a3._id].sort());
    expect(body.deferred[0].reason).toMatch(/0\.00 of the budget left/);
  });

  it('pages over the orders with the whole plan’s totals on every page, and filters like the list', async () => {
    await pendingReorders();
    const first = (await get('/api/recommendations?type=BULK_PURCHASE&limit=2', buyer)).json();
    expect(first.plans).toHaveLength(2);
    expect(first.totals.plans).toBe(3);
    const second = (await get(`/api/recommendations?type=BULK_PURCHASE&limit=2&cursor=${first.nextCursor}`, buyer)).json();
    expect(second.plans.map((p: { supplierCode: string }) => p.supplierCode)).toEqual(['SUP-B']);
    expect(second.nextCursor).toBeNull();
    const wh2 = (await get('/api/recommendations?type=BULK_PURCHASE&locationCode=WH-2', buyer)).json();
    expect(wh2.totals).toMatchObject({ plans: 1, lines: 1, cost: 240 });
  });

  it('shows another tenant nothing of this one', async () => {
    const r = await pendingReorders();
    // globex has a pending reorder but no supplier link in the mirror: deferred, and none of acme's orders or totals show.
    const body = (await get('/api/recommendations?type=BULK_PURCHASE', otherBuyer)).json();
    expect(body.plans).toEqual([]);
    expect(body.deferred.map((d: { recommendationId: string; quantity: number }) => [d.recommendationId, d.quantity])).toEqual([[r.globex._id, 999]]);
    expect(body.totals).toMatchObject({ plans: 0, lines: 0, cost: 0 });
  });

  it('refuses a budget without the plan, a status other than PENDING with it, and a foreign cursor: 400, nothing written', async () => {
    await pendingReorders();
    for (const url of [
      '/api/recommendations?budget=100',
      '/api/recommendations?type=BULK_PURCHASE&status=ACCEPTED',
      '/api/recommendations?type=BULK_PURCHASE&budget=-5',
      '/api/recommendations?type=BULK_PURCHASE&cursor=bm90LWEtY3Vyc29y',
    ]) {
      const res = await get(url, buyer);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().message, url).toMatch(/budget|status|cursor/);
    }
  });
});

describe('POST /api/recommendations/purchase-plan/accept', () => {
  it('records one purchase-order request per order at the plan’s quantities, and a second accept orders nothing more', async () => {
    const r = await pendingReorders();
    const res = await post('/api/recommendations/purchase-plan/accept', buyer, {});
    expect(res.statusCode, res.body).toBe(200);
    const stored = await requests().find().sort({ supplierCode: 1, locationCode: 1 }).toArray();
    expect(stored.map((q) => [q._id, q.supplierCode, q.locationCode, q.lines.map((l) => [l.sku, l.quantity, l.unitCost])])).toEqual([
      [
        groupRequestId([r.a1._id, r.a2._id, r.a3._id]),
        'SUP-A',
        'WH-1',
        [
          ['SKU-1', 120, 4],
          ['SKU-2', 36, 2],
          ['SKU-3', 5, 10],
        ],
      ],
      [`rec-${r.aWh2._id}`, 'SUP-A', 'WH-2', [['SKU-1', 60, 4]]],
      [`rec-${r.b1._id}`, 'SUP-B', 'WH-1', [['SKU-4', 40, 3]]],
    ]);
    const a2 = await recs().findOne({ _id: r.a2._id });
    expect(a2).toMatchObject({ status: 'ACCEPTED', accepted: { quantity: 36, supplierCode: 'SUP-A' } });
    expect(await recs().countDocuments({ tenantId: 'acme', status: 'PENDING', type: 'REORDER' })).toBe(0);

    const again = await post('/api/recommendations/purchase-plan/accept', buyer, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toMatch(/plan is empty/);
    expect(await requests().countDocuments()).toBe(3);
  });

  it('accepts only the named orders, within the budget', async () => {
    const r = await pendingReorders();
    const res = await post('/api/recommendations/purchase-plan/accept', buyer, { budget: 750, plans: [{ supplierCode: 'SUP-B', locationCode: 'WH-1' }] });
    expect(res.statusCode, res.body).toBe(200);
    const stored = await requests().find().toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.lines).toEqual([{ sku: 'SKU-4', quantity: 10, unitCost: 3 }]);
    expect((await recs().findOne({ _id: r.b1._id }))!.accepted!.quantity).toBe(10);
    expect(await recs().countDocuments({ tenantId: 'acme', status: 'PENDING', type: 'REORDER' })).toBe(4);
  });

  it('refuses an order the plan does not have (404), a warehouse key (403) and a bad body (400), writing nothing', async () => {
    await pendingReorders();
    const before = await recs().find().sort({ _id: 1 }).toArray();
    const cases: [string, object, number][] = [
      [buyer, { plans: [{ supplierCode: 'SUP-Z', locationCode: 'WH-1' }] }, 404],
      [warehouse, {}, 403],
      [buyer, { budget: 'lots' }, 400],
      [buyer, { plans: [] }, 400],
      [buyer, { surprise: true }, 400],
      [otherBuyer, { plans: [{ supplierCode: 'SUP-B', locationCode: 'WH-1' }] }, 404],
    ];
    for (const [key, body, status] of cases) {
      const res = await post('/api/recommendations/purchase-plan/accept', key, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().message.length).toBeGreaterThan(10);
    }
    expect(await recs().find().sort({ _id: 1 }).toArray()).toEqual(before);
    expect(await requests().countDocuments()).toBe(0);
  });

  it('defers a line whose supplier no longer sells the SKU instead of ordering it', async () => {
    const r = await pendingReorders();
    await t.analytics.collection(FACT_COLLECTIONS.productSuppliersMirror).deleteOne({ _id: 'acme:SUP-B:SKU-4' as never });
    try {
      const body = (await get('/api/recommendations?type=BULK_PURCHASE', buyer)).json();
      expect(body.deferred).toEqual([expect.objectContaining({ recommendationId: r.b1._id, reason: expect.stringMatching(/SUP-B no longer sells SKU-4/) })]);
      expect(body.totals.lines).toBe(4);
    } finally {
      await aProductSupplier(t.analytics, 'acme', 'SUP-B', 'SKU-4', { unitCost: 3 });
    }
  });
});
