import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorResponseSchema } from '@icc/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

/** What the stand-in for analytics received. */
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A tiny real HTTP server in analytics' place: records each request, answers what the test set. */
let analytics: Server;
let received: Received[] = [];
let answer: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '{}' };
let t: TestApp;
let down: TestApp;

beforeAll(async () => {
  analytics = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  analytics.listen(0, '127.0.0.1');
  await once(analytics, 'listening');
  t = await startTestApp({ analyticsUrl: `http://127.0.0.1:${(analytics.address() as AddressInfo).port}` });

  // An address where nothing listens: a server that was there and stopped.
  const gone = createServer();
  gone.listen(0, '127.0.0.1');
  await once(gone, 'listening');
  const gonePort = (gone.address() as AddressInfo).port;
  await new Promise<void>((resolve) => gone.close(() => resolve()));
  down = await startTestApp({ analyticsUrl: `http://127.0.0.1:${gonePort}` });
});
afterAll(async () => {
  await t?.close();
  await down?.close();
  analytics?.closeAllConnections();
  await new Promise<void>((resolve) => analytics?.close(() => resolve()));
});
beforeEach(() => {
  received = [];
});

describe('GET/POST /analytics/* → the analytics service', () => {
  it('forwards method, path, query and the API key, and returns the status and body as analytics answered', async () => {
    const list = { items: [{ id: 'r1', priority: 'CRITICAL' }], nextCursor: null };
    answer = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(list) };
    const res = await t.request('GET', '/analytics/api/recommendations?priority=CRITICAL&type=REORDER&limit=20', {
      key: t.keys.purchasing,
      headers: { cookie: 'other=1' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(list);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'GET', url: '/api/recommendations?priority=CRITICAL&type=REORDER&limit=20' });
    expect(received[0]!.headers['x-api-key']).toBe(t.keys.purchasing);
    // Only what analytics needs goes on: no cookies of this origin.
    expect(received[0]!.headers.cookie).toBeUndefined();
  });

  it('streams a request body through unchanged and returns an error answer with its status', async () => {
    const refusal = { statusCode: 409, code: 'ILLEGAL_TRANSITION', error: 'Conflict', message: 'already ORDERED' };
    answer = { status: 409, headers: { 'content-type': 'application/json' }, body: JSON.stringify(refusal) };
    const body = { quantity: 120, supplierCode: 'SUP-2', note: 'ünïcode ok' };
    const res = await t.request('POST', '/analytics/api/recommendations/665f1c2ab3a4d5e6f7a8b9c0/accept', {
      key: t.keys.purchasing,
      body,
      headers: { 'idempotency-key': 'accept-1' },
    });
    expect(res.status).toBe(409);
    expect(res.body).toEqual(refusal);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/api/recommendations/665f1c2ab3a4d5e6f7a8b9c0/accept' });
    expect(JSON.parse(received[0]!.body)).toEqual(body);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['idempotency-key']).toBe('accept-1');
    expect(received[0]!.headers['x-api-key']).toBe(t.keys.purchasing);
  });

  it('passes a body larger than the operational JSON limit to analytics to judge, not parsing it here', async () => {
    answer = { status: 202, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
    const big = JSON.stringify({ skus: Array.from({ length: 150_000 }, (_, i) => `SKU-${i}`) });
    const res = await t.request('PUT', '/analytics/api/planning/settings', {
      key: t.keys.planner,
      rawBody: big,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(202);
    expect(received[0]!.body).toBe(big);
  });

  it('refuses a missing or wrong key here, in the one error shape, and forwards nothing', async () => {
    const none = await t.request('GET', '/analytics/api/dashboard/summary');
    const wrong = await t.request('POST', '/analytics/api/recommendations/accept', { key: 'icc_not-a-key', body: { ids: [] } });
    for (const res of [none, wrong]) {
      expect(res.status).toBe(401);
      expect(ErrorResponseSchema.parse(res.body).code).toBe('UNAUTHORIZED');
    }
    expect(received).toEqual([]);
  });

  it('answers 502 in the one error shape when analytics is down, and still serves its own routes', async () => {
    const res = await down.request('GET', '/analytics/api/dashboard/summary', { key: down.keys.admin });
    expect(res.status).toBe(502);
    const error = ErrorResponseSchema.parse(res.body);
    expect(error).toMatchObject({ statusCode: 502, code: 'BAD_GATEWAY', error: 'Bad Gateway' });
    expect(error.message).toMatch(/analytics service did not answer/);
    expect(JSON.stringify(res.body)).not.toContain(down.keys.admin);
    expect((await down.as(down.keys.admin).get('/api/stock/current')).status).toBe(200);
  });
});
