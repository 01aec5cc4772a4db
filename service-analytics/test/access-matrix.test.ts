import diagnostics from 'node:diagnostics_channel';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { addUtcDays, DEFAULT_PLANNING_SETTINGS, eachUtcDay, ErrorResponseSchema, ROLES, type DayKey, type PlanningSettings, type Role } from '@icc/shared';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import type { CampaignMirrorDoc } from '../src/facts/reference-mirror.js';
import type { PurchaseOrderMirrorDoc } from '../src/facts/supply-mirror.js';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { DEFAULT_MIN_HISTORY_DAYS } from '../src/features/feature-engineering.js';
import {
  FORECAST_COLLECTIONS,
  type ForecastDocument,
  type LatestForecastDocument,
  type ModelPerformanceDocument,
} from '../src/forecasts/forecast-collections.js';
import { createForecastPool, type ForecastPool } from '../src/forecasts/forecast-pool.js';
import { createForecastRunner, type ForecastRunner } from '../src/forecasts/forecast-runner.js';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { runDocument } from '../src/planning/planning-runs.js';
import type { PlanningRunDocument } from '../src/planning/planning.types.js';
import type { OptimizationRunDocument } from '../src/planning/optimize/optimize-runs.js';
import { anAlert } from './support/dashboard-fixtures.js';
import { seedDemand } from './support/forecast-fixtures.js';
import { anOptimizationRun, aProductSupplier, aRecommendation, aStock, aSupplier, storeRecommendations } from './support/planning-fixtures.js';
import { seededRandom } from './support/seeded-random.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Who may call what on the analytics API, and who may see whose data, for
 * every route the app registers. The routes are read from the app itself: an
 * `onRoute` hook is put on the Fastify instance the moment it is created
 * (Fastify's `fastify.initialization` diagnostics channel), before any plugin
 * adds a route, and the list is checked against `app.printRoutes()` and
 * `/openapi.json`. So a new route is covered here without anyone remembering
 * to add it: it is public only under the public prefixes, must answer 401
 * without a valid key, and fails the ACCESS table check until someone decides
 * which roles may call it and gives a valid request for it.
 *
 * Proven here, against the real engine and real forecast jobs:
 * - public paths answer without a key; every other route answers 401 in the
 *   error shape to a missing, malformed, unknown or revoked key;
 * - every protected route × every role gets exactly the decision in ACCESS
 *   (allowed: the route's success status; refused: 403 FORBIDDEN), and only
 *   an allowed training request writes (one job of the caller's tenant);
 * - two tenants with a SKU of the same name see only their own numbers on
 *   every route, both ways; the other tenant's SKUs and jobs answer exactly
 *   like missing ones.
 */

// ----- the routes, as the app registers them -----

interface RegisteredRoute {
  method: string;
  url: string;
  /** `schema.hide`: left out of the OpenAPI document on purpose. */
  hidden: boolean;
}

const routeName = (route: { method: string; url: string }) => `${route.method} ${route.url}`;

/** Start the test app with an onRoute hook on its Fastify instance from birth, so no route escapes the list. */
async function startAppListingItsRoutes(): Promise<{ t: AnalyticsTestApp; seen: RegisteredRoute[]; instances: number }> {
  const seen = new Map<string, RegisteredRoute>();
  let instances = 0;
  const channel = diagnostics.channel('fastify.initialization');
  const onFastifyCreated = (message: unknown) => {
    instances += 1;
    (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        const entry = { method, url: route.url, hidden: route.schema?.hide === true };
        seen.set(routeName(entry), entry);
      }
    });
  };
  channel.subscribe(onFastifyCreated);
  try {
    const t = await startAnalyticsTestApp();
    return { t, seen: [...seen.values()], instances };
  } finally {
    channel.unsubscribe(onFastifyCreated);
  }
}

/** "METHOD path" of every route in Fastify's own radix-tree printout (`app.printRoutes()`): each line a node, paths the concatenation. */
function routesInPrintout(printout: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of printout.split('\n')) {
    const match = /^((?:│ {3}| {4})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    for (const method of match[3]?.split(', ') ?? []) out.push(`${method} ${stack.join('')}`);
  }
  return [...new Set(out)];
}

/**
 * A plugin's root route answers at its prefix with and without the trailing
 * slash, and Fastify runs onRoute for the first only (`prefixing` in
 * fastify/lib/route.js): the twin, e.g. `GET /docs/`, is the same route.
 */
function trailingSlashTwinOf(name: string, of: readonly RegisteredRoute[]): RegisteredRoute | undefined {
  return of.find((route) => `${routeName(route)}/` === name);
}

const { t, seen, instances } = await startAppListingItsRoutes();
const printed = routesInPrintout(t.app.printRoutes());
/** Every route: what onRoute saw, plus the trailing-slash twins only the router knows. */
const routes: RegisteredRoute[] = [
  ...seen,
  ...printed
    .filter((name) => !seen.some((route) => routeName(route) === name))
    .flatMap((name) => {
      const twin = trailingSlashTwinOf(name, seen);
      return twin ? [{ ...twin, url: `${twin.url}/` }] : [];
    }),
];

/** What `PUBLIC_PATHS` in src/app.ts lets through without a key: the bare probes (exactly) and the API description. */
const PUBLIC_PATHS = ['/health', '/ready'];
const PUBLIC_PREFIXES = ['/openapi.json', '/docs'];
const isPublic = (url: string) => PUBLIC_PATHS.includes(url) || PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
const publicRoutes = routes.filter((route) => isPublic(route.url));
const protectedRoutes = routes.filter((route) => !isPublic(route.url));

// ----- the data: two tenants, one SKU name in both, forecast by real jobs -----

/** Monday 2026-03-02 to Sunday 2026-07-19 (140 days); globex starts two weeks later. */
const START: DayKey = '2026-03-02';
const DAYS = 140;
const END: DayKey = addUtcDays(START, DAYS - 1);
const EARLY_AS_OF = addUtcDays(END, -14);
const HORIZON = 14;
const PATTERN = [20, 22, 24, 26, 34, 14, 10];
/** 5 campaign days every 3 weeks, so every SKU learns a campaign lift (what-if needs one). */
const CAMPAIGN = (i: number) => i % 21 >= 16;
const SHARED_SKU = 'SHARED-1';

interface TenantFixture {
  tenant: string;
  /** A SKU only this tenant has. */
  ownSku: string;
  /** Every SKU of the tenant (SHARED_SKU too: same name in both tenants, different numbers). */
  skus: string[];
  from: DayKey;
  days: number;
  demand: Map<string, number[]>;
  /** The first job (asOf END − 14) and the second (asOf END, which scores the first's 14 days). */
  earlyJobId: string;
  lateJobId: string;
  /** Planning: the tenant's settings, its rule of SHARED_SKU, a recommendation of SHARED_SKU and a run. */
  settings: PlanningSettings;
  ruleMaxStock: number;
  recommendationId: string;
  runId: string;
  /** A completed optimisation run of the tenant (one item of SHARED_SKU). */
  optimizationRunId: string;
  /** Dashboard: the open alert of SHARED_SKU; its stock at WH-1 (on hand) is `settings.orderingCost`, its safety stock `ruleMaxStock`. */
  alertId: string;
}

type Keys = Record<Role, string>;

let acme: TenantFixture;
let globex: TenantFixture;
const keys: Record<string, Keys> = {};
let revokedKey: string;
let pool: ForecastPool;
let runner: ForecastRunner;

function demandSeries(days: number, scale: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, (_, i) => Math.max(0, Math.round((PATTERN[i % 7]! * (CAMPAIGN(i) ? 1.5 : 1) + (random() - 0.5) * 4) * scale)));
}

function salesFact(tenantId: string, sku: string, day: DayKey, demanded: number, campaignActive: boolean): DailySalesFactDocument {
  return {
    _id: `${tenantId}:${sku}:WH-1:${day}`,
    tenantId,
    sku,
    locationCode: 'WH-1',
    day,
    quantityDemanded: demanded,
    quantitySold: demanded,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue: demanded * 2.5,
    orders: 1,
    campaignActive,
    stockOut: false,
    endOfDayOnHand: 100,
  };
}

