import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let warehouse: ReturnType<TestApp['as']>;
const sku = 'STK-1';
const [wh1, wh2] = [aLocation({ code: 'STK-WH1' }), aLocation({ code: 'STK-WH2', type: 'store' })];

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  warehouse = t.as(t.keys.warehouse);
  expect((await admin.post('/api/products', aProduct({ sku, reorderPoint: 10 }))).status).toBe(201);
  expect((await admin.post('/api/locations', wh1)).status).toBe(201);
  expect((await admin.post('/api/locations', wh2)).status).toBe(201);
});
afterAll(() => t.close());

describe('stock adjustments', () => {
  it('raises on hand and records a ledger row with the balance after', async () => {
    const res = await warehouse.post('/api/stock/adjustment', { sku, locationCode: 'STK-WH1', quantity: 25, reason: 'initial count' });
    expect(res.status).toBe(201);
    expect(res.body.positions).toEqual([
      expect.objectContaining({ sku, locationCode: 'STK-WH1', onHand: 25, reserved: 0, available: 25, lowStock: false, reorderPoint: 10 }),
    ]);
    expect(res.body.movements[0]).toMatchObject({
      type: 'adjustment',
      deltas: { onHand: 25 },
      balanceAfter: { onHand: 25, available: 25 },
      reason: 'initial count',
      actor: { keyName: 'warehouse key' },
    });
  });

  it('refuses an adjustment that would make on hand negative, and writes nothing', async () => {
    const before = await t.models.StockMovement.collection.countDocuments();
    const res = await warehouse.post('/api/stock/adjustment', { sku, locationCode: 'STK-WH1', quantity: -26, reason: 'shrinkage' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'INSUFFICIENT_STOCK' });
    expect(res.body.message).toContain('on hand 25');
    expect(await t.models.StockMovement.collection.countDocuments()).toBe(before);
    const stock = await admin.get(`/api/products/${sku}/stock`);
    expect(stock.body.totals.onHand).toBe(25);
  });

  it('requires a reason', async () => {
    const res = await warehouse.post('/api/stock/adjustment', { sku, locationCode: 'STK-WH1', quantity: 3 });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([expect.objectContaining({ path: 'reason' })]);
  });
});

describe('transfers, damage and write-off', () => {
  it('moves stock between locations atomically', async () => {
    const res = await warehouse.post('/api/stock/transfer', { sku, fromLocationCode: 'STK-WH1', toLocationCode: 'STK-WH2', quantity: 20 });
    expect(res.status).toBe(201);
    expect(res.body.movements.map((m: { type: string; deltas: object }) => [m.type, m.deltas])).toEqual([
      ['transferOut', { onHand: -20 }],
      ['transferIn', { onHand: 20 }],
    ]);
    expect(res.body.movements[0].reference.id).toBe(res.body.movements[1].reference.id);
    const stock = await admin.get(`/api/products/${sku}/stock`);
    expect(stock.body.locations.map((p: { locationCode: string; onHand: number; lowStock: boolean }) => [p.locationCode, p.onHand, p.lowStock])).toEqual([
      ['STK-WH1', 5, true],
      ['STK-WH2', 20, false],
    ]);
  });

  it('writes neither side of a transfer the source cannot cover', async () => {
    const res = await warehouse.post('/api/stock/transfer', { sku, fromLocationCode: 'STK-WH1', toLocationCode: 'STK-WH2', quantity: 6 });
    expect(res.status).toBe(409);
    const stock = await admin.get(`/api/products/${sku}/stock`);
    expect(stock.body.totals.onHand).toBe(25);
    expect(stock.body.locations.find((p: { locationCode: string }) => p.locationCode === 'STK-WH2').onHand).toBe(20);
  });

  it('moves damaged stock out of available, then writes it off', async () => {
    const damaged = await warehouse.post('/api/stock/damage', { sku, locationCode: 'STK-WH2', quantity: 4, reason: 'forklift' });
    expect(damaged.status).toBe(201);
    expect(damaged.body.positions[0]).toMatchObject({ onHand: 16, damaged: 4, available: 16 });
    const written = await warehouse.post('/api/stock/write-off', { sku, locationCode: 'STK-WH2', quantity: 4, reason: 'scrapped' });
    expect(written.body.positions[0]).toMatchObject({ onHand: 16, damaged: 0 });
    const tooMuch = await warehouse.post('/api/stock/write-off', { sku, locationCode: 'STK-WH2', quantity: 1, reason: 'scrapped' });
    expect(tooMuch.status).toBe(409);
  });

  it('lists low-stock positions', async () => {
    const res = await admin.get('/api/products/low-stock');
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { sku: string; locationCode: string }) => `${p.sku}@${p.locationCode}`)).toEqual(['STK-1@STK-WH1']);
  });

  it('reconciles with zero drift, and reports drift when a position is tampered with', async () => {
    const clean = await admin.get('/api/stock/reconcile');
    expect(clean.status).toBe(200);
    expect(clean.body).toMatchObject({ positionsChecked: 2, movementsChecked: 5, drift: [] });
    await t.models.StockPosition.collection.updateOne({ sku, locationCode: 'STK-WH2' }, { $inc: { onHand: 3, available: 3 } });
    const drifted = await admin.get('/api/stock/reconcile');
    expect(drifted.body.drift).toEqual(
      expect.arrayContaining([
        { sku, locationCode: 'STK-WH2', bucket: 'onHand', position: 19, ledger: 16 },
        { sku, locationCode: 'STK-WH2', bucket: 'available', position: 19, ledger: 16 },
      ]),
    );
    await t.models.StockPosition.collection.updateOne({ sku, locationCode: 'STK-WH2' }, { $inc: { onHand: -3, available: -3 } });
  });
});
