/**
 * The analytics CDC consumer under load: embedded-mongo and the consumer
 * (service-analytics/src/bin/cdc-consumer.ts with the real pipeline, each
 * step timed) run as their own processes; this process only produces.
 *
 *   pnpm bench:analytics [--rate 200] [--seconds 20] [--warmup 5] [--backlog 100000] [--sink profiled|noop] [--json]
 *
 * (a) commit → fact-visible latency: orders written at `--rate` per second
 *     (open loop), each measured from the start of its write to the moment
 *     the `dailySalesFacts` row of its (SKU, day) shows its quantity (a change
 *     stream on the analytics collection). Target p99 < 100 ms. The first
 *     `--warmup` seconds at the same rate are reported on their own: they
 *     hold the consumer's JIT warm-up and the day's first row of every SKU
 *     (a fresh database: 200 SKUs' rows created in the first two seconds).
 * (b) catch-up: the consumer is stopped, `--backlog` source changes are
 *     written, the consumer starts again; changes per second from its ready
 *     line until its checkpoint reaches the last change. Target ≥ 5 000/s.
 * `--sink noop` runs the consumer with a sink that does nothing: the
 * consumer's own ceiling. With the default sink the consumer prints the time
 * each pipeline step took, shown as a second table.
 */
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { MongoClient, ObjectId, Timestamp, type Db } from 'mongodb';
import { startChild, startEngineProcess, type ChildService } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '5' },
    backlog: { type: 'string', default: '100000' },
    skus: { type: 'string', default: '200' },
    sink: { type: 'string', default: 'profiled' },
    json: { type: 'boolean', default: false },
  },
});
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds);
const WARMUP_SECONDS = Number(flags.warmup);
const BACKLOG = Number(flags.backlog);
const SKUS = Number(flags.skus);
const TENANT = 'bench';
const LOCATION = 'WH';
const OPERATIONAL_DB = 'bench_cdc_operational';
const ANALYTICS_DB = 'bench_cdc_analytics';
const progress = (line: string) => process.stderr.write(`${line}\n`);
const skuOf = (i: number) => `C-${String(i % SKUS).padStart(4, '0')}`;
const dayOf = (at: Date) => at.toISOString().slice(0, 10);
const factKey = (sku: string, at: Date) => `${TENANT}:${sku}:${LOCATION}:${dayOf(at)}`;

interface StepTiming {
  calls: number;
  totalMs: number;
  maxMs: number;
}
interface Profile {
  batches: number;
  changes: number;
  steps: Record<string, StepTiming>;
}

/** The consumer as a child; resolves its `profile` line (if any) when it stops. */
async function startConsumer(uri: string): Promise<{ service: ChildService; readyMs: number; stop(): Promise<Profile | null> }> {
  const spawned = performance.now();
  const service = await startChild(['--import', 'tsx', '--conditions=source', 'service-analytics/src/bin/cdc-consumer.ts'], 'consuming', {
    MONGODB_URI: uri,
    OPERATIONAL_DB,
    ANALYTICS_DB,
    LOG_LEVEL: 'warn',
    CDC_SINK: flags.sink,
  });
  const readyMs = performance.now() - spawned;
  let profile: Profile | null = null;
  createInterface({ input: service.child.stdout! }).on('line', (line) => {
    if (line.startsWith('profile ')) profile = JSON.parse(line.slice('profile '.length)) as Profile;
  });
  return {
    service,
    readyMs,
    async stop() {
      await service.stop();
      return profile;
    },
  };
}

/** Products and plentiful stock, written as the operational service stores them. */
async function seed(db: Db): Promise<void> {
  const now = new Date();
  await db.collection('products').insertMany(
    Array.from({ length: SKUS }, (_, i) => ({
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
    })),
  );
  await db.collection('stockPositions').insertMany(
    Array.from({ length: SKUS }, (_, i) => ({
      tenantId: TENANT,
      sku: skuOf(i),
      locationCode: LOCATION,
      onHand: 1e9,
      reserved: 0,
      available: 1e9,
      onOrder: 0,
      inTransit: 0,
      damaged: 0,
      reorderPoint: 0,
      lowStock: false,
      updatedAt: now,
    })),
  );
}

