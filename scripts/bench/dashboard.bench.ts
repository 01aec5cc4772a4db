/**
 * Dashboard read latency at scale (issue 16: `GET /api/dashboard/summary`
 * p99 < 50 ms at 100,000 SKU × location pairs).
 *
 *   pnpm bench:dashboard [--pairs 10000,100000] [--requests 300] [--fact-days 2]
 *
 * Per scale, seeds into embedded-mongo (its own process) what the dashboard
 * reads for one tenant — catalog, supplier links, stock rows (5 locations per
 * SKU), `--fact-days` daily facts per pair, pending recommendations for about
 * half of the pairs (as a first planning run leaves them), alerts for a fifth,
 * 2,000 purchase orders — plus a second tenant of a tenth the size, times the
 * summary's refresh (what the refresher does after a planning run) and the
 * live computation, then sends `--requests` sequential requests to each route
 * over real HTTP to the analytics app and reports p50/p99.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createAnalyticsApp } from '@icc/service-analytics';
import { DASHBOARD_COLLECTIONS, ensureAnalyticsIndexes, FACT_COLLECTIONS, PLANNING_COLLECTIONS, refreshDashboardSummary } from '@icc/service-analytics/testing';
import { addUtcDays, generateApiKey, hashApiKey, utcDayKey, type RateLimitSettings } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import { startEngineProcess } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, nowMicros, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values } = parseArgs({
  options: { pairs: { type: 'string', default: '10000,100000' }, requests: { type: 'string', default: '300' }, 'fact-days': { type: 'string', default: '2' } },
});
const SCALES = values.pairs.split(',').map(Number);
const REQUESTS = Number(values.requests);
const FACT_DAYS = Number(values['fact-days']);
const LOCATIONS = 5;
const NOW = new Date();
const TODAY = utcDayKey(NOW);
const log = (line: string) => process.stderr.write(`${line}\n`);
const UNLIMITED: RateLimitSettings = {
  keyPerSecond: 1e6,
  keyBurst: 1e6,
  tenantPerSecond: 1e6,
  tenantBurst: 1e6,
  authFailuresPerMinute: 1e6,
  tenantHeavyPerSecond: 1e6,
  tenantHeavyInFlight: 1e6,
};

async function insertInChunks(db: Db, collection: string, docs: Iterable<Record<string, unknown>>): Promise<void> {
  let batch: Record<string, unknown>[] = [];
  for (const doc of docs) {
    batch.push(doc);
    if (batch.length === 5_000) {
      await db.collection(collection).insertMany(batch, { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await db.collection(collection).insertMany(batch, { ordered: false });
}

function* range<T>(n: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i += 1) yield make(i);
}

const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
const ALERT_STATUSES = ['ACTIVE', 'ACTIVE', 'ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'] as const;
const ALERT_TYPES = ['STOCKOUT_PREDICTED', 'STOCKOUT_PREDICTED', 'OVERSTOCK', 'UNUSUAL_DEMAND', 'SUPPLIER_LATE', 'FORECAST_DEGRADED'] as const;

const REASONING = [
  'Position 42 (on hand 40, reserved 3, in transit 5, open orders 0) is below the reorder point 57.3',
  'Demand over the lead time 8.4 d: mean 48.2, σ 9.1 (forecast seasonal-naive of 2026-03-09, 80 % interval)',
  'Safety stock 12.6 = k 1.38 × σ 9.1 for a fill rate of 0.95 (class B); order up to 96.4',
  'Supplier SUP-1: landed 4.31/unit (price 4.00, ordering 0.21, holding 0.10); SUP-4 4.52/unit',
];
const POLICY = {
  reorderPoint: 57.3,
  orderUpTo: 96.4,
  safetyStock: 12.6,
  leadTimeDays: 8.4,
  leadTimeStdDays: 1.2,
  serviceLevel: 0.95,
  strategy: 'FORECAST_BASED',
  abcClass: 'B',
  demandOverLeadTime: 48.2,
  sigmaOverLeadTime: 9.1,
};

/** One tenant of `pairs` SKU × location pairs (5 locations per SKU). */
async function seedTenant(db: Db, tenantId: string, pairs: number): Promise<void> {
  const skus = Math.ceil(pairs / LOCATIONS);
  const sku = (i: number) => `SKU-${String(i).padStart(6, '0')}`;
  const location = (k: number) => `WH-${(k % LOCATIONS) + 1}`;
  const at = new Date(NOW.getTime() - 86_400_000);
  await insertInChunks(
    db,
    FACT_COLLECTIONS.productsMirror,
    range(skus, (i) => ({
      _id: `${tenantId}:${sku(i)}`,
      sourceId: `${tenantId}p${i}`,
      tenantId,
      sku: sku(i),
      name: `Product ${i}`,
      category: 'bench',
      status: 'active',
      price: 10 + (i % 50),
      reorderPoint: 10,
      safetyStock: 5 + (i % 20),
      leadTimeDays: 7,
      updatedAt: at,
    })),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.productSuppliersMirror,
    range(skus, (i) => ({
      _id: `${tenantId}:SUP-${i % 10}:${sku(i)}`,
      sourceId: `${tenantId}ps${i}`,
      tenantId,
      supplierCode: `SUP-${i % 10}`,
      sku: sku(i),
      unitCost: 4 + (i % 7),
      minimumOrderQuantity: 1,
      packSize: 1,
      leadTimeDays: null,
      preferred: true,
      updatedAt: at,
    })),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.stockReadModel,
    range(pairs, (k) => {
      const onHand = (k * 37) % 400;
      return {
        _id: `${tenantId}:${sku(Math.floor(k / LOCATIONS))}:${location(k)}`,
        sourceId: `${tenantId}st${k}`,
        tenantId,
        sku: sku(Math.floor(k / LOCATIONS)),
        locationCode: location(k),
        onHand,
        reserved: onHand % 7,
        available: onHand - (onHand % 7),
        onOrder: 0,
        inTransit: 0,
        damaged: 0,
        reorderPoint: 10,
        lowStock: onHand - (onHand % 7) < 10,
        updatedAt: at,
      };
    }),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.dailySalesFacts,
    range(pairs * FACT_DAYS, (n) => {
      const k = Math.floor(n / FACT_DAYS);
      const day = addUtcDays(TODAY, -1 - 7 * (n % FACT_DAYS));
      const q = (n * 13) % 9;
      return {
        _id: `${tenantId}:${sku(Math.floor(k / LOCATIONS))}:${location(k)}:${day}`,
        tenantId,
        sku: sku(Math.floor(k / LOCATIONS)),
        locationCode: location(k),
        day,
        quantityDemanded: q,
        quantitySold: k % 6 === 0 ? 0 : q,
        quantityReturned: 0,
        quantityUnfulfilled: q % 4 === 3 ? 1 : 0,
        revenue: q * 10,
        orders: 1,
        campaignActive: false,
        stockOut: n % 23 === 0,
        endOfDayOnHand: 0,
        stockEvents: 0,
      };
    }),
  );
  // About half the pairs have a PENDING recommendation (a first planning run at 100,000 pairs left 46,281), some accepted or expired.
  await insertInChunks(
    db,
    PLANNING_COLLECTIONS.recommendations,
    range(Math.floor(pairs * 0.55), (n) => {
      const k = Math.floor(n / 0.55);
      const type = n % 10 < 7 ? 'REORDER' : n % 10 < 9 ? 'EXCESS_STOCK' : 'TRANSFER';
      return {
        _id: `${tenantId}-rec-${n}`,
        tenantId,
        type,
        status: n % 11 === 0 ? 'EXPIRED' : 'PENDING',
        priority: PRIORITIES[n % 4],
        sku: sku(Math.floor(k / LOCATIONS)),
        productName: `Product ${Math.floor(k / LOCATIONS)}`,
        locationCode: location(k),
        fromLocationCode: type === 'TRANSFER' ? location(k + 1) : null,
        currentPosition: 10,
        predictedDemand: { leadTime: 10, days7: 10, days14: 20 },
        quantity: 10 + (n % 90),
        supplierCode: type === 'REORDER' ? 'SUP-1' : null,
        supplierName: null,
        supplierReason: null,
        unitCost: 4,
        orderByDate: type === 'REORDER' ? addUtcDays(TODAY, n % 14) : null,
        expectedArrivalDate: null,
        stockoutDate: null,
        cost: (n * 7) % 5_000,
        savingsPotential: (n * 3) % 700,
        confidence: 0.5,
        action: `Order ${10 + (n % 90)} units of ${sku(Math.floor(k / LOCATIONS))} from Supplier 1 for ${location(k)} by ${addUtcDays(TODAY, n % 14)}`,
        // As large as a planning run's: four sentences of reasoning and the policy's numbers.
        reasoning: REASONING,
        policy: POLICY,
        runId: 'plan-bench',
        expiresAt: new Date(NOW.getTime() + 86_400_000),
        createdAt: at,
        updatedAt: at,
        actionedAt: null,
        actionedBy: null,
        rejectionReason: null,
        accepted: null,
        purchaseOrder: null,
        supersededBy: null,
      };
    }),
  );
  await insertInChunks(
    db,
    PLANNING_COLLECTIONS.planningAlerts,
    range(Math.floor(pairs / 5), (n) => {
      const k = n * 5;
      const type = ALERT_TYPES[n % ALERT_TYPES.length]!;
      return {
        _id: `${tenantId}-alert-${n}`,
        tenantId,
        type,
        severity: SEVERITIES[n % 4],
        severityRule: 'bench',
        status: ALERT_STATUSES[n % ALERT_STATUSES.length],
        sku: sku(Math.floor(k / LOCATIONS)),
        productName: `Product ${Math.floor(k / LOCATIONS)}`,
        locationCode: location(k),
        title: 'bench',
        description: 'bench',
        predictedDate: type === 'STOCKOUT_PREDICTED' ? addUtcDays(TODAY, n % 20) : null,
        impact: { units: n % 100, value: (n * 11) % 10_000 },
        suggestedAction: 'bench',
        recommendationId: null,
        purchaseOrder: null,
        runId: 'plan-bench',
        lastSeenRunId: 'plan-bench',
        createdAt: at,
        updatedAt: at,
        acknowledgedAt: null,
        acknowledgedBy: null,
        resolvedAt: null,
        resolvedBy: null,
        note: null,
      };
    }),
  );
  const statuses = ['draft', 'ordered', 'partiallyReceived', 'received', 'cancelled'];
  await insertInChunks(
    db,
    FACT_COLLECTIONS.purchaseOrdersMirror,
    range(Math.min(2_000, Math.ceil(pairs / 50)), (n) => ({
      _id: `${tenantId}-po-${n}`,
      sourceId: `${tenantId}-po-${n}`,
      tenantId,
      poNumber: `PO-${n}`,
      supplierCode: `SUP-${n % 10}`,
      locationCode: location(n),
      status: statuses[n % statuses.length],
      expectedDate: new Date(NOW.getTime() + ((n % 21) - 10) * 86_400_000),
      orderedAt: at,
      receivedAt: null,
      lastReceivedAt: null,
      source: { type: 'manual', id: null },
      lines: [{ line: 1, sku: sku(n), quantity: 50, unitCost: 4, receivedQuantity: 0, openQuantity: 50 }],
      createdAt: at,
      updatedAt: at,
    })),
  );
}

