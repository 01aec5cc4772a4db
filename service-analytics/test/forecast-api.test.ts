import { addUtcDays, ForecastResponseSchema, TrainingJobSchema, type DayKey } from '@icc/shared';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { FORECAST_COLLECTIONS } from '../src/forecasts/forecast-collections.js';
import { createForecastPool, type ForecastPool } from '../src/forecasts/forecast-pool.js';
import { createForecastRunner, type ForecastRunner } from '../src/forecasts/forecast-runner.js';
import { FEATURE_QUEUE } from '../src/facts/feature-work.js';
import { seedDemand } from './support/forecast-fixtures.js';
import { seededRandom } from './support/seeded-random.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The forecast API over jobs run by the real runner on a worker thread, from
 * feature rows written as the pipeline writes them. The data: 238 days from
 * Monday 2026-01-05 (history through END, 2026-08-30).
 */
const START: DayKey = '2026-01-05';
const DAYS = 238;
const END = addUtcDays(START, DAYS - 1);
/** The first job forecasts from 14 days before the end, so its first 14 days get scored by the second. */
const EARLY_AS_OF = addUtcDays(END, -14);
const PATTERN = [20, 22, 24, 26, 34, 14, 10];
const CAMPAIGN = (i: number) => i % 35 >= 28 && i % 35 < 32; // 4 days every 5 weeks
const LIFT = 0.5;

let t: AnalyticsTestApp;
let pool: ForecastPool;
let runner: ForecastRunner;
let planner: string;
let sales: string;
let globex: string;
const weekly: number[] = [];

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  planner = await t.issueKey('acme', ['planner']);
  sales = await t.issueKey('acme', ['sales']);
  globex = await t.issueKey('globex', ['admin']);
  const random = seededRandom(7);
  for (let i = 0; i < DAYS; i += 1) weekly.push(Math.round(PATTERN[i % 7]! * (CAMPAIGN(i) ? 1 + LIFT : 1) + (random() - 0.5) * 4));
  const slow = Array.from({ length: DAYS }, () => (random() < 0.12 ? 1 + Math.floor(random() * 3) : 0));
  await seedDemand(t.analytics, 'acme', START, [
    { sku: 'WEEKLY', demand: weekly, campaign: CAMPAIGN },
    { sku: 'SLOW', demand: slow },
    // on sale for the last 50 days: 22 feature rows after the 28-day warm-up — too short for a 28-day backtest
    { sku: 'NEW', demand: weekly.slice(-50), from: addUtcDays(END, -49) },
  ]);
  await seedDemand(t.analytics, 'globex', START, [{ sku: 'GLOBEX-ONLY', demand: weekly.map((v) => v * 100) }]);
  const campaigns = [];
  for (let i = 28; i < DAYS; i += 35) {
    campaigns.push({
      _id: `camp-${i}`,
      sourceId: `camp-${i}`,
      tenantId: 'acme',
      name: `Promo ${i}`,
      status: 'planned',
      startsAt: new Date(`${addUtcDays(START, i)}T00:00:00Z`),
      endsAt: new Date(`${addUtcDays(START, i + 4)}T00:00:00Z`),
      skus: ['WEEKLY'],
      discountPercent: 20,
      updatedAt: new Date(),
    });
  }
  await t.analytics.collection(FACT_COLLECTIONS.campaignsMirror).insertMany(campaigns as never[]);
  // One worker thread: the runner's real path (Piscina loading the worker from source).
  pool = createForecastPool({ threads: 1 });
  runner = createForecastRunner({ db: t.analytics, pool, chunkSize: 2 });
});

afterAll(async () => {
  await runner.stop();
  await pool.close();
  await t.close();
});

