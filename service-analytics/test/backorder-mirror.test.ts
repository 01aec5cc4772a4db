/**
 * The back-order mirror (facts/backorder-mirror.ts) as the pipeline's mirror
 * step writes it, on the real engine: back-ordered lines of confirmed orders,
 * newest version wins, an order that was never back-ordered leaves no row,
 * deletes; and through the CDC consumer: a checkpoint written before the
 * mirror existed re-reads the sales orders once, then resumes from its token.
 */
import { describe, expect, it } from 'vitest';
import { createCdcConsumer } from '../src/cdc/cdc-consumer.js';
import type { BatchContext, SourceChange } from '../src/cdc/cdc.types.js';
import { ALL_MIRRORS, CHECKPOINT_COLLECTION, type CdcCheckpoint } from '../src/cdc/checkpoint-store.js';
import { backorderedBySkuLocation, type BackorderMirrorDoc } from '../src/facts/backorder-mirror.js';
import { FACT_COLLECTIONS } from '../src/facts/fact-collections.js';
import { ensureFactIndexes } from '../src/facts/fact-indexes.js';
import { mirrorReferenceData } from '../src/facts/reference-mirror.js';
import { createPipeline, ensureAnalyticsIndexes } from '../src/pipeline.js';
import { cancelOrder, changeOf, confirmOrder, deleteOf, pendingOrder, shipOrder } from './support/source-builders.js';
import { testDatabases } from './support/test-databases.js';
import { waitFor } from './support/wait-for.js';

const databases = testDatabases('backorders');

