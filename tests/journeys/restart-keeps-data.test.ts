/**
 * Journey: `pnpm start` keeps its data. The real start script, as a person
 * runs it (its own process group, a temporary ICC_DATA_DIR, an empty database:
 * DEMO_DATA=off): through the HTTP API with the key it printed, set up a
 * product with stock, place a sales order and create a purchase order; wait for
 * analytics to stream them. Stop it — with Ctrl-C (SIGINT) the first time, and
 * the second time with SIGKILL of its whole process group and of the database
 * process (which runs in a group of its own), as a crash or `kill -9` would —
 * and start it again on the same directory: the order and the purchase order
 * are there, the same key works, and analytics resumed its change stream
 * instead of backfilling (its processed-event count and the raw events are
 * unchanged, then a new order streams through).
 *
 * The purchase order is created directly: on an empty database no forecast
 * exists to recommend one (accepting a recommendation is
 * forecast-to-purchase-order.test.ts's journey; here what matters is that the
 * purchase order outlives the restart).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CdcStatusSchema, type CdcStatus } from '@icc/shared';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually } from '../support/http.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'icc-restart-journey-'));
const dataDir = join(home, 'data');
const LOCATION = 'RS-WH';
const SKU = 'RS-1';

interface Running {
  child: ChildProcess;
  /** The `name value` lines printed on stdout (log lines, JSON, are kept apart). */
  printed: Map<string, string>;
  logs: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: Running[] = [];

/** `pnpm start` (the script it runs), in a process group of its own, until analytics is listening. */
async function startIcc(): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ICC_DATA_DIR: dataDir,
    ICC_LOCAL_CONFIG: join(home, 'local.json'),
    DEMO_DATA: 'off',
    MONGO_ENGINE: 'embedded',
    OPERATIONAL_PORT: '0',
    ANALYTICS_PORT: '0',
    LOG_LEVEL: 'debug',
  };
  delete env.MONGODB_URI;
  delete env.ANALYTICS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', 'scripts/start.ts'], {
    cwd: repoRoot,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Running = {
    child,
    printed: new Map(),
    logs: [],
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
  running.push(started);
  const stderr: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('{')) return void started.logs.push(line);
      const [name, ...rest] = line.split(' ');
      started.printed.set(name!, rest.join(' '));
      if (name === 'analytics') resolve();
    });
    void started.exited.then(({ code }) => reject(new Error(`pnpm start exited (${code}) before analytics started:\n${stderr.slice(-20).join('\n')}`)));
  });
  return started;
}

