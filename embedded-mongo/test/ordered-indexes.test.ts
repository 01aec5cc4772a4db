import { Long, ObjectId, type Db, type Document, type Filter, type MongoClient, type Sort } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, openTestDatabase, type TestServer } from './harness.js';

/** Test documents use numbers and strings as `_id`, and arbitrary fields. */
interface Loose extends Document {
  _id: number | string;
}

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => ({ server, client, db } = await openTestDatabase('ordered')));
afterAll(() => closeTestDatabase({ server, client }));

/** Index keys and documents examined so far, as mongod reports them. */
async function examined(): Promise<{ keys: number; docs: number }> {
  const status = await db.admin().command({ serverStatus: 1 });
  const executor = status.metrics.queryExecutor as { scanned: number | Long; scannedObjects: number | Long };
  return { keys: Number(executor.scanned), docs: Number(executor.scannedObjects) };
}

/** A deterministic pseudo-random sequence, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe('sort order across BSON types', () => {
  const values: Array<[label: string, value: unknown]> = [
    ['null', null],
    ['int', 3],
    ['double', 2.5],
    ['long', Long.fromNumber(4)],
    ['negative', -10],
    ['string b', 'b'],
    ['string a', 'a'],
    ['object', { x: 1 }],
    ['objectId', new ObjectId('64b000000000000000000001')],
    ['false', false],
    ['true', true],
    ['date', new Date('2024-01-01T00:00:00Z')],
  ];
  // mongod: null (= missing) < numbers < strings < objects < ObjectId < booleans < dates.
  const ascending = ['missing', 'null', 'negative', 'double', 'int', 'long', 'string a', 'string b', 'object', 'objectId', 'false', 'true', 'date'];

  it('sorts mixed types like mongod, with and without an index', async () => {
    for (const [name, indexed] of [
      ['mixedIndexed', true],
      ['mixedPlain', false],
    ] as const) {
      const coll = db.collection<Loose>(name);
      if (indexed) await coll.createIndex({ v: 1 });
      // `_id`s in label order, so missing and null tie-break the same way everywhere.
      await coll.insertMany([{ _id: 0, label: 'missing' }, ...values.map(([label, v], i) => ({ _id: i + 1, label, v }))]);
      const up = await coll
        .find({}, { projection: { label: 1 } })
        .sort({ v: 1, _id: 1 })
        .toArray();
      expect(up.map((d) => d.label)).toEqual(ascending);
      const down = await coll.find({}).sort({ v: -1, _id: -1 }).toArray();
      expect(down.map((d) => d.label)).toEqual([...ascending].reverse());
    }
  });

  it('ranges stay within the bound value type', async () => {
    const coll = db.collection<Loose>('mixedIndexed');
    const strings = await coll
      .find({ v: { $gt: 'a' } })
      .sort({ v: 1 })
      .toArray();
    expect(strings.map((d) => d.label)).toEqual(['string b']);
    const numbers = await coll
      .find({ v: { $gte: 2.5, $lt: 4 } })
      .sort({ v: -1 })
      .toArray();
    expect(numbers.map((d) => d.label)).toEqual(['int', 'double']);
    const nulls = await coll.find({ v: null }).sort({ v: 1, _id: 1 }).toArray();
    expect(nulls.map((d) => d.label)).toEqual(['missing', 'null']);
  });

  it('sorts an array field by its smallest element ascending and its largest descending', async () => {
    const coll = db.collection<Loose>('arraySort');
    await coll.insertMany([
      { _id: 1, v: [5, 1] },
      { _id: 2, v: 3 },
      { _id: 3, v: [2, 9] },
    ]);
    expect((await coll.find().sort({ v: 1 }).toArray()).map((d) => d._id)).toEqual([1, 3, 2]);
    expect((await coll.find().sort({ v: -1 }).toArray()).map((d) => d._id)).toEqual([3, 1, 2]);
    // The same through a (now multikey) index.
    await coll.createIndex({ v: 1 });
    expect((await coll.find().sort({ v: 1 }).limit(2).toArray()).map((d) => d._id)).toEqual([1, 3]);
    expect((await coll.find().sort({ v: -1 }).limit(2).toArray()).map((d) => d._id)).toEqual([3, 1]);
  });
});

describe('ordered index walks give the same results as a plain sort', () => {
  const tenants = ['acme', 'beta', null, undefined];
  const skus = (next: () => number): unknown => {
    const r = next();
    if (r < 0.7) return `SKU-${String(Math.floor(next() * 60)).padStart(3, '0')}`;
    if (r < 0.85) return Math.floor(next() * 20);
    if (r < 0.95) return null;
    return undefined;
  };

  function makeDocs(n: number, seed: number): Loose[] {
    const next = random(seed);
    return Array.from({ length: n }, (_, i) => {
      const doc: Loose = { _id: i, n: Math.floor(next() * 5), at: new Date(Date.UTC(2024, 0, 1 + Math.floor(next() * 30))) };
      const tenant = tenants[Math.floor(next() * tenants.length)];
      if (tenant !== undefined) doc.tenantId = tenant;
      const sku = skus(next);
      if (sku !== undefined) doc.sku = sku;
      doc.lowStock = next() < 0.3;
      if (next() < 0.2) doc.deletedAt = new Date(0);
      return doc;
    });
  }

  const shapes: Array<{ filter: Filter<Loose>; sort: Sort; skip?: number; limit?: number }> = [
    { filter: { tenantId: 'acme' }, sort: { sku: 1, n: -1, _id: 1 }, limit: 7 },
    { filter: { tenantId: 'acme' }, sort: { sku: -1, n: 1, _id: -1 }, limit: 7 },
    { filter: { tenantId: 'acme' }, sort: { sku: 1, n: -1, _id: 1 }, skip: 5, limit: 11 },
    { filter: { tenantId: 'acme', deletedAt: null, sku: { $gt: 'SKU-020' } }, sort: { sku: 1, n: -1, _id: 1 }, limit: 9 },
    { filter: { tenantId: 'acme', sku: { $gte: 'SKU-010', $lt: 'SKU-030' } }, sort: { sku: -1, n: 1, _id: -1 } },
    { filter: { tenantId: 'beta', sku: { $lte: 7 } }, sort: { sku: 1, n: -1, _id: 1 } },
    { filter: { tenantId: 'beta', sku: { $gt: 3, $lt: 12 } }, sort: { sku: -1, n: 1, _id: -1 }, limit: 5 },
    { filter: { tenantId: null }, sort: { sku: 1, n: -1, _id: 1 }, limit: 20 },
    { filter: { tenantId: 'acme', sku: null }, sort: { n: -1, _id: 1 } },
    { filter: { tenantId: 'acme', sku: 'SKU-005' }, sort: { n: 1, _id: -1 } },
    { filter: { $and: [{ tenantId: 'beta' }, { sku: { $gt: 'SKU-050' } }] }, sort: { sku: 1, n: -1, _id: 1 } },
    { filter: { tenantId: 'acme', lowStock: true }, sort: { sku: 1, _id: 1 }, limit: 8 },
    { filter: { tenantId: 'acme', lowStock: true, sku: { $lt: 'SKU-040' } }, sort: { sku: -1, _id: -1 }, limit: 8 },
    { filter: { tenantId: 'beta' }, sort: { at: -1, _id: -1 }, limit: 10 },
    { filter: { tenantId: 'beta', at: { $lt: new Date(Date.UTC(2024, 0, 15)) } }, sort: { at: 1, _id: 1 }, limit: 10 },
    { filter: { _id: { $gte: 100, $lt: 140 } }, sort: { _id: -1 }, limit: 15 },
    { filter: { _id: { $gt: 250 } }, sort: { _id: 1 }, limit: 15 },
    { filter: {}, sort: { _id: -1 }, skip: 3, limit: 4 },
    { filter: { sku: { $gt: 5 } }, sort: { sku: 1, _id: 1 } },
  ];

  async function compareAll(indexed: string, plain: string): Promise<void> {
    for (const shape of shapes) {
      const run = (name: string) => {
        let cursor = db.collection<Loose>(name).find(shape.filter).sort(shape.sort);
        if (shape.skip) cursor = cursor.skip(shape.skip);
        if (shape.limit) cursor = cursor.limit(shape.limit);
        return cursor.batchSize(4).toArray();
      };
      const expected = await run(plain);
      expect(await run(indexed), JSON.stringify(shape)).toEqual(expected);
    }
  }

  it('on many query shapes, before and after writes', async () => {
    const docs = makeDocs(400, 7);
    const indexed = db.collection<Loose>('walkIndexed');
    const plain = db.collection<Loose>('walkPlain');
    await indexed.createIndexes([
      { key: { tenantId: 1, sku: 1, n: -1 } },
      { key: { tenantId: 1, lowStock: 1, sku: 1 } },
      { key: { tenantId: 1, at: -1 } },
      { key: { sku: 1 } },
    ]);
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    await plain.insertMany(docs.map((d) => ({ ...d })));
    await compareAll('walkIndexed', 'walkPlain');

    // Writes move, remove and add index entries; both structures must follow.
    for (const coll of [indexed, plain]) {
      await coll.updateMany({ n: 2 }, { $set: { sku: 'SKU-031' } });
      await coll.updateMany({ n: 3 }, { $unset: { tenantId: '' } });
      await coll.deleteMany({ n: 4, lowStock: true });
      await coll.insertMany(makeDocs(50, 11).map((d) => ({ ...d, _id: (d._id as number) + 1000 })));
      await coll.replaceOne({ _id: 5 }, { tenantId: 'acme', sku: 'SKU-000', n: 0 });
    }
    await compareAll('walkIndexed', 'walkPlain');

    // A transaction's commit updates the ordered structures too.
    const session = client.startSession();
    try {
      for (const name of ['walkIndexed', 'walkPlain']) {
        await session.withTransaction(async () => {
          const coll = db.collection<Loose>(name);
          await coll.insertOne({ _id: 5000, tenantId: 'acme', sku: 'SKU-001', n: 1, lowStock: true }, { session });
          await coll.updateOne({ _id: 6 }, { $set: { sku: 'SKU-002', tenantId: 'acme' } }, { session });
          await coll.deleteOne({ _id: 7 }, { session });
        });
      }
    } finally {
      await session.endSession();
    }
    await compareAll('walkIndexed', 'walkPlain');
  });

  it('still answers correctly once an indexed field holds an array (multikey)', async () => {
    const indexed = db.collection<Loose>('walkIndexed');
    const plain = db.collection<Loose>('walkPlain');
    for (const coll of [indexed, plain]) await coll.insertOne({ _id: 9000, tenantId: 'acme', sku: ['SKU-003', 'SKU-044'], n: 1, lowStock: true });
    await compareAll('walkIndexed', 'walkPlain');
  });

  it('keeps a unique compound index enforced', async () => {
    const coll = db.collection('uniqueOrdered');
    await coll.createIndex({ tenantId: 1, sku: 1 }, { unique: true });
    await coll.insertMany([
      { tenantId: 'a', sku: 1 },
      { tenantId: 'a', sku: 2 },
    ]);
    await expect(coll.insertOne({ tenantId: 'a', sku: 2 })).rejects.toMatchObject({ code: 11000 });
    await coll.updateOne({ sku: 2 }, { $set: { sku: 3 } });
    await coll.insertOne({ tenantId: 'a', sku: 2 });
    expect((await coll.find({ tenantId: 'a' }).sort({ sku: -1 }).toArray()).map((d) => d.sku)).toEqual([3, 2, 1]);
  });
});

describe('keyset pagination over a large collection', () => {
  const N = 100_000;

  beforeAll(async () => {
    const coll = db.collection<Loose>('large');
    await coll.createIndexes([{ key: { tenantId: 1, sku: 1 } }, { key: { tenantId: 1, lowStock: 1, sku: 1 } }, { key: { tenantId: 1, at: -1 } }]);
    for (let start = 0; start < N; start += 10_000) {
      await coll.insertMany(
        Array.from({ length: 10_000 }, (_, k) => {
          const i = start + k;
          return {
            _id: i,
            tenantId: i % 2 === 0 ? 'acme' : 'beta',
            sku: `SKU-${String(i).padStart(6, '0')}`,
            lowStock: i % 10 === 0,
            at: new Date(1_700_000_000_000 + i * 1000),
            deletedAt: null,
          };
        }),
      );
    }
  }, 60_000);

  it('reads about one page of entries for a sorted, ranged, limited query', async () => {
    const coll = db.collection<Loose>('large');
    const before = await examined();
    const page = await coll
      .find({ tenantId: 'acme', deletedAt: null, sku: { $gt: 'SKU-000050' } })
      .sort({ sku: 1 })
      .limit(51)
      .toArray();
    const after = await examined();
    expect(page.map((d) => d._id)).toEqual(Array.from({ length: 51 }, (_, k) => 52 + 2 * k));
    expect(after.docs - before.docs).toBeLessThan(200);
    expect(after.keys - before.keys).toBeLessThan(200);
  });

  it('walks a compound index with an equality on a boolean, sorted by the next field and _id', async () => {
    const coll = db.collection<Loose>('large');
    const before = await examined();
    const page = await coll.find({ tenantId: 'acme', lowStock: true }).sort({ sku: 1, _id: 1 }).limit(51).toArray();
    const after = await examined();
    expect(page.map((d) => d._id)).toEqual(Array.from({ length: 51 }, (_, k) => 10 * k));
    expect(after.docs - before.docs).toBeLessThan(200);
  });

  it('walks a descending index for the newest first, and backwards for the oldest first', async () => {
    const coll = db.collection<Loose>('large');
    const before = await examined();
    const newest = await coll.find({ tenantId: 'beta' }).sort({ at: -1 }).limit(51).toArray();
    const oldest = await coll.find({ tenantId: 'beta' }).sort({ at: 1 }).limit(51).toArray();
    const after = await examined();
    expect(newest.map((d) => d._id)).toEqual(Array.from({ length: 51 }, (_, k) => N - 1 - 2 * k));
    expect(oldest.map((d) => d._id)).toEqual(Array.from({ length: 51 }, (_, k) => 1 + 2 * k));
    expect(after.docs - before.docs).toBeLessThan(400);
  });

  it('stops a limited scan after the limit', async () => {
    const coll = db.collection<Loose>('large');
    const before = await examined();
    const five = await coll.find({ deletedAt: null }).limit(5).toArray();
    const after = await examined();
    expect(five).toHaveLength(5);
    expect(after.docs - before.docs).toBeLessThan(50);
  });

  it('stays lazy across getMore and sees writes made between batches in order', async () => {
    const coll = db.collection<Loose>('large');
    const before = await examined();
    const cursor = coll
      .find({ tenantId: 'acme', sku: { $gte: 'SKU-001000' } })
      .sort({ sku: 1 })
      .batchSize(20);
    const seen: string[] = [];
    for (let i = 0; i < 60; i++) {
      const doc = await cursor.next();
      seen.push(doc?.sku as string);
      // Well past what the server has read so far (one batch of 20 and a short read-ahead).
      if (i === 5) await coll.insertOne({ _id: 'late', tenantId: 'acme', sku: 'SKU-001110x' });
    }
    await cursor.close();
    const after = await examined();
    expect(seen).toEqual([...seen].sort());
    expect(seen).toContain('SKU-001110x');
    expect(after.docs - before.docs).toBeLessThan(300);
    await coll.deleteOne({ _id: 'late' });
  });
});

describe('$in on an index prefix with a range (one interval per value)', () => {
  const SKUS = 100;
  const DAYS = 200;
  const dayOf = (d: number) => new Date(Date.UTC(2025, 0, 1 + d)).toISOString().slice(0, 10);
  const skuOf = (s: number) => `SKU-${String(s).padStart(3, '0')}`;
  /** Every tenth SKU: 10 of them. */
  const someSkus = Array.from({ length: 10 }, (_, k) => skuOf(k * 10));
  const window = { $gte: dayOf(50), $lt: dayOf(57) };

  beforeAll(async () => {
    // Daily rows per SKU, like analytics facts: the history grows, a query's range does not.
    for (const name of ['dailyIndexed', 'dailyPlain']) {
      const coll = db.collection<Loose>(name);
      if (name === 'dailyIndexed') await coll.createIndex({ tenantId: 1, sku: 1, day: 1 });
      await coll.insertMany(
        Array.from({ length: SKUS * DAYS }, (_, i) => ({
          _id: i,
          tenantId: i % 3 === 0 ? 'beta' : 'acme',
          sku: skuOf(i % SKUS),
          day: dayOf(Math.floor(i / SKUS)),
          n: i,
        })),
      );
    }
  }, 60_000);

  it('reads only the range of each SKU, not its whole history', async () => {
    const coll = db.collection<Loose>('dailyIndexed');
    const before = await examined();
    const rows = await coll.find({ tenantId: 'acme', sku: { $in: someSkus }, day: window }).toArray();
    const after = await examined();
    const expected = await db
      .collection<Loose>('dailyPlain')
      .find({ tenantId: 'acme', sku: { $in: someSkus }, day: window })
      .toArray();
    expect(rows.map((d) => d._id).sort((a, b) => Number(a) - Number(b))).toEqual(expected.map((d) => d._id).sort((a, b) => Number(a) - Number(b)));
    expect(rows.length).toBeGreaterThan(30);
    // The hash index alone would examine every day of the 10 SKUs (10 × 200 × 2/3 ≈ 1 330 documents).
    expect(after.docs - before.docs).toBeLessThanOrEqual(2 * rows.length);
    expect(after.keys - before.keys).toBeLessThanOrEqual(2 * rows.length + someSkus.length);
  });

  it('bounds deletes and updates with the same filter shape too', async () => {
    const coll = db.collection<Loose>('dailyIndexed');
    const filter = { tenantId: 'beta', sku: { $in: someSkus }, day: { $gt: dayOf(190) } };
    const before = await examined();
    const updated = await coll.updateMany(filter, { $set: { late: true } });
    const deleted = await coll.deleteMany({ ...filter, late: true });
    const after = await examined();
    const plain = db.collection<Loose>('dailyPlain');
    expect(updated.modifiedCount).toBe((await plain.updateMany(filter, { $set: { late: true } })).modifiedCount);
    expect(deleted.deletedCount).toBe((await plain.deleteMany({ ...filter, late: true })).deletedCount);
    expect(deleted.deletedCount).toBeGreaterThan(10);
    expect(after.docs - before.docs).toBeLessThanOrEqual(4 * deleted.deletedCount);
    expect(await coll.countDocuments({ tenantId: 'beta', sku: { $in: someSkus }, day: { $gt: dayOf(190) } })).toBe(0);
  });

  it('matches what a scan finds for mixed value types, repeats, null and descending indexes', async () => {
    const indexed = db.collection<Loose>('inMixedIndexed');
    const plain = db.collection<Loose>('inMixedPlain');
    await indexed.createIndexes([{ key: { tenantId: 1, v: -1, at: 1 } }]);
    const values: unknown[] = ['a', 'b', 5, 5.5, Long.fromNumber(7), null, true, new Date(Date.UTC(2024, 0, 2))];
    const docs = Array.from({ length: 300 }, (_, i) => {
      const doc: Loose = { _id: i, tenantId: i % 2 === 0 ? 'acme' : 'beta', at: new Date(Date.UTC(2024, 0, 1 + (i % 30))) };
      if (i % 9 !== 0) doc.v = values[i % values.length];
      return doc;
    });
    await indexed.insertMany(docs.map((d) => ({ ...d })));
    await plain.insertMany(docs.map((d) => ({ ...d })));
    const from = new Date(Date.UTC(2024, 0, 10));
    const filters: Filter<Loose>[] = [
      { tenantId: 'acme', v: { $in: ['a', 5, 'a', 5.0, 7] }, at: { $gte: from } },
      { tenantId: 'beta', v: { $in: [null, 'b', true] }, at: { $lt: from } },
      { tenantId: { $in: ['acme', 'beta'] }, v: { $in: [5.5, new Date(Date.UTC(2024, 0, 2))] }, at: { $gt: from } },
    ];
    for (const filter of filters) {
      const ids = async (name: string) => (await db.collection<Loose>(name).find(filter).toArray()).map((d) => d._id).sort((a, b) => Number(a) - Number(b));
      const expected = await ids('inMixedPlain');
      expect(expected.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(await ids('inMixedIndexed'), JSON.stringify(filter)).toEqual(expected);
    }
  });
});

