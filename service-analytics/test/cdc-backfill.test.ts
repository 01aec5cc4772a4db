/**
 * The CDC consumer feeding the real pipeline: how much feature work a
 * backfill and a stream catch-up cause, and that deferred work is finished
 * once the consumer has caught up, without waiting for another change.
 */
import { addUtcDays, parseDayKey } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCdcConsumer, type CdcConsumer } from '../src/cdc/cdc-consumer.js';
import { FEATURES } from '../src/features/feature-indexes.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import { createPipeline, ensureAnalyticsIndexes, type PipelineOptions, type PipelineStep } from '../src/pipeline.js';
import { sourceWriter, type SourceWriter } from './support/source-writer.js';
import './support/provided-context.js';

let client: MongoClient;
let dbCounter = 0;
const consumers: CdcConsumer[] = [];
const databases: Db[] = [];

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect();
});
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  for (const db of databases) await db.dropDatabase();
  await client.close();
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const SKUS = ['A-1', 'A-2', 'A-3', 'A-4'];
const FIRST_DAY = '2026-01-01';
/** Enough days for every SKU to pass the 28 days of history features need. */
const DAYS = 40;

/** Fresh operational and analytics databases; the operational one is written by `source`. */
async function fixture(): Promise<{ operationalDb: string; analytics: Db; source: SourceWriter }> {
  dbCounter += 1;
  const operationalDb = `cdcb_op_${process.pid}_${dbCounter}`;
  const analytics = client.db(`cdcb_an_${process.pid}_${dbCounter}`);
  databases.push(client.db(operationalDb), analytics);
  await ensureAnalyticsIndexes(analytics);
  return { operationalDb, analytics, source: sourceWriter(client, operationalDb) };
}

/** `DAYS` days of history from FIRST_DAY: one order a day of every SKU, confirmed and shipped that day. */
async function history(source: SourceWriter): Promise<void> {
  await source.seedCatalog(SKUS, 1_000_000, parseDayKey(FIRST_DAY));
  for (let d = 0; d < DAYS; d++) {
    const at = new Date(parseDayKey(addUtcDays(FIRST_DAY, d)).getTime() + 10 * 3_600_000);
    const id = await source.createOrder(SKUS.map((sku, k) => ({ sku, quantity: 1 + ((d + k) % 3) })), { confirm: true, at });
    await source.shipOrder(id, at);
  }
}

/** Every SKU sells every day: rows from its 29th day on. */
const FEATURE_ROWS = SKUS.length * (DAYS - 28);

/** The pipeline, counting how often each step ran. */
function countingPipeline(analytics: Db, options: PipelineOptions = {}) {
  const calls: Record<PipelineStep, number> = { mirror: 0, facts: 0, features: 0 };
  const sink = createPipeline(analytics, {
    ...options,
    timeStep: (step, work) => {
      calls[step] += 1;
      return work();
    },
  });
  return { sink, calls };
}

const storedFeatures = (analytics: Db) => analytics.collection(FEATURES).find({}).sort({ _id: 1 }).toArray();

/** What a recomputation of every SKU from all its facts stores. */
async function recomputedFromScratch(analytics: Db): Promise<unknown[]> {
  await analytics.collection(FEATURES).deleteMany({});
  await recomputeFeatures(analytics, SKUS.map((sku) => ({ tenantId: 'acme', sku, fromDay: '2000-01-01' })));
  return storedFeatures(analytics);
}

describe('feature work while the consumer reads a backlog', () => {
  it('a first-start backfill computes features once, at its end, equal to a recomputation from the facts', async () => {
    const f = await fixture();
    await history(f.source);
    // A write the consumer does not follow: the backfill's start time lies past the history, so nothing is streamed again.
    await client.db(f.operationalDb).collection<{ _id: string }>('tenants').insertOne({ _id: 'acme' });
    const { sink, calls } = countingPipeline(f.analytics);
    // Small batches: each one used to end with a feature recomputation over all the history ahead of it.
    const consumer = createCdcConsumer({ client, operationalDb: f.operationalDb, analyticsDb: f.analytics.databaseName, sink, batchSize: 20, backfillPageSize: 40, maxAwaitTimeMS: 50 });
    consumers.push(consumer);
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'the backfill to finish');
    await consumer.stop();

    expect(calls.facts).toBeGreaterThan(10);
    expect(calls.features).toBe(1);
    const features = await storedFeatures(f.analytics);
    expect(features.length).toBe(FEATURE_ROWS);
    expect(await recomputedFromScratch(f.analytics)).toEqual(features);
  });

  it('work deferred during a stream catch-up is done once the stream runs dry, without another change', async () => {
    const f = await fixture();
    const { sink, calls } = countingPipeline(f.analytics, { deferFeaturesAt: 1, maxFeatureDeferMs: 600_000 });
    const consumer = createCdcConsumer({ client, operationalDb: f.operationalDb, analyticsDb: f.analytics.databaseName, sink, batchSize: 50, maxAwaitTimeMS: 50 });
    consumers.push(consumer);
    await client.db(f.operationalDb).collection<{ _id: string }>('tenants').insertOne({ _id: 'acme' });
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'the consumer to stream');
    // Every streamed batch defers (deferFeaturesAt 1, a long cap): only running dry can bring the features.
    await history(f.source);
    await waitFor(async () => (await f.analytics.collection(FEATURES).countDocuments()) === FEATURE_ROWS, 'features of the whole history', 20_000);
    await consumer.stop();

    expect(calls.facts).toBeGreaterThan(1);
    const features = await storedFeatures(f.analytics);
    expect(await recomputedFromScratch(f.analytics)).toEqual(features);
  });
});
