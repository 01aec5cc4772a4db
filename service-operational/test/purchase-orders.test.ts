import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct, aSupplier } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let buyer: ReturnType<TestApp['as']>;
let warehouse: ReturnType<TestApp['as']>;
let supplierId: string;
const LOC = 'PO-WH';

async function position(sku: string) {
  return (await admin.get(`/api/stock/current?sku=${sku}&locationCode=${LOC}`)).body.items[0] as { onHand: number; onOrder: number } | undefined;
}

function purchase(lines: Array<{ sku: string; quantity: number; unitCost?: number }>, extra: Record<string, unknown> = {}) {
  return { supplierId, locationCode: LOC, lines, expectedDate: '2026-12-01T12:00:00Z', ...extra };
}

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  buyer = t.as(t.keys.purchasing);
  warehouse = t.as(t.keys.warehouse);
  await admin.post('/api/locations', aLocation({ code: LOC }));
  for (const sku of ['PO-A', 'PO-B']) await admin.post('/api/products', aProduct({ sku, cost: 4 }));
  supplierId = (await buyer.post('/api/suppliers', aSupplier())).body.id;
  await buyer.post(`/api/suppliers/${supplierId}/products`, { sku: 'PO-A', unitCost: 3.2 });
});
afterAll(() => t.close());

describe('purchase orders', () => {
  it('prices lines from the supplier link, else the product cost, and starts as a draft with nothing on order', async () => {
    const res = await buyer.post(
      '/api/orders/purchase',
      purchase(
        [
          { sku: 'PO-A', quantity: 10 },
          { sku: 'PO-B', quantity: 5 },
        ],
        { source: { type: 'recommendation', id: 'rec-1' } },
      ),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'draft', totalCost: 52, source: { type: 'recommendation', id: 'rec-1' }, orderedAt: null });
    expect(res.body.poNumber).toMatch(/^PO-\d{8}-\d{4}$/);
    expect(res.body.lines.map((l: { unitCost: number }) => l.unitCost)).toEqual([3.2, 4]);
    expect(await position('PO-A')).toBeUndefined();
  });

  it('ordering raises on order; receiving moves it to on hand in partial receipts; over-receipt is refused', async () => {
    const created = await buyer.post(
      '/api/orders/purchase',
      purchase([
        { sku: 'PO-A', quantity: 10 },
        { sku: 'PO-B', quantity: 4 },
      ]),
    );
    const id = created.body.id;
    const ordered = await buyer.put(`/api/orders/purchase/${id}/status`, { status: 'ordered' });
    expect(ordered.body.status).toBe('ordered');
    expect(await position('PO-A')).toMatchObject({ onHand: 0, onOrder: 10 });

    const first = await warehouse.put(`/api/orders/purchase/${id}/receive`, { lines: [{ line: 0, quantity: 6 }] });
    expect(first.body).toMatchObject({ status: 'partiallyReceived', receivedAt: null });
    expect(await position('PO-A')).toMatchObject({ onHand: 6, onOrder: 4 });

    const over = await warehouse.put(`/api/orders/purchase/${id}/receive`, { lines: [{ line: 0, quantity: 5 }] });
    expect(over.status).toBe(409);
    expect(over.body.message).toContain('Over-receipt');
    expect(await position('PO-A')).toMatchObject({ onHand: 6, onOrder: 4 });

    const rest = await warehouse.put(`/api/orders/purchase/${id}/receive`, {
      lines: [
        { line: 0, quantity: 4 },
        { line: 1, quantity: 4 },
      ],
      receivedAt: '2026-12-03T09:00:00Z',
    });
    expect(rest.body).toMatchObject({ status: 'received', receivedAt: '2026-12-03T09:00:00.000Z' });
    expect(rest.body.receipts).toHaveLength(2);
    expect(await position('PO-A')).toMatchObject({ onHand: 10, onOrder: 0 });
    expect((await warehouse.put(`/api/orders/purchase/${id}/receive`, { lines: [{ line: 1, quantity: 1 }] })).status).toBe(409);
  });

  it('cancelling takes the outstanding quantity off order and leaves receipts in place', async () => {
    const created = await buyer.post('/api/orders/purchase', purchase([{ sku: 'PO-B', quantity: 8 }], { order: true }));
    expect(created.body.status).toBe('ordered');
    await warehouse.put(`/api/orders/purchase/${created.body.id}/receive`, { lines: [{ line: 0, quantity: 3 }] });
    const before = await position('PO-B');
    const cancelled = await buyer.put(`/api/orders/purchase/${created.body.id}/status`, { status: 'cancelled', reason: 'supplier out of stock' });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await position('PO-B')).toMatchObject({ onHand: before!.onHand, onOrder: before!.onOrder - 5 });
    expect((await buyer.put(`/api/orders/purchase/${created.body.id}/status`, { status: 'ordered' })).status).toBe(409);
  });

  it('counts incoming purchase orders due by a date in available-to-promise', async () => {
    await buyer.post('/api/orders/purchase', purchase([{ sku: 'PO-B', quantity: 7 }], { order: true, expectedDate: '2027-01-15T00:00:00Z' }));
    const before = (await admin.get(`/api/stock/availability?sku=PO-B&locationCode=${LOC}&date=2027-01-01T00:00:00Z`)).body.items[0];
    const after = (await admin.get(`/api/stock/availability?sku=PO-B&locationCode=${LOC}&date=2027-02-01T00:00:00Z`)).body.items[0];
    expect(after.incomingByDate - before.incomingByDate).toBe(7);
    expect(after.availableToPromise).toBe(after.available + after.incomingByDate - after.backordered);
  });

  it('reports supplier performance from closed purchase orders', async () => {
    const perf = await admin.get(`/api/suppliers/${supplierId}/performance`);
    // One received order (2 days late), one cancelled after receiving 3 of 8.
    expect(perf.body).toMatchObject({ purchaseOrdersReceived: 1, onTimeRate: 0, averageDelayDays: 2 });
    expect(perf.body.fillRate).toBeCloseTo((14 + 3) / (14 + 8), 3);
  });

  it('keeps positions equal to the ledger', async () => {
    expect((await admin.get('/api/stock/reconcile')).body.drift).toEqual([]);
  });
});

