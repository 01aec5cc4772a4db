import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, aCustomer, aLocation, aProduct } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let sales: ReturnType<TestApp['as']>;
const LOC = 'SO-WH';

async function stockUp(sku: string, quantity: number) {
  const res = await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku, locationCode: LOC, quantity, reason: 'initial count' });
  expect(res.status).toBe(201);
}

async function position(sku: string) {
  const res = await admin.get(`/api/stock/current?sku=${sku}&locationCode=${LOC}`);
  return res.body.items[0] as { onHand: number; reserved: number; available: number; damaged: number };
}

function order(lines: Array<{ sku: string; quantity: number; unitPrice?: number; campaignId?: string }>, extra: Record<string, unknown> = {}) {
  return { customerCode: 'SO-CUST', locationCode: LOC, lines, ...extra };
}

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  sales = t.as(t.keys.sales);
  expect((await admin.post('/api/locations', aLocation({ code: LOC }))).status).toBe(201);
  expect((await admin.post('/api/customers', aCustomer({ code: 'SO-CUST', segment: 'wholesale' }))).status).toBe(201);
  for (const sku of ['SO-A', 'SO-B', 'SO-C', 'SO-D']) {
    expect((await admin.post('/api/products', aProduct({ sku, price: 20, reorderPoint: 2 }))).status).toBe(201);
  }
  await stockUp('SO-A', 10);
  await stockUp('SO-B', 3);
});
afterAll(() => t.close());

