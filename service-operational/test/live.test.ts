import type { LiveSnapshot, StockPosition } from '@icc/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aCustomer, aLocation, aProduct, aSupplier } from './support/builders.js';
import { liveClient, StockMirror, type LiveClient, type Received } from './support/live-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let admin: ReturnType<TestApp['as']>;
const [A, B] = ['LIVE-A', 'LIVE-B'];
const [WH1, WH2] = ['LIVE-WH1', 'LIVE-WH2'];
const open: LiveClient[] = [];

/** A connected client of the test server; closed after the test. */
async function connect(key: string | undefined = t.keys.admin, options: Parameters<typeof liveClient>[2] = {}): Promise<LiveClient> {
  const client = liveClient(t.baseUrl, key, options);
  open.push(client);
  await client.connected();
  return client;
}

async function adjust(sku: string, locationCode: string, quantity: number, key = t.keys.warehouse) {
  const res = await t.as(key).post('/api/stock/adjustment', { sku, locationCode, quantity, reason: 'live test' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { movements: Array<{ id: string }>; positions: StockPosition[] };
}

const stockEventOf = (movementId: string) => (r: Received) =>
  r.event === 'stock:updated' && r.envelope.data.movements.some((m: { id: string }) => m.id === movementId);

async function snapshot(key = t.keys.admin): Promise<LiveSnapshot> {
  const res = await t.as(key).get('/api/live/snapshot');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

beforeAll(async () => {
  t = await startTestApp();
  admin = t.as(t.keys.admin);
  for (const sku of [A, B]) expect((await admin.post('/api/products', aProduct({ sku, reorderPoint: 10 }))).status).toBe(201);
  for (const code of [WH1, WH2]) expect((await admin.post('/api/locations', aLocation({ code }))).status).toBe(201);
  // Tenant B has the same SKU and location codes: names are unique per tenant only.
  const globex = t.as(t.keys.otherTenant);
  expect((await globex.post('/api/products', aProduct({ sku: A }))).status).toBe(201);
  expect((await globex.post('/api/locations', aLocation({ code: WH1 }))).status).toBe(201);
});
afterEach(() => {
  for (const client of open.splice(0)) client.close();
});
afterAll(() => t.close());

describe('stock events on the dashboard', () => {
  it('announces an adjustment made over HTTP with the balances it committed', async () => {
    const dashboard = await connect();
    const result = await adjust(A, WH1, 25);
    const { envelope } = await dashboard.waitFor(stockEventOf(result.movements[0]!.id), 'the adjustment');
    expect(envelope).toMatchObject({ epoch: expect.any(String), seq: expect.any(Number), at: expect.any(String) });
    expect(envelope.data.positions).toEqual(result.positions);
    expect(envelope.data.positions[0]).toMatchObject({ sku: A, locationCode: WH1, onHand: 25, available: 25, lowStock: false });
    expect(envelope.data.movements).toEqual([
      expect.objectContaining({ id: result.movements[0]!.id, sku: A, locationCode: WH1, type: 'adjustment', deltas: { onHand: 25 } }),
    ]);
  });

  it('numbers a burst of 20 concurrent changes 1 by 1, in order, each once', async () => {
    const dashboard = await connect();
    const before = (await snapshot()).seq;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => adjust(i % 2 ? A : B, i % 4 < 2 ? WH1 : WH2, 1)));
    const ids = new Set(results.map((r) => r.movements[0]!.id));
    await dashboard.waitFor(() => dashboard.received.length >= 20, '20 events');
    const seqs = dashboard.received.map((r) => r.envelope.seq);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => before + 1 + i));
    expect(new Set(dashboard.received.map((r) => r.envelope.data.movements[0].id))).toEqual(ids);
    expect((await snapshot()).seq).toBe(before + 20);
  });
});

