import mongoose from 'mongoose';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import type { AnyRoute } from '../../src/http/route.js';
import { aCampaign, aCustomer, aLocation, aProduct, aSupplier } from './builders.js';
import type { ApiResponse, TestApp } from './test-app.js';

/**
 * The app's own route declarations, plus for each one a request that succeeds,
 * so cross-cutting tests (roles, tenancy, fuzzing) cover every route, and a
 * route added to the app without an entry here fails the catalog check.
 */

/** The routes exactly as `createApp` declares them (on a throwaway connection: only the list is needed). */
export async function declaredRoutes(): Promise<readonly AnyRoute[]> {
  const connection = mongoose.createConnection(inject('mongoUri'), { dbName: `routes_probe_${process.pid}` });
  try {
    return createApp({ connection }).routes;
  } finally {
    await connection.close();
  }
}

export const routeName = (route: Pick<AnyRoute, 'method' | 'path'>) => `${route.method.toUpperCase()} ${route.path}`;

/** Master data and stock in one tenant, created through the API; every name carries `marker`. */
export interface Fixture {
  tenant: string;
  marker: string;
  sku: string;
  locationA: { id: string; code: string };
  locationB: { id: string; code: string };
  supplier: { id: string; code: string };
  customer: { id: string; code: string };
  campaign: { id: string };
  /** A confirmed sales order and an ordered purchase order, when the app has order routes. */
  salesOrder?: { id: string };
  purchaseOrder?: { id: string; poNumber: string };
}

type Client = ReturnType<TestApp['as']>;

