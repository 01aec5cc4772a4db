import { eachUtcDay } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import { SEASONALITY_DATA_LIMIT } from '../src/features/analytics.query-schemas.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

let t: AnalyticsTestApp;
let key: string;
const SKUS = ['CAP-A', 'CAP-B', 'CAP-C'];

function fact(tenantId: string, sku: string, day: string): DailySalesFactDocument {
  return {
    _id: `${tenantId}:${sku}:WH-1:${day}`,
    tenantId,
    sku,
    locationCode: 'WH-1',
    day,
    quantityDemanded: 3,
    quantitySold: 3,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue: 7.5,
    orders: 1,
    campaignActive: false,
    stockOut: false,
    endOfDayOnHand: 10,
  };
}

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  key = await t.issueKey('acme', ['planner']);
  // Six weeks: seasonality reads the feature store's histories, which start after the 28-day warm-up.
  const days = eachUtcDay('2026-01-05', '2026-02-15');
  await t.analytics
    .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
    .insertMany([...SKUS.flatMap((sku) => days.map((day) => fact('acme', sku, day))), ...days.map((day) => fact('globex', 'CAP-AA', day))]);
  await recomputeFeatures(t.analytics, [
    ...SKUS.map((sku) => ({ tenantId: 'acme', sku, fromDay: '2026-01-05' })),
    { tenantId: 'globex', sku: 'CAP-AA', fromDay: '2026-01-05' },
  ]);
});
afterAll(() => t.close());

async function get(url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: { 'x-api-key': key } });
  return { status: res.statusCode, body: res.json<{ items?: Array<{ sku: string }>; nextCursor?: string | null; code?: string }>() };
}

describe('GET /api/internal/analytics/seasonality-data', () => {
  it('pages through every SKU with history in SKU order with nextCursor, another tenant never mixed in', async () => {
    const first = await get('/api/internal/analytics/seasonality-data?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items?.map((p) => p.sku)).toEqual(['CAP-A', 'CAP-B']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await get(`/api/internal/analytics/seasonality-data?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items?.map((p) => p.sku)).toEqual(['CAP-C']);
    expect(second.body.nextCursor).toBeNull();
    const listed = await get('/api/internal/analytics/seasonality-data?skus=CAP-C,CAP-A');
    expect(listed.body).toMatchObject({ items: [{ sku: 'CAP-A' }, { sku: 'CAP-C' }], nextCursor: null });
  });

  it(`refuses more than ${SEASONALITY_DATA_LIMIT.max} SKUs per request (1,000 used to be allowed) and a forged cursor with 400`, async () => {
    expect(await get('/api/internal/analytics/seasonality-data?limit=1000')).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect(await get(`/api/internal/analytics/seasonality-data?limit=${SEASONALITY_DATA_LIMIT.max + 1}`)).toMatchObject({ status: 400 });
    expect((await get(`/api/internal/analytics/seasonality-data?limit=${SEASONALITY_DATA_LIMIT.max}`)).status).toBe(200);
    expect(await get('/api/internal/analytics/seasonality-data?cursor=%21%21')).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
  });
});
