import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, ErrorResponseSchema } from '@icc/shared';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLiveHub } from '../src/live/live.hub.js';
import { SESSION_TTL_MS, SIGN_IN_CODE_TTL_MS, hashSecret, issueSignInCode } from '../src/sessions/session.service.js';
import { issueApiKey } from '../src/tenancy/api-key.service.js';
import { aProduct } from './support/builders.js';
import { liveClient, type LiveClient } from './support/live-client.js';
import { OTHER_TENANT, startTestApp, TENANT, type ApiResponse, type TestApp } from './support/test-app.js';

/**
 * Signing in to the dashboard: an API key (or pnpm start's one-time code) for an HttpOnly,
 * SameSite=Strict session cookie; the cookie then authenticates reads, writes with the CSRF
 * header, and live sockets, until sign-out. Over HTTP through the app, on the real engine, with
 * the app's clock injected to pass expiries and its log captured to check no secret is in it.
 */

let t: TestApp;
let now = new Date('2026-03-02T08:00:00Z');
const logged: string[] = [];
const sockets: LiveClient[] = [];
const CSRF = { 'x-icc-csrf': '1' };

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString());
      done();
    },
  });
  t = await startTestApp({ log: createLogger({ name: 'session-test', level: 'debug' }, sink), clock: () => now });
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => t?.close());

interface SetCookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

/** The Set-Cookie headers of a response, parsed (attribute names lower-cased, `true` for flags). */
function setCookies(response: ApiResponse): SetCookie[] {
  return response.headers.getSetCookie().map((header) => {
    const [pair = '', ...rest] = header.split(';');
    const eq = pair.indexOf('=');
    const attributes = new Map(
      rest.map((part) => {
        const [name = '', value = 'true'] = part.trim().split('=');
        return [name.toLowerCase(), value] as const;
      }),
    );
    return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
  });
}

function sessionCookieOf(response: ApiResponse): SetCookie {
  const cookies = setCookies(response).filter((cookie) => cookie.name === 'icc_session');
  expect(cookies, JSON.stringify(response.headers.getSetCookie())).toHaveLength(1);
  return cookies[0]!;
}

async function signIn(apiKey: string): Promise<string> {
  const response = await t.request('POST', '/api/session', { body: { apiKey }, headers: CSRF });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return `icc_session=${sessionCookieOf(response).value}`;
}

function withCookie(cookie: string, extra: Record<string, string> = {}) {
  return { headers: { cookie, ...extra } };
}

function expectError(response: ApiResponse, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(ErrorResponseSchema.safeParse(response.body).success, JSON.stringify(response.body)).toBe(true);
  expect(response.body).toMatchObject({ statusCode: status, code });
}

const counts = async () => ({
  sessions: await t.models.Session.collection.countDocuments(),
  codes: await t.models.SignInCode.collection.countDocuments(),
  products: await t.models.Product.collection.countDocuments(),
});