describe('rooms', () => {
  it('sends a product room only its SKU’s events, and a location room only its location’s', async () => {
    const productB = await connect();
    expect(await productB.unsubscribe({ rooms: [{ type: 'dashboard' }] })).toEqual({ ok: true, rooms: [] });
    expect(await productB.subscribe({ rooms: [{ type: 'product', sku: B }] })).toEqual({ ok: true, rooms: [`product:${B}`] });
    const wh2 = await connect();
    await wh2.unsubscribe({ rooms: [{ type: 'dashboard' }] });
    expect(await wh2.subscribe({ rooms: [{ type: 'location', code: WH2 }] })).toEqual({ ok: true, rooms: [`location:${WH2}`] });

    const a1 = await adjust(A, WH1, 3);
    const b1 = await adjust(B, WH1, 4);
    const a2 = await adjust(A, WH2, 5);
    const transfer = await admin.post('/api/stock/transfer', { sku: B, fromLocationCode: WH1, toLocationCode: WH2, quantity: 2 });
    expect(transfer.status).toBe(201);

    await productB.waitFor(stockEventOf(transfer.body.movements[0].id), 'the transfer of B');
    await wh2.waitFor(stockEventOf(transfer.body.movements[0].id), 'the transfer into WH2');
    const movementIds = (client: LiveClient) => client.received.map((r) => r.envelope.data.movements[0].id);
    expect(movementIds(productB)).toEqual([b1.movements[0]!.id, transfer.body.movements[0].id]);
    expect(movementIds(wh2)).toEqual([a2.movements[0]!.id, transfer.body.movements[0].id]);
    expect(movementIds(productB)).not.toContain(a1.movements[0]!.id);
  });

  it('delivers an event once to a socket that is in several of its rooms', async () => {
    const everywhere = await connect();
    expect(
      await everywhere.subscribe({
        rooms: [
          { type: 'product', sku: A },
          { type: 'location', code: WH1 },
        ],
      }),
    ).toEqual({
      ok: true,
      rooms: ['dashboard', `location:${WH1}`, `product:${A}`],
    });
    const first = await adjust(A, WH1, 1);
    const second = await adjust(A, WH1, 1);
    await everywhere.waitFor(stockEventOf(second.movements[0]!.id), 'the second adjustment');
    expect(everywhere.received.filter(stockEventOf(first.movements[0]!.id))).toHaveLength(1);
    expect(everywhere.received).toHaveLength(2);
  });

  it('answers a malformed subscribe through the ack, and keeps the socket usable', async () => {
    const client = await connect();
    for (const bad of [
      undefined,
      'dashboard',
      { rooms: [] },
      { rooms: [{ type: 'tenant', id: 'globex' }] },
      { rooms: [{ type: 'product' }] },
      { rooms: [{ type: 'dashboard', tenantId: 'globex' }] },
    ]) {
      const ack = await client.subscribe(bad);
      expect(ack, JSON.stringify(bad)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('subscribe') } });
    }
    expect(await client.unsubscribe({ rooms: [{ type: 'location', code: 'x'.repeat(33) }] })).toMatchObject({ ok: false });
    expect(await client.subscribe({ rooms: [{ type: 'product', sku: A }] })).toEqual({ ok: true, rooms: ['dashboard', `product:${A}`] });
  });
});

describe('tenant isolation', () => {
  it('never delivers one tenant’s events to another, whatever rooms it asks for', async () => {
    const acme = await connect();
    const globex = await connect(t.keys.otherTenant);
    // Same names as acme's rooms, and names that try to spell acme's: all resolve inside globex.
    const ack = await globex.subscribe({
      rooms: [
        { type: 'product', sku: A },
        { type: 'location', code: WH1 },
        { type: 'product', sku: 't:acme:dashboard' },
      ],
    });
    expect(ack).toEqual({ ok: true, rooms: ['dashboard', `location:${WH1}`, `product:${A}`, 'product:t:acme:dashboard'] });

    const acmeChange = await adjust(A, WH1, 2);
    await acme.waitFor(stockEventOf(acmeChange.movements[0]!.id), 'acme’s own event');
    // A globex write after acme's: once globex has it, any acme event would have arrived before it.
    const globexChange = await adjust(A, WH1, 7, t.keys.otherTenant);
    const own = await globex.waitFor(stockEventOf(globexChange.movements[0]!.id), 'globex’s own event');
    expect(globex.received).toHaveLength(1);
    expect(own.envelope.data.positions).toEqual([expect.objectContaining({ sku: A, locationCode: WH1, onHand: 7 })]);
    // Sequences are per tenant: globex's first event is its seq 1.
    expect(own.envelope.seq).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(acme.received.filter(stockEventOf(globexChange.movements[0]!.id))).toHaveLength(0);

    const globexSnapshot = await snapshot(t.keys.otherTenant);
    expect(globexSnapshot.seq).toBe(1);
    expect(globexSnapshot.positions).toEqual([expect.objectContaining({ sku: A, locationCode: WH1, onHand: 7 })]);
  });
});