let orderNumber = 0;

/**
 * One order created and confirmed, as the operational service writes it: in one
 * transaction the order, one `reserve` ledger row per line and the positions.
 * Returns the number of source changes (1 + 2 per line).
 */
async function confirmedOrder(client: MongoClient, db: Db, lines: Array<{ sku: string; quantity: number }>, at: Date): Promise<number> {
  const id = new ObjectId();
  orderNumber += 1;
  const session = client.startSession();
  try {
    await session.withTransaction(async (s) => {
      await db.collection('stockMovements').insertMany(
        lines.map((l, line) => ({
          tenantId: TENANT,
          sku: l.sku,
          locationCode: LOCATION,
          type: 'reserve',
          deltas: { reserved: l.quantity },
          balanceAfter: { onHand: 1e9, reserved: 0, available: 1e9, onOrder: 0, inTransit: 0, damaged: 0 },
          reference: { type: 'salesOrder', id: String(id), line },
          actor: { apiKeyId: 'bench', keyName: 'bench' },
          at,
        })),
        { session: s },
      );
      await db.collection('stockPositions').bulkWrite(
        lines.map((l) => ({
          updateOne: {
            filter: { tenantId: TENANT, sku: l.sku, locationCode: LOCATION },
            update: { $inc: { reserved: l.quantity, available: -l.quantity }, $set: { updatedAt: at } },
          },
        })),
        { session: s },
      );
      const orderLines = lines.map((l, line) => ({
        line,
        sku: l.sku,
        quantity: l.quantity,
        listPrice: 10,
        unitPrice: 10,
        discountPercent: 0,
        campaignId: null,
        status: 'reserved',
        reservedQuantity: l.quantity,
        shippedQuantity: 0,
        returnedQuantity: 0,
        unfulfilledQuantity: 0,
        backorderedQuantity: 0,
      }));
      await db.collection('salesOrders').insertOne(
        {
          _id: id,
          tenantId: TENANT,
          orderNumber: `SO-BENCH-${orderNumber}`,
          customerCode: 'C1',
          customerSegment: 'retail',
          locationCode: LOCATION,
          status: 'confirmed',
          onShortage: 'fail',
          lines: orderLines,
          totalAmount: orderLines.reduce((sum, l) => sum + 10 * l.quantity, 0),
          statusHistory: [
            { status: 'pending', at },
            { status: 'confirmed', at },
          ],
          returns: [],
          orderedAt: at,
          createdAt: at,
          updatedAt: at,
        },
        { session: s },
      );
    });
  } finally {
    await session.endSession();
  }
  return 1 + 2 * lines.length;
}

/** The checkpoint's token has reached `target` (embedded-mongo's tokens compare as positions). */
async function checkpointReached(analytics: Db, target: string): Promise<boolean> {
  const saved = await analytics.collection<{ _id: string; resumeToken: { _data: string } | null }>('cdcCheckpoints').findOne({ _id: 'operational' });
  return !!saved?.resumeToken && saved.resumeToken._data >= target;
}

/** Write one more source change and return its resume token: "caught up" means the checkpoint reached it. */
async function sentinelToken(client: MongoClient, db: Db): Promise<string> {
  const ping = await client.db('admin').command({ ping: 1 });
  const operationTime: unknown = ping.operationTime;
  if (!(operationTime instanceof Timestamp)) throw new Error('ping answered without an operationTime (not a replica set?)');
  const sku = skuOf(0);
  const watch = db.watch([{ $match: { 'ns.coll': 'products', operationType: 'update' } }], { startAtOperationTime: operationTime });
  await db.collection('products').updateOne({ tenantId: TENANT, sku }, { $set: { updatedAt: new Date() } });
  const event = await watch.next();
  await watch.close();
  return (event._id as { _data: string })._data;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, pollMs = 50): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return false;
}