/**
 * Write what the CDC pipeline would leave for a tenant: daily sales facts
 * (trends, seasonality, sales history read them), feature rows with their
 * compact per-SKU histories, the facts index and catalog mirror (seedDemand),
 * and the tenant's campaigns.
 */
async function seedTenant(
  tenant: string,
  ownSku: string,
  otherSkus: string[],
  offsetDays: number,
  scale: number,
): Promise<Omit<TenantFixture, 'earlyJobId' | 'lateJobId' | 'settings' | 'ruleMaxStock' | 'recommendationId' | 'runId' | 'optimizationRunId' | 'alertId'>> {
  const from = addUtcDays(START, offsetDays);
  const days = DAYS - offsetDays;
  const skus = [ownSku, ...otherSkus, SHARED_SKU].sort();
  const demand = new Map(skus.map((sku, k) => [sku, demandSeries(days, scale * (1 + k / 4), scale * 100 + k)]));
  const campaign = (i: number) => CAMPAIGN(i + offsetDays);
  const dayKeys = eachUtcDay(from, END);
  await t.analytics
    .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
    .insertMany(skus.flatMap((sku) => dayKeys.map((day, i) => salesFact(tenant, sku, day, demand.get(sku)![i]!, campaign(i)))));
  await seedDemand(
    t.analytics,
    tenant,
    from,
    skus.map((sku) => ({ sku, demand: demand.get(sku)!, campaign })),
  );
  const campaigns: CampaignMirrorDoc[] = [];
  for (let i = 0; i < DAYS; i += 1) {
    if (!CAMPAIGN(i) || CAMPAIGN(i - 1)) continue;
    campaigns.push({
      _id: `${tenant}-camp-${i}`,
      sourceId: `${tenant}-camp-${i}`,
      tenantId: tenant,
      name: `Promo ${i}`,
      status: 'planned',
      startsAt: new Date(`${addUtcDays(START, i)}T00:00:00Z`),
      endsAt: new Date(`${addUtcDays(START, i + 5)}T00:00:00Z`),
      skus,
      discountPercent: 20,
      updatedAt: new Date(),
    });
  }
  await t.analytics.collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror).insertMany(campaigns);
  return { tenant, ownSku, skus, from, days, demand };
}

/**
 * Planning's stored state of a tenant, different numbers in each: settings,
 * a rule and a pending recommendation of SHARED_SKU, a supplier selling it, a
 * finished run.
 */
async function seedPlanning(tenant: string, orderingCost: number, ruleMaxStock: number) {
  const settings: PlanningSettings = { ...DEFAULT_PLANNING_SETTINGS, orderingCost };
  await t.analytics
    .collection(PLANNING_COLLECTIONS.planningSettings)
    .insertOne({ _id: tenant as never, ...settings, updatedAt: new Date(), updatedBy: { apiKeyId: 'seed', name: 'seed' } });
  await t.analytics.collection(PLANNING_COLLECTIONS.reorderRules).insertOne({
    _id: `${tenant}:${SHARED_SKU}:*` as never,
    tenantId: tenant,
    sku: SHARED_SKU,
    locationCode: null,
    ...RULE_BODY,
    maxStock: ruleMaxStock,
    updatedAt: new Date(),
    updatedBy: { apiKeyId: 'seed', name: 'seed' },
  });
  await aSupplier(t.analytics, tenant, 'SUP-A');
  await aProductSupplier(t.analytics, tenant, 'SUP-A', SHARED_SKU, { minimumOrderQuantity: 1 });
  const recommendation = aRecommendation(tenant, { sku: SHARED_SKU, quantity: ruleMaxStock });
  await storeRecommendations(t.analytics, [recommendation]);
  const run = { ...runDocument(tenant, { kind: 'MANUAL', reason: 'seed', skus: null, locationCodes: null }, new Date()), status: 'completed' as const };
  await t.analytics.collection<PlanningRunDocument>(PLANNING_COLLECTIONS.planningRuns).insertOne(run);
  const optimization = anOptimizationRun(tenant, [{ sku: SHARED_SKU, locationCode: 'OPT-VIEW', reorderPoint: ruleMaxStock, orderQuantity: 10 }]);
  await t.analytics.collection<OptimizationRunDocument>(PLANNING_COLLECTIONS.optimizationRuns).insertOne(optimization);
  return { settings, ruleMaxStock, recommendationId: recommendation._id, runId: run._id, optimizationRunId: optimization._id };
}

/**
 * What the dashboard reads of a tenant, different numbers in each: SHARED_SKU
 * at WH-1 below its safety stock (on hand `onHand`, safety stock
 * `safetyStock`), one open STOCKOUT_PREDICTED alert, one purchase order on
 * order, and (acme only) one received.
 */
