/**
 * The CDC consumer feeding the real pipeline: the feature worker waits while
 * a backfill runs (then recomputes each SKU once), and drains streamed work
 * in the background on its own, without anyone asking it to settle.
 */
import { addUtcDays, parseDayKey } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCdcConsumer, type CdcConsumer } from '../src/cdc/cdc-consumer.js';
import { FEATURES } from '../src/features/feature-indexes.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import { createPipeline, ensureAnalyticsIndexes, type Pipeline, type PipelineOptions } from '../src/pipeline.js';
import { sourceWriter, type SourceWriter } from './support/source-writer.js';
import './support/provided-context.js';
import { waitFor } from './support/wait-for.js';

let client: MongoClient;
let dbCounter = 0;
const consumers: CdcConsumer[] = [];
const databases: Db[] = [];

beforeAll(async () => {
  client = await new MongoClient(inject('mongoUri')).connect();
});
const pipelines: Pipeline[] = [];
afterAll(async () => {
  await Promise.all(consumers.map((c) => c.stop()));
  await Promise.all(pipelines.map((p) => p.close()));
  for (const db of databases) await db.dropDatabase();
  await client.close();
});

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
    const id = await source.createOrder(
      SKUS.map((sku, k) => ({ sku, quantity: 1 + ((d + k) % 3) })),
      { confirm: true, at },
    );
    await source.shipOrder(id, at);
  }
}

/** Every SKU sells every day: rows from its 29th day on. */
const FEATURE_ROWS = SKUS.length * (DAYS - 28);

/** The pipeline, noting for each facts transaction whether the feature worker had run a round by then. */
function watchedPipeline(analytics: Db, options: PipelineOptions = {}) {
  const roundsAtFacts: number[] = [];
  const pipeline: Pipeline = createPipeline(analytics, {
    ...options,
    timeStep: (step, work) => {
      if (step === 'facts') roundsAtFacts.push(pipeline.features.status().rounds);
      return work();
    },
  });
  pipelines.push(pipeline);
  return { pipeline, roundsAtFacts };
}

const storedFeatures = (analytics: Db) => analytics.collection(FEATURES).find({}).sort({ _id: 1 }).toArray();

/** What a recomputation of every SKU from all its facts stores. */
async function recomputedFromScratch(analytics: Db): Promise<unknown[]> {
  await analytics.collection(FEATURES).deleteMany({});
  await recomputeFeatures(
    analytics,
    SKUS.map((sku) => ({ tenantId: 'acme', sku, fromDay: '2000-01-01' })),
  );
  return storedFeatures(analytics);
}

describe('feature work while the consumer reads a backlog', () => {
  it('a first-start backfill leaves features to its end: no round before, each SKU once after, equal to a recomputation', async () => {
    const f = await fixture();
    await history(f.source);
    // A write the consumer does not follow: the backfill's start time lies past the history, so nothing is streamed again.
    await client.db(f.operationalDb).collection<{ _id: string }>('tenants').insertOne({ _id: 'acme' });
    const { pipeline, roundsAtFacts } = watchedPipeline(f.analytics, { features: { intervalMs: 10 } });
    // Small batches: each one used to end with a feature recomputation over all the history ahead of it.
    const consumer = createCdcConsumer({
      client,
      operationalDb: f.operationalDb,
      analyticsDb: f.analytics.databaseName,
      sink: pipeline,
      batchSize: 20,
      backfillPageSize: 40,
      maxAwaitTimeMS: 50,
    });
    consumers.push(consumer);
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'the backfill to finish', 30_000);
    await pipeline.features.settle();
    await consumer.stop();

    expect(roundsAtFacts.length).toBeGreaterThan(10);
    expect(roundsAtFacts.filter((rounds) => rounds > 0)).toEqual([]); // the worker waited for the whole backfill
    expect(pipeline.features.status().skus).toBe(SKUS.length); // one queue entry per SKU, from its first day: each recomputed once
    const features = await storedFeatures(f.analytics);
    expect(features.length).toBe(FEATURE_ROWS);
    expect(await recomputedFromScratch(f.analytics)).toEqual(features);
  });

  it('streamed facts get their features from the background worker alone, equal to a recomputation', async () => {
    const f = await fixture();
    const { pipeline } = watchedPipeline(f.analytics, { features: { intervalMs: 50, pollMs: 50 } });
    const consumer = createCdcConsumer({
      client,
      operationalDb: f.operationalDb,
      analyticsDb: f.analytics.databaseName,
      sink: pipeline,
      batchSize: 50,
      maxAwaitTimeMS: 50,
    });
    consumers.push(consumer);
    await client.db(f.operationalDb).collection<{ _id: string }>('tenants').insertOne({ _id: 'acme' });
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'the consumer to stream', 30_000);
    await history(f.source);
    // Nobody calls settle(): the worker's own rounds must bring every row. In this order: every shipment's facts
    // committed (each with its queue entry), then the queue drained, then the rows there.
    const shippedLines = SKUS.length * DAYS;
    await waitFor(
      async () =>
        (await f.analytics.collection('rawSalesEvents').countDocuments({ kind: 'fulfilled' })) === shippedLines &&
        (await f.analytics.collection('featureQueue').countDocuments()) === 0 &&
        (await f.analytics.collection(FEATURES).countDocuments()) === FEATURE_ROWS,
      'features of the whole history',
      30_000,
    );
    await consumer.stop();

    expect(pipeline.features.status().rounds).toBeGreaterThan(1);
    const features = await storedFeatures(f.analytics);
    expect(await recomputedFromScratch(f.analytics)).toEqual(features);
  });
});
