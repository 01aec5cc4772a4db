/**
 * The supply side through the whole path: operational writes → change stream
 * → CDC consumer → pipeline → supply mirrors, on the real engine. A first
 * start backfills what exists; inserts, updates and deletes of each
 * collection then stream in; two tenants using the same codes stay apart;
 * and a checkpoint written before these collections were followed re-reads
 * only them, then resumes from its token.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createCdcConsumer } from '../src/cdc/cdc-consumer.js';
import { SOURCE_COLLECTIONS, type BatchContext, type SourceChange } from '../src/cdc/cdc.types.js';
import { CHECKPOINT_COLLECTION, type CdcCheckpoint } from '../src/cdc/checkpoint-store.js';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { createPipeline, ensureAnalyticsIndexes } from '../src/pipeline.js';
import { sourceWriter } from './support/source-writer.js';
import { expectedSupplyMirrors, storedSupplyMirrors } from './support/supply-expected.js';
import { supplyWriter, type SupplyWriter } from './support/supply-writer.js';
import { testDatabases } from './support/test-databases.js';
import { waitFor } from './support/wait-for.js';

const databases = testDatabases('cdcs');

/** Fresh databases, a supply writer per tenant on one clock (a second a write), and a consumer feeding the real pipeline. */
async function fixture() {
  const operational = await databases.fresh();
  const analytics = await databases.fresh(ensureAnalyticsIndexes);
  let tick = Date.UTC(2026, 2, 1);
  const clock = () => new Date((tick += 1_000));
  const acme = supplyWriter(operational, { tenantId: 'acme', clock });
  const globex = supplyWriter(operational, { tenantId: 'globex', clock });
  /** Backfilled changes per collection, by the batch phase the pipeline was given. */
  const backfilled = new Map<string, number>();
  function start() {
    const pipeline = databases.track(createPipeline(analytics));
    const counting = {
      async apply(changes: readonly SourceChange[], context?: BatchContext) {
        if (context?.phase === 'backfill') for (const c of changes) backfilled.set(c.collection, (backfilled.get(c.collection) ?? 0) + 1);
        await pipeline.apply(changes, context);
      },
      caughtUp: (signal: AbortSignal) => pipeline.caughtUp(signal),
    };
    const options = { operationalDb: operational.databaseName, analyticsDb: analytics.databaseName, sink: counting, batchSize: 7, maxAwaitTimeMS: 50 };
    return databases.track(createCdcConsumer({ client: databases.client, ...options }));
  }
  const mirrorsMatch = async () => isDeepStrictEqual(await storedSupplyMirrors(analytics), await expectedSupplyMirrors(operational));
  return { operational, analytics, acme, globex, start, backfilled, mirrorsMatch };
}

/** The same supply in a tenant: two suppliers, their links, two locations, three purchase orders at different stages. */
async function seedSupply(supply: SupplyWriter): Promise<void> {
  await supply.upsertSupplier('SUP-1', { defaultLeadTimeDays: supply.tenantId === 'acme' ? 7 : 21 });
  await supply.upsertSupplier('SUP-2');
  await supply.upsertLink('SUP-1', 'A-1', { unitCost: 3.5, leadTimeDays: 6, preferred: true });
  await supply.upsertLink('SUP-2', 'A-1');
  await supply.upsertLocation('WH1');
  await supply.upsertLocation('WH2', { timeZone: 'Europe/Paris' });
  const expectedDate = new Date(Date.UTC(2026, 3, 1));
  const placed = await supply.createPurchaseOrder({ supplierCode: 'SUP-1', lines: [{ sku: 'A-1', quantity: 20 }], expectedDate });
  await supply.place(placed);
  const received = await supply.createPurchaseOrder({ supplierCode: 'SUP-2', lines: [{ sku: 'A-1', quantity: 5 }], expectedDate });
  await supply.place(received);
  await supply.receive(received, [5]);
  await supply.createPurchaseOrder({ supplierCode: 'SUP-1', locationCode: 'WH2', lines: [{ sku: 'A-2', quantity: 8 }], expectedDate });
}

