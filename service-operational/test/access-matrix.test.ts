import { randomBytes } from 'node:crypto';
import { ErrorResponseSchema, ROLES, type Role } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyRoute } from '../src/http/route.js';
import { issueApiKey } from '../src/tenancy/api-key.service.js';
import {
  collectionCounts,
  concretePath,
  declaredRoutes,
  requestFor,
  ROUTE_CATALOG,
  routeName,
  seedFixture,
  tenantSnapshot,
  type Fixture,
} from './support/route-catalog.js';
import { OTHER_TENANT, startTestApp, TENANT, type ApiResponse, type TestApp } from './support/test-app.js';

/**
 * Who may call what, and who may see whose data, for every route the app
 * declares (read from `createApp(...).routes`, so a new route is covered here
 * without anyone remembering to add it; the catalog check fails until it has a
 * valid request in support/route-catalog.ts).
 */

const routes = await declaredRoutes();
const authenticated = routes.filter((route) => route.authenticated !== false);

let t: TestApp;
let acme: Fixture;
let revokedKey: string;
/** An admin's session cookie (`icc_session=…`), signed in once through POST /api/session. */
let adminCookie: string;

beforeAll(async () => {
  t = await startTestApp();
  acme = await seedFixture(t.as(t.keys.admin), TENANT, 'ACMEONLY', routes);
  revokedKey = (await issueApiKey(t.models, TENANT, 'revoked admin key', ['admin'])).key;
  await t.models.ApiKey.collection.updateOne({ name: 'revoked admin key' }, { $set: { revokedAt: new Date() } });
  const signIn = await t.request('POST', '/api/session', { body: { apiKey: t.keys.admin }, headers: { 'x-icc-csrf': '1' } });
  expect(signIn.status).toBe(201);
  adminCookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!;
});
afterAll(() => t?.close());

/** The route's catalog entry; a route without one fails here with what to do. */
function catalogEntry(route: AnyRoute) {
  const entry = ROUTE_CATALOG[routeName(route)];
  if (!entry) throw new Error(`${routeName(route)} has no entry in test/support/route-catalog.ts: add a valid request for it`);
  return entry;
}

function expectErrorShape(response: ApiResponse, status: number, code: string, context: string): void {
  expect(response.status, `${context}: ${JSON.stringify(response.body)}`).toBe(status);
  const parsed = ErrorResponseSchema.safeParse(response.body);
  expect(parsed.success, `${context}: not the error shape: ${JSON.stringify(response.body)}`).toBe(true);
  expect(response.body).toMatchObject({ statusCode: status, code });
}

/** Roles the route admits: admin always; every role when the route names none (reads). */
function allowedRoles(route: AnyRoute): readonly Role[] {
  return route.roles ? ['admin', ...route.roles] : ROLES;
}

async function send(route: AnyRoute, key: string | null, request: { path: string; body?: unknown }, headers?: Record<string, string>) {
  return t.request(route.method.toUpperCase(), request.path, {
    key,
    ...(request.body === undefined ? {} : { body: request.body }),
    ...(headers ? { headers } : {}),
  });
}

describe('the route catalog', () => {
  it('has a valid request for every declared route, and nothing else', () => {
    expect(authenticated.length).toBeGreaterThan(20);
    expect(authenticated.map(routeName).filter((name) => !ROUTE_CATALOG[name])).toEqual([]);
    expect(Object.keys(ROUTE_CATALOG).filter((name) => !authenticated.some((route) => routeName(route) === name))).toEqual([]);
  });

  it('declares only known roles', () => {
    for (const route of authenticated) for (const role of route.roles ?? []) expect(ROLES).toContain(role);
  });
});

