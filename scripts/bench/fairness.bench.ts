/**
 * Fairness between tenants: does one tenant hammering the heaviest reads slow another's work?
 *
 *   pnpm bench:fairness [--seconds 15] [--clients 8] [--rate 20] [--positions 20000] [--fact-skus 300] [--no-limits] [--heavy both|availability|seasonality] [--json]
 *
 * embedded-mongo, the operational service and the analytics service each run in their own
 * process (the services through src/main.ts, with their default RATE_LIMIT_* values unless
 * --no-limits raises them out of reach). Tenant A has `--positions` stock positions and a year of
 * daily sales facts for `--fact-skus` SKUs; tenant B a small catalog. B takes orders (created and
 * confirmed in one request) and reads products at a steady `--rate` per second, open loop (a
 * request is sent on schedule whatever the previous one is doing), first alone, then while
 * `--clients` clients of A (spread over three keys) send, back to back, the heaviest reads both
 * services offer at their largest allowed page: `GET /api/stock/availability?limit=200` and
 * `GET /api/internal/analytics/seasonality-data?limit=100`. Reported: B's p50/p99 unloaded and
 * loaded, their ratio (target: loaded p99 within 3× of unloaded), and A's answers by status.
 */
import { parseArgs } from 'node:util';
import { recomputeFeatures } from '@icc/service-analytics/testing';
import { ensureTenant, issueApiKey, registerModels } from '@icc/service-operational';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { startChild, startEngineProcess, startOperationalProcess } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, nowMicros, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    clients: { type: 'string', default: '8' },
    rate: { type: 'string', default: '20' },
    positions: { type: 'string', default: '20000' },
    'fact-skus': { type: 'string', default: '300' },
    'no-limits': { type: 'boolean', default: false },
    /** Which heavy reads A sends: `both`, `availability` or `seasonality`. */
    heavy: { type: 'string', default: 'both' },
    json: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(flags.seconds);
const CLIENTS = Number(flags.clients);
const RATE = Number(flags.rate);
const POSITIONS = Number(flags.positions);
const FACT_SKUS = Number(flags['fact-skus']);
const [A, B] = ['tenant-a', 'tenant-b'];
const B_SKUS = 50;
const OPERATIONAL_DB = 'icc_operational';
const ANALYTICS_DB = 'icc_analytics';
const progress = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NO_LIMITS = Object.fromEntries(
  ['KEY_PER_SECOND', 'KEY_BURST', 'TENANT_PER_SECOND', 'TENANT_BURST', 'AUTH_FAILURES_PER_MINUTE', 'TENANT_HEAVY_PER_SECOND', 'TENANT_HEAVY_IN_FLIGHT'].map(
    (name) => [`RATE_LIMIT_${name}`, '1000000'],
  ),
);

function product(tenantId: string, sku: string, now: Date) {
  return {
    tenantId,
    sku,
    name: sku,
    category: 'c',
    unit: 'each',
    price: 10,
    cost: 5,
    reorderPoint: 20,
    safetyStock: 5,
    leadTimeDays: 7,
    attributes: {},
    status: 'active',
    createdAt: now,
    updatedAt: now,
  };
}

function position(tenantId: string, sku: string, locationCode: string, onHand: number, now: Date) {
  const base = { tenantId, sku, locationCode, onHand, reserved: 0, available: onHand, onOrder: 0, inTransit: 0, damaged: 0 };
  return { ...base, reorderPoint: 20, lowStock: onHand < 20, updatedAt: now };
}

