import type { CdcStatus } from '@icc/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

let t: AnalyticsTestApp;
let cdc: CdcStatus = { state: 'streaming', lastEventAt: null, lastCheckpointAt: new Date().toISOString(), lagSeconds: 0.2, eventsProcessed: 42 };
let key: string;
let serviceKey: string;

beforeAll(async () => {
  t = await startAnalyticsTestApp({ cdcStatus: () => cdc });
  key = await t.issueKey('acme', ['planner']);
  serviceKey = await t.issueKey('acme', ['service']);
});
afterAll(() => t.close());

describe('authentication against the shared key store', () => {
  it('refuses a missing, malformed, unknown or revoked key with 401 in the one error shape', async () => {
    const revoked = await t.issueKey('acme', ['admin'], { revoked: true });
    for (const headers of [{}, { 'x-api-key': 'nope' }, { 'x-api-key': `icc_${'x'.repeat(32)}` }, { 'x-api-key': revoked }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/analytics/trends/ANY', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized' });
    }
  });

  it('accepts the key as X-API-Key or as a bearer token', async () => {
    for (const headers of [{ 'x-api-key': key }, { authorization: `Bearer ${key}` }, { authorization: `bearer ${key}` }]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/analytics/trends/NO-SUCH-SKU', headers });
      // Authenticated: the route runs and answers that this SKU has no history.
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('NOT_FOUND');
    }
  });
});

describe('errors', () => {
  it('answers an unknown route with 404 in the one shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nowhere', headers: { 'x-api-key': key } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('/api/nowhere') });
  });

  it('answers invalid query parameters with 400 naming each field', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/internal/analytics/sales-history?sku=A&start=2026-13-01&end=yesterday',
      headers: { 'x-api-key': key },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('INVALID_INPUT');
    expect(body.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['end']));
  });

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const given = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-123' } });
    expect(given.headers['x-request-id']).toBe('trace-123');
    const made = await t.app.inject({ method: 'GET', url: '/health' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('probes, metrics and the API description', () => {
  it('is healthy and ready while CDC streams within its lag budget, and not ready otherwise', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    const details = (url = '/ready/details') => t.app.inject({ method: 'GET', url, headers: { 'x-api-key': serviceKey } });
    const readyDetails = await details();
    expect(readyDetails.statusCode).toBe(200);
    expect(readyDetails.json()).toMatchObject({ status: 'ready', cdc: { state: 'streaming', eventsProcessed: 42 } });
    cdc = { ...cdc, state: 'backfilling' };
    const backfilling = await details();
    expect(backfilling.statusCode).toBe(503);
    expect(backfilling.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'CDC is backfilling, 0 s behind', details: { eventsProcessed: 42 } });
    expect((await details('/ready')).json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Not ready: backfilling',
      details: { status: 'backfilling' },
    });
    cdc = { ...cdc, state: 'streaming', lagSeconds: 600 };
    expect((await details()).statusCode).toBe(503);
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).statusCode).toBe(503);
    cdc = { ...cdc, lagSeconds: 0.2 };
  });

  it('exposes CDC counters, rate, lag and checkpoint age as Prometheus metrics', async () => {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${serviceKey}` } })).body;
    expect(text).toMatch(/^cdc_events_processed 42$/m);
    expect(text).toMatch(/^cdc_lag_seconds 0\.2$/m);
    expect(text).toMatch(/^cdc_checkpoint_age_seconds \d/m);
    expect(text).toContain('cdc_events_per_second');
    expect(text).toContain('http_request_duration_seconds_bucket');
  });

  it('describes every analytics route in OpenAPI 3 and serves a browsable page', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/internal/analytics/sales-history',
        '/api/internal/analytics/seasonality-data',
        '/api/analytics/trends/{sku}',
        '/api/analytics/seasonality/{sku}',
        '/ready',
      ]),
    );
    expect(doc.paths['/api/internal/analytics/sales-history'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['sku', 'start', 'end']),
    );
    const page = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });
});
