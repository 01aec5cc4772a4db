import { addUtcDays, utcDayKey, type StoredPurchaseOrderRequest, type StoredRecommendation } from '@icc/shared';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { FORECAST_COLLECTIONS } from '../src/forecasts/forecast-collections.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { groupRequestId } from '../src/planning/purchase-order-requests.js';
import { sweepAcceptedWithoutRequest } from '../src/planning/recommendation-actions.js';
import { completeOrderedRequests, expireRecommendations } from '../src/planning/recommendation-lifecycle.js';
import { aProductSupplier, aRecommendation, aSupplier, storeRecommendations } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The recommendation lifecycle through the API against the real engine:
 * PENDING → ACCEPTED (a purchase-order request recorded once) → ORDERED when
 * the purchase order shows up in the mirror; REJECTED, EXPIRED, SUPERSEDED;
 * every refusal a 409 or 4xx that writes nothing.
 */
let t: AnalyticsTestApp;
let buyer: string;
let planner: string;
let warehouse: string;
let otherBuyer: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const requests = () => t.analytics.collection<StoredPurchaseOrderRequest>(PLANNING_COLLECTIONS.purchaseOrderRequests);
const outbox = () => t.analytics.collection(FORECAST_COLLECTIONS.liveOutbox);

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  buyer = await t.issueKey('acme', ['purchasing']);
  planner = await t.issueKey('acme', ['planner']);
  warehouse = await t.issueKey('acme', ['warehouse']);
  otherBuyer = await t.issueKey('globex', ['purchasing']);
  await aSupplier(t.analytics, 'acme', 'SUP-A');
  await aSupplier(t.analytics, 'acme', 'SUP-B', { defaultLeadTimeDays: 3 });
  for (const sku of ['SKU-1', 'SKU-2', 'SKU-3']) {
    await aProductSupplier(t.analytics, 'acme', 'SUP-A', sku, { unitCost: 4, minimumOrderQuantity: 50, leadTimeDays: 7 });
  }
  await aProductSupplier(t.analytics, 'acme', 'SUP-B', 'SKU-1', { unitCost: 3.5, minimumOrderQuantity: 10, leadTimeDays: null });
});
afterAll(() => t.close());
beforeEach(async () => {
  await recs().deleteMany({});
  await requests().deleteMany({});
  await outbox().deleteMany({});
});

const post = (url: string, key: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload }) });
const get = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });

async function snapshot() {
  return { recs: await recs().find().sort({ _id: 1 }).toArray(), requests: await requests().find().toArray(), outbox: await outbox().countDocuments() };
}