describe('taking and pricing an order', () => {
  it('creates a pending order at list price less the best running campaign, recording which applied', async () => {
    const campaign = await t.as(t.keys.planner).post('/api/campaigns', aCampaign(['SO-A'], { discountPercent: 25 }));
    const res = await sales.post(
      '/api/orders/sales',
      order([
        { sku: 'SO-A', quantity: 2 },
        { sku: 'SO-B', quantity: 1, unitPrice: 18.5 },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'pending', customerCode: 'SO-CUST', customerSegment: 'wholesale', totalAmount: 48.5 });
    expect(res.body.orderNumber).toMatch(/^SO-\d{8}-\d{4}$/);
    expect(res.body.lines).toEqual([
      expect.objectContaining({
        line: 0,
        sku: 'SO-A',
        listPrice: 20,
        unitPrice: 15,
        discountPercent: 25,
        campaignId: campaign.body.id,
        status: 'open',
        lineTotal: 30,
      }),
      expect.objectContaining({ line: 1, sku: 'SO-B', listPrice: 20, unitPrice: 18.5, discountPercent: 7.5, campaignId: null }),
    ]);
    expect(await position('SO-A')).toMatchObject({ onHand: 10, reserved: 0 });
    await t.as(t.keys.planner).put(`/api/campaigns/${campaign.body.id}`, { status: 'cancelled' });
  });

  it('refuses unknown customers, locations and SKUs with 404 and discontinued products with 409', async () => {
    expect((await sales.post('/api/orders/sales', { ...order([{ sku: 'SO-A', quantity: 1 }]), customerCode: 'NOPE' })).status).toBe(404);
    expect((await sales.post('/api/orders/sales', { ...order([{ sku: 'SO-A', quantity: 1 }]), locationCode: 'NOPE' })).status).toBe(404);
    const unknown = await sales.post('/api/orders/sales', order([{ sku: 'NOPE-1', quantity: 1 }]));
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toContain('NOPE-1');
    await admin.post('/api/products', aProduct({ sku: 'SO-GONE' }));
    await admin.delete('/api/products/SO-GONE');
    expect((await sales.post('/api/orders/sales', order([{ sku: 'SO-GONE', quantity: 1 }]))).status).toBe(409);
  });

  it('rejects a named campaign that is not running', async () => {
    const future = await t.as(t.keys.planner).post(
      '/api/campaigns',
      aCampaign(['SO-A'], {
        startsAt: new Date(Date.now() + 86_400_000).toISOString(),
        endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
      }),
    );
    const res = await sales.post('/api/orders/sales', order([{ sku: 'SO-A', quantity: 1, campaignId: future.body.id }]));
    expect(res.status).toBe(409);
    expect(res.body.message).toContain(future.body.id);
  });
});

describe('the order lifecycle', () => {
  it('confirm reserves, ship turns the reservation into a sale, deliver closes; each step writes ledger rows for the order line', async () => {
    const created = await sales.post(
      '/api/orders/sales',
      order([
        { sku: 'SO-A', quantity: 3 },
        { sku: 'SO-A', quantity: 2 },
      ]),
    );
    const id = created.body.id;
    const confirmed = await sales.put(`/api/orders/sales/${id}/status`, { status: 'confirmed' });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.lines.map((l: { status: string; reservedQuantity: number }) => [l.status, l.reservedQuantity])).toEqual([
      ['reserved', 3],
      ['reserved', 2],
    ]);
    expect(await position('SO-A')).toMatchObject({ onHand: 10, reserved: 5, available: 5 });

    const shipped = await t.as(t.keys.warehouse).put(`/api/orders/sales/${id}/status`, { status: 'shipped' });
    expect(shipped.body.lines.map((l: { shippedQuantity: number }) => l.shippedQuantity)).toEqual([3, 2]);
    expect(await position('SO-A')).toMatchObject({ onHand: 5, reserved: 0, available: 5 });

    const delivered = await sales.put(`/api/orders/sales/${id}/status`, { status: 'delivered' });
    expect(delivered.body.statusHistory.map((h: { status: string }) => h.status)).toEqual(['pending', 'confirmed', 'shipped', 'delivered']);

    const ledger = await admin.get(`/api/stock/movements?referenceType=salesOrder&referenceId=${id}&order=asc`);
    expect(ledger.body.items.map((m: { type: string; reference: { line: number }; deltas: object }) => [m.type, m.reference.line, m.deltas])).toEqual([
      ['reserve', 0, { reserved: 3 }],
      ['reserve', 1, { reserved: 2 }],
      ['sale', 0, { onHand: -3, reserved: -3 }],
      ['sale', 1, { onHand: -2, reserved: -2 }],
    ]);
  });

  it('answers 409 to illegal transitions and changes nothing', async () => {
    const created = await sales.post('/api/orders/sales', order([{ sku: 'SO-A', quantity: 1 }]));
    const ship = await sales.put(`/api/orders/sales/${created.body.id}/status`, { status: 'shipped' });
    expect(ship.status).toBe(409);
    expect(ship.body).toMatchObject({ code: 'ILLEGAL_TRANSITION', details: { from: 'pending', to: 'shipped', allowed: ['confirmed', 'cancelled'] } });
    await sales.put(`/api/orders/sales/${created.body.id}/status`, { status: 'cancelled' });
    const again = await sales.put(`/api/orders/sales/${created.body.id}/status`, { status: 'confirmed' });
    expect(again.status).toBe(409);
    expect((await sales.get(`/api/orders/sales/${created.body.id}`)).body.status).toBe('cancelled');
  });

  it('cancelling a confirmed order releases its reservations and records the demand as unfulfilled', async () => {
    const before = await position('SO-A');
    const created = await sales.post('/api/orders/sales', order([{ sku: 'SO-A', quantity: 2 }], { confirm: true }));
    expect(created.body.status).toBe('confirmed');
    expect((await position('SO-A')).reserved).toBe(before.reserved + 2);
    const cancelled = await sales.put(`/api/orders/sales/${created.body.id}/status`, { status: 'cancelled', reason: 'customer changed mind' });
    expect(cancelled.body.lines[0]).toMatchObject({ status: 'cancelled', reservedQuantity: 0, unfulfilledQuantity: 2 });
    expect(cancelled.body.totalAmount).toBe(0);
    expect(await position('SO-A')).toEqual(expect.objectContaining({ reserved: before.reserved, available: before.available }));
  });
});

