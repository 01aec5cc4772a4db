/**
 * The CDC consumer as a process of its own:
 *
 *   MONGODB_URI=mongodb://… node --import tsx --conditions=source service-analytics/src/bin/cdc-consumer.ts
 *
 * Reads MONGODB_URI, OPERATIONAL_DB, ANALYTICS_DB, CDC_SINK and CDC_BATCH_SIZE
 * (analyticsConfig), feeds the real pipeline, prints `consuming <operationalDb>`
 * once running, and stops cleanly (in-flight batch applied and checkpointed)
 * on SIGTERM/SIGINT. A SIGKILL loses at most the batch in flight, which is
 * delivered again on restart.
 *
 * CDC_SINK exists to measure: `profiled` times each pipeline step and prints
 * `profile <json>` on stdout when stopping; `noop` runs the consumer alone,
 * nothing written but checkpoints.
 */
import { analyticsConfig, createLogger } from '@icc/shared';
import { MongoClient } from 'mongodb';
import { createCdcConsumer } from '../cdc/cdc-consumer.js';
import type { ChangeSink } from '../cdc/cdc.types.js';
import { createPipeline, ensureAnalyticsIndexes, type Pipeline } from '../pipeline.js';
import { profiledPipeline, type PipelineProfile } from './profiled-pipeline.js';

const config = analyticsConfig.get();
const log = createLogger({ name: 'analytics-cdc', level: config.LOG_LEVEL });
if (!config.MONGODB_URI) {
  process.stderr.write('cdc-consumer: MONGODB_URI must name the operational replica set\n');
  process.exit(2);
}

const client = await new MongoClient(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 }).connect();
const analytics = client.db(config.ANALYTICS_DB);
await ensureAnalyticsIndexes(analytics);
let pipeline: Pipeline | null = null;
let sink: ChangeSink;
let profile: (() => PipelineProfile) | null = null;
const logged = { facts: { log }, features: { log } };
if (config.CDC_SINK === 'noop') sink = { apply: async () => {} };
else if (config.CDC_SINK === 'profiled') ({ sink, pipeline, profile } = profiledPipeline(analytics, logged));
else sink = pipeline = createPipeline(analytics, logged);

const consumer = createCdcConsumer({
  client,
  operationalDb: config.OPERATIONAL_DB,
  analyticsDb: config.ANALYTICS_DB,
  sink,
  batchSize: config.CDC_BATCH_SIZE,
  log,
});
await consumer.start();
process.stdout.write(`consuming ${config.OPERATIONAL_DB}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void consumer
      .stop()
      .then(() => pipeline?.close())
      .then(() => {
        if (profile) process.stdout.write(`profile ${JSON.stringify(profile())}\n`);
        return client.close();
      })
      .then(() => process.exit(0));
  });
}