describe.each(authenticated.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
  const entry = () => catalogEntry(route);

  it('answers 401 UNAUTHORIZED, in the error shape, to a missing, malformed, unknown or revoked key, writing nothing', async () => {
    const request = await requestFor(route, acme, t.as(t.keys.admin));
    const before = await collectionCounts(t);
    const unknownKey = `icc_${randomBytes(24).toString('base64url')}`;
    const cases: Array<[string, string | null, Record<string, string>?]> = [
      ['no key', null],
      ['malformed key', 'not-a-key'],
      ['key with the right prefix but far too long', `icc_${'x'.repeat(300)}`],
      ['unknown well-formed key', unknownKey],
      ['unknown key as a Bearer token', null, { authorization: `Bearer ${unknownKey}` }],
      ['Authorization scheme other than Bearer', null, { authorization: `Basic ${t.keys.admin}` }],
      ['revoked key', revokedKey],
    ];
    for (const [label, key, headers] of cases) {
      expectErrorShape(await send(route, key, request, headers), 401, 'UNAUTHORIZED', `${routeName(route)} with ${label}`);
    }
    expect(await collectionCounts(t)).toEqual(before);
  });

  it('accepts the session cookie like the key; a write needs X-ICC-CSRF (403 without it, writing nothing)', async () => {
    const request = await entry().valid(acme, t.as(t.keys.admin));
    if (route.method !== 'get') {
      const before = await collectionCounts(t);
      expectErrorShape(await send(route, null, request, { cookie: adminCookie }), 403, 'FORBIDDEN', `${routeName(route)} by cookie without X-ICC-CSRF`);
      expect(await collectionCounts(t)).toEqual(before);
    }
    const response = await send(route, null, request, { cookie: adminCookie, 'x-icc-csrf': '1' });
    expect(response.status, `${routeName(route)} by cookie: ${JSON.stringify(response.body)}`).toBe(route.status ?? 200);
  });

  it('accepts a valid key as a Bearer token too', async () => {
    const request = await entry().valid(acme, t.as(t.keys.admin));
    const response = await send(route, null, request, { authorization: `Bearer ${t.keys.admin}` });
    expect(response.status, JSON.stringify(response.body)).toBe(route.status ?? 200);
  });

  const refused = ROLES.filter((role) => !allowedRoles(route).includes(role));
  if (refused.length > 0) {
    it.each(refused)('refuses role %s with 403 FORBIDDEN and writes nothing', async (role) => {
      const request = await requestFor(route, acme, t.as(t.keys.admin));
      const before = await collectionCounts(t);
      const response = await send(route, t.keys[role], request);
      expectErrorShape(response, 403, 'FORBIDDEN', `${routeName(route)} as ${role}`);
      expect(response.body.message).toContain(role);
      expect(await collectionCounts(t)).toEqual(before);
    });
  }

  it.each(allowedRoles(route))('lets role %s through and succeeds', async (role) => {
    const request = await entry().valid(acme, t.as(t.keys.admin));
    const response = await send(route, t.keys[role], request);
    expect([401, 403]).not.toContain(response.status);
    expect(response.status, `${routeName(route)} as ${role}: ${JSON.stringify(response.body)}`).toBe(route.status ?? 200);
  });
});

describe('role matrix as declared', () => {
  it('keeps writes behind roles and reads open to every role', () => {
    const matrix = Object.fromEntries(authenticated.map((route) => [routeName(route), route.roles ? [...route.roles] : 'any']));
    for (const route of authenticated) {
      if (route.method !== 'get') expect(route.roles, `${routeName(route)} writes but names no roles`).toBeDefined();
    }
    expect(matrix).toMatchObject({
      'POST /api/products': ['purchasing'],
      'POST /api/stock/adjustment': ['warehouse'],
      'POST /api/locations': [],
      'GET /api/stock/reconcile': [],
      'POST /api/customers': ['sales'],
      'POST /api/campaigns': ['planner'],
      'GET /api/products': 'any',
    });
  });
});

/**
 * Everything one tenant can send at another's data: ids and SKUs in paths 404
 * (never 403, which would confirm the record exists), lists show none of it,
 * stock operations can neither see nor move it; nothing of the victim changes.
 */
