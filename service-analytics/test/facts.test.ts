import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { SourceChange } from '../src/cdc/cdc.types.js';
import { FACT_COLLECTIONS, type StoredDailyFact } from '../src/facts/fact-collections.js';
import { ensureFactIndexes } from '../src/facts/fact-indexes.js';
import type { FeatureTouch } from '../src/facts/facts.types.js';
import {
  campaign,
  changeOf,
  confirmOrder,
  deleteOf,
  movement,
  pendingOrder,
  position,
  product,
  returnFromOrder,
  shipOrder,
} from './support/source-builders.js';
import { buildScenario, randomBatches, shuffled } from './support/scenario.js';
import { seededRandom } from './support/seeded-random.js';
import { recordFacts } from '../src/facts/record-facts.js';
import { recomputeAllFacts } from '../src/facts/recompute-all.js';
import { mirrorReferenceData, type CampaignMirrorDoc, type ProductMirrorDoc, type StockReadModelDoc } from '../src/facts/reference-mirror.js';

let client: MongoClient;
let dbCount = 0;
/** One database per test (prefixed by this file), so tests never see each other's rows. */
async function freshDb(): Promise<Db> {
  const db = client.db(`facts_test_${process.pid}_${++dbCount}`);
  await ensureFactIndexes(db);
  return db;
}

beforeAll(async () => {
  client = await MongoClient.connect(inject('mongoUri'));
});
afterAll(async () => {
  await client?.close();
});

/** What the pipeline does with a batch, up to the facts. */
async function feed(db: Db, changes: readonly SourceChange[]): Promise<FeatureTouch[]> {
  await mirrorReferenceData(db, changes);
  return recordFacts(db, changes);
}
const allFacts = (db: Db) => db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts).find().sort({ _id: 1 }).toArray();
const fact = (db: Db, id: string) => db.collection<StoredDailyFact>(FACT_COLLECTIONS.dailySalesFacts).findOne({ _id: id });
const rawSales = (db: Db) => db.collection(FACT_COLLECTIONS.rawSalesEvents).find().sort({ _id: 1 }).toArray();
const rawStock = (db: Db) => db.collection(FACT_COLLECTIONS.rawStockEvents).find().sort({ _id: 1 }).toArray();
const pick = (f: StoredDailyFact | null) =>
  f && {
    demanded: f.quantityDemanded,
    sold: f.quantitySold,
    returned: f.quantityReturned,
    unfulfilled: f.quantityUnfulfilled,
    revenue: f.revenue,
    orders: f.orders,
    campaign: f.campaignActive,
    stockOut: f.stockOut,
    onHand: f.endOfDayOnHand,
  };

