import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct, seededRandom } from './support/builders.js';
import { createHttpPool, type HttpPool, type PooledResponse } from './support/http-pool.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Hundreds of writers on one stock position (and its partner location) at once.
 * The ledger's guarded `$inc` inside a transaction must serialise them: nothing
 * oversold, every success recorded exactly once, every refusal not at all.
 */

const SKU = 'RACE-1';
const A = 'RACE-A';
const B = 'RACE-B';
const START = 100;
const REQUESTS = 500;

type Operation = { kind: 'adjustment'; quantity: number } | { kind: 'transfer'; from: string; to: string; quantity: number };

interface Outcome {
  operation: Operation;
  response: PooledResponse;
}

let t: TestApp;
let pool: HttpPool;

beforeAll(async () => {
  t = await startTestApp();
  pool = createHttpPool(t.baseUrl, 50);
  const admin = t.as(t.keys.admin);
  expect((await admin.post('/api/products', aProduct({ sku: SKU, reorderPoint: 20 }))).status).toBe(201);
  expect((await admin.post('/api/locations', aLocation({ code: A }))).status).toBe(201);
  expect((await admin.post('/api/locations', aLocation({ code: B, type: 'store' }))).status).toBe(201);
  const seed = await admin.post('/api/stock/adjustment', { sku: SKU, locationCode: A, quantity: START, reason: 'opening count' });
  expect(seed.status).toBe(201);
});
afterAll(async () => {
  pool?.close();
  await t?.close();
});

/** A deterministic mix, biased towards taking stock out so that some requests must be refused. */
function operations(): Operation[] {
  const random = seededRandom(20_240_611);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  return Array.from({ length: REQUESTS }, (): Operation => {
    const roll = random();
    if (roll < 0.45) {
      const quantity = int(-15, 10);
      return { kind: 'adjustment', quantity: quantity === 0 ? -1 : quantity };
    }
    return roll < 0.8 ? { kind: 'transfer', from: A, to: B, quantity: int(1, 20) } : { kind: 'transfer', from: B, to: A, quantity: int(1, 20) };
  });
}

function send(operation: Operation): Promise<PooledResponse> {
  const key = t.keys.warehouse;
  return operation.kind === 'adjustment'
    ? pool.request('POST', '/api/stock/adjustment', {
        key,
        body: { sku: SKU, locationCode: A, quantity: operation.quantity, reason: 'concurrent count' },
      })
    : pool.request('POST', '/api/stock/transfer', {
        key,
        body: { sku: SKU, fromLocationCode: operation.from, toLocationCode: operation.to, quantity: operation.quantity },
      });
}

/** What a successful operation does to each location's on-hand. */
function onHandDeltas(operation: Operation): Record<string, number> {
  return operation.kind === 'adjustment' ? { [A]: operation.quantity } : { [operation.from]: -operation.quantity, [operation.to]: operation.quantity };
}

