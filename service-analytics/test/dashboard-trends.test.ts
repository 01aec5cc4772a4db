import { addUtcDays, DashboardTrendsSchema, ErrorResponseSchema, utcDayKey, type DayKey } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_SALES_FACTS, type DailySalesFactDocument } from '../src/features/fact-reader.js';
import { seedDashboardTenant } from './support/dashboard-fixtures.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/**
 * The overview's trend series: per day, the facts summed the plain way here
 * equal the endpoint's numbers; the period ends yesterday; bad input is a 400
 * naming the field; each tenant sees its own facts only.
 */

let t: AnalyticsTestApp;
let acmeKey: string;
let globexKey: string;
const today: DayKey = utcDayKey(new Date());

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  acmeKey = await t.issueKey('acme', ['sales']);
  globexKey = await t.issueKey('globex', ['warehouse']);
  await seedDashboardTenant(t.analytics, 'acme', { seed: 7, skus: 12, today });
  await seedDashboardTenant(t.analytics, 'globex', { seed: 8, skus: 5, today });
  // A fact of today (still arriving) and one older than the period: neither is counted.
  const [sample] = await t.analytics.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).find({ tenantId: 'acme' }).limit(1).toArray();
  for (const day of [today, addUtcDays(today, -31)]) {
    await t.analytics
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .insertOne({ ...sample!, _id: `acme:extra:${day}`, sku: 'SKU-EXTRA', day, quantityDemanded: 1_000 });
  }
});
afterAll(() => t.close());

async function trends(query: string, key = acmeKey) {
  const res = await t.app.inject({ method: 'GET', url: `/api/dashboard/trends${query}`, headers: { 'x-api-key': key } });
  return { status: res.statusCode, body: res.json<unknown>() };
}

describe('GET /api/dashboard/trends', () => {
  it('sums each day of the tenant’s facts: demand, sales, unfulfilled, revenue, fill rate and stock-out rate, yesterday last', async () => {
    const res = await trends('?days=30');
    expect(res.status).toBe(200);
    const body = DashboardTrendsSchema.parse(res.body);
    expect(body).toMatchObject({ from: addUtcDays(today, -30), to: addUtcDays(today, -1) });
    const facts = await t.analytics
      .collection<DailySalesFactDocument>(DAILY_SALES_FACTS)
      .find({ tenantId: 'acme', day: { $gte: body.from, $lte: body.to } })
      .toArray();
    const days = [...new Set(facts.map((f) => f.day))].sort();
    expect(days.length).toBeGreaterThan(20);
    expect(body.days.map((d) => d.day)).toEqual(days);
    for (const point of body.days) {
      const rows = facts.filter((f) => f.day === point.day);
      const demanded = rows.reduce((s, f) => s + f.quantityDemanded, 0);
      const unfulfilled = rows.reduce((s, f) => s + f.quantityUnfulfilled, 0);
      expect(point.demanded).toBe(demanded);
      expect(point.sold).toBe(rows.reduce((s, f) => s + f.quantitySold, 0));
      expect(point.unfulfilled).toBe(unfulfilled);
      expect(point.revenue).toBeCloseTo(
        rows.reduce((s, f) => s + f.revenue, 0),
        2,
      );
      expect(point.fillRate).toBeCloseTo(demanded > 0 ? 1 - unfulfilled / demanded : Number.NaN, 10);
      expect(point.stockoutRate).toBeCloseTo(rows.filter((f) => f.stockOut).length / rows.length, 10);
    }
    // Neither today's fact nor the one before the period is in it.
    expect(body.days.some((d) => d.demanded >= 1_000)).toBe(false);
  });

  it('shows each tenant its own facts only, and refuses a bad period with a 400 naming the field', async () => {
    const acme = DashboardTrendsSchema.parse((await trends('?days=40')).body);
    const globex = DashboardTrendsSchema.parse((await trends('?days=40', globexKey)).body);
    const globexFacts = await t.analytics.collection<DailySalesFactDocument>(DAILY_SALES_FACTS).find({ tenantId: 'globex' }).toArray();
    expect(globex.days.reduce((s, d) => s + d.demanded, 0)).toBe(globexFacts.reduce((s, f) => s + f.quantityDemanded, 0));
    expect(acme.days.reduce((s, d) => s + d.demanded, 0)).not.toBe(globex.days.reduce((s, d) => s + d.demanded, 0));
    for (const query of ['?days=3', '?days=500', '?days=ninety', '?since=2020-01-01']) {
      const res = await trends(query);
      expect(res.status, query).toBe(400);
      const error = ErrorResponseSchema.parse(res.body);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/days|since/);
    }
  });
});
