/**
 * The CDC consumer through the real driver on a real change stream
 * (embedded-mongo, or mongod when the chain finds one): ordering, checkpoints,
 * restarts, failures mid-batch, first-start backfill, and a lost resume point.
 */
import { callbackLogger, startDatabase, type StartedDatabase } from '@icc/shared';
import { MongoClient, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BACKFILL_ORDER } from '../src/cdc/backfill.js';
import { createCdcConsumer, type CdcConsumer, type CdcConsumerOptions } from '../src/cdc/cdc-consumer.js';

interface CdcLogEvent {
  level: string;
  msg: string;
  [field: string]: unknown;
}
import { SOURCE_COLLECTIONS, type ChangeSink, type SourceChange } from '../src/cdc/cdc.types.js';
import { CHECKPOINT_COLLECTION, type CdcCheckpoint } from '../src/cdc/checkpoint-store.js';
import { sourceWriter, type SourceWriter } from './support/source-writer.js';
import './support/provided-context.js';
import { waitFor } from './support/wait-for.js';

// ---------- a recording sink and what the tests compare ----------

interface RecordingSink extends ChangeSink {
  readonly changes: SourceChange[];
  readonly batches: SourceChange[][];
  /** Runs before a batch is recorded: throw to fail it, await to hold it in flight. */
  before?: (changes: readonly SourceChange[], batchIndex: number) => Promise<void> | void;
}

function recordingSink(): RecordingSink {
  const sink: RecordingSink = {
    changes: [],
    batches: [],
    async apply(changes) {
      await sink.before?.(changes, sink.batches.length);
      sink.batches.push([...changes]);
      sink.changes.push(...changes);
    },
  };
  return sink;
}

const keyOf = (c: Pick<SourceChange, 'collection' | 'documentKey'>) => `${c.collection}:${String(c.documentKey._id)}`;

/** Keys whose latest delivered document differs from the source now (missing or stale). */
async function differences(operational: Db, changes: readonly SourceChange[]): Promise<string[]> {
  const seen = new Map<string, Document | null>();
  for (const change of changes) seen.set(keyOf(change), change.fullDocument);
  const out: string[] = [];
  for (const collection of SOURCE_COLLECTIONS) {
    for (const doc of await operational.collection(collection).find().toArray()) {
      const key = keyOf({ collection, documentKey: { _id: doc._id } });
      if (JSON.stringify(seen.get(key)) !== JSON.stringify(doc)) out.push(key);
    }
  }
  return out;
}

// ---------- fixtures ----------

let client: MongoClient;
let dbCounter = 0;

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect();
});
afterAll(async () => {
  await client.close();
});

interface Fixture {
  operational: Db;
  analytics: Db;
  source: SourceWriter;
  consumer(sink: ChangeSink, extra?: Partial<CdcConsumerOptions>): CdcConsumer;
  checkpoint(): Promise<CdcCheckpoint | null>;
  logs: CdcLogEvent[];
}

/** Fresh operational and analytics databases on `on`, with 4 SKUs of stock. */
async function fixture(on: MongoClient = client): Promise<Fixture> {
  dbCounter += 1;
  const tag = `${process.pid}_${dbCounter}`;
  const operationalDb = `cdc_op_${tag}`;
  const analyticsDb = `cdc_an_${tag}`;
  const source = sourceWriter(on, operationalDb);
  await source.seedCatalog(['A-1', 'A-2', 'A-3', 'A-4'], 1_000_000);
  // A last write the consumer does not follow: a backfill's start time then lies past the seed, so
  // the seed's changes are not streamed again (at the start time itself they may be, by design).
  await on.db(operationalDb).collection<{ _id: string; name: string }>('tenants').insertOne({ _id: 'acme', name: 'Acme' });
  const logs: CdcLogEvent[] = [];
  const started: CdcConsumer[] = [];
  afterAllStops.push(() => Promise.all(started.map((c) => c.stop())));
  return {
    operational: on.db(operationalDb),
    analytics: on.db(analyticsDb),
    source,
    logs,
    consumer(sink, extra = {}) {
      const consumer = createCdcConsumer({
        client: on,
        operationalDb,
        analyticsDb,
        sink,
        maxAwaitTimeMS: 50,
        log: callbackLogger((level, msg, fields) => logs.push({ level, msg, ...fields })),
        ...extra,
      });
      started.push(consumer);
      return consumer;
    },
    checkpoint: () => on.db(analyticsDb).collection<CdcCheckpoint>(CHECKPOINT_COLLECTION).findOne({ _id: 'operational' }),
  };
}
const afterAllStops: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  await Promise.all(afterAllStops.map((stop) => stop()));
});