async function measure(url: string, key: string): Promise<ReturnType<typeof percentiles>> {
  // A few unmeasured requests first: connection set-up and first-call compilation.
  for (let i = 0; i < 10; i += 1) await (await fetch(url, { headers: { 'x-api-key': key } })).arrayBuffer();
  const histogram = latencyHistogram();
  for (let i = 0; i < REQUESTS; i += 1) {
    const t0 = nowMicros();
    const res = await fetch(url, { headers: { 'x-api-key': key } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    histogram.recordValue(Math.max(1, nowMicros() - t0));
  }
  const result = percentiles(histogram);
  histogram.destroy();
  return result;
}

const engine = await startEngineProcess();
const client = await MongoClient.connect(engine.uri);
const lines: string[] = [];
try {
  for (const pairs of SCALES) {
    const analytics = client.db(`bench_dashboard_${pairs}`);
    const operational = client.db(`bench_dashboard_op_${pairs}`);
    await ensureAnalyticsIndexes(analytics);
    const seedStart = Date.now();
    await seedTenant(analytics, 'bench', pairs);
    await seedTenant(analytics, 'other', Math.ceil(pairs / 10));
    log(`${pairs} pairs: seeded in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const key = generateApiKey();
    await operational.collection('apiKeys').insertOne({
      tenantId: 'bench',
      name: 'bench',
      roles: ['purchasing'],
      keyHash: hashApiKey(key),
      prefix: key.slice(0, 10),
      createdAt: NOW,
      updatedAt: NOW,
    });
    const app = await createAnalyticsApp({ analytics, operational, limits: UNLIMITED });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      // Before any refresh the route computes live: the cost the stored summary saves.
      const liveStart = Date.now();
      const live = (await (await fetch(`${base}/api/dashboard/summary`, { headers: { 'x-api-key': key } })).json()) as { source: string };
      const liveMs = Date.now() - liveStart;
      const refreshStart = Date.now();
      await refreshDashboardSummary(analytics, 'bench', new Date());
      const refreshMs = Date.now() - refreshStart;
      const slowRows = await analytics.collection(DASHBOARD_COLLECTIONS.dashboardSlowMoving).countDocuments({ tenantId: 'bench' });
      log(`${pairs} pairs: live summary (${live.source}) ${liveMs} ms; refresh (summary + ${slowRows} slow-moving rows) ${refreshMs} ms`);
      const summary = await measure(`${base}/api/dashboard/summary`, key);
      const details = await measure(`${base}/api/dashboard/details`, key);
      const details100 = await measure(`${base}/api/dashboard/details?limit=100&slowMovingDays=7`, key);
      const row = `${pairs} pairs: summary p50 ${summary.p50} ms p99 ${summary.p99} ms; details (limit 10) p50 ${details.p50} ms p99 ${details.p99} ms; details (limit 100) p50 ${details100.p50} ms p99 ${details100.p99} ms; live summary ${liveMs} ms, refresh ${refreshMs} ms (${REQUESTS} sequential requests each, HTTP)`;
      log(row);
      lines.push(row);
    } finally {
      await app.close();
      await analytics.dropDatabase();
      await operational.dropDatabase();
    }
  }
  process.stdout.write(`${describeMachine()}\n${lines.join('\n')}\n`);
} finally {
  await client.close();
  await engine.stop();
}