function call(method: 'GET' | 'POST', url: string, key: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function train(body: Record<string, unknown>) {
  const res = await call('POST', '/api/models/train', planner, body);
  expect(res.statusCode).toBe(202);
  const { jobId, statusUrl } = res.json();
  expect(await runner.drain()).toBe(1);
  const status = await call('GET', statusUrl, planner);
  return { jobId: jobId as string, job: TrainingJobSchema.parse(status.json()) };
}

describe('training jobs', () => {
  it('refuses a caller without the planner role, and writes nothing', async () => {
    const res = await call('POST', '/api/models/train', sales, { horizon: 14 });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('planner') });
    expect(await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).countDocuments()).toBe(0);
  });

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    for (const [body, path] of [
      [{ horizon: 0 }, 'horizon'],
      [{ confidence: 1.5 }, 'confidence'],
      [{ skus: ['WEEKLY', 'NO-SUCH'] }, 'skus'],
      [{ asOf: '2999-01-01' }, 'asOf'],
      [{ horizon: 7, colour: 'red' }, ''],
    ] as const) {
      const res = await call('POST', '/api/models/train', planner, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code).toBe('INVALID_INPUT');
      if (path) expect(JSON.stringify(res.json())).toContain(path);
    }
    expect(await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).countDocuments()).toBe(0);
  });

  it('runs a job: every SKU with history forecast or skipped with the reason, and a summary', async () => {
    const { jobId, job } = await train({ horizon: 28, asOf: EARLY_AS_OF });
    expect(job).toMatchObject({ jobId, status: 'completed', request: { skus: null, horizon: 28, confidence: 0.95, season: 7, asOf: EARLY_AS_OF } });
    expect(job.progress).toEqual({ total: 3, done: 3, forecast: 2, skipped: 1, failed: 0 });
    expect(job.summary!.skipped).toEqual([{ sku: 'NEW', message: expect.stringContaining('needs 36 days') }]);
    expect(Object.values(job.summary!.models).reduce((a, b) => a + b, 0)).toBe(2);
    expect(job.summary!.medianMase).toBeGreaterThan(0);
    // the weekly SKU is predictable: the chosen models beat seasonal naive
    expect(job.summary!.improvementOverSeasonalNaive).toBeGreaterThan(0);
    // the dashboard hears of it through the outbox the operational hub follows
    const events = await t.analytics.collection(FORECAST_COLLECTIONS.liveOutbox).find({ tenantId: 'acme' }).toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: 'forecast:updated',
      room: 'dashboard',
      data: { jobId, forecastDate: addUtcDays(EARLY_AS_OF, 1), skus: 2, sample: ['SLOW', 'WEEKLY'] },
    });
  });
});

describe('GET /api/forecast/{sku}', () => {
  it('answers the stored forecast with intervals, the model and why', async () => {
    const res = await call('GET', '/api/forecast/WEEKLY', planner);
    expect(res.statusCode).toBe(200);
    const body = ForecastResponseSchema.parse(res.json());
    expect(body.forecastDate).toBe(addUtcDays(EARLY_AS_OF, 1));
    expect(body.predictions).toHaveLength(28);
    expect(body.predictions.map((p) => p.date)).toEqual(Array.from({ length: 28 }, (_, k) => addUtcDays(EARLY_AS_OF, 1 + k)));
    expect(body.confidence).toBe(0.95);
    expect(body.reason).toContain('MASE');
    // close to the weekly pattern it learned (no campaign planned in the horizon)
    const offset = DAYS - 14; // day index of the first forecast day
    const error = body.predictions.reduce((sum, p, k) => sum + Math.abs(p.quantity - PATTERN[(offset + k) % 7]!), 0) / 28;
    expect(error).toBeLessThan(3);
    for (const p of body.predictions) expect(p.lowerBound <= p.quantity && p.quantity <= p.upperBound).toBe(true);
  });

  it('selects horizon and confidence from what is stored: narrower at 80% than at 95%', async () => {
    const wide = (await call('GET', '/api/forecast/WEEKLY?horizon=7', planner)).json();
    const narrow = (await call('GET', '/api/forecast/WEEKLY?horizon=7&confidenceLevel=0.8', planner)).json();
    expect(wide.predictions).toHaveLength(7);
    expect(narrow.confidence).toBe(0.8);
    const widths = (b: { predictions: { upperBound: number; lowerBound: number }[] }) => b.predictions.map((p) => p.upperBound - p.lowerBound);
    widths(narrow).forEach((w: number, k: number) => expect(w).toBeLessThanOrEqual(widths(wide)[k]!));
    expect(widths(narrow).reduce((a: number, b: number) => a + b, 0)).toBeLessThan(widths(wide).reduce((a: number, b: number) => a + b, 0));
  });

  it('refuses a horizon beyond the stored one and an unstored confidence with 400 saying what there is', async () => {
    const long = await call('GET', '/api/forecast/WEEKLY?horizon=60', planner);
    expect(long.statusCode).toBe(400);
    expect(long.json().message).toContain('covers 28 days');
    const odd = await call('GET', '/api/forecast/WEEKLY?confidenceLevel=0.77', planner);
    expect(odd.statusCode).toBe(400);
    expect(odd.json().message).toContain('0.5, 0.8, 0.9, 0.95, 0.99');
  });

  it('answers 404 with what to do for a SKU never forecast, and for another tenant', async () => {
    for (const [url, key] of [
      ['/api/forecast/NEW', planner],
      ['/api/forecast/WEEKLY', globex],
    ] as const) {
      const res = await call('GET', url, key);
      expect(res.statusCode).toBe(404);
      expect(res.json().message).toContain('trigger-forecast');
    }
  });
});

