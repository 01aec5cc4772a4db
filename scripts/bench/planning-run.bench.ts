/**
 * Planning-run time at scale (issue 14: 100,000 SKU × location pairs in
 * under 10 s on the 2-core machine).
 *
 *   pnpm exec tsx --conditions=source scripts/bench/planning-run.bench.ts [--skus 20000] [--locations 5] [--fact-days 4] [--optimize]
 *
 * Seeds the read models a run reads (catalog and stock mirrors, supplier
 * mirrors, one stored forecast per SKU, `--fact-days` daily facts per pair in
 * the share window) into embedded-mongo running as its own process, then
 * times a first MANUAL run (every pair's recommendations inserted) and a
 * second (updated in place) through the product's planning worker. With
 * `--optimize`, then times STOCK_LEVELS optimisation runs (issue 17) over the
 * same pairs: unconstrained, then with the budget at 95 % of its inventory value.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { addUtcDays } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import {
  createPlanningWorker,
  ensureAnalyticsIndexes,
  FACT_COLLECTIONS,
  FORECAST_COLLECTIONS,
  optimizationRunsOf,
  PLANNING_COLLECTIONS,
  requestOptimizationRun,
  runDocument,
} from '@icc/service-analytics/testing';
import { startEngineProcess } from '../src/bench-kit/child-engine.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values } = parseArgs({
  options: {
    skus: { type: 'string', default: '20000' },
    locations: { type: 'string', default: '5' },
    'fact-days': { type: 'string', default: '4' },
    optimize: { type: 'boolean', default: false },
  },
});
const SKUS = Number(values.skus);
const LOCATIONS = Number(values.locations);
const FACT_DAYS = Number(values['fact-days']);
const TENANT = 'bench';
const TODAY = '2026-03-10';
const NOW = new Date(`${TODAY}T06:00:00Z`);
const log = (line: string) => process.stderr.write(`${line}\n`);

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

/** CPU seconds a process used so far (Linux /proc; 0 elsewhere): the engine's share of a run, which the load average does not blur. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

const skuOf = (i: number) => `SKU-${String(i).padStart(6, '0')}`;
const locationOf = (j: number) => `WH-${j + 1}`;

function* range<T>(n: number, make: (i: number) => T): Generator<T> {
  for (let i = 0; i < n; i += 1) yield make(i);
}

async function seed(db: Db): Promise<void> {
  const at = new Date('2026-03-01T00:00:00Z');
  await insertInChunks(
    db,
    FACT_COLLECTIONS.suppliersMirror,
    range(10, (s) => ({
      _id: `${TENANT}:SUP-${s}`,
      sourceId: `s${s}`,
      tenantId: TENANT,
      code: `SUP-${s}`,
      name: `Supplier ${s}`,
      status: 'active',
      defaultLeadTimeDays: 5 + s,
      updatedAt: at,
    })),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.productsMirror,
    range(SKUS, (i) => ({
      _id: `${TENANT}:${skuOf(i)}`,
      sourceId: `p${i}`,
      tenantId: TENANT,
      sku: skuOf(i),
      name: `Product ${i}`,
      category: 'bench',
      status: 'active',
      price: 10 + (i % 50),
      reorderPoint: 10,
      safetyStock: 5,
      leadTimeDays: 7,
      updatedAt: at,
    })),
  );
  // Two suppliers per SKU.
  await insertInChunks(
    db,
    FACT_COLLECTIONS.productSuppliersMirror,
    range(SKUS * 2, (k) => {
      const i = k >> 1;
      const s = (i + (k & 1) * 3) % 10;
      return {
        _id: `${TENANT}:SUP-${s}:${skuOf(i)}`,
        sourceId: `ps${k}`,
        tenantId: TENANT,
        supplierCode: `SUP-${s}`,
        sku: skuOf(i),
        unitCost: 4 + (k & 1) * 0.3,
        minimumOrderQuantity: 20,
        packSize: 10,
        leadTimeDays: k & 1 ? null : 7,
        preferred: (k & 1) === 0,
        updatedAt: at,
      };
    }),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.stockReadModel,
    range(SKUS * LOCATIONS, (k) => {
      const i = Math.floor(k / LOCATIONS);
      const onHand = (k * 37) % 400;
      return {
        _id: `${TENANT}:${skuOf(i)}:${locationOf(k % LOCATIONS)}`,
        sourceId: `st${k}`,
        tenantId: TENANT,
        sku: skuOf(i),
        locationCode: locationOf(k % LOCATIONS),
        onHand,
        reserved: onHand % 7,
        available: onHand - (onHand % 7),
        onOrder: 0,
        inTransit: 0,
        damaged: 0,
        reorderPoint: 10,
        lowStock: false,
        updatedAt: at,
      };
    }),
  );
  const daily = (i: number) => 2 + (i % 30);
  await insertInChunks(
    db,
    FORECAST_COLLECTIONS.forecasts,
    range(SKUS, (i) => ({
      _id: `job:${skuOf(i)}`,
      tenantId: TENANT,
      sku: skuOf(i),
      locationCode: null,
      jobId: 'train-20260309-bench000',
      modelId: `m:${i}`,
      modelType: 'seasonal-naive',
      forecastDate: TODAY,
      horizon: 28,
      confidence: 0.95,
      predictions: Array.from({ length: 28 }, (_, d) => ({ date: addUtcDays(TODAY, d), quantity: daily(i), lower: 0, upper: daily(i) * 2 })),
      intervals: [0.5, 0.8, 0.9, 0.95, 0.99].map((c) => ({ confidence: c, halfWidths: Array(28).fill(daily(i) * c), reliable: true })),
      demandClass: 'smooth',
      reason: 'bench',
      maseScale: 1,
      createdAt: at,
      scoredDays: 0,
      fullyScored: false,
    })),
  );
  await insertInChunks(
    db,
    FORECAST_COLLECTIONS.latestForecasts,
    range(SKUS, (i) => ({
      _id: `${TENANT}:${skuOf(i)}`,
      tenantId: TENANT,
      sku: skuOf(i),
      forecastId: `job:${skuOf(i)}`,
      modelId: `m:${i}`,
      modelType: 'seasonal-naive',
      version: 1,
      backtestMase: 0.8,
      forecastDate: TODAY,
      createdAt: at,
    })),
  );
  await insertInChunks(
    db,
    FACT_COLLECTIONS.dailySalesFacts,
    range(SKUS * LOCATIONS * FACT_DAYS, (k) => {
      const pair = Math.floor(k / FACT_DAYS);
      const i = Math.floor(pair / LOCATIONS);
      const day = addUtcDays(TODAY, -1 - 7 * (k % FACT_DAYS));
      const loc = locationOf(pair % LOCATIONS);
      const q = 1 + ((k * 13) % 9);
      return {
        _id: `${TENANT}:${skuOf(i)}:${loc}:${day}`,
        tenantId: TENANT,
        sku: skuOf(i),
        locationCode: loc,
        day,
        quantityDemanded: q,
        quantitySold: q,
        quantityReturned: 0,
        quantityUnfulfilled: 0,
        revenue: q * 1000,
        orders: 1,
        campaignActive: false,
        stockOut: false,
        endOfDayOnHand: 0,
        stockEvents: 0,
      };
    }),
  );
}

const engine = await startEngineProcess();
const client = await MongoClient.connect(engine.uri);
try {
  const db = client.db('bench_planning');
  await ensureAnalyticsIndexes(db);
  const seedStart = Date.now();
  await seed(db);
  log(`seeded ${SKUS} SKUs × ${LOCATIONS} locations (${FACT_DAYS} fact days per pair) in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
  const phases = new Map<string, number>();
  const worker = createPlanningWorker({ db, now: () => NOW, phases });
  const results: string[] = [];
  for (const label of ['first run (inserts)', 'second run (updates in place)']) {
    const run = runDocument(TENANT, { kind: 'MANUAL', reason: 'bench', skus: null, locationCodes: null }, NOW);
    await db.collection<typeof run>(PLANNING_COLLECTIONS.planningRuns).insertOne(run);
    phases.clear();
    const started = Date.now();
    const cpu = process.cpuUsage();
    const engineCpu = processCpuSeconds(engine.child.pid);
    await worker.drain();
    const seconds = (Date.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const engineUsed = processCpuSeconds(engine.child.pid) - engineCpu;
    const stored = await db.collection<typeof run>(PLANNING_COLLECTIONS.planningRuns).findOne({ _id: run._id });
    results.push(
      `${label}: ${seconds.toFixed(2)} s for ${stored?.counts.pairsAnalysed} pairs (CPU: service ${((used.user + used.system) / 1e6).toFixed(2)} s, engine ${engineUsed.toFixed(2)} s), status ${stored?.status}, counts ${JSON.stringify(stored?.counts)}`,
      `  phases (s): ${[...phases].map(([phase, ms]) => `${phase} ${(ms / 1000).toFixed(2)}`).join(', ')}`,
    );
    log(results.at(-2)!);
    log(results.at(-1)!);
  }
  if (values.optimize) {
    let budget: number | undefined;
    for (const label of ['STOCK_LEVELS unconstrained', 'STOCK_LEVELS budget 95 %']) {
      const constraints = budget === undefined ? {} : { budget };
      const run = await requestOptimizationRun(db, TENANT, { optimizationType: 'STOCK_LEVELS', constraints }, { apiKeyId: 'bench', name: 'bench' }, NOW);
      const started = Date.now();
      await worker.drain();
      const seconds = (Date.now() - started) / 1000;
      const stored = await optimizationRunsOf(db).findOne({ _id: run._id });
      budget = Math.round(0.95 * (stored?.totals?.inventoryValue ?? 0));
      results.push(
        `${label}: ${seconds.toFixed(2)} s for ${stored?.items.length} items, status ${stored?.status}${stored?.error ? ` (${stored.error})` : ''}, totals ${JSON.stringify(stored?.totals)}`,
      );
      log(results.at(-1)!);
    }
  }
  await worker.stop();
  process.stdout.write(`${describeMachine()}\n${results.join('\n')}\n`);
} finally {
  await client.close();
  await engine.stop();
}