/** Both tenants straight through the driver (what is measured is the requests), with their keys. */
async function seed(uri: string): Promise<{ keysA: string[]; keyB: string }> {
  const connection = await mongoose.createConnection(uri, { dbName: OPERATIONAL_DB }).asPromise();
  const models = registerModels(connection);
  const now = new Date();
  for (const [tenant, name] of [
    [A, 'Heavy Reader Co'],
    [B, 'Steady Orders Co'],
  ] as const) {
    await ensureTenant(models, tenant, name);
    await models.Location.collection.insertOne({
      tenantId: tenant,
      code: 'WH',
      name: 'WH',
      type: 'warehouse',
      timeZone: 'UTC',
      attributes: {},
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
  }
  await models.Customer.collection.insertOne({ tenantId: B, code: 'C1', name: 'C1', segment: 'retail', attributes: {}, createdAt: now, updatedAt: now });
  const skusB = Array.from({ length: B_SKUS }, (_, i) => `B-${String(i).padStart(3, '0')}`);
  await models.Product.collection.insertMany(skusB.map((sku) => product(B, sku, now)));
  await models.StockPosition.collection.insertMany(skusB.map((sku) => position(B, sku, 'WH', 1_000_000, now)));
  for (let start = 0; start < POSITIONS; start += 10_000) {
    const skus = Array.from({ length: Math.min(10_000, POSITIONS - start) }, (_, k) => `A-${String(start + k).padStart(7, '0')}`);
    await models.Product.collection.insertMany(
      skus.map((sku) => product(A, sku, now)),
      { ordered: false },
    );
    await models.StockPosition.collection.insertMany(
      skus.map((sku, k) => position(A, sku, 'WH', (start + k) % 20 === 0 ? 5 : 100, now)),
      { ordered: false },
    );
  }
  const keysA = [];
  for (let i = 0; i < 3; i++) keysA.push((await issueApiKey(models, A, `reader ${i}`, ['admin'])).key);
  const keyB = (await issueApiKey(models, B, 'order desk', ['admin'])).key;
  await connection.close();
  return { keysA, keyB };
}

/** A year of daily sales facts for tenant A's first FACT_SKUS SKUs and their features, as the pipeline would have written them. */
async function seedFacts(uri: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  const facts = client.db(ANALYTICS_DB).collection('dailySalesFacts');
  const start = Date.UTC(2025, 0, 1);
  for (let s = 0; s < FACT_SKUS; s += 20) {
    const rows = [];
    for (let k = s; k < Math.min(s + 20, FACT_SKUS); k++) {
      const sku = `A-${String(k).padStart(7, '0')}`;
      for (let d = 0; d < 365; d++) {
        const day = new Date(start + d * 86_400_000).toISOString().slice(0, 10);
        const quantity = 1 + ((k + d) % 7);
        rows.push({
          _id: `${A}:${sku}:WH:${day}`,
          tenantId: A,
          sku,
          locationCode: 'WH',
          day,
          quantityDemanded: quantity,
          quantitySold: quantity,
          quantityReturned: 0,
          quantityUnfulfilled: 0,
          revenue: quantity * 10,
          orders: 1,
          campaignActive: false,
          stockOut: false,
          endOfDayOnHand: 100,
        });
      }
    }
    await facts.insertMany(rows as never[], { ordered: false });
  }
  // The feature store's per-SKU histories (what seasonality reads), as the feature worker would keep them.
  const skus = Array.from({ length: FACT_SKUS }, (_, k) => `A-${String(k).padStart(7, '0')}`);
  await recomputeFeatures(
    client.db(ANALYTICS_DB),
    skus.map((sku) => ({ tenantId: A, sku, fromDay: '2025-01-01' })),
  );
  await client.close();
}

/** Tenant B's steady work for `seconds`, open loop: an order, then a product read, alternately. */
async function steadyTenant(operationalUrl: string, key: string, seconds: number) {
  const histogram = latencyHistogram();
  const failures: Record<string, number> = {};
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round(seconds * RATE);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const sku = `B-${String(i % B_SKUS).padStart(3, '0')}`;
    const request =
      i % 2 === 0
        ? fetch(`${operationalUrl}/api/orders/sales`, {
            method: 'POST',
            headers: { 'x-api-key': key, 'content-type': 'application/json' },
            body: JSON.stringify({ customerCode: 'C1', locationCode: 'WH', lines: [{ sku, quantity: 1 }], confirm: true }),
          })
        : fetch(`${operationalUrl}/api/products/${sku}`, { headers: { 'x-api-key': key } });
    const t0 = nowMicros();
    pending.push(
      request.then(async (response) => {
        await response.arrayBuffer();
        histogram.recordValue(Math.max(1, nowMicros() - t0));
        if (response.status >= 300) failures[response.status] = (failures[response.status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(pending);
  const result = { requests: total, ...percentiles(histogram), failures };
  histogram.destroy();
  return result;
}

/** Tenant A's clients: back-to-back heavy reads until `stop` resolves; answers counted by status. */
function heavyReaders(urls: { operational: string; analytics: string }, keys: string[]) {
  const statuses: Record<string, number> = {};
  const durations: Record<string, number[]> = {};
  let running = true;
  const heavy = {
    availability: `${urls.operational}/api/stock/availability?limit=200`,
    seasonality: `${urls.analytics}/api/internal/analytics/seasonality-data?limit=100`,
  };
  const paths = flags.heavy === 'both' ? Object.values(heavy) : [heavy[flags.heavy as keyof typeof heavy]];
  if (paths.some((path) => path === undefined)) throw new Error(`--heavy must be both, availability or seasonality, not ${flags.heavy}`);
  async function client(c: number): Promise<void> {
    for (let i = c; running; i++) {
      const path = paths[i % paths.length]!;
      const t0 = performance.now();
      const response = await fetch(path, { headers: { 'x-api-key': keys[c % keys.length]! } });
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status === 200) (durations[new URL(path).pathname] ??= []).push(performance.now() - t0);
      // A client told to wait does so briefly rather than spinning (well-behaved clients would honour Retry-After).
      if (response.status === 429) await sleep(50);
    }
  }
  const done = Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
  return {
    statuses,
    /** Median time of A's answered heavy reads, per path (ms). */
    medians: () => Object.fromEntries(Object.entries(durations).map(([path, ms]) => [path, Math.round(ms.sort((a, b) => a - b)[ms.length >> 1]!)])),
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Analytics answers /ready once its first backfill is done; measuring before would time that instead. */
async function analyticsReady(url: string): Promise<void> {
  for (;;) {
    const ready = await fetch(`${url}/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const engine = await startEngineProcess();
  const env = flags['no-limits'] ? NO_LIMITS : {};
  const operational = await startOperationalProcess(engine.uri, env);
  const analytics = await startChild(['--import', 'tsx', '--conditions=source', 'service-analytics/src/main.ts'], 'analytics', {
    MONGODB_URI: engine.uri,
    ANALYTICS_PORT: '0',
    LOG_LEVEL: 'warn',
    ...env,
  });
  try {
    progress(`seeding: tenant A ${POSITIONS.toLocaleString()} positions, ${FACT_SKUS} SKUs × 365 days of facts; tenant B ${B_SKUS} products`);
    const { keysA, keyB } = await seed(engine.uri);
    await seedFacts(engine.uri);
    await analyticsReady(analytics.address);
    progress('warm-up');
    await steadyTenant(operational.url, keyB, 3);
    progress(`tenant B alone, ${SECONDS} s at ${RATE}/s`);
    const unloaded = await steadyTenant(operational.url, keyB, SECONDS);
    progress(`tenant B while ${CLIENTS} clients of tenant A hammer the heaviest reads`);
    const readers = heavyReaders({ operational: operational.url, analytics: analytics.address }, keysA);
    await sleep(1_000);
    const loaded = await steadyTenant(operational.url, keyB, SECONDS);
    await readers.stop();
    const report = {
      machine: describeMachine(),
      date: new Date().toISOString().slice(0, 10),
      limits: flags['no-limits'] ? 'off (RATE_LIMIT_* 1,000,000)' : 'defaults',
      clientsOfA: CLIENTS,
      rateOfB: RATE,
      unloaded,
      loaded,
      p50Ratio: Math.round((loaded.p50 / unloaded.p50) * 100) / 100,
      p99Ratio: Math.round((loaded.p99 / unloaded.p99) * 100) / 100,
      answersToA: readers.statuses,
      medianOfAnsweredHeavyReadsMs: readers.medians(),
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      console.log(`machine: ${report.machine}; limits ${report.limits}; B at ${RATE}/s, ${CLIENTS} clients of A`);
      console.table({ 'B unloaded': unloaded, 'B loaded': loaded });
      console.log(`B loaded ÷ unloaded: p50 ${report.p50Ratio}×, p99 ${report.p99Ratio}× (target p99 ≤ 3×)`);
      console.log(
        `answers to A by status: ${JSON.stringify(readers.statuses)}; median ms of A's answered reads ${JSON.stringify(report.medianOfAnsweredHeavyReadsMs)}`,
      );
    }
  } finally {
    await analytics.stop();
    await operational.stop();
    await engine.stop();
  }
}

await main();
