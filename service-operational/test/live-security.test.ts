import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLiveHub } from '../src/live/live.hub.js';
import { MAX_ROOMS_PER_SOCKET } from '../src/live/live.subscriptions.js';
import type { LiveHub } from '../src/live/live.types.js';
import { issueApiKey } from '../src/tenancy/api-key.service.js';
import { aLocation, aProduct } from './support/builders.js';
import { liveClient, type LiveClient, type Received } from './support/live-client.js';
import { startTestApp, TENANT, type TestApp } from './support/test-app.js';

let t: TestApp;
const SKU = 'SEC-A';
const WH = 'SEC-WH1';
const open: LiveClient[] = [];
const hubs: Array<{ hub: LiveHub; server: Server }> = [];

async function connect(baseUrl: string, key: string, options: Parameters<typeof liveClient>[2] = {}): Promise<LiveClient> {
  const client = liveClient(baseUrl, key, options);
  open.push(client);
  await client.connected();
  return client;
}

/** A key of its own, so revoking it disturbs no other test. */
async function freshKey(name: string): Promise<{ key: string; apiKeyId: string }> {
  return issueApiKey(t.models, TENANT, name, ['planner']);
}

async function revoke(apiKeyId: string): Promise<void> {
  await t.models.ApiKey.updateOne({ _id: apiKeyId }, { $set: { revokedAt: new Date() } });
}

