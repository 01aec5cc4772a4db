/**
 * Journey: a demo business's orders → CDC → facts → features →
 * `trigger-forecast` → `GET /api/forecast/{sku}`, and the dashboard hears
 * `forecast:updated` over Socket.IO. Every part is the real one: the
 * operational service over HTTP, the CDC consumer, the analytics service on a
 * port, the forecast runner on a worker thread, the CLI's own code.
 */
import type { AddressInfo } from 'node:net';
import { addUtcDays, createLogger, ForecastResponseSchema, TrainingJobSchema, utcDayKey, type LiveEnvelope } from '@icc/shared';
import { followAnalyticsOutbox, issueApiKey, type AnalyticsOutboxFollower } from '@icc/service-operational';
import {
  createAnalyticsApp,
  createForecastPool,
  createForecastRunner,
  createPipeline,
  ensureAnalyticsIndexes,
  type ForecastPool,
  type ForecastRunner,
} from '@icc/service-analytics';
import { runTriggerForecast, seedDemo, yesterday } from '@icc/scripts';
import { createCdcConsumer, type CdcConsumer } from '@icc/service-analytics/testing';
import { MongoClient } from 'mongodb';
import type mongoose from 'mongoose';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCdcMarker } from '../support/cdc.js';
import { startJourneyOperational } from '../support/operational.js';
import '../support/provided-context.js';

const TENANT = 'forecast-journey';
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const OP_DB = `op_fj_${suffix}`;
const AN_DB = `an_fj_${suffix}`;
const PRODUCTS = 12;

let connection: mongoose.Connection;
let client: MongoClient;
let consumer: CdcConsumer;
let cdc: ReturnType<typeof withCdcMarker>;
let pool: ForecastPool;
let runner: ForecastRunner;
let outbox: AnalyticsOutboxFollower;
let analyticsApp: Awaited<ReturnType<typeof createAnalyticsApp>>;
let analyticsUrl: string;
let operationalUrl: string;
let closeOperational: () => Promise<void>;
let key: string;
let dashboard: Socket;
const heard: LiveEnvelope<{ jobId: string; skus: number }>[] = [];

/** Wait until the consumer has applied everything written so far. */
async function caughtUp(): Promise<void> {
  await cdc.caughtUp(client, OP_DB, TENANT, 120_000);
}

beforeAll(async () => {
  const uri = inject('mongoUri');
  const operational = await startJourneyOperational(uri, OP_DB);
  connection = operational.connection;
  operationalUrl = operational.url;
  client = await MongoClient.connect(uri);
  outbox = followAnalyticsOutbox({ analytics: client.db(AN_DB), live: operational.live, log: createLogger({ name: 'journey', level: 'silent' }) });
  closeOperational = async () => {
    await outbox.stop();
    await operational.close();
  };

  // Four months of a small business (the forecasts need the 28-day feature warm-up plus a backtest).
  const summary = await seedDemo(operational.models, TENANT, { seed: 11, products: PRODUCTS, days: 120, endDay: yesterday() });
  expect(summary.orders).toBeGreaterThan(200);
  key = (await issueApiKey(operational.models, TENANT, 'planner desk', ['planner'])).key;

  const analytics = client.db(AN_DB);
  await ensureAnalyticsIndexes(analytics);
  cdc = withCdcMarker(createPipeline(analytics));
  consumer = createCdcConsumer({ client, operationalDb: OP_DB, analyticsDb: AN_DB, sink: cdc.sink, maxAwaitTimeMS: 100 });
  await consumer.start();
  pool = createForecastPool({ threads: 1 });
  runner = createForecastRunner({ db: analytics, pool, pollMs: 100 });
  runner.start();
  analyticsApp = await createAnalyticsApp({ analytics, operational: client.db(OP_DB), cdcStatus: () => consumer.status(), onJobQueued: () => runner.notify() });
  await analyticsApp.listen({ host: '127.0.0.1', port: 0 });
  analyticsUrl = `http://127.0.0.1:${(analyticsApp.server.address() as AddressInfo).port}`;
  await caughtUp();
  await outbox.ready;

  dashboard = io(operationalUrl, { path: '/socket.io', transports: ['websocket'], forceNew: true, auth: { apiKey: key } });
  dashboard.on('forecast:updated', (envelope) => heard.push(envelope));
  await new Promise<void>((resolve, reject) => dashboard.once('connect', resolve).once('connect_error', reject));
}, 300_000);