/** (a) Open-loop orders at RATE/s; latency until the fact row shows each one. */
async function measureLatency(client: MongoClient, operational: Db, analytics: Db) {
  const histogram = latencyHistogram();
  const warmupHistogram = latencyHistogram();
  // Per fact row: the cumulative quantityDemanded each pending order brings it to, and when that order's write began.
  const expected = new Map<string, number>();
  const pending = new Map<string, Array<{ target: number; startedAt: number; warmup: boolean }>>();
  // Start from what the facts already hold (the seed has none, but a rerun on a warm database would).
  for (const row of await analytics.collection<{ _id: string; quantityDemanded: number }>('dailySalesFacts').find().toArray())
    expected.set(row._id, row.quantityDemanded);
  const facts = analytics.collection('dailySalesFacts').watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: 1000 });
  await facts.tryNext(); // opens the cursor before the first write (nothing is expected yet)
  let open = true;
  const watching = (async () => {
    while (open) {
      const event = await facts.tryNext().catch(() => null);
      if (!event || !('fullDocument' in event) || !event.fullDocument) continue;
      const now = performance.now();
      const doc = event.fullDocument as { _id: string; quantityDemanded: number };
      const queue = pending.get(doc._id);
      while (queue && queue.length > 0 && queue[0]!.target <= doc.quantityDemanded) {
        const order = queue.shift()!;
        (order.warmup ? warmupHistogram : histogram).recordValue(Math.max(1, Math.round((now - order.startedAt) * 1000)));
      }
    }
  })();

  const warmupOrders = RATE * WARMUP_SECONDS;
  const total = warmupOrders + RATE * SECONDS;
  const started = performance.now();
  let inFlight = 0;
  let changes = 0;
  const writes: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const at = new Date();
    const sku = skuOf(Math.floor(Math.random() * SKUS));
    const quantity = 1 + (i % 3);
    const key = factKey(sku, at);
    const target = (expected.get(key) ?? 0) + quantity;
    expected.set(key, target);
    const startedAt = performance.now();
    if (!pending.has(key)) pending.set(key, []);
    pending.get(key)!.push({ target, startedAt, warmup: i < warmupOrders });
    inFlight += 1;
    writes.push(
      confirmedOrder(client, operational, [{ sku, quantity }], at).then((n) => {
        changes += n;
        inFlight -= 1;
      }),
    );
  }
  await Promise.all(writes);
  const producedPerSecond = Math.round((total * 1000) / (performance.now() - started));
  const visible = () => [...pending.values()].every((q) => q.length === 0);
  await waitUntil(async () => visible(), 30_000);
  open = false;
  await facts.close();
  await watching;
  const missing = [...pending.values()].reduce((sum, q) => sum + q.length, 0);
  const result = {
    orders: total - warmupOrders,
    changes,
    ordersPerSecond: producedPerSecond,
    inFlightAtEnd: inFlight,
    missing,
    latency: percentiles(histogram),
    warmup: { seconds: WARMUP_SECONDS, orders: warmupOrders, latency: warmupOrders > 0 ? percentiles(warmupHistogram) : null },
  };
  histogram.destroy();
  warmupHistogram.destroy();
  return result;
}

/** (b) A backlog written while the consumer is down, then the time it takes to drain it. */
async function measureCatchUp(client: MongoClient, uri: string, operational: Db, analytics: Db) {
  const orders = Math.ceil(BACKLOG / 5); // two lines: 5 changes per order
  let written = 0;
  let next = 0;
  const writeStarted = performance.now();
  const at = new Date();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < orders) {
        const i = next++;
        const n = await confirmedOrder(
          client,
          operational,
          [
            { sku: skuOf(i), quantity: 1 },
            { sku: skuOf(i + 1), quantity: 2 },
          ],
          at,
        );
        written += n;
        if (i % 5_000 === 0) progress(`  backlog: ${written} changes written`);
      }
    }),
  );
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  const target = await sentinelToken(client, operational);
  const changes = written + 1;
  const consumer = await startConsumer(uri);
  const readyAt = performance.now();
  const caughtUp = await waitUntil(() => checkpointReached(analytics, target), 600_000, 100);
  const seconds = (performance.now() - readyAt) / 1000;
  const profile = await consumer.stop();
  return {
    changes,
    writtenPerSecond: Math.round(changes / writeSeconds),
    consumerStartMs: Math.round(consumer.readyMs),
    caughtUp,
    seconds: Math.round(seconds * 100) / 100,
    changesPerSecond: Math.round(changes / seconds),
    profile,
  };
}

