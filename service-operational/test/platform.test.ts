import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.js';
import { aProduct } from './support/builders.js';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
});
afterAll(() => t.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const productCount = () => t.models.Product.collection.countDocuments();

function expectErrorShape(res: ApiResponse, statusCode: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(statusCode);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    statusCode,
    code,
    error: expect.any(String),
    message: expect.any(String),
    ...(res.body.details === undefined ? {} : { details: res.body.details }),
  });
}

describe('probes', () => {
  it('/health answers without a key, with a bare status', async () => {
    const res = await t.request('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('/ready answers 200 with the database reachable; its details (uptime) need a service key', async () => {
    const res = await t.request('GET', '/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
    const details = await t.request('GET', '/ready/details', { key: t.keys.service });
    expect(details.status).toBe(200);
    expect(details.body).toEqual({ status: 'ready', database: 'reachable', uptimeSeconds: expect.any(Number) });
    expect(details.body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe('/metrics', () => {
  it('labels request durations by route template, never by raw path', async () => {
    const sku = 'METRIC-SKU-77';
    expect((await admin.post('/api/products', aProduct({ sku }))).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await admin.get(`/api/products/${sku}`)).status).toBe(200);
    expect((await admin.get('/api/products/METRIC-MISSING')).status).toBe(404);
    await t.request('GET', '/no/such/route');

    const res = await t.request('GET', '/metrics', { key: t.keys.service });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = String(res.body);
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/products\/:sku",status="200"\} 3$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/products\/:sku",status="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="POST",route="\/api\/products",status="201"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/api\/products\/:sku",status="200"\} 3$/m);
    expect(text).not.toContain('METRIC-SKU-77');
    expect(text).not.toContain('METRIC-MISSING');
    expect(text).not.toContain('/no/such/route');
  });

  it('reports the MongoDB connection pool', async () => {
    const text = String((await t.request('GET', '/metrics', { key: t.keys.service })).body);
    expect(text).toContain('# TYPE mongo_pool_connections gauge');
    const open = Number(/^mongo_pool_connections (\d+)$/m.exec(text)?.[1]);
    expect(open).toBeGreaterThanOrEqual(1);
    const checkouts = Number(/^mongo_pool_checkouts_total (\d+)$/m.exec(text)?.[1]);
    expect(checkouts).toBeGreaterThan(0);
    expect(text).toMatch(/^mongo_pool_checked_out \d+$/m);
  });
});

describe('/openapi.json and /docs', () => {
  let routes: Array<{ method: string; path: string; status?: number; body?: unknown; params?: unknown; roles?: readonly string[]; idempotent?: boolean }>;

  beforeAll(async () => {
    // A second app on its own (unused) database, only to read the routes it declares.
    const connection = await mongoose.createConnection(inject('mongoUri'), { dbName: `openapi_${process.pid}` }).asPromise();
    try {
      routes = [...createApp({ connection }).routes];
    } finally {
      await connection.close();
    }
  });

  const toTemplate = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}');

  it('is an OpenAPI 3 document listing exactly the declared routes with their methods', async () => {
    const res = await t.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });

    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const declared = routes.map((r) => `${r.method.toUpperCase()} ${toTemplate(r.path)}`).sort();
    expect(documented).toEqual(declared);
    expect(new Set(declared).size).toBe(declared.length);

    // The API this service promises, whatever else is added later.
    expect(documented).toEqual(
      expect.arrayContaining([
        'GET /api/products',
        'POST /api/products',
        'GET /api/products/low-stock',
        'GET /api/products/{sku}',
        'PUT /api/products/{sku}',
        'DELETE /api/products/{sku}',
        'GET /api/products/{sku}/stock',
        'GET /api/products/{sku}/movements',
        'GET /api/stock/current',
        'POST /api/stock/adjustment',
        'POST /api/stock/transfer',
        'POST /api/stock/damage',
        'POST /api/stock/write-off',
        'GET /api/stock/movements',
        'GET /api/stock/availability',
        'GET /api/stock/reconcile',
        'GET /api/suppliers',
        'POST /api/suppliers',
        'GET /api/suppliers/{id}',
        'PUT /api/suppliers/{id}',
        'GET /api/suppliers/{id}/products',
        'POST /api/suppliers/{id}/products',
        'GET /api/suppliers/{id}/performance',
        'GET /api/customers',
        'POST /api/customers',
        'GET /api/customers/{id}',
        'PUT /api/customers/{id}',
        'GET /api/locations',
        'POST /api/locations',
        'GET /api/locations/{id}',
        'PUT /api/locations/{id}',
        'GET /api/campaigns',
        'GET /api/campaigns/active',
        'POST /api/campaigns',
        'GET /api/campaigns/{id}',
        'PUT /api/campaigns/{id}',
      ]),
    );
  });

  it('describes each operation: path parameters, body, success status, roles and errors', async () => {
    const doc = (await t.request('GET', '/openapi.json')).body;
    for (const route of routes) {
      const path = toTemplate(route.path);
      const op = doc.paths[path][route.method];
      const label = `${route.method} ${path}`;
      expect(op.summary, label).toEqual(expect.any(String));
      expect(Object.keys(op.responses), label).toContain(String(route.status ?? 200));
      const pathParams = op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string; required: boolean }) => [p.name, p.required]);
      const templateParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], true]);
      expect(pathParams, label).toEqual(templateParams);
      expect(Boolean(op.requestBody), label).toBe(Boolean(route.body));
      expect(op.responses['401'], label).toBeDefined();
      if (route.roles) expect(op['x-roles'], label).toEqual(['admin', ...route.roles]);
      if (route.idempotent)
        expect(
          op.parameters.some((p: { name: string; in: string }) => p.name === 'Idempotency-Key' && p.in === 'header'),
          label,
        ).toBe(true);
    }
    const create = doc.paths['/api/products'].post;
    expect(create.responses['201']).toBeDefined();
    expect(create['x-roles']).toEqual(['admin', 'purchasing']);
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['sku', 'name', 'category', 'price', 'cost']));
    const list = doc.paths['/api/products'].get.parameters;
    expect(list.find((p: { name: string }) => p.name === 'limit')).toMatchObject({ in: 'query', required: false, schema: { maximum: 200 } });
    expect(doc.paths['/api/locations'].post['x-roles']).toEqual(['admin']);
    expect(doc.components.schemas.ErrorResponse.required).toEqual(expect.arrayContaining(['statusCode', 'code', 'error', 'message']));
  });

  it('serves the docs as HTML without a key', async () => {
    for (const path of ['/docs', '/docs/']) {
      const res = await t.request('GET', path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(String(res.body)).toContain('swagger-ui');
    }
    const init = await t.request('GET', '/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(String(init.body)).toContain('/api/products/{sku}/movements');
  });
});