describe('shortages', () => {
  it('policy "fail": refuses the whole confirmation, summing lines of one SKU, and reserves nothing', async () => {
    // SO-B has 3 on hand: two lines of 2 each exceed it together, not one by one.
    const res = await sales.post(
      '/api/orders/sales',
      order(
        [
          { sku: 'SO-B', quantity: 2 },
          { sku: 'SO-B', quantity: 2 },
          { sku: 'SO-A', quantity: 1 },
        ],
        { confirm: true },
      ),
    );
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'INSUFFICIENT_STOCK', details: { shortages: [{ sku: 'SO-B', requested: 4, available: 3 }] } });
    expect(await position('SO-B')).toMatchObject({ reserved: 0, available: 3 });
    const listed = await admin.get('/api/orders/sales?sku=SO-B&status=pending');
    expect(listed.body.items.every((o: { lines: unknown[] }) => o.lines.length !== 3)).toBe(true);
  });

  it('policy "reject": serves what it can and records rejected lines as unfulfilled demand', async () => {
    const res = await sales.post(
      '/api/orders/sales',
      order(
        [
          { sku: 'SO-B', quantity: 5 },
          { sku: 'SO-A', quantity: 1 },
        ],
        { confirm: true, onShortage: 'reject' },
      ),
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('confirmed');
    expect(res.body.lines.map((l: { status: string; quantity: number; unfulfilledQuantity: number }) => [l.status, l.quantity, l.unfulfilledQuantity])).toEqual(
      [
        ['rejected', 5, 5],
        ['reserved', 1, 0],
      ],
    );
    expect(res.body.totalAmount).toBe(20);
    await sales.put(`/api/orders/sales/${res.body.id}/status`, { status: 'cancelled' });
  });

  it('rejects the order as a whole when no line can be served', async () => {
    const res = await sales.post('/api/orders/sales', order([{ sku: 'SO-C', quantity: 1 }], { confirm: true, onShortage: 'reject' }));
    expect(res.body).toMatchObject({ status: 'rejected', lines: [expect.objectContaining({ status: 'rejected', unfulfilledQuantity: 1 })] });
  });

  it('policy "backorder": keeps the short line, reserves it when stock arrives, and counts it in available-to-promise', async () => {
    const res = await sales.post('/api/orders/sales', order([{ sku: 'SO-D', quantity: 4 }], { confirm: true, onShortage: 'backorder' }));
    expect(res.body.lines[0]).toMatchObject({ status: 'backordered', backorderedQuantity: 4 });
    await stockUp('SO-D', 2);
    const atp = await admin.get(`/api/stock/availability?sku=SO-D&locationCode=${LOC}`);
    expect(atp.body.items[0]).toMatchObject({ available: 2, backordered: 4, incomingByDate: 0, availableToPromise: -2 });
    const stillShort = await sales.put(`/api/orders/sales/${res.body.id}/status`, { status: 'confirmed' });
    expect(stillShort.body.lines[0]).toMatchObject({ status: 'backordered' });
    await stockUp('SO-D', 2);
    const retried = await sales.put(`/api/orders/sales/${res.body.id}/status`, { status: 'confirmed' });
    expect(retried.body.lines[0]).toMatchObject({ status: 'reserved', reservedQuantity: 4, backorderedQuantity: 0 });
    expect(await position('SO-D')).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
    const noMore = await sales.put(`/api/orders/sales/${res.body.id}/status`, { status: 'confirmed' });
    expect(noMore.status).toBe(409);
  });
});

