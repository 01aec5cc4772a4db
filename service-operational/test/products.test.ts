import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct } from './support/builders.js';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

interface ProductBody {
  id: string;
  sku: string;
  name: string;
  category: string;
  subCategory?: string;
  brand?: string;
  price: number;
  status: string;
  createdAt: string;
  updatedAt: string;
  deletedAt?: string;
}

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
let purchasing: ReturnType<TestApp['as']>;
let warehouse: ReturnType<TestApp['as']>;

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  purchasing = t.as(t.keys.purchasing);
  warehouse = t.as(t.keys.warehouse);
});
afterAll(() => t.close());

function expectInvalid(res: ApiResponse, ...paths: string[]): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request' });
  expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(paths));
}

const productCount = () => t.models.Product.collection.countDocuments();

async function create(overrides: Record<string, unknown> = {}): Promise<ProductBody> {
  const res = await purchasing.post('/api/products', aProduct(overrides));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as ProductBody;
}

/** Follow nextCursor from the first page to the last; returns each page's items. */
async function walk(path: string): Promise<ProductBody[][]> {
  const pages: ProductBody[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: ApiResponse = await admin.get(cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body.items);
    cursor = res.body.nextCursor;
    expect(pages.length).toBeLessThan(20);
  } while (cursor);
  return pages;
}

const byValueThenId =
  <T extends { id: string }>(value: (p: T) => string | number, order: 'asc' | 'desc' = 'asc') =>
  (a: T, b: T): number => {
    const [va, vb] = [value(a), value(b)];
    const cmp = va < vb ? -1 : va > vb ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    return order === 'asc' ? cmp : -cmp;
  };

describe('creating and reading products', () => {
  it('creates a product with the defaults applied and reads it back by SKU', async () => {
    const before = await productCount();
    const res = await purchasing.post('/api/products', { sku: 'DEF-1', name: '  Plain bolt  ', category: 'fasteners', price: 0.5, cost: 0.1 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      sku: 'DEF-1',
      name: 'Plain bolt',
      category: 'fasteners',
      unit: 'each',
      price: 0.5,
      cost: 0.1,
      reorderPoint: 0,
      safetyStock: 0,
      leadTimeDays: 7,
      attributes: {},
      status: 'active',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(res.body.createdAt).toBe(res.body.updatedAt);
    expect(await productCount()).toBe(before + 1);

    const got = await admin.get('/api/products/DEF-1');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    const stored = await t.models.Product.collection.findOne({ sku: 'DEF-1' });
    expect(stored).toMatchObject({ tenantId: 'acme', attributes: {}, status: 'active' });
    expect(stored).not.toHaveProperty('deletedAt');
  });

  it('keeps optional fields and attributes that were given', async () => {
    const p = await create({
      sku: 'OPT-1',
      subCategory: 'bolts',
      brand: 'Acme',
      unit: 'box',
      attributes: { colour: 'red', size: 4, fragile: false, note: null },
    });
    expect(p).toMatchObject({ subCategory: 'bolts', brand: 'Acme', unit: 'box', attributes: { colour: 'red', size: 4, fragile: false, note: null } });
  });

  it('refuses a duplicate SKU with 409 and stores nothing, but the other tenant may use it', async () => {
    await create({ sku: 'DUP-1' });
    const before = await productCount();
    const res = await purchasing.post('/api/products', aProduct({ sku: 'DUP-1', name: 'Another' }));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ statusCode: 409, code: 'CONFLICT', error: 'Conflict' });
    expect(res.body.message).toContain('DUP-1');
    expect(await productCount()).toBe(before);
    expect((await admin.get('/api/products/DUP-1')).body.name).not.toBe('Another');

    const other = await t.as(t.keys.otherTenant).post('/api/products', aProduct({ sku: 'DUP-1', name: 'Globex one' }));
    expect(other.status).toBe(201);
    expect((await admin.get('/api/products/DUP-1')).body.name).not.toBe('Globex one');
  });

  it('answers 404 for an unknown SKU', async () => {
    const res = await admin.get('/api/products/NOPE-404');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: expect.stringContaining('NOPE-404') });
  });
});

