/**
 * Journey in a browser: the purchasing manager's morning through the dashboard's views, against
 * the real stack (both services over HTTP, the page reaching analytics through the operational
 * service's /analytics proxy, the CDC consumer, forecasts, a planning run, the purchase-order
 * follower and the live outbox). Overview → recommendations (priority order, filters) → accept
 * one with a quantity override → its purchase order appears and the card turns ORDERED live →
 * reject one with a reason → the product view's chart. A second tenant with more than 1,000
 * positions pages past the first 1,000 in the stock view, and a live change reaches a row there.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  AlertListSchema,
  createLogger,
  DashboardTrendsSchema,
  DEFAULT_PLANNING_SETTINGS,
  PlanningRunSchema,
  PurchaseOrderPageSchema,
  PurchaseOrderSchema,
  RecommendationListSchema,
  RecommendationSchema,
  silentLogger,
  type Recommendation,
} from '@icc/shared';
import {
  followAnalyticsOutbox,
  followPurchaseOrderRequests,
  issueApiKey,
  type AnalyticsOutboxFollower,
  type PurchaseOrderRequestFollower,
} from '@icc/service-operational';
import {
  createAnalyticsApp,
  createForecastPool,
  createForecastRunner,
  createPipeline,
  ensureAnalyticsIndexes,
  type ForecastPool,
  type ForecastRunner,
} from '@icc/service-analytics';
import { runTriggerForecast, seedDemo, yesterday } from '@icc/scripts';
import { createCdcConsumer, createPlanningWorker, type CdcConsumer } from '@icc/service-analytics/testing';
import { MongoClient } from 'mongodb';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCdcMarker } from '../support/cdc.js';
import { startJourneyOperational } from '../support/operational.js';
import '../support/provided-context.js';
import { call, eventually } from '../support/http.js';
import { seriousA11yViolations } from '../support/a11y.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const TENANT = 'views-journey';
const BIG_TENANT = 'views-paging';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_vj_${suffix}`;
const AN_DB = `an_vj_${suffix}`;

let browser: Browser;
let operational: Awaited<ReturnType<typeof startJourneyOperational>>;
let client: MongoClient;
let consumer: CdcConsumer;
let cdc: ReturnType<typeof withCdcMarker>;
let pool: ForecastPool;
let runner: ForecastRunner;
let planning: ReturnType<typeof createPlanningWorker>;
let follower: PurchaseOrderRequestFollower;
let outbox: AnalyticsOutboxFollower;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
let analyticsUrl: string;
const keys: Record<'planner' | 'purchasing' | 'warehouse' | 'bigWarehouse', string> = { planner: '', purchasing: '', warehouse: '', bigWarehouse: '' };

async function recommendation(id: string): Promise<Recommendation> {
  return RecommendationSchema.parse((await call<unknown>(analyticsUrl, 'GET', `/api/recommendations/${id}`, keys.purchasing)).body);
}

/** A page with its uncaught errors collected, so a broken script fails the test. */
async function openPage(key: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${operational.url}/#key=${key}`);
  // Signed in and the session read (roles, currency): the views' navigation is shown.
  await page.locator('#views-nav').waitFor({ state: 'visible' });
  return { page, errors };
}

/** Each view the journeys open: a screenshot kept in test-artifacts/screenshots/, and no serious or critical axe-core finding. */
async function checkView(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, animations: 'disabled' });
  expect.soft(await seriousA11yViolations(page), `accessibility of the ${name} view`).toEqual([]);
}