describe('$in over strings and numbers', () => {
  it('matches as mongod does: array elements, numeric types, no match for missing or null', async () => {
    const coll = db.collection<Loose>('inSemantics');
    await coll.insertMany([
      { _id: 1, v: 'a' },
      { _id: 2, v: 5 },
      { _id: 3, v: Long.fromNumber(5) },
      { _id: 4, v: 5.5 },
      { _id: 5, v: ['x', 'a'] },
      { _id: 6, v: ['x', 'y'] },
      { _id: 7, v: null },
      { _id: 8 },
      { _id: 9, v: 'A' },
      { _id: 10, v: { a: 1 } },
      { _id: 11, v: -0 },
      { _id: 12, v: '5' },
    ]);
    const ids = async (filter: Filter<Loose>) => (await coll.find(filter).sort({ _id: 1 }).toArray()).map((d) => d._id);
    expect(await ids({ v: { $in: ['a', 5, 0] } })).toEqual([1, 2, 3, 5, 11]);
    expect(await ids({ v: { $nin: ['a', 5, 0] } })).toEqual([4, 6, 7, 8, 9, 10, 12]);
    expect(await ids({ v: { $not: { $in: ['x'] } } })).toEqual([1, 2, 3, 4, 7, 8, 9, 10, 11, 12]);
  });
});

