// BSON classes from the driver, as applications get them: `instanceof` then matches what the driver decodes.
import { Binary, Decimal128, Long, ObjectId } from 'mongodb';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, openTestDatabase, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => ({ server, client, db } = await openTestDatabase('crud')));
afterAll(() => closeTestDatabase({ server, client }));

describe('insert', () => {
  it('generates an ObjectId _id first in the document', async () => {
    const coll = db.collection('ins');
    const { insertedId } = await coll.insertOne({ name: 'a' });
    expect(insertedId).toBeInstanceOf(ObjectId);
    const raw = await db.command({ find: 'ins', filter: {} });
    expect(Object.keys(raw.cursor.firstBatch[0])).toEqual(['_id', 'name']);
  });

  it('stops an ordered batch at the first error and reports it by index', async () => {
    const reply = await db.command({ insert: 'ordered', documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }] });
    expect(reply.n).toBe(1);
    expect(reply.writeErrors).toHaveLength(1);
    expect(reply.writeErrors[0]).toMatchObject({ index: 1, code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 1 } });
    expect(await db.collection('ordered').countDocuments()).toBe(1);
  });

  it('continues an unordered batch past errors', async () => {
    const reply = await db.command({ insert: 'unordered', documents: [{ _id: 1 }, { _id: 1 }, { _id: 2 }, { _id: 2 }], ordered: false });
    expect(reply.n).toBe(2);
    expect(reply.writeErrors.map((e: { index: number }) => e.index)).toEqual([1, 3]);
  });

  it('round-trips BSON types', async () => {
    const coll = db.collection('types');
    const doc = {
      _id: new ObjectId(),
      when: new Date('2024-01-02T03:04:05Z'),
      price: Decimal128.fromString('19.99'),
      big: Long.fromString('9007199254740993'),
      bin: new Binary(Buffer.from([1, 2, 3])),
      nested: { list: [1, 'two', { three: 3 }] },
    };
    await coll.insertOne(doc);
    const back = await coll.findOne({ _id: doc._id }, { promoteLongs: false });
    expect(back?.when).toEqual(doc.when);
    expect(back?.price).toBeInstanceOf(Decimal128);
    expect(back?.price.toString()).toBe('19.99');
    expect(back?.big).toBeInstanceOf(Long);
    expect(back?.big.toString()).toBe('9007199254740993');
    expect(Buffer.from((back?.bin as Binary).buffer)).toEqual(Buffer.from([1, 2, 3]));
    expect(back?.nested).toEqual(doc.nested);
  });
});

describe('find', () => {
  beforeAll(async () => {
    await db
      .collection('people')
      .insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i, name: `p${i}`, age: i % 50, tags: i % 2 ? ['odd'] : ['even'] })) as never[]);
  });

  it('filters, sorts, skips and limits', async () => {
    const docs = await db
      .collection('people')
      .find({ age: { $gte: 45 } })
      .sort({ age: -1, _id: 1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(docs.map((d) => d._id)).toEqual([149, 199, 249]);
  });

  it('projects with _id first', async () => {
    const raw = await db.command({ find: 'people', filter: { _id: 3 }, projection: { name: 1 } });
    expect(raw.cursor.firstBatch).toEqual([{ _id: 3, name: 'p3' }]);
    const noId = await db.collection('people').findOne({ _id: 3 } as never, { projection: { _id: 0, age: 1 } });
    expect(noId).toEqual({ age: 3 });
  });

  it('answers a first batch of 101 and the rest via getMore', async () => {
    const raw = await db.command({ find: 'people', filter: {} });
    expect(raw.cursor.firstBatch).toHaveLength(101);
    expect(raw.cursor.id.toString()).not.toBe('0');
    const more = await db.command({ getMore: raw.cursor.id, collection: 'people', batchSize: 100 });
    expect(more.cursor.nextBatch).toHaveLength(100);
    const rest = await db.command({ getMore: raw.cursor.id, collection: 'people' });
    expect(rest.cursor.nextBatch).toHaveLength(49);
    expect(rest.cursor.id.toString()).toBe('0');
    expect(await db.collection('people').find().batchSize(7).toArray()).toHaveLength(250);
  });

  it('returns one batch and no cursor for a negative limit or singleBatch', async () => {
    const negative = await db.command({ find: 'people', filter: {}, limit: -5 });
    expect(negative.cursor.firstBatch).toHaveLength(5);
    expect(negative.cursor.id.toString()).toBe('0');
    const single = await db.command({ find: 'people', filter: {}, batchSize: 3, singleBatch: true });
    expect(single.cursor.firstBatch).toHaveLength(3);
    expect(single.cursor.id.toString()).toBe('0');
  });

  it('kills cursors', async () => {
    const raw = await db.command({ find: 'people', filter: {}, batchSize: 2 });
    const reply = await db.command({ killCursors: 'people', cursors: [raw.cursor.id, Long.fromNumber(42)] });
    expect(reply.cursorsKilled.map(String)).toEqual([raw.cursor.id.toString()]);
    expect(reply.cursorsNotFound.map(String)).toEqual(['42']);
    await expect(db.command({ getMore: raw.cursor.id, collection: 'people' })).rejects.toMatchObject({ code: 43 });
  });

  it('counts and finds distinct values', async () => {
    const people = db.collection('people');
    expect(await people.countDocuments({ age: 10 })).toBe(5);
    expect(await people.estimatedDocumentCount()).toBe(250);
    expect((await db.command({ count: 'people', query: { age: { $lt: 10 } }, limit: 7 })).n).toBe(7);
    expect((await people.distinct('tags')).sort()).toEqual(['even', 'odd']);
  });

  it('compares ObjectIds by value in filters and sorts', async () => {
    const coll = db.collection('oids');
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    await coll.insertMany([{ _id: ids[2] }, { _id: ids[0] }, { _id: ids[1] }]);
    const copy = new ObjectId(ids[1]?.toHexString());
    expect(await coll.findOne({ _id: copy })).toEqual({ _id: ids[1] });
    expect(
      (
        await coll
          .find({ _id: { $gt: ids[0] } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([ids[1], ids[2]]);
  });

  it('keeps an open cursor on the document versions it started with', async () => {
    const coll = db.collection('stable');
    await coll.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: i, v: 0 })) as never[]);
    const cursor = coll.find({}).batchSize(2);
    const first = [await cursor.next(), await cursor.next()];
    await coll.updateMany({}, { $set: { v: 1 } });
    expect(first.map((d) => d?.v)).toEqual([0, 0]);
    const rest = await cursor.toArray();
    expect(rest).toHaveLength(3);
    await cursor.close();
  });
});