/** A second hub on the test database with its own sweep interval, on its own HTTP server. */
async function hubWithSweep(keySweepIntervalMs: number): Promise<{ hub: LiveHub; url: string }> {
  const hub = createLiveHub(t.models, { keySweepIntervalMs });
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  hub.attach(server);
  hubs.push({ hub, server });
  return { hub, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function adjust(quantity: number): Promise<string> {
  const res = await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku: SKU, locationCode: WH, quantity, reason: 'live security test' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return (res.body as { movements: Array<{ id: string }> }).movements[0]!.id;
}

const stockEventOf = (movementId: string) => (r: Received) =>
  r.event === 'stock:updated' && r.envelope.data.movements.some((m: { id: string }) => m.id === movementId);

/** Drops the transport the way a network does (a recoverable disconnect), and resolves once the client saw it. */
async function dropTransport(client: LiveClient): Promise<void> {
  const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
  client.socket.io.engine.close();
  await disconnected;
}

/** socket.io-client keeps the session id and last offset in private fields; a raw client needs them. */
function sessionOf(client: LiveClient): { pid: string; offset: string } {
  const state = client.socket as unknown as { _pid?: string; _lastOffset?: string };
  expect(state._pid).toEqual(expect.any(String));
  expect(state._lastOffset).toEqual(expect.any(String));
  return { pid: state._pid!, offset: state._lastOffset! };
}

beforeAll(async () => {
  t = await startTestApp();
  const admin = t.as(t.keys.admin);
  expect((await admin.post('/api/products', aProduct({ sku: SKU }))).status).toBe(201);
  expect((await admin.post('/api/locations', aLocation({ code: WH }))).status).toBe(201);
});
afterEach(async () => {
  vi.useRealTimers();
  for (const client of open.splice(0)) client.close();
  for (const { hub, server } of hubs.splice(0)) {
    await hub.close();
    server.close();
  }
});
afterAll(() => t.close());

describe('revoked keys on open sockets', () => {
  it('disconnects the sockets of a revoked key at the next sweep, and keeps the others', async () => {
    const { url } = await hubWithSweep(100);
    const doomed = await freshKey('revoked while connected');
    const revokedSocket = await connect(url, doomed.key, { reconnection: false });
    const keptSocket = await connect(url, t.keys.admin, { reconnection: false });
    const reason = new Promise<string>((resolve) => revokedSocket.socket.once('disconnect', resolve));
    const revokedAt = Date.now();
    await revoke(doomed.apiKeyId);
    // The sweep reads keys afresh: it does not wait for the verifier's 10 s cache.
    await expect(Promise.race([reason, new Promise((resolve) => setTimeout(() => resolve('still connected after 3 s'), 3_000))])).resolves.toBe(
      'io server disconnect',
    );
    expect(Date.now() - revokedAt).toBeLessThan(3_000);
    expect(keptSocket.socket.connected).toBe(true);
  });

  it('refuses a subscribe once the key is revoked, with the one error shape, and closes the socket', async () => {
    // A sweep that never runs during the test: the subscribe's own check is what refuses.
    const { url } = await hubWithSweep(60_000);
    const doomed = await freshKey('revoked before subscribing');
    const client = await connect(url, doomed.key, { reconnection: false });
    expect(await client.subscribe({ rooms: [{ type: 'product', sku: SKU }] })).toEqual({ ok: true, rooms: ['dashboard', `product:${SKU}`] });
    await revoke(doomed.apiKeyId);
    // Past the verifier's 10 s cache, the window HTTP requests get too (only the clock moves; timers stay real).
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 11_000);
    const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
    expect(await client.subscribe({ rooms: [{ type: 'location', code: WH }] })).toEqual({
      ok: false,
      error: { statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized', message: expect.stringMatching(/revoked/) },
    });
    await expect(disconnected).resolves.toBe('io server disconnect');
  });
});

describe('connection-state recovery', () => {
  it('sends nothing to a raw WebSocket that presents a session id and offset but no key', async () => {
    const owner = await connect(t.baseUrl, t.keys.admin, { reconnection: false });
    const seen = await adjust(1);
    await owner.waitFor(stockEventOf(seen), 'an event before the drop');
    const session = sessionOf(owner);
    await dropTransport(owner);
    const missed = await adjust(2);

    const ws = new WebSocket(`${t.baseUrl.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const frames: string[] = [];
    ws.addEventListener('message', (event: { data: unknown }) => frames.push(String(event.data)));
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', reject);
    });
    ws.send(`40${JSON.stringify(session)}`);
    const deadline = Date.now() + 2_000;
    while (!frames.some((frame) => frame.startsWith('44') || frame.startsWith('40')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Anything the server would still send (replayed or new events) arrives within this.
    await adjust(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    ws.close();

    expect(frames.filter((frame) => frame.startsWith('42'))).toEqual([]);
    expect(frames.some((frame) => frame.includes(missed))).toBe(false);
    const connectError = frames.find((frame) => frame.startsWith('44'));
    expect(connectError, frames.join(' | ')).toBeDefined();
    expect(JSON.parse(connectError!.slice(2))).toEqual({ message: expect.stringMatching(/Send an API key/), data: { code: 'UNAUTHORIZED' } });
  });

  it('resumes a session only with the key that opened it; the next attempt with the other key starts afresh', async () => {
    const owner = await connect(t.baseUrl, t.keys.admin, { reconnection: false });
    const seen = await adjust(1);
    await owner.waitFor(stockEventOf(seen), 'an event before the drop');
    await dropTransport(owner);
    const missed = await adjust(2);

    // Same tenant, another key: the session (and the event it missed) is not handed over.
    owner.socket.auth = { apiKey: t.keys.planner };
    owner.socket.connect();
    await expect(owner.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' }, message: expect.stringMatching(/another API key/) });
    expect(owner.received.some(stockEventOf(missed))).toBe(false);

    owner.socket.connect();
    await owner.connected();
    expect(owner.socket.recovered).toBe(false);
    const after = await adjust(3);
    await owner.waitFor(stockEventOf(after), 'an event on the fresh session');
    expect(owner.received.some(stockEventOf(missed))).toBe(false);
  });

  it('still replays what the same key missed', async () => {
    const owner = await connect(t.baseUrl, t.keys.admin, { reconnection: false });
    const seen = await adjust(1);
    await owner.waitFor(stockEventOf(seen), 'an event before the drop');
    await dropTransport(owner);
    const missed = [await adjust(2), await adjust(3)];
    owner.socket.connect();
    await owner.connected();
    expect(owner.socket.recovered).toBe(true);
    await owner.waitFor(stockEventOf(missed[1]!), 'the last missed event');
    expect(owner.received.map((r) => r.envelope.data.movements[0].id)).toEqual([seen, ...missed]);
  });
});

describe('room cap', () => {
  it(`refuses to put one socket in more than ${MAX_ROOMS_PER_SOCKET} rooms, with the one error shape`, async () => {
    const client = await connect(t.baseUrl, t.keys.admin, { reconnection: false });
    const batch = (from: number, count: number) => ({ rooms: Array.from({ length: count }, (_, i) => ({ type: 'product', sku: `CAP-${from + i}` })) });
    // The dashboard room plus 4 × 100 product rooms, then 99 more: exactly the cap.
    for (let i = 0; i < 4; i += 1) expect(await client.subscribe(batch(i * 100, 100))).toMatchObject({ ok: true });
    const full = await client.subscribe(batch(400, 99));
    expect(full.ok && full.rooms.length).toBe(MAX_ROOMS_PER_SOCKET);
    expect(await client.subscribe(batch(499, 1))).toEqual({
      ok: false,
      error: { statusCode: 400, code: 'INVALID_INPUT', error: 'Bad Request', message: expect.stringContaining(`at most ${MAX_ROOMS_PER_SOCKET} rooms`) },
    });
    // Rooms it is already in do not count twice, and leaving makes room again.
    expect(await client.subscribe(batch(0, 100))).toMatchObject({ ok: true });
    await client.unsubscribe(batch(0, 1));
    const again = await client.subscribe(batch(499, 1));
    expect(again.ok && again.rooms.length).toBe(MAX_ROOMS_PER_SOCKET);
  });
});
