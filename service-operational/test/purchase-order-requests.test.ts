import { PURCHASE_ORDER_REQUESTS_COLLECTION, callbackLogger, type StoredPurchaseOrderRequest } from '@icc/shared';
import mongoose from 'mongoose';
import type { Collection, Db } from 'mongodb';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerModels } from '../src/db/models.js';
import {
  followPurchaseOrderRequests,
  type PurchaseOrderRequestFollower,
  type PurchaseOrderRequestFollowerOptions,
} from '../src/purchase-orders/purchase-order.requests.js';
import { aLocation, aProduct, aSupplier } from './support/builders.js';
import type { LooseJson } from './support/loose-json.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The analytics service records a purchase-order request when a person accepts
 * recommendations; the follower turns each into exactly one placed purchase
 * order. These tests play the analytics side by inserting requests into an
 * analytics database of their own, and check the orders and stock over HTTP.
 */
let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let analytics: Db;
let requests: Collection<StoredPurchaseOrderRequest>;
const warnings: Array<{ msg: string; requestId?: string; reason?: string }> = [];
const followers: PurchaseOrderRequestFollower[] = [];
const SUPPLIER = 'POR-SUP';
const LOC = 'POR-WH';
let supplierId: string;
let sequence = 0;

function follower(overrides: Partial<PurchaseOrderRequestFollowerOptions> = {}): PurchaseOrderRequestFollower {
  const created = followPurchaseOrderRequests({
    analytics,
    models: t.models,
    live: t.live,
    log: callbackLogger((level, msg, fields) => {
      if (level !== 'info') warnings.push({ msg, ...fields });
    }),
    watchInserts: false,
    ...overrides,
  });
  followers.push(created);
  return created;
}

function aRequest(
  lines: Array<{ sku: string; quantity: number; unitCost?: number }>,
  overrides: Partial<StoredPurchaseOrderRequest> = {},
): StoredPurchaseOrderRequest {
  const n = ++sequence;
  return {
    _id: `por-${process.pid}-${n}`,
    tenantId: 'acme',
    status: 'recorded',
    supplierCode: SUPPLIER,
    locationCode: LOC,
    lines: lines.map((line) => ({ unitCost: 2.5, ...line })),
    expectedDate: new Date('2026-12-01T00:00:00Z'),
    recommendationIds: [`rec-${n}-a`, `rec-${n}-b`],
    requestedBy: { apiKeyId: 'key-of-dana', name: 'Dana' },
    createdAt: new Date(Date.UTC(2026, 10, 20) + n * 1_000),
    completedAt: null,
    purchaseOrderId: null,
    poNumber: null,
    ...overrides,
  };
}

async function ordersFor(requestId: string, key = t.keys.admin): Promise<LooseJson[]> {
  const res = await t.as(key).get(`/api/orders/purchase?sourceType=recommendation&sourceId=${encodeURIComponent(requestId)}&limit=100`);
  expect(res.status).toBe(200);
  return res.body.items as LooseJson[];
}

async function position(sku: string, locationCode = LOC): Promise<{ onHand: number; onOrder: number }> {
  const item = (await admin.get(`/api/stock/current?sku=${sku}&locationCode=${locationCode}`)).body.items[0] as { onHand: number; onOrder: number } | undefined;
  return { onHand: item?.onHand ?? 0, onOrder: item?.onOrder ?? 0 };
}