describe('handshake', () => {
  it('refuses a bad or missing key with UNAUTHORIZED and says why', async () => {
    for (const key of ['icc_not-a-real-key', 'nonsense', undefined]) {
      const client = liveClient(t.baseUrl, key, { reconnection: false });
      open.push(client);
      const error = await client.connected().then(
        () => undefined,
        (e: Error & { data?: { code?: string } }) => e,
      );
      expect(error?.data).toEqual({ code: 'UNAUTHORIZED' });
      expect(error?.message).toMatch(key === undefined ? /Send an API key/ : /not valid/);
    }
  });

  it('refuses a revoked key', async () => {
    const { issueApiKey } = await import('../src/tenancy/api-key.service.js');
    const issued = await issueApiKey(t.models, 'acme', 'soon revoked', ['planner']);
    await t.models.ApiKey.updateOne({ _id: issued.apiKeyId }, { $set: { revokedAt: new Date() } });
    const client = liveClient(t.baseUrl, issued.key, { reconnection: false });
    open.push(client);
    await expect(client.connected()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' }, message: expect.stringMatching(/revoked/) });
  });

  it('accepts the key in the x-api-key header too', async () => {
    const client = await connect(undefined, { headers: { 'x-api-key': t.keys.planner } });
    const change = await adjust(B, WH2, 1);
    await client.waitFor(stockEventOf(change.movements[0]!.id), 'an event on the header-authenticated socket');
  });
});

describe('snapshot', () => {
  it('requires a key', async () => {
    expect((await t.request('GET', '/api/live/snapshot')).status).toBe(401);
  });

  it('lists low-stock positions first, then by SKU, with the seq they correspond to', async () => {
    const dashboard = await connect();
    const change = await adjust(B, WH2, -1); // B@WH2 is 1+1-1+2 = below its reorder point of 10
    const event = await dashboard.waitFor(stockEventOf(change.movements[0]!.id), 'the change');
    const snap = await snapshot();
    expect(snap.seq).toBe(event.envelope.seq);
    expect(snap.epoch).toBe(event.envelope.epoch);
    const order = snap.positions.map((p) => [p.lowStock, p.sku, p.locationCode]);
    expect(order).toEqual(
      [...order].sort((x, y) => Number(y[0]) - Number(x[0]) || String(x[1]).localeCompare(String(y[1])) || String(x[2]).localeCompare(String(y[2]))),
    );
    expect(snap.positions[0]!.lowStock).toBe(true);
    const current = await admin.get('/api/stock/current?limit=200');
    expect(new Set(snap.positions.map(StockMirror.key))).toEqual(new Set(current.body.items.map(StockMirror.key)));
  });

  it('carries recent sales orders and goods receipts, which are also announced live', async () => {
    const dashboard = await connect();
    const customer = aCustomer();
    expect((await admin.post('/api/customers', customer)).status).toBe(201);
    const supplier = await admin.post('/api/suppliers', aSupplier());
    expect(supplier.status).toBe(201);

    const order = await t
      .as(t.keys.sales)
      .post('/api/orders/sales', { customerCode: customer.code, locationCode: WH1, lines: [{ sku: A, quantity: 2 }], confirm: true });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    const created = await dashboard.waitFor((r) => r.event === 'order:created' && r.envelope.data.order.id === order.body.id, 'order:created');
    expect(created.envelope.data.order).toMatchObject({ orderNumber: order.body.orderNumber, customerCode: customer.code, lineCount: 1 });
    await dashboard.waitFor(
      (r) => r.event === 'order:status' && r.envelope.data.orderId === order.body.id && r.envelope.data.to === 'confirmed',
      'order:status',
    );

    const po = await t.as(t.keys.purchasing).post('/api/orders/purchase', {
      supplierId: supplier.body.id,
      locationCode: WH2,
      lines: [{ sku: B, quantity: 30, unitCost: 3 }],
      expectedDate: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      order: true,
    });
    expect(po.status, JSON.stringify(po.body)).toBe(201);
    const received = await t.as(t.keys.warehouse).put(`/api/orders/purchase/${po.body.id}/receive`, { lines: [{ line: 0, quantity: 12 }] });
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const receipt = await dashboard.waitFor(
      (r) => r.event === 'purchase-order:received' && r.envelope.data.receipt.purchaseOrderId === po.body.id,
      'the receipt',
    );
    expect(receipt.envelope.data.receipt.lines).toEqual([{ sku: B, quantity: 12 }]);

    const snap = await snapshot();
    expect(snap.recentOrders[0]).toEqual(expect.objectContaining({ id: order.body.id, status: 'confirmed', lineCount: 1 }));
    expect(snap.recentReceipts[0]).toEqual({ ...receipt.envelope.data.receipt });
  });
});

describe('catching up', () => {
  /** A mirror fed by a live client, loading snapshots over HTTP. */
  async function mirrored(drop: Set<number> = new Set()) {
    const client = await connect();
    const mirror = new StockMirror(
      () => snapshot(),
      (seq) => drop.delete(seq),
    );
    await mirror.resync();
    client.socket.onAny((event, envelope) => mirror.receive({ event, envelope }));
    return { client, mirror };
  }

  async function serverPositions(): Promise<Map<string, StockPosition>> {
    return new Map((await snapshot()).positions.map((p) => [StockMirror.key(p), p]));
  }

  it('detects a lost event by its seq, reloads the snapshot and ends with the server’s state', async () => {
    const base = (await snapshot()).seq;
    const { client, mirror } = await mirrored(new Set([base + 2]));
    const changes = [];
    for (const [sku, loc, q] of [
      [A, WH1, 4],
      [A, WH2, 6],
      [B, WH1, 8],
      [B, WH2, 9],
    ] as const)
      changes.push(await adjust(sku, loc, q));
    await client.waitFor(stockEventOf(changes.at(-1)!.movements[0]!.id), 'the last change');
    await mirror.settled();
    expect(mirror.resyncs).toBe(2); // the initial load and the gap
    expect(mirror.seq).toBe(base + 4);
    expect(mirror.positions).toEqual(await serverPositions());
  });

  it('after a real disconnect, the first event past the gap triggers a reload and the state converges', async () => {
    const { client, mirror } = await mirrored();
    client.socket.disconnect();
    const missed = [await adjust(A, WH1, 11), await adjust(B, WH1, 12)];
    client.socket.connect();
    await client.connected();
    expect(client.socket.recovered).toBe(false); // an explicit disconnect ends the session
    const after = await adjust(A, WH2, 13);
    await client.waitFor(stockEventOf(after.movements[0]!.id), 'the change after reconnecting');
    await mirror.settled();
    expect(client.received.some(stockEventOf(missed[0]!.movements[0]!.id))).toBe(false);
    expect(mirror.resyncs).toBe(2);
    expect(mirror.positions).toEqual(await serverPositions());
    expect(mirror.positions.get(`${A}@${WH1}`)!.onHand).toBe(missed[0]!.positions[0]!.onHand);
  });

  it('replays what a briefly dropped connection missed (Socket.IO connection-state recovery)', async () => {
    const client = await connect(t.keys.admin, { reconnection: false });
    const first = await adjust(A, WH1, 1);
    await client.waitFor(stockEventOf(first.movements[0]!.id), 'an event before the drop');
    const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
    client.socket.io.engine.close();
    await disconnected;
    const missed = [await adjust(A, WH1, 2), await adjust(B, WH2, 3), await adjust(A, WH2, 4)];
    client.socket.connect();
    await client.connected();
    expect(client.socket.recovered).toBe(true);
    await client.waitFor(stockEventOf(missed[2]!.movements[0]!.id), 'the last missed event');
    const seqs = client.received.map((r) => r.envelope.seq);
    expect(seqs).toEqual(Array.from({ length: 4 }, (_, i) => seqs[0]! + i));
    expect(client.received.slice(1).map((r) => r.envelope.data.movements[0].id)).toEqual(missed.map((m) => m.movements[0]!.id));
  });
});