describe('raw events and daily facts of one order', () => {
  it('records each event kind with its quantity and day, and sums them per day', async () => {
    const db = await freshDb();
    const lines = [
      { sku: 'A', quantity: 4, unitPrice: 2.5 },
      { sku: 'B', quantity: 3, unitPrice: 10 },
    ];
    const placed = pendingOrder({ orderedAt: '2026-03-01T22:00:00Z', lines });
    const confirmed = confirmOrder(placed, '2026-03-02T09:00:00Z', { reject: [2] });
    const shipped = shipOrder(confirmed, '2026-03-03T09:00:00Z');
    const returned = returnFromOrder(shipped, '2026-03-05T09:00:00Z', [{ line: 1, quantity: 1 }]);
    const other = confirmOrder(pendingOrder({ orderedAt: '2026-03-01T10:00:00Z', lines: [{ sku: 'A', quantity: 1, unitPrice: 2.5 }] }), '2026-03-01T11:00:00Z');

    const touches = await feed(db, [changeOf('salesOrders', placed, 'insert'), changeOf('salesOrders', other, 'insert'), changeOf('salesOrders', confirmed)]);
    expect(touches.sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([
      { tenantId: 't1', sku: 'A', fromDay: '2026-03-01' },
      { tenantId: 't1', sku: 'B', fromDay: '2026-03-01' },
    ]);
    await feed(db, [changeOf('salesOrders', shipped), changeOf('salesOrders', returned)]);

    const id = String(placed._id);
    expect((await rawSales(db)).filter((e) => e.orderId === id).map((e) => [e._id, e.kind, e.sku, e.quantity, e.revenue, e.day])).toEqual([
      [`so:${id}:1:demanded`, 'demanded', 'A', 4, 0, '2026-03-01'],
      [`so:${id}:1:fulfilled`, 'fulfilled', 'A', 4, 10, '2026-03-03'],
      [`so:${id}:1:returned:0`, 'returned', 'A', 1, -2.5, '2026-03-05'],
      [`so:${id}:2:demanded`, 'demanded', 'B', 3, 0, '2026-03-01'],
      [`so:${id}:2:unfulfilled`, 'unfulfilled', 'B', 3, 0, '2026-03-02'],
    ]);
    const none = { stockOut: false, onHand: null, campaign: false };
    expect(pick(await fact(db, 't1:A:WH1:2026-03-01'))).toEqual({ demanded: 5, sold: 0, returned: 0, unfulfilled: 0, revenue: 0, orders: 2, ...none });
    expect(pick(await fact(db, 't1:B:WH1:2026-03-01'))).toEqual({ demanded: 3, sold: 0, returned: 0, unfulfilled: 0, revenue: 0, orders: 1, ...none });
    expect(pick(await fact(db, 't1:B:WH1:2026-03-02'))).toEqual({ demanded: 0, sold: 0, returned: 0, unfulfilled: 3, revenue: 0, orders: 0, ...none });
    expect(pick(await fact(db, 't1:A:WH1:2026-03-03'))).toEqual({ demanded: 0, sold: 4, returned: 0, unfulfilled: 0, revenue: 10, orders: 0, ...none });
    expect(pick(await fact(db, 't1:A:WH1:2026-03-05'))).toEqual({ demanded: 0, sold: 0, returned: 1, unfulfilled: 0, revenue: -2.5, orders: 0, ...none });
    expect(await fact(db, 't1:A:WH1:2026-03-02')).toBeNull(); // no event that day: no row (features fill it)
    expect(await allFacts(db)).toHaveLength(5);
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
  });

  it('a deleted order keeps its raw events and facts', async () => {
    const db = await freshDb();
    const order = pendingOrder({ orderedAt: '2026-03-01T10:00:00Z', lines: [{ sku: 'A', quantity: 2 }] });
    await feed(db, [changeOf('salesOrders', order, 'insert')]);
    await feed(db, [deleteOf('salesOrders', order._id)]);
    expect(await rawSales(db)).toHaveLength(1);
    expect(pick(await fact(db, 't1:A:WH1:2026-03-01'))?.demanded).toBe(2);
  });
});

describe('stock-outs and end-of-day on hand', () => {
  const history = () => {
    const sale = (day: string, quantity: number) => pendingOrder({ orderedAt: `2026-03-${day}T12:00:00Z`, lines: [{ sku: 'A', quantity }] });
    return {
      orders: [sale('02', 2), sale('03', 1), sale('05', 1), sale('07', 1)].map((o) => changeOf('salesOrders', o, 'insert')),
      movements: [
        movement({ sku: 'A', onHand: 10, at: '2026-03-01T08:00:00Z', type: 'receipt' }),
        movement({ sku: 'A', onHand: 10, available: 0, at: '2026-03-02T09:00:00Z', type: 'reserve' }),
        movement({ sku: 'A', onHand: 0, available: 0, at: '2026-03-02T15:00:00Z', type: 'sale' }),
        movement({ sku: 'A', onHand: 6, at: '2026-03-04T10:00:00Z', type: 'receipt' }),
        movement({ sku: 'A', onHand: 6, available: 0, at: '2026-03-06T10:00:00Z', type: 'reserve' }),
      ].map((m) => changeOf('stockMovements', m, 'insert')),
    };
  };
  const expected = {
    '2026-03-01': { stockOut: false, onHand: 10 },
    '2026-03-02': { stockOut: true, onHand: 0 }, // reached 0 available during the day
    '2026-03-03': { stockOut: true, onHand: 0 }, // started at 0, no movement (carried)
    '2026-03-04': { stockOut: true, onHand: 6 }, // started at 0, refilled
    '2026-03-05': { stockOut: false, onHand: 6 },
    '2026-03-06': { stockOut: true, onHand: 6 }, // all reserved: 6 on hand, 0 available
    '2026-03-07': { stockOut: true, onHand: 6 },
  };
  const read = async (db: Db) => Object.fromEntries((await allFacts(db)).map((f) => [f.day, { stockOut: f.stockOut, onHand: f.endOfDayOnHand }]));

  it('in source order', async () => {
    const db = await freshDb();
    const { orders, movements } = history();
    const byTime = [...orders, ...movements].sort((a, b) => eventAt(a) - eventAt(b));
    for (const change of byTime) await feed(db, [change]);
    expect(await read(db)).toEqual(expected);
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
  });

  it('when the movements arrive after the orders (carry-forward reaches existing later rows)', async () => {
    const db = await freshDb();
    const { orders, movements } = history();
    await feed(db, orders);
    expect((await read(db))['2026-03-05']).toEqual({ stockOut: false, onHand: null });
    // Newest first: every movement lands before rows that were computed without it.
    for (const change of [...movements].reverse()) await feed(db, [change]);
    expect(await read(db)).toEqual(expected);
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
  });
});

function eventAt(change: SourceChange): number {
  const doc = change.fullDocument as { orderedAt?: Date; at?: Date };
  return (doc.orderedAt ?? doc.at ?? new Date(0)).getTime();
}

describe('campaign flag', () => {
  it('set by a planned campaign covering the SKU that day, or by campaign-priced demand; follows campaign edits', async () => {
    const db = await freshDb();
    const spring = campaign({ skus: ['A'], startsAt: '2026-03-02T18:00:00Z', endsAt: '2026-03-04T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' });
    const orders = ['01', '02', '03', '04'].map((d) =>
      changeOf(
        'salesOrders',
        pendingOrder({
          orderedAt: `2026-03-${d}T12:00:00Z`,
          lines: [
            { sku: 'A', quantity: 1 },
            { sku: 'B', quantity: 1 },
          ],
        }),
        'insert',
      ),
    );
    const priced = pendingOrder({ orderedAt: '2026-03-01T13:00:00Z', lines: [{ sku: 'B', quantity: 1, campaignId: 'old-campaign' }] });
    // The campaign arrives after the orders (as in a backfill, which delivers campaigns last).
    await feed(db, [...orders, changeOf('salesOrders', priced, 'insert')]);
    await feed(db, [changeOf('campaigns', spring, 'insert')]);
    const flags = async () => Object.fromEntries((await allFacts(db)).map((f) => [`${f.sku}:${f.day.slice(8)}`, f.campaignActive]));
    expect(await flags()).toEqual({ 'A:01': false, 'A:02': true, 'A:03': true, 'A:04': false, 'B:01': true, 'B:02': false, 'B:03': false, 'B:04': false });
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));

    // Moved to B, then cancelled: every row it ever flagged is recomputed.
    await feed(db, [changeOf('campaigns', { ...spring, skus: ['B'], updatedAt: new Date('2026-02-02T00:00:00Z') })]);
    expect(await flags()).toMatchObject({ 'A:02': false, 'A:03': false, 'B:02': true, 'B:03': true });
    await feed(db, [changeOf('campaigns', { ...spring, skus: ['B'], status: 'cancelled', updatedAt: new Date('2026-02-03T00:00:00Z') })]);
    expect(await flags()).toEqual({ 'A:01': false, 'A:02': false, 'A:03': false, 'A:04': false, 'B:01': true, 'B:02': false, 'B:03': false, 'B:04': false });
    await feed(db, [changeOf('campaigns', { ...spring, updatedAt: new Date('2026-02-04T00:00:00Z') })]);
    expect((await flags())['A:03']).toBe(true);
    await feed(db, [deleteOf('campaigns', spring._id)]);
    expect((await flags())['A:03']).toBe(false);
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
  });
});