describe(`${REQUESTS} parallel adjustments and transfers on one position`, () => {
  let outcomes: Outcome[];
  let elapsedMs: number;

  beforeAll(async () => {
    const ops = operations();
    const started = performance.now();
    outcomes = await Promise.all(ops.map(async (operation) => ({ operation, response: await send(operation) })));
    elapsedMs = performance.now() - started;
    const succeeded = outcomes.filter((o) => o.response.status === 201);
    const refused = outcomes.filter((o) => o.response.status === 409);
    console.info(
      `[concurrency] ${REQUESTS} requests in ${Math.round(elapsedMs)} ms: ${succeeded.length} succeeded ` +
        `(${succeeded.filter((o) => o.operation.kind === 'adjustment').length} adjustments, ` +
        `${succeeded.filter((o) => o.operation.kind === 'transfer').length} transfers), ` +
        `${refused.length} refused with 409, ${outcomes.length - succeeded.length - refused.length} other`,
    );
  });

  it('answers every request with 201 or 409 INSUFFICIENT_STOCK, never a 5xx', () => {
    const unexpected = outcomes
      .filter((o) => !(o.response.status === 201 || (o.response.status === 409 && o.response.body?.code === 'INSUFFICIENT_STOCK')))
      .map((o) => ({ operation: o.operation, status: o.response.status, body: o.response.body }));
    expect(unexpected, JSON.stringify(unexpected.slice(0, 5), null, 2)).toEqual([]);
    // Both outcomes happen: the mix really contends for too little stock.
    expect(outcomes.some((o) => o.response.status === 201)).toBe(true);
    expect(outcomes.some((o) => o.response.status === 409)).toBe(true);
  });

  it('records exactly one ledger row per successful adjustment, two per transfer, none per refusal', async () => {
    const rows = await t.models.StockMovement.collection.find({ tenantId: 'acme', sku: SKU, reason: { $ne: 'opening count' } }).toArray();
    const expectedIds: string[] = [];
    for (const { operation, response } of outcomes) {
      if (response.status !== 201) continue;
      const movements = response.body.movements as Array<{ id: string }>;
      expect(movements).toHaveLength(operation.kind === 'adjustment' ? 1 : 2);
      expectedIds.push(...movements.map((m) => m.id));
    }
    expect(rows.map((r) => String(r._id)).sort()).toEqual(expectedIds.sort());
    // Both legs of a transfer share one reference; no reference appears twice elsewhere.
    const byReference = new Map<string, number>();
    for (const row of rows) byReference.set(row.reference.id, (byReference.get(row.reference.id) ?? 0) + 1);
    for (const row of rows) expect(byReference.get(row.reference.id)).toBe(row.reference.type === 'transfer' ? 2 : 1);
  });

  it('never lets any bucket go negative, in any ledger row or final position', async () => {
    const rows = await t.models.StockMovement.collection.find({ tenantId: 'acme', sku: SKU }).toArray();
    const negative = rows.filter((row) => Object.values(row.balanceAfter as Record<string, number>).some((v) => v < 0));
    expect(negative).toEqual([]);
    const positions = await t.models.StockPosition.collection.find({ tenantId: 'acme', sku: SKU }).toArray();
    expect(positions).toHaveLength(2);
    for (const position of positions) {
      for (const bucket of ['onHand', 'reserved', 'available', 'onOrder', 'inTransit', 'damaged']) {
        expect(position[bucket], `${position.locationCode}.${bucket}`).toBeGreaterThanOrEqual(0);
      }
      expect(position.available).toBe(position.onHand - position.reserved);
    }
  });

  it('ends with on-hand equal to the start plus every successful delta', async () => {
    const expected: Record<string, number> = { [A]: START, [B]: 0 };
    for (const { operation, response } of outcomes) {
      if (response.status !== 201) continue;
      for (const [code, delta] of Object.entries(onHandDeltas(operation))) expected[code] = (expected[code] ?? 0) + delta;
    }
    const stock = await t.as(t.keys.admin).get(`/api/products/${SKU}/stock`);
    expect(stock.status).toBe(200);
    const actual = Object.fromEntries((stock.body.locations as Array<{ locationCode: string; onHand: number }>).map((p) => [p.locationCode, p.onHand]));
    expect(actual).toEqual(expected);
    const adjustmentSum = outcomes
      .filter((o) => o.response.status === 201 && o.operation.kind === 'adjustment')
      .reduce((sum, o) => sum + (o.operation.kind === 'adjustment' ? o.operation.quantity : 0), 0);
    expect(stock.body.totals.onHand).toBe(START + adjustmentSum);
  });

  it('refuses only operations that take stock out', () => {
    // (Which balance a refusal reports is read after the refused guard, so a
    // concurrent writer may already have changed it; only the direction is certain.)
    for (const { operation, response } of outcomes) {
      if (response.status !== 409) continue;
      const taken = operation.kind === 'adjustment' ? -operation.quantity : operation.quantity;
      expect(taken, JSON.stringify(operation)).toBeGreaterThan(0);
      expect(response.body.message).toMatch(/^RACE-1 at RACE-[AB] /);
    }
  });

  it('reconciles with zero drift', async () => {
    const report = await t.as(t.keys.admin).get('/api/stock/reconcile');
    expect(report.status).toBe(200);
    expect(report.body.drift).toEqual([]);
    const successfulRows = outcomes.filter((o) => o.response.status === 201).reduce((n, o) => n + (o.operation.kind === 'adjustment' ? 1 : 2), 0);
    expect(report.body).toMatchObject({ positionsChecked: 2, movementsChecked: 1 + successfulRows });
  });
});

