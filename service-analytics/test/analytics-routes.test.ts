import fastifySwagger from '@fastify/swagger';
import { addUtcDays, AppError, eachUtcDay, SalesHistorySchema, SeasonalityProfileSchema, TrendSchema } from '@icc/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { analyticsRoutes } from '../src/features/analytics.routes.js';
import { recomputeFeatures } from '../src/features/feature-store.js';
import './support/provided-context.js';

let client: MongoClient;
let db: Db;
let app: FastifyInstance;

/** 8 full weeks from Monday 2026-01-05: Monday–Thursday sell 1, Friday 2, Saturday and Sunday 4 → mean 2/day. */
const START = '2026-01-05';
const END = addUtcDays(START, 55);
const PATTERN = [1, 1, 1, 1, 2, 4, 4];
const WEEKEND = (i: number) => i % 7 >= 5;

function fact(
  tenantId: string,
  sku: string,
  locationCode: string,
  day: string,
  demanded: number,
  extra: Partial<DailySalesFactDocument> = {},
): DailySalesFactDocument {
  return {
    _id: `${tenantId}:${sku}:${locationCode}:${day}`,
    tenantId,
    sku,
    locationCode,
    day,
    quantityDemanded: demanded,
    quantitySold: demanded,
    quantityReturned: 0,
    quantityUnfulfilled: 0,
    revenue: demanded * 2.5,
    orders: 1,
    campaignActive: false,
    stockOut: false,
    endOfDayOnHand: 10,
    ...extra,
  };
}

beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUri'));
  db = client.db(`analytics_routes_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  const days = eachUtcDay(START, END);
  await db.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).insertMany([
    // WEEKLY: the pattern split over two locations (WH-1 carries all but 1 unit of the weekend), one campaign day
    ...days.map((day, i) => fact('acme', 'WEEKLY', 'WH-1', day, PATTERN[i % 7]! - (WEEKEND(i) ? 1 : 0), { campaignActive: i === 3 })),
    ...days.flatMap((day, i) => (WEEKEND(i) ? [fact('acme', 'WEEKLY', 'WH-2', day, 1)] : [])),
    // RAMP: demand 10 + i, on every other day only (the rest are zero-filled)
    ...days.flatMap((day, i) => (i % 2 === 0 ? [fact('acme', 'RAMP', 'WH-1', day, 10 + i)] : [])),
    // The same SKU in another tenant, far larger: must never show up for acme
    ...days.map((day) => fact('globex', 'WEEKLY', 'WH-1', day, 1000)),
    fact('globex', 'GLOBEX-ONLY', 'WH-1', START, 5),
  ]);
  // Seasonality reads the feature store's per-SKU histories, which the feature worker keeps from these facts.
  await recomputeFeatures(
    db,
    ['WEEKLY', 'RAMP'].map((sku) => ({ tenantId: 'acme', sku, fromDay: START })),
  );
  await recomputeFeatures(db, [{ tenantId: 'globex', sku: 'WEEKLY', fromDay: START }]);

  app = Fastify().withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('preHandler', async (request) => {
    request.principal = { tenantId: 'acme', apiKeyId: 'k', keyName: 'k', roles: ['admin'] };
  });
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AppError) return reply.status(error.statusCode).send(error.toResponse());
    // The error responses are declared with ErrorResponseSchema, so they must have its full shape.
    if (hasZodFastifySchemaValidationErrors(error)) return reply.status(400).send(new AppError('INVALID_INPUT', error.message).toResponse());
    return reply.status(500).send({ message: error instanceof Error ? error.message : String(error) });
  });
  await app.register(fastifySwagger, { openapi: { info: { title: 't', version: '0' } }, transform: jsonSchemaTransform });
  await app.register(analyticsRoutes({ db }));
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await db.dropDatabase();
  await client.close();
});

async function get(url: string) {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json<unknown>() };
}

describe('GET /api/internal/analytics/sales-history', () => {
  it('answers one zero-filled row per day, summed over locations', async () => {
    const { status, body } = await get(`/api/internal/analytics/sales-history?sku=RAMP&start=${addUtcDays(START, -2)}&end=${addUtcDays(START, 2)}`);
    expect(status).toBe(200);
    expect(SalesHistorySchema.parse(body)).toEqual(body);
    expect(body).toEqual([
      { date: '2026-01-03', sku: 'RAMP', quantitySold: 0, quantityDemanded: 0, revenue: 0, orders: 0, stockOut: false, dayOfWeek: 6, campaignActive: false },
      { date: '2026-01-04', sku: 'RAMP', quantitySold: 0, quantityDemanded: 0, revenue: 0, orders: 0, stockOut: false, dayOfWeek: 7, campaignActive: false },
      { date: '2026-01-05', sku: 'RAMP', quantitySold: 10, quantityDemanded: 10, revenue: 25, orders: 1, stockOut: false, dayOfWeek: 1, campaignActive: false },
      { date: '2026-01-06', sku: 'RAMP', quantitySold: 0, quantityDemanded: 0, revenue: 0, orders: 0, stockOut: false, dayOfWeek: 2, campaignActive: false },
      { date: '2026-01-07', sku: 'RAMP', quantitySold: 12, quantityDemanded: 12, revenue: 30, orders: 1, stockOut: false, dayOfWeek: 3, campaignActive: false },
    ]);

    const weekend = await get(`/api/internal/analytics/sales-history?sku=WEEKLY&start=2026-01-08&end=2026-01-10`);
    expect(
      (weekend.body as { quantityDemanded: number; orders: number; campaignActive: boolean }[]).map((r) => [r.quantityDemanded, r.orders, r.campaignActive]),
    ).toEqual([
      [1, 1, true],
      [2, 1, false],
      [4, 2, false], // Saturday: 3 at WH-1 + 1 at WH-2
    ]);
  });

  it('restricts to one location and drops campaignActive when includeCampaigns=false', async () => {
    const { status, body } = await get(
      '/api/internal/analytics/sales-history?sku=WEEKLY&start=2026-01-10&end=2026-01-10&locationCode=WH-2&includeCampaigns=false',
    );
    expect(status).toBe(200);
    expect(body).toEqual([{ date: '2026-01-10', sku: 'WEEKLY', quantitySold: 1, quantityDemanded: 1, revenue: 2.5, orders: 1, stockOut: false, dayOfWeek: 6 }]);
  });

  it('answers 404 for a SKU without history in this tenant (even one another tenant has)', async () => {
    for (const sku of ['NOPE', 'GLOBEX-ONLY']) {
      const { status, body } = await get(`/api/internal/analytics/sales-history?sku=${sku}&start=2026-01-01&end=2026-01-31`);
      expect(status).toBe(404);
      expect(body).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(`SKU ${sku} has no sales history`) });
    }
    const atLocation = await get('/api/internal/analytics/sales-history?sku=RAMP&start=2026-01-01&end=2026-01-31&locationCode=WH-2');
    expect(atLocation).toMatchObject({ status: 404, body: { message: expect.stringContaining('at location WH-2') } });
  });

  it('never mixes in another tenant’s facts', async () => {
    const { body } = await get(`/api/internal/analytics/sales-history?sku=WEEKLY&start=${START}&end=${END}`);
    expect(Math.max(...(body as { quantityDemanded: number }[]).map((r) => r.quantityDemanded))).toBe(4);
  });

  it('answers 400 for bad ranges and unknown parameters', async () => {
    expect((await get('/api/internal/analytics/sales-history?sku=RAMP&start=2026-02-01&end=2026-01-01')).status).toBe(400);
    expect((await get('/api/internal/analytics/sales-history?sku=RAMP&start=2026-01-01')).status).toBe(400);
    expect((await get('/api/internal/analytics/sales-history?sku=RAMP&start=2026-01-01&end=2026-01-02&bogus=1')).status).toBe(400);
    const tooLong = await get('/api/internal/analytics/sales-history?sku=RAMP&start=2015-01-01&end=2026-01-01');
    expect(tooLong).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT', message: expect.stringContaining('at most 1830 days') } });
  });
});

describe('GET /api/analytics/seasonality/:sku and /api/internal/analytics/seasonality-data', () => {
  it('gives the exact weekday indices of a weekly pattern', async () => {
    const { status, body } = await get('/api/analytics/seasonality/WEEKLY');
    expect(status).toBe(200);
    expect(SeasonalityProfileSchema.parse(body)).toEqual(body);
    expect(body).toMatchObject({
      sku: 'WEEKLY',
      // The feature store's history starts after the 28-day warm-up: 2026-02-02 to 2026-03-01 of the 56 fact days.
      daysOfHistory: 28,
      weekday: PATTERN.map((d, i) => ({ dayOfWeek: i + 1, index: d / 2 })),
    });
    expect((body as { month: { month: number }[] }).month.map((m) => m.month)).toEqual([2, 3]);
  });

  it('profiles listed SKUs (unknown ones left out) or every SKU with history, in SKU order', async () => {
    const listed = await get('/api/internal/analytics/seasonality-data?skus=WEEKLY,NOPE,RAMP');
    expect(listed.status).toBe(200);
    expect((listed.body as { items: { sku: string }[] }).items.map((p) => p.sku)).toEqual(['RAMP', 'WEEKLY']);
    const all = await get('/api/internal/analytics/seasonality-data?limit=1');
    expect((all.body as { items: { sku: string }[] }).items.map((p) => p.sku)).toEqual(['RAMP']);
    const everything = await get('/api/internal/analytics/seasonality-data');
    expect((everything.body as { items: unknown[] }).items).toHaveLength(2); // globex's SKUs are not acme's
  });

  it('refuses malformed SKU lists and lists longer than the limit', async () => {
    expect(await get('/api/internal/analytics/seasonality-data?skus=ok,bad%20sku')).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect(await get('/api/internal/analytics/seasonality-data?skus=A,B,C&limit=2')).toMatchObject({ status: 400, body: { code: 'INVALID_INPUT' } });
    expect((await get('/api/internal/analytics/seasonality-data?skus=,,')).status).toBe(400);
    expect((await get('/api/analytics/seasonality/GLOBEX-ONLY')).status).toBe(404);
  });
});

describe('GET /api/analytics/trends/:sku', () => {
  it('gives the slope of a linear series (zero-filled days included) and weekly totals', async () => {
    const { status, body } = await get('/api/analytics/trends/WEEKLY?days=28');
    expect(status).toBe(200);
    const trend = TrendSchema.parse(body);
    expect(trend.window).toEqual({ start: addUtcDays(END, -27), end: END, days: 28 });
    // Whole weeks of a repeating pattern: a small slope (the weekend peak sits late in each week), no trend.
    expect(Math.abs(trend.slopePerDay)).toBeLessThan(0.05);
    expect(trend).toMatchObject({ direction: 'flat', recentVsPrevious: 1 });
    expect(trend.weekly).toEqual([0, 1, 2, 3].map((w) => ({ weekStart: addUtcDays(END, -27 + 7 * w), demand: 14 })));
  });

  it('defaults to 182 days but never starts before the first fact, and honours end', async () => {
    const { body } = await get('/api/analytics/trends/RAMP');
    const trend = TrendSchema.parse(body);
    expect(trend.window).toEqual({ start: START, end: addUtcDays(START, 54), days: 55 }); // RAMP's last fact is day 54
    expect(trend.direction).toBe('up');
    expect(trend.slopePerDay).toBeGreaterThan(0.4); // half the days sell 10 + i, half 0: slope ≈ 0.5
    const ended = TrendSchema.parse((await get(`/api/analytics/trends/RAMP?end=${addUtcDays(START, 70)}&days=14`)).body);
    expect(ended.window).toEqual({ start: addUtcDays(START, 57), end: addUtcDays(START, 70), days: 14 });
    expect(ended.weekly.every((w) => w.demand === 0)).toBe(true); // it stopped selling
  });

  it('validates days and answers 404 outside the history', async () => {
    expect((await get('/api/analytics/trends/RAMP?days=731')).status).toBe(400);
    expect((await get('/api/analytics/trends/RAMP?days=13')).status).toBe(400);
    expect((await get('/api/analytics/trends/RAMP?end=2025-12-31')).status).toBe(404);
    expect((await get('/api/analytics/trends/NOPE')).status).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents the four routes with their query, params and response schemas', () => {
    const doc = app.swagger() as { paths: Record<string, { get: { parameters?: { name: string }[]; responses: Record<string, unknown> } }> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/api/analytics/seasonality/{sku}',
      '/api/analytics/trends/{sku}',
      '/api/internal/analytics/sales-history',
      '/api/internal/analytics/seasonality-data',
    ]);
    const history = doc.paths['/api/internal/analytics/sales-history']!.get;
    expect(history.parameters?.map((p) => p.name).sort()).toEqual(['end', 'includeCampaigns', 'locationCode', 'sku', 'start']);
    expect(Object.keys(history.responses)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(doc.paths['/api/analytics/trends/{sku}']!.get.parameters?.map((p) => p.name).sort()).toEqual(['days', 'end', 'sku']);
  });
});
