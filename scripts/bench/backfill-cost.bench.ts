/**
 * The first-start backfill's cost on one seeded demo, for comparing code or batch sizes on a
 * shared machine: seeds a (small) demo into embedded-mongo in its own process, then, for each
 * run, a CDC consumer and pipeline into a fresh analytics database until it streams, then the
 * feature worker settled. Prints wall and CPU seconds (this process, the engine) per phase and
 * the facts' sums, which must be equal across runs.
 *
 *   pnpm exec tsx --conditions=source scripts/bench/backfill-cost.bench.ts [--products 100] [--days 365] [--runs default,500,2000]
 *
 * A run is `default` (the consumer's own options) or a backfill batch size. Later runs share the
 * engine with the earlier runs' databases, so compare runs in separate invocations when it matters.
 */
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { startEmbeddedMongoProcess } from '@icc/embedded-mongo';
import { createLogger } from '@icc/shared';
import { createPipeline } from '@icc/service-analytics';
import { createCdcConsumer, ensureAnalyticsIndexes, FACT_COLLECTIONS } from '@icc/service-analytics/testing';
import { startOperational } from '@icc/service-operational';
import { processCpuMillis } from '../src/bench-kit/machine.js';
import { seedDemo, yesterday } from '../src/demo/seed.js';

const { values } = parseArgs({
  options: { products: { type: 'string', default: '100' }, days: { type: 'string', default: '365' }, runs: { type: 'string', default: 'default' } },
});
process.env.OPERATIONAL_PORT = '0';
const log = createLogger({ name: 'bench', level: 'warn' });
const engine = await startEmbeddedMongoProcess({ historyLimit: 3_000_000, maxHeapMb: 8192, log: () => {} });
const cpu = () => ({ own: processCpuMillis(process.pid) ?? 0, engine: processCpuMillis(engine.pid) ?? 0 });
let since = { at: performance.now(), cpu: cpu() };
const s = (ms: number) => (ms / 1000).toFixed(1);
/** One line for the phase since the last one. */
function phase(name: string): void {
  const now = cpu();
  const own = now.own - since.cpu.own;
  const eng = now.engine - since.cpu.engine;
  process.stdout.write(`${name}: wall ${s(performance.now() - since.at)} s; CPU ${s(own)} + engine ${s(eng)} = ${s(own + eng)} s\n`);
  since = { at: performance.now(), cpu: now };
}

const operational = await startOperational({ databaseUri: engine.uri, log });
const summary = await seedDemo(operational.models, 'demo', { seed: 42, products: Number(values.products), days: Number(values.days), endDay: yesterday() });
phase(`seed (${summary.orders} orders)`);
const client = await MongoClient.connect(engine.uri);
for (const [i, run] of values.runs.split(',').entries()) {
  const analytics = client.db(`bench_backfill_${i}`);
  await ensureAnalyticsIndexes(analytics);
  const pipeline = createPipeline(analytics);
  const consumer = createCdcConsumer({
    client,
    operationalDb: 'icc_operational',
    analyticsDb: analytics.databaseName,
    sink: pipeline,
    ...(run === 'default' ? {} : { backfillBatchSize: Number(run) }),
  });
  let batches = 0;
  consumer.onBatch(() => (batches += 1));
  since = { at: performance.now(), cpu: cpu() };
  await consumer.start();
  while (consumer.status().state !== 'streaming') await new Promise((resolve) => setTimeout(resolve, 100));
  phase(`${run}: backfill to streaming (${consumer.status().eventsProcessed} documents, ${batches} batches)`);
  await pipeline.features.settle();
  phase(`${run}: features settled`);
  const [sums] = await analytics
    .collection(FACT_COLLECTIONS.dailySalesFacts)
    .aggregate([
      {
        $group: {
          _id: null,
          rows: { $sum: 1 },
          demanded: { $sum: '$quantityDemanded' },
          sold: { $sum: '$quantitySold' },
          orders: { $sum: '$orders' },
          onHand: { $sum: '$endOfDayOnHand' },
          stockOuts: { $sum: { $cond: ['$stockOut', 1, 0] } },
        },
      },
    ])
    .toArray();
  process.stdout.write(`${run}: facts ${JSON.stringify({ ...sums, _id: undefined })}\n`);
  await consumer.stop();
  await pipeline.close();
}
await client.close();
await operational.stop();
await engine.stop();
