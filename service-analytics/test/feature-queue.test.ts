/**
 * The durable feature queue: each facts transaction queues what it touched,
 * a worker that never ran (a crash) leaves the work queued for the next one,
 * work queued while a round computes is not lost to that round's
 * completion, and many queued batches make one recomputation per SKU.
 */
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildScenario } from './support/scenario.js';
import { recordFacts } from '../src/facts/record-facts.js';
import { completeFeatureWork, featureQueueDepth, readFeatureWork } from '../src/features/feature-queue.js';
import { createFeatureWorker } from '../src/features/feature-worker.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import { ensureAnalyticsIndexes } from '../src/pipeline.js';
import './support/provided-context.js';

let client: MongoClient;
const dbs: Db[] = [];

async function freshDb(name: string): Promise<Db> {
  const db = client.db(`fq_${name}_${process.pid}_${Math.random().toString(36).slice(2, 7)}`);
  await ensureAnalyticsIndexes(db);
  dbs.push(db);
  return db;
}

const featureRows = (db: Db) => db.collection('features').find({}).sort({ _id: 1 }).toArray();

beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUri'));
});
afterAll(async () => {
  for (const db of dbs) await db.dropDatabase();
  await client.close();
});

// 45 days so SKUs pass the 28-day minimum history and get feature rows.
const scenario = buildScenario({ seed: 11, days: 45, ordersPerDay: 6 });
const batches = (size: number) => Array.from({ length: Math.ceil(scenario.changes.length / size) }, (_, i) => scenario.changes.slice(i * size, (i + 1) * size));
/** Every `${tenantId}:${sku}` the scenario's orders sell. */
const sold = new Set(
  scenario.changes.flatMap((c) =>
    ((c.fullDocument?.['lines'] as Array<{ sku: string }> | undefined) ?? []).map((l) => `${String(c.fullDocument!['tenantId'])}:${l.sku}`),
  ),
);

describe('the feature queue', () => {
  it('is written with the facts: a process that died before any feature work leaves it all for the next worker', async () => {
    const db = await freshDb('crash');
    for (const batch of batches(100)) await recordFacts(db, batch);
    // "Crash": facts committed, no worker ever ran.
    expect(await db.collection('features').countDocuments()).toBe(0);
    expect(await featureQueueDepth(db)).toBe(batches(100).length); // one entry per facts transaction
    // Merged, the queue names every SKU sold once, each from its earliest touched day: its first fact day.
    const work = await readFeatureWork(db, 10_000);
    expect(work.ids.length).toBe(batches(100).length);
    const earliest = new Map(work.touches.map((t) => [`${t.tenantId}:${t.sku}`, t]));
    expect(work.touches.length).toBe(earliest.size);
    expect([...earliest.keys()].sort()).toEqual([...sold].sort());
    const firstDays = await db
      .collection('dailySalesFacts')
      .aggregate<{ _id: { tenantId: string; sku: string }; first: string }>([
        { $group: { _id: { tenantId: '$tenantId', sku: '$sku' }, first: { $min: '$day' } } },
      ])
      .toArray();
    expect(Object.fromEntries([...earliest].map(([id, t]) => [id, t.fromDay]))).toEqual(
      Object.fromEntries(firstDays.map((r) => [`${r._id.tenantId}:${r._id.sku}`, r.first])),
    );

    // A new process: its worker drains the queue, and the features equal a recomputation of every SKU from scratch.
    const worker = createFeatureWorker(db);
    await worker.settle();
    await worker.close();
    expect(await featureQueueDepth(db)).toBe(0);
    const drained = await featureRows(db);
    expect(drained.length).toBeGreaterThan(0);

    const scratch = await freshDb('scratch');
    for (const batch of batches(1_000)) await recordFacts(scratch, batch);
    await recomputeFeatures(
      scratch,
      [...earliest.values()].map((t) => ({ ...t, fromDay: '2000-01-01' })),
    );
    expect(drained).toEqual(await featureRows(scratch));
  });

  it('keeps work queued while a round computed: completion removes only the entries it read', async () => {
    const db = await freshDb('race');
    const [first, second] = batches(200);
    await recordFacts(db, first!);
    const read = await readFeatureWork(db, 10_000);
    expect(read.ids.length).toBe(1);
    // Meanwhile the next batch's facts commit.
    await recordFacts(db, second!);
    expect(await completeFeatureWork(db, read.ids)).toBe(1);
    const left = await readFeatureWork(db, 10_000);
    expect(left.ids.length).toBe(1);
    expect(left.ids[0]).not.toEqual(read.ids[0]);
    expect(left.touches.length).toBeGreaterThan(0);
  });

  it('merges many queued batches into one recomputation per SKU, in a background round once resumed', async () => {
    const db = await freshDb('merge');
    for (const batch of batches(20)) await recordFacts(db, batch);
    expect(await featureQueueDepth(db)).toBe(batches(20).length);
    // One round takes every entry (the default round size is far above this): each SKU is then recomputed once.
    const worker = createFeatureWorker(db, { intervalMs: 10, pollMs: 10 });
    worker.resume();
    const deadline = Date.now() + 20_000;
    while ((await featureQueueDepth(db)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await worker.close();
    expect(await featureQueueDepth(db)).toBe(0);
    expect(batches(20).length).toBeGreaterThan(3 * sold.size);
    expect(worker.status().skus).toBe(sold.size); // every SKU recomputed once, however many batches named it
  });
});
