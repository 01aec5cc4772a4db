import { Long } from 'bson';
import type { Db, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = await startTestServer();
  client = await connect(server);
  db = client.db(uniqueDbName('txn'));
  await db.createCollection('accounts');
  await db.createCollection('ledger');
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

describe('transactions', () => {
  it('commits all writes at once and hides them from others until then', async () => {
    const accounts = db.collection('accounts');
    await accounts.insertMany([
      { _id: 'a', bal: 100 },
      { _id: 'b', bal: 0 },
    ] as never[]);
    const session = client.startSession();
    session.startTransaction();
    await accounts.updateOne({ _id: 'a' } as never, { $inc: { bal: -30 } }, { session });
    await accounts.updateOne({ _id: 'b' } as never, { $inc: { bal: 30 } }, { session });
    await db.collection('ledger').insertOne({ amount: 30 }, { session });
    expect((await accounts.findOne({ _id: 'a' } as never, { session }))?.bal).toBe(70);
    expect((await accounts.findOne({ _id: 'a' } as never))?.bal).toBe(100);
    expect(await db.collection('ledger').countDocuments()).toBe(0);
    await session.commitTransaction();
    await session.endSession();
    expect((await accounts.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d.bal)).toEqual([70, 30]);
    expect(await db.collection('ledger').countDocuments()).toBe(1);
  });

  it('discards everything on abort', async () => {
    const session = client.startSession();
    session.startTransaction();
    await db.collection('ledger').insertOne({ amount: 1 }, { session });
    await db.collection('accounts').deleteMany({}, { session });
    await session.abortTransaction();
    await session.endSession();
    expect(await db.collection('ledger').countDocuments()).toBe(1);
    expect(await db.collection('accounts').countDocuments()).toBe(2);
  });

  it('fails the second writer of a document with a transient WriteConflict', async () => {
    const s1 = client.startSession();
    const s2 = client.startSession();
    s1.startTransaction();
    s2.startTransaction();
    await db.collection('accounts').updateOne({ _id: 'a' } as never, { $inc: { bal: 1 } }, { session: s1 });
    const error = await db
      .collection('accounts')
      .updateOne({ _id: 'a' } as never, { $inc: { bal: 1 } }, { session: s2 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 112 });
    expect((error as { hasErrorLabel(l: string): boolean }).hasErrorLabel('TransientTransactionError')).toBe(true);
    await s1.commitTransaction();
    await s2.abortTransaction().catch(() => undefined);
    await Promise.all([s1.endSession(), s2.endSession()]);
    expect((await db.collection('accounts').findOne({ _id: 'a' } as never))?.bal).toBe(71);
  });

  it('conflicts with a non-transactional write made after the transaction started, and withTransaction retries', async () => {
    const session = client.startSession();
    let attempts = 0;
    await session.withTransaction(async () => {
      attempts++;
      await db.collection('ledger').findOne({}, { session });
      if (attempts === 1) await db.collection('accounts').updateOne({ _id: 'b' } as never, { $inc: { bal: 5 } });
      await db.collection('accounts').updateOne({ _id: 'b' } as never, { $inc: { bal: 1 } }, { session });
    });
    await session.endSession();
    expect(attempts).toBe(2);
    expect((await db.collection('accounts').findOne({ _id: 'b' } as never))?.bal).toBe(36);
  });

  it('detects unique-index violations inside the transaction', async () => {
    await db.collection('emails').createIndex({ email: 1 }, { unique: true });
    const session = client.startSession();
    session.startTransaction();
    await db.collection('emails').insertOne({ email: 'x@y' }, { session });
    await expect(db.collection('emails').insertOne({ email: 'x@y' }, { session })).rejects.toMatchObject({ code: 11000 });
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    expect(await db.collection('emails').countDocuments()).toBe(0);
  });

  it('reads and writes by _id among many pending documents of the same transaction', async () => {
    const rows = db.collection<{ _id: number; n: number }>('pending_rows');
    const session = client.startSession();
    session.startTransaction();
    await rows.insertMany(
      Array.from({ length: 300 }, (_, i) => ({ _id: i, n: 0 })),
      { session },
    );
    await rows.updateOne({ _id: 7 }, { $inc: { n: 5 } }, { session });
    await rows.updateOne({ _id: { $eq: 8 } }, { $inc: { n: 6 } }, { session });
    const upsert = await rows.updateOne({ _id: 9 }, { $inc: { n: 1 } }, { session, upsert: true });
    expect([upsert.matchedCount, upsert.upsertedCount]).toEqual([1, 0]);
    expect(
      await rows
        .find({ _id: { $in: [7, 8, 9, 400] } }, { session })
        .sort({ _id: 1 })
        .toArray(),
    ).toEqual([
      { _id: 7, n: 5 },
      { _id: 8, n: 6 },
      { _id: 9, n: 1 },
    ]);
    expect(await rows.countDocuments({ n: { $gt: 0 } }, { session })).toBe(3);
    await session.commitTransaction();
    await session.endSession();
    expect(await rows.countDocuments()).toBe(300);
  });

  it('frees a unique key that a pending update moved away, and guards the new one', async () => {
    await db.collection('handles').createIndex({ handle: 1 }, { unique: true });
    const session = client.startSession();
    session.startTransaction();
    const handles = db.collection('handles');
    await handles.insertMany([{ handle: 'ann' }, { handle: 'bob' }], { session });
    await handles.updateOne({ handle: 'ann' }, { $set: { handle: 'anne' } }, { session });
    await handles.insertOne({ handle: 'ann' }, { session });
    await expect(handles.insertOne({ handle: 'anne' }, { session })).rejects.toMatchObject({ code: 11000 });
    await session.abortTransaction().catch(() => undefined);
    await session.endSession();
    expect(await handles.countDocuments()).toBe(0);
  });

  it('answers NoSuchTransaction for an unknown transaction and ok for a repeated commit', async () => {
    const session = client.startSession();
    const admin = client.db('admin');
    const unknown = await admin.command({ commitTransaction: 1, txnNumber: Long.fromNumber(99), autocommit: false }, { session }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 251 });
    session.startTransaction();
    await db.collection('ledger').insertOne({ amount: 2 }, { session });
    await session.commitTransaction();
    await session.commitTransaction();
    await session.endSession();
    expect(await db.collection('ledger').countDocuments({ amount: 2 })).toBe(1);
  });
});

describe('retryable writes', () => {
  it('accepts lsid + txnNumber without autocommit and answers a retry with the first result', async () => {
    const session = client.startSession();
    const command = { insert: 'retry', documents: [{ v: 1 }], txnNumber: Long.fromNumber(7) };
    const first = await db.command(command, { session });
    const retry = await db.command({ ...command, documents: [{ v: 1 }] }, { session });
    await session.endSession();
    expect([first.n, retry.n]).toEqual([1, 1]);
    expect(await db.collection('retry').countDocuments()).toBe(1);
  });
});
