import { analyticsConfig, createLogger, startDatabase, type Logger } from '@icc/shared';
import { MongoClient } from 'mongodb';
import { createAnalyticsApp } from './app.js';
import { createCdcConsumer } from './cdc/cdc-consumer.js';
import { createDashboardRefresher } from './dashboard/dashboard-refresher.js';
import { createForecastPool } from './forecasts/forecast-pool.js';
import { createForecastRunner } from './forecasts/forecast-runner.js';
import { createPipeline, ensureAnalyticsIndexes } from './pipeline.js';
import { createPlanningWorker } from './planning/planning-worker.js';

/**
 * Start the analytics service: config, database (through the connection
 * chain unless a URI is given), indexes, HTTP, then the CDC consumer, the
 * forecast job runner, the planning worker and the dashboard's summary refresher in the background — the API answers (and /ready
 * reports the backfill) while it catches up.
 */
export async function startAnalytics(options: { databaseUri?: string; log?: Logger } = {}) {
  const config = analyticsConfig.get();
  const log = options.log?.child({ name: 'analytics' }) ?? createLogger({ name: 'analytics', level: config.LOG_LEVEL });
  const database = options.databaseUri ? undefined : await startDatabase({ log });
  const client = await MongoClient.connect(options.databaseUri ?? database!.uri);
  const analytics = client.db(config.ANALYTICS_DB);
  const operational = client.db(config.OPERATIONAL_DB);
  await ensureAnalyticsIndexes(analytics);

  const pipeline = createPipeline(analytics, { facts: { log }, features: { log } });
  const consumer = createCdcConsumer({
    client,
    operationalDb: config.OPERATIONAL_DB,
    analyticsDb: config.ANALYTICS_DB,
    sink: pipeline,
    log,
  });
  const pool = createForecastPool(config.FORECAST_THREADS === undefined ? {} : { threads: config.FORECAST_THREADS });
  const runner = createForecastRunner({ db: analytics, pool, log });
  const planning = createPlanningWorker({ db: analytics, log, onTrainingJobQueued: () => runner.notify() });
  const dashboard = createDashboardRefresher({ db: analytics, log });
  const app = await createAnalyticsApp({
    analytics,
    operational,
    cdcStatus: () => consumer.status(),
    onJobQueued: () => runner.notify(),
    onPlanningRunQueued: () => planning.notify(),
    server: config,
    log,
  });
  await app.listen({ host: config.ANALYTICS_HOST, port: config.ANALYTICS_PORT });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.ANALYTICS_PORT;
  const url = `http://${config.ANALYTICS_HOST}:${port}`;
  consumer.start().catch((error: unknown) => log.error({ err: error }, 'CDC consumer stopped'));
  runner.start();
  planning.start();
  dashboard.start();
  log.info({ url }, 'analytics service listening');

  return {
    url,
    consumer,
    pipeline,
    runner,
    planning,
    async stop() {
      await dashboard.stop();
      await planning.stop();
      await runner.stop();
      await pool.close();
      await consumer.stop();
      await pipeline.close();
      await app.close();
      await client.close();
      await database?.stop();
    },
  };
}