describe('returns', () => {
  it('returns shipped goods to on hand or to damaged, never more than shipped', async () => {
    const created = await sales.post('/api/orders/sales', order([{ sku: 'SO-A', quantity: 3 }], { confirm: true }));
    await t.as(t.keys.warehouse).put(`/api/orders/sales/${created.body.id}/status`, { status: 'shipped' });
    const before = await position('SO-A');
    const ret = await t.as(t.keys.warehouse).post(`/api/orders/sales/${created.body.id}/returns`, {
      lines: [
        { line: 0, quantity: 1 },
        { line: 0, quantity: 1, to: 'damaged' },
      ],
      reason: 'customer return',
    });
    expect(ret.status).toBe(201);
    expect(ret.body.lines[0].returnedQuantity).toBe(2);
    expect(await position('SO-A')).toMatchObject({ onHand: before.onHand + 1, damaged: before.damaged + 1 });
    const tooMany = await t.as(t.keys.warehouse).post(`/api/orders/sales/${created.body.id}/returns`, { lines: [{ line: 0, quantity: 2 }], reason: 'again' });
    expect(tooMany.status).toBe(409);
    expect(await position('SO-A')).toMatchObject({ onHand: before.onHand + 1 });
    const unshipped = await sales.post('/api/orders/sales', order([{ sku: 'SO-A', quantity: 1 }]));
    expect(
      (await t.as(t.keys.warehouse).post(`/api/orders/sales/${unshipped.body.id}/returns`, { lines: [{ line: 0, quantity: 1 }], reason: 'x y z' })).status,
    ).toBe(409);
  });

  it('leaves the ledger reconciled after everything above', async () => {
    const report = await admin.get('/api/stock/reconcile');
    expect(report.body.drift).toEqual([]);
    expect(report.body.movementsChecked).toBeGreaterThan(10);
  });
});

describe('listing', () => {
  it('filters by status, SKU and customer, newest first', async () => {
    const res = await admin.get('/api/orders/sales?status=cancelled&limit=50');
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThanOrEqual(2);
    expect(res.body.items.every((o: { status: string }) => o.status === 'cancelled')).toBe(true);
    const times = res.body.items.map((o: { orderedAt: string }) => Date.parse(o.orderedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const bySku = await admin.get('/api/orders/sales?sku=SO-D');
    expect(bySku.body.items).toHaveLength(1);
  });
});

describe('orders taken at the same moment', () => {
  it('gives each a number of its own and prices each by its own lines and running campaigns', async () => {
    for (const sku of ['SO-E', 'SO-F']) expect((await admin.post('/api/products', aProduct({ sku, price: 10 }))).status).toBe(201);
    const campaign = await t.as(t.keys.planner).post('/api/campaigns', aCampaign(['SO-E'], { discountPercent: 10 }));
    const skuOf = (i: number) => (i % 2 === 0 ? 'SO-E' : 'SO-F');
    const responses = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) => sales.post('/api/orders/sales', order([{ sku: skuOf(i), quantity: i + 1 }]))),
      sales.post('/api/orders/sales', { ...order([{ sku: 'SO-E', quantity: 1 }]), customerCode: 'NOPE' }),
    ]);
    const taken = responses.slice(0, 12);
    expect(taken.map((r) => r.status)).toEqual(Array(12).fill(201));
    expect(responses[12]!.status).toBe(404);
    expect(new Set(taken.map((r) => r.body.orderNumber)).size).toBe(12);
    taken.forEach((res, i) => {
      const discounted = skuOf(i) === 'SO-E';
      expect(res.body.lines).toEqual([
        expect.objectContaining({ sku: skuOf(i), quantity: i + 1, unitPrice: discounted ? 9 : 10, campaignId: discounted ? campaign.body.id : null }),
      ]);
      expect(res.body.totalAmount).toBe((discounted ? 9 : 10) * (i + 1));
    });
    await t.as(t.keys.planner).put(`/api/campaigns/${campaign.body.id}`, { status: 'cancelled' });
  });

  it('reads each tenant its own customers and products, even for orders that arrive together', async () => {
    const globex = t.as(t.keys.otherTenant);
    expect((await globex.post('/api/locations', aLocation({ code: LOC }))).status).toBe(201);
    expect((await globex.post('/api/customers', aCustomer({ code: 'SO-CUST', segment: 'retail' }))).status).toBe(201);
    expect((await globex.post('/api/products', aProduct({ sku: 'SO-E', price: 99 }))).status).toBe(201);
    const [ours, theirs] = await Promise.all([
      sales.post('/api/orders/sales', order([{ sku: 'SO-E', quantity: 1 }])),
      globex.post('/api/orders/sales', order([{ sku: 'SO-E', quantity: 1 }])),
    ]);
    expect(ours.body).toMatchObject({ customerSegment: 'wholesale', totalAmount: 10 });
    expect(theirs.body).toMatchObject({ customerSegment: 'retail', totalAmount: 99 });
  });
});