const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 30_000 });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`This test needs Chromium at ${CHROMIUM}. Install it with: sudo apt-get install chromium`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const uri = inject('mongoUri');
  client = await MongoClient.connect(uri);
  const analytics = client.db(AN_DB);
  await ensureAnalyticsIndexes(analytics);
  // Analytics listens first: the operational service's /analytics proxy is given its address.
  analyticsApp = await createAnalyticsApp({
    analytics,
    operational: client.db(OP_DB),
    cdcStatus: () => consumer.status(),
    onJobQueued: () => runner.notify(),
    onPlanningRunQueued: () => planning.notify(),
    log: createLogger({ name: 'views-journey', level: 'silent' }),
  });
  await analyticsApp.listen({ host: '127.0.0.1', port: 0 });
  analyticsUrl = `http://127.0.0.1:${(analyticsApp.server.address() as AddressInfo).port}`;
  operational = await startJourneyOperational(uri, OP_DB, { analyticsUrl });

  const summary = await seedDemo(operational.models, TENANT, { seed: 23, products: 12, days: 120, endDay: yesterday() });
  expect(summary.orders).toBeGreaterThan(200);
  for (const role of ['planner', 'purchasing', 'warehouse'] as const) keys[role] = (await issueApiKey(operational.models, TENANT, `${role} desk`, [role])).key;

  cdc = withCdcMarker(createPipeline(analytics));
  consumer = createCdcConsumer({ client, operationalDb: OP_DB, analyticsDb: AN_DB, sink: cdc.sink, maxAwaitTimeMS: 100 });
  await consumer.start();
  pool = createForecastPool({ threads: 1 });
  runner = createForecastRunner({ db: analytics, pool, pollMs: 100 });
  runner.start();
  planning = createPlanningWorker({ db: analytics, pollMs: 100, housekeepingMs: 200 });
  planning.start();
  follower = followPurchaseOrderRequests({ analytics, models: operational.models, live: operational.live, log: silentLogger, pollMs: 100 });
  follower.start();
  outbox = followAnalyticsOutbox({ analytics, live: operational.live, log: createLogger({ name: 'views-outbox', level: 'silent' }) });
  await outbox.ready;
  await cdc.caughtUp(client, OP_DB, TENANT, 120_000);

  // Forecasts, then a planning run without transfers: pending reorders with their reasoning.
  const code = await runTriggerForecast(['--url', analyticsUrl, '--api-key', keys.planner, '--horizon', '28', '--poll', '100', '--json'], {
    stdout: () => {},
    stderr: () => {},
    env: {},
    isTTY: false,
  });
  expect(code).toBe(0);
  const settings = await call(analyticsUrl, 'PUT', '/api/planning/settings', keys.planner, { ...DEFAULT_PLANNING_SETTINGS, transferFixedCost: 100_000 });
  expect(settings.status).toBe(200);
  const queued = await call<{ runId: string }>(analyticsUrl, 'POST', '/api/planning/runs', keys.planner, {});
  expect(queued.status).toBe(202);
  await eventually('the planning run', async () => {
    const run = PlanningRunSchema.parse((await call<unknown>(analyticsUrl, 'GET', `/api/planning/runs/${queued.body.runId}`, keys.planner)).body);
    expect(run.status).not.toBe('failed');
    return run.status === 'completed' ? run : undefined;
  });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await outbox?.stop();
  await follower?.stop();
  await planning?.stop();
  await runner?.stop();
  await pool?.close();
  await consumer?.stop();
  await cdc?.close();
  await analyticsApp?.close();
  await operational?.close();
  await client?.db(AN_DB).dropDatabase();
  await client?.db(OP_DB).dropDatabase();
  await operational?.connection.close();
  await client?.close();
});