describe('models, accuracy, performance', () => {
  it('keeps model versions; a second job makes version 2 active and scores the first job against the actuals', async () => {
    const first = (await call('GET', '/api/forecast/WEEKLY', planner)).json();
    const { job } = await train({ horizon: 28, asOf: END });
    expect(job.status).toBe('completed');

    const models = (await call('GET', '/api/forecast/models/WEEKLY', planner)).json();
    expect(models.items.map((m: { version: number; active: boolean }) => [m.version, m.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(models.items[0].backtest.candidates.length).toBeGreaterThanOrEqual(5);
    expect(models.items[0].campaignEffect.lift).toBeGreaterThan(0.35);
    expect(models.items[0].campaignEffect.lift).toBeLessThan(0.65);

    const accuracy = (await call('GET', '/api/forecast/accuracy/WEEKLY', planner)).json();
    expect(accuracy.recent).toHaveLength(1);
    expect(accuracy.recent[0].daysScored).toBe(14);
    // MAE of the first forecast's 14 days against what actually happened
    const actual = weekly.slice(DAYS - 14);
    const expectedMae = actual.reduce((sum, a, k) => sum + Math.abs(a - first.predictions[k].quantity), 0) / 14;
    expect(accuracy.recent[0].mae).toBeCloseTo(expectedMae, 9);
    expect(accuracy.byModel[0]).toMatchObject({ modelType: first.modelUsed, evaluations: 1, daysScored: 14 });
    expect(accuracy.byModel[0].mae).toBeCloseTo(expectedMae, 9);

    const performance = (await call('GET', '/api/models/performance', planner)).json();
    expect(performance.skus).toBe(2);
    expect(performance.byModel.reduce((sum: number, m: { skus: number }) => sum + m.skus, 0)).toBe(2);
    expect(performance.byModel.some((m: { tracked: unknown }) => m.tracked !== null)).toBe(true);
  });

  it('answers planning batch reads in seed 000 shape, naming what is missing', async () => {
    const res = await call('POST', '/api/internal/forecast/batch', planner, { skus: ['WEEKLY', 'SLOW', 'NEW'], horizon: 14 });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body.forecasts).sort()).toEqual(['SLOW', 'WEEKLY']);
    expect(body.forecasts.WEEKLY).toHaveLength(14);
    const single = (await call('GET', '/api/forecast/WEEKLY?horizon=14', planner)).json();
    expect(body.forecasts.WEEKLY).toEqual(single.predictions.map((p: { quantity: number }) => p.quantity));
    expect(body.missing).toEqual(['NEW']);
    expect(body.shorterThanAsked).toEqual([]);
  });

  it('what-if: a campaign lifts the campaign days by the learned lift scaled to the discount', async () => {
    const start = addUtcDays(END, 3);
    const res = await call('POST', '/api/internal/forecast/whatif', planner, {
      sku: 'WEEKLY',
      scenario: 'campaign',
      discountPercent: 10,
      durationDays: 5,
      startDate: start,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.effect.source).toBe('sku-history');
    expect(body.effect.averageDiscountPercent).toBe(20);
    expect(body.effect.appliedLift).toBeCloseTo(body.effect.learnedLift / 2, 12);
    const campaignDays = body.predictions.filter((p: { campaign: boolean }) => p.campaign);
    expect(campaignDays.map((p: { date: string }) => p.date)).toEqual([0, 1, 2, 3, 4].map((k) => addUtcDays(start, k)));
    for (const p of body.predictions) expect(p.adjusted).toBeCloseTo(p.campaign ? p.baseline * (1 + body.effect.appliedLift) : p.baseline, 9);
    const extra = campaignDays.reduce((sum: number, p: { adjusted: number; baseline: number }) => sum + p.adjusted - p.baseline, 0);
    expect(body.extraUnits).toBeCloseTo(extra, 9);
    // a SKU without campaigns of its own borrows the tenant's median lift
    const slow = (
      await call('POST', '/api/internal/forecast/whatif', planner, { sku: 'SLOW', scenario: 'campaign', discountPercent: 20, durationDays: 3 })
    ).json();
    expect(slow.effect.source).toBe('tenant-median');
    // a campaign past the stored forecast is refused
    const late = await call('POST', '/api/internal/forecast/whatif', planner, { sku: 'WEEKLY', scenario: 'campaign', discountPercent: 10, durationDays: 40 });
    expect(late.statusCode).toBe(400);
    expect(late.json().message).toContain('within the stored forecast');
  });
});

describe('a job whose runner died', () => {
  it('is taken over after its lease and resumes after the last SKU done', async () => {
    const res = await call('POST', '/api/models/train', planner, { horizon: 14, asOf: END });
    const { jobId } = res.json();
    // As if a runner had claimed it, finished SLOW (sorted first … NEW, SLOW, WEEKLY: NEW done too) and died.
    await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).updateOne(
      { _id: jobId },
      {
        $set: {
          status: 'running',
          runner: 'dead',
          heartbeatAt: new Date(Date.now() - 10 * 60_000),
          startedAt: new Date(),
          resumeAfter: 'SLOW',
          progress: { total: 3, done: 2, forecast: 1, skipped: 1, failed: 0 },
        },
      },
    );
    expect(await runner.drain()).toBe(1);
    const job = (await call('GET', `/api/models/status/${jobId}`, planner)).json();
    expect(job.status).toBe('completed');
    expect(job.progress).toEqual({ total: 3, done: 3, forecast: 2, skipped: 1, failed: 0 });
    // only WEEKLY was forecast by the taker: SLOW's forecast by this job was never written (the "dead" runner wrote nothing)
    const written = await t.analytics.collection(FORECAST_COLLECTIONS.forecasts).find({ jobId }).project({ sku: 1 }).toArray();
    expect(written.map((f) => f['sku'])).toEqual(['WEEKLY']);
  });
});

describe('a job and the features it reads', () => {
  it('waits, lease kept, until feature work queued before it was asked for is done', async () => {
    // Feature work of facts committed just before the job (the worker has not run its round yet).
    const queued = await t.analytics
      .collection(FEATURE_QUEUE)
      .insertOne({ _id: new ObjectId(), touches: [{ tenantId: 'acme', sku: 'WEEKLY', fromDay: END }], queuedAt: new Date() });
    const res = await call('POST', '/api/models/train', planner, { horizon: 7, asOf: END, skus: ['WEEKLY'] });
    const { jobId } = res.json();
    const draining = runner.drain();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const waiting = await t.analytics.collection(FORECAST_COLLECTIONS.trainingJobs).findOne({ _id: jobId });
    expect(waiting?.['status']).toBe('running');
    expect(waiting?.['progress']).toMatchObject({ done: 0 });
    expect(Date.now() - (waiting?.['heartbeatAt'] as Date).getTime()).toBeLessThan(800);
    const shown = (await call('GET', `/api/models/status/${jobId}`, planner)).json();
    expect(Date.parse(shown.waitingForFeaturesSince)).toBeGreaterThan(Date.now() - 2_000);
    // The worker's round completes it: the job goes on by itself.
    await t.analytics.collection(FEATURE_QUEUE).deleteOne({ _id: queued.insertedId });
    expect(await draining).toBe(1);
    const job = (await call('GET', `/api/models/status/${jobId}`, planner)).json();
    expect(job.status).toBe('completed');
    expect(job.progress).toMatchObject({ total: 1, done: 1, forecast: 1 });
    expect(job.waitingForFeaturesSince).toBeNull();
  });
});
