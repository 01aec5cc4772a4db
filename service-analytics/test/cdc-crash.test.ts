/**
 * Crash safety end to end: the consumer runs as its own process
 * (bin/cdc-consumer.ts with the real pipeline) against an embedded-mongo process,
 * while this process writes ≥ 20 000 source changes (orders created,
 * confirmed, shipped or cancelled, with their ledger rows and positions) and
 * SIGKILLs the consumer at seeded-random moments, restarting it each time.
 * Once it has caught up, the raw sales events must be exactly what the final
 * orders imply, the daily facts must equal a full recomputation, and the
 * features — once the queue the killed processes left is drained — must
 * equal a recomputation from those facts. Beside the orders, a fifth producer
 * changes the supply side of two tenants (suppliers, links, locations created,
 * changed and deleted; purchase orders drafted, placed, received, cancelled,
 * deleted): the supply mirrors must equal what the final source documents
 * imply.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { MongoClient, type ChangeStream, type Document, type ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_COLLECTION, type CdcCheckpoint } from '../src/cdc/checkpoint-store.js';
import { sourcePipeline } from '../src/cdc/source-change.js';
import { recomputeAllFacts } from '../src/facts/recompute-all.js';
import { FEATURE_HISTORY } from '../src/features/feature-history.js';
import { FEATURES } from '../src/features/feature-indexes.js';
import { FEATURE_QUEUE } from '../src/facts/feature-work.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import { createFeatureWorker } from '../src/features/feature-worker.js';
import { seededRandom } from './support/seeded-random.js';
import { sourceWriter, type SourceOrder, type SourceWriter } from './support/source-writer.js';
import { expectedSupplyMirrors, storedSupplyMirrors } from './support/supply-expected.js';
import { supplyWriter, type SupplyWriter } from './support/supply-writer.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const OPERATIONAL_DB = 'crash_operational';
const ANALYTICS_DB = 'crash_analytics';
const MIN_EVENTS = 20_000;
const MIN_KILLS = 10;
const WORKERS = 4;
/** Of the MIN_EVENTS, at most this many are supply changes (single-document writes), so most remain orders. */
const SUPPLY_EVENTS = 3_000;
const SEED = 20_251_121;
const DAY_MS = 86_400_000;
const BASE_TIME = Date.UTC(2025, 5, 2);
/** CDC_CRASH_VERBOSE=1 prints progress (kills, production, catch-up) to stderr. */
const progress = (line: string) => {
  if (process.env.CDC_CRASH_VERBOSE) process.stderr.write(`cdc-crash ${new Date().toISOString().slice(11, 23)} ${line}\n`);
};

interface Child {
  process: ChildProcess;
  line: string;
  exited: Promise<void>;
}

/** Every process this file started, so afterAll can end them even when the test timed out midway. */
const children = new Set<ChildProcess>();
let tornDown = false;