describe('reference mirrors', () => {
  it('the stock read model keeps the newest position and ignores an older re-delivery', async () => {
    const db = await freshDb();
    const p1 = position({ sku: 'A', onHand: 10, updatedAt: '2026-03-01T10:00:00Z' });
    const p2 = { ...p1, onHand: 4, available: 4, lowStock: true, updatedAt: new Date('2026-03-01T11:00:00Z') };
    await mirrorReferenceData(db, [changeOf('stockPositions', p1, 'insert'), changeOf('stockPositions', p2)]);
    await mirrorReferenceData(db, [changeOf('stockPositions', p1, 'insert')]); // re-delivered, older
    const model = db.collection<StockReadModelDoc>(FACT_COLLECTIONS.stockReadModel);
    expect(await model.find().toArray()).toEqual([
      {
        _id: 't1:A:WH1',
        sourceId: String(p1._id),
        tenantId: 't1',
        sku: 'A',
        locationCode: 'WH1',
        onHand: 4,
        reserved: 0,
        available: 4,
        onOrder: 0,
        inTransit: 0,
        damaged: 0,
        reorderPoint: 5,
        lowStock: true,
        updatedAt: new Date('2026-03-01T11:00:00Z'),
      },
    ]);
    // Older then newer inside one batch, in the wrong order: still the newest.
    const p3 = { ...p1, onHand: 1, available: 1, updatedAt: new Date('2026-03-01T12:00:00Z') };
    await mirrorReferenceData(db, [changeOf('stockPositions', p3), changeOf('stockPositions', p2)]);
    expect(await model.findOne({ _id: 't1:A:WH1' })).toMatchObject({ onHand: 1 });
    await mirrorReferenceData(db, [deleteOf('stockPositions', p1._id)]);
    expect(await model.countDocuments()).toBe(0);
  });

  it('products and campaigns mirror their fields; deletes remove them', async () => {
    const db = await freshDb();
    const a = product({ sku: 'A', price: 12, updatedAt: '2026-03-01T00:00:00Z' });
    const c = campaign({ skus: ['A'], startsAt: '2026-03-01T00:00:00Z', endsAt: '2026-03-08T00:00:00Z' });
    await mirrorReferenceData(db, [changeOf('products', a, 'insert'), changeOf('campaigns', c, 'insert')]);
    await mirrorReferenceData(db, [changeOf('products', { ...a, price: 15, status: 'discontinued', updatedAt: new Date('2026-03-02T00:00:00Z') })]);
    expect(await db.collection<ProductMirrorDoc>(FACT_COLLECTIONS.productsMirror).findOne({ _id: 't1:A' })).toEqual({
      _id: 't1:A',
      sourceId: String(a._id),
      tenantId: 't1',
      sku: 'A',
      name: 'Product A',
      category: 'general',
      status: 'discontinued',
      price: 15,
      reorderPoint: 5,
      safetyStock: 2,
      leadTimeDays: 7,
      updatedAt: new Date('2026-03-02T00:00:00Z'),
    });
    expect(await db.collection<CampaignMirrorDoc>(FACT_COLLECTIONS.campaignsMirror).findOne({ _id: String(c._id) })).toMatchObject({
      tenantId: 't1',
      status: 'planned',
      skus: ['A'],
      discountPercent: 10,
    });
    await mirrorReferenceData(db, [deleteOf('products', a._id), deleteOf('campaigns', c._id)]);
    expect(await db.collection(FACT_COLLECTIONS.productsMirror).countDocuments()).toBe(0);
    expect(await db.collection(FACT_COLLECTIONS.campaignsMirror).countDocuments()).toBe(0);
  });
});