async function products(...skus: string[]): Promise<void> {
  for (const sku of skus) expect((await admin.post('/api/products', aProduct({ sku, cost: 4 }))).status).toBe(201);
}

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  analytics = t.models.Product.db.getClient().db(`an_por_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  requests = analytics.collection<StoredPurchaseOrderRequest>(PURCHASE_ORDER_REQUESTS_COLLECTION);
  await analytics.createCollection(PURCHASE_ORDER_REQUESTS_COLLECTION);
  expect((await admin.post('/api/locations', aLocation({ code: LOC }))).status).toBe(201);
  supplierId = (await admin.post('/api/suppliers', aSupplier({ code: SUPPLIER }))).body.id;
});
// As the analytics side does once it sees the order through CDC: each test starts with no request left recorded.
afterEach(async () => {
  await requests.updateMany({ status: 'recorded' }, { $set: { status: 'completed', completedAt: new Date() } });
});
afterAll(async () => {
  for (const f of followers) await f.stop();
  await analytics.dropDatabase();
  await t.close();
});

describe('accepted recommendations → purchase orders', () => {
  it('turns a recorded request into one placed order with its lines, source and notes, and raises on order by its quantities', async () => {
    await products('POR-A', 'POR-B');
    await admin.post('/api/stock/adjustment', { sku: 'POR-A', locationCode: LOC, quantity: 5, reason: 'count' });
    const request = aRequest([
      { sku: 'POR-A', quantity: 200, unitCost: 3.5 },
      { sku: 'POR-B', quantity: 12 },
    ]);
    await requests.insertOne(request);

    expect(await follower().pass()).toEqual({ recorded: 1, created: 1, existing: 0, unfulfillable: 0 });

    const [order, ...others] = await ordersFor(request._id);
    expect(others).toEqual([]);
    expect(order).toMatchObject({
      status: 'ordered',
      supplierId,
      supplierCode: SUPPLIER,
      locationCode: LOC,
      source: { type: 'recommendation', id: request._id },
      expectedDate: '2026-12-01T00:00:00.000Z',
      totalCost: 730,
      notes: `Accepted recommendations ${request.recommendationIds.join(', ')} by Dana`,
    });
    expect(order!.orderedAt).not.toBeNull();
    expect(order!.lines.map((l: LooseJson) => [l.sku, l.quantity, l.unitCost, l.receivedQuantity])).toEqual([
      ['POR-A', 200, 3.5, 0],
      ['POR-B', 12, 2.5, 0],
    ]);
    expect(await position('POR-A')).toEqual({ onHand: 5, onOrder: 200 });
    expect(await position('POR-B')).toEqual({ onHand: 0, onOrder: 12 });
    // The ledger has the order's movements, by the person who accepted.
    const movements = (await admin.get(`/api/stock/movements?sku=POR-A&locationCode=${LOC}`)).body.items as LooseJson[];
    const onOrder = movements.filter((m) => m.deltas.onOrder);
    expect(onOrder.map((m) => [m.deltas.onOrder, m.reference.id, m.actor.keyName])).toEqual([[200, order!.id, 'Dana']]);

    // Read again, by a fresh follower (nothing remembered), and once more: nothing new.
    const again = follower();
    expect(await again.pass()).toEqual({ recorded: 1, created: 0, existing: 1, unfulfillable: 0 });
    expect(await again.pass()).toEqual({ recorded: 1, created: 0, existing: 0, unfulfillable: 0 });
    expect(await ordersFor(request._id)).toHaveLength(1);
    expect(await position('POR-A')).toEqual({ onHand: 5, onOrder: 200 });

    // The create route refuses a second order for the same request too.
    const repeat = await t.as(t.keys.service).post('/api/orders/purchase', {
      supplierId,
      locationCode: LOC,
      lines: [{ sku: 'POR-A', quantity: 1 }],
      expectedDate: '2026-12-01T00:00:00Z',
      source: { type: 'recommendation', id: request._id },
      order: true,
    });
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ code: 'CONFLICT', details: { poNumber: order!.poNumber } });
    expect(await ordersFor(request._id)).toHaveLength(1);
    expect(await position('POR-A')).toEqual({ onHand: 5, onOrder: 200 });
  });

  it('an order made from a request is received and cancelled like any other', async () => {
    await products('POR-R');
    const request = aRequest([{ sku: 'POR-R', quantity: 30 }]);
    await requests.insertOne(request);
    expect((await follower().pass()).created).toBe(1);
    const [order] = await ordersFor(request._id);
    expect(await position('POR-R')).toEqual({ onHand: 0, onOrder: 30 });

    const received = await t.as(t.keys.warehouse).put(`/api/orders/purchase/${order!.id}/receive`, { lines: [{ line: 0, quantity: 18 }] });
    expect(received.status).toBe(200);
    expect(received.body).toMatchObject({ status: 'partiallyReceived', source: { type: 'recommendation', id: request._id } });
    expect(await position('POR-R')).toEqual({ onHand: 18, onOrder: 12 });

    const cancelled = await t.as(t.keys.purchasing).put(`/api/orders/purchase/${order!.id}/status`, { status: 'cancelled', reason: 'supplier short' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await position('POR-R')).toEqual({ onHand: 18, onOrder: 0 });
    // A cancelled order still holds its request: the follower does not order it again.
    expect(await follower().pass()).toMatchObject({ created: 0 });
    expect(await ordersFor(request._id)).toHaveLength(1);
  });

  it('two followers at once over 100 requests, each read again and again, make exactly one order per request', async () => {
    const skus = ['POR-C1', 'POR-C2', 'POR-C3', 'POR-C4', 'POR-C5'];
    await products(...skus);
    const batch = Array.from({ length: 100 }, (_, i) => aRequest([{ sku: skus[i % skus.length]!, quantity: 1 + (i % 7) }]));
    await requests.insertMany(batch);
    // The second follower has its own connection (its own in-process position locks), as another process would.
    const connection = await mongoose.createConnection(inject('mongoUri'), { dbName: t.models.Product.db.name }).asPromise();
    try {
      const one = follower();
      const two = follower({ models: registerModels(connection) });
      const summaries = await Promise.all([one.pass(), two.pass(), one.pass(), two.pass()]);
      const created = summaries.reduce((sum, s) => sum + s.created, 0);

      const orders = (await Promise.all(batch.map((request) => ordersFor(request._id)))).map((found) => found.length);
      expect(orders).toEqual(batch.map(() => 1));
      expect(created).toBe(100);
      for (const [index, sku] of skus.entries()) {
        const expected = batch.filter((_, i) => i % skus.length === index).reduce((sum, r) => sum + r.lines[0]!.quantity, 0);
        expect(await position(sku)).toEqual({ onHand: 0, onOrder: expected });
      }
    } finally {
      await connection.close();
    }
  }, 120_000);

  it('completes requests recorded while it was stopped as soon as it starts, and a new one at once through the insert stream', async () => {
    await products('POR-S');
    const early = Array.from({ length: 5 }, () => aRequest([{ sku: 'POR-S', quantity: 10 }]));
    await requests.insertMany(early);
    // A poll far longer than the test: only the first pass at start and the insert stream can do the work.
    const running = follower({ pollMs: 600_000, watchInserts: true });
    running.start();
    await eventually(async () => expect((await Promise.all(early.map((r) => ordersFor(r._id)))).map((o) => o.length)).toEqual([1, 1, 1, 1, 1]));
    await running.ready;

    const late = aRequest([{ sku: 'POR-S', quantity: 7 }]);
    const insertedAt = Date.now();
    await requests.insertOne(late);
    await eventually(async () => expect(await ordersFor(late._id)).toHaveLength(1), 10_000, 10);
    expect(Date.now() - insertedAt).toBeLessThan(5_000);
    await running.stop();
    expect(await position('POR-S')).toEqual({ onHand: 0, onOrder: 57 });
  });

  it("a request naming another tenant's supplier, or an unknown SKU or location, creates nothing, warns once, and is retried", async () => {
    await products('POR-T');
    const other = t.as(t.keys.otherTenant);
    expect((await other.post('/api/suppliers', aSupplier({ code: 'ONLY-GLOBEX' }))).status).toBe(201);
    expect((await other.post('/api/products', aProduct({ sku: 'POR-GLOBEX' }))).status).toBe(201);
    expect((await other.post('/api/locations', aLocation({ code: 'GLOBEX-WH' }))).status).toBe(201);
    const inactive = (await admin.post('/api/suppliers', aSupplier({ code: 'POR-SLEEPY' }))).body.id;
    expect((await admin.put(`/api/suppliers/${inactive}`, { status: 'inactive' })).status).toBe(200);

    const foreignSupplier = aRequest([{ sku: 'POR-T', quantity: 9 }], { supplierCode: 'ONLY-GLOBEX' });
    const foreignSku = aRequest([{ sku: 'POR-GLOBEX', quantity: 9 }]);
    const foreignLocation = aRequest([{ sku: 'POR-T', quantity: 9 }], { locationCode: 'GLOBEX-WH' });
    const sleepy = aRequest([{ sku: 'POR-T', quantity: 9 }], { supplierCode: 'POR-SLEEPY' });
    const malformed = aRequest([{ sku: 'POR-T', quantity: 9 }], { lines: [] });
    const bad = [foreignSupplier, foreignSku, foreignLocation, sleepy, malformed];
    await requests.insertMany(bad);
    const metrics = new Registry();
    const retrying = follower({ retryUnfulfillableMs: 0, metrics });
    warnings.length = 0;

    for (let pass = 0; pass < 3; pass++) expect(await retrying.pass()).toMatchObject({ created: 0, unfulfillable: 5 });

    for (const request of bad) {
      expect(await ordersFor(request._id)).toEqual([]);
      expect(await ordersFor(request._id, t.keys.otherTenant)).toEqual([]);
    }
    expect(await position('POR-T')).toEqual({ onHand: 0, onOrder: 0 });
    expect(await position('POR-GLOBEX')).toEqual({ onHand: 0, onOrder: 0 });
    const globexOrders = await other.get('/api/orders/purchase?limit=100');
    expect(globexOrders.body.items).toEqual([]);
    // One warning per request over three passes, each saying why.
    expect(warnings.map((w) => [w.requestId, w.reason])).toEqual([
      [foreignSupplier._id, 'supplier ONLY-GLOBEX does not exist'],
      [foreignSku._id, 'Products do not exist: POR-GLOBEX'],
      [foreignLocation._id, 'Location GLOBEX-WH does not exist'],
      [sleepy._id, 'supplier POR-SLEEPY is inactive'],
      [malformed._id, expect.stringMatching(/^malformed request: lines: /)],
    ]);
    expect((await metrics.getSingleMetric('purchase_order_requests_unfulfillable')!.get()).values[0]!.value).toBe(5);
    expect((await metrics.getSingleMetric('purchase_order_request_attempts_failed_total')!.get()).values[0]!.value).toBe(15);

    // Retried slowly: with a long retry interval a second pass does not even try.
    const patient = follower({ retryUnfulfillableMs: 600_000 });
    expect(await patient.pass()).toMatchObject({ unfulfillable: 5 });
    warnings.length = 0;
    expect(await patient.pass()).toMatchObject({ unfulfillable: 5 });
    expect(warnings).toEqual([]);

    // What was missing arrives in acme (the other side saw it first): the next try orders it.
    expect((await admin.post('/api/suppliers', aSupplier({ code: 'ONLY-GLOBEX' }))).status).toBe(201);
    expect(await retrying.pass()).toMatchObject({ created: 1, unfulfillable: 4 });
    const [order] = await ordersFor(foreignSupplier._id);
    expect(order).toMatchObject({ status: 'ordered', supplierCode: 'ONLY-GLOBEX' });
    expect(await position('POR-T')).toEqual({ onHand: 0, onOrder: 9 });
    expect((await metrics.getSingleMetric('purchase_order_requests_unfulfillable')!.get()).values[0]!.value).toBe(4);
  });

  it("the database itself holds one order per request and tenant, leaving manual orders and other tenants' ids alone", async () => {
    const orders = t.models.PurchaseOrder.collection;
    const base = (tenantId: string, source: Record<string, string>) => ({
      tenantId,
      poNumber: `PO-RAW-${++sequence}`,
      supplierCode: SUPPLIER,
      locationCode: LOC,
      status: 'ordered',
      lines: [],
      source,
    });
    const id = `por-raw-${process.pid}`;
    await orders.insertOne(base('acme', { type: 'recommendation', id }));
    await expect(orders.insertOne(base('acme', { type: 'recommendation', id }))).rejects.toMatchObject({ code: 11000 });
    await orders.insertOne(base('globex', { type: 'recommendation', id }));
    await orders.insertMany([base('acme', { type: 'manual' }), base('acme', { type: 'manual' }), base('acme', { type: 'manual', id })]);
    expect(await orders.countDocuments({ 'source.id': id })).toBe(3);
    await orders.deleteMany({ poNumber: /^PO-RAW-/ });
  });

  it('forgets a request once the analytics side completes it', async () => {
    await products('POR-D');
    const request = aRequest([{ sku: 'POR-D', quantity: 3 }]);
    await requests.insertOne(request);
    const f = follower();
    expect(await f.pass()).toMatchObject({ created: 1 });
    const recordedBefore = (await f.pass()).recorded;
    await requests.updateOne({ _id: request._id }, { $set: { status: 'completed', completedAt: new Date() } });
    expect((await f.pass()).recorded).toBe(recordedBefore - 1);
    expect(await ordersFor(request._id)).toHaveLength(1);
  });
});

async function eventually(check: () => Promise<void>, timeoutMs = 10_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