describe('update', () => {
  it('applies operators and counts matched and modified', async () => {
    const coll = db.collection('upd');
    await coll.insertMany([
      { _id: 1, n: 1, s: 'a' },
      { _id: 2, n: 2, s: 'b' },
      { _id: 3, n: 3, s: 'b' },
    ] as never[]);
    const many = await coll.updateMany({ s: 'b' }, { $inc: { n: 10 }, $set: { t: true } });
    expect([many.matchedCount, many.modifiedCount]).toEqual([2, 2]);
    const noop = await coll.updateOne({ _id: 1 } as never, { $set: { n: 1 } });
    expect([noop.matchedCount, noop.modifiedCount]).toEqual([1, 0]);
    expect(await coll.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 1, s: 'a' },
      { _id: 2, n: 12, s: 'b', t: true },
      { _id: 3, n: 13, s: 'b', t: true },
    ]);
  });

  it('upserts from the filter equalities with $setOnInsert', async () => {
    const coll = db.collection('ups');
    const first = await coll.updateOne({ sku: 'A', 'meta.kind': 'x', qty: { $gt: 5 } }, { $inc: { hits: 1 }, $setOnInsert: { created: 1 } }, { upsert: true });
    expect(first.upsertedCount).toBe(1);
    const doc = await coll.findOne({ _id: first.upsertedId ?? undefined });
    expect(doc).toEqual({ _id: first.upsertedId, sku: 'A', meta: { kind: 'x' }, hits: 1, created: 1 });
    const second = await coll.updateOne({ sku: 'A' }, { $inc: { hits: 1 }, $setOnInsert: { created: 2 } }, { upsert: true });
    expect([second.matchedCount, second.upsertedCount]).toEqual([1, 0]);
    expect((await coll.findOne({ sku: 'A' }))?.created).toBe(1);
    const raw = await db.command({ update: 'ups', updates: [{ q: { _id: 'k' }, u: { $set: { v: 1 } }, upsert: true }] });
    expect(raw.upserted).toEqual([{ index: 0, _id: 'k' }]);
  });

  it('applies $setOnInsert together with $set whichever operator comes first', async () => {
    const coll = db.collection('ups2');
    await coll.findOneAndUpdate({ k: 1 }, { $setOnInsert: { a: 0, b: 0 }, $set: { at: 'now' }, $inc: { n: 5 } }, { upsert: true });
    await coll.findOneAndUpdate({ k: 2 }, { $set: { at: 'now' }, $setOnInsert: { a: 0 }, $inc: { n: 1 } }, { upsert: true });
    expect(
      await coll
        .find({}, { projection: { _id: 0 } })
        .sort({ k: 1 })
        .toArray(),
    ).toEqual([
      { k: 1, a: 0, b: 0, at: 'now', n: 5 },
      { k: 2, at: 'now', a: 0, n: 1 },
    ]);
  });

  it('supports arrayFilters, positional $ and replacement', async () => {
    const coll = db.collection('arr');
    await coll.insertOne({
      _id: 1,
      items: [
        { k: 'a', q: 1 },
        { k: 'b', q: 2 },
      ],
      grades: [80, 90],
    } as never);
    await coll.updateOne({ _id: 1 } as never, { $set: { 'items.$[it].q': 20 } }, { arrayFilters: [{ 'it.k': 'b' }] });
    await coll.updateOne({ _id: 1, grades: 90 } as never, { $set: { 'grades.$': 95 } });
    expect(await coll.findOne({ _id: 1 } as never)).toEqual({
      _id: 1,
      items: [
        { k: 'a', q: 1 },
        { k: 'b', q: 20 },
      ],
      grades: [80, 95],
    });
    await coll.replaceOne({ _id: 1 } as never, { fresh: true });
    expect(await coll.findOne({ _id: 1 } as never)).toEqual({ _id: 1, fresh: true });
  });

  it('refuses what mongod refuses (overlapping paths, the _id, a non-numeric $inc) and applies $rename, $min, $max, $push, $addToSet', async () => {
    const coll = db.collection('ops');
    await coll.insertOne({ _id: 1, a: { b: 1 }, n: 5, tags: ['x'], old: 'o' } as never);
    const refused = async (update: object) => (await db.command({ update: 'ops', updates: [{ q: { _id: 1 }, u: update }] })).writeErrors?.[0]?.code;
    expect(await refused({ $set: { a: 1 }, $inc: { 'a.b': 1 } })).toBe(40);
    expect(await refused({ $set: { n: 1 }, $rename: { old: 'n' } })).toBe(40);
    expect(await refused({ $set: { _id: 2 } })).toBe(66);
    expect(await refused({ $inc: { n: 'x' } })).toBe(14);
    expect(await coll.findOne({ _id: 1 } as never)).toEqual({ _id: 1, a: { b: 1 }, n: 5, tags: ['x'], old: 'o' });

    await coll.updateOne(
      { _id: 1 } as never,
      { $rename: { old: 'renamed' }, $min: { n: 3 }, $max: { 'a.b': 9 }, $push: { tags: 'y' }, $addToSet: { set: 'z' } } as never,
    );
    expect(await coll.findOne({ _id: 1 } as never)).toEqual({ _id: 1, a: { b: 9 }, n: 3, tags: ['x', 'y'], renamed: 'o', set: ['z'] });
    const unchanged = await coll.updateOne({ _id: 1 } as never, { $min: { n: 4 }, $addToSet: { set: 'z' } });
    expect(unchanged.modifiedCount).toBe(0);
  });

  it('supports pipeline updates', async () => {
    const coll = db.collection('pipe');
    await coll.insertOne({ _id: 1, a: 2, b: 3 } as never);
    await coll.updateOne({ _id: 1 } as never, [{ $set: { sum: { $add: ['$a', '$b'] } } }]);
    expect(await coll.findOne({ _id: 1 } as never)).toEqual({ _id: 1, a: 2, b: 3, sum: 5 });
  });
});