describe('updating products', () => {
  it('changes every class of field and keeps the SKU', async () => {
    const p = await create({ sku: 'UPD-1', subCategory: 'old-sub', brand: 'OldBrand', attributes: { a: 1 } });
    const changes = {
      name: 'Renamed',
      category: 'tools',
      subCategory: 'drills',
      brand: 'NewBrand',
      unit: 'kg',
      price: 19.9999,
      cost: 11,
      reorderPoint: 12,
      safetyStock: 6,
      leadTimeDays: 30,
      attributes: { voltage: 18, cordless: true },
      status: 'inactive',
    };
    const res = await purchasing.put('/api/products/UPD-1', changes);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ ...changes, id: p.id, sku: 'UPD-1', createdAt: p.createdAt, updatedAt: expect.any(String) });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(p.updatedAt));
    expect((await admin.get('/api/products/UPD-1')).body).toEqual(res.body);
  });

  it('leaves fields that were not sent as they were', async () => {
    const p = await create({ sku: 'UPD-2', brand: 'Keep', reorderPoint: 9, attributes: { keep: 'me' } });
    const res = await purchasing.put('/api/products/UPD-2', { price: 99 });
    expect(res.body).toMatchObject({ price: 99, brand: 'Keep', reorderPoint: 9, attributes: { keep: 'me' }, name: p.name, cost: 7.25 });
  });

  it('clears subCategory and brand with null', async () => {
    await create({ sku: 'UPD-3', subCategory: 'screws', brand: 'Gone' });
    const res = await purchasing.put('/api/products/UPD-3', { subCategory: null, brand: null });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('subCategory');
    expect(res.body).not.toHaveProperty('brand');
    const stored = await t.models.Product.collection.findOne({ sku: 'UPD-3' });
    expect(stored).not.toHaveProperty('subCategory');
    expect(stored).not.toHaveProperty('brand');
  });

  it('refuses to change the SKU (strict body) and changes nothing', async () => {
    await create({ sku: 'UPD-4', name: 'Original' });
    const res = await purchasing.put('/api/products/UPD-4', { sku: 'UPD-4B', name: 'Changed' });
    expectInvalid(res, 'sku');
    expect(res.body.message).toContain('sku');
    expect((await admin.get('/api/products/UPD-4')).body.name).toBe('Original');
    expect((await admin.get('/api/products/UPD-4B')).status).toBe(404);
  });

  it('refuses an empty change, bad values and an unknown SKU', async () => {
    await create({ sku: 'UPD-5' });
    expectInvalid(await purchasing.put('/api/products/UPD-5', {}), '');
    expectInvalid(await purchasing.put('/api/products/UPD-5', { price: -1 }), 'price');
    expectInvalid(await purchasing.put('/api/products/UPD-5', { price: 1.00001 }), 'price');
    expectInvalid(await purchasing.put('/api/products/UPD-5', { status: 'discontinued' }), 'status');
    expectInvalid(await purchasing.put('/api/products/UPD-5', { reorderPoint: 1.5 }), 'reorderPoint');
    expectInvalid(await purchasing.put('/api/products/UPD-5', { name: '   ' }), 'name');
    expect((await admin.get('/api/products/UPD-5')).body.price).toBe(12.5);
    const missing = await purchasing.put('/api/products/UPD-NONE', { price: 1 });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('NOT_FOUND');
  });
});