describe('concurrent first movements into a position that does not exist yet', () => {
  it('creates the position once and books every receipt', async () => {
    const sku = 'RACE-NEW';
    expect((await t.as(t.keys.admin).post('/api/products', aProduct({ sku }))).status).toBe(201);
    const n = 40;
    const responses = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        pool.request('POST', '/api/stock/adjustment', {
          key: t.keys.warehouse,
          body: { sku, locationCode: B, quantity: i + 1, reason: 'first receipt' },
        }),
      ),
    );
    const bad = responses.filter((r) => r.status !== 201).map((r) => [r.status, r.body]);
    expect(bad, JSON.stringify(bad.slice(0, 3))).toEqual([]);
    const positions = await t.models.StockPosition.collection.find({ tenantId: 'acme', sku }).toArray();
    expect(positions).toHaveLength(1);
    expect(positions[0]).toMatchObject({ onHand: (n * (n + 1)) / 2, available: (n * (n + 1)) / 2, reserved: 0, damaged: 0 });
    expect(await t.models.StockMovement.collection.countDocuments({ tenantId: 'acme', sku })).toBe(n);
  });

  it('lets parallel damage and write-off race on one position without going negative', async () => {
    const sku = 'RACE-DMG';
    const admin = t.as(t.keys.admin);
    expect((await admin.post('/api/products', aProduct({ sku }))).status).toBe(201);
    expect((await admin.post('/api/stock/adjustment', { sku, locationCode: A, quantity: 30, reason: 'opening count' })).status).toBe(201);
    const random = seededRandom(7);
    const ops = Array.from({ length: 60 }, () => (random() < 0.5 ? 'damage' : 'write-off'));
    const responses = await Promise.all(
      ops.map((op) =>
        pool.request('POST', `/api/stock/${op}`, {
          key: t.keys.warehouse,
          body: { sku, locationCode: A, quantity: 1 + Math.floor(random() * 4), reason: 'race test' },
        }),
      ),
    );
    const unexpected = responses.filter((r) => r.status !== 201 && !(r.status === 409 && r.body.code === 'INSUFFICIENT_STOCK'));
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const position = await t.models.StockPosition.collection.findOne({ tenantId: 'acme', sku, locationCode: A });
    expect(position!.onHand).toBeGreaterThanOrEqual(0);
    expect(position!.damaged).toBeGreaterThanOrEqual(0);
    const rows = await t.models.StockMovement.collection.find({ tenantId: 'acme', sku }).toArray();
    expect(rows.filter((r) => Object.values(r.balanceAfter as Record<string, number>).some((v) => v < 0))).toEqual([]);
    expect(rows).toHaveLength(1 + responses.filter((r) => r.status === 201).length);
    const report = await admin.get('/api/stock/reconcile');
    expect(report.body.drift).toEqual([]);
  });
});

