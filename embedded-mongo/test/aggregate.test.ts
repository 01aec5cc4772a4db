import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = await startTestServer();
  client = await connect(server);
  db = client.db(uniqueDbName('agg'));
  await db.collection('orders').insertMany([
    { _id: 1, customer: 'c1', total: 10, items: ['a', 'b'] },
    { _id: 2, customer: 'c1', total: 20, items: ['b'] },
    { _id: 3, customer: 'c2', total: 5, items: [] },
  ] as never[]);
  await db.collection('customers').insertMany([
    { _id: 'c1', name: 'Ada' },
    { _id: 'c2', name: 'Bob' },
  ] as never[]);
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

describe('aggregate', () => {
  it('groups, sorts and projects', async () => {
    const result = await db
      .collection('orders')
      .aggregate([{ $group: { _id: '$customer', sum: { $sum: '$total' }, n: { $sum: 1 } } }, { $sort: { sum: -1 } }])
      .toArray();
    expect(result).toEqual([
      { _id: 'c1', sum: 30, n: 2 },
      { _id: 'c2', sum: 5, n: 1 },
    ]);
  });

  it('joins other collections with $lookup and $unionWith', async () => {
    const joined = await db
      .collection('orders')
      .aggregate([
        { $match: { _id: 3 } },
        { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
        { $project: { name: { $first: '$who.name' } } },
      ])
      .toArray();
    expect(joined).toEqual([{ _id: 3, name: 'Bob' }]);
    const union = await db
      .collection('customers')
      .aggregate([{ $project: { _id: 1 } }, { $unionWith: { coll: 'orders', pipeline: [{ $project: { _id: 1 } }] } }])
      .toArray();
    expect(union.map((d) => d._id)).toEqual(['c1', 'c2', 1, 2, 3]);
  });

  it('unwinds, counts and facets', async () => {
    const counts = await db
      .collection('orders')
      .aggregate([{ $unwind: '$items' }, { $sortByCount: '$items' }])
      .toArray();
    expect(counts).toEqual([
      { _id: 'b', count: 2 },
      { _id: 'a', count: 1 },
    ]);
    const [facets] = await db
      .collection('orders')
      .aggregate([{ $facet: { big: [{ $match: { total: { $gte: 10 } } }, { $count: 'n' }], all: [{ $count: 'n' }] } }])
      .toArray();
    expect(facets).toEqual({ big: [{ n: 2 }], all: [{ n: 3 }] });
  });

  it('writes results with $out and $merge through the normal write path', async () => {
    await db
      .collection('orders')
      .aggregate([{ $group: { _id: '$customer', total: { $sum: '$total' } } }, { $out: 'totals' }])
      .toArray();
    expect(
      await db
        .collection('totals')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 'c1', total: 30 },
      { _id: 'c2', total: 5 },
    ]);
    await db
      .collection('customers')
      .aggregate([{ $project: { name: 1 } }, { $merge: { into: 'totals', whenMatched: 'merge', whenNotMatched: 'discard' } }])
      .toArray();
    expect(await db.collection('totals').findOne({ _id: 'c1' } as never)).toEqual({ _id: 'c1', total: 30, name: 'Ada' });
  });

  it('runs batches through getMore and rejects unknown stages', async () => {
    const cursor = db.collection('orders').aggregate([{ $sort: { _id: 1 } }], { batchSize: 1 });
    expect((await cursor.toArray()).map((d) => d._id)).toEqual([1, 2, 3]);
    await expect(
      db
        .collection('orders')
        .aggregate([{ $bogus: {} }])
        .toArray(),
    ).rejects.toMatchObject({ code: 40324 });
  });
});