describe('POST /api/session', () => {
  it('exchanges a good key for an HttpOnly, SameSite=Strict, Path=/ cookie naming a stored, hashed session', async () => {
    const before = await counts();
    const response = await t.request('POST', '/api/session', { body: { apiKey: t.keys.warehouse }, headers: CSRF });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    expect(response.body).toEqual({
      tenantId: TENANT,
      keyName: 'warehouse key',
      roles: ['warehouse'],
      currency: 'USD',
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    });
    expect(JSON.stringify(response.body)).not.toContain(t.keys.warehouse);
    const cookie = sessionCookieOf(response);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes.get('httponly')).toBe('true');
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    expect(cookie.attributes.get('path')).toBe('/');
    // Plain http here: Secure would make the browser drop the cookie.
    expect(cookie.attributes.has('secure')).toBe(false);
    expect(new Date(cookie.attributes.get('expires')!).getTime()).toBe(Math.floor((now.getTime() + SESSION_TTL_MS) / 1000) * 1000);

    expect(await counts()).toEqual({ ...before, sessions: before.sessions + 1 });
    const stored = await t.models.Session.collection.findOne({ tokenHash: hashSecret(cookie.value) });
    expect(stored).toMatchObject({ tenantId: TENANT, roles: ['warehouse'], expiresAt: new Date(now.getTime() + SESSION_TTL_MS) });
    expect(stored?.revokedAt ?? null).toBeNull();
    // Neither the token nor the key is stored in the clear.
    expect(JSON.stringify(await t.models.Session.collection.find().toArray())).not.toContain(cookie.value);
    const ttl = (await t.models.Session.collection.indexes()).find((index) => index.key.expiresAt === 1);
    expect(ttl?.expireAfterSeconds).toBe(0);
  });

  it('answers a bad key with 401 in the error shape, sets no cookie and writes nothing', async () => {
    const before = await counts();
    for (const apiKey of ['icc_not-a-real-key-at-all-000000000000', 'nope', t.keys.admin.slice(0, -2)]) {
      const response = await t.request('POST', '/api/session', { body: { apiKey }, headers: CSRF });
      expectError(response, 401, 'UNAUTHORIZED');
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await counts()).toEqual(before);
  });

  it('refuses a sign-in without the CSRF header, from another origin, or with a malformed body, writing nothing', async () => {
    const before = await counts();
    expectError(await t.request('POST', '/api/session', { body: { apiKey: t.keys.admin } }), 403, 'FORBIDDEN');
    expectError(
      await t.request('POST', '/api/session', { body: { apiKey: t.keys.admin }, headers: { ...CSRF, origin: 'https://evil.example' } }),
      403,
      'FORBIDDEN',
    );
    const missing = await t.request('POST', '/api/session', { body: {}, headers: CSRF });
    expectError(missing, 400, 'INVALID_INPUT');
    expect(missing.body.message).toContain('apiKey');
    expectError(await t.request('POST', '/api/session', { body: { apiKey: t.keys.admin, extra: 1 }, headers: CSRF }), 400, 'INVALID_INPUT');
    expectError(
      await t.request('POST', '/api/session', { rawBody: `apiKey=${t.keys.admin}`, headers: { ...CSRF, 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(await counts()).toEqual(before);
  });

  it('refuses every malformed body or made-up key with a 4xx in the error shape, writing nothing (fast-check, fixed seed)', async () => {
    const before = await counts();
    const bodies = fc.sample(fc.oneof(fc.anything(), fc.record({ apiKey: fc.oneof(fc.string({ maxLength: 300 }), fc.anything()) })), {
      seed: 20_261_206,
      numRuns: 120,
    });
    for (const body of bodies) {
      const response = await t.request('POST', '/api/session', {
        rawBody: JSON.stringify(body) ?? 'null',
        headers: { ...CSRF, 'content-type': 'application/json' },
      });
      expect(response.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(response.status, JSON.stringify(body)).toBeLessThan(500);
      expect(ErrorResponseSchema.safeParse(response.body).success, JSON.stringify(response.body)).toBe(true);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await counts()).toEqual(before);
  });
});

describe('requests signed in by the cookie', () => {
  it('reads with the cookie alone, as the key it was opened with', async () => {
    const cookie = await signIn(t.keys.planner);
    const who = await t.request('GET', '/api/session', withCookie(cookie));
    expect(who.status).toBe(200);
    expect(who.body).toEqual({ tenantId: TENANT, keyName: 'planner key', roles: ['planner'], currency: 'USD' });
    const products = await t.request('GET', '/api/products', withCookie(cookie));
    expect(products.status, JSON.stringify(products.body)).toBe(200);
    const snapshot = await t.request('GET', '/api/live/snapshot', withCookie(cookie));
    expect(snapshot.status).toBe(200);
    // Without a cookie (or with a made-up one) the same read is a 401.
    expectError(await t.request('GET', '/api/products'), 401, 'UNAUTHORIZED');
    expectError(await t.request('GET', '/api/products', withCookie('icc_session=madeUpTokenmadeUpTokenmadeUpToken00000')), 401, 'UNAUTHORIZED');
    expectError(await t.request('GET', '/api/session'), 401, 'UNAUTHORIZED');
  });

  it('refuses a write with the cookie but without the CSRF header (403), or from another origin, writing nothing', async () => {
    const cookie = await signIn(t.keys.purchasing);
    const before = await counts();
    const product = aProduct();
    const bare = await t.request('POST', '/api/products', { body: product, ...withCookie(cookie) });
    expectError(bare, 403, 'FORBIDDEN');
    expect(bare.body.message).toContain('X-ICC-CSRF');
    expectError(await t.request('POST', '/api/products', { body: product, ...withCookie(cookie, { 'x-icc-csrf': 'yes' }) }), 403, 'FORBIDDEN');
    expectError(
      await t.request('POST', '/api/products', { body: product, ...withCookie(cookie, { ...CSRF, origin: 'http://evil.example' }) }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.request('POST', '/api/products', { body: product, ...withCookie(cookie, { ...CSRF, 'sec-fetch-site': 'cross-site' }) }),
      403,
      'FORBIDDEN',
    );
    expect(await counts()).toEqual(before);

    const sameOrigin = await t.request('POST', '/api/products', { body: product, ...withCookie(cookie, { ...CSRF, origin: t.baseUrl }) });
    expect(sameOrigin.status, JSON.stringify(sameOrigin.body)).toBe(201);
    expect(await counts()).toEqual({ ...before, products: before.products + 1 });
    // The key's roles still apply: purchasing may not adjust stock.
    expectError(
      await t.request('POST', '/api/stock/adjustment', {
        body: { sku: product.sku, locationCode: 'X', quantity: 1, reason: 'r' },
        ...withCookie(cookie, CSRF),
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('leaves API-key clients as they were: a key in a header needs no CSRF header, even with a cookie beside it', async () => {
    const cookie = await signIn(t.keys.warehouse);
    const response = await t.request('POST', '/api/products', { key: t.keys.purchasing, body: aProduct(), ...withCookie(cookie) });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
  });

  it("shows another tenant's data to nobody: a cookie of globex sees none of acme's", async () => {
    const product = aProduct({ name: 'ACME-SECRET widget' });
    expect((await t.as(t.keys.admin).post('/api/products', product)).status).toBe(201);
    // Each tenant's own currency (ISO 4217) for the dashboard's money: globex counts in euros, acme in dollars.
    await t.models.Tenant.updateOne({ _id: OTHER_TENANT }, { $set: { currency: 'EUR' } });
    const cookie = await signIn(t.keys.otherTenant);
    expect((await t.request('GET', '/api/session', withCookie(cookie))).body).toMatchObject({ tenantId: OTHER_TENANT, currency: 'EUR' });
    expect((await t.request('GET', '/api/session', withCookie(await signIn(t.keys.warehouse)))).body).toMatchObject({ tenantId: TENANT, currency: 'USD' });
    expectError(await t.request('GET', `/api/products/${product.sku}`, withCookie(cookie)), 404, 'NOT_FOUND');
    const list = await t.request('GET', `/api/products?search=ACME-SECRET`, withCookie(cookie));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    expect(JSON.stringify((await t.request('GET', '/api/live/snapshot', withCookie(cookie))).body)).not.toContain(product.sku);
  });

  it('signs out: DELETE revokes the session and clears the cookie; the old cookie then gets 401', async () => {
    const cookie = await signIn(t.keys.sales);
    const token = cookie.split('=')[1]!;
    expectError(await t.request('DELETE', '/api/session', withCookie(cookie)), 403, 'FORBIDDEN');
    expect((await t.request('GET', '/api/session', withCookie(cookie))).status).toBe(200);

    const out = await t.request('DELETE', '/api/session', withCookie(cookie, CSRF));
    expect(out.status).toBe(204);
    const cleared = sessionCookieOf(out);
    expect(cleared.value).toBe('');
    expect(new Date(cleared.attributes.get('expires')!).getTime()).toBeLessThan(Date.now());
    expect((await t.models.Session.collection.findOne({ tokenHash: hashSecret(token) }))?.revokedAt).toEqual(now);
    expectError(await t.request('GET', '/api/session', withCookie(cookie)), 401, 'UNAUTHORIZED');
    expectError(await t.request('GET', '/api/products', withCookie(cookie)), 401, 'UNAUTHORIZED');
    // Signing out twice is harmless.
    expect((await t.request('DELETE', '/api/session', withCookie(cookie, CSRF))).status).toBe(204);
  });

  it('ends with the session lifetime, and when the key is revoked', async () => {
    const { key, apiKeyId } = await issueApiKey(t.models, TENANT, 'short-lived', ['planner']);
    const first = await signIn(key);
    const second = await signIn(key);
    const started = now;
    try {
      now = new Date(started.getTime() + SESSION_TTL_MS - 1000);
      expect((await t.request('GET', '/api/session', withCookie(first))).status).toBe(200);
      now = new Date(started.getTime() + SESSION_TTL_MS + 1000);
      expectError(await t.request('GET', '/api/session', withCookie(first)), 401, 'UNAUTHORIZED');
    } finally {
      now = started;
    }
    expect((await t.request('GET', '/api/session', withCookie(second))).status).toBe(200);
    await t.models.ApiKey.collection.updateOne({ name: 'short-lived' }, { $set: { revokedAt: new Date() } });
    const revoked = await t.request('GET', '/api/products', withCookie(second));
    expectError(revoked, 401, 'UNAUTHORIZED');
    expect(revoked.body.message).toContain('revoked');
    expect(apiKeyId).toBeTruthy();
  });
});

describe('GET /signin?code= (pnpm start’s one-time link)', () => {
  const apiKeyIdOf = async (name: string) => String((await t.models.ApiKey.collection.findOne({ name }))!._id);

  it('spends the code for a cookie and redirects to /, once', async () => {
    const code = await issueSignInCode(t.models, await apiKeyIdOf('admin key'), { now });
    expect(await t.models.SignInCode.collection.countDocuments({ codeHash: hashSecret(code) })).toBe(1);
    const response = await fetch(`${t.baseUrl}/signin?code=${code}`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = sessionCookieOf({ status: response.status, body: undefined, headers: response.headers });
    expect(cookie.attributes.get('httponly')).toBe('true');
    expect(cookie.attributes.get('samesite')).toBe('Strict');
    const who = await t.request('GET', '/api/session', withCookie(`icc_session=${cookie.value}`));
    expect(who.body).toEqual({ tenantId: TENANT, keyName: 'admin key', roles: ['admin'], currency: 'USD' });

    const sessionsBefore = await t.models.Session.collection.countDocuments();
    const again = await fetch(`${t.baseUrl}/signin?code=${code}`, { redirect: 'manual' });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/signin?link=refused');
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(await t.models.Session.collection.countDocuments()).toBe(sessionsBefore);
  });

  it('refuses an expired, unknown or malformed code, creating no session', async () => {
    const code = await issueSignInCode(t.models, await apiKeyIdOf('admin key'), { now });
    const sessionsBefore = await t.models.Session.collection.countDocuments();
    const started = now;
    try {
      now = new Date(started.getTime() + SIGN_IN_CODE_TTL_MS + 1000);
      for (const tried of [code, 'A'.repeat(32), 'short', '%00']) {
        const response = await fetch(`${t.baseUrl}/signin?code=${tried}`, { redirect: 'manual' });
        expect(response.status, tried).toBe(303);
        expect(response.headers.get('location')).toBe('/signin?link=refused');
        expect(response.headers.getSetCookie()).toEqual([]);
      }
    } finally {
      now = started;
    }
    expect(await t.models.Session.collection.countDocuments()).toBe(sessionsBefore);
    // The expired code is not used up by the attempt, and stays expired.
    expect((await t.models.SignInCode.collection.findOne({ codeHash: hashSecret(code) }))?.usedAt ?? null).toBeNull();
  });

  it('serves the sign-in page itself, with a labelled key field posting nowhere but /api/session', async () => {
    const page = await t.request('GET', '/signin');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('<label for="key-input">API key</label>');
    expect(page.body).toContain('method="post" action="/api/session"');
    expect(page.body).not.toMatch(/https?:\/\//);
  });
});

describe('live sockets signed in by the cookie', () => {
  it('connect with the cookie, see their own tenant, and are refused from another origin or after sign-out', async () => {
    const cookie = await signIn(t.keys.admin);
    const client = liveClient(t.baseUrl, undefined, { headers: { cookie }, reconnection: false });
    sockets.push(client);
    await client.connected();
    expect((await client.subscribe({ rooms: [{ type: 'dashboard' }] })).ok).toBe(true);

    const foreign = liveClient(t.baseUrl, undefined, { headers: { cookie, origin: 'http://evil.example' }, reconnection: false });
    sockets.push(foreign);
    await expect(foreign.connected()).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const none = liveClient(t.baseUrl, undefined, { reconnection: false });
    sockets.push(none);
    await expect(none.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });

    expect((await t.request('DELETE', '/api/session', withCookie(cookie, CSRF))).status).toBe(204);
    const ack = await client.subscribe({ rooms: [{ type: 'dashboard' }] });
    expect(ack).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const after = liveClient(t.baseUrl, undefined, { headers: { cookie }, reconnection: false });
    sockets.push(after);
    await expect(after.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });

  it('are closed by the key sweep once their session ends, while other sessions stay connected', async () => {
    // A hub of its own on the test database, sweeping often; the app's session service (and clock) is shared through the models.
    const hub = createLiveHub(t.models, { keySweepIntervalMs: 50 });
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    hub.attach(server);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const leaving = await signIn(t.keys.admin);
      const staying = await signIn(t.keys.admin);
      const [gone, kept] = [
        liveClient(url, undefined, { headers: { cookie: leaving }, reconnection: false }),
        liveClient(url, undefined, { headers: { cookie: staying }, reconnection: false }),
      ];
      sockets.push(gone, kept);
      await Promise.all([gone.connected(), kept.connected()]);
      const disconnected = new Promise((resolve) => gone.socket.once('disconnect', resolve));
      expect((await t.request('DELETE', '/api/session', withCookie(leaving, CSRF))).status).toBe(204);
      expect(await disconnected).toBe('io server disconnect');
      expect(kept.socket.connected).toBe(true);
      expect((await kept.subscribe({ rooms: [{ type: 'dashboard' }] })).ok).toBe(true);
    } finally {
      await hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the log', () => {
  it('holds no API key, session token or sign-in code, though the requests carrying them were logged', async () => {
    const code = await issueSignInCode(t.models, String((await t.models.ApiKey.collection.findOne({ name: 'admin key' }))!._id), { now });
    const response = await fetch(`${t.baseUrl}/signin?code=${code}&next=1`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const token = sessionCookieOf({ status: 303, body: undefined, headers: response.headers }).value;
    // An old-style link with the key in the query, and a failed sign-in (logged at info).
    expect((await t.request('GET', `/?key=${t.keys.admin}`)).status).toBe(200);
    expect((await t.request('POST', '/api/session', { body: { apiKey: `${t.keys.admin}x` }, headers: CSRF })).status).toBe(401);
    const text = logged.join('');
    expect(text).toContain('"url":"/signin?code=[redacted]&next=1"');
    expect(text).toContain('"url":"/?key=[redacted]"');
    expect(text).toContain('"url":"/api/session"');
    for (const secret of [...Object.values(t.keys), code, token]) expect(text).not.toContain(secret);
  });
});