describe('idempotency and equivalence with the full recomputation (generated history)', () => {
  const scenario = buildScenario({ seed: 11, days: 12, ordersPerDay: 5 });
  let reference: Db;
  let referenceFacts: StoredDailyFact[];

  beforeAll(async () => {
    reference = await freshDb();
    for (const batch of randomBatches(scenario.changes, seededRandom(1), 40)) await feed(reference, batch);
    referenceFacts = await allFacts(reference);
  });

  it('the history exercises every event kind, stock-outs and campaigns', async () => {
    const kinds = new Set((await rawSales(reference)).map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['demanded', 'fulfilled', 'returned', 'unfulfilled']);
    expect((await rawStock(reference)).length).toBe(scenario.movements);
    expect(referenceFacts.some((f) => f.stockOut)).toBe(true);
    expect(referenceFacts.some((f) => f.campaignActive)).toBe(true);
    expect(referenceFacts.length).toBeGreaterThan(100);
  });

  it('incremental facts equal the full recomputation', async () => {
    expect(referenceFacts).toEqual(await recomputeAllFacts(reference));
  });

  it('re-delivering everything changes neither raw events nor facts', async () => {
    const [salesBefore, stockBefore] = [await rawSales(reference), await rawStock(reference)];
    for (const batch of randomBatches(scenario.changes, seededRandom(2), 200)) await feed(reference, batch);
    expect(await rawSales(reference)).toEqual(salesBefore); // ingestedAt too: nothing was rewritten
    expect(await rawStock(reference)).toEqual(stockBefore);
    expect(await allFacts(reference)).toEqual(referenceFacts);
  });

  it('a fresh database fed everything at once equals the incremental one', async () => {
    const fresh = await freshDb();
    await feed(fresh, scenario.changes);
    expect(await allFacts(fresh)).toEqual(referenceFacts);
  });

  it('random re-splits, duplicated and reordered batches give the same facts', async () => {
    for (const seed of [3, 4]) {
      const random = seededRandom(seed);
      const db = await freshDb();
      // Every change delivered once or twice, in a shuffled order, in random batches; some batches delivered twice.
      const deliveries = shuffled(
        scenario.changes.flatMap((c) => (random() < 0.3 ? [c, c] : [c])),
        random,
      );
      for (const batch of randomBatches(deliveries, random, 60)) {
        await feed(db, batch);
        if (random() < 0.2) await feed(db, shuffled(batch, random));
      }
      expect(await allFacts(db)).toEqual(referenceFacts);
      expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
    }
  });

  it('a batch aborted mid-transaction leaves nothing behind; its re-delivery applies it exactly once', async () => {
    const db = await freshDb();
    const batches = randomBatches(scenario.changes, seededRandom(5), 50);
    let aborted = 0;
    for (const [i, batch] of batches.entries()) {
      await mirrorReferenceData(db, batch);
      if (i % 3 === 1) {
        const before = {
          sales: await rawSales(db),
          stock: await rawStock(db),
          facts: await allFacts(db),
          series: await db.collection(FACT_COLLECTIONS.factSeries).find().sort({ _id: 1 }).toArray(),
        };
        const session = client.startSession();
        try {
          session.startTransaction();
          await recordFacts(db, batch, { session });
          // Written but not committed: invisible outside the transaction.
          expect(await rawSales(db)).toEqual(before.sales);
          expect(await allFacts(db)).toEqual(before.facts);
          // The crash: the transaction never commits (the server aborts a dead client's transaction the same way).
          await session.abortTransaction();
        } finally {
          await session.endSession();
        }
        expect(await rawSales(db)).toEqual(before.sales);
        expect(await rawStock(db)).toEqual(before.stock);
        expect(await allFacts(db)).toEqual(before.facts);
        expect(await db.collection(FACT_COLLECTIONS.factSeries).find().sort({ _id: 1 }).toArray()).toEqual(before.series);
        aborted += 1;
        if (i % 2 === 1) await feed(db, batch); // re-delivered at once, as the consumer does after a restart
        continue;
      }
      await feed(db, batch);
      // Or re-delivered after the next batch (a re-split backlog): later movements already applied.
      if (i % 3 === 2 && (i - 1) % 2 === 0) await feed(db, batches[i - 1] ?? []);
    }
    expect(aborted).toBeGreaterThan(2);
    expect(await allFacts(db)).toEqual(referenceFacts);
    expect(await allFacts(db)).toEqual(await recomputeAllFacts(db));
    // Re-delivering everything once more adds nothing.
    for (const batch of batches) await feed(db, batch);
    expect(await allFacts(db)).toEqual(referenceFacts);
  });

  it('tenants are isolated: same SKUs, separate rows; the per-tenant recomputation sees only its tenant', async () => {
    const t1 = referenceFacts.filter((f) => f.tenantId === 't1');
    const t2 = referenceFacts.filter((f) => f.tenantId === 't2');
    expect(t1.length).toBeGreaterThan(0);
    expect(t2.length).toBeGreaterThan(0);
    expect(new Set(t1.map((f) => f.sku))).toEqual(new Set(t2.map((f) => f.sku)));
    expect(await recomputeAllFacts(reference, 't1')).toEqual(t1);
    // Feeding one tenant's history alone gives that tenant exactly the same rows.
    const alone = await freshDb();
    await feed(
      alone,
      scenario.changes.filter((c) => (c.fullDocument as { tenantId?: string } | null)?.tenantId === 't2'),
    );
    expect(await allFacts(alone)).toEqual(t2);
    const positions = await reference.collection(FACT_COLLECTIONS.stockReadModel).find({ sku: 'A', locationCode: 'WH1' }).toArray();
    expect(positions.map((p) => p.tenantId).sort()).toEqual(['t1', 't2']);
  });
});
