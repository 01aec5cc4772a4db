/**
 * Journey: a business's history and today's orders, entered through the
 * operational service, flow through CDC into raw events, daily facts and
 * features, and come back out of the analytics API.
 */
import { utcDayKey } from '@icc/shared';
import { issueApiKey } from '@icc/service-operational';
import { createAnalyticsApp, createPipeline, ensureAnalyticsIndexes } from '@icc/service-analytics';
import { createCdcConsumer, type CdcConsumer, recomputeAllFacts } from '@icc/service-analytics/testing';
import { seedDemo, yesterday } from '@icc/scripts';
import { MongoClient } from 'mongodb';
import type mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCdcMarker } from '../support/cdc.js';
import { startJourneyOperational } from '../support/operational.js';
import '../support/provided-context.js';

const TENANT = 'journey';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_journey_${suffix}`;
const AN_DB = `an_journey_${suffix}`;

let connection: mongoose.Connection;
let client: MongoClient;
let consumer: CdcConsumer;
let cdc: ReturnType<typeof withCdcMarker>;
let operationalUrl: string;
let closeOperational: () => Promise<void>;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
let key: string;

/** A page of a list route. */
interface Page<T> {
  items: T[];
}

/** Call the operational API; `T` is the JSON body's shape as the journey reads it (its values are asserted on). */
const api = async <T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${operationalUrl}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
};

/** A stock position's fields compared between the operational positions and the analytics read model. */
interface PositionRow {
  tenantId: string;
  sku: string;
  locationCode: string;
  onHand: number;
  reserved: number;
  available: number;
}

/** Wait until the consumer has applied everything written so far. */
async function caughtUp(): Promise<void> {
  await cdc.caughtUp(client, OP_DB, TENANT);
}

beforeAll(async () => {
  const uri = inject('mongoUri');
  const operational = await startJourneyOperational(uri, OP_DB);
  connection = operational.connection;
  operationalUrl = operational.url;
  closeOperational = operational.close;

  // Sixty days of a small business, through the service's own history import.
  const summary = await seedDemo(operational.models, TENANT, { seed: 7, products: 12, days: 60, endDay: yesterday() });
  expect(summary.orders).toBeGreaterThan(100);
  key = (await issueApiKey(operational.models, TENANT, 'journey desk', ['admin'])).key;

  client = await MongoClient.connect(uri);
  const analytics = client.db(AN_DB);
  await ensureAnalyticsIndexes(analytics);
  cdc = withCdcMarker(createPipeline(analytics));
  consumer = createCdcConsumer({ client, operationalDb: OP_DB, analyticsDb: AN_DB, sink: cdc.sink, maxAwaitTimeMS: 100 });
  await consumer.start();
  analyticsApp = await createAnalyticsApp({ analytics, operational: client.db(OP_DB), cdcStatus: () => consumer.status() });
  await caughtUp();
}, 300_000);

afterAll(async () => {
  await consumer?.stop();
  await cdc?.close();
  await analyticsApp?.close();
  await closeOperational?.();
  await client?.db(AN_DB).dropDatabase();
  await client?.close();
  await connection?.dropDatabase();
  await connection?.close();
});

describe('history backfilled into analytics', () => {
  it('has exactly one demanded raw event per order line of the source, and facts equal to a recomputation', async () => {
    const lines = await client
      .db(OP_DB)
      .collection('salesOrders')
      .aggregate<{ n: number }>([{ $match: { tenantId: TENANT } }, { $unwind: '$lines' }, { $count: 'n' }])
      .toArray();
    const demanded = await client.db(AN_DB).collection('rawSalesEvents').countDocuments({ tenantId: TENANT, kind: 'demanded' });
    expect(demanded).toBe(lines[0]!.n);

    const stored = await client.db(AN_DB).collection('dailySalesFacts').find({ tenantId: TENANT }).toArray();
    const recomputed = await recomputeAllFacts(client.db(AN_DB), TENANT);
    const strip = (f: Record<string, unknown>) =>
      JSON.stringify(
        Object.fromEntries(
          Object.entries(f)
            .filter(([k]) => k !== 'updatedAt')
            .sort(),
        ),
      );
    expect(stored.map(strip).sort()).toEqual(recomputed.map((f) => strip(f as unknown as Record<string, unknown>)).sort());
    expect(stored.length).toBeGreaterThan(100);
  });

  it('serves the sales history of a SKU as daily rows matching the facts', async () => {
    const fact = await client
      .db(AN_DB)
      .collection('dailySalesFacts')
      .findOne({ tenantId: TENANT, quantitySold: { $gt: 0 } });
    const day = fact!.day as string;
    const res = await analyticsApp.inject({
      method: 'GET',
      url: `/api/internal/analytics/sales-history?sku=${fact!.sku}&start=${day}&end=${day}`,
      headers: { 'x-api-key': key },
    });
    expect(res.statusCode).toBe(200);
    const sold = await client
      .db(AN_DB)
      .collection('dailySalesFacts')
      .aggregate<{ q: number }>([{ $match: { tenantId: TENANT, sku: fact!.sku, day } }, { $group: { _id: null, q: { $sum: '$quantitySold' } } }])
      .toArray();
    expect(res.json()).toEqual([expect.objectContaining({ date: day, sku: fact!.sku, quantitySold: sold[0]!.q })]);
  });

  it('builds features for SKUs with enough history, leakage-safe and complete', async () => {
    const rows = await client.db(AN_DB).collection('features').find({ tenantId: TENANT }).sort({ day: 1 }).toArray();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      for (const field of ['lag1', 'lag7', 'lag14', 'rollingMean7', 'rollingMean28', 'trendIndex', 'dayOfWeek']) {
        expect(Number.isFinite(row[field])).toBe(true);
      }
    }
    const trend = await analyticsApp.inject({ method: 'GET', url: `/api/analytics/trends/${rows[0]!.sku}`, headers: { 'x-api-key': key } });
    expect(trend.statusCode).toBe(200);
    expect(['up', 'flat', 'down']).toContain(trend.json().direction);
  });
});

describe("today's orders streamed into analytics", () => {
  it('turns a shipped order and a rejected line into raw events and today’s facts', async () => {
    const location = (await api<Page<{ code: string }>>('GET', '/api/locations?limit=1')).body.items[0]!.code;
    const customer = (await api<Page<{ code: string }>>('GET', '/api/customers?limit=1')).body.items[0]!.code;
    const positions = (await api<Page<{ sku: string; available: number }>>('GET', `/api/stock/current?locationCode=${location}&limit=200`)).body.items;
    const inStock = positions.find((p) => p.available >= 3)!;
    const today = utcDayKey(new Date());
    const factBefore = await client.db(AN_DB).collection('dailySalesFacts').findOne({ tenantId: TENANT, sku: inStock.sku, locationCode: location, day: today });

    const order = await api<{ id: string; lines: Array<{ status: string; unitPrice: number }> }>('POST', '/api/orders/sales', {
      customerCode: customer,
      locationCode: location,
      confirm: true,
      onShortage: 'reject',
      lines: [
        { sku: inStock.sku, quantity: 2 },
        { sku: inStock.sku === positions[0]!.sku ? positions[1]!.sku : positions[0]!.sku, quantity: 1_000_000 },
      ],
    });
    expect(order.status).toBe(201);
    expect(order.body.lines.map((l: { status: string }) => l.status)).toEqual(['reserved', 'rejected']);
    expect((await api('PUT', `/api/orders/sales/${order.body.id}/status`, { status: 'shipped' })).status).toBe(200);
    await caughtUp();

    const events = await client.db(AN_DB).collection('rawSalesEvents').find({ orderId: order.body.id }).sort({ _id: 1 }).toArray();
    expect(events.map((e) => [e.line, e.kind, e.quantity])).toEqual([
      [0, 'demanded', 2],
      [0, 'fulfilled', 2],
      [1, 'demanded', 1_000_000],
      [1, 'unfulfilled', 1_000_000],
    ]);
    const fact = await client.db(AN_DB).collection('dailySalesFacts').findOne({ tenantId: TENANT, sku: inStock.sku, locationCode: location, day: today });
    expect(fact!.quantitySold - (factBefore?.quantitySold ?? 0)).toBe(2);
    expect(fact!.quantityDemanded - (factBefore?.quantityDemanded ?? 0)).toBe(2);
    expect(fact!.revenue - (factBefore?.revenue ?? 0)).toBeCloseTo(2 * order.body.lines[0]!.unitPrice, 2);
  });

  it('keeps the analytics stock read model equal to the operational positions', async () => {
    const source = await client.db(OP_DB).collection<PositionRow>('stockPositions').find({ tenantId: TENANT }).toArray();
    const mirror = await client.db(AN_DB).collection<PositionRow>('stockReadModel').find({ tenantId: TENANT }).toArray();
    const view = (p: PositionRow) => `${p.sku}@${p.locationCode}:${p.onHand}/${p.reserved}/${p.available}`;
    expect(mirror.map(view).sort()).toEqual(source.map(view).sort());
  });
});
