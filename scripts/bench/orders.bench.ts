/**
 * Sales-order throughput: create + confirm through HTTP, against a raw-driver
 * script doing the same writes on the same database in the same run.
 *
 *   pnpm bench:orders [--orders 3000] [--concurrency 16] [--json]
 *
 * The HTTP path is what a client gets: auth, validation, pricing, order
 * numbering, a transaction with guarded stock updates and ledger rows. The raw
 * path does the same database writes with the bare driver (order number,
 * order insert, guarded $inc per line, ledger rows, in one transaction) and
 * nothing else, so the ratio shows what the service layer costs.
 * Then p99 latency with requests paced at half the measured HTTP peak.
 * Also what each process spent per order on either path (Linux): CPU, which on
 * a busy shared machine moves less than throughput, and write calls, which for
 * the servers are their round trips (one per command sent or reply, one per
 * HTTP response).
 * Target: ratio ≥ 0.4.
 */
import { parseArgs } from 'node:util';
import { ensureTenant, issueApiKey, registerModels } from '@icc/service-operational';
import { MongoClient, type ClientSession } from 'mongodb';
import mongoose from 'mongoose';
import { Agent, fetch } from 'undici';
import { startEngineProcess, startOperationalProcess } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, measureThroughput, nowMicros, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine, usageDuring, type ProcessUsage } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    orders: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
  },
});
const ORDERS = Number(flags.orders);
const CONCURRENCY = Number(flags.concurrency);
const SKUS = 200;
const TENANT = 'bench';
const DB = 'icc_operational';
const progress = (line: string) => process.stderr.write(`${line}\n`);
const skuOf = (i: number) => `B-${String(i % SKUS).padStart(4, '0')}`;

async function seed(uri: string): Promise<string> {
  const connection = await mongoose.createConnection(uri, { dbName: DB }).asPromise();
  const models = registerModels(connection);
  await ensureTenant(models, TENANT, 'Bench Co');
  const { key } = await issueApiKey(models, TENANT, 'bench', ['admin']);
  const now = new Date();
  await models.Location.collection.insertOne({
    tenantId: TENANT,
    code: 'WH',
    name: 'WH',
    type: 'warehouse',
    timeZone: 'UTC',
    attributes: {},
    status: 'active',
    createdAt: now,
    updatedAt: now,
  });
  await models.Customer.collection.insertOne({ tenantId: TENANT, code: 'C1', name: 'C1', segment: 'retail', attributes: {}, createdAt: now, updatedAt: now });
  const products = Array.from({ length: SKUS }, (_, i) => ({
    tenantId: TENANT,
    sku: skuOf(i),
    name: `P${i}`,
    category: 'c',
    unit: 'each',
    price: 10,
    cost: 5,
    reorderPoint: 0,
    safetyStock: 0,
    leadTimeDays: 7,
    attributes: {},
    status: 'active',
    createdAt: now,
    updatedAt: now,
  }));
  await models.Product.collection.insertMany(products);
  // Plenty of stock for both runs; positions start equal to their (opening) ledger.
  await models.StockPosition.collection.insertMany(
    products.map((p) => ({
      tenantId: TENANT,
      sku: p.sku,
      locationCode: 'WH',
      onHand: 1_000_000,
      reserved: 0,
      available: 1_000_000,
      onOrder: 0,
      inTransit: 0,
      damaged: 0,
      reorderPoint: 0,
      lowStock: false,
      updatedAt: now,
    })),
  );
  await connection.close();
  return key;
}

