import { once } from 'node:events';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { HttpServerEnvSchema, type CdcStatus, type HttpServerConfig } from '@icc/shared';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAnalyticsApp } from '../src/app.js';
import type { AnalyticsFastify } from '../src/http/fastify-types.js';
import { startAnalyticsTestApp, type AnalyticsTestApp } from './support/test-analytics.js';

let t: AnalyticsTestApp;
let cdc: CdcStatus = {
  state: 'streaming',
  lastEventAt: '2026-03-01T10:00:00.000Z',
  lastCheckpointAt: '2026-03-01T10:00:01.000Z',
  lagSeconds: 0.4,
  eventsProcessed: 9_876,
};
const keys: Record<'planner' | 'service' | 'admin', string> = { planner: '', service: '', admin: '' };

beforeAll(async () => {
  t = await startAnalyticsTestApp({ cdcStatus: () => cdc });
  for (const role of ['planner', 'service', 'admin'] as const) keys[role] = await t.issueKey('acme', [role]);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => t.close());

const url = (path: string) => `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}${path}`;
const get = (path: string, headers: Record<string, string> = {}) => fetch(url(path), { headers });

async function expectErrorShape(res: Response, statusCode: number, code: string): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  expect(res.status, JSON.stringify(body)).toBe(statusCode);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  expect(body).toEqual({
    statusCode,
    code,
    error: expect.any(String),
    message: expect.any(String),
    ...(body.details === undefined ? {} : { details: body.details }),
  });
  return body;
}

/** Send raw bytes to `port` and read the whole answer until the server closes. */
async function raw(port: number, request: string): Promise<{ status: number; head: string; body: string }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  await once(socket, 'close');
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), head, body };
}

