import { ErrorResponseSchema, generateApiKey, type RateLimitSettings } from '@icc/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { liveClient } from './support/live-client.js';
import { GENEROUS_LIMITS, startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

/**
 * Request limits per API key and per tenant, failed authentications per client
 * address (HTTP and socket handshakes alike), and wrong keys answered from a
 * short negative cache. Each test starts its own app with small limits: every
 * request of the test server comes from 127.0.0.1, one address.
 */
let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function start(limits: Partial<RateLimitSettings>): Promise<TestApp> {
  t = await startTestApp({ limits: { ...GENEROUS_LIMITS, ...limits } });
  return t;
}

function expectRateLimited(response: ApiResponse): void {
  expect(response.status).toBe(429);
  expect(ErrorResponseSchema.parse(response.body)).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests' });
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
}

const statuses = (responses: ApiResponse[]) => responses.map((r) => r.status).sort();

describe('heavy reads per tenant', () => {
  it("refuses a tenant's heavy reads past its rate with 429, while its light reads and other tenants' heavy reads go on", async () => {
    // In flight is left high: a finished read's slot is given back just after its answer, which this test does not wait for (the spec covers it).
    const app = await start({ tenantHeavyPerSecond: 1, tenantHeavyInFlight: 100 });
    const availability = '/api/stock/availability?limit=200';
    expect((await app.as(app.keys.admin).get(availability)).status).toBe(200);
    const refused = await app.as(app.keys.planner).get(availability);
    expectRateLimited(refused);
    expect((refused.body as { message: string }).message).toMatch(/heavy reads for this tenant \(limit 1\/s\)/);
    expect((await app.as(app.keys.admin).get('/api/products')).status).toBe(200);
    expect((await app.as(app.keys.otherTenant).get(availability)).status).toBe(200);
  });
});

describe('request limits per API key and per tenant', () => {
  it('answers 429 with Retry-After once a key has used its burst, while another key of the tenant still gets through', async () => {
    const app = await start({ keyPerSecond: 3, keyBurst: 3 });
    const burst = await Promise.all(Array.from({ length: 6 }, () => app.as(app.keys.admin).get('/api/products')));
    expect(statuses(burst)).toEqual([200, 200, 200, 429, 429, 429]);
    for (const refused of burst.filter((r) => r.status === 429)) expectRateLimited(refused);
    expect((await app.as(app.keys.planner).get('/api/products')).status).toBe(200);
  });

  it('refuses a tenant past its larger bucket across all its keys, and leaves other tenants alone', async () => {
    const app = await start({ tenantPerSecond: 4, tenantBurst: 4 });
    const keys = [app.keys.admin, app.keys.planner, app.keys.sales, app.keys.warehouse];
    const burst = await Promise.all(keys.flatMap((key) => [app.as(key).get('/api/products'), app.as(key).get('/api/products')]));
    expect(statuses(burst)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expectRateLimited(burst.find((r) => r.status === 429)!);
    expect((await app.as(app.keys.otherTenant).get('/api/products')).status).toBe(200);
  });

  it('takes the limits from the RATE_LIMIT_* defaults when the app is given none', async () => {
    const { rateLimitSettings } = await import('@icc/shared');
    expect(rateLimitSettings({})).toEqual({
      keyPerSecond: 50,
      keyBurst: 100,
      tenantPerSecond: 100,
      tenantBurst: 200,
      authFailuresPerMinute: 20,
      tenantHeavyPerSecond: 2,
      tenantHeavyInFlight: 1,
    });
    expect(rateLimitSettings({ RATE_LIMIT_KEY_PER_SECOND: '5', RATE_LIMIT_KEY_BURST: '2' })).toMatchObject({ keyPerSecond: 5, keyBurst: 5 });
    expect(() => rateLimitSettings({ RATE_LIMIT_TENANT_PER_SECOND: 'many' })).toThrow(/RATE_LIMIT_TENANT_PER_SECOND/);
  });
});

describe('failed authentication', () => {
  it('answers a repeated wrong key from a short negative cache: one database lookup, every answer 401', async () => {
    const app = await start({});
    const lookups = vi.spyOn(app.models.ApiKey, 'findOne');
    const wrong = generateApiKey();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push(await app.request('GET', '/api/products', { key: wrong }));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401));
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it('refuses an address with 429 and no lookup after too many failures, while a key verified before keeps working', async () => {
    const app = await start({ authFailuresPerMinute: 5 });
    expect((await app.as(app.keys.admin).get('/api/products')).status).toBe(200); // verified and cached
    const lookups = vi.spyOn(app.models.ApiKey, 'findOne');
    for (let i = 0; i < 5; i++) expect((await app.request('GET', '/api/products', { key: generateApiKey() })).status).toBe(401);
    expect(lookups).toHaveBeenCalledTimes(5);

    expectRateLimited(await app.request('GET', '/api/products', { key: generateApiKey() }));
    expectRateLimited(await app.request('GET', '/api/products', { key: app.keys.planner })); // never verified from here: no lookup either
    expectRateLimited(await app.request('GET', '/api/products'));
    expect(lookups).toHaveBeenCalledTimes(5);
    expect((await app.as(app.keys.admin).get('/api/products')).status).toBe(200);
  });

  it('counts socket handshakes with bad keys against the same per-address limit', async () => {
    const app = await start({ authFailuresPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const client = liveClient(app.baseUrl, generateApiKey(), { reconnection: false });
      await expect(client.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
      client.close();
    }
    const lookups = vi.spyOn(app.models.ApiKey, 'findOne');
    expectRateLimited(await app.request('GET', '/api/products', { key: generateApiKey() }));
    const blocked = liveClient(app.baseUrl, app.keys.sales, { reconnection: false });
    await expect(blocked.connected()).rejects.toMatchObject({ data: { code: 'RATE_LIMITED' } });
    blocked.close();
    expect(lookups).not.toHaveBeenCalled();
  });
});