describe('CDC of the supply side', () => {
  it('backfills existing supply documents, then mirrors inserts, updates and deletes of each collection, tenant by tenant', async () => {
    const f = await fixture();
    await seedSupply(f.acme);
    await seedSupply(f.globex);
    const consumer = f.start();
    await consumer.start();
    await waitFor(() => consumer.status().state === 'streaming', 'the backfill');
    await waitFor(f.mirrorsMatch, 'the backfilled mirrors');
    expect(Object.fromEntries(f.backfilled)).toMatchObject({ suppliers: 4, productSuppliers: 4, locations: 4, purchaseOrders: 6 });
    const mirrors = await storedSupplyMirrors(f.analytics);
    expect(mirrors.suppliers.map((s) => [s._id, s.defaultLeadTimeDays])).toEqual([
      ['acme:SUP-1', 7],
      ['acme:SUP-2', 10],
      ['globex:SUP-1', 21],
      ['globex:SUP-2', 10],
    ]);

    // Streamed: an insert, an update and a delete of each collection (acme), and globex's own changes beside them.
    const orders = await f.operational
      .collection('purchaseOrders')
      .find({ tenantId: 'acme' }, { sort: { poNumber: 1 } })
      .toArray();
    await f.acme.upsertSupplier('SUP-3', { name: 'New Parts' });
    await f.acme.upsertSupplier('SUP-1', { defaultLeadTimeDays: 9 });
    await f.acme.deleteSupplier('SUP-2');
    await f.acme.upsertLink('SUP-3', 'A-2', { unitCost: 2.25, leadTimeDays: null });
    await f.acme.upsertLink('SUP-1', 'A-1', { unitCost: 3.75 });
    await f.acme.deleteLink('SUP-2', 'A-1');
    await f.acme.upsertLocation('WH3');
    await f.acme.upsertLocation('WH1', { name: 'Main warehouse' });
    await f.acme.deleteLocation('WH2');
    const fresh = await f.acme.createPurchaseOrder({
      supplierCode: 'SUP-3',
      lines: [{ sku: 'A-2', quantity: 12 }],
      expectedDate: new Date(Date.UTC(2026, 3, 5)),
    });
    await f.acme.receive(orders[0]!._id, [15]);
    await f.acme.deletePurchaseOrder(orders[2]!._id);
    await f.globex.upsertSupplier('SUP-1', { name: 'Globex Supply' });
    await f.globex.cancel((await f.operational.collection('purchaseOrders').findOne({ tenantId: 'globex', status: 'ordered' }))!._id);
    await waitFor(f.mirrorsMatch, 'the streamed changes mirrored');

    const after = await storedSupplyMirrors(f.analytics);
    expect(after.suppliers.map((s) => [s._id, s.name, s.defaultLeadTimeDays])).toEqual([
      ['acme:SUP-1', 'Supplier SUP-1', 9],
      ['acme:SUP-3', 'New Parts', 10],
      ['globex:SUP-1', 'Globex Supply', 21],
      ['globex:SUP-2', 'Supplier SUP-2', 10],
    ]);
    expect(after.productSuppliers.filter((l) => l.tenantId === 'acme').map((l) => [l._id, l.unitCost, l.leadTimeDays])).toEqual([
      ['acme:SUP-1:A-1', 3.75, 6],
      ['acme:SUP-3:A-2', 2.25, null],
    ]);
    expect(after.locations.map((l) => [l._id, l.name])).toEqual([
      ['acme:WH1', 'Main warehouse'],
      ['acme:WH3', 'Location WH3'],
      ['globex:WH1', 'Location WH1'],
      ['globex:WH2', 'Location WH2'],
    ]);
    const po = (id: unknown) => after.purchaseOrders.find((p) => p._id === String(id));
    expect(po(orders[0]!._id)).toMatchObject({ status: 'partiallyReceived', lines: [{ receivedQuantity: 15, openQuantity: 5 }] });
    expect(po(orders[2]!._id)).toBeUndefined();
    expect(po(fresh)).toMatchObject({ tenantId: 'acme', status: 'draft', supplierCode: 'SUP-3', lines: [{ openQuantity: 12 }] });
    expect(
      after.purchaseOrders
        .filter((p) => p.tenantId === 'globex')
        .map((p) => p.status)
        .sort(),
    ).toEqual(['cancelled', 'draft', 'received']);
    expect(after.purchaseOrders.every((p) => p.tenantId === 'acme' || p.tenantId === 'globex')).toBe(true);
    await consumer.stop();
  });

  it('after an upgrade: a checkpoint that predates the supply collections re-reads only them, then resumes from its token', async () => {
    const f = await fixture();
    const source = sourceWriter(databases.client, f.operational.databaseName);
    await source.seedCatalog(['A-1', 'A-2'], 1_000);
    await seedSupply(f.acme);
    const first = f.start();
    await first.start();
    await waitFor(f.mirrorsMatch, 'the first backfill');
    const checkpoints = f.analytics.collection<CdcCheckpoint>(CHECKPOINT_COLLECTION);
    await source.createOrder([{ sku: 'A-2', quantity: 1 }], { confirm: true });
    await waitFor(async () => (await checkpoints.findOne({ _id: 'operational' }))?.resumeToken != null, 'a streamed batch checkpointed');
    await first.stop();

    // As an older version left it: a streaming checkpoint without `collections`, and no supply mirrors.
    await checkpoints.updateOne({ _id: 'operational' }, { $unset: { collections: '' } });
    for (const name of [
      FACT_COLLECTIONS.suppliersMirror,
      FACT_COLLECTIONS.productSuppliersMirror,
      FACT_COLLECTIONS.locationsMirror,
      FACT_COLLECTIONS.purchaseOrdersMirror,
    ]) {
      await f.analytics.collection(name).deleteMany({});
    }
    f.backfilled.clear();
    // Written while nothing consumed: must come through the stream from the saved token.
    const id = await source.createOrder([{ sku: 'A-1', quantity: 2 }], { confirm: true });
    await f.acme.deleteLocation('WH2');

    const second = f.start();
    await second.start();
    await waitFor(f.mirrorsMatch, 'the supply mirrors rebuilt');
    await waitFor(async () => (await f.analytics.collection('rawSalesEvents').countDocuments({ orderId: String(id) })) > 0, 'the new order streamed');
    // Only the newly followed collections were re-read; the rest came from the token on.
    expect([...f.backfilled.keys()].sort()).toEqual(['locations', 'productSuppliers', 'purchaseOrders', 'suppliers']);
    expect(f.backfilled.get('locations')).toBe(1); // WH2 was deleted before the re-read
    expect((await checkpoints.findOne({ _id: 'operational' }))!.collections).toEqual([...SOURCE_COLLECTIONS]);
    await second.stop();
  });
});
