import { MAX_PAGE_SIZE } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const LOC = 'PG-WH';
const SKUS = ['PG-A', 'PG-B', 'PG-C'];

beforeAll(async () => {
  t = await startTestApp();
  const admin = t.as(t.keys.admin);
  expect((await admin.post('/api/locations', aLocation({ code: LOC }))).status).toBe(201);
  for (const [i, sku] of SKUS.entries()) {
    expect((await admin.post('/api/products', aProduct({ sku }))).status).toBe(201);
    const stocked = await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku, locationCode: LOC, quantity: 10 + i, reason: 'count' });
    expect(stocked.status).toBe(201);
  }
});
afterAll(() => t.close());

describe('GET /api/stock/availability', () => {
  it('answers a page at a time in SKU order with nextCursor, keeping every field', async () => {
    const admin = t.as(t.keys.admin);
    const first = await admin.get('/api/stock/availability?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items.map((a: { sku: string }) => a.sku)).toEqual(['PG-A', 'PG-B']);
    expect(first.body.items[1]).toMatchObject({ locationCode: LOC, onHand: 11, available: 11, backordered: 0, incomingByDate: 0, availableToPromise: 11 });
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.get(`/api/stock/availability?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ sku: 'PG-C', availableToPromise: 12 }], nextCursor: null });
  });

  it(`takes pages of up to ${MAX_PAGE_SIZE}, refusing larger ones and a forged cursor with 400`, async () => {
    const admin = t.as(t.keys.admin);
    expect((await admin.get(`/api/stock/availability?limit=${MAX_PAGE_SIZE}`)).body).toMatchObject({ nextCursor: null });
    expect(await admin.get(`/api/stock/availability?limit=${MAX_PAGE_SIZE + 1}`)).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect(await admin.get('/api/stock/availability?cursor=not-a-cursor')).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
  });
});
