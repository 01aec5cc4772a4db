import { once } from 'node:events';
import {
  MongoServerError,
  Timestamp,
  type ChangeStream,
  type ChangeStreamDocument,
  type Collection,
  type CommandStartedEvent,
  type CommandSucceededEvent,
  type Document,
  type MongoClient,
  type ResumeToken,
} from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, startTestServer, uniqueDbName, type TestServer } from './harness.js';

/**
 * Change streams through the official driver, written as "what mongod does":
 * every assertion here holds against a real replica set too.
 */

type Change = ChangeStreamDocument<Document>;

/** Test documents use readable scalar ids. */
interface TestDoc {
  _id?: string | number;
  n?: number;
  touched?: boolean;
  unrelated?: boolean;
  inTxn?: boolean;
}

interface Person {
  _id: number;
  name?: string;
  address?: { city: string; zip: string };
  tags?: string[];
  replaced?: boolean;
}

/** Short server-side waits keep empty `tryNext()` calls fast. */
const AWAIT_MS = 100;

let server: TestServer;
let client: MongoClient;
let dbName: string;
let collCounter = 0;

beforeAll(async () => {
  server = await startTestServer();
  client = await connect(server, { monitorCommands: true });
  dbName = uniqueDbName('changes');
});

afterAll(async () => {
  await client?.close();
  await server?.stop();
});

function freshCollection<T extends Document = TestDoc>(): Collection<T> {
  collCounter += 1;
  return client.db(dbName).collection<T>(`c${collCounter}`);
}

/** The next `n` changes, in order. */
async function take<T extends Document>(stream: ChangeStream<T>, n: number): Promise<Change[]> {
  const changes: Change[] = [];
  while (changes.length < n) changes.push(await stream.next());
  return changes;
}

/** Run the stream's initial aggregate, so it is positioned before the writes that follow. */
async function started<T extends Document>(stream: ChangeStream<T>): Promise<ChangeStream<T>> {
  expect(await stream.tryNext()).toBeNull();
  return stream;
}

/** Record the change-stream `aggregate` commands the driver sends for `coll`, and the cursor ids they open. */
function monitorAggregates<T extends Document>(
  coll: Collection<T>,
): {
  commands: Document[];
  cursorIds: unknown[];
  getMoreSent: Promise<void>;
  stop(): void;
} {
  const commands: Document[] = [];
  const cursorIds: unknown[] = [];
  let onGetMore = (): void => {};
  const getMoreSent = new Promise<void>((resolve) => (onGetMore = resolve));
  const onStarted = (event: CommandStartedEvent): void => {
    if (event.commandName === 'aggregate' && event.command.aggregate === coll.collectionName) commands.push(event.command);
    if (event.commandName === 'getMore' && event.command.collection === coll.collectionName) onGetMore();
  };
  const onSucceeded = (event: CommandSucceededEvent): void => {
    const cursor = (event.reply as Document).cursor as Document | undefined;
    if (event.commandName === 'aggregate' && cursor?.ns === coll.namespace) cursorIds.push(cursor.id);
  };
  client.on('commandStarted', onStarted);
  client.on('commandSucceeded', onSucceeded);
  return {
    commands,
    cursorIds,
    getMoreSent,
    stop: () => {
      client.off('commandStarted', onStarted);
      client.off('commandSucceeded', onSucceeded);
    },
  };
}

const tokenOf = (change: Change | undefined): ResumeToken => change?._id;
const dataOf = (token: ResumeToken): string => (token as { _data: string })._data;
const keyOf = (change: Change): unknown => ('documentKey' in change ? (change.documentKey as Document)._id : undefined);