describe("the purchasing manager's morning in the dashboard", () => {
  it('overview → recommendations → accept one (the purchase order appears, the card turns ORDERED live) → reject one → the product chart', async () => {
    const pending = RecommendationListSchema.parse(
      (await call<unknown>(analyticsUrl, 'GET', '/api/recommendations?status=PENDING&limit=200', keys.purchasing)).body,
    ).items;
    // The seeded demo's run leaves enough to act on: one reorder accepted alone, two together, one by the plan; an excess to dismiss.
    expect(pending.filter((r) => r.type === 'REORDER' && r.supplierCode).length).toBeGreaterThanOrEqual(4);
    expect(pending.filter((r) => r.type === 'EXCESS_STOCK').length).toBeGreaterThanOrEqual(1);
    const summary = await call<{ recommendationsSummary: { total: number }; alertsActive: { total: number } }>(
      analyticsUrl,
      'GET',
      '/api/dashboard/summary',
      keys.purchasing,
    );
    expect(summary.status).toBe(200);

    const { page, errors } = await openPage(keys.purchasing);
    // Overview: the summary's tiles, through the same-origin proxy.
    await poll(() => page.locator('[data-tile="recommendations"] .tile-value').textContent()).toBe(String(summary.body.recommendationsSummary.total));
    expect(await page.locator('[data-tile="alerts"] .tile-value').textContent()).toBe(String(summary.body.alertsActive.total));
    expect(await page.locator('#view-overview [data-tile="fillRate30d"]').count()).toBe(1);
    expect(await page.locator('#view-overview').isVisible()).toBe(true);
    // The trend charts: one canvas each, as many points as the API has days, the last value as the API says.
    const trends = DashboardTrendsSchema.parse((await call<unknown>(analyticsUrl, 'GET', '/api/dashboard/trends?days=90', keys.purchasing)).body);
    expect(trends.days.length).toBeGreaterThan(60);
    await poll(() => page.locator('body').getAttribute('data-trends')).toBe('drawn');
    for (const field of ['fillRate', 'stockoutRate', 'demanded', 'revenue'] as const) {
      const box = page.locator(`#trend-${field}`);
      expect(await box.locator('canvas').count()).toBe(1);
      expect(await box.getAttribute('data-points')).toBe(String(trends.days.filter((d) => d[field] !== null).length));
    }
    const lastDemand = trends.days.at(-1)!.demanded;
    expect(await page.locator('#trend-demanded .trend-last').textContent()).toBe(` ${lastDemand.toLocaleString('en-US')}`);
    const lastRevenue = trends.days.at(-1)!.revenue;
    // Money in the tenant's currency (USD unless set).
    expect(await page.locator('#trend-revenue .trend-last').textContent()).toBe(
      ` ${new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(lastRevenue)}`,
    );
    await checkView(page, 'overview');

    // One click to the recommendations, highest priority first.
    await page.click('[data-tile="recommendations"]');
    await poll(() => page.locator('#rec-list article').count()).toBe(pending.length);
    const priorities = await page.locator('#rec-list article .rec-head .pill').allTextContents();
    const rank = (p: string) => ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].indexOf(p);
    expect(priorities.map(rank)).toEqual([...priorities.map(rank)].sort((a, b) => a - b));
    await checkView(page, 'recommendations');

    // Filter to one location's reorders of the top priority, then accept the first with a larger quantity.
    const target = [...pending].filter((r) => r.type === 'REORDER' && r.supplierCode).sort((a, b) => rank(a.priority) - rank(b.priority))[0]!;
    expect(target).toBeDefined();
    await page.selectOption('#rec-filter-priority', target.priority);
    await page.selectOption('#rec-filter-type', 'REORDER');
    await page.fill('#rec-filter-location', target.locationCode);
    await page.click('#rec-filters button[type="submit"]');
    const expected = pending.filter((r) => r.type === 'REORDER' && r.priority === target.priority && r.locationCode === target.locationCode);
    await poll(() => page.locator('#rec-list article').count()).toBe(expected.length);
    const card = page.locator(`#rec-list article[data-recommendation-id="${target.id}"]`);
    expect(await card.locator('.reasoning li').count()).toBe(target.reasoning.length);
    const override = target.quantity + 7;
    await card.locator(`#qty-${target.id}`).fill(String(override));
    await card.getByRole('button', { name: 'Accept' }).click();
    await poll(() => card.getAttribute('data-status')).toMatch(/^(ACCEPTED|ORDERED)$/);
    expect(['ACCEPTED', 'ORDERED']).toContain((await recommendation(target.id)).status);

    // The purchase order appears in the operational service at the override, and the card turns ORDERED live.
    const order = await eventually('the purchase order', async () => {
      const listed = await call<{ items: Array<{ lines: Array<{ sku: string; quantity: number }>; status: string; source: { type: string } }> }>(
        operational.url,
        'GET',
        `/api/orders/purchase?sku=${target.sku}&locationCode=${target.locationCode}&sourceType=recommendation`,
        keys.purchasing,
      );
      return listed.body.items[0];
    });
    expect(order.status).toBe('ordered');
    expect(order.lines.find((l) => l.sku === target.sku)?.quantity).toBe(override);
    await eventually('the recommendation to be ORDERED', async () => ((await recommendation(target.id)).status === 'ORDERED' ? true : undefined));
    await poll(() => card.getAttribute('data-status')).toBe('ORDERED');
    expect(await card.locator('[data-field="status"]').textContent()).toBe('ORDERED');

    // Dismiss an excess-stock advice with a reason.
    await page.selectOption('#rec-filter-priority', '');
    await page.selectOption('#rec-filter-type', 'EXCESS_STOCK');
    await page.fill('#rec-filter-location', '');
    await page.click('#rec-filters button[type="submit"]');
    await poll(() => page.locator('#rec-list article').count()).toBe(pending.filter((r) => r.type === 'EXCESS_STOCK').length);
    const other = page.locator('#rec-list article[data-status="PENDING"]').first();
    expect(await other.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    const otherId = (await other.getAttribute('data-recommendation-id'))!;
    await other.locator(`#reason-${otherId}`).fill('kept for the spring promotion');
    await other.getByRole('button', { name: 'Dismiss' }).click();
    await poll(() => page.locator(`#rec-list article[data-recommendation-id="${otherId}"]`).getAttribute('data-status')).toBe('REJECTED');
    const rejected = await recommendation(otherId);
    expect(rejected).toMatchObject({ status: 'REJECTED', rejectionReason: 'kept for the spring promotion' });

    // Select two more pending reorders and accept them together.
    await page.selectOption('#rec-filter-type', 'REORDER');
    await page.click('#rec-filters button[type="submit"]');
    await poll(() => page.locator('#rec-list article').count()).toBe(pending.filter((r) => r.type === 'REORDER').length - 1);
    const reorders = page.locator('#rec-list article[data-status="PENDING"]').filter({ has: page.locator('.kind', { hasText: 'REORDER' }) });
    const picked = [(await reorders.nth(0).getAttribute('data-recommendation-id'))!, (await reorders.nth(1).getAttribute('data-recommendation-id'))!];
    for (const id of picked) await page.check(`#pick-${id}`);
    expect(await page.locator('#rec-bulk-accept').textContent()).toBe('Accept selected (2)');
    await page.click('#rec-bulk-accept');
    for (const id of picked) {
      await poll(() => page.locator(`#rec-list article[data-recommendation-id="${id}"]`).getAttribute('data-status')).toMatch(/^(ACCEPTED|ORDERED)$/);
      expect(['ACCEPTED', 'ORDERED']).toContain((await recommendation(id)).status);
    }
    expect(await page.locator('#rec-message').textContent()).toMatch(/^Accepted 2 as \d purchase order/);

    // The purchase plan of what is left, with the API's totals; accept one supplier's order of it.
    const plan = await call<{
      plans: Array<{ supplierCode: string; locationCode: string; lines: Array<{ recommendationId: string }> }>;
      totals: { plans: number };
    }>(analyticsUrl, 'GET', '/api/recommendations?type=BULK_PURCHASE&limit=50', keys.purchasing);
    await page.click('#plan-show');
    // Reorders are left after the accepts above (the seeded demo leaves more than four).
    expect(plan.body.plans.length).toBeGreaterThan(0);
    await poll(() => page.locator('#plan-area section.plan').count()).toBe(plan.body.plans.length);
    expect(await page.locator('#plan-totals').textContent()).toContain(`${plan.body.totals.plans} order(s)`);
    const first = plan.body.plans[0]!;
    await page
      .locator(`#plan-area section.plan[data-supplier="${first.supplierCode}"][data-location="${first.locationCode}"]`)
      .getByRole('button', { name: /Accept this order/ })
      .click();
    await poll(() => page.locator('#rec-message').textContent()).toMatch(/^Plan accepted: 1 purchase order/);
    for (const line of first.lines) expect(['ACCEPTED', 'ORDERED']).toContain((await recommendation(line.recommendationId)).status);

    // The rejected ones, by the status filter; then the product of the one rejected above: stock per location, the chart, the model.
    await page.selectOption('#rec-filter-type', '');
    await page.selectOption('#rec-filter-status', 'REJECTED');
    await page.click('#rec-filters button[type="submit"]');
    await poll(() => page.locator('#rec-list article').count()).toBe(1);
    const rejectedCard = page.locator(`#rec-list article[data-recommendation-id="${otherId}"]`);
    expect(await rejectedCard.textContent()).toContain('Rejected: kept for the spring promotion');
    await rejectedCard.getByRole('link', { name: new RegExp(rejected.sku) }).click();
    await poll(() => page.locator('body').getAttribute('data-chart')).toBe('drawn');
    const forecast = await call<{ modelUsed: string }>(analyticsUrl, 'GET', `/api/forecast/${rejected.sku}`, keys.purchasing);
    expect(forecast.status).toBe(200);
    expect(await page.locator('#product-model [data-field="model"]').textContent()).toBe(forecast.body.modelUsed);
    expect(await page.locator('#product-chart canvas').count()).toBe(1);
    expect(await page.locator('#product-stock tbody tr').count()).toBe(4);
    expect(page.url()).toContain(`#/product/${rejected.sku}`);
    await checkView(page, 'product');
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('pages a tenant of more than 1,000 positions past the first 1,000, and live changes reach a row there', async () => {
    await seedDemo(operational.models, BIG_TENANT, { seed: 5, products: 300, days: 10, endDay: yesterday() });
    keys.bigWarehouse = (await issueApiKey(operational.models, BIG_TENANT, 'big warehouse', ['warehouse'])).key;
    // The API's positions 1,001–1,100, read 200 at a time.
    const all: Array<{ sku: string; locationCode: string; onHand: number }> = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: typeof all; nextCursor: string | null } } = await call(
        operational.url,
        'GET',
        `/api/stock/current?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        keys.bigWarehouse,
      );
      all.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(all.length).toBeGreaterThan(1_000);

    const { page, errors } = await openPage(keys.bigWarehouse);
    // By keyboard: the view links are ordinary links.
    await page.locator('nav a[data-view="stock"]').focus();
    await page.keyboard.press('Enter');
    await poll(() => page.locator('#stock-rows tr').count()).toBe(100);
    for (let p = 2; p <= 11; p += 1) {
      await page.click('#page-next');
      await poll(() => page.locator('body').getAttribute('data-stock-page')).toBe(String(p));
    }
    expect(await page.locator('#page-info').textContent()).toContain('1,001');
    const rows = page.locator('#stock-rows tr');
    expect(await rows.count()).toBe(Math.min(100, all.length - 1_000));
    const first = all[1_000]!;
    expect(await rows.first().getAttribute('data-sku')).toBe(first.sku);
    expect(await rows.first().getAttribute('data-location')).toBe(first.locationCode);
    await checkView(page, 'stock');

    const adjusted = await call(operational.url, 'POST', '/api/stock/adjustment', keys.bigWarehouse, {
      sku: first.sku,
      locationCode: first.locationCode,
      quantity: 13,
      reason: 'found on a pallet',
    });
    expect(adjusted.status).toBe(201);
    await poll(() => rows.first().locator('[data-field="onHand"]').textContent()).toBe((first.onHand + 13).toLocaleString('en-US'));
    await page.click('#page-prev');
    await poll(() => page.locator('body').getAttribute('data-stock-page')).toBe('10');
    expect(await rows.first().getAttribute('data-sku')).toBe(all[900]!.sku);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('alerts: an emptied shelf raises a CRITICAL alert; acknowledged in the page (stored), resolved elsewhere and the card follows live; the warehouse gets no buttons', async () => {
    // A count finds the busiest shelf empty; the next planning run raises a stock-out alert for it.
    const stock = await call<{ items: Array<{ sku: string; locationCode: string; onHand: number }> }>(
      operational.url,
      'GET',
      '/api/stock/current?limit=200',
      keys.warehouse,
    );
    const busiest = [...stock.body.items].sort((a, b) => b.onHand - a.onHand)[0]!;
    expect(busiest.onHand).toBeGreaterThan(0);
    const emptied = await call(operational.url, 'POST', '/api/stock/adjustment', keys.warehouse, {
      sku: busiest.sku,
      locationCode: busiest.locationCode,
      quantity: -busiest.onHand,
      reason: 'cycle count: shelf empty',
    });
    expect(emptied.status).toBe(201);
    await cdc.caughtUp(client, OP_DB, TENANT, 120_000);
    const queued = await call<{ runId: string }>(analyticsUrl, 'POST', '/api/planning/runs', keys.planner, {});
    expect(queued.status).toBe(202);
    await eventually('the second planning run', async () => {
      const run = PlanningRunSchema.parse((await call<unknown>(analyticsUrl, 'GET', `/api/planning/runs/${queued.body.runId}`, keys.planner)).body);
      expect(run.status).not.toBe('failed');
      return run.status === 'completed' ? run : undefined;
    });
    const activeOf = async (path: string) => AlertListSchema.parse((await call<unknown>(analyticsUrl, 'GET', path, keys.purchasing)).body).items;
    const [alert] = await activeOf(`/api/alerts/active?type=STOCKOUT_PREDICTED&sku=${busiest.sku}&locationCode=${busiest.locationCode}`);
    expect(alert, 'no stock-out alert for the emptied shelf').toBeDefined();
    expect(alert!.status).toBe('ACTIVE');
    const open = await activeOf('/api/alerts/active?limit=200');

    const { page, errors } = await openPage(keys.purchasing);
    await page.click('nav a[data-view="alerts"]');
    await poll(() => page.locator('#alert-list article').count()).toBe(open.length);
    expect(await page.locator('#alert-count').textContent()).toBe(`${open.length} open`);
    // Most severe first.
    const severities = await page.locator('#alert-list article .rec-head .pill').allTextContents();
    const rank = (s: string) => ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].indexOf(s);
    expect(severities.map(rank)).toEqual([...severities.map(rank)].sort((a, b) => a - b));
    const card = page.locator(`#alert-list article[data-alert-id="${alert!.id}"]`);
    expect(await card.locator('h3').textContent()).toBe(alert!.title);
    expect(await card.textContent()).toContain(alert!.description);
    expect(await card.textContent()).toContain(alert!.suggestedAction);
    expect(await card.textContent()).toContain(`${alert!.impact.units.toLocaleString('en-US')} units`);
    if (alert!.recommendationId) {
      expect(await card.locator('a.alert-recommendation').getAttribute('href')).toBe(`#/recommendations/${alert!.recommendationId}`);
    }
    // Filter by severity: exactly the API's CRITICAL ones.
    await page.selectOption('#alert-filter-severity', 'CRITICAL');
    await page.click('#alert-filters button[type="submit"]');
    await poll(() => page.locator('#alert-list article').count()).toBe(open.filter((a) => a.severity === 'CRITICAL').length);
    await page.selectOption('#alert-filter-severity', '');
    await page.click('#alert-filters button[type="submit"]');
    await poll(() => page.locator('#alert-list article').count()).toBe(open.length);
    await checkView(page, 'alerts');

    // Acknowledge with a note, by keyboard: the card and the stored alert say ACKNOWLEDGED.
    await card.locator(`#alert-note-${alert!.id}`).fill('seen, ordering today');
    await card.getByRole('button', { name: 'Acknowledge' }).focus();
    await page.keyboard.press('Enter');
    await poll(() => card.getAttribute('data-status')).toBe('ACKNOWLEDGED');
    const [stored] = await activeOf(`/api/alerts/active?type=STOCKOUT_PREDICTED&sku=${busiest.sku}&locationCode=${busiest.locationCode}`);
    expect(stored).toMatchObject({ id: alert!.id, status: 'ACKNOWLEDGED', acknowledgedBy: { kind: 'user', name: 'purchasing desk' } });
    expect(await card.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

    // The planner resolves it through the API: the card follows live (alert:resolved), no reload.
    const resolved = await call(analyticsUrl, 'POST', `/api/alerts/${alert!.id}/resolve`, keys.planner, { note: 'order placed' });
    expect(resolved.status).toBe(200);
    await poll(() => card.getAttribute('data-status')).toBe('RESOLVED');
    expect(await card.locator('button').count()).toBe(0);
    // The history holds it, resolved, with who did it and the note.
    await page.click('#alert-tab-history');
    const inHistory = page.locator(`#alert-list article[data-alert-id="${alert!.id}"]`);
    await poll(() => inHistory.getAttribute('data-status')).toBe('RESOLVED');
    expect(await inHistory.textContent()).toContain('Resolved by planner desk');
    expect(await inHistory.textContent()).toContain('order placed');
    expect(errors).toEqual([]);
    await page.close();

    // A warehouse key reads the alerts but is offered no action on them (the API would answer 403).
    const warehouse = await openPage(keys.warehouse);
    await warehouse.page.click('nav a[data-view="alerts"]');
    await poll(() => warehouse.page.locator('#alert-list article').count()).toBe(open.length - 1);
    expect(await warehouse.page.locator('#alert-list button').count()).toBe(0);
    expect.soft(await seriousA11yViolations(warehouse.page), "accessibility of the warehouse's alerts view").toEqual([]);
    expect(warehouse.errors).toEqual([]);
    await warehouse.page.close();
  }, 240_000);

  it('receiving: finds a purchase order by its number, receives part of a line then the rest; on hand rises by exactly that (API)', async () => {
    const listed = PurchaseOrderPageSchema.parse(
      (await call<unknown>(operational.url, 'GET', '/api/orders/purchase?status=ordered&limit=100', keys.warehouse)).body,
    ).items;
    const order = listed.find((o) => o.lines[0]!.quantity >= 2);
    expect(order, 'no placed purchase order to receive').toBeDefined();
    const line = order!.lines[0]!;
    const onHand = async () => {
      const res = await call<{ locations: Array<{ locationCode: string; onHand: number }> }>(
        operational.url,
        'GET',
        `/api/products/${line.sku}/stock`,
        keys.warehouse,
      );
      return res.body.locations.find((p) => p.locationCode === order!.locationCode)?.onHand ?? 0;
    };
    const before = await onHand();
    const sameSku = order!.lines.filter((l) => l.sku === line.sku).reduce((sum, l) => sum + l.quantity, 0);

    const { page, errors } = await openPage(keys.warehouse);
    await page.locator('nav a[data-view="receiving"]').focus();
    await page.keyboard.press('Enter');
    await poll(() => page.locator(`#receiving-awaiting-table tr[data-po-number="${order!.poNumber}"]`).count()).toBe(1);
    // Typed as on the delivery note, in lower case: the lookup finds it all the same.
    await page.fill('#receiving-po-number', order!.poNumber.toLowerCase());
    await page.keyboard.press('Enter');
    const panel = page.locator(`#receiving-order section[data-po-number="${order!.poNumber}"]`);
    await poll(() => panel.getAttribute('data-status')).toBe('ordered');
    expect(await panel.locator('tbody tr').count()).toBe(order!.lines.length);

    // A partial delivery: half of the first line, nothing of the others.
    const part = Math.floor(line.quantity / 2);
    for (const other of order!.lines) await page.fill(`#receive-line-${other.line}`, other.line === line.line ? String(part) : '0');
    await page.click('#receiving-confirm');
    await poll(() => panel.getAttribute('data-status')).toBe('partiallyReceived');
    expect(await onHand()).toBe(before + part);
    const row = panel.locator(`tbody tr[data-line="${line.line}"]`);
    expect(await row.locator('[data-field="received"]').textContent()).toBe(part.toLocaleString('en-US'));
    expect(await row.locator('[data-field="stock"]').textContent()).toBe(`${before.toLocaleString('en-US')} → ${(before + part).toLocaleString('en-US')}`);
    const stored = PurchaseOrderSchema.parse((await call<unknown>(operational.url, 'GET', `/api/orders/purchase/${order!.id}`, keys.warehouse)).body);
    expect(stored.lines.find((l) => l.line === line.line)!.receivedQuantity).toBe(part);

    // The rest: the open quantities are filled in; confirm receives them all.
    expect(await page.inputValue(`#receive-line-${line.line}`)).toBe(String(line.quantity - part));
    await page.click('#receiving-confirm');
    await poll(() => panel.getAttribute('data-status')).toBe('received');
    expect(await onHand()).toBe(before + sameSku);
    expect(await page.locator('#receiving-message').textContent()).toContain('now received');
    expect(await page.locator(`#receiving-awaiting-table tr[data-po-number="${order!.poNumber}"]`).count()).toBe(0);
    await checkView(page, 'receiving');
    // Over-receipt is refused in the one error shape, shown as it is.
    const over = await call<{ code: string }>(operational.url, 'PUT', `/api/orders/purchase/${order!.id}/receive`, keys.warehouse, {
      lines: [{ line: line.line, quantity: 1 }],
    });
    expect(over.status).toBeGreaterThanOrEqual(400);
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it("planner: the what-if form's answer is the API's, baseline against scenario; a warehouse key gets no form", async () => {
    const pending = RecommendationListSchema.parse(
      (await call<unknown>(analyticsUrl, 'GET', '/api/recommendations?status=PENDING&type=REORDER&limit=50', keys.planner)).body,
    ).items;
    const skus = [...new Set(pending.map((r) => r.sku))].slice(0, 2);
    expect(skus.length).toBeGreaterThan(0);
    const { page, errors } = await openPage(keys.planner);
    await page.click('nav a[data-view="planner"]');
    await page.selectOption('#whatif-type', 'demandChange');
    await page.fill('#whatif-percentage', '100');
    const from = await page.inputValue('#whatif-from');
    const to = await page.inputValue('#whatif-to');
    await page.fill('#whatif-skus', skus.join(', '));
    await page.click('#whatif-run');
    await poll(() => page.locator('#whatif-totals').count()).toBe(1);
    const body = { scenario: { type: 'demandChange', percentage: 100, from, to }, products: { skus }, horizon: 28 };
    const answer = await call<{
      total: Record<'baseline' | 'scenario', { demand: number; unitsShort: number; stockNeededCost: number }>;
      products: Array<{ sku: string }>;
    }>(analyticsUrl, 'POST', '/api/analysis/whatif', keys.planner, body);
    expect(answer.status).toBe(200);
    const cell = (field: string, which: string) => page.locator(`#whatif-totals tr[data-field="${field}"] [data-value="${which}"]`).textContent();
    const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
    expect(await cell('demand', 'baseline')).toBe(num(answer.body.total.baseline.demand));
    expect(await cell('demand', 'scenario')).toBe(num(answer.body.total.scenario.demand));
    // Doubled demand over part of the horizon: more demand than the baseline.
    expect(answer.body.total.scenario.demand).toBeGreaterThan(answer.body.total.baseline.demand);
    expect(await cell('stockNeededCost', 'scenario')).toBe(
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(answer.body.total.scenario.stockNeededCost),
    );
    expect(await page.locator('#whatif-products tbody tr').count()).toBe(answer.body.products.length);
    await checkView(page, 'planner');
    // A bad scenario: the API's 400 message, as it says it.
    await page.selectOption('#whatif-type', 'supplierDelay');
    await page.fill('#whatif-supplier', 'NO-SUCH-SUPPLIER');
    await page.click('#whatif-run');
    await poll(() => page.locator('#whatif-result .notice-error').count()).toBe(1);
    expect(await page.locator('#whatif-result .notice-error').textContent()).toContain('NO-SUCH-SUPPLIER');
    expect(errors).toEqual([]);
    await page.close();

    const warehouse = await openPage(keys.warehouse);
    await warehouse.page.click('nav a[data-view="planner"]');
    expect(await warehouse.page.locator('#whatif-form').count()).toBe(0);
    expect(await warehouse.page.locator('#view-planner').textContent()).toContain('cannot run it');
    expect.soft(await seriousA11yViolations(warehouse.page), "accessibility of the warehouse's planner view").toEqual([]);
    await warehouse.page.close();
  }, 120_000);
});