/** n orders of two lines, each created+confirmed then shipped: 10 source changes per order. */
async function orders(source: SourceWriter, n: number, offset = 0): Promise<void> {
  for (let i = 0; i < n; i++) {
    const id = await source.createOrder(
      [
        { sku: `A-${((i + offset) % 4) + 1}`, quantity: 1 + (i % 3) },
        { sku: `A-${((i + offset + 1) % 4) + 1}`, quantity: 2 },
      ],
      { confirm: true },
    );
    await source.shipOrder(id);
  }
}

// ---------- tests ----------

describe('CDC consumer', () => {
  it('backfills in an order that covers every source collection once', () => {
    expect([...BACKFILL_ORDER].sort()).toEqual([...SOURCE_COLLECTIONS].sort());
  });

  it('delivers every change in source order, with the full document, and checkpoints only after the batch', async () => {
    const f = await fixture();
    const sink = recordingSink();
    const consumer = f.consumer(sink, { batchSize: 7 });
    // While a batch is being applied, the checkpoint must still be the one from before it.
    const checkpointsDuringApply: Array<string | null> = [];
    const checkpointsAfter: Array<string | null> = [];
    sink.before = async () => {
      checkpointsDuringApply.push(JSON.stringify((await f.checkpoint())?.resumeToken ?? null));
    };
    consumer.onBatch(() => {
      void f.checkpoint().then((c) => checkpointsAfter.push(JSON.stringify(c?.resumeToken ?? null)));
    });
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'streaming');
    const backfilled = sink.changes.length;
    expect(backfilled).toBe(12); // the seeded catalog: 4 products, 4 positions, 4 receipt rows
    const streamedFrom = sink.batches.length;

    await orders(f.source, 5);
    await waitFor(() => sink.changes.length >= backfilled + 50, '50 streamed changes');
    const streamed = sink.changes.slice(backfilled);
    expect(streamed).toHaveLength(50);
    expect(sink.batches.slice(streamedFrom).every((b) => b.length <= 7)).toBe(true);

    // Cluster times never go backwards, and every change carries its document.
    const times = streamed.map((c) => c.clusterTime!);
    for (let i = 1; i < times.length; i++) expect(times[i]!.comp(times[i - 1]!)).toBeGreaterThanOrEqual(0);
    expect(streamed.every((c) => c.fullDocument !== null && c.clusterTime !== null)).toBe(true);

    // Each order: inserted confirmed, then updated to shipped (updateLookup: the document as it is now).
    const orderChanges = streamed.filter((c) => c.collection === 'salesOrders');
    expect(orderChanges.map((c) => c.operationType)).toEqual([
      'insert',
      'update',
      'insert',
      'update',
      'insert',
      'update',
      'insert',
      'update',
      'insert',
      'update',
    ]);
    expect(orderChanges[0]!.fullDocument).toMatchObject({ status: 'confirmed', lines: [{ line: 0, status: 'reserved' }, { line: 1 }] });
    expect(orderChanges[1]!.fullDocument).toMatchObject({
      status: 'shipped',
      statusHistory: [{ status: 'pending' }, { status: 'confirmed' }, { status: 'shipped' }],
    });
    // Within a transaction, ledger rows and positions precede the order (the operation order of the commit).
    const firstOrder = streamed.findIndex((c) => c.collection === 'salesOrders');
    expect(
      streamed
        .slice(0, firstOrder)
        .map((c) => c.collection)
        .sort(),
    ).toEqual(['stockMovements', 'stockMovements', 'stockPositions', 'stockPositions']);

    await waitFor(() => checkpointsAfter.length === sink.batches.length, 'checkpoint reads');
    // During each streamed batch the saved token was the previous batch's; after it, a new one.
    const afterStream = checkpointsAfter.slice(streamedFrom);
    const duringStream = checkpointsDuringApply.slice(streamedFrom);
    for (let i = 1; i < afterStream.length; i++) {
      expect(duringStream[i]).toBe(afterStream[i - 1]);
      expect(afterStream[i]).not.toBe(afterStream[i - 1]);
    }
    const saved = await f.checkpoint();
    expect(saved).toMatchObject({ _id: 'operational', backfill: null, eventsProcessed: backfilled + 50 });
    expect(saved!.resumeToken).not.toBeNull();
    expect(consumer.status()).toMatchObject({ state: 'streaming', eventsProcessed: backfilled + 50 });
    await consumer.stop();
    expect(consumer.status().state).toBe('stopped');
  });

  it('resumes after a restart from the checkpoint, with nothing missed or repeated', async () => {
    const f = await fixture();
    const first = recordingSink();
    const a = f.consumer(first);
    await a.start();
    await orders(f.source, 3);
    await waitFor(async () => (await differences(f.operational, first.changes)).length === 0, 'first consumer caught up');
    await a.stop();
    const seenBefore = first.changes.length;

    await orders(f.source, 4, 1); // written while nobody consumes: 40 changes
    const second = recordingSink();
    const b = f.consumer(second);
    await b.start();
    await waitFor(() => second.changes.length >= 40, '40 changes after restart');
    await new Promise((resolve) => setTimeout(resolve, 200)); // nothing more may come
    expect(second.changes).toHaveLength(40);
    expect(second.changes.every((c) => c.operationType === 'insert' || c.operationType === 'update')).toBe(true);
    expect(await differences(f.operational, [...first.changes, ...second.changes])).toEqual([]);
    expect(b.status().eventsProcessed).toBe(seenBefore + 40); // totals carry over through the checkpoint
    await b.stop();
  });

  it('delivers a failed batch again (sink throws mid-batch) and loses nothing', async () => {
    const f = await fixture();
    const sink = recordingSink();
    let failures = 0;
    const consumer = f.consumer(sink, { batchSize: 10 });
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'streaming');
    const failedBatch: string[] = [];
    sink.before = (changes) => {
      // Fail the first batch holding an order, after part of it "was written": the pipeline crashed midway.
      if (failures === 0 && changes.some((c) => c.collection === 'salesOrders')) {
        failures += 1;
        failedBatch.push(...changes.map((c) => `${keyOf(c)}@${c.clusterTime!.toBigInt()}`));
        throw new Error('pipeline crashed mid-batch');
      }
    };
    await orders(f.source, 6);
    await waitFor(async () => (await differences(f.operational, sink.changes)).length === 0, 'caught up after the failure');
    expect(failures).toBe(1);
    expect(f.logs.some((e) => e.level === 'error' && /restarting from the checkpoint/.test(e.msg))).toBe(true);
    const delivered = sink.changes.map((c) => `${keyOf(c)}@${c.clusterTime?.toBigInt() ?? 'backfill'}`);
    for (const change of failedBatch) expect(delivered).toContain(change);
    // Every streamed change exactly once (the failed delivery never reached `changes`).
    const streamed = delivered.filter((d) => !d.endsWith('@backfill'));
    expect(new Set(streamed).size).toBe(streamed.length);
    expect(streamed).toHaveLength(60);
    await consumer.stop();
  });

  it('after a crash mid-batch (the checkpoint never written), a new consumer gets that batch again', async () => {
    const f = await fixture();
    const crashingClient = await new MongoClient(inject('mongoUri')).connect();
    const doomed = recordingSink();
    let release: () => void = () => {};
    const consumerA = createCdcConsumer({
      client: crashingClient,
      operationalDb: f.operational.databaseName,
      analyticsDb: f.analytics.databaseName,
      sink: doomed,
      maxAwaitTimeMS: 50,
    });
    await consumerA.start();
    await waitFor(() => consumerA.status().state === 'streaming', 'streaming');
    const held: SourceChange[] = [];
    doomed.before = async (changes) => {
      if (held.length === 0 && changes.some((c) => c.collection === 'salesOrders')) {
        held.push(...changes);
        await new Promise<void>((resolve) => (release = resolve)); // in flight "forever"
      }
    };
    await orders(f.source, 2);
    await waitFor(() => held.length > 0, 'a batch in flight');
    // The process "dies": its connections go away before the checkpoint of that batch is written.
    await crashingClient.close(true);
    release();
    await consumerA.stop();

    const sink = recordingSink();
    const consumerB = f.consumer(sink);
    await consumerB.start();
    await waitFor(async () => (await differences(f.operational, [...doomed.changes, ...sink.changes])).length === 0, 'caught up');
    const again = new Set(sink.changes.map((c) => `${keyOf(c)}@${c.clusterTime!.toBigInt()}`));
    for (const change of held) expect(again.has(`${keyOf(change)}@${change.clusterTime!.toBigInt()}`)).toBe(true);
    await consumerB.stop();
  });

  it('first start: backfills what exists, then streams without a gap while writes continue', async () => {
    const f = await fixture();
    await orders(f.source, 60); // 600 changes' worth of documents before the consumer exists
    const sink = recordingSink();
    // Small pages and batches, and a slow sink: the backfill takes a while, during which orders keep coming.
    sink.before = () => new Promise((resolve) => setTimeout(resolve, 2));
    const consumer = f.consumer(sink, { batchSize: 20, backfillPageSize: 40 });
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await orders(f.source, 1, written);
        written += 1;
      }
    })();
    await consumer.start();
    expect(consumer.status().state).toBe('backfilling');
    await waitFor(() => consumer.status().state === 'streaming', 'backfill to finish', 30_000);
    await orders(f.source, 3); // some after the switch too
    writing = false;
    await writer;
    expect(written).toBeGreaterThan(0);
    await waitFor(async () => (await differences(f.operational, sink.changes)).length === 0, 'every document final', 30_000);
    const backfilled = sink.changes.filter((c) => c.clusterTime === null);
    expect(backfilled.length).toBeGreaterThanOrEqual(60 * 5 + 12);
    expect(backfilled.every((c) => c.operationType === 'replace')).toBe(true);
    // Reference data first: the first backfilled change is a product.
    expect(backfilled[0]!.collection).toBe('products');
    const saved = await f.checkpoint();
    expect(saved!.backfill).toBeNull();
    await consumer.stop();
  });

  it('a backfill delivers batches of backfillBatchSize, the stream batches of batchSize', async () => {
    const f = await fixture();
    await orders(f.source, 20);
    const sink = recordingSink();
    const phases: string[] = [];
    const consumer = f.consumer(
      {
        apply: (changes, context) => {
          phases.push(context?.phase ?? 'none');
          return sink.apply(changes, context);
        },
      },
      { batchSize: 4, backfillBatchSize: 30 },
    );
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'backfill to finish', 30_000);
    await orders(f.source, 3);
    await waitFor(async () => (await differences(f.operational, sink.changes)).length === 0, 'every document final', 30_000);
    await consumer.stop();
    const backfilled = sink.batches.filter((_, i) => phases[i] === 'backfill');
    const streamed = sink.batches.filter((_, i) => phases[i] === 'stream');
    // Each collection's documents come in batches of 30 (its last one shorter), never mixed with another collection's.
    const perCollection = new Map<string, number>();
    for (const change of backfilled.flat()) perCollection.set(change.collection, (perCollection.get(change.collection) ?? 0) + 1);
    const expected = [...perCollection.values()].flatMap((n) => [...Array<number>(Math.floor(n / 30)).fill(30), ...(n % 30 ? [n % 30] : [])]);
    const bySize = (a: number, b: number) => a - b;
    expect(backfilled.map((b) => b.length).sort(bySize)).toEqual(expected.sort(bySize));
    expect(Math.max(...backfilled.map((b) => b.length))).toBe(30);
    expect(streamed.length).toBeGreaterThan(0);
    expect(Math.max(...streamed.map((b) => b.length))).toBeLessThanOrEqual(4);
  });

  it('a backfill interrupted by stop() continues where it stopped', async () => {
    const f = await fixture();
    await orders(f.source, 30);
    await f.operational.collection('idempotencyKeys').insertOne({ settle: true }); // see fixture(): no re-streamed tail
    const first = recordingSink();
    let stopAfter = 3;
    const a = f.consumer(first, { batchSize: 25, backfillPageSize: 50 });
    const stopped = new Promise<void>((resolve) => {
      a.onBatch(() => {
        if (--stopAfter === 0) resolve();
      });
    });
    await a.start();
    await stopped;
    await a.stop();
    const progress = (await f.checkpoint())!.backfill;
    expect(progress).not.toBeNull();

    const second = recordingSink();
    const b = f.consumer(second, { batchSize: 25, backfillPageSize: 50 });
    await b.start();
    await waitFor(() => b.status().state === 'streaming', 'streaming');
    const all = [...first.changes, ...second.changes];
    expect(await differences(f.operational, all)).toEqual([]);
    // No document re-read twice: the second run started after the first one's last batch.
    const keys = all.map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    await b.stop();
  });
});

