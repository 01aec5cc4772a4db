/**
 * Crash safety of accept → purchase order: the operational service runs as
 * its own process (src/main.ts, the follower started as in production)
 * against an embedded-mongo process, while this process records a few hundred
 * purchase-order requests in the analytics database the way the analytics
 * service does, and SIGKILLs the service at seeded-random moments, restarting
 * it each time. At the end every request has exactly one order, and each
 * position's on order is exactly what the orders leave open (and what its
 * ledger sums to): no order without its stock effect, no stock effect without
 * its order.
 */
import {
  CreateLocationSchema,
  CreateProductSchema,
  CreateSupplierSchema,
  PURCHASE_ORDER_REQUESTS_COLLECTION,
  type Principal,
  type StoredPurchaseOrderRequest,
} from '@icc/shared';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModels, syncModels } from '../src/db/models.js';
import { createLocationService } from '../src/locations/location.service.js';
import { createProductService } from '../src/products/product.service.js';
import { createSupplierService } from '../src/suppliers/supplier.service.js';
import { ensureTenant } from '../src/tenancy/api-key.service.js';
import { runAsPrincipal } from '../src/tenancy/tenant-context.js';
import { aLocation, aProduct, aSupplier, seededRandom } from './support/builders.js';
import { childProcesses, uriOf, type Child } from './support/child-processes.js';

const children = childProcesses();
const OPERATIONAL_DB = 'po_crash_operational';
const ANALYTICS_DB = 'po_crash_analytics';
const REQUESTS = 300;
const MIN_KILLS = 8;
/** Kills that must land while requests were still waiting for their order (else the kills tested nothing). */
const MIN_KILLS_MID_WORK = 4;
const SEED = 20_260_314;
const SKUS = ['CR-A', 'CR-B', 'CR-C', 'CR-D'];
const LOCATIONS = ['CR-WH1', 'CR-WH2'];
const TENANT = 'acme';
/** PO_CRASH_VERBOSE=1 prints progress (kills, orders made) to stderr. */
const progress = (line: string) => {
  if (process.env.PO_CRASH_VERBOSE) process.stderr.write(`po-crash ${new Date().toISOString().slice(11, 23)} ${line}\n`);
};

function aRequest(n: number, random: () => number): StoredPurchaseOrderRequest {
  const lineCount = 1 + Math.floor(random() * 3);
  const start = Math.floor(random() * SKUS.length);
  const skus = Array.from({ length: lineCount }, (_, k) => SKUS[(start + k) % SKUS.length]!);
  return {
    _id: `por-crash-${String(n).padStart(4, '0')}`,
    tenantId: TENANT,
    status: 'recorded',
    supplierCode: 'CR-SUP',
    locationCode: LOCATIONS[n % LOCATIONS.length]!,
    lines: skus.map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 50), unitCost: 2 })),
    expectedDate: new Date('2026-12-01T00:00:00Z'),
    recommendationIds: [`rec-crash-${n}`],
    requestedBy: { apiKeyId: 'key-of-dana', name: 'Dana' },
    createdAt: new Date(Date.UTC(2026, 10, 20) + n),
    completedAt: null,
    purchaseOrderId: null,
    poNumber: null,
  };
}

