import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomer, aLocation, aProduct, aSupplier } from './support/builders.js';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let purchasing: ReturnType<TestApp['as']>;
let sales: ReturnType<TestApp['as']>;

const UNKNOWN_ID = '0123456789abcdef01234567';

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  purchasing = t.as(t.keys.purchasing);
  sales = t.as(t.keys.sales);
});
afterAll(() => t.close());

function expectInvalid(res: ApiResponse, ...paths: string[]): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request' });
  expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(paths));
}

const codesOf = (res: ApiResponse) => res.body.items.map((r: { code: string }) => r.code);

describe('suppliers', () => {
  const supplierCount = () => t.models.Supplier.collection.countDocuments();

  it('creates a supplier with defaults and reads it back', async () => {
    const before = await supplierCount();
    const res = await purchasing.post('/api/suppliers', { code: 'SUP-MIN', name: 'Minimal Ltd' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      code: 'SUP-MIN',
      name: 'Minimal Ltd',
      defaultLeadTimeDays: 14,
      attributes: {},
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await supplierCount()).toBe(before + 1);
    const got = await admin.get(`/api/suppliers/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('keeps contact fields and attributes', async () => {
    const body = aSupplier({ code: 'SUP-FULL', contactName: 'Ada', phone: '+49 30 1234', address: '1 Main St', attributes: { tier: 'gold' } });
    const res = await purchasing.post('/api/suppliers', body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, status: 'active' });
  });

  it('updates any field but the code, leaving fields not sent untouched', async () => {
    const created = (await purchasing.post('/api/suppliers', aSupplier({ code: 'SUP-UPD', defaultLeadTimeDays: 21, attributes: { tier: 'silver' } }))).body;
    const renamed = await purchasing.put(`/api/suppliers/${created.id}`, { name: 'Renamed Supplier' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toEqual({ ...created, name: 'Renamed Supplier', updatedAt: expect.any(String) });
    const stored = await t.models.Supplier.collection.findOne({ code: 'SUP-UPD' });
    expect(stored).toMatchObject({ defaultLeadTimeDays: 21, attributes: { tier: 'silver' } });

    const deactivated = await purchasing.put(`/api/suppliers/${created.id}`, { status: 'inactive', defaultLeadTimeDays: 3, email: 'new@supplier.example' });
    expect(deactivated.body).toMatchObject({ status: 'inactive', defaultLeadTimeDays: 3, email: 'new@supplier.example', name: 'Renamed Supplier' });

    const codeChange = await purchasing.put(`/api/suppliers/${created.id}`, { code: 'SUP-OTHER' });
    expectInvalid(codeChange, 'code');
    expect(codeChange.body.message).toContain('code');
    expectInvalid(await purchasing.put(`/api/suppliers/${created.id}`, {}), '');
    expect((await admin.get(`/api/suppliers/${created.id}`)).body.code).toBe('SUP-UPD');
    const missing = await purchasing.put(`/api/suppliers/${UNKNOWN_ID}`, { name: 'Ghost' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });

  it('refuses a duplicate code with 409 and stores nothing', async () => {
    await purchasing.post('/api/suppliers', aSupplier({ code: 'SUP-DUP' }));
    const before = await supplierCount();
    const res = await purchasing.post('/api/suppliers', aSupplier({ code: 'SUP-DUP' }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'CONFLICT', message: expect.stringContaining('SUP-DUP') });
    expect(await supplierCount()).toBe(before);
  });

  it('lists suppliers with search, status filter and pagination', async () => {
    for (const [code, name] of [
      ['LS-A', 'Lister Alpha'],
      ['LS-B', 'Lister Beta'],
      ['LS-C', 'lister gamma'],
    ]) {
      expect((await purchasing.post('/api/suppliers', aSupplier({ code, name }))).status).toBe(201);
    }
    const search = await admin.get('/api/suppliers?search=LISTER');
    expect(codesOf(search)).toEqual(['LS-A', 'LS-B', 'LS-C']);
    const first = await admin.get('/api/suppliers?search=lister&limit=2&order=desc');
    expect(codesOf(first)).toEqual(['LS-C', 'LS-B']);
    const second = await admin.get(`/api/suppliers?search=lister&limit=2&order=desc&cursor=${first.body.nextCursor}`);
    expect(codesOf(second)).toEqual(['LS-A']);
    expect(second.body.nextCursor).toBeNull();
    const byName = await admin.get('/api/suppliers?search=lister&sort=name');
    // Byte order: upper case before lower case.
    expect(codesOf(byName)).toEqual(['LS-A', 'LS-B', 'LS-C']);

    const lsB = search.body.items[1];
    await purchasing.put(`/api/suppliers/${lsB.id}`, { status: 'inactive' });
    expect(codesOf(await admin.get('/api/suppliers?search=lister&status=inactive'))).toEqual(['LS-B']);
    expect(codesOf(await admin.get('/api/suppliers?search=lister&status=active'))).toEqual(['LS-A', 'LS-C']);
  });

  it('does not show a supplier to another tenant', async () => {
    const created = (await purchasing.post('/api/suppliers', aSupplier())).body;
    expect((await t.as(t.keys.otherTenant).get(`/api/suppliers/${created.id}`)).status).toBe(404);
  });

  const invalidCreates: Array<[string, Record<string, unknown>, string]> = [
    ['missing required field', { name: undefined }, 'name'],
    ['wrong type', { defaultLeadTimeDays: '5' }, 'defaultLeadTimeDays'],
    ['out of range', { defaultLeadTimeDays: 366 }, 'defaultLeadTimeDays'],
    ['unknown extra field', { rating: 5 }, 'rating'],
    ['bad email', { email: 'not-an-email' }, 'email'],
    ['bad code', { code: 'has space' }, 'code'],
  ];
  it.each(invalidCreates)('refuses a supplier with %s and stores nothing', async (_label, overrides, path) => {
    const before = await supplierCount();
    expectInvalid(await purchasing.post('/api/suppliers', aSupplier(overrides)), path);
    expect(await supplierCount()).toBe(before);
  });

  it('refuses a bad enum, a bad id and bad query parameters', async () => {
    const created = (await purchasing.post('/api/suppliers', aSupplier())).body;
    expectInvalid(await purchasing.put(`/api/suppliers/${created.id}`, { status: 'paused' }), 'status');
    expectInvalid(await admin.get('/api/suppliers/not-an-id'), 'id');
    expectInvalid(await purchasing.put('/api/suppliers/123', { name: 'x' }), 'id');
    expectInvalid(await admin.get('/api/suppliers/xyz/products'), 'id');
    expectInvalid(await admin.get('/api/suppliers/xyz/performance'), 'id');
    expectInvalid(await admin.get('/api/suppliers?status=paused'), 'status');
    expectInvalid(await admin.get('/api/suppliers?sort=price'), 'sort');
    expectInvalid(await admin.get('/api/suppliers?segment=retail'), 'segment');
    expect((await admin.get(`/api/suppliers/${UNKNOWN_ID}`)).status).toBe(404);
  });
});

describe('supplier product links', () => {
  let supplierA: { id: string; code: string };
  let supplierB: { id: string; code: string };
  const linkCount = () => t.models.ProductSupplier.collection.countDocuments();

  beforeAll(async () => {
    supplierA = (await purchasing.post('/api/suppliers', aSupplier({ code: 'LINK-A', defaultLeadTimeDays: 10 }))).body;
    supplierB = (await purchasing.post('/api/suppliers', aSupplier({ code: 'LINK-B', defaultLeadTimeDays: 4 }))).body;
    for (const sku of ['LNK-1', 'LNK-2']) expect((await purchasing.post('/api/products', aProduct({ sku }))).status).toBe(201);
  });

  it('links a product with defaults and the supplier lead time', async () => {
    const res = await purchasing.post(`/api/suppliers/${supplierA.id}/products`, { sku: 'LNK-1', unitCost: 4.5 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      supplierId: supplierA.id,
      supplierCode: 'LINK-A',
      sku: 'LNK-1',
      unitCost: 4.5,
      minimumOrderQuantity: 1,
      packSize: 1,
      leadTimeDays: 10,
      preferred: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = await t.models.ProductSupplier.collection.findOne({ sku: 'LNK-1', supplierCode: 'LINK-A' });
    expect(stored).toMatchObject({ tenantId: 'acme' });
    expect(stored).not.toHaveProperty('leadTimeDays');
  });

  it('keeps a link-specific lead time, MOQ, pack size and supplier SKU', async () => {
    const res = await purchasing.post(`/api/suppliers/${supplierA.id}/products`, {
      sku: 'LNK-2',
      unitCost: 2,
      minimumOrderQuantity: 48,
      packSize: 12,
      leadTimeDays: 3,
      supplierSku: 'A-9981',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ minimumOrderQuantity: 48, packSize: 12, leadTimeDays: 3, supplierSku: 'A-9981' });
  });

  it('updates the link when the same SKU is linked again', async () => {
    const before = await linkCount();
    const first = (await admin.get(`/api/suppliers/${supplierA.id}/products`)).body.find((l: { sku: string }) => l.sku === 'LNK-1');
    const res = await purchasing.post(`/api/suppliers/${supplierA.id}/products`, { sku: 'LNK-1', unitCost: 3.95, minimumOrderQuantity: 6 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: first.id, unitCost: 3.95, minimumOrderQuantity: 6, createdAt: first.createdAt });
    expect(await linkCount()).toBe(before);
    expect(await t.models.ProductSupplier.collection.countDocuments({ supplierCode: 'LINK-A', sku: 'LNK-1' })).toBe(1);
  });

  it('lists the supplier products by SKU, resolving the lead time from the supplier default', async () => {
    const res = await admin.get(`/api/suppliers/${supplierA.id}/products`);
    expect(res.status).toBe(200);
    expect(res.body.map((l: { sku: string; unitCost: number; leadTimeDays: number }) => [l.sku, l.unitCost, l.leadTimeDays])).toEqual([
      ['LNK-1', 3.95, 10],
      ['LNK-2', 2, 3],
    ]);
    await purchasing.put(`/api/suppliers/${supplierA.id}`, { defaultLeadTimeDays: 20 });
    const after = await admin.get(`/api/suppliers/${supplierA.id}/products`);
    expect(after.body.map((l: { leadTimeDays: number }) => l.leadTimeDays)).toEqual([20, 3]);
    expect((await admin.get(`/api/suppliers/${supplierB.id}/products`)).body).toEqual([]);
    expect((await admin.get(`/api/suppliers/${UNKNOWN_ID}/products`)).status).toBe(404);
  });

  it('keeps one preferred supplier per SKU', async () => {
    const preferredOf = async (supplierId: string, sku: string) =>
      (await admin.get(`/api/suppliers/${supplierId}/products`)).body.find((l: { sku: string }) => l.sku === sku)?.preferred;
    expect((await purchasing.post(`/api/suppliers/${supplierA.id}/products`, { sku: 'LNK-1', unitCost: 3.95, preferred: true })).body.preferred).toBe(true);
    expect((await purchasing.post(`/api/suppliers/${supplierB.id}/products`, { sku: 'LNK-1', unitCost: 4.1 })).body.preferred).toBe(false);
    expect(await preferredOf(supplierA.id, 'LNK-1')).toBe(true);

    const takeover = await purchasing.post(`/api/suppliers/${supplierB.id}/products`, { sku: 'LNK-1', unitCost: 4.1, preferred: true });
    expect(takeover.body).toMatchObject({ preferred: true, leadTimeDays: 4 });
    expect(await preferredOf(supplierA.id, 'LNK-1')).toBe(false);
    expect(await preferredOf(supplierB.id, 'LNK-1')).toBe(true);
    expect(await t.models.ProductSupplier.collection.countDocuments({ sku: 'LNK-1', preferred: true })).toBe(1);
    // Another SKU's preference is not touched.
    await purchasing.post(`/api/suppliers/${supplierA.id}/products`, { sku: 'LNK-2', unitCost: 2, preferred: true });
    expect(await preferredOf(supplierB.id, 'LNK-1')).toBe(true);
  });

  it('refuses an unknown SKU or supplier with 404 and stores nothing', async () => {
    const before = await linkCount();
    const res = await purchasing.post(`/api/suppliers/${supplierA.id}/products`, { sku: 'NO-SUCH-SKU', unitCost: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('NO-SUCH-SKU') });
    expect((await purchasing.post(`/api/suppliers/${UNKNOWN_ID}/products`, { sku: 'LNK-1', unitCost: 1 })).status).toBe(404);
    expect(await linkCount()).toBe(before);
  });

  it('refuses invalid links and stores nothing', async () => {
    const before = await linkCount();
    const url = `/api/suppliers/${supplierA.id}/products`;
    expectInvalid(await purchasing.post(url, { unitCost: 1 }), 'sku');
    expectInvalid(await purchasing.post(url, { sku: 'LNK-1', unitCost: 'cheap' }), 'unitCost');
    expectInvalid(await purchasing.post(url, { sku: 'LNK-1', unitCost: 1, minimumOrderQuantity: 0 }), 'minimumOrderQuantity');
    expectInvalid(await purchasing.post(url, { sku: 'LNK-1', unitCost: 1, packSize: 2.5 }), 'packSize');
    expectInvalid(await purchasing.post(url, { sku: 'LNK-1', unitCost: 1, discount: 5 }), 'discount');
    expectInvalid(await purchasing.post('/api/suppliers/nope/products', { sku: 'LNK-1', unitCost: 1 }), 'id');
    expect(await linkCount()).toBe(before);
  });

  it('reports performance with no purchase orders yet', async () => {
    const res = await admin.get(`/api/suppliers/${supplierA.id}/performance`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      supplierId: supplierA.id,
      supplierCode: 'LINK-A',
      purchaseOrdersReceived: 0,
      onTimeRate: null,
      averageDelayDays: null,
      fillRate: null,
    });
    expect((await admin.get(`/api/suppliers/${UNKNOWN_ID}/performance`)).status).toBe(404);
  });
});

describe('customers', () => {
  const customerCount = () => t.models.Customer.collection.countDocuments();

  it('creates, reads and updates a customer without resetting fields not sent', async () => {
    const res = await sales.post(
      '/api/customers',
      aCustomer({ code: 'CU-1', segment: 'wholesale', email: 'buyer@shop.example', attributes: { terms: 'net30' } }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      code: 'CU-1',
      name: expect.any(String),
      segment: 'wholesale',
      email: 'buyer@shop.example',
      attributes: { terms: 'net30' },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect((await admin.get(`/api/customers/${res.body.id}`)).body).toEqual(res.body);

    const updated = await sales.put(`/api/customers/${res.body.id}`, { segment: 'vip', phone: '555-0100' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...res.body, segment: 'vip', phone: '555-0100', updatedAt: expect.any(String) });
    expect((await t.models.Customer.collection.findOne({ code: 'CU-1' }))?.attributes).toEqual({ terms: 'net30' });
  });

  it('defaults attributes to {} and lists by segment and search', async () => {
    for (const [code, segment, name] of [
      ['SEG-1', 'online', 'Webshop One'],
      ['SEG-2', 'corporate', 'Big Corp'],
      ['SEG-3', 'online', 'Webshop Two'],
    ]) {
      const res = await sales.post('/api/customers', { code, segment, name });
      expect(res.status).toBe(201);
      expect(res.body.attributes).toEqual({});
    }
    expect(codesOf(await admin.get('/api/customers?segment=online'))).toEqual(['SEG-1', 'SEG-3']);
    expect(codesOf(await admin.get('/api/customers?segment=corporate'))).toEqual(['SEG-2']);
    expect(codesOf(await admin.get('/api/customers?search=webSHOP&order=desc'))).toEqual(['SEG-3', 'SEG-1']);
    expect(codesOf(await admin.get('/api/customers?search=seg-2'))).toEqual(['SEG-2']);
    const page = await admin.get('/api/customers?segment=online&limit=1&sort=name');
    expect(codesOf(page)).toEqual(['SEG-1']);
    expect(codesOf(await admin.get(`/api/customers?segment=online&limit=1&sort=name&cursor=${page.body.nextCursor}`))).toEqual(['SEG-3']);
  });

  it('refuses a duplicate code with 409', async () => {
    await sales.post('/api/customers', aCustomer({ code: 'CU-DUP' }));
    const before = await customerCount();
    const res = await sales.post('/api/customers', aCustomer({ code: 'CU-DUP' }));
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect(await customerCount()).toBe(before);
  });

  const invalidCreates: Array<[string, Record<string, unknown>, string]> = [
    ['missing required field', { segment: undefined }, 'segment'],
    ['wrong type', { name: 42 }, 'name'],
    ['bad enum', { segment: 'gold' }, 'segment'],
    ['unknown extra field', { creditLimit: 1000 }, 'creditLimit'],
    ['bad email', { email: 'nobody' }, 'email'],
    ['too short phone', { phone: '1' }, 'phone'],
    ['out of range attributes', { attributes: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }, 'attributes'],
  ];
  it.each(invalidCreates)('refuses a customer with %s and stores nothing', async (_label, overrides, path) => {
    const before = await customerCount();
    expectInvalid(await sales.post('/api/customers', aCustomer(overrides)), path);
    expect(await customerCount()).toBe(before);
  });

  it('refuses bad updates, ids and queries', async () => {
    const created = (await sales.post('/api/customers', aCustomer())).body;
    expectInvalid(await sales.put(`/api/customers/${created.id}`, { code: 'NEW' }), 'code');
    expectInvalid(await sales.put(`/api/customers/${created.id}`, { segment: 'platinum' }), 'segment');
    expectInvalid(await sales.put(`/api/customers/${created.id}`, {}), '');
    expectInvalid(await admin.get('/api/customers/42'), 'id');
    expectInvalid(await admin.get('/api/customers?segment=gold'), 'segment');
    expectInvalid(await admin.get('/api/customers?limit=-1'), 'limit');
    expect((await admin.get(`/api/customers/${created.id}`)).body).toEqual(created);
    expect((await admin.get(`/api/customers/${UNKNOWN_ID}`)).status).toBe(404);
    expect((await sales.put(`/api/customers/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
  });
});

describe('locations', () => {
  const locationCount = () => t.models.Location.collection.countDocuments();

  it('creates each location type, defaulting the time zone to UTC', async () => {
    const store = await admin.post('/api/locations', { code: 'LOC-S', name: 'Store', type: 'store' });
    expect(store.status).toBe(201);
    expect(store.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      code: 'LOC-S',
      name: 'Store',
      type: 'store',
      timeZone: 'UTC',
      attributes: {},
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const dc = await admin.post('/api/locations', aLocation({ code: 'LOC-D', type: 'dc', timeZone: 'America/New_York', address: '1 Dock Rd' }));
    expect(dc.body).toMatchObject({ type: 'dc', timeZone: 'America/New_York', address: '1 Dock Rd' });
    const wh = await admin.post('/api/locations', aLocation({ code: 'LOC-W' }));
    expect(wh.body).toMatchObject({ type: 'warehouse', timeZone: 'Europe/Berlin' });
    expect((await admin.get(`/api/locations/${dc.body.id}`)).body).toEqual(dc.body);

    expect(codesOf(await admin.get('/api/locations?type=dc'))).toEqual(['LOC-D']);
    expect(codesOf(await admin.get('/api/locations?type=store'))).toEqual(['LOC-S']);
    expect(codesOf(await admin.get('/api/locations?type=warehouse&sort=code&order=desc'))).toEqual(['LOC-W']);
  });

  it('updates without resetting the time zone or attributes', async () => {
    const created = (await admin.post('/api/locations', aLocation({ code: 'LOC-U', timeZone: 'Asia/Tokyo', attributes: { dock: 3 } }))).body;
    const res = await admin.put(`/api/locations/${created.id}`, { name: 'Tokyo DC', status: 'inactive' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...created, name: 'Tokyo DC', status: 'inactive', updatedAt: expect.any(String) });
    const moved = await admin.put(`/api/locations/${created.id}`, { timeZone: 'Europe/Lisbon', type: 'dc' });
    expect(moved.body).toMatchObject({ timeZone: 'Europe/Lisbon', type: 'dc', attributes: { dock: 3 } });
  });

  it('refuses an unknown time zone on create and update', async () => {
    const before = await locationCount();
    const res = await admin.post('/api/locations', aLocation({ timeZone: 'Mars/Olympus' }));
    expectInvalid(res, 'timeZone');
    expect(res.body.details[0].message).toContain('IANA');
    expect(await locationCount()).toBe(before);
    const created = (await admin.post('/api/locations', aLocation({ code: 'LOC-TZ' }))).body;
    expectInvalid(await admin.put(`/api/locations/${created.id}`, { timeZone: 'Mars/Olympus' }), 'timeZone');
    expect((await admin.get(`/api/locations/${created.id}`)).body.timeZone).toBe('Europe/Berlin');
  });

  it('refuses a duplicate code with 409', async () => {
    await admin.post('/api/locations', aLocation({ code: 'LOC-DUP' }));
    const before = await locationCount();
    const res = await admin.post('/api/locations', aLocation({ code: 'LOC-DUP', type: 'store' }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('LOC-DUP') });
    expect(await locationCount()).toBe(before);
  });

  const invalidCreates: Array<[string, Record<string, unknown>, string]> = [
    ['missing required field', { type: undefined }, 'type'],
    ['wrong type', { name: ['Store'] }, 'name'],
    ['bad enum', { type: 'shop' }, 'type'],
    ['unknown extra field', { capacity: 1000 }, 'capacity'],
    ['out of range', { code: 'X'.repeat(33) }, 'code'],
    ['empty name', { name: '   ' }, 'name'],
  ];
  it.each(invalidCreates)('refuses a location with %s and stores nothing', async (_label, overrides, path) => {
    const before = await locationCount();
    expectInvalid(await admin.post('/api/locations', aLocation(overrides)), path);
    expect(await locationCount()).toBe(before);
  });

  it('refuses bad updates, ids and queries', async () => {
    const created = (await admin.post('/api/locations', aLocation())).body;
    expectInvalid(await admin.put(`/api/locations/${created.id}`, { code: 'MOVED' }), 'code');
    expectInvalid(await admin.put(`/api/locations/${created.id}`, { status: 'closed' }), 'status');
    expectInvalid(await admin.put(`/api/locations/${created.id}`, {}), '');
    expectInvalid(await admin.get('/api/locations/abc'), 'id');
    expectInvalid(await admin.get('/api/locations?type=shop'), 'type');
    expectInvalid(await admin.get('/api/locations?search=x'), 'search');
    expect((await admin.get(`/api/locations/${created.id}`)).body).toEqual(created);
    expect((await admin.get(`/api/locations/${UNKNOWN_ID}`)).status).toBe(404);
    expect((await admin.put(`/api/locations/${UNKNOWN_ID}`, { name: 'x' })).status).toBe(404);
  });
});
