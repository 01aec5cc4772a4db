import { ErrorResponseSchema, generateApiKey, type RateLimitSettings } from '@icc/shared';
import type { LightMyRequestResponse } from 'fastify';
import { Collection } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import './support/provided-context.js';
import { GENEROUS_LIMITS, startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The analytics edge applies the same shared limits as the operational one:
 * per API key, per tenant, failed authentications per client address, and a
 * negative cache of wrong keys. Each test starts its own app with small limits.
 */
let t: AnalyticsTestApp | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await t?.close();
  t = undefined;
});

async function start(limits: Partial<RateLimitSettings>): Promise<AnalyticsTestApp> {
  t = await startAnalyticsTestApp({ limits: { ...GENEROUS_LIMITS, ...limits } });
  return t;
}

const URL = '/api/models/performance';
const call = (app: AnalyticsTestApp, key?: string) => app.app.inject({ method: 'GET', url: URL, headers: key ? { 'x-api-key': key } : {} });

function expectRateLimited(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(429);
  expect(ErrorResponseSchema.parse(response.json())).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED', error: 'Too Many Requests' });
  expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
}

/** Key-store look-ups: the verifier reads the operational `apiKeys` collection through the driver. */
function countKeyLookups() {
  const findOne = vi.spyOn(Collection.prototype, 'findOne');
  return () => findOne.mock.contexts.filter((collection) => (collection as Collection).collectionName === 'apiKeys').length;
}

const statuses = (responses: LightMyRequestResponse[]) => responses.map((r) => r.statusCode).sort();

describe('request limits per API key and per tenant', () => {
  it('answers 429 with Retry-After once a key has used its burst, while another key of the tenant still gets through', async () => {
    const app = await start({ keyPerSecond: 3, keyBurst: 3 });
    const [key, other] = [await app.issueKey('acme', ['planner']), await app.issueKey('acme', ['planner'])];
    const burst = await Promise.all(Array.from({ length: 6 }, () => call(app, key)));
    expect(statuses(burst)).toEqual([200, 200, 200, 429, 429, 429]);
    for (const refused of burst.filter((r) => r.statusCode === 429)) expectRateLimited(refused);
    expect((await call(app, other)).statusCode).toBe(200);
    // Public paths carry no key and are not limited here.
    const health = await Promise.all(Array.from({ length: 5 }, () => app.app.inject({ method: 'GET', url: '/health' })));
    expect(health.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
  });

  it('refuses a tenant past its bucket across its keys, and leaves other tenants alone', async () => {
    const app = await start({ tenantPerSecond: 4, tenantBurst: 4 });
    const keys = await Promise.all([1, 2, 3, 4].map(() => app.issueKey('acme', ['planner'])));
    const burst = await Promise.all(keys.flatMap((key) => [call(app, key), call(app, key)]));
    expect(statuses(burst)).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect((await call(app, await app.issueKey('globex', ['planner']))).statusCode).toBe(200);
  });
});

describe('heavy reads per tenant', () => {
  it("refuses a tenant's heavy reads past its rate with 429 before any work, while its light reads and other tenants' heavy reads go on", async () => {
    // In flight is left high: a finished read's slot is given back just after its answer, which this test does not wait for (the spec covers it).
    const app = await start({ tenantHeavyPerSecond: 1, tenantHeavyInFlight: 100 });
    const [acme, globex] = [await app.issueKey('acme', ['planner']), await app.issueKey('globex', ['planner'])];
    const heavy = (key: string) => app.app.inject({ method: 'GET', url: '/api/internal/analytics/seasonality-data?limit=100', headers: { 'x-api-key': key } });
    expect((await heavy(acme)).statusCode).toBe(200);
    const refused = await heavy(acme);
    expectRateLimited(refused);
    expect(refused.json<{ message: string }>().message).toMatch(/heavy reads for this tenant \(limit 1\/s\)/);
    const light = await app.app.inject({ method: 'GET', url: '/api/recommendations', headers: { 'x-api-key': acme } });
    expect(light.statusCode).toBe(200);
    expect((await heavy(globex)).statusCode).toBe(200);
  });
});

describe('failed authentication', () => {
  it('answers a repeated wrong key from a short negative cache: one key-store lookup, every answer 401', async () => {
    const app = await start({});
    const lookups = countKeyLookups();
    const wrong = generateApiKey();
    const answers = [];
    for (let i = 0; i < 10; i++) answers.push((await call(app, wrong)).statusCode);
    expect(answers).toEqual(Array(10).fill(401));
    expect(lookups()).toBe(1);
  });

  it('refuses an address with 429 and no lookup after too many failures, while a key verified before keeps working', async () => {
    const app = await start({ authFailuresPerMinute: 5 });
    const verified = await app.issueKey('acme', ['planner']);
    const notYetVerified = await app.issueKey('acme', ['planner']);
    expect((await call(app, verified)).statusCode).toBe(200);
    const lookups = countKeyLookups();
    for (let i = 0; i < 5; i++) expect((await call(app, generateApiKey())).statusCode).toBe(401);
    expect(lookups()).toBe(5);

    expectRateLimited(await call(app, generateApiKey()));
    expectRateLimited(await call(app, notYetVerified));
    expectRateLimited(await call(app));
    expect(lookups()).toBe(5);
    expect((await call(app, verified)).statusCode).toBe(200);
    // Another address is not affected.
    const elsewhere = await app.app.inject({ method: 'GET', url: URL, headers: { 'x-api-key': notYetVerified }, remoteAddress: '10.1.2.3' });
    expect(elsewhere.statusCode).toBe(200);
  });
});