async function seedDashboard(tenant: string, onHand: number, safetyStock: number): Promise<string> {
  await t.analytics.collection(FACT_COLLECTIONS.productsMirror).updateOne({ tenantId: tenant, sku: SHARED_SKU }, { $set: { safetyStock } });
  await aStock(t.analytics, tenant, SHARED_SKU, 'WH-1', { onHand });
  const alert = anAlert(tenant, { sku: SHARED_SKU, productName: SHARED_SKU, impact: { units: safetyStock, value: onHand * 10 } });
  await t.analytics.collection(PLANNING_COLLECTIONS.planningAlerts).insertOne(alert as never);
  const order = (status: string, suffix: string): PurchaseOrderMirrorDoc => ({
    _id: `${tenant}-po-${suffix}`,
    sourceId: `${tenant}-po-${suffix}`,
    tenantId: tenant,
    poNumber: `PO-${tenant}-${suffix}`,
    supplierCode: 'SUP-A',
    locationCode: 'WH-1',
    status,
    expectedDate: new Date(`${END}T00:00:00Z`),
    orderedAt: new Date(`${START}T00:00:00Z`),
    receivedAt: status === 'received' ? new Date(`${END}T00:00:00Z`) : null,
    lastReceivedAt: status === 'received' ? new Date(`${END}T00:00:00Z`) : null,
    source: { type: 'manual', id: null },
    lines: [{ line: 1, sku: SHARED_SKU, quantity: safetyStock, unitCost: 4, receivedQuantity: 0, openQuantity: status === 'received' ? 0 : safetyStock }],
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  const orders = [order('ordered', '1'), ...(tenant === 'acme' ? [order('received', '2')] : [])];
  await t.analytics.collection<PurchaseOrderMirrorDoc>(FACT_COLLECTIONS.purchaseOrdersMirror).insertMany(orders);
  return alert._id;
}

const RULE_BODY = {
  strategy: 'MIN_MAX',
  serviceLevel: null,
  minStock: 10,
  maxStock: 80,
  reorderPoint: null,
  reorderQuantity: null,
  safetyStockDays: null,
  reviewPeriodDays: null,
  isActive: true,
};

/** Routes that change state need a fresh target per allowed call: pending recommendations and removable rules of acme, taken in turn. */
const POOL = 30;
const acceptPool: string[] = [];
const bulkPool: string[] = [];
const rejectPool: string[] = [];
/** Locations that each hold one pending reorder of acme: a purchase plan filtered to one is one order. */
const planPool: string[] = [];
/** Completed optimisation runs of acme, each proposing one rule at a location of its own (so applying one adds one rule). */
const applyPool: string[] = [];
/** ACTIVE alerts of acme the alert actions take in turn (OVERSTOCK, LOW: not in the dashboard's stock-out risks); closed before the isolation checks. */
const alertPools: Record<'acknowledge' | 'resolve' | 'false-positive', string[]> = { acknowledge: [], resolve: [], 'false-positive': [] };
let deletableRule = 0;
async function seedActionPools(): Promise<void> {
  const planned = Array.from({ length: POOL }, (_, i) => aRecommendation('acme', { sku: SHARED_SKU, locationCode: `PLAN-${i}` }));
  await storeRecommendations(t.analytics, planned);
  planPool.push(...planned.map((r) => r.locationCode));
  const optimizations = Array.from({ length: POOL }, (_, i) =>
    anOptimizationRun('acme', [{ sku: SHARED_SKU, locationCode: `APPLY-${i}`, reorderPoint: 12, orderQuantity: 30 }]),
  );
  await t.analytics.collection<OptimizationRunDocument>(PLANNING_COLLECTIONS.optimizationRuns).insertMany(optimizations);
  applyPool.push(...optimizations.map((run) => run._id));
  for (const [p, pool] of [acceptPool, bulkPool, rejectPool].entries()) {
    const recs = Array.from({ length: POOL }, (_, i) => aRecommendation('acme', { sku: SHARED_SKU, locationCode: `POOL-${p * POOL + i}` }));
    await storeRecommendations(t.analytics, recs);
    pool.push(...recs.map((r) => r._id));
  }
  for (const [p, pool] of Object.values(alertPools).entries()) {
    const alerts = Array.from({ length: POOL }, (_, i) =>
      anAlert('acme', { type: 'OVERSTOCK', severity: 'LOW', sku: SHARED_SKU, locationCode: `APOOL-${p * POOL + i}`, predictedDate: null }),
    );
    await t.analytics.collection(PLANNING_COLLECTIONS.planningAlerts).insertMany(alerts as never[]);
    pool.push(...alerts.map((a) => a._id));
  }
  await t.analytics.collection(PLANNING_COLLECTIONS.reorderRules).insertMany(
    Array.from({ length: POOL }, (_, i) => ({
      _id: `acme:${SHARED_SKU}:DEL-${i}` as never,
      tenantId: 'acme',
      sku: SHARED_SKU,
      locationCode: `DEL-${i}`,
      ...RULE_BODY,
      updatedAt: new Date(),
      updatedBy: { apiKeyId: 'seed', name: 'seed' },
    })),
  );
}
const next = (pool: string[]) => {
  const id = pool.shift();
  if (id === undefined) throw new Error('action pool exhausted: raise POOL');
  return id;
};

/** Queue a training job through the API as the tenant's planner; the runner runs it later. */
async function queueJob(tenant: string, body: Record<string, unknown>): Promise<string> {
  const res = await send('POST', { url: '/api/models/train', body }, keys[tenant]!.planner);
  expect(res.statusCode, res.body).toBe(202);
  return res.json<{ jobId: string }>().jobId;
}

beforeAll(async () => {
  for (const tenant of ['acme', 'globex']) {
    keys[tenant] = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await t.issueKey(tenant, [role])] as const))) as Keys;
  }
  revokedKey = await t.issueKey('acme', ['admin'], { revoked: true });
  const acmeData = await seedTenant('acme', 'ACME-ONLY', ['ACME-SECOND'], 0, 1);
  const globexData = await seedTenant('globex', 'GLOBEX-ONLY', [], 14, 100);

  pool = createForecastPool({ threads: 1 });
  runner = createForecastRunner({ db: t.analytics, pool, chunkSize: 2 });
  const early = {
    acme: await queueJob('acme', { horizon: HORIZON, asOf: EARLY_AS_OF }),
    globex: await queueJob('globex', { horizon: HORIZON, asOf: EARLY_AS_OF }),
  };
  expect(await runner.drain()).toBe(2);
  const late = { acme: await queueJob('acme', { horizon: HORIZON, asOf: END }), globex: await queueJob('globex', { horizon: HORIZON, asOf: END }) };
  expect(await runner.drain()).toBe(2);
  acme = { ...acmeData, earlyJobId: early.acme, lateJobId: late.acme, ...(await seedPlanning('acme', 11, 80)), alertId: await seedDashboard('acme', 11, 80) };
  globex = {
    ...globexData,
    earlyJobId: early.globex,
    lateJobId: late.globex,
    ...(await seedPlanning('globex', 22, 90)),
    alertId: await seedDashboard('globex', 22, 90),
  };
  await seedActionPools();
  // Every SKU of both tenants forecast twice: the data the isolation checks compare.
  for (const f of [acme, globex]) {
    expect(await t.analytics.collection(FORECAST_COLLECTIONS.forecasts).countDocuments({ tenantId: f.tenant }), f.tenant).toBe(2 * f.skus.length);
  }
});

afterAll(async () => {
  await runner?.stop();
  await pool?.close();
  await t.close();
});

// ----- the access table: the decision for every protected route -----

interface ApiRequest {
  url: string;
  body?: Record<string, unknown>;
}

interface Access {
  /** Roles that may call the route; 'any' = every valid key of the tenant. */
  roles: readonly Role[] | 'any';
  /** A valid request on the fixture tenant's own data, which an allowed caller gets `status` for. */
  request(f: TenantFixture): ApiRequest;
  status: number;
  /** When allowed, the route changes these collections' document counts by these amounts (0: it only replaces); every other route writes nothing. */
  writes?: Record<string, number>;
}

/**
 * The expected decision per route, written out because the analytics routes
 * declare no roles (training checks `requireRole` in its handler). Reads need
 * any valid key (docs/ARCHITECTURE.md); the planning POSTs (batch, what-if)
 * are reads too; training forecasts needs planner or service (admin passes
 * everywhere). A HEAD route Fastify adds for a GET shares its GET's entry.
 */
