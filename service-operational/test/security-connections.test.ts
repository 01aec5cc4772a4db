import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createHttpServer, HttpServerEnvSchema, type HttpServerConfig } from '@icc/shared';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.js';

/** Small timeouts so the test sees them fire; the connection cap at its default (100). */
const LIMITS: HttpServerConfig = {
  ...HttpServerEnvSchema.parse({}),
  HTTP_HEADERS_TIMEOUT_MS: 1_000,
  HTTP_REQUEST_TIMEOUT_MS: 2_000,
  HTTP_KEEP_ALIVE_TIMEOUT_MS: 300,
  HTTP_IDLE_TIMEOUT_MS: 400,
};

let connection: Connection;
let server: Server;
let port: number;

async function listen(limits: HttpServerConfig): Promise<Server> {
  const listening = createHttpServer(createApp({ connection }).app, limits).listen(0, '127.0.0.1');
  await once(listening, 'listening');
  return listening;
}

async function stop(stopping: Server): Promise<void> {
  stopping.closeAllConnections();
  await new Promise<void>((resolve) => stopping.close(() => resolve()));
}

beforeAll(async () => {
  connection = await mongoose.createConnection(inject('mongoUri'), { dbName: `op_sec_conn_${process.pid}` }).asPromise();
  server = await listen(LIMITS);
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await stop(server);
  await connection.close();
});

interface OpenSocket {
  socket: Socket;
  /** Resolves when the server closes the connection, with the ms since connecting and all bytes received. */
  closed: Promise<{ afterMs: number; received: string }>;
}

async function open(toPort = port): Promise<OpenSocket> {
  const socket = connect(toPort, '127.0.0.1');
  const startedAt = Date.now();
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => undefined);
  const closed = once(socket, 'close').then(() => ({ afterMs: Date.now() - startedAt, received }));
  await once(socket, 'connect');
  return { socket, closed };
}

const stillOpenAfter = (ms: number, closed: Promise<unknown>) =>
  Promise.race([closed.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), ms))]);

describe('connections that never finish or go silent', () => {
  it('closes a slowloris client that keeps sending headers but never ends them, with 408 in the error shape', async () => {
    const { socket, closed } = await open();
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
    // A header line every 100 ms: the socket is never idle, only the header timeout can end it.
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

  it('closes a slow body that never completes within the request timeout', async () => {
    const { socket, closed } = await open();
    socket.write('POST /api/products HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{');
    const drip = setInterval(() => socket.writable && socket.write(' '), 100);
    try {
      const { afterMs } = await closed;
      expect(afterMs).toBeLessThan(LIMITS.HTTP_REQUEST_TIMEOUT_MS + 1_500);
    } finally {
      clearInterval(drip);
    }
  });

  it('closes a connection that sends nothing after the idle timeout', async () => {
    const { closed } = await open();
    const { afterMs, received } = await closed;
    expect(afterMs).toBeGreaterThanOrEqual(LIMITS.HTTP_IDLE_TIMEOUT_MS - 50);
    // Well before the header timeout could have ended it.
    expect(afterMs).toBeLessThan(LIMITS.HTTP_HEADERS_TIMEOUT_MS);
    expect(received).toBe('');
  });

  it('closes a kept-alive connection after the keep-alive timeout once its request is answered', async () => {
    const { socket, closed } = await open();
    socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { afterMs, received } = await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    // Node's own default would hold it 5 s; newer Node adds up to 1 s of grace to the keep-alive timeout.
    expect(afterMs).toBeLessThan(LIMITS.HTTP_KEEP_ALIVE_TIMEOUT_MS + 1_500);
  });
});

describe('connections per client address', () => {
  it('refuses the 101st concurrent connection from one address, and accepts again once one closes', async () => {
    // The default limits: no timeout ends the held connections during the test.
    const defaults = await listen(HttpServerEnvSchema.parse({}));
    const defaultsPort = (defaults.address() as AddressInfo).port;
    const cap = HttpServerEnvSchema.parse({}).HTTP_MAX_CONNECTIONS_PER_CLIENT;
    expect(cap).toBe(100);
    const sockets: OpenSocket[] = [];
    try {
      for (let i = 0; i < cap; i++) {
        const s = await open(defaultsPort);
        s.socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n');
        sockets.push(s);
      }
      const extra = await open(defaultsPort);
      const refused = await extra.closed;
      expect(refused.afterMs).toBeLessThan(300);
      expect(refused.received).toBe('');
      expect(await stillOpenAfter(50, Promise.race(sockets.map((s) => s.closed)))).toBe(true);

      sockets.shift()!.socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const again = await open(defaultsPort);
      expect(await stillOpenAfter(150, again.closed)).toBe(true);
      again.socket.destroy();
    } finally {
      sockets.forEach(({ socket }) => socket.destroy());
      await stop(defaults);
    }
  });
});