afterAll(async () => {
  dashboard?.close();
  await runner?.stop();
  await pool?.close();
  await consumer?.stop();
  await cdc?.close();
  await analyticsApp?.close();
  await closeOperational?.();
  await client?.db(AN_DB).dropDatabase();
  await client?.close();
  await connection?.dropDatabase();
  await connection?.close();
});

describe('trigger-forecast on the demo business', () => {
  let jobId: string;
  let forecastSkus: number;

  it('trains through the analytics API, follows the job to the end and exits 0', async () => {
    let out = '';
    let err = '';
    const code = await runTriggerForecast(['--url', analyticsUrl, '--api-key', key, '--horizon', '14', '--poll', '100', '--json'], {
      stdout: (text) => (out += text),
      stderr: (text) => (err += text),
      env: {},
      isTTY: false,
    });
    expect(code, err).toBe(0);
    const job = TrainingJobSchema.parse(JSON.parse(out));
    expect(job.status).toBe('completed');
    expect(job.request.asOf).toBe(yesterday());
    expect(job.progress.total).toBe(PRODUCTS);
    expect(job.progress.done).toBe(PRODUCTS);
    expect(job.progress.failed).toBe(0);
    // every SKU with four months of sales is forecast; only a SKU that barely sold could be too short
    expect(job.progress.forecast).toBeGreaterThanOrEqual(PRODUCTS - 2);
    expect(job.summary!.medianMase).toBeGreaterThan(0);
    jobId = job.jobId;
    forecastSkus = job.progress.forecast;
  });

  it('serves the stored forecast of a SKU from the next day on, at the level of its recent demand', async () => {
    const history = await client
      .db(AN_DB)
      .collection('features')
      .aggregate<{ _id: string; demand: number }>([
        { $match: { tenantId: TENANT, day: { $gte: addUtcDays(yesterday(), -27) } } },
        { $group: { _id: '$sku', demand: { $sum: '$demand' } } },
        { $sort: { demand: -1 } },
      ])
      .toArray();
    const busiest = history[0]!;
    const res = await fetch(`${analyticsUrl}/api/forecast/${busiest._id}?horizon=14&confidenceLevel=0.8`, { headers: { 'x-api-key': key } });
    expect(res.status).toBe(200);
    const forecast = ForecastResponseSchema.parse(await res.json());
    expect(forecast.forecastDate).toBe(utcDayKey(new Date()));
    expect(forecast.predictions.map((p) => p.date)).toEqual(Array.from({ length: 14 }, (_, k) => addUtcDays(utcDayKey(new Date()), k)));
    expect(forecast.confidence).toBe(0.8);
    expect(forecast.jobId).toBe(jobId);
    // the mean daily forecast is of the order of the last 28 days' mean demand (a loose sanity bound, not accuracy)
    const forecastMean = forecast.predictions.reduce((s, p) => s + p.quantity, 0) / 14;
    const recentMean = busiest.demand / 28;
    expect(forecastMean).toBeGreaterThan(recentMean / 3);
    expect(forecastMean).toBeLessThan(recentMean * 3);
    for (const p of forecast.predictions) expect(p.lowerBound <= p.quantity && p.quantity <= p.upperBound).toBe(true);
  });

  it('announces the new forecasts on the dashboard over Socket.IO', async () => {
    const deadline = Date.now() + 10_000;
    while (!heard.some((e) => e.data.jobId === jobId) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const event = heard.find((e) => e.data.jobId === jobId);
    expect(event?.data.skus).toBe(forecastSkus);
    expect(event?.seq).toBeGreaterThan(0);
  });
});