describe('discontinuing products (soft delete)', () => {
  it('marks the product discontinued, hides it from the default list and keeps it readable', async () => {
    await create({ sku: 'DEL-1', category: 'deletion' });
    await create({ sku: 'DEL-2', category: 'deletion' });
    const before = await productCount();
    const res = await purchasing.delete('/api/products/DEL-1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sku: 'DEL-1', status: 'discontinued', deletedAt: expect.any(String) });
    expect(Math.abs(Date.parse(res.body.deletedAt) - Date.now())).toBeLessThan(60_000);
    expect(await productCount()).toBe(before);
    const stored = await t.models.Product.collection.findOne({ sku: 'DEL-1' });
    expect(stored?.deletedAt).toBeInstanceOf(Date);

    expect((await admin.get('/api/products/DEL-1')).body).toEqual(res.body);
    const listed = await admin.get('/api/products?category=deletion');
    expect(listed.body.items.map((p: ProductBody) => p.sku)).toEqual(['DEL-2']);
    const all = await admin.get('/api/products?category=deletion&includeDeleted=true');
    expect(all.body.items.map((p: ProductBody) => [p.sku, p.status])).toEqual([
      ['DEL-1', 'discontinued'],
      ['DEL-2', 'active'],
    ]);
    const onlyDiscontinued = await admin.get('/api/products?category=deletion&includeDeleted=1&status=discontinued');
    expect(onlyDiscontinued.body.items.map((p: ProductBody) => p.sku)).toEqual(['DEL-1']);
    const notDeleted = await admin.get('/api/products?category=deletion&includeDeleted=false');
    expect(notDeleted.body.items.map((p: ProductBody) => p.sku)).toEqual(['DEL-2']);
  });

  it('refuses to update or discontinue again a discontinued product', async () => {
    await create({ sku: 'DEL-3' });
    expect((await purchasing.delete('/api/products/DEL-3')).status).toBe(200);
    const update = await purchasing.put('/api/products/DEL-3', { name: 'Zombie' });
    expect(update.status).toBe(404);
    expect(update.body.code).toBe('NOT_FOUND');
    expect((await purchasing.delete('/api/products/DEL-3')).status).toBe(404);
    expect((await admin.get('/api/products/DEL-3')).body).toMatchObject({ name: expect.not.stringMatching('Zombie'), status: 'discontinued' });
    expect((await purchasing.delete('/api/products/NEVER-WAS')).status).toBe(404);
  });
});

describe('listing products', () => {
  const skus = ['PG-1', 'PG-2', 'PG-3', 'PG-4', 'PG-5', 'PG-6', 'PG-7'];
  const names = ['Beta', 'Alpha', 'Beta', 'Gamma', 'Alpha', 'Beta', 'Alpha'];
  const prices = [5, 3, 5, 1, 3, 5, 9];
  let created: ProductBody[] = [];

  beforeAll(async () => {
    created = [];
    // Created out of SKU order, so SKU order and creation order differ.
    for (const i of [3, 0, 6, 1, 5, 2, 4]) {
      created.push(
        await create({
          sku: skus[i],
          name: names[i],
          price: prices[i],
          category: 'paging',
          brand: i % 2 ? 'Odd' : 'Even',
          status: i === 6 ? 'inactive' : 'active',
        }),
      );
    }
  });

  it('walks every page with nextCursor: 3, 3, 1, no duplicates, no gaps', async () => {
    const pages = await walk('/api/products?category=paging&limit=3');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((p) => p.sku)).toEqual(skus);
  });

  it('walks in descending order', async () => {
    const pages = await walk('/api/products?category=paging&limit=3&order=desc');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((p) => p.sku)).toEqual([...skus].reverse());
  });

  it('returns a null nextCursor when everything fits on one page', async () => {
    const res = await admin.get('/api/products?category=paging&limit=7');
    expect(res.body.items).toHaveLength(7);
    expect(res.body.nextCursor).toBeNull();
    const exact = await admin.get('/api/products?category=paging&limit=200');
    expect(exact.body.nextCursor).toBeNull();
  });

  it('sorts by name with ties broken stably across pages', async () => {
    const expected = [...created].sort(byValueThenId((p) => p.name)).map((p) => p.sku);
    const pages = await walk('/api/products?category=paging&sort=name&limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    expect(pages.flat().map((p) => p.sku)).toEqual(expected);
    expect(pages.flat().map((p) => p.name)).toEqual(['Alpha', 'Alpha', 'Alpha', 'Beta', 'Beta', 'Beta', 'Gamma']);
  });

  it('sorts by price descending with ties across page boundaries', async () => {
    const expected = [...created].sort(byValueThenId((p) => p.price, 'desc')).map((p) => p.sku);
    const pages = await walk('/api/products?category=paging&sort=price&order=desc&limit=2');
    expect(pages.flat().map((p) => p.sku)).toEqual(expected);
    expect(pages.flat().map((p) => p.price)).toEqual([9, 5, 5, 5, 3, 3, 1]);
  });

  it('sorts by creation time', async () => {
    const pages = await walk('/api/products?category=paging&sort=createdAt&limit=3');
    expect(pages.flat().map((p) => p.sku)).toEqual(created.map((p) => p.sku));
    const desc = await walk('/api/products?category=paging&sort=createdAt&order=desc&limit=4');
    expect(desc.flat().map((p) => p.sku)).toEqual(created.map((p) => p.sku).reverse());
  });

  it('filters by category, brand and status', async () => {
    const odd = await admin.get('/api/products?category=paging&brand=Odd');
    expect(odd.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-2', 'PG-4', 'PG-6']);
    const inactive = await admin.get('/api/products?category=paging&status=inactive');
    expect(inactive.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-7']);
    const evenActive = await admin.get('/api/products?category=paging&brand=Even&status=active');
    expect(evenActive.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-1', 'PG-3', 'PG-5']);
    const none = await admin.get('/api/products?category=no-such-category');
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('searches names and SKUs case-insensitively, as plain text', async () => {
    const byName = await admin.get('/api/products?category=paging&search=gAmM');
    expect(byName.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-4']);
    const bySku = await admin.get('/api/products?category=paging&search=pg-7');
    expect(bySku.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-7']);
    const both = await admin.get('/api/products?category=paging&search=ALPHA&limit=2');
    expect(both.body.items.map((p: ProductBody) => p.sku)).toEqual(['PG-2', 'PG-5']);
    expect(both.body.nextCursor).not.toBeNull();
    // "." is a literal dot, not "any character".
    const literal = await admin.get('/api/products?category=paging&search=PG.1');
    expect(literal.body.items).toEqual([]);
    const regexChars = await admin.get(`/api/products?search=${encodeURIComponent('(.*')}`);
    expect(regexChars.status).toBe(200);
    expect(regexChars.body.items).toEqual([]);
  });

  it('refuses bad list parameters', async () => {
    expectInvalid(await admin.get('/api/products?limit=201'), 'limit');
    expectInvalid(await admin.get('/api/products?limit=0'), 'limit');
    expectInvalid(await admin.get('/api/products?limit=ten'), 'limit');
    expectInvalid(await admin.get('/api/products?sort=colour'), 'sort');
    expectInvalid(await admin.get('/api/products?order=up'), 'order');
    expectInvalid(await admin.get('/api/products?status=gone'), 'status');
    expectInvalid(await admin.get('/api/products?includeDeleted=yes'), 'includeDeleted');
    expectInvalid(await admin.get('/api/products?colour=red'), 'colour');
    expectInvalid(await admin.get('/api/products?cursor=not-a-cursor'), 'cursor');
  });

  it('refuses a forged cursor with 400, not a server error', async () => {
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [forged(['Alpha', 'not-an-object-id']), forged([{ $ne: null }, '0123456789abcdef01234567']), forged(['x']), forged({})]) {
      const res = await admin.get(`/api/products?sort=name&cursor=${cursor}`);
      expectInvalid(res, 'cursor');
    }
    const badDate = await admin.get(`/api/products?sort=createdAt&cursor=${forged([{ $date: 'yesterday' }, '0123456789abcdef01234567'])}`);
    expectInvalid(badDate, 'cursor');
  });
});

describe('stock views of a product', () => {
  const sku = 'PSTK-1';
  beforeAll(async () => {
    await create({ sku, reorderPoint: 10 });
    for (const code of ['PS-A', 'PS-B']) expect((await admin.post('/api/locations', aLocation({ code }))).status).toBe(201);
  });

  it('shows zero totals and no locations before any movement', async () => {
    const res = await admin.get(`/api/products/${sku}/stock`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      sku,
      name: expect.any(String),
      unit: 'each',
      totals: { onHand: 0, reserved: 0, available: 0, onOrder: 0, inTransit: 0, damaged: 0 },
      locations: [],
    });
  });

  it('totals stock across locations', async () => {
    const adjust = (locationCode: string, quantity: number) => warehouse.post('/api/stock/adjustment', { sku, locationCode, quantity, reason: 'cycle count' });
    expect((await adjust('PS-A', 5)).status).toBe(201);
    expect((await adjust('PS-B', 20)).status).toBe(201);
    expect((await adjust('PS-B', -2)).status).toBe(201);
    expect((await warehouse.post('/api/stock/damage', { sku, locationCode: 'PS-B', quantity: 3, reason: 'dropped' })).status).toBe(201);
    const res = await admin.get(`/api/products/${sku}/stock`);
    expect(res.body.totals).toEqual({ onHand: 20, reserved: 0, available: 20, onOrder: 0, inTransit: 0, damaged: 3 });
    expect(
      res.body.locations.map((p: { locationCode: string; onHand: number; damaged: number; lowStock: boolean }) => [
        p.locationCode,
        p.onHand,
        p.damaged,
        p.lowStock,
      ]),
    ).toEqual([
      ['PS-A', 5, 0, true],
      ['PS-B', 15, 3, false],
    ]);
    expect((await admin.get('/api/products/NOPE-STK/stock')).status).toBe(404);
  });

  it('lists the product ledger newest first, with filters and pagination', async () => {
    const res = await admin.get(`/api/products/${sku}/movements`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { type: string; locationCode: string; deltas: object }) => [m.type, m.locationCode, m.deltas])).toEqual([
      ['damage', 'PS-B', { onHand: -3, damaged: 3 }],
      ['adjustment', 'PS-B', { onHand: -2 }],
      ['adjustment', 'PS-B', { onHand: 20 }],
      ['adjustment', 'PS-A', { onHand: 5 }],
    ]);
    const ats = res.body.items.map((m: { at: string }) => Date.parse(m.at));
    expect([...ats].sort((a, b) => b - a)).toEqual(ats);

    const atB = await admin.get(`/api/products/${sku}/movements?locationCode=PS-B&type=adjustment`);
    expect(atB.body.items.map((m: { deltas: { onHand: number } }) => m.deltas.onHand)).toEqual([-2, 20]);
    const oldestFirst = await admin.get(`/api/products/${sku}/movements?order=asc&limit=3`);
    expect(oldestFirst.body.items.map((m: { balanceAfter: { onHand: number } }) => m.balanceAfter.onHand)).toEqual([5, 20, 18]);
    const rest = await admin.get(`/api/products/${sku}/movements?order=asc&limit=3&cursor=${oldestFirst.body.nextCursor}`);
    expect(rest.body.items.map((m: { type: string }) => m.type)).toEqual(['damage']);
    expect(rest.body.nextCursor).toBeNull();
    const future = await admin.get(`/api/products/${sku}/movements?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.items).toEqual([]);
  });

  it('answers 404 for the movements of an unknown SKU and 400 for bad filters', async () => {
    const res = await admin.get('/api/products/NOPE-MOV/movements');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
    expectInvalid(await admin.get(`/api/products/${sku}/movements?type=theft`), 'type');
    expectInvalid(await admin.get(`/api/products/${sku}/movements?from=yesterday`), 'from');
    expectInvalid(await admin.get(`/api/products/${sku}/movements?sku=OTHER`), 'sku');
  });

  it('lists low-stock positions and follows reorder-point changes', async () => {
    const lowOf = async (query = '') => {
      const res = await admin.get(`/api/products/low-stock${query}`);
      expect(res.status).toBe(200);
      return res.body.items
        .filter((p: { sku: string }) => p.sku === sku)
        .map((p: { locationCode: string; available: number; reorderPoint: number }) => [p.locationCode, p.available, p.reorderPoint]);
    };
    expect(await lowOf()).toEqual([['PS-A', 5, 10]]);

    // Raising the reorder point above 15 makes PS-B low as well.
    expect((await purchasing.put(`/api/products/${sku}`, { reorderPoint: 16 })).status).toBe(200);
    expect(await lowOf()).toEqual([
      ['PS-A', 5, 16],
      ['PS-B', 15, 16],
    ]);
    expect(await lowOf('?locationCode=PS-B')).toEqual([['PS-B', 15, 16]]);

    // Lowering it to 5 clears both (5 is not below 5).
    expect((await purchasing.put(`/api/products/${sku}`, { reorderPoint: 5 })).status).toBe(200);
    expect(await lowOf()).toEqual([]);
    const positions = await admin.get(`/api/stock/current?sku=${sku}`);
    expect(positions.body.items.map((p: { lowStock: boolean; reorderPoint: number }) => [p.lowStock, p.reorderPoint])).toEqual([
      [false, 5],
      [false, 5],
    ]);

    // A stock change moves a position back in.
    expect((await warehouse.post('/api/stock/adjustment', { sku, locationCode: 'PS-A', quantity: -1, reason: 'miscount' })).status).toBe(201);
    expect(await lowOf()).toEqual([['PS-A', 4, 5]]);
    expect((await warehouse.post('/api/stock/adjustment', { sku, locationCode: 'PS-A', quantity: 1, reason: 'found it' })).status).toBe(201);
    expect(await lowOf()).toEqual([]);
  });

  it('refuses bad low-stock parameters', async () => {
    expectInvalid(await admin.get('/api/products/low-stock?limit=500'), 'limit');
    expectInvalid(await admin.get('/api/products/low-stock?sku=X'), 'sku');
    expectInvalid(await admin.get('/api/products/low-stock?locationCode=bad%20code'), 'locationCode');
  });
});

describe('product input validation', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['missing required field', { name: undefined }, 'name'],
    ['missing SKU', { sku: undefined }, 'sku'],
    ['wrong type', { price: '12.50' }, 'price'],
    ['wrong type (attributes)', { attributes: ['a'] }, 'attributes'],
    ['nested attribute value', { attributes: { dims: { w: 1 } } }, 'attributes.dims'],
    ['out of range', { reorderPoint: -1 }, 'reorderPoint'],
    ['out of range (lead time)', { leadTimeDays: 366 }, 'leadTimeDays'],
    ['too many decimals', { cost: 0.123456 }, 'cost'],
    ['unknown extra field', { colour: 'red' }, 'colour'],
    ['bad enum', { status: 'discontinued' }, 'status'],
    ['bad SKU format', { sku: '-leading-dash' }, 'sku'],
    ['too long', { name: 'x'.repeat(201) }, 'name'],
  ];
  it.each(cases)('refuses a create with %s and stores nothing', async (_label, overrides, path) => {
    const before = await productCount();
    const res = await purchasing.post('/api/products', aProduct(overrides));
    expectInvalid(res, path);
    if (path === 'colour') expect(res.body.message).toContain('colour');
    expect(await productCount()).toBe(before);
  });

  it('refuses a bad SKU in the path', async () => {
    expectInvalid(await admin.get('/api/products/bad%20sku!'), 'sku');
    expectInvalid(await purchasing.put('/api/products/bad%20sku!', { name: 'x' }), 'sku');
    expectInvalid(await admin.get(`/api/products/${'A'.repeat(65)}/stock`), 'sku');
  });

  it('refuses a body that is not an object', async () => {
    const before = await productCount();
    expectInvalid(await purchasing.post('/api/products', [aProduct()]), '');
    // A bare JSON string is refused by the JSON parser itself (strict mode), before any schema.
    const bare = await purchasing.post('/api/products', 'SKU-X');
    expect(bare.status).toBe(400);
    expect(bare.body).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('not valid JSON') });
    expect(await productCount()).toBe(before);
  });
});
