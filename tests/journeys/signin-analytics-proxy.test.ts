/**
 * Journey: the dashboard, signed in by cookie, reaches the analytics service through the
 * operational service's `/analytics/api/*` proxy (one origin, no CORS): reads and writes as the
 * session's key, its tenant only, writes only with the CSRF header, nothing after sign-out.
 */
import { DEFAULT_PLANNING_SETTINGS, ErrorResponseSchema } from '@icc/shared';
import { ensureTenant, issueApiKey } from '@icc/service-operational';
import { createAnalyticsApp, ensureAnalyticsIndexes } from '@icc/service-analytics';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJourneyOperational, type JourneyOperational } from '../support/operational.js';
import '../support/provided-context.js';

const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_proxy_${suffix}`;
const AN_DB = `an_proxy_${suffix}`;
const CSRF = { 'x-icc-csrf': '1' };

let client: MongoClient;
let operational: JourneyOperational;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
const keys: Record<'acme' | 'globex' | 'viewer', string> = { acme: '', globex: '', viewer: '' };

async function call(path: string, init: { method?: string; cookie?: string; headers?: Record<string, string>; body?: unknown } = {}) {
  const res = await fetch(`${operational.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

async function signIn(apiKey: string): Promise<string> {
  const res = await call('/api/session', { method: 'POST', headers: CSRF, body: { apiKey } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

function expectError(res: { status: number; body: unknown }, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(ErrorResponseSchema.safeParse(res.body).success).toBe(true);
  expect(res.body).toMatchObject({ code });
}

beforeAll(async () => {
  const uri = inject('mongoUri');
  client = await MongoClient.connect(uri);
  const analytics = client.db(AN_DB);
  await ensureAnalyticsIndexes(analytics);
  analyticsApp = await createAnalyticsApp({ analytics, operational: client.db(OP_DB) });
  const analyticsUrl = await analyticsApp.listen({ port: 0, host: '127.0.0.1' });
  operational = await startJourneyOperational(uri, OP_DB, { analyticsUrl });
  await ensureTenant(operational.models, 'acme', 'Acme');
  await ensureTenant(operational.models, 'globex', 'Globex');
  keys.acme = (await issueApiKey(operational.models, 'acme', 'acme planner', ['planner'])).key;
  keys.viewer = (await issueApiKey(operational.models, 'acme', 'acme sales', ['sales'])).key;
  keys.globex = (await issueApiKey(operational.models, 'globex', 'globex admin', ['admin'])).key;
}, 120_000);

afterAll(async () => {
  await analyticsApp?.close();
  await operational?.close();
  await client?.db(AN_DB).dropDatabase();
  await client?.db(OP_DB).dropDatabase();
  await client?.close();
});

describe('/analytics/api/* for the signed-in dashboard', () => {
  it("reads and writes as the session's key, in its tenant only, and writes only with the CSRF header", async () => {
    const acme = await signIn(keys.acme);
    const read = await call('/analytics/api/planning/settings', { cookie: acme });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body).toMatchObject({ ...DEFAULT_PLANNING_SETTINGS, updatedAt: null });
    expect(read.headers.get('cache-control')).toBe('no-store');

    const changed = { ...DEFAULT_PLANNING_SETTINGS, orderingCost: 77 };
    const settingsCount = () => client.db(AN_DB).collection('planningSettings').countDocuments();
    const before = await settingsCount();
    expectError(await call('/analytics/api/planning/settings', { method: 'PUT', cookie: acme, body: changed }), 403, 'FORBIDDEN');
    expectError(
      await call('/analytics/api/planning/settings', { method: 'PUT', cookie: acme, body: changed, headers: { ...CSRF, origin: 'http://evil.example' } }),
      403,
      'FORBIDDEN',
    );
    expect(await settingsCount()).toBe(before);
    const written = await call('/analytics/api/planning/settings', { method: 'PUT', cookie: acme, body: changed, headers: CSRF });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body.orderingCost).toBe(77);
    expect(await settingsCount()).toBe(before + 1);
    expect((await call('/analytics/api/planning/settings', { cookie: acme })).body.orderingCost).toBe(77);

    // Analytics applies the key's roles: sales may not change planning settings.
    const sales = await signIn(keys.viewer);
    expectError(await call('/analytics/api/planning/settings', { method: 'PUT', cookie: sales, body: changed, headers: CSRF }), 403, 'FORBIDDEN');

    // Another tenant's session sees its own (default) settings, not acme's.
    const globex = await signIn(keys.globex);
    expect((await call('/analytics/api/planning/settings', { cookie: globex })).body).toMatchObject({
      orderingCost: DEFAULT_PLANNING_SETTINGS.orderingCost,
      updatedAt: null,
    });
  });

  it('refuses without a session, with a made-up one, or after sign-out (401), and takes no API key', async () => {
    expectError(await call('/analytics/api/planning/settings'), 401, 'UNAUTHORIZED');
    expectError(await call('/analytics/api/planning/settings', { headers: { 'x-api-key': keys.acme } }), 401, 'UNAUTHORIZED');
    expectError(await call('/analytics/api/planning/settings', { cookie: 'icc_session=madeUpTokenmadeUpTokenmadeUpToken00000' }), 401, 'UNAUTHORIZED');
    const cookie = await signIn(keys.acme);
    expect((await call('/analytics/api/planning/settings', { cookie })).status).toBe(200);
    expect((await call('/api/session', { method: 'DELETE', cookie, headers: CSRF })).status).toBe(204);
    expectError(await call('/analytics/api/planning/settings', { cookie }), 401, 'UNAUTHORIZED');
  });
});
