import { addUtcDays, eachUtcDay, ErrorResponseSchema } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * Day keys that match `YYYY-MM-DD` but name no calendar day (`2026-02-30`,
 * `9999-99-99`) used to reach the day arithmetic and come back as a 500
 * (RangeError); days outside 2000-01-01 … 2100-12-31 were accepted; a SKU with
 * a trailing newline was trimmed silently. Each is now a 400 naming the field,
 * and nothing is written.
 */

const SKU = 'INPUT-1';
const START = '2026-01-05';

let t: AnalyticsTestApp;
let key: string;

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  key = await t.issueKey('acme', ['admin']);
  // Some history, so that a bad day would reach the day arithmetic rather than stop at "no such SKU".
  await t.analytics.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).insertMany(
    eachUtcDay(START, addUtcDays(START, 55)).map((day, i) => ({
      _id: `acme:${SKU}:WH-1:${day}`,
      tenantId: 'acme',
      sku: SKU,
      locationCode: 'WH-1',
      day,
      quantityDemanded: 1 + (i % 3),
      quantitySold: 1 + (i % 3),
      quantityReturned: 0,
      quantityUnfulfilled: 0,
      revenue: 2.5,
      orders: 1,
      campaignActive: false,
      stockOut: false,
      endOfDayOnHand: 10,
    })),
  );
});
afterAll(() => t.close());

/** Documents in every analytics and operational collection: a refused request changes none. */
async function everyCount(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const db of [t.analytics, t.operational]) {
    for (const { name } of await db.listCollections().toArray()) counts[`${db.databaseName}.${name}`] = await db.collection(name).countDocuments();
  }
  return counts;
}

async function expectRefused(request: { method: 'GET' | 'POST'; url: string; body?: unknown }, path: string): Promise<void> {
  const before = await everyCount();
  const res = await t.app.inject({
    method: request.method,
    url: request.url,
    headers: { 'x-api-key': key, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(request.body === undefined ? {} : { payload: JSON.stringify(request.body) }),
  });
  const body = res.json<{ code: string; details?: Array<{ path: string }> }>();
  expect(res.statusCode, `${request.url} ${JSON.stringify(request.body)} -> ${res.body}`).toBe(400);
  expect(ErrorResponseSchema.safeParse(body).success).toBe(true);
  expect(body.code).toBe('INVALID_INPUT');
  expect(
    body.details?.some((d) => d.path === path),
    `${path} in ${res.body}`,
  ).toBe(true);
  expect(await everyCount()).toEqual(before);
}

const history = (start: string, end: string) => ({
  method: 'GET' as const,
  url: `/api/internal/analytics/sales-history?sku=${SKU}&start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`,
});
const whatIf = (startDate: string) => ({
  method: 'POST' as const,
  url: '/api/internal/forecast/whatif',
  body: { sku: SKU, scenario: 'campaign', discountPercent: 10, durationDays: 3, startDate },
});

describe('impossible calendar days are a 400, not a 500', () => {
  it.each([
    ['2026-02-30', 'start', history('2026-02-30', '2026-03-01')],
    ['9999-99-99', 'end', history('2026-01-05', '9999-99-99')],
    ['2026-02-30', 'end', { method: 'GET' as const, url: `/api/analytics/trends/${SKU}?end=2026-02-30` }],
    ['9999-99-99', 'end', { method: 'GET' as const, url: `/api/analytics/trends/${SKU}?end=9999-99-99` }],
    ['2026-02-30', 'startDate', whatIf('2026-02-30')],
    ['9999-99-99', 'startDate', whatIf('9999-99-99')],
    ['2026-02-30', 'asOf', { method: 'POST' as const, url: '/api/models/train', body: { horizon: 7, asOf: '2026-02-30' } }],
  ])('refuses %s as %s', async (_day, path, request) => {
    await expectRefused(request, path);
  });
});

describe('days outside 2000-01-01 … 2100-12-31 are refused', () => {
  it.each([
    ['start', history('1999-12-31', '2026-01-10')],
    ['end', history('2100-12-20', '2101-01-01')],
    ['end', { method: 'GET' as const, url: `/api/analytics/trends/${SKU}?end=0000-01-01` }],
    ['startDate', whatIf('9999-12-31')],
    ['startDate', whatIf('10000-01-05')],
  ])('refuses %s out of range', async (path, request) => {
    await expectRefused(request, path);
  });
});

describe('identifiers with control characters are refused, not trimmed', () => {
  it.each([
    ['sku', { method: 'GET' as const, url: `/api/internal/analytics/sales-history?sku=${SKU}%0A&start=2026-01-05&end=2026-01-10` }],
    ['sku', { method: 'GET' as const, url: `/api/internal/analytics/sales-history?sku=${SKU}%00&start=2026-01-05&end=2026-01-10` }],
    [
      'sku',
      { method: 'POST' as const, url: '/api/internal/forecast/whatif', body: { sku: `${SKU}\n`, scenario: 'campaign', discountPercent: 10, durationDays: 3 } },
    ],
  ])('refuses a %s with a control character', async (path, request) => {
    await expectRefused(request, path);
  });
});
