import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createHttpServer, HttpServerEnvSchema } from '@icc/shared';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.js';
import { startTestApp, type ApiResponse, type TestApp } from './support/test-app.js';

let t: TestApp;
/** The same app behind the service's real HTTP server (its limits and parser-error answers). */
let server: Server;
let port: number;

beforeAll(async () => {
  t = await startTestApp();
  const connection = await mongoose.createConnection(inject('mongoUri'), { dbName: `op_sec_http_${process.pid}` }).asPromise();
  server = createHttpServer(createApp({ connection }).app, HttpServerEnvSchema.parse({})).listen(0, '127.0.0.1');
  server.once('close', () => void connection.close());
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

function expectErrorShape(res: ApiResponse, statusCode: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(statusCode);
  expect(res.body).toEqual({
    statusCode,
    code,
    error: expect.any(String),
    message: expect.any(String),
    ...(res.body.details === undefined ? {} : { details: res.body.details }),
  });
}

/** Send raw bytes and read the whole answer until the server closes. */
async function raw(request: string): Promise<{ status: number; headers: string; body: string }> {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(request);
  await once(socket, 'close');
  const [head = '', body = ''] = received.split('\r\n\r\n');
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head, body };
}

describe('probes without a key say only a bare status', () => {
  it('/health and /ready carry no counts or times', async () => {
    const health = await t.request('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('/ready/details needs an admin or service key', async () => {
    expectErrorShape(await t.request('GET', '/ready/details'), 401, 'UNAUTHORIZED');
    expectErrorShape(await t.request('GET', '/ready/details', { key: t.keys.sales }), 403, 'FORBIDDEN');
    for (const key of [t.keys.service, t.keys.admin]) {
      const res = await t.request('GET', '/ready/details', { key });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', database: 'reachable', uptimeSeconds: expect.any(Number) });
    }
  });
});

describe('/metrics', () => {
  it('refuses a missing or unknown key with 401 and a key of another role with 403, in the error shape', async () => {
    expectErrorShape(await t.request('GET', '/metrics'), 401, 'UNAUTHORIZED');
    expectErrorShape(await t.request('GET', '/metrics', { headers: { Authorization: 'Bearer icc_not-a-key' } }), 401, 'UNAUTHORIZED');
    for (const role of ['sales', 'warehouse', 'purchasing', 'planner'] as const) {
      expectErrorShape(await t.request('GET', '/metrics', { key: t.keys[role] }), 403, 'FORBIDDEN');
    }
  });

  it('answers a service key sent as a bearer token (as Prometheus sends it) and an admin key', async () => {
    for (const headers of [{ Authorization: `Bearer ${t.keys.service}` }, { 'X-API-Key': t.keys.admin }] as Array<Record<string, string>>) {
      const res = await t.request('GET', '/metrics', { headers });
      expect(res.status).toBe(200);
      expect(String(res.body)).toContain('# TYPE http_request_duration_seconds histogram');
    }
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Headers, label: string) => {
    expect(headers.get('x-content-type-options'), label).toBe('nosniff');
    expect(headers.get('x-frame-options'), label).toBe('DENY');
    expect(headers.get('referrer-policy'), label).toBe('no-referrer');
    expect(headers.get('cross-origin-opener-policy'), label).toBe('same-origin');
    expect(headers.get('cross-origin-resource-policy'), label).toBe('same-origin');
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp, label).toContain("default-src 'self'");
    expect(csp, label).toContain("script-src 'self'");
    expect(csp, label).toContain("frame-ancestors 'none'");
    expect(csp, label).toContain("object-src 'none'");
    expect(csp, label).not.toContain('unsafe-eval');
  };

  it('are on API answers, errors, probes, the dashboard and the docs', async () => {
    for (const [path, key] of [
      ['/api/products?limit=1', t.keys.admin],
      ['/api/products/NOPE', t.keys.admin],
      ['/api/products', null],
      ['/health', null],
      ['/', null],
      ['/dashboard/app.js', null],
      ['/dashboard/vendor/socket.io.min.js', null],
      ['/favicon.ico', null],
      ['/docs/', null],
      ['/nowhere', null],
      // Engine.IO answers these before Express: a polling handshake and a refused transport.
      ['/socket.io/?EIO=4&transport=polling', null],
      ['/socket.io/?EIO=4&transport=nope', null],
    ] as const) {
      expectHardened((await t.request('GET', path, { key })).headers, path);
    }
  });

  it('serves the Socket.IO browser client from the dashboard, not from /socket.io/', async () => {
    const client = await t.request('GET', '/dashboard/vendor/socket.io.min.js');
    expect(client.status, JSON.stringify(client.body).slice(0, 300)).toBe(200);
    expect(client.headers.get('content-type')).toMatch(/javascript/);
    expect(String(client.body)).toContain('Socket.IO');
    expect((await t.request('GET', '/socket.io/socket.io.js')).status).toBe(400);
  });

  it('serves the icon at /favicon.ico and the page links it', async () => {
    const icon = await t.request('GET', '/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(String(icon.body)).toContain('<svg');
    expect(String((await t.request('GET', '/')).body)).toContain('href="/dashboard/favicon.svg"');
  });

  it('forbid caching of every /api answer, success or error, but not of the dashboard', async () => {
    for (const [path, key] of [
      ['/api/products?limit=1', t.keys.admin],
      ['/api/products/NOPE', t.keys.admin],
      ['/api/products', null],
      ['/api/nowhere', t.keys.admin],
      ['/socket.io/?EIO=4&transport=polling', null],
    ] as const) {
      expect((await t.request('GET', path, { key })).headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await t.request('GET', '/')).headers.get('cache-control')).toBe('no-cache');
  });
});

describe('errors before any route, in the one shape', () => {
  it('answers a URL longer than 8 KiB with 414', async () => {
    const res = await t.request('GET', `/api/products?q=${'x'.repeat(9_000)}`, { key: t.keys.admin });
    expectErrorShape(res, 414, 'URI_TOO_LONG');
  });

  it('answers headers larger than the limit with 431 from the HTTP parser', async () => {
    const res = await raw(`GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/content-type: application\/json/i);
    expect(JSON.parse(res.body)).toEqual({ statusCode: 431, code: 'HEADERS_TOO_LARGE', error: 'Request Header Fields Too Large', message: expect.any(String) });
  });

  it('answers a request the parser cannot read with 400', async () => {
    const res = await raw('THIS IS NOT HTTP\r\n\r\n');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request', message: expect.any(String) });
  });
});