describe('updates and index entries', () => {
  it('an update that leaves indexed fields alone is seen by index walks; one that changes them moves the entry', async () => {
    const coll = db.collection<Loose>('updates_and_entries');
    await coll.createIndex({ group: 1, rank: 1 });
    await coll.createIndex({ tag: 1 }, { partialFilterExpression: { live: true } });
    await coll.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i, group: i % 2, rank: i, tag: `t${i % 5}`, live: i < 25, payload: 0 })));

    // Not an indexed field: no index write, yet range walks and sorted reads return the new version.
    await coll.updateMany({ group: 0 }, { $inc: { payload: 7 } });
    const walked = await coll
      .find({ group: 0, rank: { $gte: 10, $lte: 20 } })
      .sort({ rank: 1 })
      .toArray();
    expect(walked.map((d) => [d._id, d.payload])).toEqual([10, 12, 14, 16, 18, 20].map((id) => [id, 7]));
    expect(
      (
        await coll
          .find({ _id: { $gte: 48 } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d.payload),
    ).toEqual([7, 0]);

    // An indexed field: the entry moves (old range no longer finds it, the new one does).
    await coll.updateOne({ _id: 12 }, { $set: { rank: 1_000 } });
    expect((await coll.find({ group: 0, rank: { $gte: 10, $lte: 20 } }).toArray()).map((d) => d._id).sort((a, b) => Number(a) - Number(b))).toEqual([
      10, 14, 16, 18, 20,
    ]);
    expect((await coll.find({ group: 0, rank: { $gt: 100 } }).toArray()).map((d) => d._id)).toEqual([12]);

    // A partial index: leaving its filter moves the document out of it, entering brings it in.
    await coll.updateOne({ _id: 3 }, { $set: { live: false } });
    await coll.updateOne({ _id: 33 }, { $set: { live: true } });
    const liveT3 = await coll.find({ tag: 't3', live: true }).toArray();
    expect(liveT3.map((d) => d._id).sort((a, b) => Number(a) - Number(b))).toEqual([8, 13, 18, 23, 33]);

    // A deleted document leaves no entry a walk could still yield.
    await coll.deleteOne({ _id: 14 });
    expect((await coll.find({ group: 0, rank: { $gte: 10, $lte: 20 } }).toArray()).map((d) => d._id).sort((a, b) => Number(a) - Number(b))).toEqual([
      10, 16, 18, 20,
    ]);
  });
});
