import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildScenario } from '../src/facts/fixtures/scenario.js';
import { FEATURE_STATE } from '../src/features/feature-backlog.js';
import { createPipeline, ensureAnalyticsIndexes } from '../src/pipeline.js';

let client: MongoClient;
const dbs: Db[] = [];

async function freshDb(name: string): Promise<Db> {
  const db = client.db(`fb_${name}_${process.pid}_${Math.random().toString(36).slice(2, 7)}`);
  await ensureAnalyticsIndexes(db);
  dbs.push(db);
  return db;
}

const featureRows = (db: Db) =>
  db.collection('features').find({}, { projection: { _id: 1, demand: 1, lag1: 1, lag7: 1, rollingMean28: 1, trendIndex: 1 } }).sort({ _id: 1 }).toArray();

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

const marker = (db: Db) => db.collection(FEATURE_STATE).countDocuments({ _id: 'dirty' } as never);

describe('deferred feature recomputation while catching up', () => {
  it('defers features during full batches, then ends with exactly the features of an undeferred run', async () => {
    const eager = await freshDb('eager');
    const sinkEager = createPipeline(eager, { deferFeaturesAt: Number.POSITIVE_INFINITY });
    for (const batch of batches(50)) await sinkEager.apply(batch);

    const deferred = await freshDb('deferred');
    const sink = createPipeline(deferred, { deferFeaturesAt: 50, maxFeatureDeferMs: 60_000 });
    const full = batches(50).filter((b) => b.length === 50);
    for (const batch of full) await sink.apply(batch);
    // Nothing recomputed yet; the marker committed with the facts says work is pending.
    expect(await deferred.collection('features').countDocuments()).toBe(0);
    expect(await marker(deferred)).toBe(1);

    // The last, smaller batch means "caught up": everything deferred is recomputed.
    const rest = scenario.changes.slice(full.length * 50);
    await sink.apply(rest.length > 0 ? rest : scenario.changes.slice(-1));
    expect(await marker(deferred)).toBe(0);
    const rows = await featureRows(deferred);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(await featureRows(eager));
    expect(await marker(eager)).toBe(0);
  });

  it('recovers deferred work lost in a crash: the next process rebuilds features from the facts', async () => {
    const eager = await freshDb('eager2');
    const sinkEager = createPipeline(eager, { deferFeaturesAt: Number.POSITIVE_INFINITY });
    for (const batch of batches(100)) await sinkEager.apply(batch);

    const db = await freshDb('crash');
    const before = createPipeline(db, { deferFeaturesAt: 1, maxFeatureDeferMs: 60_000 });
    for (const batch of batches(100)) await before.apply(batch);
    // "Crash": the process (and its in-memory touches) is gone, features never computed.
    expect(await db.collection('features').countDocuments()).toBe(0);
    expect(await marker(db)).toBe(1);

    // A new process: its first batch (here a harmless re-delivery) finds the marker and rebuilds.
    const after = createPipeline(db);
    await after.apply(scenario.changes.slice(-1));
    expect(await marker(db)).toBe(0);
    expect(await featureRows(db)).toEqual(await featureRows(eager));
  });
});
