/**
 * Journey: TRANSFER recommendations and back-orders through both services on
 * the real engine. Demo history → CDC → a forecast job → a planning run that,
 * for a shelf emptied at one location while another holds far more than it
 * needs, recommends moving stock instead of buying → accept → the operational
 * follower moves it once (a repeat, or a second pass, moves nothing) → the
 * recommendation ORDERED. A transfer whose source was emptied before it ran
 * ends FAILED with the reason, nothing moved. A back-ordered sales order
 * lowers the next run's position by its quantity and raises the order.
 */
import type { AddressInfo } from 'node:net';
import {
  createLogger,
  DEFAULT_PLANNING_SETTINGS,
  PlanningRunSchema,
  RecommendationListSchema,
  RecommendationSchema,
  silentLogger,
  type PlanningRun,
  type Recommendation,
} from '@icc/shared';
import { followTransferRequests, issueApiKey, TRANSFER_REQUEST_REFERENCE, type TransferRequestFollower } from '@icc/service-operational';
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

const TENANT = 'transfer-journey';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_tj_${suffix}`;
const AN_DB = `an_tj_${suffix}`;

let connection: mongoose.Connection;
let operational: Awaited<ReturnType<typeof startJourneyOperational>>;
let client: MongoClient;
let consumer: CdcConsumer;
let cdc: ReturnType<typeof withCdcMarker>;
let pool: ForecastPool;
let runner: ForecastRunner;
let planning: ReturnType<typeof createPlanningWorker>;
let follower: TransferRequestFollower;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
let analyticsUrl: string;
const keys: Record<'planner' | 'purchasing' | 'warehouse' | 'sales', string> = { planner: '', purchasing: '', warehouse: '', sales: '' };

const caughtUp = () => cdc.caughtUp(client, OP_DB, TENANT, 120_000);

async function planningRun(skus: string[]): Promise<PlanningRun> {
  const queued = await call<{ runId: string }>(analyticsUrl, 'POST', '/api/planning/runs', keys.planner, { skus });
  expect(queued.status).toBe(202);
  return eventually('the planning run', async () => {
    const run = PlanningRunSchema.parse((await call<unknown>(analyticsUrl, 'GET', `/api/planning/runs/${queued.body.runId}`, keys.planner)).body);
    expect(run.status).not.toBe('failed');
    return run.status === 'completed' ? run : undefined;
  });
}

async function recommendations(query: string): Promise<Recommendation[]> {
  const res = await call<unknown>(analyticsUrl, 'GET', `/api/recommendations?${query}`, keys.purchasing);
  expect(res.status).toBe(200);
  return RecommendationListSchema.parse(res.body).items;
}

const recommendation = async (id: string) =>
  RecommendationSchema.parse((await call<unknown>(analyticsUrl, 'GET', `/api/recommendations/${id}`, keys.purchasing)).body);

async function onHand(sku: string, locationCode: string): Promise<number> {
  const row = await connection.collection('stockPositions').findOne({ tenantId: TENANT, sku, locationCode });
  return Number(row?.['onHand'] ?? 0);
}

/** Set a shelf to `quantity` through the warehouse API (a count). */
async function count(sku: string, locationCode: string, quantity: number): Promise<void> {
  const delta = quantity - (await onHand(sku, locationCode));
  if (delta === 0) return;
  const res = await call(operational.url, 'POST', '/api/stock/adjustment', keys.warehouse, { sku, locationCode, quantity: delta, reason: 'cycle count' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function putSettings(overrides: Partial<typeof DEFAULT_PLANNING_SETTINGS>): Promise<void> {
  const res = await call(analyticsUrl, 'PUT', '/api/planning/settings', keys.planner, { ...DEFAULT_PLANNING_SETTINGS, ...overrides });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Two stocked locations of a SKU with a supplier: the journey's material. */
let sku: string;
let skuFailing: string;
let short: string;
let full: string;

beforeAll(async () => {
  const uri = inject('mongoUri');
  operational = await startJourneyOperational(uri, OP_DB);
  connection = operational.connection;
  client = await MongoClient.connect(uri);
  await seedDemo(operational.models, TENANT, { seed: 29, products: 8, days: 90, endDay: yesterday() });
  for (const role of ['planner', 'purchasing', 'warehouse', 'sales'] as const)
    keys[role] = (await issueApiKey(operational.models, TENANT, `${role} desk`, [role])).key;

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
  // Passes are driven by the test (pass()), so the failure case can empty a shelf between accept and execution.
  follower = followTransferRequests({ analytics, models: operational.models, live: operational.live, log: silentLogger });
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
  await caughtUp();

  const code = await runTriggerForecast(['--url', analyticsUrl, '--api-key', keys.planner, '--horizon', '28', '--poll', '100', '--json'], {
    stdout: () => {},
    stderr: () => {},
    env: {},
    isTTY: false,
  });
  expect(code).toBe(0);
  // Two SKUs stocked at two or more locations, with a supplier.
  const stocked = await connection
    .collection('stockPositions')
    .aggregate<{ _id: string; locations: string[] }>([
      { $match: { tenantId: TENANT } },
      { $group: { _id: '$sku', locations: { $push: '$locationCode' } } },
      { $match: { 'locations.1': { $exists: true } } },
      { $sort: { _id: 1 } },
    ])
    .toArray();
  const linked = new Set((await connection.collection('productSuppliers').distinct('sku', { tenantId: TENANT })).map(String));
  const usable = stocked.filter((s) => linked.has(s._id));
  expect(usable.length).toBeGreaterThanOrEqual(2);
  sku = usable[0]!._id;
  skuFailing = usable[1]!._id;
  [short, full] = [...usable[0]!.locations].sort() as [string, string];
  expect(usable[1]!.locations).toEqual(expect.arrayContaining([short, full]));
}, 300_000);

afterAll(async () => {
  await follower?.stop();
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

describe('a TRANSFER instead of a purchase', () => {
  let transfer: Recommendation;

  it('recommends moving stock from a location with far more than it needs to an emptied shelf, in numbers', async () => {
    await putSettings({ schedule: { enabled: false, timeOfDay: '05:00' }, transferFixedCost: 10, transferUnitCost: 0.01 });
    await count(sku, short, 0);
    await count(sku, full, 5_000);
    await caughtUp();
    await planningRun([sku]);
    const [found] = await recommendations(`type=TRANSFER&status=PENDING&sku=${sku}&locationCode=${short}`);
    expect(found, `no pending TRANSFER of ${sku} to ${short}`).toBeDefined();
    transfer = found!;
    expect(transfer).toMatchObject({ fromLocationCode: full, supplierCode: null, priority: 'CRITICAL' });
    expect(transfer.quantity).toBeGreaterThan(0);
    expect(transfer.cost).toBeCloseTo(10 + 0.01 * transfer.quantity, 2);
    expect(transfer.savingsPotential).toBeGreaterThan(0);
    expect(transfer.action).toBe(`Transfer ${transfer.quantity} units of ${sku} from ${full} to ${short} by ${transfer.orderByDate}`);
    expect(transfer.reasoning.join('\n')).toContain(`${full} can give ${transfer.quantity}`);
    // Replaced in full (the source has plenty): no REORDER for the emptied shelf.
    expect(await recommendations(`type=REORDER&status=PENDING&sku=${sku}&locationCode=${short}`)).toEqual([]);
  }, 120_000);

  it('accepting it moves the stock once, through the ledger, and the recommendation becomes ORDERED', async () => {
    const before = { short: await onHand(sku, short), full: await onHand(sku, full) };
    const accepted = await call<{ recommendation: Recommendation; transferRequest: { id: string; quantity: number } }>(
      analyticsUrl,
      'POST',
      `/api/recommendations/${transfer.id}/accept`,
      keys.purchasing,
      {},
    );
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.recommendation).toMatchObject({ status: 'ACCEPTED', transfer: { quantity: transfer.quantity, outcome: null } });
    const requestId = accepted.body.transferRequest.id;
    expect(requestId).toBe(`xfer-${transfer.id}`);
    const again = await call<{ message: string; code: string }>(analyticsUrl, 'POST', `/api/recommendations/${transfer.id}/accept`, keys.purchasing, {});
    expect(again.status).toBe(409);
    expect(again.body.message).toContain(`transfer request ${requestId}`);

    expect(await follower.pass()).toMatchObject({ done: 1, failed: 0 });
    // The request stays recorded until analytics sees the outcome: a second pass finds it executed and moves nothing.
    expect(await follower.pass()).toMatchObject({ done: 0, existing: 1 });
    expect(await onHand(sku, short)).toBe(before.short + transfer.quantity);
    expect(await onHand(sku, full)).toBe(before.full - transfer.quantity);
    const rows = await connection
      .collection('stockMovements')
      .find({ tenantId: TENANT, 'reference.type': TRANSFER_REQUEST_REFERENCE, 'reference.id': requestId })
      .toArray();
    expect(rows.map((r) => [r['type'], r['locationCode'], r['deltas']])).toEqual(
      expect.arrayContaining([
        ['transferOut', full, { onHand: -transfer.quantity }],
        ['transferIn', short, { onHand: transfer.quantity }],
      ]),
    );
    expect(rows).toHaveLength(2);

    const ordered = await eventually('the TRANSFER to be ORDERED', async () => {
      const rec = await recommendation(transfer.id);
      return rec.status === 'ORDERED' ? rec : undefined;
    });
    expect(ordered.transfer).toMatchObject({ requestId, quantity: transfer.quantity, outcome: 'done', reason: null });
  }, 120_000);

  it('a transfer whose source has been emptied when it runs ends FAILED with the reason; nothing moves', async () => {
    await count(skuFailing, short, 0);
    await count(skuFailing, full, 5_000);
    await caughtUp();
    await planningRun([skuFailing]);
    const [pending] = await recommendations(`type=TRANSFER&status=PENDING&sku=${skuFailing}&locationCode=${short}`);
    expect(pending, `no pending TRANSFER of ${skuFailing}`).toBeDefined();
    expect((await call(analyticsUrl, 'POST', `/api/recommendations/${pending!.id}/accept`, keys.planner, {})).status).toBe(200);
    // Before the transfer runs, the source's stock goes (sold, damaged, miscounted).
    await count(skuFailing, full, 0);
    expect(await follower.pass()).toMatchObject({ done: 0, failed: 1 });
    expect(await onHand(skuFailing, short)).toBe(0);
    expect(await onHand(skuFailing, full)).toBe(0);
    const failed = await eventually('the TRANSFER to be FAILED', async () => {
      const rec = await recommendation(pending!.id);
      return rec.status === 'FAILED' ? rec : undefined;
    });
    expect(failed.transfer).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`Not moved: ${skuFailing} at ${full} has on hand 0`) });
    // It cannot be acted on any more, and says why.
    const retry = await call<{ message: string }>(analyticsUrl, 'POST', `/api/recommendations/${pending!.id}/accept`, keys.planner, {});
    expect(retry.status).toBe(409);
    expect(retry.body.message).toContain('could not be carried out');
    expect(await follower.pass()).toMatchObject({ done: 0, failed: 0 });
  }, 120_000);
});

describe('back-orders in the position', () => {
  it('a back-ordered sales order lowers the position by its quantity and raises the recommended order', async () => {
    // No transfers here: the order alone answers the shortage.
    await putSettings({ schedule: { enabled: false, timeOfDay: '05:00' }, transferFixedCost: 100_000 });
    await count(skuFailing, short, 0);
    await caughtUp();
    await planningRun([skuFailing]);
    const [before] = await recommendations(`type=REORDER&status=PENDING&sku=${skuFailing}&locationCode=${short}`);
    expect(before, 'a REORDER for the empty shelf').toBeDefined();

    const customer = await connection.collection('customers').findOne({ tenantId: TENANT });
    const order = await call<{ lines: Array<{ status: string; backorderedQuantity: number }> }>(operational.url, 'POST', '/api/orders/sales', keys.sales, {
      customerCode: customer!['code'],
      locationCode: short,
      lines: [{ sku: skuFailing, quantity: 37 }],
      onShortage: 'backorder',
      confirm: true,
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    expect(order.body.lines[0]).toMatchObject({ status: 'backordered', backorderedQuantity: 37 });
    await caughtUp();
    await planningRun([skuFailing]);
    const [after] = await recommendations(`type=REORDER&status=PENDING&sku=${skuFailing}&locationCode=${short}`);
    expect(after!.currentPosition).toBeCloseTo(before!.currentPosition - 37, 2);
    expect(after!.quantity).toBeGreaterThan(before!.quantity);
    expect(after!.reasoning[0]).toContain('back-ordered 37');
  }, 120_000);
});
