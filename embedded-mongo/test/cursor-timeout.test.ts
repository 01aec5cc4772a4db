import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/index.js';

// An engine option (mongod's equivalent is the `cursorTimeoutMillis` server parameter), so this
// file runs the embedded engine directly, with a tiny timeout.
const TIMEOUT_MS = 100;

let server: EmbeddedMongo;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  server = await startEmbeddedMongo({ port: 0, cursorTimeoutMs: TIMEOUT_MS, log: () => {} });
  client = await new MongoClient(server.uri).connect();
  db = client.db('cursorTimeout');
  await db.collection('docs').insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
});

afterAll(async () => {
  await client.close();
  await server.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function openCursor(extra: Record<string, unknown> = {}): Promise<unknown> {
  const reply = await db.command({ find: 'docs', filter: {}, sort: { i: 1 }, batchSize: 2, ...extra });
  const id = (reply.cursor as { id: unknown }).id;
  expect(Number(id)).not.toBe(0);
  return id;
}

async function openCursorCount(): Promise<number> {
  const status = await db.admin().command({ serverStatus: 1 });
  return Number(status.metrics.cursor.open.total);
}

describe('idle cursor timeout', () => {
  it('kills a cursor idle past the timeout: getMore gets CursorNotFound (43)', async () => {
    const id = await openCursor();
    await sleep(TIMEOUT_MS * 3);
    await expect(db.command({ getMore: id, collection: 'docs', batchSize: 2 })).rejects.toMatchObject({ code: 43, codeName: 'CursorNotFound' });
  });

  it('kills idle cursors on a timer, without any getMore', async () => {
    await openCursor();
    expect(await openCursorCount()).toBeGreaterThan(0);
    await sleep(TIMEOUT_MS * 3);
    expect(await openCursorCount()).toBe(0);
  });

  it('keeps a cursor that is used more often than the timeout', async () => {
    const id = await openCursor();
    for (let k = 0; k < 5; k++) {
      await sleep(TIMEOUT_MS / 3);
      const reply = await db.command({ getMore: id, collection: 'docs', batchSize: 2 });
      expect((reply.cursor as { nextBatch: unknown[] }).nextBatch).toHaveLength(2);
    }
  });

  it('never kills a noCursorTimeout cursor', async () => {
    const id = await openCursor({ noCursorTimeout: true });
    await sleep(TIMEOUT_MS * 3);
    const reply = await db.command({ getMore: id, collection: 'docs', batchSize: 2 });
    expect((reply.cursor as { nextBatch: Array<{ i: number }> }).nextBatch.map((d) => d.i)).toEqual([2, 3]);
    await db.command({ killCursors: 'docs', cursors: [id] });
  });
});