describe('the error shape for requests that reach no route', () => {
  it('answers an unknown route with 404 in the error shape', async () => {
    const res = await t.request('GET', '/api/warehouses');
    expectErrorShape(res, 404, 'NOT_FOUND');
    expect(res.body.message).toBe('No route GET /api/warehouses; see /docs for the API');
    expectErrorShape(await admin.get('/nowhere'), 404, 'NOT_FOUND');
  });

  it('answers an unsupported method on a known path with 404', async () => {
    const res = await t.request('PATCH', '/api/products/SKU-1', { key: t.keys.admin, body: { name: 'x' } });
    expectErrorShape(res, 404, 'NOT_FOUND');
    expect(res.body.message).toContain('PATCH /api/products/SKU-1');
  });
});

describe('request bodies', () => {
  it('refuses malformed JSON with 400 and stores nothing', async () => {
    const before = await productCount();
    const res = await t.request('POST', '/api/products', {
      key: t.keys.admin,
      rawBody: '{"sku": "BROKEN-1", "name": ',
      headers: { 'content-type': 'application/json' },
    });
    expectErrorShape(res, 400, 'INVALID_INPUT');
    expect(res.body.message).toMatch(/^Request body is not valid JSON/);
    expect(await productCount()).toBe(before);
  });

  it('refuses a body over 1 MB with 413 and stores nothing', async () => {
    const before = await productCount();
    const res = await admin.post('/api/products', aProduct({ sku: 'HUGE-1', attributes: { blob: 'x'.repeat(1_000) }, padding: 'x'.repeat(1_100_000) }));
    expectErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(res.body.message).toContain('1 MB');
    expect(await productCount()).toBe(before);
    // Just under the limit is parsed (and then refused by the schema, not the size check).
    const under = await admin.post('/api/products', aProduct({ padding: 'x'.repeat(900_000) }));
    expectErrorShape(under, 400, 'INVALID_INPUT');
  });

  it('refuses a body that is not JSON with 415 and stores nothing', async () => {
    const before = await productCount();
    const json = JSON.stringify(aProduct({ sku: 'CT-1' }));
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.request('POST', '/api/products', { key: t.keys.admin, rawBody: json, headers: { 'content-type': contentType } });
      expectErrorShape(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(res.body.message).toContain(contentType);
    }
    const latin1 = await t.request('POST', '/api/products', {
      key: t.keys.admin,
      rawBody: json,
      headers: { 'content-type': 'application/json; charset=latin1' },
    });
    expectErrorShape(latin1, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await productCount()).toBe(before);
    // The same body as JSON, with a charset, goes through.
    const ok = await t.request('POST', '/api/products', { key: t.keys.admin, rawBody: json, headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(201);
    expect(await productCount()).toBe(before + 1);
  });

  it('still refuses a missing body on a route that needs one with 400', async () => {
    const res = await t.request('POST', '/api/products', { key: t.keys.admin });
    expectErrorShape(res, 400, 'INVALID_INPUT');
    expect(res.body.details).toEqual([expect.objectContaining({ path: '' })]);
  });
});

describe('X-Request-Id', () => {
  it('echoes a sane request id from the caller', async () => {
    const res = await t.request('GET', '/api/products?limit=1', { key: t.keys.admin, headers: { 'X-Request-Id': 'trace-abc.123:x_y' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('trace-abc.123:x_y');
    const error = await t.request('GET', '/api/products/NOPE', { key: t.keys.admin, headers: { 'X-Request-Id': 'err-trace-1' } });
    expect(error.status).toBe(404);
    expect(error.headers.get('x-request-id')).toBe('err-trace-1');
  });

  it('generates a fresh UUID when none or an unsafe one is sent', async () => {
    const a = (await t.request('GET', '/health')).headers.get('x-request-id');
    const b = (await t.request('GET', '/health')).headers.get('x-request-id');
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
    for (const unsafe of ['has spaces in it', 'x'.repeat(129), 'semi;colon', '<script>']) {
      const res = await t.request('GET', '/health', { headers: { 'X-Request-Id': unsafe } });
      expect(res.headers.get('x-request-id'), unsafe).toMatch(UUID);
    }
    expect((await t.request('GET', '/no/route')).headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('API keys', () => {
  it('accepts the key as Authorization: Bearer as well as X-API-Key', async () => {
    const bearer = await t.request('GET', '/api/products?limit=1', { headers: { Authorization: `Bearer ${t.keys.admin}` } });
    expect(bearer.status).toBe(200);
    const header = await t.request('GET', '/api/products?limit=1', { key: t.keys.admin });
    expect(header.status).toBe(200);
    expect(bearer.body).toEqual(header.body);
    const write = await t.request('POST', '/api/products', { headers: { Authorization: `Bearer ${t.keys.purchasing}` }, body: aProduct({ sku: 'BEARER-1' }) });
    expect(write.status).toBe(201);
    expect((await t.request('GET', '/api/products/BEARER-1', { headers: { Authorization: `Bearer ${t.keys.sales}` } })).status).toBe(200);
  });

  it('applies the roles of a Bearer key', async () => {
    const res = await t.request('POST', '/api/products', { headers: { Authorization: `Bearer ${t.keys.sales}` }, body: aProduct() });
    expectErrorShape(res, 403, 'FORBIDDEN');
  });

  it('refuses a missing, unknown or non-Bearer key with 401 in the error shape', async () => {
    expectErrorShape(await t.request('GET', '/api/products'), 401, 'UNAUTHORIZED');
    expectErrorShape(await t.request('GET', '/api/products', { headers: { Authorization: 'Bearer not-a-real-key' } }), 401, 'UNAUTHORIZED');
    expectErrorShape(await t.request('GET', '/api/products', { headers: { Authorization: `Basic ${t.keys.admin}` } }), 401, 'UNAUTHORIZED');
    expectErrorShape(await t.request('GET', '/api/products', { key: 'icc_unknown' }), 401, 'UNAUTHORIZED');
  });

  it('prefers X-API-Key when both are sent', async () => {
    const res = await t.request('POST', '/api/products', {
      key: t.keys.sales,
      headers: { Authorization: `Bearer ${t.keys.admin}` },
      body: aProduct(),
    });
    expectErrorShape(res, 403, 'FORBIDDEN');
  });
});