describe('change events', () => {
  it('reports insert, update, replace, delete, drop and invalidate in order', async () => {
    const coll = freshCollection<Person>();
    const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    await coll.insertOne({ _id: 1, name: 'ann', address: { city: 'Oslo', zip: '0150' }, tags: ['a'] });
    await coll.updateOne({ _id: 1 }, { $set: { 'address.city': 'Bergen' }, $push: { tags: 'b' }, $unset: { name: '' } });
    await coll.replaceOne({ _id: 1 }, { replaced: true });
    await coll.deleteOne({ _id: 1 });
    await coll.drop();
    const changes = await take(stream, 6);
    expect(changes.map((c) => c.operationType)).toEqual(['insert', 'update', 'replace', 'delete', 'drop', 'invalidate']);
    const [insert, update, replace, del, drop, invalidate] = changes as unknown as [Document, Document, Document, Document, Document, Document];
    for (const change of [insert, update, replace, del]) {
      expect(change.ns).toEqual({ db: dbName, coll: coll.collectionName });
      expect(change.documentKey).toEqual({ _id: 1 });
      expect(change.clusterTime).toBeInstanceOf(Timestamp);
      expect(change.wallTime).toBeInstanceOf(Date);
    }
    expect(insert.fullDocument).toEqual({ _id: 1, name: 'ann', address: { city: 'Oslo', zip: '0150' }, tags: ['a'] });
    expect(update.updateDescription.updatedFields).toEqual({ 'address.city': 'Bergen', 'tags.1': 'b' });
    expect(update.updateDescription.removedFields).toEqual(['name']);
    expect(update).not.toHaveProperty('fullDocument');
    expect(replace.fullDocument).toEqual({ _id: 1, replaced: true });
    expect(del).not.toHaveProperty('fullDocument');
    expect(drop.ns).toEqual({ db: dbName, coll: coll.collectionName });
    expect(invalidate).not.toHaveProperty('ns');
    const tokens = changes.map((c) => dataOf(tokenOf(c)));
    expect(new Set(tokens).size).toBe(6);
    expect([...tokens].sort()).toEqual(tokens);
    // The invalidate ends the server cursor, so the driver closes the stream.
    await expect(stream.next()).rejects.toThrow();
    expect(stream.closed).toBe(true);
  });

  it("fullDocument: 'updateLookup' returns the document as it is when the event is read", async () => {
    const coll = freshCollection();
    const stream = await started(coll.watch([], { fullDocument: 'updateLookup', maxAwaitTimeMS: AWAIT_MS }));
    await coll.insertOne({ _id: 'a', n: 0 });
    await coll.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    await coll.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    await coll.insertOne({ _id: 'b', n: 0 });
    await coll.updateOne({ _id: 'b' }, { $inc: { n: 5 } });
    await coll.deleteOne({ _id: 'b' });
    const updates = (await take(stream, 6)).filter((c) => c.operationType === 'update') as Document[];
    expect(updates.map((c) => c.updateDescription.updatedFields)).toEqual([{ n: 1 }, { n: 2 }, { n: 5 }]);
    expect(updates.map((c) => c.fullDocument)).toEqual([{ _id: 'a', n: 2 }, { _id: 'a', n: 2 }, null]);
    await stream.close();
  });

  it('a $match stage after $changeStream filters events on the server', async () => {
    const coll = freshCollection();
    const pipeline = [{ $match: { operationType: 'insert', 'fullDocument.n': { $gte: 2 } } }];
    const stream = await started(coll.watch(pipeline, { maxAwaitTimeMS: AWAIT_MS }));
    await coll.insertMany([1, 2, 3, 0, 4].map((n) => ({ n })));
    await coll.updateMany({}, { $set: { touched: true } });
    await coll.insertOne({ n: 9 });
    const changes = (await take(stream, 4)) as Document[];
    expect(changes.map((c) => c.fullDocument.n)).toEqual([2, 3, 4, 9]);
    expect(await stream.tryNext()).toBeNull();
    await stream.close();
  });

  it("a stage that removes the event's _id fails the stream with 280", async () => {
    const coll = freshCollection();
    const stream = await started(coll.watch([{ $project: { _id: 0 } }], { maxAwaitTimeMS: AWAIT_MS }));
    await coll.insertOne({ n: 1 });
    const error = await stream.next().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).code).toBe(280);
  });
});

