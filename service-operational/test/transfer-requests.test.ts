import { TRANSFER_EXECUTIONS_COLLECTION, TRANSFER_REQUESTS_COLLECTION, silentLogger, type StoredTransferRequest } from '@icc/shared';
import type { Collection, Db } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { followTransferRequests, TRANSFER_REQUEST_REFERENCE, type TransferRequestFollower } from '../src/stock/stock-transfer.requests.js';
import { aLocation, aProduct } from './support/builders.js';
import type { LooseJson } from './support/loose-json.js';
import { OTHER_TENANT, startTestApp, TENANT, type TestApp } from './support/test-app.js';

/**
 * The analytics service records a transfer request when a person accepts a
 * TRANSFER recommendation; the follower moves the stock at most once and
 * records the outcome (`transferExecutions`). These tests play the analytics
 * side by inserting requests into an analytics database of their own, and
 * check stock and the ledger over HTTP.
 */
let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let otherAdmin: ReturnType<TestApp['as']>;
let analytics: Db;
let requests: Collection<StoredTransferRequest>;
const followers: TransferRequestFollower[] = [];
const FROM = 'XFR-A';
const TO = 'XFR-B';
let sequence = 0;

function follower(): TransferRequestFollower {
  const created = followTransferRequests({ analytics, models: t.models, live: t.live, log: silentLogger });
  followers.push(created);
  return created;
}

function aRequest(overrides: Partial<StoredTransferRequest> = {}): StoredTransferRequest {
  const n = ++sequence;
  return {
    _id: `xfer-${process.pid}-${n}`,
    tenantId: TENANT,
    status: 'recorded',
    sku: 'XFR-1',
    fromLocationCode: FROM,
    toLocationCode: TO,
    quantity: 30,
    recommendationId: `rec-${n}`,
    requestedBy: { apiKeyId: 'key-of-dana', name: 'Dana' },
    createdAt: new Date(Date.UTC(2026, 10, 20) + n * 1_000),
    completedAt: null,
    failureReason: null,
    ...overrides,
  };
}

async function onHand(client: ReturnType<TestApp['as']>, sku: string, locationCode: string): Promise<number> {
  const item = (await client.get(`/api/stock/current?sku=${sku}&locationCode=${locationCode}`)).body.items[0] as { onHand: number } | undefined;
  return item?.onHand ?? 0;
}