async function expectIsolated(callerKey: string, caller: string, victim: Fixture, victimKey: string): Promise<void> {
  const client = t.as(callerKey);
  // Bodies for the writes on the victim's ids, prepared by the victim first (a fresh order to confirm...).
  const bodies = new Map<AnyRoute, unknown>();
  for (const route of authenticated.filter((r) => r.method !== 'get' && r.path.includes(':') && r.body)) {
    bodies.set(route, (await catalogEntry(route).valid(victim, t.as(victimKey))).body);
  }
  const victimBefore = await tenantSnapshot(t, victim.tenant);
  const victimIds = Object.values(victimBefore)
    .flat()
    .map((doc) => String((doc as { _id: unknown })._id));
  const secrets = [victim.marker, victim.sku, victim.locationA.code, victim.locationB.code, victim.supplier.code, victim.customer.code, ...victimIds];
  const leaks = (body: unknown) => {
    const text = JSON.stringify(body);
    return secrets.filter((secret) => text.includes(secret));
  };

  // Reads first, while the caller has created nothing that reuses the victim's codes.
  for (const route of authenticated.filter((r) => r.method === 'get')) {
    const request = await catalogEntry(route).valid(victim, client);
    const response = await client.get(request.path);
    const context = `${caller} ${routeName(route)} on ${victim.tenant}'s data`;
    if (catalogEntry(route).perTenantNumber && response.status === 200) {
      // The caller's own record under the same number: none of the victim's.
      expect(response.body.id, context).not.toBe(victim.purchaseOrder?.id);
      expect(leaks(response.body), context).toEqual([]);
    } else if (route.path.includes(':')) {
      expectErrorShape(response, 404, 'NOT_FOUND', context);
    } else {
      expect(response.status, context).toBe(200);
      expect(leaks(response.body), context).toEqual([]);
    }
  }

  // Filters naming the victim's SKU or location find nothing either.
  for (const path of [
    `/api/stock/current?sku=${victim.sku}`,
    `/api/stock/current?locationCode=${victim.locationA.code}`,
    `/api/stock/movements?sku=${victim.sku}`,
    `/api/stock/availability?sku=${victim.sku}`,
    `/api/products/low-stock?locationCode=${victim.locationB.code}`,
    `/api/products?search=${victim.marker}`,
    `/api/campaigns?sku=${victim.sku}`,
    `/api/suppliers?search=${victim.marker}`,
    `/api/customers?search=${victim.marker}`,
  ]) {
    const response = await client.get(path);
    expect(response.status, path).toBe(200);
    const items = Array.isArray(response.body) ? response.body : response.body.items;
    expect(items, `${caller} GET ${path}`).toEqual([]);
  }

  // Reconcile counts the caller's own positions and ledger rows only.
  const report = await client.get('/api/stock/reconcile');
  expect(report.status).toBe(200);
  expect(report.body).toMatchObject({
    positionsChecked: await t.models.StockPosition.collection.countDocuments({ tenantId: caller }),
    movementsChecked: await t.models.StockMovement.collection.countDocuments({ tenantId: caller }),
    drift: [],
  });

  // Writes: on the victim's ids/SKUs they 404; creations only ever land in the caller's tenant.
  // Everything naming the victim's ids/SKUs first; creations, which may reuse its codes in the caller's tenant, last.
  const writes = authenticated.filter((r) => r.method !== 'get');
  const createsInCaller = (r: AnyRoute) => !r.path.includes(':') && ROUTE_CATALOG[routeName(r)]?.crossTenant?.status === 201;
  for (const route of [...writes.filter((r) => !createsInCaller(r)), ...writes.filter(createsInCaller)]) {
    const entry = catalogEntry(route);
    const context = `${caller} ${routeName(route)} on ${victim.tenant}'s data`;
    if (route.path.includes(':')) {
      const body = bodies.get(route);
      const response = await send(route, callerKey, { path: concretePath(route.path, victim), body });
      expectErrorShape(response, 404, 'NOT_FOUND', context);
      continue;
    }
    if (!entry.crossTenant) throw new Error(`${routeName(route)}: say in the catalog what another tenant gets (crossTenant)`);
    // Document-number counters are taken before an order's checks on purpose (a refused
    // order leaves a gap in the caller's own series, see orders/document-number.ts).
    const callerCountBefore = await collectionCounts(t, { except: ['Counter'] });
    const response = await send(route, callerKey, { path: route.path, body: entry.crossTenant.body(victim) });
    if (entry.crossTenant.status === 404) {
      expectErrorShape(response, 404, 'NOT_FOUND', context);
      expect(await collectionCounts(t, { except: ['Counter'] }), context).toEqual(callerCountBefore);
    } else {
      expect(response.status, `${context}: ${JSON.stringify(response.body)}`).toBe(201);
    }
  }

  // Nothing of the victim changed: every document of every collection identical.
  expect(await tenantSnapshot(t, victim.tenant)).toEqual(victimBefore);
}

describe('tenant isolation', () => {
  it(`keeps ${TENANT}'s data out of ${OTHER_TENANT}'s reach on every route`, async () => {
    await expectIsolated(t.keys.otherTenant, OTHER_TENANT, acme, t.keys.admin);
    // What globex created with acme's codes lives in globex, next to acme's own, untouched.
    const own = await t.as(t.keys.admin).get(`/api/products/${acme.sku}`);
    expect(own.status).toBe(200);
    expect(own.body.name).toBe('ACMEONLY product');
    const theirs = await t.as(t.keys.otherTenant).get(`/api/products/${acme.sku}`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).not.toBe(own.body.id);
    expect(await t.models.Product.collection.countDocuments({ sku: acme.sku })).toBe(2);
    expect(await t.models.Location.collection.countDocuments({ code: acme.locationA.code })).toBe(2);
  });

  it(`and the other way round: ${OTHER_TENANT}'s data out of ${TENANT}'s reach`, async () => {
    const globex = await seedFixture(t.as(t.keys.otherTenant), OTHER_TENANT, 'GLOBEXONLY', routes);
    await expectIsolated(t.keys.admin, TENANT, globex, t.keys.otherTenant);
  });

  it("answers another tenant's record exactly as a missing one, so existence does not leak", async () => {
    const missing = await t.as(t.keys.otherTenant).get('/api/suppliers/0123456789abcdef01234567');
    const foreign = await t.as(t.keys.otherTenant).get(`/api/suppliers/${acme.supplier.id}`);
    expect(foreign.status).toBe(missing.status);
    expect(foreign.body.code).toBe(missing.body.code);
  });
});