describe('CDC consumer with a short change history', () => {
  let database: StartedDatabase;
  let small: MongoClient;
  beforeAll(async () => {
    database = await startDatabase({ env: { MONGO_ENGINE: 'embedded', LOG_LEVEL: 'warn' }, historyLimit: 200 });
    small = await new MongoClient(database.uri).connect();
  });
  afterAll(async () => {
    await small?.close();
    await database?.stop();
  });

  it('detects the lost resume point (286), backfills, and ends with every document final', async () => {
    const f = await fixture(small);
    const sink = recordingSink();
    const a = f.consumer(sink);
    await a.start();
    await orders(f.source, 3);
    await waitFor(async () => (await differences(f.operational, sink.changes)).length === 0, 'caught up');
    await a.stop();

    await orders(f.source, 30, 2); // 300 changes > 200 kept
    const b = f.consumer(sink);
    await b.start();
    await waitFor(() => b.status().state === 'streaming' && f.logs.some((e) => /resume point lost/.test(e.msg)), 'history loss handled');
    expect(f.logs.find((e) => /resume point lost/.test(e.msg))!.error).toMatch(/oplog|286|history/i);
    await orders(f.source, 2);
    await waitFor(async () => (await differences(f.operational, sink.changes)).length === 0, 'every document final after the backfill');
    await b.stop();
  });

  it('keeps a quiet consumer inside the window: the token advances on empty batches', async () => {
    const f = await fixture(small);
    const sink = recordingSink();
    const a = f.consumer(sink, { quietCheckpointMs: 0 });
    await a.start();
    await waitFor(() => a.status().state === 'streaming', 'streaming');
    const before = (await f.checkpoint())!;
    const seen = sink.changes.length;
    // Lots of writes the consumer does not follow (not source collections): the history rolls over.
    const other = f.operational.collection('idempotencyKeys');
    for (let i = 0; i < 300; i++) await other.insertOne({ i });
    await waitFor(async () => JSON.stringify((await f.checkpoint())!.resumeToken) !== JSON.stringify(before.resumeToken), 'token moved');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(a.status().lagSeconds).toBe(0);
    await a.stop();
    expect(sink.changes.length).toBe(seen);

    const b = f.consumer(sink, { quietCheckpointMs: 0 });
    await b.start();
    await orders(f.source, 1);
    await waitFor(() => sink.changes.length === seen + 10, 'the next order');
    expect(f.logs.some((e) => /resume point lost/.test(e.msg))).toBe(false);
    await b.stop();
  });
});
