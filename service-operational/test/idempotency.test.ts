import { randomUUID } from 'node:crypto';
import { ErrorResponseSchema } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aLocation, aProduct } from './support/builders.js';
import { createHttpPool, type HttpPool } from './support/http-pool.js';
import { collectionCounts, declaredRoutes, requestFor, routeName, seedFixture, type Fixture } from './support/route-catalog.js';
import { startTestApp, TENANT, type ApiResponse, type TestApp } from './support/test-app.js';

/**
 * `Idempotency-Key` on the creating POSTs: a retried request (same key, same
 * body) gets the first response again and creates nothing new; a different
 * body under the same key is refused; only successes are remembered.
 */

const routes = await declaredRoutes();
const idempotentRoutes = routes.filter((route) => route.idempotent);

let t: TestApp;
let pool: HttpPool;
let fx: Fixture;
const SKU = 'IDEM-1';
const WH = 'IDEM-WH';

beforeAll(async () => {
  t = await startTestApp();
  pool = createHttpPool(t.baseUrl, 10);
  const admin = t.as(t.keys.admin);
  expect((await admin.post('/api/products', aProduct({ sku: SKU }))).status).toBe(201);
  expect((await admin.post('/api/locations', aLocation({ code: WH }))).status).toBe(201);
  fx = await seedFixture(admin, TENANT, 'IDEMFX', routes);
});
afterAll(async () => {
  pool?.close();
  await t?.close();
});

const newKey = () => `test-${randomUUID()}`;

function post(key: string, path: string, body: unknown, idempotencyKey: string): Promise<ApiResponse> {
  return t.request('POST', path, { key, body, headers: { 'idempotency-key': idempotencyKey } });
}

/** POST with the body serialised exactly as given (to control JSON key order). */
function postRaw(key: string, path: string, json: string, idempotencyKey: string): Promise<ApiResponse> {
  return t.request('POST', path, {
    key,
    rawBody: json,
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
  });
}

/** The same object with its keys in reverse order (and nested objects too), as JSON. */
function reversedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reversedJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).reverse();
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reversedJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const ledgerRows = () => t.models.StockMovement.collection.countDocuments({ tenantId: 'acme', sku: SKU });
const onHand = async () => (await t.models.StockPosition.collection.findOne({ tenantId: 'acme', sku: SKU, locationCode: WH }))?.onHand ?? 0;

interface Resource {
  name: string;
  path: string;
  role: 'purchasing' | 'admin' | 'warehouse';
  body(): Record<string, unknown>;
  /** Documents this resource's creation writes, counted without tenant scoping. */
  count(): Promise<number>;
}

const resources: Resource[] = [
  {
    name: 'products',
    path: '/api/products',
    role: 'purchasing',
    body: () => aProduct({ attributes: { colour: 'red', size: 3 } }),
    count: () => t.models.Product.collection.countDocuments(),
  },
  {
    name: 'locations',
    path: '/api/locations',
    role: 'admin',
    body: () => aLocation({ attributes: { dock: true, bays: 12 } }),
    count: () => t.models.Location.collection.countDocuments(),
  },
  {
    name: 'stock adjustments',
    path: '/api/stock/adjustment',
    role: 'warehouse',
    body: () => ({ sku: SKU, locationCode: WH, quantity: 5, reason: 'cycle count' }),
    count: ledgerRows,
  },
];