describe('scope', () => {
  it('collection, database and cluster streams see their own namespaces', async () => {
    const db = client.db(dbName);
    const otherDb = uniqueDbName('changes_other');
    const a = freshCollection();
    const b = freshCollection();
    const collStream = await started(a.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    const dbStream = await started(db.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    const clusterPipeline = [{ $match: { 'ns.db': { $in: [dbName, otherDb] } } }];
    const clusterStream = await started(client.watch(clusterPipeline, { maxAwaitTimeMS: AWAIT_MS }));
    await a.insertOne({ _id: 'a1' });
    await b.insertOne({ _id: 'b1' });
    await client.db(otherDb).collection<TestDoc>('x').insertOne({ _id: 'x1' });
    await a.insertOne({ _id: 'a2' });
    expect((await take(collStream, 2)).map(keyOf)).toEqual(['a1', 'a2']);
    expect((await take(dbStream, 3)).map(keyOf)).toEqual(['a1', 'b1', 'a2']);
    const cluster = await take(clusterStream, 4);
    expect(cluster.map(keyOf)).toEqual(['a1', 'b1', 'x1', 'a2']);
    expect((cluster[2] as Document).ns).toEqual({ db: otherDb, coll: 'x' });
    await client.db(otherDb).dropDatabase();
    await Promise.all([collStream.close(), dbStream.close(), clusterStream.close()]);
  });

  it('dropDatabase invalidates a database stream but not a cluster stream', async () => {
    const name = uniqueDbName('changes_drop');
    const coll = client.db(name).collection<TestDoc>('x');
    await coll.insertOne({ _id: 0 });
    const dbStream = await started(client.db(name).watch([], { maxAwaitTimeMS: AWAIT_MS }));
    const clusterPipeline = [{ $match: { 'ns.db': name } }];
    const clusterStream = await started(client.watch(clusterPipeline, { maxAwaitTimeMS: AWAIT_MS }));
    await client.db(name).dropDatabase();
    await coll.insertOne({ _id: 1 });
    expect((await take(dbStream, 3)).map((c) => c.operationType)).toEqual(['drop', 'dropDatabase', 'invalidate']);
    const cluster = await take(clusterStream, 3);
    expect(cluster.map((c) => c.operationType)).toEqual(['drop', 'dropDatabase', 'insert']);
    expect((cluster[1] as Document).ns).toEqual({ db: name });
    await clusterStream.close();
    await client.db(name).dropDatabase();
  });
});

describe('driver iteration styles', () => {
  it("delivers through 'change' events and async iteration", async () => {
    const coll = freshCollection();
    const emitter = coll.watch([], { maxAwaitTimeMS: AWAIT_MS });
    const seen: unknown[] = [];
    const twoSeen = new Promise<void>((resolve) =>
      emitter.on('change', (change: Change) => {
        seen.push(keyOf(change));
        if (seen.length === 2) resolve();
      }),
    );
    const iterated = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    await once(emitter, 'resumeTokenChanged');
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    await twoSeen;
    expect(seen).toEqual([1, 2]);
    const fromLoop: unknown[] = [];
    for await (const change of iterated) {
      fromLoop.push(keyOf(change));
      if (fromLoop.length === 2) break;
    }
    expect(fromLoop).toEqual([1, 2]);
    expect(iterated.closed).toBe(true);
    await emitter.close();
  });
});

describe('awaitData getMore', () => {
  it('waits for an event written ~50 ms later and delivers it promptly', async () => {
    const coll = freshCollection();
    const stream = coll.watch([], { maxAwaitTimeMS: 5_000 });
    const initialized = once(stream, 'resumeTokenChanged');
    const next = stream.next();
    await initialized;
    const startedAt = performance.now();
    setTimeout(() => void coll.insertOne({ _id: 'late' }), 50);
    const change = await next;
    const elapsed = performance.now() - startedAt;
    expect(keyOf(change as Change)).toBe('late');
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(1_000);
    await stream.close();
  });

  it('empty batches still advance the resume token', async () => {
    const coll = freshCollection();
    const other = freshCollection();
    const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    const first = stream.resumeToken;
    expect(first).toBeTruthy();
    await other.insertOne({ unrelated: true });
    expect(await stream.tryNext()).toBeNull();
    const second = stream.resumeToken;
    expect(dataOf(second) > dataOf(first)).toBe(true);
    await coll.insertOne({ _id: 'after' });
    const resumed = coll.watch([], { resumeAfter: second, maxAwaitTimeMS: AWAIT_MS });
    expect((await take(resumed, 1)).map(keyOf)).toEqual(['after']);
    await Promise.all([stream.close(), resumed.close()]);
  });

  it('close() ends a waiting stream at once and releases its server cursor', async () => {
    const coll = freshCollection();
    const monitor = monitorAggregates(coll);
    try {
      const stream = coll.watch([], { maxAwaitTimeMS: 10_000 });
      const pending = stream.next().then(
        () => 'resolved',
        () => 'rejected',
      );
      await monitor.getMoreSent;
      // Let the getMore reach the server and start waiting there.
      await new Promise((resolve) => setTimeout(resolve, 20));
      const startedAt = performance.now();
      await stream.close();
      expect(await pending).toBe('rejected');
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expect(stream.closed).toBe(true);
      const killed = await client.db(dbName).command({ killCursors: coll.collectionName, cursors: [monitor.cursorIds[0]] });
      expect(killed.cursorsNotFound).toHaveLength(1);
    } finally {
      monitor.stop();
    }
  });
});

describe('resuming', () => {
  it('resumeAfter delivers exactly the events missed since the token', async () => {
    const coll = freshCollection();
    const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    await coll.insertMany([{ _id: 1 }, { _id: 2 }]);
    const [firstChange] = await take(stream, 1);
    await stream.close();
    await coll.insertMany([{ _id: 3 }, { _id: 4 }]);
    const resumed = coll.watch([], { resumeAfter: tokenOf(firstChange), maxAwaitTimeMS: AWAIT_MS });
    expect((await take(resumed, 3)).map(keyOf)).toEqual([2, 3, 4]);
    expect(await resumed.tryNext()).toBeNull();
    await resumed.close();
  });

  it('startAfter an invalidate continues on the recreated collection', async () => {
    const coll = freshCollection();
    await coll.insertOne({ _id: 0 });
    const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    await coll.drop();
    const [, invalidate] = await take(stream, 2);
    expect(invalidate?.operationType).toBe('invalidate');
    await coll.insertOne({ _id: 'reborn' });
    const refused = await coll
      .watch([], { resumeAfter: tokenOf(invalidate), maxAwaitTimeMS: AWAIT_MS })
      .next()
      .then(
        () => 0,
        (e: MongoServerError) => e.code,
      );
    expect(refused).toBe(260);
    const after = coll.watch([], { startAfter: tokenOf(invalidate), maxAwaitTimeMS: AWAIT_MS });
    expect((await take(after, 1)).map(keyOf)).toEqual(['reborn']);
    await after.close();
  });

  it('startAtOperationTime delivers events from that cluster time on', async () => {
    const coll = freshCollection();
    await coll.insertOne({ _id: 'before' });
    const session = client.startSession();
    await coll.insertOne({ _id: 'at' }, { session });
    const operationTime = session.operationTime;
    await session.endSession();
    await coll.insertOne({ _id: 'after' });
    expect(operationTime).toBeInstanceOf(Timestamp);
    const stream = coll.watch([], { startAtOperationTime: operationTime, maxAwaitTimeMS: AWAIT_MS });
    expect((await take(stream, 2)).map(keyOf)).toEqual(['at', 'after']);
    expect(await stream.tryNext()).toBeNull();
    await stream.close();
  });

  it('the driver resumes by itself after the server cursor is killed, losing nothing', async () => {
    const coll = freshCollection();
    const monitor = monitorAggregates(coll);
    try {
      const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
      await coll.insertOne({ _id: 1 });
      expect((await take(stream, 1)).map(keyOf)).toEqual([1]);
      const killed = await client.db(dbName).command({ killCursors: coll.collectionName, cursors: [monitor.cursorIds[0]] });
      expect(killed.cursorsKilled).toHaveLength(1);
      await coll.insertMany([{ _id: 2 }, { _id: 3 }]);
      expect((await take(stream, 2)).map(keyOf)).toEqual([2, 3]);
      expect(monitor.commands).toHaveLength(2);
      expect(monitor.commands[1]?.pipeline[0].$changeStream.resumeAfter).toBeDefined();
      await stream.close();
    } finally {
      monitor.stop();
    }
  });
});

describe('transactions', () => {
  it('a commit appears at once, all its events sharing one clusterTime', async () => {
    const coll = freshCollection();
    await coll.insertOne({ _id: 'setup' });
    const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
    const session = client.startSession();
    try {
      session.startTransaction();
      await coll.insertOne({ _id: 't1' }, { session });
      await coll.updateOne({ _id: 'setup' }, { $set: { inTxn: true } }, { session });
      await coll.insertOne({ _id: 't2' }, { session });
      expect(await stream.tryNext()).toBeNull();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    const changes = (await take(stream, 3)) as Document[];
    expect(changes.map((c) => [c.operationType, c.documentKey._id])).toEqual([
      ['insert', 't1'],
      ['update', 'setup'],
      ['insert', 't2'],
    ]);
    const [first] = changes;
    expect(changes.every((c) => (c.clusterTime as Timestamp).equals(first?.clusterTime))).toBe(true);
    expect(changes.every((c) => c.lsid !== undefined && c.txnNumber !== undefined)).toBe(true);
    const tokens = changes.map((c) => dataOf(c._id));
    expect([...tokens].sort()).toEqual(tokens);
    await stream.close();
  });
});

describe('bounded history', () => {
  it('resuming from a point that fell out of history fails with 286 ChangeStreamHistoryLost', async () => {
    const small = await startTestServer({ historyLimit: 50 });
    const smallClient = await connect(small);
    try {
      const coll = smallClient.db(uniqueDbName('history')).collection<TestDoc>('c');
      const stream = await started(coll.watch([], { maxAwaitTimeMS: AWAIT_MS }));
      await coll.insertOne({ _id: 0 });
      const [first] = await take(stream, 1);
      await stream.close();
      for (let i = 1; i < 200; i += 10) await coll.insertMany(Array.from({ length: 10 }, (_, j) => ({ _id: i + j })));
      const resumed = coll.watch([], { resumeAfter: tokenOf(first), maxAwaitTimeMS: AWAIT_MS });
      const outcome = await resumed.next().then(
        (change) => keyOf(change as Change),
        (e: unknown) => e,
      );
      if (small.engine === 'embedded') {
        expect(outcome).toBeInstanceOf(MongoServerError);
        expect((outcome as MongoServerError).code).toBe(286);
        expect(resumed.closed).toBe(true);
      } else {
        // A real replica set's oplog cannot be shrunk to 50 entries from a test: the point is still there.
        expect(outcome).toBe(1);
        await resumed.close();
      }
    } finally {
      await smallClient.close();
      await small.stop();
    }
  });
});