/** The writes the service makes for one create+confirm, with the bare driver. */
function rawOrder(client: MongoClient) {
  const db = client.db(DB);
  let n = 0;
  return async (i: number) => {
    const number = await db
      .collection('counters')
      .findOneAndUpdate({ tenantId: TENANT, name: 'RAW' }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after' });
    const session = client.startSession();
    try {
      await session.withTransaction(async (s: ClientSession) => {
        const lines = [skuOf(i), skuOf(i + 7)].map((sku, line) => ({ line, sku, quantity: 1, unitPrice: 10, status: 'reserved', reservedQuantity: 1 }));
        const order = await db.collection('salesOrders').insertOne(
          {
            tenantId: TENANT,
            orderNumber: `RAW-${number?.seq ?? n++}`,
            customerCode: 'C1',
            locationCode: 'WH',
            status: 'confirmed',
            lines,
            totalAmount: 20,
            orderedAt: new Date(),
          },
          { session: s },
        );
        for (const line of lines) {
          const position = await db
            .collection('stockPositions')
            .findOneAndUpdate(
              { tenantId: TENANT, sku: line.sku, locationCode: 'WH', available: { $gte: 1 } },
              { $inc: { reserved: 1, available: -1 }, $set: { updatedAt: new Date() } },
              { returnDocument: 'after', session: s },
            );
          await db.collection('stockMovements').insertOne(
            {
              tenantId: TENANT,
              sku: line.sku,
              locationCode: 'WH',
              type: 'reserve',
              deltas: { reserved: 1 },
              balanceAfter: position,
              reference: { type: 'salesOrder', id: String(order.insertedId), line: line.line },
              at: new Date(),
            },
            { session: s },
          );
        }
      });
    } finally {
      await session.endSession();
    }
  };
}

function httpOrder(url: string, key: string, dispatcher: Agent) {
  return async (i: number) => {
    const response = await fetch(`${url}/api/orders/sales`, {
      method: 'POST',
      dispatcher,
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        customerCode: 'C1',
        locationCode: 'WH',
        confirm: true,
        lines: [
          { sku: skuOf(i), quantity: 1 },
          { sku: skuOf(i + 7), quantity: 1 },
        ],
      }),
    });
    if (response.status !== 201) throw new Error(`order ${i}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
}

/** CPU milliseconds and write calls per order, by process, summed over the rounds of one path. */
function perOrder() {
  const totals: Record<string, ProcessUsage> = {};
  let orders = 0;
  return {
    add(usage: Record<string, ProcessUsage>, count: number) {
      for (const [name, used] of Object.entries(usage)) {
        const total = (totals[name] ??= { cpuMillis: 0, writeCalls: 0 });
        total.cpuMillis += used.cpuMillis;
        total.writeCalls += used.writeCalls;
      }
      orders += count;
    },
    report(): Record<string, { cpuMillis: number; writeCalls: number }> {
      const round = (x: number) => Math.round((x / orders) * 100) / 100;
      return Object.fromEntries(Object.entries(totals).map(([name, t]) => [name, { cpuMillis: round(t.cpuMillis), writeCalls: round(t.writeCalls) }]));
    },
  };
}

/** Open-loop: start one request every 1/rate seconds regardless of completions. */
async function paced(rate: number, seconds: number, operation: (i: number) => Promise<void>) {
  const histogram = latencyHistogram();
  const total = Math.round(rate * seconds);
  const started = nowMicros();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1e6) / rate;
    const wait = (due - nowMicros()) / 1000;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t0 = nowMicros();
    inFlight.push(operation(i).then(() => histogram.recordValue(Math.max(1, nowMicros() - t0))));
  }
  await Promise.all(inFlight);
  const result = percentiles(histogram);
  histogram.destroy();
  return result;
}

async function main(): Promise<void> {
  const engine = await startEngineProcess();
  const service = await startOperationalProcess(engine.uri);
  const client = await MongoClient.connect(engine.uri, { maxPoolSize: CONCURRENCY * 2 });
  const dispatcher = new Agent({ connections: CONCURRENCY });
  try {
    const key = await seed(engine.uri);
    const http = httpOrder(service.url, key, dispatcher);
    const raw = rawOrder(client);
    // Warm-up long enough for both paths to reach steady state (JIT, connection pools, caches).
    progress('warm-up');
    await measureThroughput(1_000, CONCURRENCY, (i) => http(i + 200_000));
    await measureThroughput(1_000, CONCURRENCY, (i) => raw(i + 200_000));
    // Alternate rounds of raw and HTTP so that load from elsewhere on a shared machine hits both
    // alike; the ratio is the median of the per-round ratios.
    const ROUNDS = 5;
    const perRound = Math.ceil(ORDERS / ROUNDS);
    const ratios: number[] = [];
    const rawRates: number[] = [];
    const httpRates: number[] = [];
    let httpRun = await measureThroughput(1, 1, (i) => http(i + 5_000));
    let rawRun = httpRun;
    const processes = { engine: engine.child.pid, service: service.child.pid, 'load generator': process.pid };
    const rawUsage = perOrder();
    const httpUsage = perOrder();
    for (let round = 0; round < ROUNDS; round++) {
      progress(`round ${round + 1}/${ROUNDS}: ${perRound} orders each way, ${CONCURRENCY} in flight`);
      const rawRound = await usageDuring(processes, () => measureThroughput(perRound, CONCURRENCY, (i) => raw(i + round * perRound)));
      const httpRound = await usageDuring(processes, () => measureThroughput(perRound, CONCURRENCY, (i) => http(i + 10_000 + round * perRound)));
      rawRun = rawRound.result;
      httpRun = httpRound.result;
      rawUsage.add(rawRound.usage, perRound);
      httpUsage.add(httpRound.usage, perRound);
      rawRates.push(rawRun.opsPerSecond);
      httpRates.push(httpRun.opsPerSecond);
      ratios.push(httpRun.opsPerSecond / rawRun.opsPerSecond);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const halfPeak = Math.max(1, Math.round(median(httpRates) / 2));
    progress(`HTTP paced at ${halfPeak}/s for 10 s`);
    const pacedRun = await paced(halfPeak, 10, (i) => http(i + 100_000));
    const report = {
      machine: describeMachine(),
      date: new Date().toISOString().slice(0, 10),
      concurrency: CONCURRENCY,
      rawOrdersPerSecond: median(rawRates),
      httpOrdersPerSecond: median(httpRates),
      ratio: Math.round(median(ratios) * 100) / 100,
      ratiosPerRound: ratios.map((r) => Math.round(r * 100) / 100),
      httpLatencyAtPeak: httpRun.latency,
      halfPeakRate: halfPeak,
      httpLatencyAtHalfPeak: pacedRun,
      perOrder: { raw: rawUsage.report(), http: httpUsage.report() },
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      console.log(`machine: ${report.machine}; ${ORDERS} orders of 2 lines, ${CONCURRENCY} in flight`);
      console.table({
        'raw driver (same writes), median round': { ordersPerSecond: report.rawOrdersPerSecond, p50ms: rawRun.latency.p50, p99ms: rawRun.latency.p99 },
        'HTTP create+confirm, median round': { ordersPerSecond: report.httpOrdersPerSecond, p50ms: httpRun.latency.p50, p99ms: httpRun.latency.p99 },
        [`HTTP paced at ${halfPeak}/s (half peak)`]: { ordersPerSecond: halfPeak, p50ms: pacedRun.p50, p99ms: pacedRun.p99 },
      });
      console.log(`HTTP ÷ raw throughput: median ${report.ratio} over rounds ${report.ratiosPerRound.join(', ')} (target ≥ 0.4)`);
      console.log('Per order, by process (all rounds): CPU ms / write calls');
      const cells = (path: 'raw' | 'http') =>
        Object.fromEntries(Object.entries(report.perOrder[path]).map(([name, u]) => [name, `${u.cpuMillis.toFixed(2)} / ${u.writeCalls.toFixed(1)}`]));
      console.table({ raw: cells('raw'), http: cells('http') });
    }
  } finally {
    await dispatcher.close();
    await client.close();
    await service.stop();
    await engine.stop();
  }
}

await main();