const ACCESS: Record<string, Access> = {
  // The service's activity (request counts, CDC lag and events): for monitoring, not for tenants.
  'GET /metrics': { roles: ['admin', 'service'], status: 200, request: () => ({ url: '/metrics' }) },
  'GET /ready/details': { roles: ['admin', 'service'], status: 200, request: () => ({ url: '/ready/details' }) },
  'GET /api/internal/analytics/sales-history': {
    roles: 'any',
    status: 200,
    request: (f) => ({ url: `/api/internal/analytics/sales-history?sku=${SHARED_SKU}&start=${f.from}&end=${END}` }),
  },
  'GET /api/internal/analytics/seasonality-data': { roles: 'any', status: 200, request: () => ({ url: '/api/internal/analytics/seasonality-data' }) },
  'GET /api/analytics/trends/:sku': { roles: 'any', status: 200, request: () => ({ url: `/api/analytics/trends/${SHARED_SKU}` }) },
  'GET /api/analytics/seasonality/:sku': { roles: 'any', status: 200, request: () => ({ url: `/api/analytics/seasonality/${SHARED_SKU}` }) },
  'GET /api/forecast/:sku': { roles: 'any', status: 200, request: () => ({ url: `/api/forecast/${SHARED_SKU}` }) },
  'GET /api/forecast/accuracy/:sku': { roles: 'any', status: 200, request: () => ({ url: `/api/forecast/accuracy/${SHARED_SKU}` }) },
  'GET /api/forecast/models/:sku': { roles: 'any', status: 200, request: () => ({ url: `/api/forecast/models/${SHARED_SKU}` }) },
  'GET /api/models/status/:jobId': { roles: 'any', status: 200, request: (f) => ({ url: `/api/models/status/${f.lateJobId}` }) },
  'GET /api/models/performance': { roles: 'any', status: 200, request: () => ({ url: '/api/models/performance' }) },
  'POST /api/models/train': {
    roles: ['admin', 'planner', 'service'],
    status: 202,
    writes: { 'analytics.trainingJobs': 1 },
    request: (f) => ({ url: '/api/models/train', body: { skus: [f.ownSku], horizon: 7, asOf: END } }),
  },
  'GET /api/planning/settings': { roles: 'any', status: 200, request: () => ({ url: '/api/planning/settings' }) },
  'PUT /api/planning/settings': {
    roles: ['admin', 'planner'],
    status: 200,
    writes: { 'analytics.planningSettings': 0 },
    request: (f) => ({ url: '/api/planning/settings', body: f.settings }),
  },
  'GET /api/planning/rules': { roles: 'any', status: 200, request: () => ({ url: '/api/planning/rules' }) },
  'PUT /api/planning/rules/:sku': {
    roles: ['admin', 'planner'],
    status: 200,
    writes: { 'analytics.reorderRules': 0 },
    request: (f) => ({ url: `/api/planning/rules/${SHARED_SKU}`, body: { ...RULE_BODY, maxStock: f.ruleMaxStock } }),
  },
  'DELETE /api/planning/rules/:sku': {
    roles: ['admin', 'planner'],
    status: 204,
    writes: { 'analytics.reorderRules': -1 },
    request: () => ({ url: `/api/planning/rules/${SHARED_SKU}?locationCode=DEL-${deletableRule++}` }),
  },
  'POST /api/planning/runs': {
    roles: ['admin', 'planner', 'purchasing'],
    status: 202,
    writes: { 'analytics.planningRuns': 1 },
    request: (f) => ({ url: '/api/planning/runs', body: { skus: [f.ownSku] } }),
  },
  'GET /api/planning/runs': { roles: 'any', status: 200, request: () => ({ url: '/api/planning/runs' }) },
  'GET /api/planning/runs/:id': { roles: 'any', status: 200, request: (f) => ({ url: `/api/planning/runs/${f.runId}` }) },
  'GET /api/recommendations': { roles: 'any', status: 200, request: () => ({ url: '/api/recommendations?status=PENDING' }) },
  'GET /api/recommendations/:id': { roles: 'any', status: 200, request: (f) => ({ url: `/api/recommendations/${f.recommendationId}` }) },
  'POST /api/recommendations/:id/accept': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.purchaseOrderRequests': 1, 'analytics.liveOutbox': 1 },
    request: () => ({ url: `/api/recommendations/${next(acceptPool)}/accept`, body: {} }),
  },
  'POST /api/recommendations/:id/reject': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.liveOutbox': 1 },
    request: () => ({ url: `/api/recommendations/${next(rejectPool)}/reject`, body: { reason: 'not now' } }),
  },
  'POST /api/recommendations/accept': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.purchaseOrderRequests': 1, 'analytics.liveOutbox': 1 },
    request: () => ({ url: '/api/recommendations/accept', body: { ids: [next(bulkPool)] } }),
  },
  'POST /api/recommendations/purchase-plan/accept': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.purchaseOrderRequests': 1, 'analytics.liveOutbox': 1 },
    request: () => ({ url: '/api/recommendations/purchase-plan/accept', body: { locationCode: next(planPool) } }),
  },
  'GET /api/alerts/active': { roles: 'any', status: 200, request: () => ({ url: '/api/alerts/active?severity=HIGH' }) },
  'GET /api/alerts/history': { roles: 'any', status: 200, request: () => ({ url: '/api/alerts/history?limit=10' }) },
  'POST /api/alerts/:id/acknowledge': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.liveOutbox': 1 },
    request: () => ({ url: `/api/alerts/${next(alertPools.acknowledge)}/acknowledge`, body: {} }),
  },
  'POST /api/alerts/:id/resolve': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.liveOutbox': 1 },
    request: () => ({ url: `/api/alerts/${next(alertPools.resolve)}/resolve`, body: { note: 'done' } }),
  },
  'POST /api/alerts/:id/false-positive': {
    roles: ['admin', 'purchasing', 'planner'],
    status: 200,
    writes: { 'analytics.liveOutbox': 1 },
    request: () => ({ url: `/api/alerts/${next(alertPools['false-positive'])}/false-positive`, body: { note: 'not real' } }),
  },
  'GET /api/dashboard/summary': { roles: 'any', status: 200, request: () => ({ url: '/api/dashboard/summary' }) },
  'GET /api/dashboard/details': { roles: 'any', status: 200, request: () => ({ url: '/api/dashboard/details?limit=5&slowMovingDays=30' }) },
  'GET /api/dashboard/trends': { roles: 'any', status: 200, request: () => ({ url: '/api/dashboard/trends?days=30' }) },
  'GET /api/internal/stock/critical': { roles: 'any', status: 200, request: () => ({ url: '/api/internal/stock/critical' }) },
  'GET /api/internal/stock/excess': { roles: 'any', status: 200, request: () => ({ url: '/api/internal/stock/excess?limit=10' }) },
  'GET /api/internal/suppliers/lead-times': { roles: 'any', status: 200, request: () => ({ url: '/api/internal/suppliers/lead-times' }) },
  'GET /api/internal/orders/pending-delivery': { roles: 'any', status: 200, request: () => ({ url: '/api/internal/orders/pending-delivery' }) },
  'POST /api/internal/forecast/batch': {
    roles: 'any',
    status: 200,
    request: (f) => ({ url: '/api/internal/forecast/batch', body: { skus: f.skus, horizon: 7 } }),
  },
  'POST /api/internal/forecast/whatif': {
    roles: 'any',
    status: 200,
    request: () => ({ url: '/api/internal/forecast/whatif', body: { sku: SHARED_SKU, scenario: 'campaign', discountPercent: 10, durationDays: 3 } }),
  },
  // The planner's scenarios: a read unless ?save=true (the supplier delay needs no dates, so the request holds on any day).
  'POST /api/analysis/whatif': {
    roles: ['admin', 'planner', 'purchasing'],
    status: 200,
    request: (f) => ({
      url: '/api/analysis/whatif',
      body: { scenario: { type: 'supplierDelay', supplierCode: 'SUP-A', extraDays: 3 }, products: { skus: [f.ownSku, SHARED_SKU] } },
    }),
  },
  // Optimisation runs: queued by planners and purchasing, read by any key, applied (rules written) by planners only.
  'POST /api/optimize/run': {
    roles: ['admin', 'planner', 'purchasing'],
    status: 202,
    writes: { 'analytics.optimizationRuns': 1 },
    request: (f) => ({ url: '/api/optimize/run', body: { optimizationType: 'REORDER_POINTS', skus: [f.ownSku] } }),
  },
  'GET /api/optimize/results/:runId': { roles: 'any', status: 200, request: (f) => ({ url: `/api/optimize/results/${f.optimizationRunId}` }) },
  'POST /api/optimize/results/:runId/apply': {
    roles: ['admin', 'planner'],
    status: 200,
    writes: { 'analytics.reorderRules': 1 },
    request: () => ({ url: `/api/optimize/results/${next(applyPool)}/apply`, body: {} }),
  },
};

function accessOf(route: RegisteredRoute): Access | undefined {
  return ACCESS[routeName(route)] ?? (route.method === 'HEAD' ? ACCESS[`GET ${route.url}`] : undefined);
}

/** The route's ACCESS entry; a route without one fails here saying what to do. */
function requireAccess(route: RegisteredRoute): Access {
  const access = accessOf(route);
  if (!access) throw new Error(`${routeName(route)} has no entry in ACCESS (access-matrix.test.ts): decide which roles may call it and give a valid request`);
  return access;
}

const allowedRoles = (access: Access): readonly Role[] => (access.roles === 'any' ? ROLES : access.roles);

// ----- helpers -----

function send(method: string, request: ApiRequest, key: string | null, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: method as 'GET',
    url: request.url,
    headers: { ...(key === null ? {} : { 'x-api-key': key }), ...headers },
    ...(request.body === undefined ? {} : { payload: request.body }),
  });
}

/** The one error shape with this status and code (a HEAD answer has no body: status and JSON type only). */
function expectError(res: LightMyRequestResponse, method: string, status: number, code: string, context: string): void {
  expect(res.statusCode, `${context}: ${res.body}`).toBe(status);
  expect(res.headers['content-type'], context).toMatch(/^application\/json/);
  if (method === 'HEAD') return;
  const body = res.json();
  expect(ErrorResponseSchema.safeParse(body).success, `${context}: not the error shape: ${res.body}`).toBe(true);
  expect(body, context).toMatchObject({ statusCode: status, code, error: expect.any(String), message: expect.any(String) });
}

/** Documents per collection in both databases the app touches (the operational one only holds keys here). */
async function documentCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [label, db] of [
    ['analytics', t.analytics],
    ['operational', t.operational],
  ] as const) {
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) counts[`${label}.${name}`] = await db.collection(name).countDocuments();
  }
  return counts;
}