describe('accepting one recommendation', () => {
  it('moves it to ACCEPTED, records one purchase-order request with its line, and tells the dashboard', async () => {
    const rec = aRecommendation('acme', { quantity: 120 });
    await storeRecommendations(t.analytics, [rec]);
    const res = await post(`/api/recommendations/${rec._id}/accept`, buyer);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.recommendation).toMatchObject({
      id: rec._id,
      status: 'ACCEPTED',
      accepted: { quantity: 120, supplierCode: 'SUP-A', purchaseOrderRequestId: `rec-${rec._id}` },
    });
    const stored = await requests().find().toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      _id: `rec-${rec._id}`,
      tenantId: 'acme',
      status: 'recorded',
      supplierCode: 'SUP-A',
      locationCode: 'WH-1',
      lines: [{ sku: 'SKU-1', quantity: 120, unitCost: 4 }],
      recommendationIds: [rec._id],
      requestedBy: { name: 'purchasing key' },
    });
    expect(body.purchaseOrderRequest).toMatchObject({ id: `rec-${rec._id}`, lines: [{ sku: 'SKU-1', quantity: 120, unitCost: 4 }] });
    const events = await outbox().find().toArray();
    expect(events).toMatchObject([
      { tenantId: 'acme', event: 'recommendation:updated', room: 'dashboard', data: { id: rec._id, status: 'ACCEPTED', quantity: 120, sku: 'SKU-1' } },
    ]);
  });

  it('takes another supplier or quantity when that supplier sells the SKU from that quantity, and refuses otherwise writing nothing', async () => {
    const rec = aRecommendation('acme', { quantity: 120 });
    await storeRecommendations(t.analytics, [rec]);
    const before = await snapshot();
    const override = await post(`/api/recommendations/${rec._id}/accept`, buyer, { supplierCode: 'SUP-B', quantity: 60 });
    expect(override.statusCode, override.body).toBe(200);
    expect((await requests().findOne())!).toMatchObject({ supplierCode: 'SUP-B', lines: [{ sku: 'SKU-1', quantity: 60, unitCost: 3.5 }] });

    const other = aRecommendation('acme', { sku: 'SKU-2' });
    await storeRecommendations(t.analytics, [other]);
    const afterFirst = await snapshot();
    const wrongSupplier = await post(`/api/recommendations/${other._id}/accept`, buyer, { supplierCode: 'SUP-B' });
    expect(wrongSupplier.json()).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', details: [{ path: 'supplierCode' }] });
    const belowMinimum = await post(`/api/recommendations/${other._id}/accept`, buyer, { quantity: 49 });
    expect(belowMinimum.json()).toMatchObject({ statusCode: 400, details: [{ path: 'quantity', message: expect.stringContaining('at least 50') }] });
    expect((await post(`/api/recommendations/${other._id}/accept`, buyer, { quantity: -3 })).statusCode).toBe(400);
    expect((await post(`/api/recommendations/${other._id}/accept`, buyer, { surprise: 1 })).statusCode).toBe(400);
    expect(await snapshot()).toEqual(afterFirst);
    expect(before.requests).toEqual([]);
  });

  it("expects the purchase order when the recommendation said: its effective lead time from the accept day; an override supplier's quoted one", async () => {
    const today = utcDayKey(new Date());
    // Decided with an effective lead time of 8.4 d (quote 7 + a measured delay): arrival 9 days after the day it is ordered.
    const rec = aRecommendation('acme', { quantity: 120, policy: { leadTimeDays: 8.4 }, expectedArrivalDate: addUtcDays(today, 9) });
    await storeRecommendations(t.analytics, [rec]);
    expect((await post(`/api/recommendations/${rec._id}/accept`, buyer)).statusCode).toBe(200);
    const request = await requests().findOne({ _id: `rec-${rec._id}` });
    expect(utcDayKey(request!.expectedDate)).toBe(rec.expectedArrivalDate);
    expect(utcDayKey(request!.expectedDate)).not.toBe(addUtcDays(today, 7)); // not the quote alone

    const sku1 = aRecommendation('acme', { quantity: 120, policy: { leadTimeDays: 8.4 }, locationCode: 'WH-2' });
    await storeRecommendations(t.analytics, [sku1]);
    expect((await post(`/api/recommendations/${sku1._id}/accept`, buyer, { supplierCode: 'SUP-B', quantity: 60 })).statusCode).toBe(200);
    // SUP-B's link has no lead time: its default, 3 d.
    expect(utcDayKey((await requests().findOne({ _id: `rec-${sku1._id}` }))!.expectedDate)).toBe(addUtcDays(today, 3));
  });

  it('lets exactly one of 100 parallel accepts win: one request, 99 × 409 naming ACCEPTED', async () => {
    const rec = aRecommendation('acme');
    await storeRecommendations(t.analytics, [rec]);
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => post(`/api/recommendations/${rec._id}/accept`, i % 2 ? buyer : planner)));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const lost of answers.filter((a) => a.statusCode === 409)) {
      expect(lost.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: 'ACCEPTED' } });
      expect(lost.json().message).toContain('already accepted');
    }
    expect(await requests().countDocuments()).toBe(1);
    expect(await outbox().countDocuments()).toBe(1);
  });

  it('answers a 409 that says why for every status but PENDING, and writes nothing', async () => {
    const newer = new ObjectId().toHexString();
    const cases: [StoredRecommendation, string][] = [
      [aRecommendation('acme', { status: 'REJECTED', rejectionReason: 'too early', actionedBy: { apiKeyId: 'k', name: 'Ann' } }), 'rejected by Ann: too early'],
      [aRecommendation('acme', { status: 'EXPIRED' }), 'expired at'],
      [aRecommendation('acme', { status: 'SUPERSEDED', supersededBy: newer }), `recommendation ${newer}`],
      [aRecommendation('acme', { status: 'ORDERED', purchaseOrder: { id: 'po1', poNumber: 'PO-20260101-0001' } }), 'PO-20260101-0001'],
    ];
    await storeRecommendations(
      t.analytics,
      cases.map(([rec]) => rec),
    );
    const before = await snapshot();
    for (const [rec, why] of cases) {
      for (const action of ['accept', 'reject'] as const) {
        const res = await post(`/api/recommendations/${rec._id}/${action}`, buyer, action === 'reject' ? { reason: 'no' } : {});
        expect(res.statusCode, `${rec.status} ${action}`).toBe(409);
        expect(res.json()).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { status: rec.status } });
        expect(res.json().message).toContain(why);
      }
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses EXCESS_STOCK advice as an order (409) and lets it be rejected', async () => {
    const rec = aRecommendation('acme', { type: 'EXCESS_STOCK', supplierCode: null });
    await storeRecommendations(t.analytics, [rec]);
    expect((await post(`/api/recommendations/${rec._id}/accept`, buyer)).json()).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(await requests().countDocuments()).toBe(0);
    expect((await post(`/api/recommendations/${rec._id}/reject`, buyer, { reason: 'seasonal stock' })).json()).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'seasonal stock',
    });
  });
});