/** Run `node <args>` from the repo root and wait for a stdout line starting with `ready`. */
async function startChild(args: string[], ready: string, env: NodeJS.ProcessEnv = {}): Promise<Child> {
  if (tornDown) throw new Error('test torn down');
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited (${code ?? signal}) before "${ready}"`)));
    createInterface({ input: child.stdout }).on('line', (text) => {
      if (text.startsWith(ready)) resolve(text);
    });
  });
  return { process: child, line, exited };
}

const startConsumer = (uri: string) =>
  startChild(['--import', 'tsx', '--conditions=source', 'service-analytics/src/bin/cdc-consumer.ts'], 'consuming ', {
    MONGODB_URI: uri,
    OPERATIONAL_DB,
    ANALYTICS_DB,
    LOG_LEVEL: 'warn',
  });

/** One order's life: mostly shipped, some cancelled after confirmation, some confirmed later. Returns its source changes. */
async function orderLife(source: SourceWriter, skus: readonly string[], n: number, roll: number): Promise<number> {
  const at = new Date(BASE_TIME + n * 60 * 60_000); // one an hour, ~1,100 orders: ~46 days, past the 28 days features need
  // Four lines: each transaction carries the order, four ledger rows and four positions (fewer round trips per change).
  const lines = [0, 1, 2, 3].map((k) => ({ sku: skus[(n + k) % skus.length]!, quantity: 1 + ((n + k) % 4) }));
  if (roll < 0.7) {
    const id = await source.createOrder(lines, { confirm: true, at });
    await source.shipOrder(id, new Date(at.getTime() + DAY_MS));
    return 18; // (order + 4 ledger rows + 4 positions) × 2
  }
  if (roll < 0.85) {
    const id = await source.createOrder(lines, { confirm: true, at });
    await source.cancelOrder(id, new Date(at.getTime() + DAY_MS / 2));
    return 18;
  }
  const id = await source.createOrder(lines, { at });
  await source.confirmOrder(id, new Date(at.getTime() + DAY_MS / 4));
  await source.shipOrder(id, new Date(at.getTime() + 2 * DAY_MS));
  return 19;
}

/** One supply step, chosen by `roll`; returns its source changes. Open purchase orders move one step on each visit. */
async function supplyLife(supply: SupplyWriter, open: ObjectId[], n: number, roll: number): Promise<number> {
  const supplier = `SUP-${1 + (n % 4)}`;
  const sku = `S0-${1 + (n % 5)}`;
  if (roll < 0.3) {
    open.push(
      await supply.createPurchaseOrder({
        supplierCode: supplier,
        lines: [
          { sku, quantity: 10 },
          { sku: 'S1-1', quantity: 4 },
        ],
        expectedDate: new Date(BASE_TIME + n * 3_600_000),
      }),
    );
    return 1;
  }
  if (roll < 0.6 && open.length > 0) {
    const id = open[n % open.length]!;
    const step = n % 5;
    if (step >= 3) open.splice(open.indexOf(id), 1);
    if (step === 4) return supply.cancel(id);
    if (step === 3) return supply.deletePurchaseOrder(id);
    if (step === 0) return supply.place(id);
    return supply.receive(id, [1 + (n % 6), 4], new Date(BASE_TIME + n * 3_600_000 + DAY_MS));
  }
  if (roll < 0.75) return supply.upsertSupplier(supplier, { defaultLeadTimeDays: 3 + (n % 11) });
  if (roll < 0.88) return supply.upsertLink(supplier, sku, { unitCost: 2 + (n % 7) / 4, ...(n % 3 === 0 ? { leadTimeDays: n % 9 } : {}) });
  if (roll < 0.93) return supply.deleteLink(supplier, sku);
  if (roll < 0.96) return supply.upsertLocation(`WH${1 + (n % 3)}`, { name: `Location ${n}` });
  if (roll < 0.98) return supply.deleteLocation(`WH${1 + (n % 3)}`);
  return supply.deleteSupplier(supplier);
}

interface ExpectedEvent {
  kind: string;
  quantity: number;
  factKey: string;
}

const dayOf = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The raw sales events the final orders imply, restated from the rules in
 * shared's RAW_SALES_EVENT_KINDS (not by calling the facts code): demanded per
 * line at orderedAt; fulfilled when shipped; unfulfilled when cancelled.
 */
function expectedEvents(orders: readonly SourceOrder[]): Map<string, ExpectedEvent> {
  const out = new Map<string, ExpectedEvent>();
  for (const order of orders) {
    const at = (status: string) => order.statusHistory.find((h) => h.status === status)?.at ?? null;
    const key = (sku: string, when: Date) => `${order.tenantId}:${sku}:${order.locationCode}:${dayOf(when)}`;
    for (const line of order.lines) {
      const id = `so:${String(order._id)}:${line.line}`;
      out.set(`${id}:demanded`, { kind: 'demanded', quantity: line.quantity, factKey: key(line.sku, order.orderedAt) });
      const shippedAt = at('shipped');
      if (shippedAt && line.shippedQuantity > 0)
        out.set(`${id}:fulfilled`, { kind: 'fulfilled', quantity: line.shippedQuantity, factKey: key(line.sku, shippedAt) });
      const cancelledAt = at('cancelled');
      if (cancelledAt && line.unfulfilledQuantity > 0)
        out.set(`${id}:unfulfilled`, { kind: 'unfulfilled', quantity: line.unfulfilledQuantity, factKey: key(line.sku, cancelledAt) });
    }
  }
  return out;
}

describe('CDC consumer crash safety (child processes, SIGKILL)', () => {
  let engine: Child;
  let client: MongoClient;
  let consumer: Child | null = null;

  beforeAll(async () => {
    engine = await startChild(['--import', 'tsx', '--conditions=source', 'embedded-mongo/src/cli.ts', '--port', '0', '--history', '1000000'], 'ready ');
    client = await new MongoClient(engine.line.slice('ready '.length).trim()).connect();
  });
  afterAll(async () => {
    tornDown = true;
    for (const child of children) if (child !== engine?.process) child.kill('SIGKILL');
    await client?.close();
    engine?.process.kill('SIGTERM');
    await engine?.exited;
  });

  it(`survives ≥ ${MIN_KILLS} SIGKILLs during ≥ ${MIN_EVENTS} source changes with exact raw events, facts and features`, async () => {
    const uri = engine.line.slice('ready '.length).trim();
    const random = seededRandom(SEED);
    const operational = client.db(OPERATIONAL_DB);
    const analytics = client.db(ANALYTICS_DB);

    // Each worker owns its SKUs (no write conflicts between producers); stock is plentiful.
    const writers = Array.from({ length: WORKERS }, (_, w) => ({
      source: sourceWriter(client, OPERATIONAL_DB, { customerCode: `C${w}` }),
      skus: [`S${w}-1`, `S${w}-2`, `S${w}-3`, `S${w}-4`, `S${w}-5`],
    }));
    for (const { source, skus } of writers) await source.seedCatalog(skus, 10_000_000, new Date(BASE_TIME - DAY_MS));
    // Two tenants' supply, partly there before the first start (backfilled), then changed throughout; one clock, a second a write.
    let tick = BASE_TIME;
    const supplyClock = () => new Date((tick += 1_000));
    const supplies = ['acme', 'globex'].map((tenantId) => ({ writer: supplyWriter(operational, { tenantId, clock: supplyClock }), open: [] as ObjectId[] }));
    const supplyRandom = seededRandom(SEED + 1);
    for (const { writer, open } of supplies) for (let n = 0; n < 40; n++) await supplyLife(writer, open, n, supplyRandom());

    // Our own view of the stream: how many source changes there were, and the last one's token.
    const ping = await client.db('admin').command({ ping: 1 });
    const watcher: ChangeStream = operational.watch(sourcePipeline(), { startAtOperationTime: ping.operationTime, batchSize: 1000, maxAwaitTimeMS: 200 });
    const producing = { value: true };
    const seen = { events: 0, lastToken: null as { _data: string } | null };
    const drain = async (until: () => boolean): Promise<void> => {
      while (!until()) {
        const finished = !producing.value;
        const event = await watcher.tryNext();
        if (!event) {
          if (finished) return; // an empty batch asked for after the producer finished: we have seen the last change
          continue;
        }
        seen.events += 1;
        seen.lastToken = event._id as { _data: string };
      }
    };

    // First start: a backfill of the seed; production (and killing) begins once it streams, so the kills hit the streaming path.
    const checkpoints = analytics.collection<CdcCheckpoint>(CHECKPOINT_COLLECTION);
    consumer = await startConsumer(uri);
    for (
      let saved = await checkpoints.findOne({ _id: 'operational' });
      !saved || saved.backfill !== null;
      saved = await checkpoints.findOne({ _id: 'operational' })
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = Date.now();
    let produced = 0;
    const rolls = Array.from({ length: 4_000 }, () => random());
    const producer = (async () => {
      let next = 0;
      let supplied = 0;
      await Promise.all([
        ...writers.map(async ({ source, skus }) => {
          while (produced < MIN_EVENTS) {
            const n = next++;
            const changes = await orderLife(source, skus, n, rolls[n % rolls.length]!);
            produced += changes; // (not `produced += await …`: that would read `produced` before the await)
          }
        }),
        (async () => {
          for (let n = 40; produced < MIN_EVENTS && supplied < SUPPLY_EVENTS; n++) {
            const { writer, open } = supplies[n % 2]!;
            const changes = await supplyLife(writer, open, n, supplyRandom());
            supplied += changes;
            produced += changes;
          }
        })(),
      ]);
      producing.value = false;
    })();
    const watching = drain(() => false);

    let kills = 0;
    while (producing.value || kills < MIN_KILLS) {
      await new Promise((resolve) => setTimeout(resolve, 300 + random() * 2_200)); // after its ready line: mid-startup, mid-batch, between batches
      consumer.process.kill('SIGKILL');
      await consumer.exited;
      kills += 1;
      consumer = await startConsumer(uri);
      const saved = await checkpoints.findOne({ _id: 'operational' });
      progress(`kill ${kills}: produced ~${produced}, stream saw ${seen.events}, consumer had processed ${saved?.eventsProcessed ?? 0}`);
    }
    await producer;
    progress(`producer done: ${produced}`);
    await watching;
    expect(seen.events).toBeGreaterThanOrEqual(MIN_EVENTS);

    // Caught up: the checkpoint has reached the last source change (tokens compare as positions).
    const target = seen.lastToken!._data;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const saved = (await checkpoints.findOne({ _id: 'operational' }))?.resumeToken as { _data: string } | null | undefined;
      if (saved && saved._data >= target) break;
      progress(`catching up: ${await analytics.collection('rawSalesEvents').estimatedDocumentCount()} raw sales events`);
      if (Date.now() > deadline) throw new Error(`consumer did not catch up (checkpoint ${saved?._data ?? 'none'}, last ${target})`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    consumer.process.kill('SIGTERM');
    await consumer.exited;
    consumer = null;
    await watcher.close();

    // 1. Raw sales events: exactly what the final orders imply — no loss, no duplicate, same quantities.
    const orders = await operational.collection<SourceOrder>('salesOrders').find().toArray();
    const expected = expectedEvents(orders);
    const raw = await analytics
      .collection<Document>('rawSalesEvents')
      .find({}, { projection: { kind: 1, quantity: 1, factKey: 1 } })
      .toArray();
    const actual = new Map(raw.map((r) => [String(r._id), { kind: r.kind, quantity: r.quantity, factKey: r.factKey }]));
    expect(raw.length).toBe(actual.size);
    expect([...actual.keys()].filter((id) => !expected.has(id))).toEqual([]); // nothing extra
    expect([...expected.keys()].filter((id) => !actual.has(id))).toEqual([]); // nothing lost
    expect(actual).toEqual(expected);

    // 2. Daily facts: their sales quantities match the orders, and a full recomputation changes nothing.
    const sums = new Map<string, { quantityDemanded: number; quantitySold: number; quantityUnfulfilled: number }>();
    for (const event of expected.values()) {
      const sum = sums.get(event.factKey) ?? { quantityDemanded: 0, quantitySold: 0, quantityUnfulfilled: 0 };
      if (event.kind === 'demanded') sum.quantityDemanded += event.quantity;
      if (event.kind === 'fulfilled') sum.quantitySold += event.quantity;
      if (event.kind === 'unfulfilled') sum.quantityUnfulfilled += event.quantity;
      sums.set(event.factKey, sum);
    }
    const facts = analytics.collection<Document>('dailySalesFacts');
    const incremental = await facts.find({}, { sort: { _id: 1 } }).toArray();
    const rows = new Map(incremental.map((row) => [String(row._id), row]));
    for (const [key, sum] of sums) {
      const row = rows.get(key);
      expect({ key, ...sum }).toEqual({
        key,
        quantityDemanded: row?.quantityDemanded,
        quantitySold: row?.quantitySold,
        quantityUnfulfilled: row?.quantityUnfulfilled,
      });
    }
    // recomputeAllFacts derives every row from the raw events by another route and writes nothing.
    expect(incremental).toEqual(await recomputeAllFacts(analytics));

    // 3. Supply mirrors: exactly the final source documents, each tenant's under its own keys.
    const supplyMirrors = await storedSupplyMirrors(analytics);
    expect(supplyMirrors).toEqual(await expectedSupplyMirrors(operational));
    expect(new Set(supplyMirrors.purchaseOrders.map((po) => po.tenantId))).toEqual(new Set(['acme', 'globex']));
    expect(supplyMirrors.suppliers.length).toBeGreaterThan(2);

    // 4. Features: no feature work was lost with a killed process (the queue is committed with the facts).
    const worker = createFeatureWorker(analytics);
    const leftQueued = await analytics.collection(FEATURE_QUEUE).countDocuments();
    await worker.settle();
    await worker.close();
    const features = analytics.collection<Document>(FEATURES);
    const stored = await features.find({}, { sort: { _id: 1 } }).toArray();
    expect(stored.length).toBeGreaterThan(0);
    const series = await facts.aggregate<{ _id: { tenantId: string; sku: string } }>([{ $group: { _id: { tenantId: '$tenantId', sku: '$sku' } } }]).toArray();
    const histories = analytics.collection<Document>(FEATURE_HISTORY);
    const storedHistories = await histories.find({}, { sort: { _id: 1 } }).toArray();
    expect(storedHistories.length).toBeGreaterThan(0);
    await features.deleteMany({});
    await histories.deleteMany({});
    await recomputeFeatures(
      analytics,
      series.map((s) => ({ ...s._id, fromDay: '2000-01-01' })),
    );
    expect(stored).toEqual(await features.find({}, { sort: { _id: 1 } }).toArray());
    expect(storedHistories).toEqual(await histories.find({}, { sort: { _id: 1 } }).toArray());

    process.stderr.write(
      `cdc-crash: ${seen.events} source changes, ${orders.length} orders, ${supplyMirrors.purchaseOrders.length} purchase orders, ${kills} SIGKILLs, ${raw.length} raw sales events, ${incremental.length} fact rows, ${stored.length} feature rows (${leftQueued} feature batches still queued at the end), ${Math.round((Date.now() - started) / 1000)} s\n`,
    );
  }, 120_000);
});