const outcomes = () => t.models.TransferExecution.db.collection(TRANSFER_EXECUTIONS_COLLECTION);

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  otherAdmin = t.as(t.keys.otherTenant);
  analytics = t.models.Product.db.getClient().db(`an_xfr_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  requests = analytics.collection<StoredTransferRequest>(TRANSFER_REQUESTS_COLLECTION);
  // Both tenants have the same codes: the request's tenant alone decides whose stock moves.
  for (const client of [admin, otherAdmin]) {
    for (const code of [FROM, TO]) expect((await client.post('/api/locations', aLocation({ code }))).status).toBe(201);
    expect((await client.post('/api/products', aProduct({ sku: 'XFR-1' }))).status).toBe(201);
    expect((await client.post('/api/stock/adjustment', { sku: 'XFR-1', locationCode: FROM, quantity: 100, reason: 'count' })).status).toBe(201);
  }
});
// As the analytics side does once it sees the outcome through CDC.
afterEach(async () => {
  await requests.updateMany({ status: 'recorded' }, { $set: { status: 'completed', completedAt: new Date() } });
});
afterAll(async () => {
  for (const f of followers) await f.stop();
  await analytics.dropDatabase();
  await t.close();
});

describe('accepted TRANSFER recommendations → stock transfers', () => {
  it('moves the stock once, through the ledger in the name of who accepted, however many followers pass at once', async () => {
    const before = { from: await onHand(admin, 'XFR-1', FROM), to: await onHand(admin, 'XFR-1', TO) };
    const request = aRequest();
    await requests.insertOne(request);
    const passes = await Promise.all([follower(), follower(), follower()].flatMap((f) => [f.pass(), f.pass(), f.pass()]));
    expect(passes.reduce((n, p) => n + p.done, 0)).toBe(1);
    expect(passes.reduce((n, p) => n + p.failed, 0)).toBe(0);
    expect(await onHand(admin, 'XFR-1', FROM)).toBe(before.from - 30);
    expect(await onHand(admin, 'XFR-1', TO)).toBe(before.to + 30);
    const movements = (await admin.get(`/api/stock/movements?referenceType=${TRANSFER_REQUEST_REFERENCE}&referenceId=${request._id}`)).body
      .items as LooseJson[];
    expect(movements.map((m) => [m.type, m.locationCode, m.deltas.onHand, m.actor.keyName]).sort()).toEqual([
      ['transferIn', TO, 30, 'Dana'],
      ['transferOut', FROM, -30, 'Dana'],
    ]);
    expect(
      await outcomes()
        .find({ requestId: request._id }, { projection: { _id: 0, tenantId: 1, outcome: 1, reason: 1, quantity: 1 } })
        .toArray(),
    ).toEqual([{ tenantId: TENANT, outcome: 'done', reason: null, quantity: 30 }]);
    // The other tenant's stock with the same codes did not move.
    expect(await onHand(otherAdmin, 'XFR-1', FROM)).toBe(100);
    // A later pass (the request still recorded until analytics completes it) moves nothing.
    expect(await follower().pass()).toMatchObject({ recorded: 1, done: 0, existing: 1 });
  });

  it('records a failure with the reason when the source lacks the stock at execution time, moves nothing, and never retries it', async () => {
    const before = { from: await onHand(admin, 'XFR-1', FROM), to: await onHand(admin, 'XFR-1', TO) };
    const request = aRequest({ quantity: before.from + 1 });
    await requests.insertOne(request);
    expect(await follower().pass()).toMatchObject({ done: 0, failed: 1 });
    expect(await onHand(admin, 'XFR-1', FROM)).toBe(before.from);
    expect(await onHand(admin, 'XFR-1', TO)).toBe(before.to);
    const [outcome, ...more] = await outcomes().find({ requestId: request._id }).toArray();
    expect(more).toEqual([]);
    expect(outcome).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(`Not moved: XFR-1 at ${FROM} has on hand ${before.from}`) });
    // Stock arriving later does not revive it: the outcome is final.
    await admin.post('/api/stock/adjustment', { sku: 'XFR-1', locationCode: FROM, quantity: 500, reason: 'delivery' });
    expect(await follower().pass()).toMatchObject({ done: 0, failed: 0, existing: 1 });
    expect(await onHand(admin, 'XFR-1', TO)).toBe(before.to);
  });

  it('gets past a backlog of executed requests analytics has not completed yet (more than one batch)', async () => {
    await admin.post('/api/stock/adjustment', { sku: 'XFR-1', locationCode: FROM, quantity: 300, reason: 'delivery' });
    const before = { from: await onHand(admin, 'XFR-1', FROM), to: await onHand(admin, 'XFR-1', TO) };
    await requests.insertMany(Array.from({ length: 150 }, () => aRequest({ quantity: 2 })));
    const f = follower();
    const first = await f.pass();
    const second = await f.pass();
    // Every one moved exactly once over the two passes; the second only skips what the first did.
    expect(first.done + second.done).toBe(150);
    expect(second).toMatchObject({ recorded: 150, done: 0, failed: 0 });
    expect(await onHand(admin, 'XFR-1', FROM)).toBe(before.from - 300);
    expect(await onHand(admin, 'XFR-1', TO)).toBe(before.to + 300);
    // A fresh follower (a restart) reads the outcomes instead of its memory, and moves nothing again.
    expect(await follower().pass()).toMatchObject({ recorded: 150, done: 0, existing: 150 });
  });

  it("acts in the request's tenant only: an unknown location there is a failure, not another tenant's stock", async () => {
    const request = aRequest({ tenantId: OTHER_TENANT, toLocationCode: 'NOWHERE', quantity: 5 });
    await requests.insertOne(request);
    expect(await follower().pass()).toMatchObject({ done: 0, failed: 1 });
    expect(await onHand(otherAdmin, 'XFR-1', FROM)).toBe(100);
    expect((await outcomes().findOne({ requestId: request._id }))!).toMatchObject({
      tenantId: OTHER_TENANT,
      outcome: 'failed',
      reason: expect.stringContaining('NOWHERE'),
    });
  });
});
