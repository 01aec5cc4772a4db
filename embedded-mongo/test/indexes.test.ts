import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, openTestDatabase, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => ({ server, client, db } = await openTestDatabase('idx')));

/** Documents examined by queries since the engine started (serverStatus `metrics.queryExecutor.scannedObjects`). */
async function scannedObjects(): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  return Number((status.metrics as { queryExecutor: { scannedObjects: unknown } }).queryExecutor.scannedObjects);
}
afterAll(() => closeTestDatabase({ server, client }));

describe('index management', () => {
  it('names indexes like mongod and lists them with _id_', async () => {
    const coll = db.collection('names');
    expect(await coll.createIndex({ a: 1, b: -1 })).toBe('a_1_b_-1');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
    expect(await coll.createIndex({ sku: 1 }, { unique: true, partialFilterExpression: { active: true }, name: 'sku_active' })).toBe('sku_active');
    const indexes = await coll.listIndexes().toArray();
    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { a: 1, b: -1 }, name: 'a_1_b_-1' },
      { v: 2, key: { email: 1 }, name: 'email_1', unique: true },
      { v: 2, key: { sku: 1 }, name: 'sku_active', unique: true, partialFilterExpression: { active: true } },
    ]);
  });

  it('is idempotent for identical specs and rejects conflicting ones', async () => {
    const coll = db.collection('names');
    const again = await db.command({ createIndexes: 'names', indexes: [{ key: { email: 1 }, name: 'email_1', unique: true }] });
    expect(again.numIndexesBefore).toBe(again.numIndexesAfter);
    await expect(coll.createIndex({ email: 1 }, { name: 'email_1' })).rejects.toMatchObject({ code: 85 });
    await expect(coll.createIndex({ other: 1 }, { name: 'email_1' })).rejects.toMatchObject({ code: 86 });
    await expect(coll.createIndex({ email: 1 }, { unique: true, name: 'different' })).rejects.toMatchObject({ code: 85 });
  });

  it('drops by name, by key and all', async () => {
    const coll = db.collection('drops');
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: 1 } }, { key: { c: 1 } }]);
    await coll.dropIndex('a_1');
    await db.command({ dropIndexes: 'drops', index: { b: 1 } });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'c_1']);
    await expect(coll.dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    await expect(coll.dropIndex('_id_')).rejects.toMatchObject({ code: 72 });
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });

  it('reports NamespaceNotFound listing indexes of a missing collection', async () => {
    await expect(db.collection('missing').listIndexes().toArray()).rejects.toMatchObject({ code: 26 });
  });
});

describe('unique indexes', () => {
  it('reports duplicates exactly as mongod does', async () => {
    const coll = db.collection('users');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertOne({ email: 'a@x.io' });
    const error = await coll.insertOne({ email: 'a@x.io' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'a@x.io' },
      message: `E11000 duplicate key error collection: ${db.databaseName}.users index: email_1 dup key: { email: "a@x.io" }`,
    });
  });

  it('enforces compound unique indexes on insert, update, upsert and findAndModify', async () => {
    const coll = db.collection('pairs');
    await coll.createIndex({ a: 1, b: 1 }, { unique: true });
    await coll.insertMany([
      { a: 1, b: 1 },
      { a: 1, b: 2 },
    ]);
    await expect(coll.insertOne({ a: 1, b: 1 })).rejects.toMatchObject({ code: 11000, keyValue: { a: 1, b: 1 } });
    await expect(coll.updateOne({ b: 2 }, { $set: { b: 1 } })).rejects.toMatchObject({ code: 11000 });
    await expect(coll.updateOne({ a: 9 }, { $set: { a: 1, b: 2 } }, { upsert: true })).rejects.toMatchObject({ code: 11000 });
    await expect(coll.findOneAndUpdate({ b: 2 }, { $set: { b: 1 } })).rejects.toMatchObject({ code: 11000 });
    expect(await coll.countDocuments()).toBe(2);
    expect((await coll.updateOne({ b: 2 }, { $set: { b: 3 } })).modifiedCount).toBe(1);
  });

  it('treats missing fields as null, so two documents without the field collide', async () => {
    const coll = db.collection('nulls');
    await coll.createIndex({ code: 1 }, { unique: true });
    await coll.insertOne({ name: 'first' });
    await expect(coll.insertOne({ name: 'second' })).rejects.toMatchObject({ code: 11000, keyValue: { code: null } });
  });

  it('only covers matching documents with a partial index, and skips missing fields with sparse', async () => {
    const partial = db.collection('partial');
    await partial.createIndex({ sku: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await partial.insertMany([
      { sku: 'x', active: false },
      { sku: 'x', active: false },
      { sku: 'x', active: true },
    ]);
    await expect(partial.insertOne({ sku: 'x', active: true })).rejects.toMatchObject({ code: 11000 });
    const sparse = db.collection('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ n: 1 }, { n: 2 }]);
    expect(await sparse.countDocuments()).toBe(2);
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = db.collection('predup');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    await expect(coll.createIndex({ k: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
  });
});

describe('index lookups', () => {
  it('finds by _id, indexed fields, compound prefixes and $in without scanning', async () => {
    const coll = db.collection('big');
    await coll.createIndex({ region: 1, sku: 1 });
    const docs = Array.from({ length: 50_000 }, (_, i) => ({ _id: i, region: `r${i % 100}`, sku: `s${i}`, n: i }));
    await coll.insertMany(docs as never[]);
    expect(await coll.findOne({ _id: 777 } as never)).toEqual({ _id: 777, region: 'r77', sku: 's777', n: 777 });
    expect(await coll.countDocuments({ region: 'r5' })).toBe(500);
    expect((await coll.find({ region: { $in: ['r1', 'r2'] }, sku: { $in: ['s1', 's2', 's102'] } }).toArray()).map((d) => d._id)).toEqual([1, 2, 102]);
    // Counted, not timed: the documents the engine examined (serverStatus, as mongod reports them).
    const before = await scannedObjects();
    for (let i = 0; i < 500; i++) await coll.findOne({ region: `r${i % 100}`, sku: `s${i}` });
    for (let i = 0; i < 500; i++) await coll.findOne({ _id: i * 97 } as never);
    // One document per lookup through its index; a scan would examine up to 50,000 each.
    expect(await scannedObjects()).toBeLessThanOrEqual(before + 1_000);
  });
});