const trainingJobsOf = (tenant: string) => t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).countDocuments({ tenantId: tenant });

async function storedForecast(tenant: string, sku: string): Promise<ForecastDocument> {
  const pointer = await t.analytics.collection<LatestForecastDocument>(FORECAST_COLLECTIONS.latestForecasts).findOne({ _id: `${tenant}:${sku}` });
  const forecast = pointer && (await t.analytics.collection<ForecastDocument>(FORECAST_COLLECTIONS.forecasts).findOne({ _id: pointer.forecastId }));
  if (!forecast) throw new Error(`no stored forecast for ${tenant}:${sku}`);
  return forecast;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

// ----- the route list itself -----

describe('the route list', () => {
  it('comes from the one app under test, and is exactly what Fastify routes', () => {
    expect(instances).toBe(1);
    expect(protectedRoutes.length).toBeGreaterThanOrEqual(12);
    // Everything onRoute saw is in the router, and the router holds nothing else but trailing-slash twins.
    expect(seen.map(routeName).filter((name) => !printed.includes(name))).toEqual([]);
    expect(printed.filter((name) => !seen.some((route) => routeName(route) === name) && !trailingSlashTwinOf(name, seen))).toEqual([]);
    expect(routes.map(routeName).sort()).toEqual([...printed].sort());
    for (const route of routes) expect(t.app.hasRoute({ method: route.method, url: route.url }), routeName(route)).toBe(true);
  });

  it('is what /openapi.json describes: every route not hidden, HEAD aside (Fastify adds those for GETs)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const documented = Object.entries(res.json<{ paths: Record<string, Record<string, unknown>> }>().paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const visible = routes.filter((route) => !route.hidden && route.method !== 'HEAD').map(routeName);
    expect(documented.sort()).toEqual(visible.sort());
    // Every protected route is documented: none may hide from the API description.
    for (const route of protectedRoutes.filter((r) => r.method !== 'HEAD')) expect(documented, routeName(route)).toContain(routeName(route));
  });

  it('has a decision in ACCESS for every protected route, and ACCESS names no route the app lacks', () => {
    expect(protectedRoutes.filter((route) => !accessOf(route)).map(routeName)).toEqual([]);
    expect(Object.keys(ACCESS).filter((name) => !protectedRoutes.some((route) => routeName(route) === name))).toEqual([]);
  });

  it('lets admin through everywhere, names only known roles, and keeps every writing route behind roles', () => {
    for (const [name, access] of Object.entries(ACCESS)) {
      expect(allowedRoles(access), name).toContain('admin');
      for (const role of allowedRoles(access)) expect(ROLES, name).toContain(role);
      if (access.writes) expect(access.roles, `${name} writes but is open to any role`).not.toBe('any');
    }
    expect(ACCESS['POST /api/models/train']!.roles).toEqual(['admin', 'planner', 'service']);
  });
});

// ----- public routes -----

describe.each(publicRoutes.map((route) => [routeName(route), route] as const))('public %s', (_name, route) => {
  const url = route.url.replace(/\*$/, 'swagger-ui.css');

  it('answers without a key, and is not refused for a bad one', async () => {
    expect(url, 'give the public route a concrete path').not.toMatch(/[:*]/);
    for (const key of [null, 'not-a-key', revokedKey]) {
      const res = await send(route.method, { url }, key);
      expect(res.statusCode, `${routeName(route)} with key ${key}: ${res.body}`).toBeGreaterThanOrEqual(200);
      expect(res.statusCode, `${routeName(route)} with key ${key}: ${res.body}`).toBeLessThan(400);
    }
  });
});

// ----- protected routes: authentication, then the role matrix -----

describe.each(protectedRoutes.map((route) => [routeName(route), route] as const))('%s', (_name, route) => {
  it('answers 401 UNAUTHORIZED, in the error shape, to a missing, malformed, unknown or revoked key, writing nothing', async () => {
    const request = requireAccess(route).request(acme);
    const before = await documentCounts();
    const unknownKey = `icc_${randomBytes(24).toString('base64url')}`;
    const cases: Array<[string, string | null, Record<string, string>?]> = [
      ['no key', null],
      ['malformed key', 'not-a-key'],
      ['key with the right prefix but far too long', `icc_${'x'.repeat(300)}`],
      ['unknown well-formed key', unknownKey],
      ['unknown key as a Bearer token', null, { authorization: `Bearer ${unknownKey}` }],
      ['valid key under a scheme other than Bearer', null, { authorization: `Basic ${keys.acme!.admin}` }],
      ['revoked key', revokedKey],
    ];
    for (const [label, key, headers] of cases) {
      expectError(await send(route.method, request, key, headers), route.method, 401, 'UNAUTHORIZED', `${routeName(route)} with ${label}`);
    }
    expect(await documentCounts()).toEqual(before);
  });

  it('accepts a valid key as a Bearer token too', async () => {
    const access = requireAccess(route);
    const res = await send(route.method, access.request(acme), null, { authorization: `Bearer ${keys.acme!.admin}` });
    expect(res.statusCode, res.body).toBe(access.status);
  });

  it.each(ROLES.map((role) => [role, allowedRoles(requireAccess(route)).includes(role) ? 'allowed' : 'refused'] as const))(
    'role %s is %s',
    async (role, decision) => {
      const access = requireAccess(route);
      const context = `${routeName(route)} as ${role}`;
      const before = await documentCounts();
      const jobsBefore = await trainingJobsOf('acme');
      const res = await send(route.method, access.request(acme), keys.acme![role]);
      if (decision === 'refused') {
        expectError(res, route.method, 403, 'FORBIDDEN', context);
        if (route.method !== 'HEAD') expect(res.json<{ message: string }>().message, context).toContain(role);
        expect(await trainingJobsOf('acme'), context).toBe(jobsBefore);
        expect(await documentCounts(), context).toEqual(before);
        return;
      }
      expect([401, 403], `${context}: ${res.body}`).not.toContain(res.statusCode);
      expect(res.statusCode, `${context}: ${res.body}`).toBe(access.status);
      if (access.writes) {
        // Exactly the documents the route is for, of the caller's tenant, and nothing else.
        const added = access.writes['analytics.trainingJobs'] ?? 0;
        expect(await trainingJobsOf('acme'), context).toBe(jobsBefore + added);
        const expected = { ...before };
        for (const [collection, delta] of Object.entries(access.writes)) expected[collection] = (before[collection] ?? 0) + delta;
        expect(await documentCounts(), context).toEqual(expected);
      } else {
        expect(await documentCounts(), context).toEqual(before);
      }
    },
  );
});

describe('a refused training request', () => {
  it('is refused before its SKUs are looked up: the same 403 for own, foreign and unknown SKUs, and no job', async () => {
    const refused = ROLES.filter((role) => !allowedRoles(ACCESS['POST /api/models/train']!).includes(role));
    expect(refused.length).toBeGreaterThan(0);
    const jobsBefore = await Promise.all([trainingJobsOf('acme'), trainingJobsOf('globex')]);
    for (const role of refused) {
      const answers = [];
      for (const sku of [acme.ownSku, globex.ownSku, 'NO-SUCH-SKU']) {
        const res = await send('POST', { url: '/api/models/train', body: { skus: [sku], horizon: 7 } }, keys.acme![role]);
        expectError(res, 'POST', 403, 'FORBIDDEN', `${role} trains ${sku}`);
        answers.push(res.body);
      }
      expect(new Set(answers).size, role).toBe(1);
      // Key, then role, then input: a body the schema refuses still gets the 403, not the schema's 400.
      const invalid = await send('POST', { url: '/api/models/train', body: { horizon: 0, confidence: 7 } }, keys.acme![role]);
      expectError(invalid, 'POST', 403, 'FORBIDDEN', `${role} trains with an invalid body`);
    }
    expect(await Promise.all([trainingJobsOf('acme'), trainingJobsOf('globex')])).toEqual(jobsBefore);
  });

  it('says in the API description which roles may train', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, Record<string, { description?: string }>> }>();
    expect(doc.paths['/api/models/train']!['post']!.description).toBe('Needs one of the roles: admin, planner, service (others get 403).');
  });
});