describe('rejecting', () => {
  it('needs a one-line reason, records who and why, and cannot be undone by an accept', async () => {
    const rec = aRecommendation('acme');
    await storeRecommendations(t.analytics, [rec]);
    const before = await snapshot();
    for (const body of [{}, { reason: '' }, { reason: 'a\nb' }, { reason: 'x'.repeat(501) }]) {
      expect((await post(`/api/recommendations/${rec._id}/reject`, planner, body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect(await snapshot()).toEqual(before);
    const res = await post(`/api/recommendations/${rec._id}/reject`, planner, { reason: 'supplier on holiday' });
    expect(res.json()).toMatchObject({ status: 'REJECTED', rejectionReason: 'supplier on holiday', actionedBy: { name: 'planner key' } });
    expect((await post(`/api/recommendations/${rec._id}/accept`, buyer)).statusCode).toBe(409);
    expect(await requests().countDocuments()).toBe(0);
  });
});

describe('bulk accept', () => {
  it('records one request per supplier × location, with a deterministic id, and accepts each recommendation', async () => {
    const a1 = aRecommendation('acme', { sku: 'SKU-1', quantity: 100 });
    const a2 = aRecommendation('acme', { sku: 'SKU-2', quantity: 200 });
    const a3 = aRecommendation('acme', { sku: 'SKU-3', locationCode: 'WH-2', quantity: 300 });
    const b1 = aRecommendation('acme', { sku: 'SKU-1', locationCode: 'WH-2', supplierCode: 'SUP-B', quantity: 40, unitCost: 3.5 });
    await storeRecommendations(t.analytics, [a1, a2, a3, b1]);
    const res = await post('/api/recommendations/accept', buyer, { ids: [a1._id, a2._id, a3._id, b1._id] });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().conflicts).toEqual([]);
    const stored = await requests().find().sort({ _id: 1 }).toArray();
    expect(stored).toHaveLength(3);
    const grouped = stored.find((r) => r.lines.length === 2)!;
    expect(grouped._id).toBe(groupRequestId([a1._id, a2._id]));
    expect(grouped._id).toMatch(/^bulk-[0-9a-f]{32}$/);
    expect(grouped).toMatchObject({ supplierCode: 'SUP-A', locationCode: 'WH-1' });
    expect(grouped.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([
      ['SKU-1', 100],
      ['SKU-2', 200],
    ]);
    expect(stored.find((r) => r._id === `rec-${a3._id}`)).toMatchObject({
      supplierCode: 'SUP-A',
      locationCode: 'WH-2',
      lines: [{ sku: 'SKU-3', quantity: 300 }],
    });
    expect(stored.find((r) => r._id === `rec-${b1._id}`)).toMatchObject({
      supplierCode: 'SUP-B',
      locationCode: 'WH-2',
      lines: [{ sku: 'SKU-1', quantity: 40 }],
    });
    const accepted = await recs().find().toArray();
    expect(accepted.every((r) => r.status === 'ACCEPTED')).toBe(true);
    expect(accepted.find((r) => r._id === a2._id)!.accepted!.purchaseOrderRequestId).toBe(grouped._id);
  });

  it('writes nothing when one id is not pending, unknown or another tenant’s', async () => {
    const ok = aRecommendation('acme');
    const rejected = aRecommendation('acme', { status: 'REJECTED' });
    const foreign = aRecommendation('globex');
    await storeRecommendations(t.analytics, [ok, rejected, foreign]);
    const before = await snapshot();
    const notPending = await post('/api/recommendations/accept', buyer, { ids: [ok._id, rejected._id] });
    expect(notPending.json()).toMatchObject({ statusCode: 409, details: { refused: [{ id: rejected._id, status: 'REJECTED' }] } });
    const foreignId = await post('/api/recommendations/accept', buyer, { ids: [ok._id, foreign._id] });
    expect(foreignId.json()).toMatchObject({ statusCode: 404, message: `No recommendation ${foreign._id}` });
    expect((await post('/api/recommendations/accept', buyer, { ids: [ok._id, ok._id] })).statusCode).toBe(400);
    expect((await post('/api/recommendations/accept', buyer, { ids: [] })).statusCode).toBe(400);
    expect(await snapshot()).toEqual(before);
  });
});

describe('after an accept', () => {
  it('the sweeper writes the request of an accept that crashed between its two writes, once, and never a second', async () => {
    const now = new Date();
    const crashedAt = new Date(now.getTime() - 5 * 60_000);
    const single = aRecommendation('acme', {
      status: 'ACCEPTED',
      actionedAt: crashedAt,
      actionedBy: { apiKeyId: 'k1', name: 'Bob' },
      accepted: { quantity: 150, supplierCode: 'SUP-A', purchaseOrderRequestId: 'rec-placeholder' },
    });
    single.accepted!.purchaseOrderRequestId = `rec-${single._id}`;
    const g1 = aRecommendation('acme', { sku: 'SKU-2', status: 'ACCEPTED', actionedAt: crashedAt, actionedBy: { apiKeyId: 'k1', name: 'Bob' } });
    const g2 = aRecommendation('acme', { sku: 'SKU-3', status: 'ACCEPTED', actionedAt: crashedAt, actionedBy: { apiKeyId: 'k1', name: 'Bob' } });
    const groupId = groupRequestId([g1._id, g2._id]);
    g1.accepted = { quantity: 10, supplierCode: 'SUP-A', purchaseOrderRequestId: groupId };
    g2.accepted = { quantity: 20, supplierCode: 'SUP-A', purchaseOrderRequestId: groupId };
    // Accepted a moment ago: its second write may still be on its way, so the sweeper leaves it.
    const fresh = aRecommendation('acme', { status: 'ACCEPTED', actionedAt: now, actionedBy: { apiKeyId: 'k1', name: 'Bob' } });
    fresh.accepted = { quantity: 5, supplierCode: 'SUP-A', purchaseOrderRequestId: `rec-${fresh._id}` };
    await storeRecommendations(t.analytics, [single, g1, g2, fresh]);

    expect(await sweepAcceptedWithoutRequest(t.analytics, now)).toBe(2);
    const stored = await requests().find().sort({ _id: 1 }).toArray();
    expect(stored.map((r) => r._id).sort()).toEqual([groupId, `rec-${single._id}`].sort());
    expect(stored.find((r) => r._id === `rec-${single._id}`)).toMatchObject({
      lines: [{ sku: 'SKU-1', quantity: 150, unitCost: 4 }],
      requestedBy: { name: 'Bob' },
    });
    expect(
      stored
        .find((r) => r._id === groupId)!
        .lines.map((l) => l.quantity)
        .sort(),
    ).toEqual([10, 20]);
    expect(await sweepAcceptedWithoutRequest(t.analytics, now)).toBe(0);
    expect(await requests().countDocuments()).toBe(2);
  });

  it('marks the recommendations ORDERED once the purchase order appears in the mirror (same tenant only), and completes the request', async () => {
    const rec = aRecommendation('acme');
    await storeRecommendations(t.analytics, [rec]);
    await post(`/api/recommendations/${rec._id}/accept`, buyer);
    const requestId = `rec-${rec._id}`;
    expect(await completeOrderedRequests(t.analytics, new Date())).toBe(0);
    const po = (tenantId: string, poNumber: string) => ({
      _id: new ObjectId().toHexString() as never,
      sourceId: 'x',
      tenantId,
      poNumber,
      supplierCode: 'SUP-A',
      locationCode: 'WH-1',
      status: 'ordered',
      source: { type: 'recommendation', id: requestId },
      lines: [],
    });
    // Another tenant's order naming the same id does not complete acme's request.
    await t.analytics.collection(FACT_COLLECTIONS.purchaseOrdersMirror).insertOne(po('globex', 'PO-G'));
    expect(await completeOrderedRequests(t.analytics, new Date())).toBe(0);
    const order = po('acme', 'PO-20260105-0007');
    await t.analytics.collection(FACT_COLLECTIONS.purchaseOrdersMirror).insertOne(order);
    await outbox().deleteMany({});
    expect(await completeOrderedRequests(t.analytics, new Date())).toBe(1);
    expect(await recs().findOne({ _id: rec._id })).toMatchObject({ status: 'ORDERED', purchaseOrder: { id: String(order._id), poNumber: 'PO-20260105-0007' } });
    expect(await requests().findOne({ _id: requestId })).toMatchObject({
      status: 'completed',
      poNumber: 'PO-20260105-0007',
      purchaseOrderId: String(order._id),
    });
    expect(await outbox().find().toArray()).toMatchObject([{ event: 'recommendation:updated', data: { id: rec._id, status: 'ORDERED' } }]);
    expect(await completeOrderedRequests(t.analytics, new Date())).toBe(0);
    expect((await get(`/api/recommendations/${rec._id}`, buyer)).json()).toMatchObject({ status: 'ORDERED', purchaseOrder: { poNumber: 'PO-20260105-0007' } });
  });

  it('expires pending recommendations past their expiry, and only those', async () => {
    const now = new Date();
    const stale = aRecommendation('acme', { expiresAt: new Date(now.getTime() - 1_000) });
    const current = aRecommendation('acme', { sku: 'SKU-2', expiresAt: new Date(now.getTime() + 60_000) });
    const acceptedStale = aRecommendation('acme', { sku: 'SKU-3', status: 'ACCEPTED', expiresAt: new Date(now.getTime() - 1_000) });
    await storeRecommendations(t.analytics, [stale, current, acceptedStale]);
    expect(await expireRecommendations(t.analytics, now)).toBe(1);
    expect((await recs().find().sort({ sku: 1 }).toArray()).map((r) => r.status)).toEqual(['EXPIRED', 'PENDING', 'ACCEPTED']);
    expect((await post(`/api/recommendations/${stale._id}/accept`, buyer)).json().message).toContain('expired');
  });
});

describe('reading, roles and tenants', () => {
  it('lists newest first with filters and pages, and reads one', async () => {
    const rows = [
      aRecommendation('acme', { sku: 'SKU-1', priority: 'CRITICAL' }),
      aRecommendation('acme', { sku: 'SKU-2', priority: 'LOW', supplierCode: 'SUP-B' }),
      aRecommendation('acme', { sku: 'SKU-3', priority: 'CRITICAL', locationCode: 'WH-2', type: 'EXCESS_STOCK' }),
      aRecommendation('globex', { sku: 'SKU-1', priority: 'CRITICAL' }),
    ];
    await storeRecommendations(t.analytics, rows);
    const all = (await get('/api/recommendations', buyer)).json();
    expect(all.items.map((r: { sku: string }) => r.sku)).toEqual(['SKU-3', 'SKU-2', 'SKU-1']);
    expect((await get('/api/recommendations?priority=CRITICAL', buyer)).json().items).toHaveLength(2);
    expect((await get('/api/recommendations?priority=CRITICAL&type=REORDER', buyer)).json().items.map((r: { sku: string }) => r.sku)).toEqual(['SKU-1']);
    expect((await get('/api/recommendations?supplierCode=SUP-B', buyer)).json().items.map((r: { sku: string }) => r.sku)).toEqual(['SKU-2']);
    expect((await get('/api/recommendations?locationCode=WH-2&status=PENDING', buyer)).json().items).toHaveLength(1);
    const first = (await get('/api/recommendations?limit=2', buyer)).json();
    const second = (await get(`/api/recommendations?limit=2&cursor=${first.nextCursor}`, buyer)).json();
    expect([...first.items, ...second.items].map((r: { sku: string }) => r.sku)).toEqual(['SKU-3', 'SKU-2', 'SKU-1']);
    expect(second.nextCursor).toBeNull();
    expect((await get('/api/recommendations?limit=201', buyer)).statusCode).toBe(400);
    expect((await get('/api/recommendations?status=DONE', buyer)).statusCode).toBe(400);
    expect((await get('/api/recommendations?cursor=bm9wZQ', buyer)).statusCode).toBe(400);
    expect((await get(`/api/recommendations/${rows[0]!._id}`, warehouse)).json()).toMatchObject({ id: rows[0]!._id, sku: 'SKU-1', reasoning: ['fixture'] });
    expect((await get('/api/recommendations/not-an-id', buyer)).statusCode).toBe(400);
  });

  it('answers another tenant 404 for acme’s recommendation on every route, exactly as for an unknown id, and writes nothing', async () => {
    const rec = aRecommendation('acme');
    await storeRecommendations(t.analytics, [rec]);
    const unknown = new ObjectId().toHexString();
    const before = await snapshot();
    const routes: [string, (id: string) => Promise<{ statusCode: number; json(): { message: string } }>][] = [
      ['get', (id) => get(`/api/recommendations/${id}`, otherBuyer)],
      ['accept', (id) => post(`/api/recommendations/${id}/accept`, otherBuyer)],
      ['reject', (id) => post(`/api/recommendations/${id}/reject`, otherBuyer, { reason: 'mine now' })],
      ['bulk', (id) => post('/api/recommendations/accept', otherBuyer, { ids: [id] })],
    ];
    for (const [name, call] of routes) {
      const foreign = await call(rec._id);
      const missing = await call(unknown);
      expect(foreign.statusCode, name).toBe(404);
      expect(foreign.json().message.replace(rec._id, unknown), name).toBe(missing.json().message);
    }
    expect((await get('/api/recommendations', otherBuyer)).json().items).toEqual([]);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses keys without purchasing or planner before reading the body, writing nothing', async () => {
    const rec = aRecommendation('acme');
    await storeRecommendations(t.analytics, [rec]);
    const before = await snapshot();
    for (const [url, body] of [
      [`/api/recommendations/${rec._id}/accept`, {}],
      [`/api/recommendations/${rec._id}/reject`, { reason: 'x' }],
      ['/api/recommendations/accept', { ids: [rec._id] }],
      ['/api/recommendations/accept', { ids: 'garbage' }],
    ] as const) {
      const res = await post(url, warehouse, body);
      expect(res.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    }
    expect(await snapshot()).toEqual(before);
  });
});