describe('reorder-point changes racing stock movements', () => {
  it("leaves every position with the product's reorder point and a low-stock flag that matches it", async () => {
    const sku = 'RACE-ROP';
    const admin = t.as(t.keys.admin);
    expect((await admin.post('/api/products', aProduct({ sku, reorderPoint: 10 }))).status).toBe(201);
    const codes = Array.from({ length: 12 }, (_, i) => `RACE-L${i}`);
    for (const code of codes) expect((await admin.post('/api/locations', aLocation({ code }))).status).toBe(201);
    const random = seededRandom(99);
    const requests: Array<Promise<PooledResponse>> = [];
    for (let i = 0; i < 90; i++) {
      if (i % 6 === 0) {
        const reorderPoint = Math.floor(random() * 40);
        requests.push(pool.request('PUT', `/api/products/${sku}`, { key: t.keys.purchasing, body: { reorderPoint } }));
      } else {
        const locationCode = codes[Math.floor(random() * codes.length)]!;
        const quantity = Math.floor(random() * 15) - 4 || 1;
        requests.push(pool.request('POST', '/api/stock/adjustment', { key: t.keys.warehouse, body: { sku, locationCode, quantity, reason: 'race test' } }));
      }
    }
    const responses = await Promise.all(requests);
    const unexpected = responses.filter((r) => !(r.status === 200 || r.status === 201 || (r.status === 409 && r.body.code === 'INSUFFICIENT_STOCK')));
    expect(unexpected.map((r) => [r.status, r.body])).toEqual([]);
    const product = await t.models.Product.collection.findOne({ tenantId: 'acme', sku });
    const positions = await t.models.StockPosition.collection.find({ tenantId: 'acme', sku }).toArray();
    const wrong = positions
      .filter((p) => p.reorderPoint !== product!.reorderPoint || p.lowStock !== p.available < p.reorderPoint)
      .map((p) => ({ locationCode: p.locationCode, reorderPoint: p.reorderPoint, available: p.available, lowStock: p.lowStock }));
    expect(wrong, `product reorderPoint ${product!.reorderPoint}`).toEqual([]);
  });
});

describe('sales orders competing for the last units', () => {
  it('never reserves more than is on hand, and the reservations match the confirmed orders', async () => {
    const sku = 'RACE-SO';
    const admin = t.as(t.keys.admin);
    expect((await admin.post('/api/products', aProduct({ sku, reorderPoint: 0 }))).status).toBe(201);
    expect((await admin.post('/api/customers', { code: 'RACE-CUS', name: 'Race customer', segment: 'retail' })).status).toBe(201);
    expect((await admin.post('/api/stock/adjustment', { sku, locationCode: A, quantity: 30, reason: 'opening count' })).status).toBe(201);
    const random = seededRandom(4242);
    const responses = await Promise.all(
      Array.from({ length: 40 }, () =>
        pool.request('POST', '/api/orders/sales', {
          key: t.keys.sales,
          body: { customerCode: 'RACE-CUS', locationCode: A, lines: [{ sku, quantity: 1 + Math.floor(random() * 5) }], confirm: true },
        }),
      ),
    );
    const serverErrors = responses.filter((r) => r.status >= 500).map((r) => r.body);
    expect(serverErrors).toEqual([]);
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const position = await t.models.StockPosition.collection.findOne({ tenantId: 'acme', sku, locationCode: A });
    expect(position!.reserved).toBeLessThanOrEqual(position!.onHand);
    expect(position!.available).toBe(position!.onHand - position!.reserved);
    expect(position!.available).toBeGreaterThanOrEqual(0);
    const orders = await t.models.SalesOrder.collection.find({ tenantId: 'acme', 'lines.sku': sku }).toArray();
    const reservedByOrders = orders.flatMap((o) => o.lines as Array<{ sku: string; reservedQuantity: number }>).reduce((n, l) => n + l.reservedQuantity, 0);
    expect(position!.reserved).toBe(reservedByOrders);
    expect(reservedByOrders).toBeGreaterThan(0);
    console.info(
      `[concurrency] 40 parallel confirmed orders for 30 units: ${responses.filter((r) => r.status === 201).length} created, ` +
        `${responses.filter((r) => r.status === 409).length} refused, ${reservedByOrders} units reserved`,
    );
    const report = await admin.get('/api/stock/reconcile');
    expect(report.body.drift).toEqual([]);
  });
});