function created<T extends { status: number; body: { id?: string } }>(what: string, response: T): T {
  if (response.status !== 201) throw new Error(`Seeding ${what} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response;
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

const aSalesOrder = (fx: Pick<Fixture, 'sku' | 'customer' | 'locationA'>, confirm: boolean) => ({
  customerCode: fx.customer.code,
  locationCode: fx.locationA.code,
  lines: [{ sku: fx.sku, quantity: 2 }],
  confirm,
});

const aPurchaseOrder = (fx: Pick<Fixture, 'sku' | 'supplier' | 'locationA'>, order: boolean) => ({
  supplierId: fx.supplier.id,
  locationCode: fx.locationA.code,
  lines: [{ sku: fx.sku, quantity: 5, unitCost: 4.5 }],
  expectedDate: inDays(7),
  order,
});

/**
 * Seed a fixture as `admin` (a key of the tenant); `marker` must be unique in
 * the run (upper case, letters and digits). Orders are seeded when `routes`
 * has order routes.
 */
export async function seedFixture(admin: Client, tenant: string, marker: string, routes: readonly AnyRoute[] = []): Promise<Fixture> {
  const sku = `${marker}-SKU`;
  const product = aProduct({ sku, name: `${marker} product`, reorderPoint: 5 });
  created('product', await admin.post('/api/products', product));
  const a = created('location A', await admin.post('/api/locations', aLocation({ code: `${marker}-A`, name: `${marker} A` })));
  const b = created('location B', await admin.post('/api/locations', aLocation({ code: `${marker}-B`, name: `${marker} B`, type: 'store' })));
  const supplier = created('supplier', await admin.post('/api/suppliers', aSupplier({ code: `${marker}-SUP`, name: `${marker} supplier` })));
  const customer = created('customer', await admin.post('/api/customers', aCustomer({ code: `${marker}-CUS`, name: `${marker} customer` })));
  const campaign = created('campaign', await admin.post('/api/campaigns', aCampaign([sku], { name: `${marker} campaign` })));
  created('supplier link', await admin.post(`/api/suppliers/${supplier.body.id}/products`, { sku, unitCost: 4.5 }));
  created('stock', await admin.post('/api/stock/adjustment', { sku, locationCode: `${marker}-A`, quantity: 1_000, reason: 'opening count' }));
  created('transfer', await admin.post('/api/stock/transfer', { sku, fromLocationCode: `${marker}-A`, toLocationCode: `${marker}-B`, quantity: 1 }));
  const fx: Fixture = {
    tenant,
    marker,
    sku,
    locationA: { id: a.body.id, code: `${marker}-A` },
    locationB: { id: b.body.id, code: `${marker}-B` },
    supplier: { id: supplier.body.id, code: `${marker}-SUP` },
    customer: { id: customer.body.id, code: `${marker}-CUS` },
    campaign: { id: campaign.body.id },
  };
  const declared = new Set(routes.map(routeName));
  if (declared.has('POST /api/orders/sales')) {
    fx.salesOrder = { id: created('sales order', await admin.post('/api/orders/sales', aSalesOrder(fx, true))).body.id };
  }
  if (declared.has('POST /api/orders/purchase')) {
    const po = created('purchase order', await admin.post('/api/orders/purchase', aPurchaseOrder(fx, true)));
    fx.purchaseOrder = { id: po.body.id, poNumber: (po.body as { poNumber: string }).poNumber };
  }
  return fx;
}

/** Any well-formed id: what a path gets when only its shape matters (auth and role checks come first). */
export const SOME_OBJECT_ID = '0123456789abcdef01234567';

/**
 * The route path with its parameters filled in from the fixture. `lenient`:
 * fall back to a well-formed id for a resource the fixture does not know
 * (enough for the checks that run before the handler); otherwise that throws.
 */
export function concretePath(path: string, fx: Fixture, options: { lenient?: boolean } = {}): string {
  const ids: Array<[string, string | undefined]> = [
    ['/api/locations/', fx.locationA.id],
    ['/api/suppliers/', fx.supplier.id],
    ['/api/customers/', fx.customer.id],
    ['/api/campaigns/', fx.campaign.id],
    ['/api/orders/sales/', fx.salesOrder?.id],
    ['/api/orders/purchase/', fx.purchaseOrder?.id],
  ];
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (name === 'sku') return fx.sku;
    if (name === 'poNumber' && fx.purchaseOrder) return fx.purchaseOrder.poNumber;
    const id = name === 'id' ? ids.find(([prefix]) => path.startsWith(prefix))?.[1] : undefined;
    if (id) return id;
    if (options.lenient) return SOME_OBJECT_ID;
    throw new Error(`route-catalog: no fixture value for :${name} in ${path}; teach concretePath about it`);
  });
}

export interface CatalogRequest {
  path: string;
  body?: unknown;
}

export interface CatalogEntry {
  /**
   * A request that succeeds (with the route's declared status) for any caller
   * the route allows. It may create what it consumes first, as `admin`, so it
   * can be made again and again (one discontinue per fresh product...).
   */
  valid(fx: Fixture, admin: Client): Promise<CatalogRequest> | CatalogRequest;
  /**
   * For POSTs without path parameters: what another tenant gets when it sends
   * this route a body naming the fixture's identifiers (`body`). 404 when the
   * body refers to the fixture's data; 201 when it creates a record that may
   * reuse the code, since codes and SKUs are unique per tenant only.
   */
  crossTenant?: { status: 201 | 404; body(fx: Fixture): unknown };
  /**
   * The path names a per-tenant number (document numbers run per tenant and
   * day), so another tenant may hold the same number for a record of its own:
   * it gets that one, never the fixture's.
   */
  perTenantNumber?: true;
}

const at = (path: string, body?: unknown): CatalogRequest => (body === undefined ? { path } : { path, body });

async function expectCreated(response: Promise<ApiResponse>, what: string): Promise<ApiResponse> {
  return created(what, await response);
}

export const ROUTE_CATALOG: Record<string, CatalogEntry> = {
  // products
  'GET /api/products': { valid: () => at('/api/products') },
  'GET /api/products/low-stock': { valid: () => at('/api/products/low-stock') },
  'POST /api/products': {
    valid: () => at('/api/products', aProduct()),
    crossTenant: { status: 201, body: (fx) => aProduct({ sku: fx.sku }) },
  },
  'GET /api/products/:sku': { valid: (fx) => at(`/api/products/${fx.sku}`) },
  'PUT /api/products/:sku': { valid: (fx) => at(`/api/products/${fx.sku}`, { name: `${fx.marker} product`, brand: 'Brandless' }) },
  'DELETE /api/products/:sku': {
    valid: async (_fx, admin) => {
      const product = aProduct();
      await expectCreated(admin.post('/api/products', product), 'product to discontinue');
      return at(`/api/products/${product.sku}`);
    },
  },
  'GET /api/products/:sku/stock': { valid: (fx) => at(`/api/products/${fx.sku}/stock`) },
  'GET /api/products/:sku/movements': { valid: (fx) => at(`/api/products/${fx.sku}/movements`) },

  // stock
  'GET /api/stock/current': { valid: () => at('/api/stock/current') },
  'POST /api/stock/adjustment': {
    valid: (fx) => at('/api/stock/adjustment', { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'found one' }),
    crossTenant: { status: 404, body: (fx) => ({ sku: fx.sku, locationCode: fx.locationA.code, quantity: -1, reason: 'steal one' }) },
  },
  'POST /api/stock/transfer': {
    valid: (fx) => at('/api/stock/transfer', { sku: fx.sku, fromLocationCode: fx.locationA.code, toLocationCode: fx.locationB.code, quantity: 1 }),
    crossTenant: {
      status: 404,
      body: (fx) => ({ sku: fx.sku, fromLocationCode: fx.locationA.code, toLocationCode: fx.locationB.code, quantity: 1 }),
    },
  },
  'POST /api/stock/damage': {
    valid: (fx) => at('/api/stock/damage', { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'dropped it' }),
    crossTenant: { status: 404, body: (fx) => ({ sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'sabotage' }) },
  },
  'POST /api/stock/write-off': {
    valid: async (fx, admin) => {
      const damage = { sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'dropped it' };
      await expectCreated(admin.post('/api/stock/damage', damage), 'damage to write off');
      return at('/api/stock/write-off', { ...damage, reason: 'scrapped' });
    },
    crossTenant: { status: 404, body: (fx) => ({ sku: fx.sku, locationCode: fx.locationA.code, quantity: 1, reason: 'scrapped' }) },
  },
  'GET /api/stock/movements': { valid: () => at('/api/stock/movements') },
  'GET /api/stock/availability': { valid: () => at('/api/stock/availability') },
  'GET /api/stock/reconcile': { valid: () => at('/api/stock/reconcile') },

  // suppliers
  'GET /api/suppliers': { valid: () => at('/api/suppliers') },
  'POST /api/suppliers': {
    valid: () => at('/api/suppliers', aSupplier()),
    crossTenant: { status: 201, body: (fx) => aSupplier({ code: fx.supplier.code }) },
  },
  'GET /api/suppliers/:id': { valid: (fx) => at(`/api/suppliers/${fx.supplier.id}`) },
  'PUT /api/suppliers/:id': { valid: (fx) => at(`/api/suppliers/${fx.supplier.id}`, { phone: '+49 30 1234567' }) },
  'GET /api/suppliers/:id/products': { valid: (fx) => at(`/api/suppliers/${fx.supplier.id}/products`) },
  'POST /api/suppliers/:id/products': { valid: (fx) => at(`/api/suppliers/${fx.supplier.id}/products`, { sku: fx.sku, unitCost: 4.75 }) },
  'GET /api/suppliers/:id/performance': { valid: (fx) => at(`/api/suppliers/${fx.supplier.id}/performance`) },

  // customers
  'GET /api/customers': { valid: () => at('/api/customers') },
  'POST /api/customers': {
    valid: () => at('/api/customers', aCustomer()),
    crossTenant: { status: 201, body: (fx) => aCustomer({ code: fx.customer.code }) },
  },
  'GET /api/customers/:id': { valid: (fx) => at(`/api/customers/${fx.customer.id}`) },
  'PUT /api/customers/:id': { valid: (fx) => at(`/api/customers/${fx.customer.id}`, { segment: 'wholesale' }) },

  // locations
  'GET /api/locations': { valid: () => at('/api/locations') },
  'POST /api/locations': {
    valid: () => at('/api/locations', aLocation()),
    crossTenant: { status: 201, body: (fx) => aLocation({ code: fx.locationA.code }) },
  },
  'GET /api/locations/:id': { valid: (fx) => at(`/api/locations/${fx.locationA.id}`) },
  'PUT /api/locations/:id': { valid: (fx) => at(`/api/locations/${fx.locationA.id}`, { address: '1 Dock Road' }) },

  // campaigns
  'GET /api/campaigns': { valid: () => at('/api/campaigns') },
  'GET /api/campaigns/active': { valid: () => at('/api/campaigns/active') },
  'POST /api/campaigns': {
    valid: (fx) => at('/api/campaigns', aCampaign([fx.sku])),
    crossTenant: { status: 404, body: (fx) => aCampaign([fx.sku]) },
  },
  'GET /api/campaigns/:id': { valid: (fx) => at(`/api/campaigns/${fx.campaign.id}`) },
  'PUT /api/campaigns/:id': { valid: (fx) => at(`/api/campaigns/${fx.campaign.id}`, { discountPercent: 20 }) },

  // sales orders
  'POST /api/orders/sales': {
    valid: (fx) => at('/api/orders/sales', aSalesOrder(fx, true)),
    crossTenant: { status: 404, body: (fx) => aSalesOrder(fx, true) },
  },
  'GET /api/orders/sales': { valid: () => at('/api/orders/sales') },
  'GET /api/orders/sales/:id': { valid: (fx) => at(`/api/orders/sales/${fx.salesOrder?.id}`) },
  'PUT /api/orders/sales/:id/status': {
    valid: async (fx, admin) => {
      const order = await expectCreated(admin.post('/api/orders/sales', aSalesOrder(fx, false)), 'sales order to confirm');
      return at(`/api/orders/sales/${order.body.id}/status`, { status: 'confirmed' });
    },
  },
  'POST /api/orders/sales/:id/returns': {
    valid: async (fx, admin) => {
      const order = await expectCreated(admin.post('/api/orders/sales', aSalesOrder(fx, true)), 'sales order to return from');
      const shipped = await admin.put(`/api/orders/sales/${order.body.id}/status`, { status: 'shipped' });
      if (shipped.status !== 200) throw new Error(`Shipping failed: ${shipped.status} ${JSON.stringify(shipped.body)}`);
      return at(`/api/orders/sales/${order.body.id}/returns`, { lines: [{ line: 0, quantity: 1 }], reason: 'wrong colour' });
    },
  },

  // purchase orders
  'POST /api/orders/purchase': {
    valid: (fx) => at('/api/orders/purchase', aPurchaseOrder(fx, false)),
    crossTenant: { status: 404, body: (fx) => aPurchaseOrder(fx, true) },
  },
  'GET /api/orders/purchase': { valid: () => at('/api/orders/purchase') },
  'GET /api/orders/purchase/:id': { valid: (fx) => at(`/api/orders/purchase/${fx.purchaseOrder?.id}`) },
  'GET /api/orders/purchase/number/:poNumber': {
    valid: (fx) => at(`/api/orders/purchase/number/${fx.purchaseOrder?.poNumber}`),
    perTenantNumber: true,
  },
  'PUT /api/orders/purchase/:id/status': {
    valid: async (fx, admin) => {
      const po = await expectCreated(admin.post('/api/orders/purchase', aPurchaseOrder(fx, false)), 'purchase order to place');
      return at(`/api/orders/purchase/${po.body.id}/status`, { status: 'ordered' });
    },
  },
  'PUT /api/orders/purchase/:id/receive': {
    valid: async (fx, admin) => {
      const po = await expectCreated(admin.post('/api/orders/purchase', aPurchaseOrder(fx, true)), 'purchase order to receive');
      return at(`/api/orders/purchase/${po.body.id}/receive`, { lines: [{ line: 0, quantity: 2 }] });
    },
  },

  // live
  'GET /api/live/snapshot': { valid: () => at('/api/live/snapshot') },
};

/**
 * The catalog's valid request when there is one; otherwise the route's path
 * with well-formed parameters and an empty body, which is all the checks
 * before the handler (key, role) need, so those cover a new route at once.
 */
export async function requestFor(route: AnyRoute, fx: Fixture, admin: Client): Promise<CatalogRequest> {
  const entry = ROUTE_CATALOG[routeName(route)];
  if (entry) return entry.valid(fx, admin);
  return { path: concretePath(route.path, fx, { lenient: true }), ...(route.body ? { body: {} } : {}) };
}

/** Document counts of every collection (but `except`), all tenants (raw driver, no tenant scope). */
export async function collectionCounts(t: TestApp, options: { except?: string[] } = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [name, model] of Object.entries(t.models)) {
    if (name === 'connection' || typeof model !== 'function' || options.except?.includes(name)) continue;
    counts[name] = await model.collection.countDocuments();
  }
  return counts;
}

/** Every stored document of one tenant, by collection, in a stable order (to compare before/after). */
export async function tenantSnapshot(t: TestApp, tenant: string): Promise<Record<string, unknown[]>> {
  const snapshot: Record<string, unknown[]> = {};
  for (const [name, model] of Object.entries(t.models)) {
    if (name === 'connection' || typeof model !== 'function' || name === 'Tenant') continue;
    snapshot[name] = await model.collection.find({ tenantId: tenant }).sort({ _id: 1 }).toArray();
  }
  return snapshot;
}
