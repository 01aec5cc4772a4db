import { DEFAULT_PLANNING_SETTINGS } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLANNING_COLLECTIONS } from '../src/planning/planning.collections.js';
import { aProduct } from './support/planning-fixtures.js';
import './support/provided-context.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

/** Planning settings and reorder rules through the API: defaults, validation, roles, tenants. */
let t: AnalyticsTestApp;
let planner: string;
let purchasing: string;
let otherPlanner: string;

beforeAll(async () => {
  t = await startAnalyticsTestApp();
  planner = await t.issueKey('acme', ['planner']);
  purchasing = await t.issueKey('acme', ['purchasing']);
  otherPlanner = await t.issueKey('globex', ['planner']);
  await aProduct(t.analytics, 'acme', 'SKU-1');
  await aProduct(t.analytics, 'acme', 'SKU-2');
});
afterAll(() => t.close());

const call = (method: 'GET' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { 'x-api-key': key }, ...(payload === undefined ? {} : { payload: payload as object }) });

const minMax = { strategy: 'MIN_MAX', minStock: 20, maxStock: 80 };

describe('planning settings', () => {
  it('answers the defaults until a planner saves some, then what was saved', async () => {
    const before = await call('GET', '/api/planning/settings', purchasing);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ ...DEFAULT_PLANNING_SETTINGS, updatedAt: null });

    const changed = {
      ...DEFAULT_PLANNING_SETTINGS,
      orderingCost: 80,
      defaultServiceLevels: { A: 0.99, B: 0.96, C: 0.85 },
      schedule: { enabled: false, timeOfDay: '06:30' },
    };
    const saved = await call('PUT', '/api/planning/settings', planner, changed);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject(changed);
    expect((await call('GET', '/api/planning/settings', purchasing)).json()).toMatchObject({ ...changed, updatedAt: expect.any(String) });
    // Another tenant still has the defaults.
    expect((await call('GET', '/api/planning/settings', otherPlanner)).json()).toEqual({ ...DEFAULT_PLANNING_SETTINGS, updatedAt: null });
  });

  it('refuses a bad time, a partial body or a non-planner, naming the field and writing nothing', async () => {
    const before = await t.analytics.collection(PLANNING_COLLECTIONS.planningSettings).find().toArray();
    const badTime = await call('PUT', '/api/planning/settings', planner, { ...DEFAULT_PLANNING_SETTINGS, schedule: { enabled: true, timeOfDay: '25:00' } });
    expect(badTime.statusCode).toBe(400);
    expect(badTime.json().message).toContain('schedule.timeOfDay');
    const partial = await call('PUT', '/api/planning/settings', planner, { orderingCost: 10 });
    expect(partial.statusCode).toBe(400);
    const forbidden = await call('PUT', '/api/planning/settings', purchasing, DEFAULT_PLANNING_SETTINGS);
    expect(forbidden.statusCode).toBe(403);
    expect(await t.analytics.collection(PLANNING_COLLECTIONS.planningSettings).find().toArray()).toEqual(before);
  });
});

describe('reorder rules', () => {
  it('sets, lists, replaces and removes a rule for all locations and one location', async () => {
    const all = await call('PUT', '/api/planning/rules/SKU-1', planner, minMax);
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({ sku: 'SKU-1', locationCode: null, strategy: 'MIN_MAX', minStock: 20, maxStock: 80, serviceLevel: null, isActive: true });
    const one = await call('PUT', '/api/planning/rules/SKU-1?locationCode=WH-2', planner, { strategy: 'FORECAST_BASED', serviceLevel: 0.97 });
    expect(one.statusCode, one.body).toBe(200);
    await call('PUT', '/api/planning/rules/SKU-2', planner, { strategy: 'MANUAL' });

    const list = await call('GET', '/api/planning/rules', purchasing);
    expect(list.json().items.map((r: { sku: string; locationCode: string | null }) => `${r.sku}@${r.locationCode}`)).toEqual([
      'SKU-1@null',
      'SKU-1@WH-2',
      'SKU-2@null',
    ]);
    const paged = await call('GET', '/api/planning/rules?limit=2', purchasing);
    expect(paged.json().items).toHaveLength(2);
    const rest = await call('GET', `/api/planning/rules?limit=2&cursor=${paged.json().nextCursor}`, purchasing);
    expect(rest.json()).toMatchObject({ items: [{ sku: 'SKU-2' }], nextCursor: null });
    expect((await call('GET', '/api/planning/rules?sku=SKU-1', purchasing)).json().items).toHaveLength(2);

    const replaced = await call('PUT', '/api/planning/rules/SKU-1', planner, { ...minMax, maxStock: 100 });
    expect(replaced.json().maxStock).toBe(100);
    expect(await t.analytics.collection(PLANNING_COLLECTIONS.reorderRules).countDocuments({ tenantId: 'acme' })).toBe(3);

    expect((await call('DELETE', '/api/planning/rules/SKU-1?locationCode=WH-2', planner)).statusCode).toBe(204);
    expect((await call('DELETE', '/api/planning/rules/SKU-1?locationCode=WH-2', planner)).statusCode).toBe(404);
    expect(await t.analytics.collection(PLANNING_COLLECTIONS.reorderRules).countDocuments({ tenantId: 'acme' })).toBe(2);
  });

  it('refuses an inconsistent rule, an unknown or foreign SKU, a bad cursor and a non-planner, writing nothing', async () => {
    const count = () => t.analytics.collection(PLANNING_COLLECTIONS.reorderRules).countDocuments();
    const before = await count();
    const noMax = await call('PUT', '/api/planning/rules/SKU-1', planner, { strategy: 'MIN_MAX', minStock: 5 });
    expect(noMax.statusCode).toBe(400);
    expect(noMax.json().message).toContain('maxStock');
    const inverted = await call('PUT', '/api/planning/rules/SKU-1', planner, { strategy: 'MIN_MAX', minStock: 50, maxStock: 10 });
    expect(inverted.json()).toMatchObject({ statusCode: 400, details: [{ path: 'maxStock' }] });
    expect((await call('PUT', '/api/planning/rules/SKU-1', planner, { strategy: 'JIT' })).statusCode).toBe(400);
    expect((await call('PUT', '/api/planning/rules/SKU-1', planner, { strategy: 'MANUAL', serviceLevel: 1.5 })).statusCode).toBe(400);
    expect((await call('PUT', '/api/planning/rules/SKU-1?locationCode=bad%20code', planner, { strategy: 'MANUAL' })).statusCode).toBe(400);
    expect((await call('PUT', '/api/planning/rules/NO-SUCH', planner, { strategy: 'MANUAL' })).statusCode).toBe(404);
    // globex has no SKU-1: the same 404 as an unknown SKU.
    const foreign = await call('PUT', '/api/planning/rules/SKU-1', otherPlanner, { strategy: 'MANUAL' });
    expect(foreign.json()).toMatchObject({ statusCode: 404, message: 'No product SKU-1 in the catalog' });
    expect((await call('GET', '/api/planning/rules?cursor=%3A%3A', planner)).statusCode).toBe(400);
    expect((await call('PUT', '/api/planning/rules/SKU-1', purchasing, minMax)).statusCode).toBe(403);
    expect((await call('DELETE', '/api/planning/rules/SKU-2', purchasing)).statusCode).toBe(403);
    expect(await count()).toBe(before);
    expect((await call('GET', '/api/planning/rules', otherPlanner)).json().items).toEqual([]);
  });
});