function profileTable(profile: Profile | null): Array<Record<string, string | number>> {
  if (!profile) return [];
  return Object.entries(profile.steps).map(([step, t]) => ({
    step,
    'total s': Math.round(t.totalMs) / 1000,
    'ms / batch': Math.round((t.totalMs / Math.max(1, t.calls)) * 10) / 10,
    'µs / change': Math.round((t.totalMs * 1000) / Math.max(1, profile.changes)),
    'max ms': Math.round(t.maxMs),
  }));
}

async function main(): Promise<void> {
  progress(`analytics CDC bench: ${RATE} orders/s × ${SECONDS} s, backlog ${BACKLOG}, sink ${flags.sink} — ${describeMachine()}`);
  const engine = await startEngineProcess(['--history', String(BACKLOG * 2 + RATE * (SECONDS + WARMUP_SECONDS) * 10 + 100_000)]);
  const client = await new MongoClient(engine.uri).connect();
  const operational = client.db(OPERATIONAL_DB);
  const analytics = client.db(ANALYTICS_DB);
  try {
    await seed(operational);
    const consumer = await startConsumer(engine.uri);
    const seeded = await sentinelToken(client, operational);
    await waitUntil(() => checkpointReached(analytics, seeded), 60_000);
    progress('(a) latency under load…');
    const latency = flags.sink === 'noop' ? null : await measureLatency(client, operational, analytics);
    const latencyProfile = await consumer.stop();
    progress('(b) catch-up…');
    const catchUp = await measureCatchUp(client, engine.uri, operational, analytics);

    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ machine: describeMachine(), sink: flags.sink, latency, latencyProfile, catchUp }, null, 2)}\n`);
      return;
    }
    console.log(`\n${describeMachine()}`);
    console.table([
      ...(latency
        ? [
            {
              measure: `(a) commit → fact visible, ${latency.ordersPerSecond} orders/s for ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up (${latency.changes} changes in all)`,
              result: `p50 ${latency.latency.p50} ms, p99 ${latency.latency.p99} ms, max ${latency.latency.max} ms${latency.missing ? `, ${latency.missing} never seen` : ''}`,
              target: 'p99 < 100 ms',
              met: latency.latency.p99 < 100 && latency.missing === 0 ? 'yes' : 'NO',
            },
          ]
        : []),
      ...(latency?.warmup.latency
        ? [
            {
              measure: `    the ${WARMUP_SECONDS} s warm-up alone (not in the measure above)`,
              result: `p50 ${latency.warmup.latency.p50} ms, p99 ${latency.warmup.latency.p99} ms, max ${latency.warmup.latency.max} ms`,
              target: '',
              met: '',
            },
          ]
        : []),
      {
        measure: `(b) catch-up of ${catchUp.changes} changes (written at ${catchUp.writtenPerSecond}/s)`,
        result: `${catchUp.changesPerSecond} changes/s (${catchUp.seconds} s; consumer start ${catchUp.consumerStartMs} ms)`,
        target: '≥ 5 000/s',
        met: catchUp.caughtUp && catchUp.changesPerSecond >= 5_000 ? 'yes' : 'NO',
      },
    ]);
    if (latencyProfile) {
      console.log(`pipeline steps during (a): ${latencyProfile.batches} batches, ${latencyProfile.changes} changes`);
      console.table(profileTable(latencyProfile));
    }
    if (catchUp.profile) {
      console.log(`pipeline steps during (b): ${catchUp.profile.batches} batches, ${catchUp.profile.changes} changes`);
      console.table(profileTable(catchUp.profile));
    }
  } finally {
    await client.close();
    await engine.stop();
  }
}

await main();