/** The pid in embedded-mongo's lock file: the database process of the running start. */
function enginePid(): number {
  return Number.parseInt(readFileSync(join(dataDir, 'embedded', 'embedded-mongo.lock'), 'utf8').trim(), 10);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** analytics' CDC status once it is ready and caught up (streaming, and the stream has said it has nothing more: lag 0). */
async function streaming(icc: Running): Promise<CdcStatus> {
  const analytics = icc.printed.get('analytics')!;
  const key = icc.printed.get('api-key')!;
  return eventually('analytics streaming', async () => {
    const res = await call<{ cdc: unknown }>(analytics, 'GET', '/ready/details', key);
    if (res.status !== 200) return undefined;
    const cdc = CdcStatusSchema.parse(res.body.cdc);
    return cdc.state === 'streaming' && cdc.lagSeconds === 0 ? cdc : undefined;
  });
}

/** Documents of the demo tenant in one analytics collection (read from the database the start printed). */
async function analyticsCount(icc: Running, collection: string, filter: Record<string, unknown> = {}): Promise<number> {
  const client = await MongoClient.connect(icc.printed.get('database')!);
  try {
    return await client
      .db('icc_analytics')
      .collection(collection)
      .countDocuments({ tenantId: 'demo', ...filter });
  } finally {
    await client.close();
  }
}

const rawSalesEvents = (icc: Running) => analyticsCount(icc, 'rawSalesEvents');

async function placeOrder(icc: Running, quantity: number): Promise<{ id: string; orderNumber: string }> {
  const res = await call<{ id: string; orderNumber: string }>(icc.printed.get('operational')!, 'POST', '/api/orders/sales', icc.printed.get('api-key')!, {
    customerCode: 'RS-CUST',
    locationCode: LOCATION,
    lines: [{ sku: SKU, quantity }],
  });
  expect(res.status).toBe(201);
  return res.body;
}

/** What the first start created, to find after each restart. */
const before = { apiKey: '', orderId: '', poNumber: '', eventsProcessed: 0, rawEvents: 0 };

/**
 * Everything the first start created is still there through the same key; analytics resumed rather
 * than backfilled (same counts), and a new order streams through; the counts move on for the next round.
 */
async function expectKeptAndResumed(icc: Running): Promise<void> {
  expect(icc.printed.get('api-key')).toBe(before.apiKey);
  const operational = icc.printed.get('operational')!;
  const order = await call<{ id: string; lines: Array<{ sku: string; quantity: number }> }>(
    operational,
    'GET',
    `/api/orders/sales/${before.orderId}`,
    before.apiKey,
  );
  expect(order.status).toBe(200);
  expect(order.body.lines).toMatchObject([{ sku: SKU, quantity: 3 }]);
  const po = await call<{ status: string; lines: Array<{ sku: string; quantity: number }> }>(
    operational,
    'GET',
    `/api/orders/purchase/number/${before.poNumber}`,
    before.apiKey,
  );
  expect(po.status).toBe(200);
  expect(po.body).toMatchObject({ status: 'ordered', lines: [{ sku: SKU, quantity: 40 }] });

  const resumed = await streaming(icc);
  expect(icc.logs.filter((line) => line.includes('cdc: backfill'))).toEqual([]);
  // A backfill re-reads every operational document (location, customer, product, supplier, stock, orders…) and counts them again.
  expect(resumed.eventsProcessed).toBe(before.eventsProcessed);
  expect(await rawSalesEvents(icc)).toBe(before.rawEvents);

  const next = await placeOrder(icc, 1);
  const rawEvents = await eventually('the new order in analytics', async () => {
    const count = await rawSalesEvents(icc);
    return count > before.rawEvents ? count : undefined;
  });
  expect(rawEvents).toBe(before.rawEvents + 1); // its one line, demanded
  const after = await streaming(icc);
  expect(after.eventsProcessed).toBeGreaterThan(before.eventsProcessed);
  expect(next.orderNumber).not.toBe('');
  before.eventsProcessed = after.eventsProcessed;
  before.rawEvents = rawEvents;
}

beforeAll(() => {
  expect(existsSync(dataDir)).toBe(false);
});

afterAll(async () => {
  for (const icc of running) {
    if (icc.child.exitCode === null && icc.child.signalCode === null) {
      try {
        process.kill(-icc.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      await icc.exited;
    }
  }
  // The database process exits when its parent does (its stdin closes); wait for it before removing its directory.
  const lock = join(dataDir, 'embedded', 'embedded-mongo.lock');
  if (existsSync(lock)) {
    const pid = enginePid();
    await eventually('the database process to exit', async () => (Number.isInteger(pid) && isRunning(pid) ? undefined : true), 30_000).catch(() => {
      process.kill(pid, 'SIGKILL');
    });
  }
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('pnpm start keeps its data across restarts', () => {
  it('first start on an empty directory: a product with stock, a sales order and a purchase order reach analytics', async () => {
    const icc = await startIcc();
    expect(icc.printed.get('engine')).toBe('embedded');
    expect(icc.printed.get('data')).toBe(dataDir);
    const operational = icc.printed.get('operational')!;
    const key = icc.printed.get('api-key')!;
    const post = async (path: string, body: unknown) => {
      const res = await call<{ id: string; poNumber: string }>(operational, 'POST', path, key, body);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(201);
      return res.body;
    };
    await post('/api/locations', { code: LOCATION, name: 'Restart warehouse', type: 'warehouse', timeZone: 'Europe/Berlin' });
    await post('/api/products', {
      sku: SKU,
      name: 'Restart widget',
      category: 'hardware',
      unit: 'each',
      price: 12.5,
      cost: 7.25,
      reorderPoint: 10,
      safetyStock: 4,
      leadTimeDays: 5,
    });
    await post('/api/customers', { code: 'RS-CUST', name: 'Restart customer', segment: 'retail' });
    await post('/api/stock/adjustment', { sku: SKU, locationCode: LOCATION, quantity: 50, reason: 'opening count' });
    const supplier = await post('/api/suppliers', { code: 'RS-SUP', name: 'Restart supplier', email: 'orders@restart.example', defaultLeadTimeDays: 7 });
    const order = await placeOrder(icc, 3);
    const po = await post('/api/orders/purchase', {
      supplierId: supplier.id,
      locationCode: LOCATION,
      lines: [{ sku: SKU, quantity: 40 }],
      expectedDate: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      order: true,
    });
    const rawEvents = await eventually('the order in analytics', async () => {
      const count = await rawSalesEvents(icc);
      return count > 0 ? count : undefined;
    });
    expect(rawEvents).toBe(1);
    // The purchase order, the last change, has reached analytics' mirrors: the stream has nothing more to deliver.
    await eventually('the purchase order in analytics', async () => ((await analyticsCount(icc, 'purchaseOrdersMirror')) === 1 ? true : undefined));
    await eventually('the stock on order in analytics', async () =>
      (await analyticsCount(icc, 'stockReadModel', { sku: SKU, onOrder: 40 })) === 1 ? true : undefined,
    );
    const cdc = await streaming(icc);
    expect(cdc.eventsProcessed).toBeGreaterThanOrEqual(7);
    Object.assign(before, { apiKey: key, orderId: order.id, poNumber: po.poNumber, eventsProcessed: cdc.eventsProcessed, rawEvents });

    // Ctrl-C: everything stops in order and exits 0, the database process too.
    const engine = enginePid();
    process.kill(-icc.child.pid!, 'SIGINT');
    expect(await icc.exited).toEqual({ code: 0, signal: null });
    await eventually('the database process to exit', async () => (isRunning(engine) ? undefined : true), 30_000);
  }, 180_000);

  it('after Ctrl-C, a restart on the same directory keeps the order, the purchase order and the key; analytics resumes', async () => {
    const icc = await startIcc();
    await expectKeptAndResumed(icc);

    // A crash: the whole process group and the database process, all with SIGKILL (nothing gets to flush or checkpoint).
    const engine = enginePid();
    process.kill(-icc.child.pid!, 'SIGKILL');
    process.kill(engine, 'SIGKILL');
    expect((await icc.exited).signal).toBe('SIGKILL');
    await eventually('the database process to die', async () => (isRunning(engine) ? undefined : true), 30_000);
  }, 180_000);

  it('after SIGKILL of everything, a restart recovers from the journal with the same data, key and stream position', async () => {
    const icc = await startIcc();
    // The engine replayed journal records written since its last checkpoint (the clean stop's).
    const recovered = icc.logs.map((line) => /recovered \d+ documents .*\+ (\d+) journal records/.exec(line)).find(Boolean);
    expect(recovered, 'no recovery line from embedded-mongo').toBeDefined();
    expect(Number(recovered![1])).toBeGreaterThan(0);
    await expectKeptAndResumed(icc);
    process.kill(-icc.child.pid!, 'SIGINT');
    expect(await icc.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});
