import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, aProduct } from './support/builders.js';
import { collectionCounts, seedFixture, tenantSnapshot, type Fixture } from './support/route-catalog.js';
import { startTestApp, TENANT, type ApiResponse, type TestApp } from './support/test-app.js';

/**
 * Trivially bad input that used to reach the database or the arithmetic (a
 * null byte in a regex or a BSON key, a price of 1e300, a campaign in year
 * 0000): each is the client's mistake, so a 400 naming the field, and
 * nothing is written.
 */

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let fx: Fixture;

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  fx = await seedFixture(admin, TENANT, 'INPUT');
});
afterAll(() => t.close());

function expectInvalid(res: ApiResponse, path: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request' });
  const paths = (res.body.details as Array<{ path: string }>).map((d) => d.path);
  expect(
    paths.some((p) => p === path || p.startsWith(`${path}.`)),
    `${path} in ${JSON.stringify(paths)}`,
  ).toBe(true);
}

/** Send one request and check it is refused naming `path`, with not one stored document changed. */
async function expectRefusedWritingNothing(send: () => Promise<ApiResponse>, path: string): Promise<void> {
  const counts = await collectionCounts(t);
  const documents = await tenantSnapshot(t, TENANT);
  expectInvalid(await send(), path);
  expect(await collectionCounts(t)).toEqual(counts);
  expect(await tenantSnapshot(t, TENANT)).toEqual(documents);
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

describe('null bytes and control characters', () => {
  it.each([['/api/products'], ['/api/suppliers'], ['/api/customers']])('refuses a null byte in %s?search=', async (path) => {
    await expectRefusedWritingNothing(() => admin.get(`${path}?search=%00`), 'search');
    await expectRefusedWritingNothing(() => admin.get(`${path}?search=ab%00cd`), 'search');
  });

  it.each([['a\u0000b'], ['$where'], ['price.amount']])('refuses the product attribute key %j', async (key) => {
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ attributes: { [key]: 1 } })), 'attributes');
  });

  it('refuses such an attribute key on an update too', async () => {
    await expectRefusedWritingNothing(() => admin.put(`/api/products/${fx.sku}`, { attributes: { 'a\u0000b': 'x' } }), 'attributes');
  });

  it('refuses a SKU with a control character instead of trimming it silently', async () => {
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ sku: 'BEV-0001\n' })), 'sku');
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ sku: '\tBEV-0001' })), 'sku');
    await expectRefusedWritingNothing(() => admin.get('/api/products/BEV-0001%0A'), 'sku');
  });

  it('refuses a location code with a control character', async () => {
    await expectRefusedWritingNothing(
      () => admin.post('/api/stock/adjustment', { sku: fx.sku, locationCode: `${fx.locationA.code}\r\n`, quantity: 1, reason: 'recount' }),
      'locationCode',
    );
  });

  it('refuses a reason with a control character', async () => {
    await expectRefusedWritingNothing(
      () => admin.post('/api/stock/adjustment', { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'recount\u0000' }),
      'reason',
    );
    await expectRefusedWritingNothing(
      () => admin.post('/api/stock/adjustment', { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'found\u001b[2J' }),
      'reason',
    );
  });

  it('refuses a null byte in a product name', async () => {
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ name: 'Widget\u0000' })), 'name');
  });
});

describe('money and quantities are bounded', () => {
  it('refuses unitPrice 1e300 × quantity 1e9 on a sales order', async () => {
    const order = (line: Record<string, unknown>) => ({ customerCode: fx.customer.code, locationCode: fx.locationA.code, lines: [{ sku: fx.sku, ...line }] });
    await expectRefusedWritingNothing(() => admin.post('/api/orders/sales', order({ quantity: 1, unitPrice: 1e300 })), 'lines.0.unitPrice');
    await expectRefusedWritingNothing(() => admin.post('/api/orders/sales', order({ quantity: 1_000_000_000, unitPrice: 1 })), 'lines.0.quantity');
  });

  it('refuses an order whose total is not a safe number of cents', async () => {
    const lines = Array.from({ length: 20 }, () => ({ sku: fx.sku, quantity: 1_000_000, unitPrice: 10_000_000 }));
    await expectRefusedWritingNothing(
      () => admin.post('/api/orders/sales', { customerCode: fx.customer.code, locationCode: fx.locationA.code, lines }),
      'lines',
    );
  });

  it('refuses a price above 10,000,000 and a reorder point above 1,000,000', async () => {
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ price: 10_000_000.01 })), 'price');
    await expectRefusedWritingNothing(() => admin.post('/api/products', aProduct({ reorderPoint: 1_000_001 })), 'reorderPoint');
  });

  it('refuses a purchase-order line above the bounds', async () => {
    const po = (line: Record<string, unknown>) => ({
      supplierId: fx.supplier.id,
      locationCode: fx.locationA.code,
      lines: [{ sku: fx.sku, ...line }],
      expectedDate: inDays(7),
    });
    await expectRefusedWritingNothing(() => admin.post('/api/orders/purchase', po({ quantity: 5, unitCost: 1e300 })), 'lines.0.unitCost');
    await expectRefusedWritingNothing(() => admin.post('/api/orders/purchase', po({ quantity: 1_000_001 })), 'lines.0.quantity');
  });

  it('refuses a stock adjustment beyond 1,000,000 units', async () => {
    await expectRefusedWritingNothing(
      () => admin.post('/api/stock/adjustment', { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1_000_001, reason: 'recount' }),
      'quantity',
    );
  });
});

describe('dates are bounded to 2000-01-01 … 2100-12-31', () => {
  it.each([
    ['startsAt', { startsAt: '0000-01-01T00:00:00Z' }],
    ['startsAt', { startsAt: '1999-12-31T23:59:59Z' }],
    ['endsAt', { endsAt: '9999-12-31T00:00:00Z' }],
  ])('refuses a campaign with %s out of range', async (path, dates) => {
    await expectRefusedWritingNothing(() => admin.post('/api/campaigns', aCampaign([fx.sku], dates)), path);
  });

  it('refuses a purchase order expected in year 9999', async () => {
    await expectRefusedWritingNothing(
      () =>
        admin.post('/api/orders/purchase', {
          supplierId: fx.supplier.id,
          locationCode: fx.locationA.code,
          lines: [{ sku: fx.sku, quantity: 5 }],
          expectedDate: '9999-01-01T00:00:00Z',
        }),
      'expectedDate',
    );
  });

  it('refuses an availability date in year 0000', async () => {
    await expectRefusedWritingNothing(() => admin.get(`/api/stock/availability?sku=${fx.sku}&date=0000-01-01T00:00:00Z`), 'date');
  });
});

describe('SKUs that differ only by case', () => {
  it('refuses a new SKU equal to an existing one but for case, with a 409 naming the existing SKU', async () => {
    expect((await admin.post('/api/products', aProduct({ sku: 'Case-Sku-1' }))).status).toBe(201);
    const counts = await collectionCounts(t);
    const res = await admin.post('/api/products', aProduct({ sku: 'CASE-sku-1' }));
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(res.body.message).toContain('Case-Sku-1');
    expect(await collectionCounts(t)).toEqual(counts);
  });

  it('keeps SKUs as entered and still finds them by their exact spelling', async () => {
    const res = await admin.post('/api/products', aProduct({ sku: 'MixedCase.2' }));
    expect(res.status).toBe(201);
    expect(res.body.sku).toBe('MixedCase.2');
    expect((await admin.get('/api/products/MixedCase.2')).status).toBe(200);
    expect((await admin.get('/api/products/mixedcase.2')).status).toBe(404);
  });
});