describe('delete and findAndModify', () => {
  it('deletes one or many', async () => {
    const coll = db.collection('del');
    await coll.insertMany([{ g: 1 }, { g: 1 }, { g: 1 }, { g: 2 }]);
    expect((await coll.deleteOne({ g: 1 })).deletedCount).toBe(1);
    expect((await coll.deleteMany({ g: 1 })).deletedCount).toBe(2);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('returns the document before or after, in sort order', async () => {
    const coll = db.collection('fam');
    await coll.insertMany([
      { _id: 1, q: 5 },
      { _id: 2, q: 1 },
    ] as never[]);
    const before = await coll.findOneAndUpdate({}, { $inc: { q: 1 } }, { sort: { q: 1 }, returnDocument: 'before' });
    expect(before).toEqual({ _id: 2, q: 1 });
    const after = await coll.findOneAndUpdate({ _id: 1 } as never, { $inc: { q: 1 } }, { returnDocument: 'after', projection: { q: 1, _id: 0 } });
    expect(after).toEqual({ q: 6 });
    const raw = await db.command({ findAndModify: 'fam', query: { _id: 9 }, update: { $set: { q: 0 } }, upsert: true, new: true });
    expect(raw.value).toEqual({ _id: 9, q: 0 });
    expect(raw.lastErrorObject).toEqual({ n: 1, updatedExisting: false, upserted: 9 });
    const removed = await coll.findOneAndDelete({ _id: 9 } as never);
    expect(removed).toEqual({ _id: 9, q: 0 });
    const none = await db.command({ findAndModify: 'fam', query: { _id: 99 }, update: { $set: { q: 0 } } });
    expect(none.value).toBeNull();
    expect(none.lastErrorObject).toEqual({ n: 0, updatedExisting: false });
  });

  it('guards stock with a filter so concurrent decrements never oversell', async () => {
    const coll = db.collection('stock');
    await coll.insertOne({ _id: 'sku', qty: 5 } as never);
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => coll.findOneAndUpdate({ _id: 'sku', qty: { $gte: 1 } } as never, { $inc: { qty: -1 } })),
    );
    expect(attempts.filter((r) => r !== null)).toHaveLength(5);
    expect((await coll.findOne({ _id: 'sku' } as never))?.qty).toBe(0);
  });
});