/** A GET sent over real HTTP with the path exactly as given (app.inject would normalise `..` away). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('public prefixes', () => {
  it('open no way around the key to a protected route, over real HTTP', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    for (const route of protectedRoutes.filter((r) => r.method === 'GET')) {
      const { url } = requireAccess(route).request(acme);
      expect((await rawGet(port, url)).status, url).toBe(401);
      for (const sneaky of [
        `/health/..${url}`,
        `/docs/..${url}`,
        `/docs/static/../..${url}`,
        `/docs/static/..%2F..${url}`,
        `/metrics/%2e%2e${url}`,
        `/openapi.json/..${url}`,
      ]) {
        const res = await rawGet(port, sneaky);
        // Refused, not found, or refused by the static files: never the route's answer.
        expect([401, 403, 404], `${sneaky}: ${res.body}`).toContain(res.status);
      }
    }
  });
});

// ----- tenant isolation -----

/** Which route handlers ran (Fastify's request-handler tracing channel), to check the isolation checks reach every route. */
const handled = new Set<string>();
const handlerStart = diagnostics.channel('tracing:fastify.request.handler:start');
const recordHandled = (message: unknown) => {
  const { route } = message as { route: { method: string; url: string } };
  handled.add(routeName(route));
};

/**
 * Everything `viewer` can ask about its own SKU of the shared name answers
 * its own numbers (never the other tenant's), and everything naming the
 * other tenant's SKUs or jobs answers exactly as a SKU or job that does not
 * exist. Nothing of either tenant changes.
 */