describe('purchase-order requests: crash safety (service as a child process, SIGKILL)', () => {
  let engine: Child;
  let client: MongoClient;
  let service: Child | null = null;

  beforeAll(async () => {
    engine = await children.startEngine();
    client = await new MongoClient(uriOf(engine)).connect();
  });
  afterAll(async () => {
    await client?.close();
    await children.tearDown(engine);
  });

  it(`ends with exactly one order per request and on order equal to the open orders after ≥ ${MIN_KILLS} SIGKILLs`, async () => {
    const uri = uriOf(engine);
    const startService = () => children.startOperational(uri, { operational: OPERATIONAL_DB, analytics: ANALYTICS_DB });
    const random = seededRandom(SEED);

    // The catalogue, through the services' own code, in the tenant's scope.
    const connection = await mongoose.createConnection(uri, { dbName: OPERATIONAL_DB }).asPromise();
    const models = registerModels(connection);
    await syncModels(models);
    await ensureTenant(models, TENANT, 'Acme Trading');
    const principal: Principal = { tenantId: TENANT, apiKeyId: 'seed', keyName: 'seed', roles: ['admin'] };
    await runAsPrincipal(principal, async () => {
      for (const code of LOCATIONS) await createLocationService(models).create(CreateLocationSchema.parse(aLocation({ code })));
      for (const sku of SKUS) await createProductService(models).create(CreateProductSchema.parse(aProduct({ sku })));
      await createSupplierService(models).create(CreateSupplierSchema.parse(aSupplier({ code: 'CR-SUP' })));
    });
    await connection.close();

    const operational = client.db(OPERATIONAL_DB);
    const requests = client.db(ANALYTICS_DB).collection<StoredPurchaseOrderRequest>(PURCHASE_ORDER_REQUESTS_COLLECTION);
    const all = Array.from({ length: REQUESTS }, (_, n) => aRequest(n, random));
    // A third recorded before the first start, the rest while the service is being killed.
    await requests.insertMany(all.slice(0, REQUESTS / 3));
    const orderCount = () => operational.collection('purchaseOrders').countDocuments({ 'source.type': 'recommendation' });

    let recorded = REQUESTS / 3;
    let kills = 0;
    let killsMidWork = 0;
    service = await startService();
    while (kills < MIN_KILLS || recorded < REQUESTS) {
      if (recorded < REQUESTS) {
        const more = all.slice(recorded, recorded + REQUESTS / 6);
        await requests.insertMany(more);
        recorded += more.length;
      }
      await new Promise((resolve) => setTimeout(resolve, 200 + random() * 1_300)); // after its ready line: mid-pass, between passes
      const before = await orderCount();
      service.process.kill('SIGKILL');
      await service.exited;
      kills += 1;
      if (before < recorded) killsMidWork += 1;
      // A killed client's open transaction holds its documents until the server aborts it: mongod does
      // so after transactionLifetimeLimitSeconds (60 s); embedded-mongo never does, so end it as an operator would.
      await client.db('admin').command({ killAllSessions: [] });
      progress(`kill ${kills}: ${before} of ${recorded} recorded requests had their order`);
      service = await startService();
    }

    const deadline = Date.now() + 60_000;
    while ((await orderCount()) < REQUESTS) {
      if (Date.now() > deadline) throw new Error(`only ${await orderCount()} of ${REQUESTS} orders after the last restart`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    service.process.kill('SIGTERM');
    await service.exited;
    service = null;
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(killsMidWork).toBeGreaterThanOrEqual(MIN_KILLS_MID_WORK);

    // 1. Exactly one order per request, with the request's lines, placed.
    const orders = await operational
      .collection<{
        source: { id: string };
        status: string;
        locationCode: string;
        lines: Array<{ sku: string; quantity: number; receivedQuantity: number }>;
      }>('purchaseOrders')
      .find({ tenantId: TENANT, 'source.type': 'recommendation' })
      .toArray();
    const perRequest = new Map<string, number>();
    for (const order of orders) perRequest.set(order.source.id, (perRequest.get(order.source.id) ?? 0) + 1);
    expect(orders).toHaveLength(REQUESTS);
    expect([...perRequest.values()].filter((count) => count !== 1)).toEqual([]);
    expect([...perRequest.keys()].sort()).toEqual(all.map((r) => r._id).sort());
    const byId = new Map(orders.map((order) => [order.source.id, order]));
    for (const request of all) {
      const order = byId.get(request._id)!;
      expect({ id: request._id, status: order.status, location: order.locationCode, lines: order.lines.map((l) => [l.sku, l.quantity]) }).toEqual({
        id: request._id,
        status: 'ordered',
        location: request.locationCode,
        lines: request.lines.map((l) => [l.sku, l.quantity]),
      });
    }

    // 2. On order per position = what the orders leave open = the sum of its ledger.
    const open = new Map<string, number>();
    for (const order of orders) {
      for (const line of order.lines) {
        const key = `${line.sku}@${order.locationCode}`;
        open.set(key, (open.get(key) ?? 0) + line.quantity - line.receivedQuantity);
      }
    }
    const positions = await operational
      .collection<{ sku: string; locationCode: string; onOrder: number }>('stockPositions')
      .find({ tenantId: TENANT })
      .toArray();
    expect(new Map(positions.map((p) => [`${p.sku}@${p.locationCode}`, p.onOrder]))).toEqual(open);
    const ledger = await operational
      .collection('stockMovements')
      .aggregate<{ _id: string; onOrder: number; rows: number }>([
        { $match: { tenantId: TENANT } },
        { $group: { _id: { $concat: ['$sku', '@', '$locationCode'] }, onOrder: { $sum: '$deltas.onOrder' }, rows: { $sum: 1 } } },
      ])
      .toArray();
    expect(new Map(ledger.map((row) => [row._id, row.onOrder]))).toEqual(open);
    // One ledger row per order line: none lost, none doubled.
    expect(ledger.reduce((sum, row) => sum + row.rows, 0)).toBe(all.reduce((sum, r) => sum + r.lines.length, 0));

    process.stderr.write(`po-crash: ${REQUESTS} requests, ${kills} SIGKILLs (${killsMidWork} mid-work), ${orders.length} orders\n`);
  }, 180_000);
});
