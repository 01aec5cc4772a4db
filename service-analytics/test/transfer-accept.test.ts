import { TRANSFER_REQUESTS_COLLECTION, type StoredRecommendation, type StoredTransferRequest } from '@icc/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { TransferExecutionMirrorDoc } from '../src/facts/transfer-execution-mirror.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { sweepAcceptedWithoutRequest } from '../src/planning/recommendation-actions.js';
import { completeTransferRequests } from '../src/planning/transfer-requests.js';
import { aRecommendation, storeRecommendations } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Accepting a TRANSFER through the API against the real engine: one transfer
 * request however many accepts race, refusals that write nothing, the sweeper
 * after a crash between the two writes, and the outcome the operational
 * service records (mirrored by CDC) closing it ORDERED or FAILED.
 */
let t: AnalyticsTestApp;
let buyer: string;
let otherBuyer: string;

const recs = () => t.analytics.collection<StoredRecommendation>(PLANNING_COLLECTIONS.recommendations);
const requests = () => t.analytics.collection<StoredTransferRequest>(TRANSFER_REQUESTS_COLLECTION);
const outcomes = () => t.analytics.collection<TransferExecutionMirrorDoc>(FACT_COLLECTIONS.transferExecutionsMirror);
const post = (url: string, key: string, payload?: object) =>
  t.app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload }) });

const aTransfer = (fields: Partial<StoredRecommendation> = {}) =>
  aRecommendation('acme', {
    type: 'TRANSFER',
    fromLocationCode: 'WH-2',
    supplierCode: null,
    supplierName: null,
    supplierReason: null,
    quantity: 30,
    action: 'Transfer 30 units of SKU-1 from WH-2 to WH-1 by 2026-01-02',
    ...fields,
  });

function anOutcome(request: string, outcome: 'done' | 'failed', reason: string | null): TransferExecutionMirrorDoc {
  const at = new Date('2026-01-02T10:00:00Z');
  return {
    _id: `acme:${request}`,
    sourceId: `src-${request}`,
    tenantId: 'acme',
    requestId: request,
    outcome,
    sku: 'SKU-1',
    fromLocationCode: 'WH-2',
    toLocationCode: 'WH-1',
    quantity: 30,
    reason,
    createdAt: at,
    updatedAt: at,
  };
}

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  buyer = await t.issueKey('acme', ['purchasing']);
  otherBuyer = await t.issueKey('globex', ['purchasing']);
});
afterAll(() => t.close());
beforeEach(async () => {
  await recs().deleteMany({});
  await requests().deleteMany({});
  await outcomes().deleteMany({});
});

describe('accepting a TRANSFER', () => {
  it('records one transfer request however many accepts race; the others get 409 naming it', async () => {
    const rec = aTransfer();
    await storeRecommendations(t.analytics, [rec]);
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(`/api/recommendations/${rec._id}/accept`, buyer)));
    const won = answers.filter((a) => a.statusCode === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(49);
    expect(answers.find((a) => a.statusCode === 409)!.json().message).toContain(`transfer request xfer-${rec._id}`);
    expect(won[0]!.json()).toMatchObject({
      recommendation: { status: 'ACCEPTED', transfer: { requestId: `xfer-${rec._id}`, quantity: 30, outcome: null } },
      purchaseOrderRequest: null,
      transferRequest: { id: `xfer-${rec._id}`, status: 'recorded', sku: 'SKU-1', fromLocationCode: 'WH-2', toLocationCode: 'WH-1', quantity: 30 },
    });
    expect(await requests().countDocuments()).toBe(1);
  });

  it('refuses a supplier, a fractional quantity and another tenant, writing nothing; takes another whole quantity', async () => {
    const rec = aTransfer();
    await storeRecommendations(t.analytics, [rec]);
    const supplier = await post(`/api/recommendations/${rec._id}/accept`, buyer, { supplierCode: 'SUP-A' });
    expect(supplier.json()).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', details: [{ path: 'supplierCode' }] });
    const fraction = await post(`/api/recommendations/${rec._id}/accept`, buyer, { quantity: 2.5 });
    expect(fraction.statusCode).toBe(400);
    expect((await post(`/api/recommendations/${rec._id}/accept`, otherBuyer)).statusCode).toBe(404);
    expect(await requests().countDocuments()).toBe(0);
    expect((await recs().findOne({ _id: rec._id }))!.status).toBe('PENDING');
    const fewer = await post(`/api/recommendations/${rec._id}/accept`, buyer, { quantity: 20 });
    expect(fewer.statusCode, fewer.body).toBe(200);
    expect((await requests().findOne())!.quantity).toBe(20);
  });

  it('the sweeper writes the request an accept crashed before writing, under the same id', async () => {
    const rec = aTransfer({
      status: 'ACCEPTED',
      actionedAt: new Date(Date.now() - 120_000),
      actionedBy: { apiKeyId: 'k', name: 'Dana' },
      transfer: { requestId: 'xfer-crashed', quantity: 30, outcome: null, reason: null, at: null },
    });
    await storeRecommendations(t.analytics, [rec]);
    expect(await sweepAcceptedWithoutRequest(t.analytics, new Date())).toBe(1);
    expect(await requests().findOne({ _id: 'xfer-crashed' })).toMatchObject({
      status: 'recorded',
      quantity: 30,
      recommendationId: rec._id,
      requestedBy: { name: 'Dana' },
    });
    expect(await sweepAcceptedWithoutRequest(t.analytics, new Date())).toBe(0);
  });

  it('closes ORDERED when the stock moved and FAILED with the reason when it did not; a FAILED one cannot be accepted again', async () => {
    const moved = aTransfer();
    const refused = aTransfer({ sku: 'SKU-2' });
    await storeRecommendations(t.analytics, [moved, refused]);
    for (const rec of [moved, refused]) expect((await post(`/api/recommendations/${rec._id}/accept`, buyer)).statusCode).toBe(200);
    expect(await completeTransferRequests(t.analytics, new Date())).toBe(0); // no outcome seen yet
    await outcomes().insertMany([
      anOutcome(`xfer-${moved._id}`, 'done', null),
      anOutcome(`xfer-${refused._id}`, 'failed', 'Not moved: SKU-2 at WH-2 has on hand 3'),
    ]);
    expect(await completeTransferRequests(t.analytics, new Date())).toBe(2);
    expect(await recs().findOne({ _id: moved._id })).toMatchObject({ status: 'ORDERED', transfer: { outcome: 'done', reason: null } });
    expect(await recs().findOne({ _id: refused._id })).toMatchObject({
      status: 'FAILED',
      transfer: { outcome: 'failed', reason: 'Not moved: SKU-2 at WH-2 has on hand 3' },
    });
    expect((await requests().find().sort({ _id: 1 }).toArray()).map((r) => r.status).sort()).toEqual(['completed', 'failed']);
    const again = await post(`/api/recommendations/${refused._id}/accept`, buyer);
    expect(again.json()).toMatchObject({ statusCode: 409, details: { status: 'FAILED' }, message: expect.stringContaining('has on hand 3') });
    const shown = await t.app.inject({ method: 'GET', url: `/api/recommendations/${refused._id}`, headers: { 'x-api-key': buyer } });
    expect(shown.json()).toMatchObject({ status: 'FAILED', transfer: { outcome: 'failed', at: '2026-01-02T10:00:00.000Z' } });
  });
});