describe('probes without a key say only a bare status', () => {
  it('/health and /ready carry no counts, lag or times', async () => {
    expect(await (await get('/health')).json()).toEqual({ status: 'ok' });
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('/ready says why it is not ready in one word, in the error shape, without the CDC figures', async () => {
    try {
      for (const [state, status] of [
        [{ state: 'backfilling' }, 'backfilling'],
        [{ state: 'starting' }, 'starting'],
        [{ state: 'streaming', lagSeconds: 600 }, 'lagging'],
      ] as const) {
        cdc = { ...cdc, ...state };
        const body = await expectErrorShape(await get('/ready'), 503, 'SERVICE_UNAVAILABLE');
        expect(body.details).toEqual({ status });
        const text = JSON.stringify(body);
        for (const secret of ['9876', '600', '2026-03-01']) expect(text).not.toContain(secret);
      }
    } finally {
      cdc = { ...cdc, state: 'streaming', lagSeconds: 0.4 };
    }
  });

  it('/ready/details gives the CDC state to an admin or service key only', async () => {
    await expectErrorShape(await get('/ready/details'), 401, 'UNAUTHORIZED');
    await expectErrorShape(await get('/ready/details', { 'x-api-key': keys.planner }), 403, 'FORBIDDEN');
    for (const key of [keys.service, keys.admin]) {
      const res = await get('/ready/details', { authorization: `Bearer ${key}` });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', cdc });
    }
  });
});

describe('/metrics', () => {
  it('refuses a missing or unknown key with 401 and another role with 403, in the error shape', async () => {
    await expectErrorShape(await get('/metrics'), 401, 'UNAUTHORIZED');
    await expectErrorShape(await get('/metrics', { authorization: 'Bearer icc_not-a-key' }), 401, 'UNAUTHORIZED');
    await expectErrorShape(await get('/metrics', { 'x-api-key': keys.planner }), 403, 'FORBIDDEN');
    // Not around the key through a public prefix either.
    await expectErrorShape(await get('/ready/../metrics'), 401, 'UNAUTHORIZED');
    expect([401, 404]).toContain((await get('/health/%2e%2e/metrics')).status);
  });

  it('answers a service key sent as a bearer token (as Prometheus sends it) and an admin key', async () => {
    for (const headers of [{ authorization: `Bearer ${keys.service}` }, { 'x-api-key': keys.admin }] as Array<Record<string, string>>) {
      const res = await get('/metrics', headers);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/^cdc_events_processed 9876$/m);
    }
  });
});

describe('security headers', () => {
  it('are on API answers, errors, probes and the docs', async () => {
    for (const [path, key] of [
      ['/api/models/performance', keys.planner],
      ['/api/analytics/trends/NOPE', keys.planner],
      ['/api/models/performance', undefined],
      ['/health', undefined],
      ['/docs/', undefined],
      ['/openapi.json', undefined],
      ['/nowhere', undefined],
    ] as const) {
      const { headers } = await get(path, key ? { 'x-api-key': key } : {});
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('cross-origin-opener-policy'), path).toBe('same-origin');
      expect(headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
      const csp = headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("default-src 'self'");
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-eval');
    }
  });

  it('forbid caching of every /api answer, success or error', async () => {
    for (const [path, key] of [
      ['/api/models/performance', keys.planner],
      ['/api/analytics/trends/NOPE', keys.planner],
      ['/api/models/performance', undefined],
      ['/api/nowhere', keys.planner],
    ] as const) {
      expect((await get(path, key ? { 'x-api-key': key } : {})).headers.get('cache-control'), path).toBe('no-store');
    }
  });
});

describe("errors Fastify and Node's parser answer themselves, in the one shape", () => {
  const port = () => (t.app.server.address() as AddressInfo).port;

  it('bad JSON 400, unsupported media type 415, body too large 413, unknown route 404', async () => {
    const post = (body: string, contentType: string) =>
      fetch(url('/api/models/train'), { method: 'POST', headers: { 'x-api-key': keys.admin, 'content-type': contentType }, body });
    await expectErrorShape(await post('{"skus": [', 'application/json'), 400, 'INVALID_INPUT');
    await expectErrorShape(await post('skus=A', 'application/x-www-form-urlencoded'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    await expectErrorShape(await post(JSON.stringify({ skus: ['A'], padding: 'x'.repeat(1_100_000) }), 'application/json'), 413, 'PAYLOAD_TOO_LARGE');
    await expectErrorShape(await get('/api/nowhere', { 'x-api-key': keys.admin }), 404, 'NOT_FOUND');
  });

  it('a URL that does not decode is 400, one longer than 8 KiB is 414', async () => {
    const bad = await raw(port(), 'GET /api/forecast/%E0%A4%A HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request' });
    await expectErrorShape(await get(`/api/models/performance?q=${'x'.repeat(9_000)}`, { 'x-api-key': keys.admin }), 414, 'URI_TOO_LONG');
  });

  it('headers larger than the limit are 431, a request the parser cannot read is 400', async () => {
    const big = await raw(port(), `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(big.status).toBe(431);
    expect(big.head).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(big.body)).toEqual({ statusCode: 431, code: 'HEADERS_TOO_LARGE', error: 'Request Header Fields Too Large', message: expect.any(String) });
    const garbage = await raw(port(), 'THIS IS NOT HTTP\r\n\r\n');
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toEqual({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request', message: expect.any(String) });
  });
});

describe('connections that never finish or go silent', () => {
  const LIMITS: HttpServerConfig = {
    ...HttpServerEnvSchema.parse({}),
    HTTP_HEADERS_TIMEOUT_MS: 1_000,
    HTTP_REQUEST_TIMEOUT_MS: 2_000,
    HTTP_KEEP_ALIVE_TIMEOUT_MS: 300,
    HTTP_IDLE_TIMEOUT_MS: 400,
  };
  let client: MongoClient;
  let app: AnalyticsFastify;
  let port: number;

  beforeAll(async () => {
    client = await MongoClient.connect(inject('mongoUri'));
    app = await createAnalyticsApp({ analytics: client.db(`an_sec_${process.pid}`), operational: client.db(`op_sec_${process.pid}`), server: LIMITS });
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await client.close();
  });

  async function open(): Promise<{ socket: Socket; closed: Promise<{ afterMs: number; received: string }> }> {
    const socket = connect(port, '127.0.0.1');
    const startedAt = Date.now();
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    const closed = once(socket, 'close').then(() => ({ afterMs: Date.now() - startedAt, received }));
    await once(socket, 'connect');
    return { socket, closed };
  }

  it('closes a slowloris client after the header timeout with 408 in the error shape', async () => {
    const { socket, closed } = await open();
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    const drip = setInterval(() => socket.writable && socket.write(`X-Drip-${Date.now()}: 1\r\n`), 100);
    try {
      const { afterMs, received } = await closed;
      expect(afterMs).toBeGreaterThanOrEqual(LIMITS.HTTP_HEADERS_TIMEOUT_MS - 50);
      expect(afterMs).toBeLessThan(LIMITS.HTTP_HEADERS_TIMEOUT_MS + 1_500);
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(JSON.parse(received.split('\r\n\r\n')[1]!)).toEqual({
        statusCode: 408,
        code: 'REQUEST_TIMEOUT',
        error: 'Request Timeout',
        message: expect.any(String),
      });
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection that sends nothing after the idle timeout', async () => {
    const { afterMs, received } = await (await open()).closed;
    expect(afterMs).toBeGreaterThanOrEqual(LIMITS.HTTP_IDLE_TIMEOUT_MS - 50);
    expect(afterMs).toBeLessThan(LIMITS.HTTP_HEADERS_TIMEOUT_MS);
    expect(received).toBe('');
  });

  it('refuses the 101st concurrent connection from one address', async () => {
    expect(LIMITS.HTTP_MAX_CONNECTIONS_PER_CLIENT).toBe(100);
    const sockets = [];
    try {
      for (let i = 0; i < 100; i++) sockets.push(await open());
      const refused = await (await open()).closed;
      expect(refused.afterMs).toBeLessThan(LIMITS.HTTP_IDLE_TIMEOUT_MS - 100);
      expect(refused.received).toBe('');
    } finally {
      sockets.forEach(({ socket }) => socket.destroy());
    }
  });
});
