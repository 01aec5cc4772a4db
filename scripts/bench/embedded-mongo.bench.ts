/**
 * embedded-mongo throughput and latency, from one driver client.
 *
 *   pnpm bench:embedded-mongo [--large 1000000] [--ops 5000] [--json]
 *
 * Measures, with the engine in its own process: single inserts/s (one at a
 * time, and 32 in flight), `_id` lookups/s and indexed-equality lookups/s at
 * 10k and at `--large` documents (they must stay flat: lookups use indexes, not
 * scans), and change-event latency commit → consumer p50/p99.
 * Targets: ≥ 5,000 inserts/s, ≥ 5,000 lookups/s, change p99 < 10 ms.
 */
import { parseArgs } from 'node:util';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { startEngineProcess } from '../src/bench-kit/child-engine.js';
import { latencyHistogram, measureThroughput, nowMicros, percentiles } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    large: { type: 'string', default: '1000000' },
    ops: { type: 'string', default: '5000' },
    events: { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});
const LARGE = Number(flags.large);
const OPS = Number(flags.ops);
const EVENTS = Number(flags.events);
const SMALL = 10_000;

const progress = (line: string) => process.stderr.write(`${line}\n`);

function aDoc(i: number): Document {
  return { sku: `SKU-${i.toString().padStart(8, '0')}`, name: `Product ${i}`, price: (i % 500) + 0.99, category: `cat-${i % 40}` };
}

async function fillTo(collection: Collection, target: number): Promise<void> {
  let have = await collection.estimatedDocumentCount();
  while (have < target) {
    const batch = Array.from({ length: Math.min(10_000, target - have) }, (_, k) => aDoc(have + k));
    await collection.insertMany(batch, { ordered: false });
    have += batch.length;
    if (have % 100_000 === 0) progress(`  loaded ${have.toLocaleString()} documents`);
  }
}

async function lookups(collection: Collection, size: number, ids: unknown[]) {
  const byId = (i: number) => collection.findOne({ _id: ids[(i * 7919) % ids.length] as never });
  const bySku = (i: number) => collection.findOne({ sku: aDoc((i * 104_729) % size).sku });
  const id = await measureThroughput(OPS, 1, byId);
  const indexed = await measureThroughput(OPS, 1, bySku);
  const id32 = await measureThroughput(OPS * 2, 32, byId);
  const indexed32 = await measureThroughput(OPS * 2, 32, bySku);
  return {
    idLookupsPerSecond: id.opsPerSecond,
    idLatency: id.latency,
    indexedLookupsPerSecond: indexed.opsPerSecond,
    indexedLatency: indexed.latency,
    idLookupsPerSecond32: id32.opsPerSecond,
    indexedLookupsPerSecond32: indexed32.opsPerSecond,
  };
}

async function changeLatency(client: MongoClient) {
  const collection = client.db('bench').collection('events');
  const stream = collection.watch([], { maxAwaitTimeMS: 500 });
  const histogram = latencyHistogram();
  let received = 0;
  const done = new Promise<void>((resolve) => {
    stream.on('change', (event: Document) => {
      histogram.recordValue(Math.max(1, nowMicros() - (event.fullDocument as { sentAt: number }).sentAt));
      if (++received === EVENTS) resolve();
    });
  });
  await new Promise((r) => setTimeout(r, 200)); // let the stream's first getMore start waiting
  const writer = client.db('bench').collection('events');
  for (let i = 0; i < EVENTS; i++) {
    // Paced, one at a time: this measures latency, not queueing behind a burst.
    await writer.insertOne({ i, sentAt: nowMicros() });
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1));
  }
  await done;
  await stream.close();
  const result = percentiles(histogram);
  histogram.destroy();
  return result;
}

async function main(): Promise<void> {
  const engine = await startEngineProcess(['--history', String(Math.max(100_000, EVENTS * 2))]);
  const client = await MongoClient.connect(engine.uri, { maxPoolSize: 64 });
  try {
    const products = client.db('bench').collection('products');
    await products.createIndex({ sku: 1 }, { unique: true });

    // Warm-up: the first few thousand operations measure JIT compilation of the driver and engine, not steady state.
    progress('warm-up');
    await measureThroughput(OPS, 4, (i) => client.db('bench').collection('warmup').insertOne({ i }));
    await measureThroughput(OPS, 4, (i) => client.db('bench').collection('warmup').findOne({ i }));
    progress('single inserts');
    const inserts = await measureThroughput(OPS, 1, (i) => client.db('bench').collection('inserts').insertOne({ i, at: new Date() }));
    const insertsConcurrent = await measureThroughput(OPS * 2, 32, (i) => client.db('bench').collection('inserts32').insertOne({ i, at: new Date() }));

    progress(`lookups at ${SMALL.toLocaleString()} documents`);
    await fillTo(products, SMALL);
    const smallIds = (
      await products
        .find({}, { projection: { _id: 1 } })
        .limit(SMALL)
        .toArray()
    ).map((d) => d._id);
    const small = await lookups(products, SMALL, smallIds);

    progress(`lookups at ${LARGE.toLocaleString()} documents`);
    await fillTo(products, LARGE);
    const large = await lookups(products, LARGE, smallIds);

    progress('change-event latency');
    const changes = await changeLatency(client);

    const report = {
      machine: describeMachine(),
      date: new Date().toISOString().slice(0, 10),
      insertsPerSecond: inserts.opsPerSecond,
      insertLatency: inserts.latency,
      insertsPerSecond32InFlight: insertsConcurrent.opsPerSecond,
      [`at${SMALL}`]: small,
      [`at${LARGE}`]: large,
      lookupFlatness: {
        id: Math.round((large.idLookupsPerSecond / small.idLookupsPerSecond) * 100) / 100,
        indexed: Math.round((large.indexedLookupsPerSecond / small.indexedLookupsPerSecond) * 100) / 100,
      },
      changeEventLatencyMs: changes,
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      console.log(`machine: ${report.machine}`);
      console.table({
        'single inserts/s (1 in flight)': { value: inserts.opsPerSecond, p99ms: inserts.latency.p99 },
        'single inserts/s (32 in flight)': { value: insertsConcurrent.opsPerSecond, p99ms: insertsConcurrent.latency.p99 },
        [`_id lookups/s @ ${SMALL} (1 / 32 in flight)`]: { value: small.idLookupsPerSecond, in32: small.idLookupsPerSecond32, p99ms: small.idLatency.p99 },
        [`_id lookups/s @ ${LARGE} (1 / 32 in flight)`]: { value: large.idLookupsPerSecond, in32: large.idLookupsPerSecond32, p99ms: large.idLatency.p99 },
        [`indexed lookups/s @ ${SMALL} (1 / 32 in flight)`]: {
          value: small.indexedLookupsPerSecond,
          in32: small.indexedLookupsPerSecond32,
          p99ms: small.indexedLatency.p99,
        },
        [`indexed lookups/s @ ${LARGE} (1 / 32 in flight)`]: {
          value: large.indexedLookupsPerSecond,
          in32: large.indexedLookupsPerSecond32,
          p99ms: large.indexedLatency.p99,
        },
        'change event p50 ms': { value: changes.p50, p99ms: changes.p99 },
      });
      console.log(`lookup rate at ${LARGE} ÷ at ${SMALL}: _id ${report.lookupFlatness.id}, indexed ${report.lookupFlatness.indexed}`);
    }
  } finally {
    await client.close();
    await engine.stop();
  }
}

await main();