describe('finding a purchase order by its number (receiving)', () => {
  it('answers the order for its number in any case, and the list filter finds exactly it', async () => {
    const created = await buyer.post('/api/orders/purchase', purchase([{ sku: 'PO-A', quantity: 3 }], { order: true }));
    expect(created.status).toBe(201);
    const { id, poNumber } = created.body as { id: string; poNumber: string };
    const found = await warehouse.get(`/api/orders/purchase/number/${poNumber}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ id, poNumber, status: 'ordered', lines: [{ sku: 'PO-A', quantity: 3, receivedQuantity: 0 }] });
    expect((await warehouse.get(`/api/orders/purchase/number/${poNumber.toLowerCase()}`)).body.id).toBe(id);
    const listed = await warehouse.get(`/api/orders/purchase?poNumber=${poNumber}`);
    expect(listed.body.items.map((po: { id: string }) => po.id)).toEqual([id]);
  });

  it('answers 404 naming an unknown number, 400 for something that is not a number, and 404 to another tenant', async () => {
    const missing = await warehouse.get('/api/orders/purchase/number/PO-19990101-9999');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('PO-19990101-9999');
    const malformed = await warehouse.get('/api/orders/purchase/number/12345');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('PO-20260301-0001');
    const { poNumber } = (await buyer.post('/api/orders/purchase', purchase([{ sku: 'PO-A', quantity: 1 }]))).body as { poNumber: string };
    const foreign = await t.as(t.keys.otherTenant).get(`/api/orders/purchase/number/${poNumber}`);
    expect(foreign.status).toBe(404);
    expect((await t.as(t.keys.otherTenant).get(`/api/orders/purchase?poNumber=${poNumber}`)).body.items).toEqual([]);
  });
});
