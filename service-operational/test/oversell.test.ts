import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { aCustomer, aLocation, aProduct } from './support/builders.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
const ORDERS = 2_000;
const UNITS = 100;
const CONNECTIONS = 50;

beforeAll(async () => {
  t = await startTestApp();
  const admin = t.as(t.keys.admin);
  await admin.post('/api/locations', aLocation({ code: 'OS-WH' }));
  await admin.post('/api/customers', aCustomer({ code: 'OS-CUST' }));
  await admin.post('/api/products', aProduct({ sku: 'OS-HOT' }));
  await t.as(t.keys.warehouse).post('/api/stock/adjustment', { sku: 'OS-HOT', locationCode: 'OS-WH', quantity: UNITS, reason: 'launch stock' });
}, 120_000);
afterAll(() => t.close());

it(`never oversells: ${ORDERS} concurrent confirmations against ${UNITS} units from ${CONNECTIONS} connections`, async () => {
  const dispatcher = new Agent({ connections: CONNECTIONS, pipelining: 1 });
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-api-key': t.keys.sales },
      body: JSON.stringify(body),
      dispatcher,
    });
    return { status: response.status, body: (await response.json()) as { id: string; status: string } };
  };
  const created = await Promise.all(
    Array.from({ length: ORDERS }, () =>
      send('POST', '/api/orders/sales', { customerCode: 'OS-CUST', locationCode: 'OS-WH', lines: [{ sku: 'OS-HOT', quantity: 1 }] }),
    ),
  );
  expect(created.every((r) => r.status === 201)).toBe(true);

  const confirmations = await Promise.all(created.map((r) => send('PUT', `/api/orders/sales/${r.body.id}/status`, { status: 'confirmed' })));
  await dispatcher.close();
  const statuses = new Map<number, number>();
  for (const r of confirmations) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  console.info('oversell test: confirmation statuses', Object.fromEntries(statuses));
  expect(Object.fromEntries(statuses)).toEqual({ 200: UNITS, 409: ORDERS - UNITS });

  const position = (await t.as(t.keys.admin).get('/api/stock/current?sku=OS-HOT')).body.items[0];
  expect(position).toMatchObject({ onHand: UNITS, reserved: UNITS, available: 0 });
  const movements = await t.models.StockMovement.collection.find({ sku: 'OS-HOT' }).toArray();
  expect(movements.filter((m) => m.type === 'reserve')).toHaveLength(UNITS);
  for (const m of movements) for (const value of Object.values(m.balanceAfter as Record<string, number>)) expect(value).toBeGreaterThanOrEqual(0);
  expect((await t.as(t.keys.admin).get('/api/stock/reconcile')).body.drift).toEqual([]);
}, 300_000);