describe.each(resources)('idempotent POST $path', (resource) => {
  const key = () => t.keys[resource.role];

  it('replays the first response for the same key and body, creating one document', async () => {
    const idempotencyKey = newKey();
    const body = resource.body();
    const before = await resource.count();
    const first = await post(key(), resource.path, body, idempotencyKey);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await post(key(), resource.path, body, idempotencyKey);
    const third = await post(key(), resource.path, body, idempotencyKey);
    for (const replay of [again, third]) {
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(await resource.count()).toBe(before + 1);
  });

  it('replays when the same body arrives with its keys in a different order', async () => {
    const idempotencyKey = newKey();
    const body = resource.body();
    const before = await resource.count();
    const first = await postRaw(key(), resource.path, JSON.stringify(body), idempotencyKey);
    expect(first.status).toBe(201);
    const reordered = reversedJson(body);
    expect(reordered).not.toBe(JSON.stringify(body));
    const replay = await postRaw(key(), resource.path, reordered, idempotencyKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await resource.count()).toBe(before + 1);
  });

  it('refuses the same key with a different body: 422 IDEMPOTENCY_MISMATCH, nothing new written', async () => {
    const idempotencyKey = newKey();
    const body = resource.body();
    expect((await post(key(), resource.path, body, idempotencyKey)).status).toBe(201);
    const before = await resource.count();
    const changed = resource.name === 'stock adjustments' ? { ...body, quantity: 6 } : { ...body, name: 'Something else' };
    const response = await post(key(), resource.path, changed, idempotencyKey);
    expect(response.status).toBe(422);
    expect(ErrorResponseSchema.parse(response.body).code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await resource.count()).toBe(before);
  });

  it('treats the same key on another route as a different request (422)', async () => {
    const idempotencyKey = newKey();
    expect((await post(key(), resource.path, resource.body(), idempotencyKey)).status).toBe(201);
    const other = resources.find((r) => r !== resource)!;
    const before = await other.count();
    const response = await post(t.keys.admin, other.path, other.body(), idempotencyKey);
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(await other.count()).toBe(before);
  });

  it('processes the same key again once the stored key has expired', async () => {
    const idempotencyKey = newKey();
    const body = resource.body();
    const first = await post(key(), resource.path, body, idempotencyKey);
    expect(first.status).toBe(201);
    const expired = await t.models.IdempotencyKey.collection.updateOne(
      { tenantId: 'acme', key: idempotencyKey },
      { $set: { expiresAt: new Date(Date.now() - 1_000) } },
    );
    expect(expired.modifiedCount).toBe(1);
    // Products and locations have unique codes, so the repeat names a new one; the adjustment repeats as is.
    const repeat =
      resource.name === 'stock adjustments' ? body : { ...body, ...('sku' in body ? { sku: `${String(body.sku)}-B` } : { code: `${String(body.code)}-B` }) };
    const before = await resource.count();
    const second = await post(key(), resource.path, repeat, idempotencyKey);
    expect(second.status, JSON.stringify(second.body)).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id ?? second.body.movements?.[0]?.id).not.toBe(first.body.id ?? first.body.movements?.[0]?.id);
    expect(await resource.count()).toBe(before + 1);
    // The renewed key remembers the new response, with a fresh expiry.
    const stored = await t.models.IdempotencyKey.collection.findOne({ tenantId: 'acme', key: idempotencyKey });
    expect(stored?.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    const replay = await post(key(), resource.path, repeat, idempotencyKey);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(second.body);
  });

  it('tells a retry whether the first request is still running or was abandoned by a stopped server (409 both, nothing written)', async () => {
    const idempotencyKey = newKey();
    const body = resource.body();
    expect((await post(key(), resource.path, body, idempotencyKey)).status).toBe(201);
    // Turn the stored key back into a claim in flight, as a server that stopped mid-request leaves it (same request hash).
    const inFlightSince = (msAgo: number) =>
      t.models.IdempotencyKey.collection.updateOne(
        { tenantId: 'acme', key: idempotencyKey },
        // A claim expires a day after it was made: its expiry says when.
        { $set: { state: 'inFlight', expiresAt: new Date(Date.now() - msAgo + 86_400_000) }, $unset: { response: '' } },
      );
    const before = await resource.count();

    await inFlightSince(5_000);
    const running = await post(key(), resource.path, body, idempotencyKey);
    expect(ErrorResponseSchema.parse(running.body)).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_IN_FLIGHT' });
    expect(running.body.message).toContain('still being processed');

    await inFlightSince(11 * 60_000);
    const abandoned = await post(key(), resource.path, body, idempotencyKey);
    expect(ErrorResponseSchema.parse(abandoned.body)).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_IN_FLIGHT' });
    expect(abandoned.body.message).toMatch(/never finished: its server stopped.*use a new key/);

    expect(await resource.count()).toBe(before);
    expect((await t.models.IdempotencyKey.collection.findOne({ tenantId: 'acme', key: idempotencyKey }))?.state).toBe('inFlight');
  });

  it('keeps keys per tenant: the same key in two tenants creates two independent resources', async () => {
    if (resource.name === 'stock adjustments') {
      // globex has no such product: its request fails on its own, without touching acme's key.
      const idempotencyKey = newKey();
      const body = resource.body();
      expect((await post(key(), resource.path, body, idempotencyKey)).status).toBe(201);
      const other = await post(t.keys.otherTenant, resource.path, body, idempotencyKey);
      expect(other.status).toBe(404);
      expect(other.headers.get('idempotent-replayed')).toBeNull();
      return;
    }
    const idempotencyKey = newKey();
    const body = resource.body();
    const before = await resource.count();
    const mine = await post(key(), resource.path, body, idempotencyKey);
    const theirs = await post(t.keys.otherTenant, resource.path, body, idempotencyKey);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await resource.count()).toBe(before + 2);
    expect(await t.models.IdempotencyKey.collection.countDocuments({ key: idempotencyKey })).toBe(2);
  });
});