describe('the back-order mirror', () => {
  it('holds the back-ordered lines of confirmed orders per SKU, newest version wins, and sums them per SKU × location', async () => {
    const db = await databases.fresh(ensureFactIndexes);
    const mirror = db.collection<BackorderMirrorDoc>(FACT_COLLECTIONS.backordersMirror);
    const order = pendingOrder({
      tenantId: 't1',
      locationCode: 'WH1',
      orderedAt: '2026-03-01T10:00:00Z',
      lines: [
        { sku: 'A', quantity: 5 },
        { sku: 'B', quantity: 7 },
        { sku: 'A', quantity: 3 },
      ],
    });
    const waiting = confirmOrder(order, '2026-03-01T10:05:00Z', { backorder: [1, 3] });
    const other = confirmOrder(
      pendingOrder({ tenantId: 't1', locationCode: 'WH2', orderedAt: '2026-03-01T11:00:00Z', lines: [{ sku: 'A', quantity: 4 }] }),
      '2026-03-01T11:00:00Z',
      {
        backorder: [1],
      },
    );
    const elsewhere = confirmOrder(
      pendingOrder({ tenantId: 't2', locationCode: 'WH1', orderedAt: '2026-03-01T11:00:00Z', lines: [{ sku: 'A', quantity: 9 }] }),
      '2026-03-01T11:00:00Z',
      {
        backorder: [1],
      },
    );
    const served = confirmOrder(
      pendingOrder({ tenantId: 't1', orderedAt: '2026-03-01T12:00:00Z', lines: [{ sku: 'A', quantity: 2 }] }),
      '2026-03-01T12:00:00Z',
    );
    await mirrorReferenceData(db, [
      changeOf('salesOrders', order, 'insert'),
      changeOf('salesOrders', waiting),
      changeOf('salesOrders', other, 'insert'),
      changeOf('salesOrders', elsewhere, 'insert'),
      changeOf('salesOrders', served, 'insert'),
    ]);
    // Never back-ordered: no row (the mirror is not a copy of every order).
    expect(await mirror.countDocuments({ _id: String(served._id) })).toBe(0);
    expect(await mirror.findOne({ _id: String(order._id) })).toEqual({
      _id: String(order._id),
      sourceId: String(order._id),
      tenantId: 't1',
      locationCode: 'WH1',
      status: 'confirmed',
      lines: [{ sku: 'A', quantity: 8 }],
      updatedAt: new Date('2026-03-01T10:05:00Z'),
    });
    expect(await backorderedBySkuLocation(db, 't1', ['A', 'B'])).toEqual(
      new Map([
        ['A\u0000WH1', 8],
        ['A\u0000WH2', 4],
      ]),
    );

    // Shipped: its back-ordered lines close; a re-delivered older version does not bring them back.
    const shipped = shipOrder(waiting, '2026-03-02T09:00:00Z');
    await mirrorReferenceData(db, [changeOf('salesOrders', shipped)]);
    await mirrorReferenceData(db, [changeOf('salesOrders', waiting)]);
    expect(await mirror.findOne({ _id: String(order._id) })).toMatchObject({ status: 'shipped', lines: [] });
    // Cancelled, and a deleted order: gone from the sums.
    await mirrorReferenceData(db, [changeOf('salesOrders', cancelOrder(other, '2026-03-02T10:00:00Z'))]);
    await mirrorReferenceData(db, [deleteOf('salesOrders', elsewhere._id)]);
    expect(await backorderedBySkuLocation(db, 't1', ['A'])).toEqual(new Map());
    expect(await backorderedBySkuLocation(db, 't2', ['A'])).toEqual(new Map());
    expect(await mirror.countDocuments({ _id: String(elsewhere._id) })).toBe(0);
  });

  it('after an upgrade: a checkpoint without the mirror re-reads the sales orders alone, then resumes from its token', async () => {
    const operational = await databases.fresh();
    const analytics = await databases.fresh(ensureAnalyticsIndexes);
    const backfilled = new Map<string, number>();
    const start = () => {
      const pipeline = databases.track(createPipeline(analytics));
      const sink = {
        async apply(changes: readonly SourceChange[], context?: BatchContext) {
          if (context?.phase === 'backfill') for (const c of changes) backfilled.set(c.collection, (backfilled.get(c.collection) ?? 0) + 1);
          await pipeline.apply(changes, context);
        },
        caughtUp: (signal: AbortSignal) => pipeline.caughtUp(signal),
      };
      return databases.track(
        createCdcConsumer({
          client: databases.client,
          operationalDb: operational.databaseName,
          analyticsDb: analytics.databaseName,
          sink,
          batchSize: 7,
          maxAwaitTimeMS: 50,
        }),
      );
    };
    const orders = operational.collection('salesOrders');
    const mirror = analytics.collection<BackorderMirrorDoc>(FACT_COLLECTIONS.backordersMirror);
    const checkpoints = analytics.collection<CdcCheckpoint>(CHECKPOINT_COLLECTION);
    const waiting = confirmOrder(
      pendingOrder({ tenantId: 't1', orderedAt: '2026-03-01T10:00:00Z', lines: [{ sku: 'A', quantity: 6 }] }),
      '2026-03-01T10:00:00Z',
      {
        backorder: [1],
      },
    );
    await orders.insertOne(waiting);

    const first = start();
    await first.start();
    await waitFor(async () => (await mirror.countDocuments()) === 1 && first.status().state === 'streaming', 'the first backfill');
    expect((await checkpoints.findOne({ _id: 'operational' }))!.mirrors).toEqual(ALL_MIRRORS);
    const later = confirmOrder(
      pendingOrder({ tenantId: 't1', orderedAt: '2026-03-01T11:00:00Z', lines: [{ sku: 'A', quantity: 2 }] }),
      '2026-03-01T11:00:00Z',
      {
        backorder: [1],
      },
    );
    await orders.insertOne(later);
    await waitFor(
      async () => (await mirror.countDocuments()) === 2 && (await checkpoints.findOne({ _id: 'operational' }))?.resumeToken != null,
      'a streamed batch',
    );
    await first.stop();

    // As the previous version left it: a streaming checkpoint that fills no mirror, and no back-order rows.
    await checkpoints.updateOne({ _id: 'operational' }, { $unset: { mirrors: '' } });
    await mirror.deleteMany({});
    backfilled.clear();
    const second = start();
    await second.start();
    // The refill's checkpoint is saved after its batch applies: wait for both, or a loaded machine reads between them.
    await waitFor(
      async () =>
        (await backorderedBySkuLocation(analytics, 't1', ['A'])).get('A\u0000WH1') === 8 &&
        (await checkpoints.findOne({ _id: 'operational' }))?.mirrors?.length === ALL_MIRRORS.length,
      'the mirror refilled and its checkpoint saved',
    );
    expect([...backfilled.keys()]).toEqual(['salesOrders']);
    expect((await checkpoints.findOne({ _id: 'operational' }))!.mirrors).toEqual(ALL_MIRRORS);
    await second.stop();
  });
});
