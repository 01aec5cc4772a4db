/**
 * Catalog read latency at scale: `GET /api/products` (a page of 50) and
 * `GET /api/products/low-stock` with 100,000 products.
 *
 *   pnpm bench:catalog [--products 100000] [--requests 2000] [--json]
 *
 * embedded-mongo and the operational service each run in their own process;
 * this process seeds data straight through the driver (reads are what is
 * measured) and sends requests one at a time, so figures are latencies, not
 * queueing. Pages are fetched at random depths by following real cursors.
 * Targets: products page p99 < 20 ms, low-stock p99 < 50 ms.
 */
import { parseArgs } from 'node:util';
import { issueApiKey, ensureTenant, registerModels } from '@icc/service-operational';
import mongoose from 'mongoose';
import { startEngineProcess, startOperationalProcess } from '../src/bench-kit/child-engine.js';
import { measureThroughput } from '../src/bench-kit/latency.js';
import { describeMachine } from '../src/bench-kit/machine.js';

const { values: flags } = parseArgs({
  options: {
    products: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '2000' },
    json: { type: 'boolean', default: false },
  },
});
const PRODUCTS = Number(flags.products);
const REQUESTS = Number(flags.requests);
const TENANT = 'bench';
const LOCATIONS = ['WH-1', 'ST-1'];
const progress = (line: string) => process.stderr.write(`${line}\n`);

async function seed(uri: string): Promise<string> {
  const connection = await mongoose.createConnection(uri, { dbName: 'icc_operational' }).asPromise();
  const models = registerModels(connection);
  await ensureTenant(models, TENANT, 'Bench Co');
  const { key } = await issueApiKey(models, TENANT, 'bench', ['admin']);
  const now = new Date();
  for (let start = 0; start < PRODUCTS; start += 10_000) {
    const count = Math.min(10_000, PRODUCTS - start);
    const products = Array.from({ length: count }, (_, k) => {
      const i = start + k;
      return {
        tenantId: TENANT,
        sku: `SKU-${String(i).padStart(7, '0')}`,
        name: `Product ${i}`,
        category: `cat-${i % 40}`,
        unit: 'each',
        price: 10 + (i % 90),
        cost: 5 + (i % 40),
        reorderPoint: 20,
        safetyStock: 5,
        leadTimeDays: 7,
        attributes: {},
        status: 'active',
        createdAt: now,
        updatedAt: now,
      };
    });
    await models.Product.collection.insertMany(products, { ordered: false });
    // Two locations per product; one in twenty positions is below its reorder point.
    const positions = products.flatMap((p, k) =>
      LOCATIONS.map((locationCode, l) => {
        const onHand = (start + k + l) % 20 === 0 ? 5 : 100;
        return {
          tenantId: TENANT,
          sku: p.sku,
          locationCode,
          onHand,
          reserved: 0,
          available: onHand,
          onOrder: 0,
          inTransit: 0,
          damaged: 0,
          reorderPoint: 20,
          lowStock: onHand < 20,
          updatedAt: now,
        };
      }),
    );
    await models.StockPosition.collection.insertMany(positions, { ordered: false });
    progress(`  seeded ${(start + count).toLocaleString()} products`);
  }
  await connection.close();
  return key;
}

async function get(url: string, key: string): Promise<{ items: unknown[]; nextCursor: string | null }> {
  const response = await fetch(url, { headers: { 'x-api-key': key } });
  if (response.status !== 200) throw new Error(`${url} → ${response.status} ${await response.text()}`);
  return (await response.json()) as { items: unknown[]; nextCursor: string | null };
}

/** Follow real cursors to collect page starts spread through the list. */
async function sampleCursors(base: string, key: string, path: string, wanted: number): Promise<string[]> {
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await get(`${base}${path}?limit=200${cursor ? `&cursor=${cursor}` : ''}`, key);
    cursor = page.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor && cursors.length < wanted);
  return cursors;
}

async function main(): Promise<void> {
  const engine = await startEngineProcess();
  const service = await startOperationalProcess(engine.uri);
  try {
    progress(`seeding ${PRODUCTS.toLocaleString()} products`);
    const key = await seed(engine.uri);
    const productCursors = await sampleCursors(service.url, key, '/api/products', 100);
    const lowCursors = await sampleCursors(service.url, key, '/api/products/low-stock', 20);
    progress('measuring');
    await measureThroughput(200, 1, () => get(`${service.url}/api/products?limit=50`, key)); // warm-up
    const firstPage = await measureThroughput(REQUESTS, 1, () => get(`${service.url}/api/products?limit=50`, key));
    const deepPages = await measureThroughput(REQUESTS, 1, (i) =>
      get(`${service.url}/api/products?limit=50&cursor=${productCursors[i % productCursors.length]}`, key),
    );
    const lowStock = await measureThroughput(REQUESTS, 1, (i) =>
      get(`${service.url}/api/products/low-stock?limit=50${i % 2 && lowCursors.length ? `&cursor=${lowCursors[i % lowCursors.length]}` : ''}`, key),
    );
    const report = {
      machine: describeMachine(),
      date: new Date().toISOString().slice(0, 10),
      products: PRODUCTS,
      productsFirstPage: firstPage.latency,
      productsDeepPages: deepPages.latency,
      lowStock: lowStock.latency,
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      console.log(`machine: ${report.machine}; ${PRODUCTS.toLocaleString()} products, ${REQUESTS} sequential requests each`);
      console.table({
        'GET /api/products (first page of 50)': firstPage.latency,
        'GET /api/products (pages at random depths)': deepPages.latency,
        'GET /api/products/low-stock (50)': lowStock.latency,
      });
    }
  } finally {
    await service.stop();
    await engine.stop();
  }
}

await main();