describe('idempotency edge cases', () => {
  it('does not remember a 4xx: after fixing the stock, the same key succeeds', async () => {
    const idempotencyKey = newKey();
    const take = { sku: SKU, locationCode: WH, quantity: -((await onHand()) + 7), reason: 'shipped without booking' };
    const rowsBefore = await ledgerRows();
    const refused = await post(t.keys.warehouse, '/api/stock/adjustment', take, idempotencyKey);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('INSUFFICIENT_STOCK');
    expect(await t.models.IdempotencyKey.collection.countDocuments({ key: idempotencyKey })).toBe(0);
    // The same retry before anything changed is refused again, not replayed.
    const refusedAgain = await post(t.keys.warehouse, '/api/stock/adjustment', take, idempotencyKey);
    expect(refusedAgain.status).toBe(409);
    expect(refusedAgain.headers.get('idempotent-replayed')).toBeNull();
    expect(await ledgerRows()).toBe(rowsBefore);

    expect((await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku: SKU, locationCode: WH, quantity: 10, reason: 'late receipt' })).status).toBe(201);
    const retried = await post(t.keys.warehouse, '/api/stock/adjustment', take, idempotencyKey);
    expect(retried.status, JSON.stringify(retried.body)).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.positions[0].onHand).toBe(3);
    expect(await ledgerRows()).toBe(rowsBefore + 2);
    const replay = await post(t.keys.warehouse, '/api/stock/adjustment', take, idempotencyKey);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await ledgerRows()).toBe(rowsBefore + 2);
  });

  it('does not remember a 400 either, nor claim the key for it', async () => {
    const idempotencyKey = newKey();
    const invalid = await post(t.keys.purchasing, '/api/products', { ...aProduct(), price: -1 }, idempotencyKey);
    expect(invalid.status).toBe(400);
    expect(await t.models.IdempotencyKey.collection.countDocuments({ key: idempotencyKey })).toBe(0);
    const valid = await post(t.keys.purchasing, '/api/products', aProduct(), idempotencyKey);
    expect(valid.status).toBe(201);
  });

  it('processes exactly one of two identical concurrent requests; the other is told it is in flight or gets the replay', async () => {
    const seen = { processed: 0, replayed: 0, inFlight: 0 };
    for (let round = 0; round < 5; round++) {
      const idempotencyKey = newKey();
      const body = { sku: SKU, locationCode: WH, quantity: 2, reason: `double-click ${round}` };
      const before = await ledgerRows();
      const send = () => pool.request('POST', '/api/stock/adjustment', { key: t.keys.warehouse, body, headers: { 'idempotency-key': idempotencyKey } });
      const responses = await Promise.all([send(), send(), send()]);
      const processed = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === undefined);
      const replayed = responses.filter((r) => r.status === 201 && r.headers['idempotent-replayed'] === 'true');
      const inFlight = responses.filter((r) => r.status === 409 && r.body.code === 'IDEMPOTENCY_IN_FLIGHT');
      expect(processed, JSON.stringify(responses.map((r) => [r.status, r.body.code]))).toHaveLength(1);
      expect(processed.length + replayed.length + inFlight.length).toBe(responses.length);
      for (const r of replayed) expect(r.body).toEqual(processed[0]!.body);
      seen.processed += processed.length;
      seen.replayed += replayed.length;
      seen.inFlight += inFlight.length;
      expect(await ledgerRows()).toBe(before + 1);
      // Once the first finished, a retry is a replay.
      const retry = await send();
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(processed[0]!.body);
      expect(await ledgerRows()).toBe(before + 1);
    }
    console.info(`[idempotency] 5 rounds of 3 concurrent identical requests: ${JSON.stringify(seen)}`);
    // The handler takes several round trips, so the duplicates do overlap it.
    expect(seen.inFlight).toBeGreaterThan(0);
  });

  it.each([
    ['too long', 'k'.repeat(201)],
    ['spaces', 'has spaces'],
    ['non-ASCII', 'schlüssel'],
    ['slash', 'a/b'],
    ['quote', 'a"b'],
  ])('refuses an Idempotency-Key with %s: 400 INVALID_INPUT, nothing written', async (_label, idempotencyKey) => {
    const productsBefore = await t.models.Product.collection.countDocuments();
    const keysBefore = await t.models.IdempotencyKey.collection.countDocuments();
    const response = await pool.request('POST', '/api/products', {
      key: t.keys.purchasing,
      body: aProduct(),
      headers: { 'idempotency-key': Buffer.from(idempotencyKey, 'utf8').toString('latin1') },
    });
    expect(response.status).toBe(400);
    expect(ErrorResponseSchema.parse(response.body)).toMatchObject({ code: 'INVALID_INPUT', details: [{ path: 'Idempotency-Key' }] });
    expect(await t.models.Product.collection.countDocuments()).toBe(productsBefore);
    expect(await t.models.IdempotencyKey.collection.countDocuments()).toBe(keysBefore);
  });

  it('accepts the full allowed alphabet and length', async () => {
    const idempotencyKey = `A-z_0.9:${'x'.repeat(192)}`;
    expect(idempotencyKey).toHaveLength(200);
    const body = aProduct({ sku: 'IDEM-LONG' });
    const first = await post(t.keys.purchasing, '/api/products', body, idempotencyKey);
    expect(first.status).toBe(201);
    const replay = await post(t.keys.purchasing, '/api/products', body, idempotencyKey);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('ignores the header on routes that are not idempotent (a PUT is idempotent by nature)', async () => {
    const idempotencyKey = newKey();
    const put = await t.request('PUT', `/api/products/${SKU}`, {
      key: t.keys.purchasing,
      body: { brand: 'Acme' },
      headers: { 'idempotency-key': idempotencyKey },
    });
    expect(put.status).toBe(200);
    expect(await t.models.IdempotencyKey.collection.countDocuments({ key: idempotencyKey })).toBe(0);
  });
});

describe('every idempotent route, as declared', () => {
  it('declares every creating POST (status 201) idempotent, and only POSTs', () => {
    expect(idempotentRoutes.length).toBeGreaterThan(5);
    expect(routes.filter((r) => r.status === 201 && !r.idempotent).map(routeName)).toEqual([]);
    expect(idempotentRoutes.filter((r) => r.method !== 'post').map(routeName)).toEqual([]);
  });

  it.each(idempotentRoutes.map((route) => [routeName(route), route] as const))('%s replays a retry without running it again', async (_name, route) => {
    const request = await requestFor(route, fx, t.as(t.keys.admin));
    const idempotencyKey = newKey();
    const first = await post(t.keys.admin, request.path, request.body, idempotencyKey);
    expect(first.status, JSON.stringify(first.body)).toBe(route.status ?? 200);
    const before = await collectionCounts(t);
    const ledgerBefore = await t.models.StockMovement.collection.countDocuments();
    const replay = await post(t.keys.admin, request.path, request.body, idempotencyKey);
    expect(replay.status).toBe(first.status);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await collectionCounts(t)).toEqual(before);
    expect(await t.models.StockMovement.collection.countDocuments()).toBe(ledgerBefore);
  });
});