async function expectOnlyOwnData(viewer: TenantFixture, other: TenantFixture): Promise<void> {
  const key = keys[viewer.tenant]!.planner;
  const get = async (url: string, status = 200) => {
    const res = await send('GET', { url }, key);
    expect(res.statusCode, `${viewer.tenant} GET ${url}: ${res.body}`).toBe(status);
    return res.json();
  };
  const post = async (url: string, body: Record<string, unknown>, status = 200) => {
    const res = await send('POST', { url, body }, key);
    expect(res.statusCode, `${viewer.tenant} POST ${url}: ${res.body}`).toBe(status);
    return res.json();
  };
  /** The other tenant's thing answers like a missing one: same status, code and message but for the name. */
  const expectLikeMissing = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', foreign: ApiRequest, missing: ApiRequest, name: [string, string]) => {
    const a = await send(method, foreign, key);
    const b = await send(method, missing, key);
    expectError(a, method, 404, 'NOT_FOUND', `${viewer.tenant} ${method} ${foreign.url}`);
    expect(a.json<{ message: string }>().message.replaceAll(name[0], name[1]), foreign.url).toBe(b.json<{ message: string }>().message);
  };
  const ownShared = viewer.demand.get(SHARED_SKU)!;
  const otherShared = other.demand.get(SHARED_SKU)!;
  expect(sum(ownShared)).not.toBe(sum(otherShared));
  const before = await documentCounts();

  // Sales history: the viewer's days and quantities, none of the other's.
  const history = (await get(`/api/internal/analytics/sales-history?sku=${SHARED_SKU}&start=${START}&end=${END}`)) as Array<{
    date: string;
    quantityDemanded: number;
  }>;
  expect(history).toHaveLength(DAYS);
  expect(history.filter((row) => row.date >= viewer.from).map((row) => row.quantityDemanded)).toEqual(ownShared);
  expect(sum(history.map((row) => row.quantityDemanded))).toBe(sum(ownShared));
  await expectLikeMissing(
    'GET',
    { url: `/api/internal/analytics/sales-history?sku=${other.ownSku}&start=${START}&end=${END}` },
    { url: `/api/internal/analytics/sales-history?sku=NO-SUCH-SKU&start=${START}&end=${END}` },
    [other.ownSku, 'NO-SUCH-SKU'],
  );

  // Seasonality of many SKUs: the viewer's SKUs only, each over the viewer's days.
  const all = (await get('/api/internal/analytics/seasonality-data')) as { items: Array<{ sku: string; daysOfHistory: number }> };
  expect(all.items.map((p) => p.sku).sort()).toEqual(viewer.skus);
  // Seasonality reads the feature store's histories, which start after the features' warm-up.
  for (const profile of all.items) expect(profile.daysOfHistory, profile.sku).toBe(viewer.days - DEFAULT_MIN_HISTORY_DAYS);
  expect(((await get(`/api/internal/analytics/seasonality-data?skus=${other.ownSku},${SHARED_SKU}`)) as typeof all).items.map((p) => p.sku)).toEqual([
    SHARED_SKU,
  ]);

  // Trend and seasonality of one SKU: the viewer's window and totals.
  const trend = (await get(`/api/analytics/trends/${SHARED_SKU}`)) as { window: { start: string; days: number }; weekly: Array<{ demand: number }> };
  expect(trend.window).toMatchObject({ start: viewer.from, days: viewer.days });
  expect(sum(trend.weekly.map((w) => w.demand))).toBe(sum(ownShared));
  await expectLikeMissing('GET', { url: `/api/analytics/trends/${other.ownSku}` }, { url: '/api/analytics/trends/NO-SUCH-SKU' }, [other.ownSku, 'NO-SUCH-SKU']);
  expect(((await get(`/api/analytics/seasonality/${SHARED_SKU}`)) as { daysOfHistory: number }).daysOfHistory).toBe(viewer.days - DEFAULT_MIN_HISTORY_DAYS);
  await expectLikeMissing('GET', { url: `/api/analytics/seasonality/${other.ownSku}` }, { url: '/api/analytics/seasonality/NO-SUCH-SKU' }, [
    other.ownSku,
    'NO-SUCH-SKU',
  ]);

  // The stored forecast: the viewer's latest job and its quantities.
  const stored = await storedForecast(viewer.tenant, SHARED_SKU);
  const otherStored = await storedForecast(other.tenant, SHARED_SKU);
  expect(stored.predictions.map((p) => p.quantity)).not.toEqual(otherStored.predictions.map((p) => p.quantity));
  const forecast = (await get(`/api/forecast/${SHARED_SKU}`)) as { jobId: string; predictions: Array<{ quantity: number }> };
  expect(forecast.jobId).toBe(viewer.lateJobId);
  expect(forecast.predictions.map((p) => p.quantity)).toEqual(stored.predictions.map((p) => p.quantity));
  await expectLikeMissing('GET', { url: `/api/forecast/${other.ownSku}` }, { url: '/api/forecast/NO-SUCH-SKU' }, [other.ownSku, 'NO-SUCH-SKU']);

  // Model versions: the viewer's two jobs, newest first.
  const models = (await get(`/api/forecast/models/${SHARED_SKU}`)) as { items: Array<{ jobId: string; active: boolean }> };
  expect(models.items.map((m) => [m.jobId, m.active])).toEqual([
    [viewer.lateJobId, true],
    [viewer.earlyJobId, false],
  ]);
  await expectLikeMissing('GET', { url: `/api/forecast/models/${other.ownSku}` }, { url: '/api/forecast/models/NO-SUCH-SKU' }, [other.ownSku, 'NO-SUCH-SKU']);

  // Accuracy: the viewer's early forecast scored against the viewer's actuals.
  const evaluation = await t.analytics
    .collection<ModelPerformanceDocument>(FORECAST_COLLECTIONS.modelPerformance)
    .findOne({ tenantId: viewer.tenant, sku: SHARED_SKU });
  expect(evaluation?.actual).toEqual(ownShared.slice(-14));
  const accuracy = (await get(`/api/forecast/accuracy/${SHARED_SKU}`)) as { recent: Array<{ jobId: string; mae: number }> };
  expect(accuracy.recent.map((r) => r.jobId)).toEqual([viewer.earlyJobId]);
  expect(accuracy.recent[0]!.mae).toBe(evaluation!.mae);
  await expectLikeMissing('GET', { url: `/api/forecast/accuracy/${other.ownSku}` }, { url: '/api/forecast/accuracy/NO-SUCH-SKU' }, [
    other.ownSku,
    'NO-SUCH-SKU',
  ]);

  // Jobs: the viewer's own, counted over its own SKUs; the other's is unknown.
  const job = (await get(`/api/models/status/${viewer.lateJobId}`)) as { progress: { total: number; forecast: number } };
  expect(job.progress).toMatchObject({ total: viewer.skus.length, forecast: viewer.skus.length });
  await expectLikeMissing('GET', { url: `/api/models/status/${other.lateJobId}` }, { url: '/api/models/status/train-20260101-00000000' }, [
    other.lateJobId,
    'train-20260101-00000000',
  ]);

  // Performance: the viewer's active models and evaluations only.
  const performance = (await get('/api/models/performance')) as { skus: number; byModel: Array<{ skus: number; tracked: { evaluations: number } | null }> };
  expect(performance.skus).toBe(viewer.skus.length);
  expect(sum(performance.byModel.map((m) => m.skus))).toBe(viewer.skus.length);
  expect(sum(performance.byModel.map((m) => m.tracked?.evaluations ?? 0))).toBe(viewer.skus.length);

  // Planning's batch read: the other tenant's SKU is missing, the shared name is the viewer's.
  const batch = (await post('/api/internal/forecast/batch', { skus: [SHARED_SKU, other.ownSku, viewer.ownSku], horizon: HORIZON })) as {
    forecasts: Record<string, number[]>;
    missing: string[];
  };
  expect(Object.keys(batch.forecasts).sort()).toEqual([SHARED_SKU, viewer.ownSku].sort());
  expect(batch.missing).toEqual([other.ownSku]);
  expect(batch.forecasts[SHARED_SKU]).toEqual(stored.predictions.map((p) => p.quantity));

  // What-if: on the viewer's forecast; the other's SKU is unknown.
  const whatIf = (await post('/api/internal/forecast/whatif', { sku: SHARED_SKU, scenario: 'campaign', discountPercent: 10, durationDays: 3 })) as {
    predictions: Array<{ baseline: number }>;
  };
  expect(whatIf.predictions.map((p) => p.baseline)).toEqual(stored.predictions.map((p) => p.quantity));
  const whatIfBody = (sku: string) => ({ sku, scenario: 'campaign', discountPercent: 10, durationDays: 3 });
  await expectLikeMissing(
    'POST',
    { url: '/api/internal/forecast/whatif', body: whatIfBody(other.ownSku) },
    { url: '/api/internal/forecast/whatif', body: whatIfBody('NO-SUCH-SKU') },
    [other.ownSku, 'NO-SUCH-SKU'],
  );

  // The planner's what-if: only the viewer's SKUs, answered or skipped; the other's SKU is refused like an unknown one.
  const delay = { type: 'supplierDelay', supplierCode: 'SUP-A', extraDays: 3 };
  const scenario = (await post('/api/analysis/whatif', { scenario: delay, products: { all: true } })) as {
    products: { sku: string }[];
    skipped: { sku: string }[];
  };
  expect([...scenario.products, ...scenario.skipped].map((p) => p.sku).sort()).toEqual([...viewer.skus].sort());
  const foreignWhatIf = await send('POST', { url: '/api/analysis/whatif', body: { scenario: delay, products: { skus: [other.ownSku] } } }, key);
  const missingWhatIf = await send('POST', { url: '/api/analysis/whatif', body: { scenario: delay, products: { skus: ['NO-SUCH-SKU'] } } }, key);
  expectError(foreignWhatIf, 'POST', 400, 'INVALID_INPUT', `${viewer.tenant} what-if on ${other.ownSku}`);
  expect(foreignWhatIf.json<{ message: string }>().message.replaceAll(other.ownSku, 'NO-SUCH-SKU')).toBe(missingWhatIf.json<{ message: string }>().message);

  // Optimisation runs: the viewer's own; the other's answers like a missing one, to reading and to applying; its SKUs are unknown.
  expect(
    ((await get(`/api/optimize/results/${viewer.optimizationRunId}`)) as { items: { proposed: { reorderPoint: number } }[] }).items[0]!.proposed.reorderPoint,
  ).toBe(viewer.ruleMaxStock);
  for (const suffix of ['', '/apply']) {
    await expectLikeMissing(
      suffix === '' ? 'GET' : 'POST',
      { url: `/api/optimize/results/${other.optimizationRunId}${suffix}`, ...(suffix ? { body: {} } : {}) },
      { url: `/api/optimize/results/opt-20260101-00000000${suffix}`, ...(suffix ? { body: {} } : {}) },
      [other.optimizationRunId, 'opt-20260101-00000000'],
    );
  }
  for (const optimizationType of ['REORDER_POINTS', 'SUPPLIER_MIX']) {
    const foreignOptimization = await send('POST', { url: '/api/optimize/run', body: { optimizationType, skus: [other.ownSku] } }, key);
    expectError(foreignOptimization, 'POST', 400, 'INVALID_INPUT', `${viewer.tenant} optimises ${other.ownSku} (${optimizationType})`);
  }

  // Training cannot name the other tenant's SKU (not in the viewer's catalog), and so writes nothing.
  const refused = await send('POST', { url: '/api/models/train', body: { skus: [other.ownSku], horizon: 7, asOf: END } }, key);
  expectError(refused, 'POST', 400, 'INVALID_INPUT', `${viewer.tenant} trains ${other.ownSku}`);
  expect(refused.json<{ message: string }>().message).toContain(other.ownSku);

  // Planning settings and rules: the viewer's numbers; the other's SKU is unknown to rules.
  expect(((await get('/api/planning/settings')) as PlanningSettings).orderingCost).toBe(viewer.settings.orderingCost);
  const saved = await send('PUT', { url: '/api/planning/settings', body: viewer.settings }, key);
  expect(saved.json<PlanningSettings>().orderingCost, viewer.tenant).toBe(viewer.settings.orderingCost);
  const rules = (await get('/api/planning/rules?limit=200')) as { items: Array<{ sku: string; locationCode: string | null; maxStock: number }> };
  expect(rules.items.every((r) => viewer.skus.includes(r.sku))).toBe(true);
  expect(rules.items.find((r) => r.locationCode === null)?.maxStock).toBe(viewer.ruleMaxStock);
  await expectLikeMissing('PUT', { url: `/api/planning/rules/${other.ownSku}`, body: RULE_BODY }, { url: '/api/planning/rules/NO-SUCH-SKU', body: RULE_BODY }, [
    other.ownSku,
    'NO-SUCH-SKU',
  ]);
  await expectLikeMissing('DELETE', { url: `/api/planning/rules/${other.ownSku}` }, { url: '/api/planning/rules/NO-SUCH-SKU' }, [other.ownSku, 'NO-SUCH-SKU']);

  // Recommendations: the viewer's own; the other's answers like a missing one on every route.
  const mine = (await get('/api/recommendations?locationCode=WH-1')) as { items: Array<{ id: string; quantity: number }> };
  expect(mine.items.map((r) => [r.id, r.quantity])).toEqual([[viewer.recommendationId, viewer.ruleMaxStock]]);
  const missingId = '0123456789abcdef01234567';
  for (const [method, url, body] of [
    ['GET', '/api/recommendations/ID', undefined],
    ['POST', '/api/recommendations/ID/accept', {}],
    ['POST', '/api/recommendations/ID/reject', { reason: 'x' }],
  ] as const) {
    await expectLikeMissing(
      method,
      { url: url.replace('ID', other.recommendationId), ...(body ? { body } : {}) },
      { url: url.replace('ID', missingId), ...(body ? { body } : {}) },
      [other.recommendationId, missingId],
    );
  }
  await expectLikeMissing(
    'POST',
    { url: '/api/recommendations/accept', body: { ids: [other.recommendationId] } },
    { url: '/api/recommendations/accept', body: { ids: [missingId] } },
    [other.recommendationId, missingId],
  );

  // The purchase plan is made of the viewer's pending reorders only; accepting the other's order answers like a missing one.
  const plan = (await get(`/api/recommendations?type=BULK_PURCHASE&locationCode=WH-1`)) as { plans: Array<{ lines: Array<{ recommendationId: string }> }> };
  expect(plan.plans.flatMap((p) => p.lines.map((l) => l.recommendationId))).toEqual([viewer.recommendationId]);
  const foreignPlan = await send(
    'POST',
    { url: '/api/recommendations/purchase-plan/accept', body: { plans: [{ supplierCode: 'NO-SUCH-SUP', locationCode: 'WH-1' }] } },
    key,
  );
  expectError(foreignPlan, 'POST', 404, 'NOT_FOUND', `${viewer.tenant} accepts a plan order it does not have`);

  // Planning runs: the viewer's; the other's run is unknown, its SKU not in the viewer's catalog.
  const runs = (await get('/api/planning/runs?limit=200')) as { items: Array<{ runId: string }> };
  expect(runs.items.map((r) => r.runId)).toContain(viewer.runId);
  expect(runs.items.map((r) => r.runId)).not.toContain(other.runId);
  await expectLikeMissing('GET', { url: `/api/planning/runs/${other.runId}` }, { url: '/api/planning/runs/plan-20260101-00000000' }, [
    other.runId,
    'plan-20260101-00000000',
  ]);
  const foreignRun = await send('POST', { url: '/api/planning/runs', body: { skus: [other.ownSku] } }, key);
  expectError(foreignRun, 'POST', 400, 'INVALID_INPUT', `${viewer.tenant} plans ${other.ownSku}`);

  // Alerts: the viewer's one open alert; the other's answers like a missing one on every action.
  const active = (await get('/api/alerts/active')) as { items: Array<{ id: string }> };
  expect(active.items.map((a) => a.id)).toEqual([viewer.alertId]);
  const alertHistory = (await get('/api/alerts/history?limit=200')) as { items: Array<{ id: string }> };
  expect(alertHistory.items.map((a) => a.id)).toContain(viewer.alertId);
  expect(alertHistory.items.map((a) => a.id)).not.toContain(other.alertId);
  for (const action of ['acknowledge', 'resolve', 'false-positive']) {
    await expectLikeMissing(
      'POST',
      { url: `/api/alerts/${other.alertId}/${action}`, body: { note: 'x' } },
      { url: `/api/alerts/${missingId}/${action}`, body: { note: 'x' } },
      [other.alertId, missingId],
    );
  }

  // Dashboard: the viewer's alert, stock, orders and recommendations only.
  const pendingRecommendations = await t.analytics
    .collection(PLANNING_COLLECTIONS.recommendations)
    .countDocuments({ tenantId: viewer.tenant, status: 'PENDING' });
  const summary = (await get('/api/dashboard/summary')) as {
    criticalMetrics: Record<string, { value: number }>;
    alertsActive: { total: number; HIGH: number };
    recommendationsSummary: { total: number };
    kpis: { inventoryValue: { value: number } };
  };
  expect(summary.alertsActive).toMatchObject({ total: 1, HIGH: 1 });
  expect(summary.criticalMetrics['productsAtRisk']!.value).toBe(1);
  expect(summary.criticalMetrics['pendingPurchaseOrders']!.value).toBe(1);
  expect(summary.recommendationsSummary.total).toBe(pendingRecommendations);
  // On hand × SUP-A's unit cost (4): the viewer's stock row only.
  expect(summary.kpis.inventoryValue.value).toBe(viewer.settings.orderingCost * 4);
  const dashboard = (await get('/api/dashboard/details?limit=100')) as {
    stockoutRisks: Array<{ alertId: string; valueAtRisk: number }>;
    reorderNeeded: Array<{ recommendationId: string }>;
  };
  expect(dashboard.stockoutRisks.map((r) => [r.alertId, r.valueAtRisk])).toEqual([[viewer.alertId, viewer.settings.orderingCost * 10]]);
  expect(dashboard.reorderNeeded.map((r) => r.recommendationId)).toContain(viewer.recommendationId);
  expect(dashboard.reorderNeeded.map((r) => r.recommendationId)).not.toContain(other.recommendationId);
  expect(
    await t.analytics
      .collection(PLANNING_COLLECTIONS.recommendations)
      .countDocuments({ _id: { $in: dashboard.reorderNeeded.map((r) => r.recommendationId) as never[] }, tenantId: viewer.tenant }),
  ).toBe(dashboard.reorderNeeded.length);
  // The trends: the viewer's daily facts only, summed per day.
  const trends = (await get('/api/dashboard/trends?days=180')) as { from: DayKey; to: DayKey; days: Array<{ demanded: number }> };
  const ownFacts = await t.analytics
    .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
    .find({ tenantId: viewer.tenant, day: { $gte: trends.from, $lte: trends.to } })
    .toArray();
  expect(ownFacts.length).toBeGreaterThan(0);
  expect(trends.days.reduce((sum, d) => sum + d.demanded, 0)).toBe(ownFacts.reduce((sum, f) => sum + f.quantityDemanded, 0));
  const critical = (await get('/api/internal/stock/critical')) as { items: Array<{ sku: string; shortBy: number }> };
  expect(critical.items.map((i) => [i.sku, i.shortBy])).toEqual([[SHARED_SKU, viewer.ruleMaxStock - viewer.settings.orderingCost]]);
  expect(((await get('/api/internal/stock/excess')) as { items: unknown[] }).items).toEqual([]);
  const leadTimes = (await get('/api/internal/suppliers/lead-times')) as { items: Array<{ supplierCode: string; measured: { receivedOrders: number } }> };
  expect(leadTimes.items.map((i) => [i.supplierCode, i.measured.receivedOrders])).toEqual([['SUP-A', viewer.tenant === 'acme' ? 1 : 0]]);
  const deliveries = (await get('/api/internal/orders/pending-delivery')) as { items: Array<{ poNumber: string }> };
  expect(deliveries.items.map((i) => i.poNumber)).toEqual([`PO-${viewer.tenant}-1`]);

  // The service's own activity, for a monitoring key: counts by route template, no tenant's SKUs.
  const monitor = keys[viewer.tenant]!.service;
  const metrics = await send('GET', { url: '/metrics' }, monitor);
  expect(metrics.statusCode).toBe(200);
  for (const sku of new Set([...viewer.skus, ...other.skus])) expect(metrics.body).not.toContain(sku);
  const details = await send('GET', { url: '/ready/details' }, monitor);
  expect(details.statusCode).toBe(200);
  expect(Object.keys(details.json<Record<string, unknown>>()).sort()).toEqual(['cdc', 'status']);

  // Nothing of either tenant changed.
  expect(await documentCounts()).toEqual(before);
}

describe('tenant isolation', () => {
  beforeAll(() => handlerStart.subscribe(recordHandled));
  // The alert actions' targets are closed, leaving each tenant's one seeded alert open.
  beforeAll(async () => {
    const removed = await t.analytics.collection(PLANNING_COLLECTIONS.planningAlerts).deleteMany({ tenantId: 'acme', locationCode: /^APOOL-/ });
    expect(removed.deletedCount).toBe(3 * POOL);
  });
  afterAll(() => handlerStart.unsubscribe(recordHandled));

  it("acme's key sees acme's numbers and nothing of globex's", async () => {
    await expectOnlyOwnData(acme, globex);
  });

  it("globex's key sees globex's numbers and nothing of acme's", async () => {
    await expectOnlyOwnData(globex, acme);
  });

  it('reached the handler of every protected route', () => {
    const missed = protectedRoutes.filter((route) => route.method !== 'HEAD' && !handled.has(routeName(route)));
    expect(handled.size).toBeGreaterThan(0);
    expect(missed.map(routeName), 'routes the isolation checks never called: add a check to expectOnlyOwnData').toEqual([]);
  });
});
